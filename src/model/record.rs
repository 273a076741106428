//! The incident record (SPEC §2): one YAML file per incident.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::config::Config;
use super::time::{Day, Instant, Span};
use crate::yaml::{At, Fields, Pos, Reader, SNode};

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
    pub started_at: At<Instant>,
    pub detected_at: Option<At<Instant>>,
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

impl Incident {
    /// Where a top-level key was written, or line 1 when it is absent.
    pub fn pos_of(&self, key: &str) -> Pos {
        self.key_pos
            .iter()
            .find(|(k, _)| k == key)
            .map_or(Pos::START, |&(_, p)| p)
    }

    pub fn is_resolved(&self) -> bool {
        self.status.value == Status::Resolved
    }

    pub fn role(&self, key: &str) -> Option<&RoleAssignment> {
        self.roles.iter().find(|r| r.key.value == key)
    }

    /// The cadence of updates: the record's own, else the severity's.
    pub fn update_every(&self, config: &Config) -> Option<Span> {
        self.communications
            .as_ref()
            .and_then(|c| c.update_every.as_ref().map(|s| s.value))
            .or_else(|| config.severity(&self.severity).and_then(|s| s.update_every))
    }

    /// When a role required `from` this point becomes required: the start,
    /// or (for `resolved`) the resolution — never before the start; `None`
    /// while that moment has not come.
    pub fn required_since(&self, from: super::config::RequiredFrom) -> Option<Instant> {
        match from {
            super::config::RequiredFrom::Declared => Some(self.started_at.value),
            super::config::RequiredFrom::Resolved => self
                .resolved_at
                .as_ref()
                .filter(|_| self.is_resolved())
                .map(|at| at.value.max(self.started_at.value)),
        }
    }

    /// While the incident is open and has a cadence: the last update (or
    /// the start, whichever is later) plus the cadence.
    pub fn next_update_due(&self, config: &Config) -> Option<Instant> {
        if self.is_resolved() {
            return None;
        }
        let cadence = self.update_every(config)?;
        let last = self
            .updates()
            .iter()
            .map(|u| u.at.value)
            .fold(self.started_at.value, Instant::max);
        Some(Instant(last.0 + cadence.0))
    }

    pub fn updates(&self) -> &[Update] {
        self.communications.as_ref().map_or(&[], |c| &c.updates)
    }

    /// When the postmortem is due: the record's date, else resolution plus
    /// the severity's business days.
    pub fn postmortem_due(&self, config: &Config) -> Option<Day> {
        if let Some(due) = self.postmortem.as_ref().and_then(|p| p.due.as_ref()) {
            return Some(due.value);
        }
        self.default_postmortem_due(config)
    }

    /// The severity's business-day limit applied to `resolved_at`.
    pub fn default_postmortem_due(&self, config: &Config) -> Option<Day> {
        let resolved = self.resolved_at.as_ref()?;
        let days = config.severity(&self.severity)?.postmortem_within_days?;
        let date =
            super::time::add_business_days(resolved.utc_date(), days, &config.holiday_dates());
        Some(Day(date))
    }
}

impl Shift {
    /// When this shift starts: its `from`, or the incident's start.
    pub fn start(&self, incident: &Incident) -> Instant {
        self.from
            .as_ref()
            .map_or(incident.started_at.value, |f| f.value)
    }
}

const RECORD_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "status",
    "started_at",
    "detected_at",
    "resolved_at",
    "summary",
    "impact",
    "services",
    "roles",
    "responders",
    "communications",
    "timeline",
    "actions",
    "postmortem",
    "links",
];

