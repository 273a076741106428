//! What templates see: the record turned into views with times in UTC,
//! people as roster keys, and everything a document derives (current
//! holders, vacancies, handovers, the role chart) computed once here.
//! `docs/templates.md` documents every field.

mod handovers;
pub mod insights;
mod roles;

use super::templates::Value;
use serde::Serialize;

use crate::model::record::{PostmortemStatus, Priority};
pub use handovers::{HandoverState, HandoverView};
pub use roles::{ChartBar, ChartSection, ContactView, LinkedRole, RoleRef, RoleView, ShiftView};

use crate::model::{Config, Incident, Instant, Roster};

#[derive(Clone, Debug, Serialize)]
pub struct EventView {
    pub at: String,
    pub event: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct UpdateView {
    pub at: String,
    pub channel: Option<String>,
    pub summary: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionView {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: &'static str,
    pub priority: Option<&'static str>,
    pub link: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PostmortemView {
    /// Whether a postmortem document is produced.
    pub document: bool,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub meeting_at: Option<String>,
    /// `pending`, `scheduled`, `done`, or `not started` when unset.
    pub status: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ResponderView {
    pub person: String,
    pub role: RoleRef,
}

/// The incident as every template of it sees it.
#[derive(Clone, Debug, Serialize)]
pub struct IncidentView {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: &'static str,
    pub open: bool,
    pub started_at: String,
    /// `incident` or `drill`.
    pub kind: &'static str,
    pub detected_at: Option<String>,
    pub mitigated_at: Option<String>,
    pub resolved_at: Option<String>,
    /// Seconds from start to resolution; `None` while open.
    pub duration: Option<i64>,
    /// Seconds from start to detection; `None` without `detected_at`.
    pub time_to_detect: Option<i64>,
    /// Seconds from start to mitigation (`mitigated_at`, else the
    /// resolution); `None` while neither is known.
    pub time_to_mitigate: Option<i64>,
    pub summary: Option<String>,
    pub impact: Option<String>,
    pub services: Vec<String>,
    /// Roles with a brief: exclusive roles held or required, then
    /// responder roles someone holds, in catalogue order.
    pub roles: Vec<RoleView>,
    pub vacant_roles: Vec<RoleRef>,
    pub responders: Vec<ResponderView>,
    pub handovers: Vec<HandoverView>,
    /// The update cadence (`30m`), when there is one.
    pub update_every: Option<String>,
    pub updates: Vec<UpdateView>,
    pub last_update: Option<UpdateView>,
    /// Last update (or the start) plus the cadence, while open.
    pub next_update_due: Option<String>,
    pub timeline: Vec<EventView>,
    pub actions: Vec<ActionView>,
    pub open_actions: usize,
    pub postmortem: PostmortemView,
    pub links: Vec<LinkView>,
    /// Every current role holder with their contact.
    pub contacts: Vec<ContactView>,
    /// Everyone who held a role or responded, in order of first appearance.
    pub attendees: Vec<String>,
    /// Exclusive roles' shifts, for the Mermaid gantt chart.
    pub chart: Vec<ChartSection>,
}

pub(super) fn ts(at: Instant) -> String {
    super::time_format::rfc3339(at)
}

pub(super) fn chart_time(at: Instant) -> String {
    super::time_format::chart(at)
}

impl IncidentView {
    /// Builds the view. `now` ends an open incident's chart; the rendered
    /// documents must not depend on the clock, so callers pass the last
    /// moment the record mentions instead.
    pub fn new(incident: &Incident, config: &Config, roster: Option<&Roster>) -> IncidentView {
        let end = last_moment(incident);
        let roles = roles::role_views(incident, config);
        let vacant_roles = roles
            .iter()
            .filter(|r| r.vacant)
            .map(|r| RoleRef {
                key: r.key.clone(),
                name: r.name.clone(),
            })
            .collect();
        let updates: Vec<UpdateView> = incident.updates().iter().map(update_view).collect();
        let last_update = incident
            .updates()
            .iter()
            .max_by_key(|u| u.at.value)
            .map(update_view);
        let cadence = incident.update_every(config);
        let next_update_due = incident.next_update_due(config).map(ts);
        let actions: Vec<ActionView> = incident.actions.iter().map(action_view).collect();
        let open_actions = actions.iter().filter(|a| a.status == "open").count();
        IncidentView {
            id: incident.id.clone(),
            title: incident.title.value.clone(),
            severity: incident.severity.value.clone(),
            status: incident.status.value.as_str(),
            open: !incident.is_resolved(),
            started_at: ts(incident.started_at.value),
            kind: incident.kind.as_str(),
            detected_at: incident.detected_at.as_ref().map(|d| ts(d.value)),
            mitigated_at: incident.mitigated_at.as_ref().map(|m| ts(m.value)),
            resolved_at: incident.resolved_at.as_ref().map(|d| ts(d.value)),
            duration: duration(incident),
            time_to_detect: incident.detected_at.as_ref().map(|d| {
                d.value
                    .0
                    .duration_since(incident.started_at.value.0)
                    .as_secs()
            }),
            time_to_mitigate: incident
                .mitigated_at
                .as_ref()
                .or(incident
                    .resolved_at
                    .as_ref()
                    .filter(|_| incident.is_resolved()))
                .map(|m| {
                    m.value
                        .0
                        .duration_since(incident.started_at.value.0)
                        .as_secs()
                }),
            summary: incident.summary.clone(),
            impact: incident.impact.clone(),
            services: incident.services.clone(),
            handovers: handovers::handovers(incident, config),
            chart: roles::chart(incident, config, end),
            attendees: attendees(incident),
            postmortem: postmortem_view(incident, config),
            contacts: roles::contacts(&roles, roster),
            roles,
            vacant_roles,
            responders: incident
                .responders
                .iter()
                .map(|r| ResponderView {
                    person: r.person.value.clone(),
                    role: roles::role_ref(config, &r.role),
                })
                .collect(),
            update_every: cadence.map(|c| c.to_string()),
            updates,
            last_update,
            next_update_due,
            timeline: incident
                .timeline
                .iter()
                .map(|e| EventView {
                    at: ts(e.at.value),
                    event: e.event.clone(),
                })
                .collect(),
            actions,
            open_actions,
            links: incident
                .links
                .iter()
                .map(|l| LinkView {
                    title: l.title.clone(),
                    url: l.url.clone(),
                })
                .collect(),
        }
    }

    /// Whether the incident gets a postmortem document.
    pub fn has_postmortem(&self) -> bool {
        self.postmortem.document
    }
}

/// An incident view serialised for Tera once per incident: each brief's
/// `role` and each handover note's `handover` are its `roles` and
/// `handovers` entries, shared rather than serialised again.
pub struct IncidentValues {
    pub incident: Value,
    /// One per [`IncidentView::roles`] entry.
    pub roles: Vec<Value>,
    /// One per [`IncidentView::handovers`] entry.
    pub handovers: Vec<Value>,
}

impl IncidentValues {
    pub fn new(view: &IncidentView) -> IncidentValues {
        let incident = Value::from_serializable(view);
        let roles = entries(&incident, "roles", &view.roles);
        let handovers = entries(&incident, "handovers", &view.handovers);
        IncidentValues {
            incident,
            roles,
            handovers,
        }
    }
}

/// The entries of list `field` of the serialised `view`, which serialises
/// `items` there (serialised on their own should the shape ever differ).
fn entries<T: Serialize>(view: &Value, field: &str, items: &[T]) -> Vec<Value> {
    match view.get_from_path(field).and_then(Value::as_array) {
        Some(values) if values.len() == items.len() => values.to_vec(),
        _ => items.iter().map(Value::from_serializable).collect(),
    }
}

/// Seconds from start to resolution; `None` while open.
fn duration(incident: &Incident) -> Option<i64> {
    incident
        .resolved_at
        .as_ref()
        .filter(|_| incident.is_resolved())
        .map(|r| {
            r.value
                .0
                .duration_since(incident.started_at.value.0)
                .as_secs()
        })
}

/// The latest moment the record mentions: what an open incident's chart
/// runs to (never the clock, so rendering stays deterministic).
fn last_moment(incident: &Incident) -> Instant {
    let mut last = incident.started_at.value;
    let mut see = |at: Instant| last = last.max(at);
    if let Some(r) = &incident.resolved_at {
        see(r.value);
    }
    if let Some(d) = &incident.detected_at {
        see(d.value);
    }
    incident.timeline.iter().for_each(|e| see(e.at.value));
    incident.updates().iter().for_each(|u| see(u.at.value));
    for role in &incident.roles {
        for shift in &role.shifts {
            if let Some(from) = &shift.from {
                see(from.value);
            }
        }
    }
    last
}

pub(super) fn update_view(u: &crate::model::record::Update) -> UpdateView {
    UpdateView {
        at: ts(u.at.value),
        channel: u.channel.clone(),
        summary: u.summary.clone(),
    }
}

fn action_view(a: &crate::model::Action) -> ActionView {
    ActionView {
        title: a.title.clone(),
        owner: a.owner.as_ref().map(|o| o.value.clone()),
        due: a.due.as_ref().map(|d| d.value.to_string()),
        status: a.status.as_str(),
        priority: a.priority.map(Priority::as_str),
        link: a.link.clone(),
    }
}

fn postmortem_view(incident: &Incident, config: &Config) -> PostmortemView {
    let status = incident
        .postmortem
        .as_ref()
        .and_then(|p| p.status.as_ref())
        .map(|s| s.value);
    PostmortemView {
        document: incident.is_resolved() || status.is_some(),
        owner: incident
            .role("postmortem_owner")
            .and_then(|r| r.shifts.last())
            .map(|s| s.owner.value.clone()),
        due: incident.postmortem_due(config).map(|d| d.to_string()),
        meeting_at: incident
            .postmortem
            .as_ref()
            .and_then(|p| p.meeting_at.as_ref())
            .map(|m| ts(m.value)),
        status: status.map_or("not started", PostmortemStatus::as_str),
    }
}

fn attendees(incident: &Incident) -> Vec<String> {
    let mut people: Vec<String> = Vec::new();
    let all = incident
        .roles
        .iter()
        .flat_map(|r| r.shifts.iter().map(|s| &s.owner.value))
        .chain(incident.responders.iter().map(|r| &r.person.value));
    for person in all {
        if !people.contains(person) {
            people.push(person.clone());
        }
    }
    people
}

/// One row of the index.
#[derive(Clone, Debug, Serialize)]
pub struct IndexEntry {
    pub id: String,
    /// The overview's path relative to the index.
    pub link: String,
    pub title: String,
    /// `incident` or `drill`.
    pub kind: &'static str,
    pub severity: String,
    pub status: &'static str,
    pub started_at: String,
    pub duration: Option<i64>,
    pub vacant_roles: Vec<RoleRef>,
    pub postmortem: &'static str,
}

impl IndexEntry {
    /// The row of `incident`, computed from the record alone: the same as
    /// [`IndexEntry::new`] of its view, without building the view (the
    /// index needs a row of every incident, even when one incident
    /// changed).
    pub fn of(incident: &Incident, config: &Config) -> IndexEntry {
        let postmortem = postmortem_view(incident, config);
        IndexEntry {
            id: incident.id.clone(),
            link: format!("{}/README.md", incident.id),
            title: incident.title.value.clone(),
            kind: incident.kind.as_str(),
            severity: incident.severity.value.clone(),
            status: incident.status.value.as_str(),
            started_at: ts(incident.started_at.value),
            duration: duration(incident),
            vacant_roles: roles::vacant_roles(incident, config),
            postmortem: if postmortem.document {
                postmortem.status
            } else {
                "none"
            },
        }
    }

    pub fn new(view: &IncidentView) -> IndexEntry {
        IndexEntry {
            id: view.id.clone(),
            link: format!("{}/README.md", view.id),
            title: view.title.clone(),
            kind: view.kind,
            severity: view.severity.clone(),
            status: view.status,
            started_at: view.started_at.clone(),
            duration: view.duration,
            vacant_roles: view.vacant_roles.clone(),
            postmortem: if view.postmortem.document {
                view.postmortem.status
            } else {
                "none"
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index row made from the record alone is the row made from the
    /// full view, for every example and fixture incident.
    #[test]
    fn index_rows_from_records_match_rows_from_views() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let workspace = crate::load::load(root, None).expect("the examples load");
        let mut compared = 0;
        let mut vacant = 0;
        for (_, incident) in workspace.incidents() {
            // As recorded, and with nobody in any role (so that the
            // severity's required roles are vacant).
            let mut unstaffed = incident.clone();
            unstaffed.roles.clear();
            unstaffed.responders.clear();
            for incident in [incident, &unstaffed] {
                let view =
                    IncidentView::new(incident, &workspace.config, workspace.roster.as_ref());
                let from_view = IndexEntry::new(&view);
                vacant += from_view.vacant_roles.len();
                let from_record = IndexEntry::of(incident, &workspace.config);
                assert_eq!(
                    serde_json::to_value(from_record).expect("json"),
                    serde_json::to_value(from_view).expect("json"),
                    "{}",
                    incident.id
                );
                compared += 1;
            }
        }
        assert!(compared >= 8, "the examples hold incidents");
        assert!(vacant > 0, "some rows list vacant roles");
    }
}
