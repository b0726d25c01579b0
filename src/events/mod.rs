//! Events: who did what to whom, where and when, with the evidence.

mod lexicon;
pub(crate) mod text;
mod time;
mod types;

pub use lexicon::{RoleRules, TriggerLexicon, TypeInfo, DEFAULT_ROLES, DEFAULT_TRIGGERS};
pub use text::stem;
pub use time::Date;
pub use types::{
    to_json, to_json_lines, write_json_lines, Actor, ActorStance, Event, EventType, Evidence,
    Place, Report, Role, TimeExpr, Trigger,
};
