//! Models in libtorch: checked weight loading, tokenizer loading, input tensors, and the
//! two model heads the crate uses (token classification for entities, sequence
//! classification for stance / NLI) over every architecture the registry names.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use rust_bert::albert::{
    AlbertConfig, AlbertForSequenceClassification, AlbertForTokenClassification,
};
use rust_bert::bart::{BartConfig, BartForSequenceClassification};
use rust_bert::bert::{BertConfig, BertForSequenceClassification, BertForTokenClassification};
use rust_bert::deberta::{
    DebertaConfig, DebertaForSequenceClassification, DebertaForTokenClassification,
};
use rust_bert::deberta_v2::{
    DebertaV2Config, DebertaV2ForSequenceClassification, DebertaV2ForTokenClassification,
};
use rust_bert::distilbert::{
    DistilBertConfig, DistilBertForTokenClassification, DistilBertModelClassifier,
};
use rust_bert::electra::{ElectraConfig, ElectraForTokenClassification};
use rust_bert::mobilebert::{
    MobileBertConfig, MobileBertForSequenceClassification, MobileBertForTokenClassification,
};
use rust_bert::roberta::{RobertaForSequenceClassification, RobertaForTokenClassification};
use rust_bert::RustBertError;
use serde::de::DeserializeOwned;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};
use tokenizers::{Encoding, Tokenizer};

use super::bert::{HeadKind, OwnBert};
use super::{tokenizer_error, Backend};
use crate::models::config::ModelConfig;
use crate::models::{Architecture, ResolvedModel, Task};
use crate::{Error, Result};

fn model_error(model: &ResolvedModel, message: impl Into<String>) -> Error {
    super::model_error(model.name(), message.into())
}

fn rust_bert_error(model: &ResolvedModel, what: &str, e: RustBertError) -> Error {
    model_error(model, format!("{what}: {e}"))
}

/// The architecture-specific config struct rust-bert builds models from.
fn typed<T: DeserializeOwned>(config: &ModelConfig, model: &ResolvedModel) -> Result<T> {
    let mut raw = config.raw().clone();
    // rust-bert's DistilBertConfig requires `tie_weights_`, which current transformers no
    // longer writes; it only concerns the LM head, never the classifiers built here.
    if model.spec.architecture == Architecture::DistilBert {
        if let Some(map) = raw.as_object_mut() {
            map.entry("tie_weights_")
                .or_insert(serde_json::Value::Bool(true));
        }
    }
    serde_json::from_value(raw).map_err(|e| {
        model_error(
            model,
            format!(
                "config.json does not describe a {} model: {e}",
                model.spec.architecture
            ),
        )
    })
}

/// Shapes of the tensors in a safetensors file, read from its header only (no tensor data
/// is loaded). This lets loading fail with the name of the tensor that is missing or the
/// wrong size, instead of a bare libtorch message, and catches truncated files.
fn safetensors_shapes(path: &Path) -> std::io::Result<HashMap<String, Vec<i64>>> {
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
    let mut file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut len = [0u8; 8];
    file.read_exact(&mut len)?;
    let header_len = u64::from_le_bytes(len);
    if header_len > file_len.saturating_sub(8) || header_len > 100 << 20 {
        return Err(invalid(format!(
            "safetensors header of {header_len} bytes does not fit a {file_len}-byte file"
        )));
    }
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header)?;
    let header: HashMap<String, serde_json::Value> = serde_json::from_slice(&header)
        .map_err(|e| invalid(format!("bad safetensors header: {e}")))?;
    let data_len = file_len - 8 - header_len;
    let mut shapes = HashMap::new();
    for (name, info) in header {
        if name == "__metadata__" {
            continue;
        }
        let shape: Vec<i64> = info
            .get("shape")
            .and_then(|s| serde_json::from_value(s.clone()).ok())
            .ok_or_else(|| invalid(format!("tensor {name} has no shape")))?;
        let end = info
            .get("data_offsets")
            .and_then(|o| o.get(1))
            .and_then(|o| o.as_u64())
            .ok_or_else(|| invalid(format!("tensor {name} has no data offsets")))?;
        if end > data_len {
            return Err(invalid(format!(
                "tensor {name} ends at byte {end} of a {data_len}-byte data section (truncated file?)"
            )));
        }
        shapes.insert(name, shape);
    }
    Ok(shapes)
}

