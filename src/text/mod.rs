//! The bottom layer: positions into the text ([`span`]) and word tokens with their stems
//! ([`stem`]). Every other module builds on these and none of them imports anything above.

pub mod span;
pub(crate) mod tokens;

pub use span::{CharIndex, CharSpan, Span};
pub use tokens::stem;
