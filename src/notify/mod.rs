//! Notifications, as data: which events two sets of records imply
//! (`changes`), what is late at a moment (`late`), and the bodies a webhook
//! receives (`payload`: Slack blocks or rolecall's JSON). Pure: nothing
//! here reads files or talks to the network; `notify` and `remind` hand
//! the records in and post what comes out through `http`.
//!
//! Imports `model`, `finding` and `digest` only.

mod changes;
mod late;
mod payload;
#[cfg(test)]
mod tests;

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{Config, Incident, Instant, Roster};

pub use changes::changes;
pub use late::late;
pub use payload::{Format, json, slack};

/// What happened, or what is late.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Declared,
    Assigned,
    Handover,
    StatusChanged,
    SeverityChanged,
    UpdatePosted,
    Resolved,
    RoleVacant,
    UpdateOverdue,
    PostmortemOverdue,
    ActionOverdue,
}

impl Kind {
    /// The kind as receivers see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Declared => "declared",
            Kind::Assigned => "assigned",
            Kind::Handover => "handover",
            Kind::StatusChanged => "status-changed",
            Kind::SeverityChanged => "severity-changed",
            Kind::UpdatePosted => "update-posted",
            Kind::Resolved => "resolved",
            Kind::RoleVacant => "role-vacant",
            Kind::UpdateOverdue => "update-overdue",
            Kind::PostmortemOverdue => "postmortem-overdue",
            Kind::ActionOverdue => "action-overdue",
        }
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One event for the receiver.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// Stable: the same change of the same record gives the same id, so a
    /// receiver can drop what it has seen.
    pub id: String,
    pub kind: Kind,
    pub incident: String,
    /// When it happened (RFC 3339, UTC); for changes the record does not
    /// date (status, severity) and for reminders, the run's now.
    pub at: String,
    /// One line for people.
    pub text: String,
    pub title: String,
    pub severity: String,
    pub status: &'static str,
    /// The role the event is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Who took the role (roster key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// What it was before: the previous owner, status or severity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Who holds each role now (roster keys; `null` for a required role
    /// nobody holds).
    pub roles: IndexMap<String, Option<String>>,
    /// The rendered documents the event concerns: addresses under
    /// `--docs-url`, else paths relative to the project folder.
    pub documents: Vec<String>,
}

/// What events are described with.
pub struct Setting<'a> {
    pub config: &'a Config,
    pub roster: Option<&'a Roster>,
    /// The moment of changes the record does not date, and of reminders.
    pub now: Instant,
    /// Where the rendered documents can be read (`--docs-url`), ending in
    /// `/`; paths relative to the project folder follow it.
    pub docs_url: Option<&'a str>,
}

impl Setting<'_> {
    /// A person as people read them: the roster's name, else the key.
    pub fn person(&self, key: &str) -> String {
        self.roster
            .and_then(|r| r.get(key))
            .map_or_else(|| key.to_owned(), |p| p.display_name().to_owned())
    }

    /// A role as people read it: the catalogue's name, else the key.
    pub fn role_name(&self, key: &str) -> String {
        self.config
            .role(key)
            .map_or_else(|| key.to_owned(), |r| r.name.clone())
    }

    /// A document path (relative to the project folder) as the receiver
    /// should see it.
    fn document(&self, path: &str) -> String {
        match self.docs_url {
            Some(base) => format!("{}/{path}", base.trim_end_matches('/')),
            None => path.to_owned(),
        }
    }

    /// The event's frame: the incident as it is now, its role holders and
    /// documents; the caller fills in the rest.
    fn event(&self, incident: &Incident, kind: Kind, id_parts: &[&str]) -> Event {
        let mut parts = vec![incident.id.as_str(), kind.as_str()];
        parts.extend_from_slice(id_parts);
        let folder = format!(
            "{}/{}",
            self.config.output.trim_end_matches('/'),
            incident.id
        );
        Event {
            id: crate::digest::short_id(&parts),
            kind,
            incident: incident.id.clone(),
            at: self.now.to_string(),
            text: String::new(),
            title: incident.title.value.clone(),
            severity: incident.severity.value.clone(),
            status: incident.status.value.as_str(),
            role: None,
            person: None,
            previous: None,
            roles: holders(incident, self.config),
            documents: vec![self.document(&format!("{folder}/README.md"))],
        }
    }

    /// Adds the role's brief to the event's documents.
    fn with_brief(&self, mut event: Event, role: &str) -> Event {
        let folder = format!(
            "{}/{}",
            self.config.output.trim_end_matches('/'),
            event.incident
        );
        event
            .documents
            .push(self.document(&format!("{folder}/briefs/{role}.md")));
        event.role = Some(role.to_owned());
        event
    }
}

/// Who holds each exclusive role now (the last shift's owner), then the
/// roles the severity requires by now that nobody holds, as `None`.
pub fn holders(incident: &Incident, config: &Config) -> IndexMap<String, Option<String>> {
    let mut roles: IndexMap<String, Option<String>> = incident
        .roles
        .iter()
        .filter_map(|r| {
            r.shifts
                .last()
                .map(|s| (r.key.value.clone(), Some(s.owner.value.clone())))
        })
        .collect();
    let required = config
        .severity(&incident.severity)
        .map(|s| s.required_roles.as_slice())
        .unwrap_or_default();
    for key in required {
        let due = config
            .role(key)
            .is_some_and(|d| incident.required_since(d.required_from).is_some());
        if due && !roles.contains_key(&key.value) {
            roles.insert(key.value.clone(), None);
        }
    }
    roles
}