/// Load a safetensors file into a var store whose variables the architecture has already
/// created. Every variable must be present with its exact shape: a silently random layer
/// is worse than an error. A classifier whose size disagrees with `id2label` is reported
/// as a label-map error, since that is what the user has to fix.
pub(crate) fn load_weights(vs: &mut VarStore, model: &ResolvedModel, file: &str) -> Result<()> {
    let path = model.require(file)?;
    let shapes = safetensors_shapes(&path).map_err(|e| {
        model_error(
            model,
            format!("cannot read weights {}: {e}", path.display()),
        )
    })?;
    let mut missing = Vec::new();
    for (name, var) in vs.variables() {
        match shapes.get(&name) {
            None => missing.push(name),
            Some(shape) if *shape != var.size() => {
                let message = format!(
                    "tensor {name} in {} has shape {shape:?}, the {} architecture expects {:?}",
                    path.display(),
                    model.spec.architecture,
                    var.size()
                );
                return Err(
                    if name.contains("classifier") || name.contains("classification_head") {
                        Error::LabelMap {
                            model: model.name().to_string(),
                            message: format!(
                                "the label map does not match the classifier: {message}"
                            ),
                        }
                    } else {
                        model_error(model, message)
                    },
                );
            }
            Some(_) => {}
        }
    }
    if !missing.is_empty() {
        missing.sort();
        let shown: Vec<_> = missing.iter().take(8).collect();
        return Err(model_error(
            model,
            format!(
                "{} has no tensor for {} variable(s) of the {} architecture, e.g. {shown:?}",
                path.display(),
                missing.len(),
                model.spec.architecture,
            ),
        ));
    }
    vs.load_partial(&path).map_err(|e| {
        model_error(
            model,
            format!("cannot load weights from {}: {e}", path.display()),
        )
    })?;
    Ok(())
}

/// The model's `tokenizer.json`, with truncation and padding switched off: the crate
/// decides both itself (windows over long texts, padding per batch).
pub(crate) fn load_tokenizer(model: &ResolvedModel) -> Result<Tokenizer> {
    let path = model.require("tokenizer.json")?;
    let mut tokenizer = Tokenizer::from_file(&path)
        .map_err(|e| tokenizer_error(model.name(), format!("{}: {e}", path.display())))?;
    tokenizer
        .with_truncation(None)
        .map_err(|e| tokenizer_error(model.name(), e))?;
    tokenizer.with_padding(None);
    Ok(tokenizer)
}

/// Input tensors for one forward pass, right-padded to the longest encoding.
pub(crate) struct Batch {
    pub input_ids: Tensor,
    pub attention_mask: Tensor,
    pub token_type_ids: Tensor,
}

impl Batch {
    pub fn new(encodings: &[&Encoding], pad_id: u32, device: Device) -> Batch {
        let width = encodings.iter().map(|e| e.len()).max().unwrap_or(0);
        let rows = encodings.len();
        let mut ids = vec![pad_id as i64; rows * width];
        let mut mask = vec![0i64; rows * width];
        let mut types = vec![0i64; rows * width];
        for (row, encoding) in encodings.iter().enumerate() {
            let base = row * width;
            for (i, ((&id, &m), &t)) in encoding
                .get_ids()
                .iter()
                .zip(encoding.get_attention_mask())
                .zip(encoding.get_type_ids())
                .enumerate()
            {
                ids[base + i] = id as i64;
                mask[base + i] = m as i64;
                types[base + i] = t as i64;
            }
        }
        let shape = [rows as i64, width as i64];
        let tensor = |v: Vec<i64>| Tensor::from_slice(&v).view(shape).to(device);
        Batch {
            input_ids: tensor(ids),
            attention_mask: tensor(mask),
            token_type_ids: tensor(types),
        }
    }
}

