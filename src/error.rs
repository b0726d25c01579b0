use std::path::PathBuf;

/// The one error type of the crate.
///
/// Every failure names what it concerns (the model, the file, the input) so that a log line
/// is enough to act on. Nothing in the crate panics on bad input; it returns one of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was empty (or only whitespace) where text is required.
    #[error("empty input: {0}")]
    EmptyInput(&'static str),

    /// A span does not fall on UTF-8 character boundaries of its text, or lies outside it.
    #[error("invalid span {start}..{end} for a text of {len} bytes")]
    InvalidSpan {
        start: usize,
        end: usize,
        len: usize,
    },

    /// A name that the model registry does not list.
    #[error("unknown model `{0}` (not listed in the model registry)")]
    UnknownModel(String),

    /// [`ModelRegistry::load_default`](crate::models::ModelRegistry::load_default) found no
    /// registry file in any of the places it searches.
    #[error(
        "no model registry found (searched {}); install the default models with \
         `scripts/models.sh --dir ~/.cache/reportage` in a reportage checkout, or set \
         REPORTAGE_REGISTRY to a models.toml",
        searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    RegistryNotFound { searched: Vec<PathBuf> },

    /// The registry file itself could not be read or parsed.
    #[error("model registry {path}: {message}")]
    Registry { path: PathBuf, message: String },

    /// A file a model needs is not where the registry says.
    #[error("model `{model}`: missing file {}", path.display())]
    MissingFile { model: String, path: PathBuf },

    /// A model file exists but its sha256 is not the one recorded in the registry.
    #[error("model `{model}`: checksum mismatch for {}: expected {expected}, found {actual}", path.display())]
    ChecksumMismatch {
        model: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },

    /// The registry names an architecture we cannot build for the task.
    #[error("model `{model}`: unsupported architecture `{architecture}` for task {task}")]
    UnsupportedArchitecture {
        model: String,
        architecture: String,
        task: String,
    },

    /// The label map does not fit the model (size or content).
    #[error("model `{model}`: label map does not match the model: {message}")]
    LabelMap { model: String, message: String },

    /// Loading or running a model failed (libtorch, rust-bert, corrupt weights).
    #[error("model `{model}`: {message}")]
    Model { model: String, message: String },

    /// Tokenisation failed, or produced offsets that cannot be mapped back to the text.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// An argument or setting the caller chose is invalid: a batch size of 0, templates
    /// without a placeholder, a window overlap as large as the window, a model registered
    /// for another task, scores of different lengths...
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// Input text or data could not be read as what it should be: a date, an event type, a
    /// tag, a TOML word list.
    #[error("unparsable input: {0}")]
    Unparsable(String),

    /// A backend (a model, a splitter, a recognizer behind a trait) returned something that
    /// breaks its contract: the wrong number of results or scores, an invalid span.
    #[error("malformed backend output: {0}")]
    MalformedOutput(String),

    /// Reading or writing a file (or a standard stream, named `<stdin>` / `<stdout>`) failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// One line of line-oriented input (JSON Lines, CoNLL) could not be read: not UTF-8, not
    /// the record expected. Tools report it and go on with the next line.
    #[error("line {line}: {message}")]
    InvalidLine { line: usize, message: String },

    /// JSON (de)serialisation failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
