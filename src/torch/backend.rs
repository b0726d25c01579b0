//! Which forward pass runs a model: rust-bert's (every architecture), or the crate's own
//! BERT encoder in fp32 or with int8 weights.

use std::fmt;
use std::str::FromStr;

/// How a model's forward pass runs. Set it in [`EntityRecognizerConfig`],
/// [`NliStanceConfig`] or [`ClassifierStanceConfig`]; the weights, tokenizer and results
/// are otherwise the same.
///
/// [`Fp32`](Backend::Fp32) and [`Int8Dynamic`](Backend::Int8Dynamic) are the crate's own
/// forward pass of a BERT encoder (`architecture = "bert"` in the registry: every default
/// model), built over the weights rust-bert loads; other architectures refuse them at load
/// time. `Fp32` gives rust-bert's logits within float rounding (`tests/bert_backend.rs`),
/// with libtorch's fused GELU and one matrix product for query, key and value. `Int8Dynamic`
/// quantises the weight of every encoder Linear to int8 once, at load (one scale per
/// matrix), and quantises its input per call (fbgemm, CPU only): smaller and faster on CPU,
/// and no longer equal to fp32 (BENCHMARKS.md, "Faster CPU path (issue 16)", has its
/// accuracy and speed). libtorch 2.4 prints a deprecation warning for each of the fbgemm ops
/// it uses, once per process.
///
/// [`EntityRecognizerConfig`]: crate::entities::EntityRecognizerConfig
/// [`NliStanceConfig`]: crate::stance::NliStanceConfig
/// [`ClassifierStanceConfig`]: crate::stance::ClassifierStanceConfig
///
/// ```
/// use reportage::torch::Backend;
/// assert_eq!("int8".parse::<Backend>().unwrap(), Backend::Int8Dynamic);
/// assert_eq!(Backend::default(), Backend::RustBert);
/// assert_eq!(Backend::Fp32.to_string(), "fp32");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Backend {
    /// rust-bert's model of the architecture, fp32 (the default; every architecture).
    #[default]
    RustBert,
    /// The crate's own BERT forward, fp32 weights.
    Fp32,
    /// The crate's own BERT forward, every encoder Linear with int8 weights and inputs
    /// quantised per call (dynamic quantisation). CPU only.
    Int8Dynamic,
}

impl Backend {
    /// Every backend, in the order of the docs.
    pub const ALL: [Backend; 3] = [Backend::RustBert, Backend::Fp32, Backend::Int8Dynamic];

    /// The name `FromStr` reads and `Display` writes.
    pub fn name(self) -> &'static str {
        match self {
            Backend::RustBert => "rust-bert",
            Backend::Fp32 => "fp32",
            Backend::Int8Dynamic => "int8",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "rust-bert" | "rustbert" => Ok(Backend::RustBert),
            "fp32" => Ok(Backend::Fp32),
            "int8" | "int8-dynamic" => Ok(Backend::Int8Dynamic),
            _ => Err(crate::Error::InvalidArgument(format!(
                "unknown backend `{s}` (expected rust-bert, fp32 or int8)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for b in Backend::ALL {
            assert_eq!(b.to_string().parse::<Backend>().unwrap(), b);
        }
        assert!("fp16".parse::<Backend>().is_err());
    }
}