/// The pad token id a model's tokenizer uses (`[PAD]`, `<pad>`); falls back to the
/// config's `pad_token_id`.
pub(crate) fn pad_id(
    model: &ResolvedModel,
    tokenizer: &Tokenizer,
    config: &ModelConfig,
) -> Result<u32> {
    ["[PAD]", "<pad>"]
        .iter()
        .find_map(|t| tokenizer.token_to_id(t))
        .or_else(|| config.int("pad_token_id").map(|id| id as u32))
        .ok_or_else(|| tokenizer_error(model.name(), "the tokenizer has no padding token"))
}

/// Checks shared by both heads before anything is built.
fn check_task(model: &ResolvedModel, tasks: &[Task]) -> Result<()> {
    if tasks.contains(&model.spec.task) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "model {} is registered for task {:?}, which this pipeline cannot use (expects one of {tasks:?})",
            model.name(),
            model.spec.task
        )))
    }
}

/// The own forward passes run BERT only; anything else fails before the weights are read.
fn check_backend(model: &ResolvedModel, backend: Backend) -> Result<()> {
    if backend == Backend::RustBert || model.spec.architecture == Architecture::Bert {
        Ok(())
    } else {
        Err(unsupported(model, &format!("the {backend} backend")))
    }
}

/// Replace rust-bert's model by the own forward over the same var store, when `backend`
/// asks for it.
fn own<M>(
    model: &ResolvedModel,
    mut loaded: Loaded<M>,
    backend: Backend,
    head: HeadKind,
    wrap: impl FnOnce(OwnBert) -> M,
) -> Result<Loaded<M>> {
    if backend == Backend::RustBert {
        return Ok(loaded);
    }
    let built = OwnBert::new(&loaded._vs, &loaded.config, head, backend, loaded.device)
        .map_err(|e| model_error(model, format!("cannot build the {backend} forward: {e}")))?;
    loaded.model = wrap(built);
    Ok(loaded)
}

fn unsupported(model: &ResolvedModel, task: &str) -> Error {
    Error::UnsupportedArchitecture {
        model: model.name().to_string(),
        architecture: model.spec.architecture.to_string(),
        task: task.to_string(),
    }
}

/// One arm of an architecture match: parse the typed config, build the head on the var
/// store's root. (A macro because every architecture has its own config and model types.)
macro_rules! build_arm {
    ($model:expr, $config:expr, $p:expr) => {
        macro_rules! build {
            ($variant:ident, $ty:ty, $cfg:ty) => {{
                let c: $cfg = typed($config, $model)?;
                Self::$variant(
                    <$ty>::new($p, &c)
                        .map_err(|err| rust_bert_error($model, "cannot build the model", err))?,
                )
            }};
        }
    };
}

/// The forward pass of the heads both model enums have, then the `$extra` match arms of
/// the architectures only one of them has. (A macro because each architecture's head is a
/// type of its own; the names of the inputs come from the caller so its arms can use them.)
macro_rules! forward_heads {
    ($self:ident, $batch:ident, $ids:ident, $mask:ident, $types:ident, { $($extra:tt)* }) => {{
        let $ids = Some(&$batch.input_ids);
        let $mask = Some(&$batch.attention_mask);
        let $types = Some(&$batch.token_type_ids);
        tch::no_grad(|| {
            Ok(match $self {
                Self::Bert(m) => m.forward_t($ids, $mask, $types, None, None, false).logits,
                Self::DistilBert(m) => m.forward_t($ids, $mask, None, false)?.logits,
                Self::Roberta(m) => m.forward_t($ids, $mask, $types, None, None, false).logits,
                Self::Deberta(m) => m.forward_t($ids, $mask, $types, None, None, false)?.logits,
                Self::DebertaV2(m) => m.forward_t($ids, $mask, $types, None, None, false)?.logits,
                Self::Albert(m) => m.forward_t($ids, $mask, $types, None, None, false).logits,
                Self::MobileBert(m) => m.forward_t($ids, $types, None, None, $mask, false)?.logits,
                $($extra)*
            })
        })
    }};
}