/// Reads a record. `stem` is the file name without extension; `None` when
/// the record has `schema` findings (they are in `r`).
pub fn read(r: &mut Reader<'_>, root: &SNode, stem: &str, config: &Config) -> Option<Incident> {
    let f = r.fields(Pos::START, root, "an incident record", RECORD_KEYS)?;
    let severities: Vec<&str> = config.severities.keys().map(String::as_str).collect();
    let id = r.optional(&f, "id", Reader::text);
    let title = r.required(&f, "title", "the record", Reader::name);
    let severity = r.required(&f, "severity", "the record", |r, pos, node| {
        r.choice(pos, node, "severity", &severities)
    });
    let status = r.required(&f, "status", "the record", read_status);
    let started_at = r.required(&f, "started_at", "the record", Reader::instant);
    let detected_at = r.optional(&f, "detected_at", Reader::instant);
    let resolved_at = r.optional(&f, "resolved_at", Reader::instant);
    let summary = r.optional(&f, "summary", Reader::text);
    let impact = r.optional(&f, "impact", Reader::text);
    let services = r.optional(&f, "services", |r, pos, node| {
        r.list(pos, node, "services", Reader::name)
    });
    let roles = r.optional(&f, "roles", read_roles);
    let responders = r.optional(&f, "responders", |r, pos, node| {
        r.list(pos, node, "responders", read_responder)
    });
    let communications = r.optional(&f, "communications", read_communications);
    let timeline = r.optional(&f, "timeline", |r, pos, node| {
        r.list(pos, node, "timeline", read_event)
    });
    let actions = r.optional(&f, "actions", |r, pos, node| {
        r.list(pos, node, "actions", read_action)
    });
    let postmortem = r.optional(&f, "postmortem", read_postmortem);
    let links = r.optional(&f, "links", |r, pos, node| {
        r.list(pos, node, "links", read_link)
    });
    let key_pos = f.iter().map(|(k, pos, _)| (k.to_owned(), pos)).collect();
    let incident = Incident {
        id: id
            .as_ref()
            .and_then(|i| i.as_ref())
            .map_or_else(|| stem.to_owned(), |i| i.value.clone()),
        written_id: id?,
        title: title?,
        severity: severity?,
        status: status?,
        started_at: started_at?,
        detected_at: detected_at?,
        resolved_at: resolved_at?,
        summary: summary?.map(|s| s.value),
        impact: impact?.map(|s| s.value),
        services: list_value(services?),
        roles: list_value(roles?),
        responders: list_value(responders?),
        communications: communications?.map(|c| c.value),
        timeline: list_value(timeline?),
        actions: list_value(actions?),
        postmortem: postmortem?.map(|p| p.value),
        links: list_value(links?),
        key_pos,
    };
    (!r.failed()).then_some(incident)
}

/// One of an enum's words, with a did-you-mean when it is not.
fn read_word<T>(
    r: &mut Reader<'_>,
    pos: Pos,
    node: &SNode,
    what: &str,
    names: &[&str],
    from_word: fn(&str) -> Option<T>,
) -> Option<T> {
    r.choice(pos, node, what, names)
        .and_then(|word| from_word(&word))
}

