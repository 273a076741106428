//! What templates see: the record turned into views with times in UTC,
//! people as roster keys, and everything a document derives (current
//! holders, vacancies, handovers, the role chart) computed once here.
//! `docs/templates.md` documents every field.

use serde::Serialize;

use crate::model::record::{ActionStatus, PostmortemStatus};
use crate::model::{Config, Incident, Instant, RequiredFrom, Roster, Shift};

/// A role as a link target: key and display name.
#[derive(Clone, Debug, Serialize)]
pub struct RoleRef {
    pub key: String,
    pub name: String,
}

/// A role on a reporting line, with who holds it in this incident.
#[derive(Clone, Debug, Serialize)]
pub struct LinkedRole {
    pub key: String,
    pub name: String,
    pub holders: Vec<String>,
    pub vacant: bool,
}

/// A current role holder and how to reach them.
#[derive(Clone, Debug, Serialize)]
pub struct ContactView {
    pub role: String,
    pub person: String,
    /// Chat handle, else email, from the roster.
    pub contact: Option<String>,
}

/// One shift of a role, with when it ended.
#[derive(Clone, Debug, Serialize)]
pub struct ShiftView {
    pub owner: String,
    pub from: String,
    /// When the next shift took over; `None` for the current shift.
    pub until: Option<String>,
    pub handover: Option<String>,
    pub acknowledged_at: Option<String>,
}