/// A token-classification model of any architecture the crate supports.
// One model per recognizer, never in collections: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum TokenClassifier {
    Bert(BertForTokenClassification),
    DistilBert(DistilBertForTokenClassification),
    Roberta(RobertaForTokenClassification),
    Deberta(DebertaForTokenClassification),
    DebertaV2(DebertaV2ForTokenClassification),
    Electra(ElectraForTokenClassification),
    Albert(AlbertForTokenClassification),
    MobileBert(MobileBertForTokenClassification),
    /// The crate's own BERT forward ([`Backend::Fp32`], [`Backend::Int8Dynamic`]).
    Own(OwnBert),
}

/// A model with its weights, tokenizer and label map, ready for inference.
pub(crate) struct Loaded<M> {
    pub model: M,
    pub tokenizer: Tokenizer,
    pub pad_id: u32,
    pub device: Device,
    pub config: ModelConfig,
    // The var store owns the weights the model's layers point into.
    _vs: VarStore,
}

/// Build the architecture's variables, then fill them from `model.safetensors`.
fn load_with<M>(
    model: &ResolvedModel,
    device: Device,
    build: impl FnOnce(&VarStore, &ModelConfig) -> Result<M>,
) -> Result<Loaded<M>> {
    let config = ModelConfig::load(model)?;
    if config.labels.is_empty() {
        return Err(Error::LabelMap {
            model: model.name().to_string(),
            message: "config.json has no id2label, or an empty one".into(),
        });
    }
    let tokenizer = load_tokenizer(model)?;
    let pad_id = pad_id(model, &tokenizer, &config)?;
    let mut vs = VarStore::new(device);
    let built = build(&vs, &config)?;
    load_weights(&mut vs, model, "model.safetensors")?;
    vs.freeze();
    Ok(Loaded {
        model: built,
        tokenizer,
        pad_id,
        device,
        config,
        _vs: vs,
    })
}

impl TokenClassifier {
    /// Load for the forward pass `backend` chooses.
    pub fn load_backend(
        model: &ResolvedModel,
        device: Device,
        backend: Backend,
    ) -> Result<Loaded<Self>> {
        check_task(model, &[Task::Ner])?;
        check_backend(model, backend)?;
        let loaded = load_with(model, device, |vs, config| {
            let p = vs.root();
            build_arm!(model, config, p);
            Ok(match model.spec.architecture {
                Architecture::Bert => build!(Bert, BertForTokenClassification, BertConfig),
                Architecture::DistilBert => build!(
                    DistilBert,
                    DistilBertForTokenClassification,
                    DistilBertConfig
                ),
                Architecture::Roberta | Architecture::XlmRoberta => {
                    build!(Roberta, RobertaForTokenClassification, BertConfig)
                }
                Architecture::Deberta => {
                    build!(Deberta, DebertaForTokenClassification, DebertaConfig)
                }
                Architecture::DebertaV2 => {
                    build!(DebertaV2, DebertaV2ForTokenClassification, DebertaV2Config)
                }
                Architecture::Electra => {
                    build!(Electra, ElectraForTokenClassification, ElectraConfig)
                }
                Architecture::Albert => build!(Albert, AlbertForTokenClassification, AlbertConfig),
                Architecture::MobileBert => build!(
                    MobileBert,
                    MobileBertForTokenClassification,
                    MobileBertConfig
                ),
                Architecture::Longformer | Architecture::Bart => {
                    return Err(unsupported(model, "token classification"))
                }
            })
        })?;
        own(model, loaded, backend, HeadKind::Token, Self::Own)
    }

    /// Logits of shape `[batch, tokens, labels]`.
    pub fn forward(&self, batch: &Batch) -> std::result::Result<Tensor, RustBertError> {
        forward_heads!(self, batch, ids, mask, types, {
            Self::Electra(m) => m.forward_t(ids, mask, types, None, None, false).logits,
            Self::Own(m) => m.forward(&batch.input_ids, &batch.attention_mask, &batch.token_type_ids),
        })
    }
}

