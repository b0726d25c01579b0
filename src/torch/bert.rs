//! The crate's own forward pass of a BERT encoder ([`Backend::Fp32`],
//! [`Backend::Int8Dynamic`]), over the tensors of a var store that rust-bert's BERT model
//! was built and loaded into (so names, shapes and the checks of `load_weights` are
//! rust-bert's).
//!
//! Why not rust-bert's: its `nn::Linear` cannot be swapped for a quantised one, and its GELU
//! is five element-wise tensors where libtorch has one fused kernel. Here every encoder
//! Linear is a [`Linear`] that is either fp32 (`at::linear`) or int8: the weight quantised
//! once at load (per tensor, affine, the parameters `fbgemm_linear_quantize_weight`
//! chooses), packed for fbgemm, and applied by `fbgemm_linear_int8_weight_fp32_activation`,
//! which quantises its input per call (8 bits, that call's min and max) and returns fp32.
//! Each sequence of a batch is quantised on its own, its padding zeroed first (0 is always
//! inside the quantisation range), so that a text's int8 results do not depend on the
//! other texts of its batch or on how much it was padded.
//! Query, key and value are one Linear (their weights concatenated) in fp32; in int8 they
//! stay three, so that each keeps its own scale (one fused int8 matrix lost another 0.002 of
//! CoNLL dev F1 and was no faster). The `1/sqrt(head size)` of attention is
//! folded into the query weights at load. Embeddings, LayerNorm, attention products,
//! softmax, the pooler and the classifier stay fp32. (libtorch's `scaled_dot_product_attention`
//! was tried for the attention and was no faster at these lengths.)
//!
//! libtorch 2.4 marks the three fbgemm ops deprecated and prints that once per process on
//! stderr the first time each runs; they are what tch 0.17 reaches (`quantized::linear_dynamic`
//! takes a packed-params object tch cannot hold).

use tch::nn::VarStore;
use tch::{Device, Kind, Scalar, TchError, Tensor};

use super::Backend;
use crate::models::config::ModelConfig;

/// A Linear layer: `x W^T + b`, with `W` in fp32 or int8.
pub(crate) struct Linear {
    weight: Weight,
    bias: Tensor,
}

enum Weight {
    Fp32(Tensor),
    Int8 {
        /// The int8 weight, `[out, in]` (the op reads its sizes).
        q: Tensor,
        /// The same packed for fbgemm.
        packed: Tensor,
        /// Per output: the sum of its int8 weights less `zero_point * in`.
        col_offsets: Tensor,
        scale: f64,
        zero_point: i64,
    },
}

/// Per-tensor affine int8 parameters of a weight, as fbgemm's `ChooseQuantizationParams`
/// (through `at::fbgemm_linear_quantize_weight`) picks them: the range widened to hold 0,
/// 255 steps, the scale rounded to f32, the zero point rounded half to even.
pub(crate) fn int8_params(min: f32, max: f32) -> (f64, i64) {
    let (min, max) = (min.min(0.0), max.max(0.0));
    let mut scale = ((f64::from(max) - f64::from(min)) / 255.0) as f32;
    if scale == 0.0 || (1.0 / scale).is_infinite() {
        scale = 0.1;
    }
    let scale = f64::from(scale);
    let zero_point = (-128.0 - f64::from(min) / scale).clamp(-128.0, 127.0);
    (scale, zero_point.round_ties_even() as i64)
}

impl Linear {
    pub fn new(weight: Tensor, bias: Tensor, int8: bool) -> Result<Self, TchError> {
        let weight = weight.f_to_kind(Kind::Float)?.f_contiguous()?;
        let bias = bias.f_to_kind(Kind::Float)?.f_contiguous()?;
        if !int8 {
            return Ok(Linear {
                weight: Weight::Fp32(weight),
                bias,
            });
        }
        let min = weight.f_min()?.f_double_value(&[])? as f32;
        let max = weight.f_max()?.f_double_value(&[])? as f32;
        let (scale, zero_point) = int8_params(min, max);
        let q = weight
            .f_quantize_per_tensor(scale, zero_point, Kind::QInt8)?
            .f_int_repr()?;
        let inputs = weight.size()[1];
        let col_offsets = q
            .f_sum_dim_intlist(1, false, Kind::Int)?
            .f_sub_scalar(zero_point * inputs)?
            .f_to_kind(Kind::Int)?;
        let packed = q.f_fbgemm_pack_quantized_matrix()?;
        Ok(Linear {
            weight: Weight::Int8 {
                q,
                packed,
                col_offsets,
                scale,
                zero_point,
            },
            bias,
        })
    }

