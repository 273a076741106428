//! The incident record (SPEC §2): one YAML file per incident.
//!
//! This module holds the record's shapes; `read` builds them from the YAML
//! tree (collecting every schema problem), and `derived` answers the
//! questions the rules and documents ask of a record: when a role is
//! required, when the next update or the postmortem is due.

mod derived;
mod read;

pub use read::read;

use crate::model::time::{Day, Instant, Span};
use crate::yaml::{At, Pos};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// Enums written in records as one lowercase word: the words, in variant
/// order, and conversions both ways.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// The words a record may use, in variant order.
            pub const NAMES: &'static [&'static str] = &[$($word),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// The variant a word names.
            pub fn from_word(word: &str) -> Option<$name> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

words! {
    /// Where an incident is in its life.
    Status { Investigating => "investigating", Identified => "identified", Monitoring => "monitoring", Resolved => "resolved" }
}

words! {
    /// A real incident, or a drill: drills are checked and rendered but
    /// left out of `stats`.
    IncidentKind { Incident => "incident", Drill => "drill" }
}

words! {
    /// Whether an action item is finished.
    ActionStatus { Open => "open", Done => "done" }
}

words! {
    /// How urgent an action item is.
    Priority { High => "high", Medium => "medium", Low => "low" }
}

words! {
    /// Where the postmortem stands.
    PostmortemStatus { Pending => "pending", Scheduled => "scheduled", Done => "done" }
}

/// An incident record.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "rolecall incident record")]
pub struct Incident {
    /// Optional; when present it must equal the file name without extension.
    #[schemars(with = "Option<String>")]
    pub id: String,
    /// The id as written, when it was.
    #[serde(skip)]
    #[schemars(skip)]
    pub written_id: Option<At<String>>,
    pub title: At<String>,
    /// One of the configured severities (SEV1..SEV4 by default).
    pub severity: At<String>,
    pub status: At<Status>,
    /// `incident` (default) or `drill`.
    #[schemars(default = "real_incident")]
    pub kind: IncidentKind,
    pub started_at: At<Instant>,
    pub detected_at: Option<At<Instant>>,
    /// When the impact ended, between `started_at` and `resolved_at`.
    pub mitigated_at: Option<At<Instant>>,
    /// Required when status is resolved, forbidden otherwise.
    pub resolved_at: Option<At<Instant>>,
    /// Markdown.
    pub summary: Option<String>,
    /// Markdown.
    pub impact: Option<String>,
    #[serde(default)]
    pub services: Vec<String>,
    /// Exclusive roles: a person (one owner throughout) or a list of shifts.
    #[serde(serialize_with = "roles_as_map")]
    #[schemars(with = "IndexMap<String, RoleSchema>")]
    #[serde(default)]
    pub roles: Vec<RoleAssignment>,
    /// People in the non-exclusive roles.
    #[serde(default)]
    pub responders: Vec<Responder>,
    pub communications: Option<Communications>,
    #[serde(default)]
    pub timeline: Vec<TimelineEvent>,
    #[serde(default)]
    pub actions: Vec<Action>,
    pub postmortem: Option<Postmortem>,
    #[serde(default)]
    pub links: Vec<Link>,
    /// Top-level keys and where they were written.
    #[serde(skip)]
    #[schemars(skip)]
    pub key_pos: Vec<(String, Pos)>,
}
/// How `roles` entries may be written (for the JSON Schema only).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RoleSchema {
    /// Shorthand: one owner for the whole incident.
    Owner(String),
    /// Shifts in time order; each later shift is a handover.
    Shifts(Vec<Shift>),
}
/// One exclusive role's owners over time.
#[derive(Clone, Debug)]
pub struct RoleAssignment {
    pub key: At<String>,
    /// Written as `tech_lead: bob`.
    pub shorthand: bool,
    pub shifts: Vec<Shift>,
}
/// One person holding a role from a moment on.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Shift {
    pub owner: At<String>,
    /// Required on every shift after the first.
    pub from: Option<At<Instant>>,
    /// What the outgoing owner passed on (Markdown).
    pub handover: Option<String>,
    /// When the new owner confirmed the handover.
    pub acknowledged_at: Option<At<Instant>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub pos: Pos,
}
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Responder {
    pub person: At<String>,
    pub role: At<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub pos: Pos,
}
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Communications {
    /// Overrides the severity's cadence.
    pub update_every: Option<At<Span>>,
    #[serde(default)]
    pub updates: Vec<Update>,
    #[serde(skip)]
    #[schemars(skip)]
    pub pos: Pos,
}
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Update {
    pub at: At<Instant>,
    pub channel: Option<String>,
    pub summary: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub pos: Pos,
}
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TimelineEvent {
    pub at: At<Instant>,
    pub event: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub pos: Pos,
}
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Action {
    pub title: String,
    pub owner: Option<At<String>>,
    pub due: Option<At<Day>>,
    /// Default: open.
    #[schemars(default = "open")]
    pub status: ActionStatus,
    pub priority: Option<Priority>,
    pub link: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub pos: Pos,
}
fn real_incident() -> IncidentKind {
    IncidentKind::Incident
}
fn open() -> ActionStatus {
    ActionStatus::Open
}
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Postmortem {
    /// Default: `resolved_at` plus the severity's business days.
    pub due: Option<At<Day>>,
    pub meeting_at: Option<At<Instant>>,
    pub status: Option<At<PostmortemStatus>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub pos: Pos,
}
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}
fn roles_as_map<S: Serializer>(roles: &[RoleAssignment], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(roles.len()))?;
    for role in roles {
        map.serialize_entry(&role.key.value, &role.shifts)?;
    }
    map.end()
}