/// A sequence-classification model (NLI, a fine-tuned stance classifier, an event type
/// classifier).
// One model per recognizer, never in collections: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum SequenceClassifier {
    Bert(BertForSequenceClassification),
    DistilBert(DistilBertModelClassifier),
    Roberta(RobertaForSequenceClassification),
    Deberta(DebertaForSequenceClassification),
    DebertaV2(DebertaV2ForSequenceClassification),
    Albert(AlbertForSequenceClassification),
    MobileBert(MobileBertForSequenceClassification),
    Bart(BartForSequenceClassification),
    /// The crate's own BERT forward ([`Backend::Fp32`], [`Backend::Int8Dynamic`]).
    Own(OwnBert),
}

impl SequenceClassifier {
    /// Load for the forward pass `backend` chooses.
    pub fn load_backend(
        model: &ResolvedModel,
        device: Device,
        backend: Backend,
    ) -> Result<Loaded<Self>> {
        check_task(model, &[Task::Stance, Task::ZeroShot, Task::EventTypes])?;
        check_backend(model, backend)?;
        let loaded = load_with(model, device, |vs, config| {
            let p = vs.root();
            build_arm!(model, config, p);
            Ok(match model.spec.architecture {
                Architecture::Bert => build!(Bert, BertForSequenceClassification, BertConfig),
                Architecture::DistilBert => {
                    build!(DistilBert, DistilBertModelClassifier, DistilBertConfig)
                }
                Architecture::Roberta | Architecture::XlmRoberta => {
                    build!(Roberta, RobertaForSequenceClassification, BertConfig)
                }
                Architecture::Deberta => {
                    build!(Deberta, DebertaForSequenceClassification, DebertaConfig)
                }
                Architecture::DebertaV2 => build!(
                    DebertaV2,
                    DebertaV2ForSequenceClassification,
                    DebertaV2Config
                ),
                Architecture::Albert => {
                    build!(Albert, AlbertForSequenceClassification, AlbertConfig)
                }
                Architecture::MobileBert => build!(
                    MobileBert,
                    MobileBertForSequenceClassification,
                    MobileBertConfig
                ),
                Architecture::Bart => build!(Bart, BartForSequenceClassification, BartConfig),
                Architecture::Electra | Architecture::Longformer => {
                    return Err(unsupported(model, "sequence classification"))
                }
            })
        })?;
        own(model, loaded, backend, HeadKind::Sequence, Self::Own)
    }

    /// Logits of shape `[batch, labels]`.
    pub fn forward(&self, batch: &Batch) -> std::result::Result<Tensor, RustBertError> {
        forward_heads!(self, batch, ids, mask, types, {
            Self::Bart(m) => {
                m.forward_t(&batch.input_ids, mask, None, None, None, false)
                    .decoder_output
            }
            Self::Own(m) => m.forward(&batch.input_ids, &batch.attention_mask, &batch.token_type_ids),
        })
    }
}

/// Copy a float tensor of any shape into a flat `Vec<f32>` on the CPU.
pub(crate) fn to_vec_f32(t: &Tensor) -> std::result::Result<Vec<f32>, tch::TchError> {
    let flat = t
        .to_kind(Kind::Float)
        .to(Device::Cpu)
        .contiguous()
        .view([-1]);
    Vec::<f32>::try_from(&flat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn safetensors_header_detects_truncation() {
        let dir = std::env::temp_dir().join(format!("reportage-st-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.safetensors");
        let header = br#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
        let mut f = File::create(&path).unwrap();
        f.write_all(&(header.len() as u64).to_le_bytes()).unwrap();
        f.write_all(header).unwrap();
        f.write_all(&[0u8; 8]).unwrap();
        drop(f);
        let shapes = safetensors_shapes(&path).unwrap();
        assert_eq!(shapes["a"], vec![2]);

        // Same header, half the data: must be refused, not read past the end.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 4]).unwrap();
        let err = safetensors_shapes(&path).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");

        std::fs::write(&path, b"\xff\xff\xff\xff\xff\xff\xff\x7fjunk").unwrap();
        assert!(safetensors_shapes(&path).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