/// A role of this incident: the catalogue entry plus who held it.
#[derive(Clone, Debug, Serialize)]
pub struct RoleView {
    pub key: String,
    pub name: String,
    pub summary: Option<String>,
    pub responsibilities: Vec<String>,
    pub exclusive: bool,
    /// The severity requires it (from `required_from` on).
    pub required: bool,
    pub required_from: &'static str,
    /// Required, and nobody holds it (yet).
    pub vacant: bool,
    /// The current holder (exclusive roles).
    pub holder: Option<String>,
    /// Everyone holding it now (responder roles: all of them).
    pub holders: Vec<String>,
    /// Every shift, oldest first (exclusive roles).
    pub history: Vec<ShiftView>,
    pub reports_to: Option<LinkedRole>,
    /// Roles of this incident that report to this one.
    pub reports: Vec<LinkedRole>,
    /// The brief's file name within `briefs/`.
    pub brief: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct HandoverView {
    pub number: usize,
    /// File name within `handovers/`.
    pub file: String,
    pub role: RoleRef,
    pub from: String,
    pub to: String,
    pub at: String,
    pub note: Option<String>,
    pub acknowledged_at: Option<String>,
    /// The incident as it stood at the handover.
    pub state: HandoverState,
}

#[derive(Clone, Debug, Serialize)]
pub struct HandoverState {
    /// `resolved` if the incident was resolved by then, else its status
    /// (`open` for a resolved incident's earlier handovers).
    pub status: String,
    /// Up to five timeline events at or before the handover.
    pub recent_events: Vec<EventView>,
    /// Updates published up to the handover.
    pub updates: Vec<UpdateView>,
}

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

/// One bar of the role chart: who held a role from when to when.
#[derive(Clone, Debug, Serialize)]
pub struct ChartBar {
    pub owner: String,
    /// `YYYY-MM-DD HH:mm`, UTC (Mermaid's `dateFormat`).
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChartSection {
    pub role: String,
    pub bars: Vec<ChartBar>,
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
    pub detected_at: Option<String>,
    pub resolved_at: Option<String>,
    /// Seconds from start to resolution; `None` while open.
    pub duration: Option<i64>,
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

fn ts(at: Instant) -> String {
    at.to_string()
}

fn chart_time(at: Instant) -> String {
    at.0.strftime("%Y-%m-%d %H:%M").to_string()
}

impl IncidentView {
    /// Builds the view. `now` ends an open incident's chart; the rendered
    /// documents must not depend on the clock, so callers pass the last
    /// moment the record mentions instead.
    pub fn new(incident: &Incident, config: &Config, roster: Option<&Roster>) -> IncidentView {
        let end = last_moment(incident);
        let roles = role_views(incident, config, end);
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
        let next_update_due = match (cadence, incident.is_resolved()) {
            (Some(c), false) => {
                let base = incident
                    .updates()
                    .iter()
                    .map(|u| u.at.value)
                    .max()
                    .unwrap_or(incident.started_at.value);
                Some(ts(Instant(base.0 + c.0)))
            }
            _ => None,
        };
        let actions: Vec<ActionView> = incident.actions.iter().map(action_view).collect();
        let open_actions = actions.iter().filter(|a| a.status == "open").count();
        IncidentView {
            id: incident.id.clone(),
            title: incident.title.value.clone(),
            severity: incident.severity.value.clone(),
            status: incident.status.value.as_str(),
            open: !incident.is_resolved(),
            started_at: ts(incident.started_at.value),
            detected_at: incident.detected_at.as_ref().map(|d| ts(d.value)),
            resolved_at: incident.resolved_at.as_ref().map(|d| ts(d.value)),
            duration: incident
                .resolved_at
                .as_ref()
                .filter(|_| incident.is_resolved())
                .map(|r| {
                    r.value
                        .0
                        .duration_since(incident.started_at.value.0)
                        .as_secs()
                }),
            summary: incident.summary.clone(),
            impact: incident.impact.clone(),
            services: incident.services.clone(),
            handovers: handovers(incident, config),
            chart: chart(incident, config, end),
            attendees: attendees(incident),
            postmortem: postmortem_view(incident, config),
            contacts: contacts(&roles, roster),
            roles,
            vacant_roles,
            responders: incident
                .responders
                .iter()
                .map(|r| ResponderView {
                    person: r.person.value.clone(),
                    role: role_ref(config, &r.role),
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

fn role_ref(config: &Config, key: &str) -> RoleRef {
    RoleRef {
        key: key.to_owned(),
        name: config
            .role(key)
            .map_or_else(|| key.to_owned(), |r| r.name.clone()),
    }
}

fn requirement_started(incident: &Incident, required_from: RequiredFrom) -> bool {
    match required_from {
        RequiredFrom::Declared => true,
        RequiredFrom::Resolved => incident.is_resolved(),
    }
}

fn shift_views(incident: &Incident, shifts: &[Shift]) -> Vec<ShiftView> {
    shifts
        .iter()
        .enumerate()
        .map(|(i, s)| ShiftView {
            owner: s.owner.value.clone(),
            from: ts(s.start(incident)),
            until: shifts.get(i + 1).map(|n| ts(n.start(incident))),
            handover: s.handover.clone(),
            acknowledged_at: s.acknowledged_at.as_ref().map(|a| ts(a.value)),
        })
        .collect()
}

fn role_views(incident: &Incident, config: &Config, _end: Instant) -> Vec<RoleView> {
    let required: Vec<&str> = config
        .severity(&incident.severity)
        .map(|s| s.required_roles.iter().map(|r| r.value.as_str()).collect())
        .unwrap_or_default();
    let mut views = Vec::new();
    for (key, def) in &config.roles {
        let is_required =
            required.contains(&key.as_str()) && requirement_started(incident, def.required_from);
        let (holder, holders, history) = if def.exclusive {
            let history = incident
                .role(key)
                .map(|r| shift_views(incident, &r.shifts))
                .unwrap_or_default();
            let holder = history.last().map(|s| s.owner.clone());
            (
                holder.clone(),
                holder.into_iter().collect::<Vec<_>>(),
                history,
            )
        } else {
            let holders: Vec<String> = incident
                .responders
                .iter()
                .filter(|r| r.role.value == *key)
                .map(|r| r.person.value.clone())
                .collect();
            (None, holders, Vec::new())
        };
        if holders.is_empty() && !is_required {
            continue;
        }
        views.push(RoleView {
            key: key.clone(),
            name: def.name.clone(),
            summary: def.summary.clone(),
            responsibilities: def.responsibilities.clone(),
            exclusive: def.exclusive,
            required: is_required,
            required_from: match def.required_from {
                RequiredFrom::Declared => "declared",
                RequiredFrom::Resolved => "resolved",
            },
            vacant: is_required && holders.is_empty(),
            holder,
            holders,
            history,
            reports_to: None,
            reports: Vec::new(),
            brief: format!("{key}.md"),
        });
    }
    let linked: Vec<LinkedRole> = views
        .iter()
        .map(|v| LinkedRole {
            key: v.key.clone(),
            name: v.name.clone(),
            holders: v.holders.clone(),
            vacant: v.vacant,
        })
        .collect();
    for view in &mut views {
        let boss = config
            .role(&view.key)
            .and_then(|d| d.reports_to.as_ref())
            .map(|b| b.value.clone());
        view.reports_to = boss.map(|key| {
            linked
                .iter()
                .find(|l| l.key == key)
                .cloned()
                .unwrap_or_else(|| {
                    let r = role_ref(config, &key);
                    LinkedRole {
                        key: r.key,
                        name: r.name,
                        holders: Vec::new(),
                        vacant: false,
                    }
                })
        });
        view.reports = linked
            .iter()
            .filter(|l| {
                config
                    .role(&l.key)
                    .and_then(|d| d.reports_to.as_ref())
                    .is_some_and(|b| b.value == view.key)
            })
            .cloned()
            .collect();
    }
    views
}

/// Every handover (a shift after the first), numbered in time order.
fn handovers(incident: &Incident, config: &Config) -> Vec<HandoverView> {
    let mut found: Vec<(Instant, usize, &str, &Shift, &Shift)> = Vec::new();
    for (order, role) in incident.roles.iter().enumerate() {
        for pair in role.shifts.windows(2) {
            found.push((
                pair[1].start(incident),
                order,
                &role.key.value,
                &pair[0],
                &pair[1],
            ));
        }
    }
    found.sort_by_key(|&(at, order, ..)| (at, order));
    found
        .into_iter()
        .enumerate()
        .map(|(i, (at, _, key, before, after))| HandoverView {
            number: i + 1,
            file: format!("{:02}-{key}.md", i + 1),
            role: role_ref(config, key),
            from: before.owner.value.clone(),
            to: after.owner.value.clone(),
            at: ts(at),
            note: after.handover.clone(),
            acknowledged_at: after.acknowledged_at.as_ref().map(|a| ts(a.value)),
            state: state_at(incident, at),
        })
        .collect()
}

fn state_at(incident: &Incident, at: Instant) -> HandoverState {
    let resolved_by_then =
        incident.resolved_at.as_ref().is_some_and(|r| r.value <= at) && incident.is_resolved();
    let status = if resolved_by_then {
        "resolved".to_owned()
    } else if incident.is_resolved() {
        "open".to_owned()
    } else {
        incident.status.value.as_str().to_owned()
    };
    let mut before: Vec<&crate::model::record::TimelineEvent> = incident
        .timeline
        .iter()
        .filter(|e| e.at.value <= at)
        .collect();
    before.sort_by_key(|e| e.at.value);
    let recent = before
        .iter()
        .rev()
        .take(5)
        .rev()
        .map(|e| EventView {
            at: ts(e.at.value),
            event: e.event.clone(),
        })
        .collect();
    let updates = incident
        .updates()
        .iter()
        .filter(|u| u.at.value <= at)
        .map(update_view)
        .collect();
    HandoverState {
        status,
        recent_events: recent,
        updates,
    }
}

fn update_view(u: &crate::model::record::Update) -> UpdateView {
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
        status: match a.status {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
        },
        priority: a.priority.map(|p| match p {
            crate::model::record::Priority::High => "high",
            crate::model::record::Priority::Medium => "medium",
            crate::model::record::Priority::Low => "low",
        }),
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
        status: match status {
            Some(PostmortemStatus::Pending) => "pending",
            Some(PostmortemStatus::Scheduled) => "scheduled",
            Some(PostmortemStatus::Done) => "done",
            None => "not started",
        },
    }
}

fn contacts(roles: &[RoleView], roster: Option<&Roster>) -> Vec<ContactView> {
    let mut contacts = Vec::new();
    for role in roles {
        for person in &role.holders {
            let entry = roster.and_then(|r| r.get(person));
            contacts.push(ContactView {
                role: role.name.clone(),
                person: person.clone(),
                contact: entry.and_then(|p| p.contact.clone().or_else(|| p.email.clone())),
            });
        }
    }
    contacts
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

fn chart(incident: &Incident, config: &Config, end: Instant) -> Vec<ChartSection> {
    let mut sections = Vec::new();
    for (key, def) in &config.roles {
        let Some(role) = incident.role(key).filter(|_| def.exclusive) else {
            continue;
        };
        let starts: Vec<Instant> = role.shifts.iter().map(|s| s.start(incident)).collect();
        let bars = role
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let start = starts[i];
                let stop = starts.get(i + 1).copied().unwrap_or(end).max(start);
                ChartBar {
                    owner: s.owner.value.clone(),
                    start: chart_time(start),
                    end: chart_time(stop),
                }
            })
            .collect();
        sections.push(ChartSection {
            role: def.name.clone(),
            bars,
        });
    }
    sections
}

/// One row of the index.
#[derive(Clone, Debug, Serialize)]
pub struct IndexEntry {
    pub id: String,
    /// The overview's path relative to the index.
    pub link: String,
    pub title: String,
    pub severity: String,
    pub status: &'static str,
    pub started_at: String,
    pub duration: Option<i64>,
    pub vacant_roles: Vec<RoleRef>,
    pub postmortem: &'static str,
}

impl IndexEntry {
    pub fn new(view: &IncidentView) -> IndexEntry {
        IndexEntry {
            id: view.id.clone(),
            link: format!("{}/README.md", view.id),
            title: view.title.clone(),
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
