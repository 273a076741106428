//! The roles of an incident as templates see them: who holds each one now
//! and before, reporting lines, contacts, and the chart of shifts.

use serde::Serialize;

use super::{chart_time, ts};
use crate::model::{Config, Incident, Instant, RoleDef, Roster, Shift};

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

pub(super) fn role_ref(config: &Config, key: &str) -> RoleRef {
    RoleRef {
        key: key.to_owned(),
        name: config
            .role(key)
            .map_or_else(|| key.to_owned(), |r| r.name.clone()),
    }
}

pub(super) fn shift_views(incident: &Incident, shifts: &[Shift]) -> Vec<ShiftView> {
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

/// The role keys the incident's severity requires.
fn required_keys<'a>(incident: &Incident, config: &'a Config) -> Vec<&'a str> {
    config
        .severity(&incident.severity)
        .map(|s| s.required_roles.iter().map(|r| r.value.as_str()).collect())
        .unwrap_or_default()
}

/// Whether role `key` is required of the incident by now.
fn is_required(incident: &Incident, required: &[&str], key: &str, def: &RoleDef) -> bool {
    required.contains(&key) && incident.required_since(def.required_from).is_some()
}

/// The roles required and held by nobody, in catalogue order: what
/// [`role_views`] marks `vacant`, without building the views (the index
/// needs only these).
pub(super) fn vacant_roles(incident: &Incident, config: &Config) -> Vec<RoleRef> {
    let required = required_keys(incident, config);
    config
        .roles
        .iter()
        .filter(|(key, def)| is_required(incident, &required, key, def))
        .filter(|(key, def)| {
            if def.exclusive {
                incident.role(key).is_none_or(|r| r.shifts.is_empty())
            } else {
                !incident.responders.iter().any(|r| r.role.value == **key)
            }
        })
        .map(|(key, def)| RoleRef {
            key: key.clone(),
            name: def.name.clone(),
        })
        .collect()
}

pub(super) fn role_views(incident: &Incident, config: &Config) -> Vec<RoleView> {
    let required = required_keys(incident, config);
    let mut views = Vec::new();
    for (key, def) in &config.roles {
        let is_required = is_required(incident, &required, key, def);
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
            required_from: def.required_from.as_str(),
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

pub(super) fn contacts(roles: &[RoleView], roster: Option<&Roster>) -> Vec<ContactView> {
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

pub(super) fn chart(incident: &Incident, config: &Config, end: Instant) -> Vec<ChartSection> {
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