    /// [`forward`](Self::forward), an int8 input quantised one sequence at a time: `x` is
    /// `[batch, tokens, in]`, its padding already zeroed. An fp32 weight needs none of it.
    pub fn forward_each(&self, x: &Tensor) -> Tensor {
        if matches!(self.weight, Weight::Fp32(_)) || x.size()[0] == 1 {
            return self.forward(x);
        }
        let rows: Vec<Tensor> = x.unbind(0).iter().map(|row| self.forward(row)).collect();
        Tensor::stack(&rows, 0)
    }

    pub fn forward(&self, x: &Tensor) -> Tensor {
        match &self.weight {
            Weight::Fp32(w) => x.linear(w, Some(&self.bias)),
            Weight::Int8 {
                q,
                packed,
                col_offsets,
                scale,
                zero_point,
            } => x.contiguous().fbgemm_linear_int8_weight_fp32_activation(
                q,
                packed,
                col_offsets,
                Scalar::float(*scale),
                Scalar::int(*zero_point),
                &self.bias,
            ),
        }
    }
}

/// `hidden_act` of config.json, as libtorch runs it.
#[derive(Debug, Clone, Copy)]
enum Activation {
    Gelu,
    GeluTanh,
    Relu,
}

impl Activation {
    fn apply(self, x: &Tensor) -> Tensor {
        match self {
            Activation::Gelu => x.gelu("none"),
            Activation::GeluTanh => x.gelu("tanh"),
            Activation::Relu => x.relu(),
        }
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> Tensor {
        let width = self.weight.size()[0];
        x.layer_norm(
            [width],
            Some(&self.weight),
            Some(&self.bias),
            self.eps,
            false,
        )
    }
}

/// Query, key and value: one fused Linear, or three.
enum Qkv {
    Fused(Linear),
    Split([Linear; 3]),
}

struct Layer {
    qkv: Qkv,
    attention_output: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The head on top of the encoder.
enum Head {
    /// A classifier on every token: `[batch, tokens, labels]`.
    Token { classifier: Linear },
    /// The pooler (dense + tanh on the first token), then a classifier: `[batch, labels]`.
    Sequence { pooler: Linear, classifier: Linear },
}

/// Which head the model has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadKind {
    Token,
    Sequence,
}

/// A BERT encoder with a classification head, run by the crate.
pub(crate) struct OwnBert {
    word_embeddings: Tensor,
    position_embeddings: Tensor,
    token_type_embeddings: Tensor,
    embeddings_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: i64,
    activation: Activation,
    head: Head,
    /// Encoder Linears are int8: their inputs get padding zeroed, one sequence per call.
    int8: bool,
}

/// Why the own forward cannot run a model: the message of an `Error::Model`.
pub(crate) type BuildError = String;

impl OwnBert {
    /// Build over the variables of a loaded rust-bert `BertFor{Token,Sequence}Classification`
    /// (names `bert.embeddings.…`, `bert.encoder.layer.N.…`, `bert.pooler.dense`,
    /// `classifier`); the tensors are shared with the var store, except the int8 weights.
    pub fn new(
        vs: &VarStore,
        config: &ModelConfig,
        head: HeadKind,
        backend: Backend,
        device: Device,
    ) -> Result<Self, BuildError> {
        let int8 = match backend {
            Backend::RustBert => return Err("the rust-bert backend has no own forward".into()),
            Backend::Fp32 => false,
            Backend::Int8Dynamic => {
                if device != Device::Cpu {
                    return Err(format!(
                        "the int8 backend runs on the CPU only, not on {device:?}"
                    ));
                }
                true
            }
        };
        let raw = config.raw();
        let int = |key: &str| {
            config
                .int(key)
                .ok_or_else(|| format!("config.json has no integer `{key}`"))
        };
        let hidden = int("hidden_size")?;
        let heads = int("num_attention_heads")?;
        let n_layers = int("num_hidden_layers")?;
        if heads <= 0 || hidden % heads != 0 {
            return Err(format!(
                "hidden_size {hidden} is not a multiple of num_attention_heads {heads}"
            ));
        }
        let eps = raw
            .get("layer_norm_eps")
            .and_then(|v| v.as_f64())
            .unwrap_or(1e-12);
        let activation = match raw.get("hidden_act").and_then(|v| v.as_str()) {
            Some("gelu") | None => Activation::Gelu,
            Some("gelu_new" | "gelu_pytorch_tanh" | "gelu_fast") => Activation::GeluTanh,
            Some("relu") => Activation::Relu,
            Some(other) => return Err(format!("hidden_act `{other}` is not supported")),
        };
        match raw.get("position_embedding_type").and_then(|v| v.as_str()) {
            None | Some("absolute") => {}
            Some(other) => {
                return Err(format!(
                    "position_embedding_type `{other}` is not supported"
                ))
            }
        }
        let vars = vs.variables();
        let get = |name: &str| {
            vars.get(name)
                .map(|t| t.shallow_clone())
                .ok_or_else(|| format!("the var store has no `{name}`"))
        };
        let tch = |e: TchError| e.to_string();
        let linear = |prefix: &str, int8: bool| -> Result<Linear, BuildError> {
            Linear::new(
                get(&format!("{prefix}.weight"))?,
                get(&format!("{prefix}.bias"))?,
                int8,
            )
            .map_err(tch)
        };
        let norm = |prefix: &str| -> Result<LayerNorm, BuildError> {
            Ok(LayerNorm {
                weight: get(&format!("{prefix}.weight"))?,
                bias: get(&format!("{prefix}.bias"))?,
                eps,
            })
        };
        // Attention scores are (q / sqrt(d)) k^T: the factor goes into the query weights.
        let q_scale = 1.0 / ((hidden / heads) as f64).sqrt();
        let mut layers = Vec::with_capacity(n_layers as usize);
        for i in 0..n_layers {
            let p = format!("bert.encoder.layer.{i}");
            let a = format!("{p}.attention.self");
            let (qw, qb) = (
                get(&format!("{a}.query.weight"))?,
                get(&format!("{a}.query.bias"))?,
            );
            let (qw, qb) = (qw * q_scale, qb * q_scale);
            let (kw, kb) = (
                get(&format!("{a}.key.weight"))?,
                get(&format!("{a}.key.bias"))?,
            );
            let (vw, vb) = (
                get(&format!("{a}.value.weight"))?,
                get(&format!("{a}.value.bias"))?,
            );
            let qkv = if int8 {
                Qkv::Split([
                    Linear::new(qw, qb, true).map_err(tch)?,
                    Linear::new(kw, kb, true).map_err(tch)?,
                    Linear::new(vw, vb, true).map_err(tch)?,
                ])
            } else {
                let w = Tensor::f_cat(&[qw, kw, vw], 0).map_err(tch)?;
                let b = Tensor::f_cat(&[qb, kb, vb], 0).map_err(tch)?;
                Qkv::Fused(Linear::new(w, b, false).map_err(tch)?)
            };
            layers.push(Layer {
                qkv,
                attention_output: linear(&format!("{p}.attention.output.dense"), int8)?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{p}.intermediate.dense"), int8)?,
                output: linear(&format!("{p}.output.dense"), int8)?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let head = match head {
            HeadKind::Token => Head::Token {
                classifier: linear("classifier", false)?,
            },
            HeadKind::Sequence => Head::Sequence {
                pooler: linear("bert.pooler.dense", false)?,
                classifier: linear("classifier", false)?,
            },
        };
        Ok(OwnBert {
            word_embeddings: get("bert.embeddings.word_embeddings.weight")?,
            position_embeddings: get("bert.embeddings.position_embeddings.weight")?,
            token_type_embeddings: get("bert.embeddings.token_type_embeddings.weight")?,
            embeddings_norm: norm("bert.embeddings.LayerNorm")?,
            layers,
            heads,
            activation,
            head,
            int8,
        })
    }

    /// Logits: `[batch, tokens, labels]` for a token head, `[batch, labels]` for a
    /// sequence head. Inputs are `[batch, tokens]` of int64; `attention_mask` is 1 on real
    /// tokens and 0 on padding.
    pub fn forward(&self, input_ids: &Tensor, attention_mask: &Tensor, types: &Tensor) -> Tensor {
        let size = input_ids.size();
        let (batch, len) = (size[0], size[1]);
        let positions = self.position_embeddings.narrow(0, 0, len);
        let embedded = Tensor::embedding(&self.word_embeddings, input_ids, -1, false, false)
            + Tensor::embedding(&self.token_type_embeddings, types, -1, false, false)
            + positions;
        let mut hidden = self.embeddings_norm.forward(&embedded);
        // rust-bert's additive mask, `(1 - mask) * -10000`, broadcast over heads and
        // queries; none at all when nothing is padded (always so at batch 1).
        let padded = attention_mask.min().int64_value(&[]) == 0;
        let mask = padded.then(|| {
            ((attention_mask.ones_like() - attention_mask).to_kind(Kind::Float) * -10000.0)
                .view([batch, 1, 1, len])
        });
        // Int8 Linears quantise each sequence over its values: padding is zeroed first, so it
        // cannot widen the range (0 is always inside it).
        let valid = (self.int8 && padded)
            .then(|| attention_mask.to_kind(Kind::Float).view([batch, len, 1]));
        for layer in &self.layers {
            hidden = self.layer(layer, &hidden, mask.as_ref(), valid.as_ref(), batch, len);
        }
        match &self.head {
            Head::Token { classifier } => classifier.forward(&hidden),
            Head::Sequence { pooler, classifier } => {
                let first = hidden.select(1, 0);
                classifier.forward(&pooler.forward(&first).tanh())
            }
        }
    }

    fn layer(
        &self,
        layer: &Layer,
        x: &Tensor,
        mask: Option<&Tensor>,
        valid: Option<&Tensor>,
        batch: i64,
        len: i64,
    ) -> Tensor {
        // An int8 Linear's input, padding zeroed (a no-op without padding or in fp32).
        let input = |t: &Tensor| valid.map_or_else(|| t.shallow_clone(), |v| t * v);
        let hidden = x.size()[2];
        let d = hidden / self.heads;
        // [batch, heads, tokens, d] each
        let split = |t: Tensor| t.view([batch, len, self.heads, d]).transpose(1, 2);
        let (q, k, v) = match &layer.qkv {
            Qkv::Fused(l) => {
                let qkv = l
                    .forward(x)
                    .view([batch, len, 3, self.heads, d])
                    .permute([2, 0, 3, 1, 4]);
                (qkv.get(0), qkv.get(1), qkv.get(2))
            }
            Qkv::Split([lq, lk, lv]) => {
                let x = input(x);
                (
                    split(lq.forward_each(&x)),
                    split(lk.forward_each(&x)),
                    split(lv.forward_each(&x)),
                )
            }
        };
        let mut scores = q.matmul(&k.transpose(-1, -2));
        if let Some(mask) = mask {
            scores += mask;
        }
        let context = scores.softmax(-1, Kind::Float).matmul(&v);
        let context = context.transpose(1, 2).reshape([batch, len, hidden]);
        let attended = layer
            .attention_norm
            .forward(&(layer.attention_output.forward_each(&input(&context)) + x));
        let inner = self
            .activation
            .apply(&layer.intermediate.forward_each(&input(&attended)));
        layer
            .output_norm
            .forward(&(layer.output.forward_each(&input(&inner)) + attended))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_params_match_fbgemm() {
        // Scale: the range over 255 steps, in f32; zero point: where 0.0 falls, rounded half
        // to even (fbgemm's nearbyint), clamped to int8.
        // (2/255 rounds up in f32, so 0.0 falls just below -0.5.)
        assert_eq!(int8_params(-1.0, 1.0), (f64::from(2.0f32 / 255.0), -1));
        assert_eq!(int8_params(-0.5, 1.5), (f64::from(2.0f32 / 255.0), -64));
        // Positive only: the range is widened to hold zero.
        assert_eq!(int8_params(0.5, 2.0), (f64::from(2.0f32 / 255.0), -128));
        // All zero: fbgemm's fallback scale.
        assert_eq!(int8_params(0.0, 0.0), (f64::from(0.1f32), -128));
    }

    #[test]
    fn int8_linear_is_close_to_fp32() {
        let _guard = tch::no_grad_guard();
        tch::manual_seed(0);
        // BERT's sizes: 384 inputs, 1536 outputs.
        let w = Tensor::randn([1536, 384], (Kind::Float, Device::Cpu)) * 0.05;
        let b = Tensor::randn([1536], (Kind::Float, Device::Cpu)) * 0.1;
        let x = Tensor::randn([2, 5, 384], (Kind::Float, Device::Cpu));
        let fp32 = Linear::new(w.shallow_clone(), b.shallow_clone(), false).unwrap();
        let int8 = Linear::new(w, b, true).unwrap();
        let (a, q) = (fp32.forward(&x), int8.forward(&x));
        assert_eq!(q.size(), [2, 5, 1536]);
        let err = (a.shallow_clone() - q).abs().max().double_value(&[]);
        let top = a.abs().max().double_value(&[]);
        assert!(err < 0.05 * top, "int8 error {err} of {top}");
    }

    /// The real `ner-default` (a BERT the crate's own forward must run exactly) on committed
    /// sentences: the 32 wire sentences of the entities bench and the 45 real news sentences
    /// of `eval/events-real-dev.jsonl`, with its capitalisation token types.
    mod ner_default {
        use crate::entities::{EntityRecognizer, EntityRecognizerConfig};
        use crate::torch::Backend;
        use crate::ModelRegistry;

        fn sentences() -> Vec<String> {
            let root = env!("CARGO_MANIFEST_DIR");
            let bench = std::fs::read_to_string(format!("{root}/benches/entities_inputs.txt"));
            let mut out: Vec<String> = bench
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect();
            let dev = std::fs::read_to_string(format!("{root}/eval/events-real-dev.jsonl"));
            for line in dev.unwrap().lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                out.push(v["text"].as_str().unwrap().to_string());
            }
            out
        }

        /// Logits of every piece (`[tokens, labels]` flat) through `backend`, batch 8.
        fn logits(backend: Backend, texts: &[&str]) -> (Vec<Vec<f32>>, usize) {
            let registry = ModelRegistry::load_default().unwrap();
            let config = EntityRecognizerConfig {
                backend,
                ..Default::default()
            };
            let ner = EntityRecognizer::from_registry(&registry, "ner-default", config)
                .unwrap_or_else(|e| {
                    panic!("{e}\n(the default models are built by scripts/setup.sh)")
                });
            (ner.piece_logits(texts).unwrap(), ner.labels().len())
        }

        fn argmax(row: &[f32]) -> usize {
            (0..row.len())
                .max_by(|&a, &b| row[a].total_cmp(&row[b]))
                .unwrap()
        }

        #[test]
        fn own_fp32_forward_reproduces_rust_bert_logits() {
            let owned = sentences();
            let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
            let (reference, n) = logits(Backend::RustBert, &texts);
            let (ours, _) = logits(Backend::Fp32, &texts);
            assert_eq!(reference.len(), ours.len());
            let (mut max_diff, mut top, mut tokens) = (0.0f32, 0.0f32, 0);
            for (a, b) in reference.iter().zip(&ours) {
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(b) {
                    max_diff = max_diff.max((x - y).abs());
                    top = top.max(x.abs());
                }
                for (ra, rb) in a.chunks(n).zip(b.chunks(n)) {
                    assert_eq!(argmax(ra), argmax(rb));
                    tokens += 1;
                }
            }
            println!("fp32 own vs rust-bert: {tokens} tokens, max |logit diff| {max_diff:e} (largest |logit| {top})");
            assert!(max_diff < 1e-4, "max |logit diff| {max_diff}");
        }

        #[test]
        fn int8_agrees_with_fp32_on_the_label_of_nearly_every_token() {
            let owned = sentences();
            let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
            let (reference, n) = logits(Backend::RustBert, &texts);
            let (int8, _) = logits(Backend::Int8Dynamic, &texts);
            let (mut same, mut tokens, mut max_diff) = (0usize, 0usize, 0.0f32);
            for (a, b) in reference.iter().zip(&int8) {
                // Rows 1..len-1: the special tokens [CLS] and [SEP] carry no label.
                let rows = a.len() / n;
                for r in 1..rows - 1 {
                    let (ra, rb) = (&a[r * n..(r + 1) * n], &b[r * n..(r + 1) * n]);
                    same += usize::from(argmax(ra) == argmax(rb));
                    tokens += 1;
                    for (x, y) in ra.iter().zip(rb) {
                        max_diff = max_diff.max((x - y).abs());
                    }
                }
            }
            let share = same as f64 / tokens as f64;
            println!("int8 vs fp32: same label on {same}/{tokens} tokens ({share:.4}); max |logit diff| {max_diff}");
            assert!(tokens > 1500, "{tokens} tokens");
            assert!(
                share >= 0.98,
                "int8 agrees with fp32 on {share:.4} of tokens"
            );
        }
    }
}
