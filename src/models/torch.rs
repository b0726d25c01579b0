//! The libtorch side of the registry: architecture mapping and strict weight loading.

use rust_bert::pipelines::common::ModelType;
use tch::nn::VarStore;

use super::{Architecture, ResolvedModel};
use crate::{Error, Result};

impl Architecture {
    /// rust-bert's name for the architecture.
    pub fn model_type(self) -> ModelType {
        match self {
            Architecture::Bert => ModelType::Bert,
            Architecture::DistilBert => ModelType::DistilBert,
            Architecture::Roberta => ModelType::Roberta,
            Architecture::XlmRoberta => ModelType::XLMRoberta,
            Architecture::Deberta => ModelType::Deberta,
            Architecture::DebertaV2 => ModelType::DebertaV2,
            Architecture::Electra => ModelType::Electra,
            Architecture::Albert => ModelType::Albert,
            Architecture::MobileBert => ModelType::MobileBert,
            Architecture::Longformer => ModelType::Longformer,
            Architecture::Bart => ModelType::Bart,
        }
    }
}

/// Load `model.safetensors` (or the file named) into a var store whose variables the
/// architecture has already created, and fail if any variable is left without a weight:
/// a silently random layer is worse than an error.
pub(crate) fn load_weights(vs: &mut VarStore, model: &ResolvedModel, file: &str) -> Result<()> {
    let path = model.require(file)?;
    let missing = vs.load_partial(&path).map_err(|e| Error::Model {
        model: model.name().to_string(),
        message: format!("cannot load weights from {}: {e}", path.display()),
    })?;
    if !missing.is_empty() {
        let mut missing = missing;
        missing.sort();
        let shown: Vec<_> = missing.iter().take(8).cloned().collect();
        return Err(Error::Model {
            model: model.name().to_string(),
            message: format!(
                "{} has no tensor for {} variable(s) of the {} architecture, e.g. {:?}",
                path.display(),
                missing.len(),
                model.spec.architecture,
                shown
            ),
        });
    }
    Ok(())
}