fn read_status(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Status> {
    read_word(r, pos, node, "status", Status::NAMES, Status::from_word)
}

fn read_roles(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Vec<RoleAssignment>> {
    let mut roles = Vec::new();
    let mut ok = true;
    for (key, value) in r.entries(pos, node, "roles")? {
        let assignment = if let crate::yaml::Node::Seq(_) = value.node {
            r.list(key.pos, value, "a role's shifts", read_shift)
                .map(|shifts| RoleAssignment {
                    key: key.clone(),
                    shorthand: false,
                    shifts,
                })
        } else if let crate::yaml::Node::Map(_) = value.node {
            r.schema(
                key.pos,
                format!(
                    "role `{}` should be a person or a list of shifts, found a mapping",
                    key.value
                ),
                Some(format!(
                    "write `{}: alice`, or a list like `- owner: alice`",
                    key.value
                )),
            );
            None
        } else {
            r.name(key.pos, value).map(|owner| RoleAssignment {
                key: key.clone(),
                shorthand: true,
                shifts: vec![Shift {
                    owner: At::new(owner, value.pos),
                    from: None,
                    handover: None,
                    acknowledged_at: None,
                    pos: key.pos,
                }],
            })
        };
        match assignment {
            Some(a) => roles.push(a),
            None => ok = false,
        }
    }
    ok.then_some(roles)
}

fn read_shift(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Shift> {
    let f = r.fields(
        pos,
        node,
        "a shift",
        &["owner", "from", "handover", "acknowledged_at"],
    )?;
    let owner = r.required(&f, "owner", "a shift", Reader::name);
    let from = r.optional(&f, "from", Reader::instant);
    let handover = r.optional(&f, "handover", Reader::text);
    let acknowledged_at = r.optional(&f, "acknowledged_at", Reader::instant);
    Some(Shift {
        owner: owner?,
        from: from?,
        handover: handover?.map(|h| h.value).filter(|h| !h.trim().is_empty()),
        acknowledged_at: acknowledged_at?,
        pos,
    })
}

fn read_responder(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Responder> {
    let f = r.fields(pos, node, "a responder", &["person", "role"])?;
    let person = r.required(&f, "person", "a responder", Reader::name);
    let role = r.required(&f, "role", "a responder", Reader::name);
    Some(Responder {
        person: person?,
        role: role?,
        pos,
    })
}

fn read_communications(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Communications> {
    let f = r.fields(pos, node, "communications", &["update_every", "updates"])?;
    let update_every = r.optional(&f, "update_every", Reader::span);
    let updates = r.optional(&f, "updates", |r, pos, node| {
        r.list(pos, node, "updates", read_update)
    });
    Some(Communications {
        update_every: update_every?,
        updates: updates?.map(|u| u.value).unwrap_or_default(),
        pos,
    })
}

fn read_update(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Update> {
    let f = r.fields(pos, node, "an update", &["at", "channel", "summary"])?;
    let at = r.required(&f, "at", "an update", Reader::instant);
    let channel = r.optional(&f, "channel", Reader::text);
    let summary = r.required(&f, "summary", "an update", Reader::text);
    Some(Update {
        at: at?,
        channel: channel?.map(|c| c.value),
        summary: summary?.value,
        pos,
    })
}

fn read_event(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<TimelineEvent> {
    let f = r.fields(pos, node, "a timeline event", &["at", "event"])?;
    let at = r.required(&f, "at", "a timeline event", Reader::instant);
    let event = r.required(&f, "event", "a timeline event", Reader::text);
    Some(TimelineEvent {
        at: at?,
        event: event?.value,
        pos,
    })
}

fn read_action(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Action> {
    let f: Fields<'_> = r.fields(
        pos,
        node,
        "an action",
        &["title", "owner", "due", "status", "priority", "link"],
    )?;
    let title = r.required(&f, "title", "an action", Reader::name);
    let owner = r.optional(&f, "owner", Reader::name);
    let due = r.optional(&f, "due", Reader::day);
    let status = r.optional(&f, "status", |r, pos, node| {
        read_word(
            r,
            pos,
            node,
            "action status",
            ActionStatus::NAMES,
            ActionStatus::from_word,
        )
    });
    let priority = r.optional(&f, "priority", |r, pos, node| {
        read_word(
            r,
            pos,
            node,
            "priority",
            Priority::NAMES,
            Priority::from_word,
        )
    });
    let link = r.optional(&f, "link", Reader::text);
    Some(Action {
        title: title?.value,
        owner: owner?,
        due: due?,
        status: status?.map_or(ActionStatus::Open, |s| s.value),
        priority: priority?.map(|p| p.value),
        link: link?.map(|l| l.value),
        pos,
    })
}

fn read_postmortem(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Postmortem> {
    let f = r.fields(pos, node, "postmortem", &["due", "meeting_at", "status"])?;
    let due = r.optional(&f, "due", Reader::day);
    let meeting_at = r.optional(&f, "meeting_at", Reader::instant);
    let status = r.optional(&f, "status", |r, pos, node| {
        read_word(
            r,
            pos,
            node,
            "postmortem status",
            PostmortemStatus::NAMES,
            PostmortemStatus::from_word,
        )
    });
    Some(Postmortem {
        due: due?,
        meeting_at: meeting_at?,
        status: status?,
        pos,
    })
}

fn read_link(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Link> {
    let f = r.fields(pos, node, "a link", &["title", "url"])?;
    let title = r.required(&f, "title", "a link", Reader::name);
    let url = r.required(&f, "url", "a link", Reader::name);
    Some(Link {
        title: title?.value,
        url: url?.value,
    })
}

fn list_value<T>(list: Option<At<Vec<T>>>) -> Vec<T> {
    list.map(|l| l.value).unwrap_or_default()
}
