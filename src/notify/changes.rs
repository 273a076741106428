//! Which events two sets of records imply: what the later records say that
//! the earlier ones did not (a new incident, a shift, an update, a change
//! of status or severity). Records that vanished imply nothing.

use std::collections::HashMap;

use super::{Event, Kind, Setting};
use crate::model::{Incident, Status};

/// The events that lead from `before` to `after`, in time order (then by
/// incident and kind).
pub fn changes(before: &[&Incident], after: &[&Incident], setting: &Setting<'_>) -> Vec<Event> {
    let earlier: HashMap<&str, &Incident> = before.iter().map(|i| (i.id.as_str(), *i)).collect();
    let mut events = Vec::new();
    for incident in after {
        let previous = earlier.get(incident.id.as_str()).copied();
        incident_changes(previous, incident, setting, &mut events);
    }
    events.sort_by(|a, b| {
        (a.at.as_str(), a.incident.as_str(), a.kind).cmp(&(
            b.at.as_str(),
            b.incident.as_str(),
            b.kind,
        ))
    });
    events
}

fn incident_changes(
    previous: Option<&Incident>,
    incident: &Incident,
    setting: &Setting<'_>,
    events: &mut Vec<Event>,
) {
    let started = incident.started_at.value.to_string();
    if previous.is_none() {
        let mut event = setting.event(incident, Kind::Declared, &[&started]);
        event.at.clone_from(&started);
        event.text = format!(
            "{} declared ({}): {}",
            incident.id, incident.severity.value, incident.title.value
        );
        events.push(event);
    }
    shifts(previous, incident, setting, events);
    updates(previous, incident, setting, events);
    status_and_severity(previous, incident, setting, events);
}

/// A first shift is `assigned` (unless it came with the declaration), a
/// later one a `handover`; shifts the earlier record held already are not
/// news.
fn shifts(
    previous: Option<&Incident>,
    incident: &Incident,
    setting: &Setting<'_>,
    events: &mut Vec<Event>,
) {
    for role in &incident.roles {
        let key = role.key.value.as_str();
        let known: Vec<(String, String)> = previous
            .and_then(|p| p.role(key).map(|r| (p, r)))
            .map(|(p, r)| {
                r.shifts
                    .iter()
                    .map(|s| (s.owner.value.clone(), s.start(p).to_string()))
                    .collect()
            })
            .unwrap_or_default();
        for (index, shift) in role.shifts.iter().enumerate() {
            let owner = shift.owner.value.as_str();
            let start = shift.start(incident).to_string();
            if known.iter().any(|(o, s)| o == owner && *s == start) {
                continue;
            }
            let came_with_declaration = previous.is_none()
                && index == 0
                && shift.start(incident) == incident.started_at.value;
            if came_with_declaration {
                continue;
            }
            let name = setting.role_name(key);
            let mut event = if index == 0 {
                let mut event = setting.event(incident, Kind::Assigned, &[key, owner, &start]);
                event.text = format!("{}: {} is now {name}", incident.id, setting.person(owner));
                event
            } else {
                let before = role.shifts[index - 1].owner.value.as_str();
                let mut event = setting.event(incident, Kind::Handover, &[key, owner, &start]);
                event.text = format!(
                    "{}: {name} handed over from {} to {}",
                    incident.id,
                    setting.person(before),
                    setting.person(owner)
                );
                if let Some(note) = shift
                    .handover
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                {
                    event.text.push_str(" — ");
                    event.text.push_str(&first_line(note));
                }
                event.previous = Some(before.to_owned());
                event
            };
            event.at = start;
            event.person = Some(owner.to_owned());
            events.push(setting.with_brief(event, key));
        }
    }
}

fn updates(
    previous: Option<&Incident>,
    incident: &Incident,
    setting: &Setting<'_>,
    events: &mut Vec<Event>,
) {
    let known: Vec<(String, &str)> = previous
        .map(|p| {
            p.updates()
                .iter()
                .map(|u| (u.at.value.to_string(), u.summary.as_str()))
                .collect()
        })
        .unwrap_or_default();
    for update in incident.updates() {
        let at = update.at.value.to_string();
        if known.iter().any(|(a, s)| *a == at && *s == update.summary) {
            continue;
        }
        let mut event = setting.event(incident, Kind::UpdatePosted, &[&at, &update.summary]);
        let channel = update
            .channel
            .as_deref()
            .map(|c| format!(" on {c}"))
            .unwrap_or_default();
        event.text = format!(
            "{}: update{channel}: {}",
            incident.id,
            first_line(&update.summary)
        );
        event.at = at;
        events.push(event);
    }
}

/// `resolved` when the incident became resolved; otherwise
/// `status-changed`; and `severity-changed`.
fn status_and_severity(
    previous: Option<&Incident>,
    incident: &Incident,
    setting: &Setting<'_>,
    events: &mut Vec<Event>,
) {
    let status = incident.status.value;
    let was = previous.map(|p| p.status.value);
    if status == Status::Resolved && was != Some(Status::Resolved) {
        let resolved = incident
            .resolved_at
            .as_ref()
            .map_or(setting.now, |r| r.value);
        let at = resolved.to_string();
        let mut event = setting.event(incident, Kind::Resolved, &[&at]);
        let lasted = jiff::SignedDuration::from_secs(
            resolved
                .0
                .duration_since(incident.started_at.value.0)
                .as_secs()
                / 60
                * 60,
        );
        event.text = format!(
            "{} resolved after {}",
            incident.id,
            crate::model::time::compact_duration(lasted)
        );
        event.at = at;
        event.previous = was.map(|w| w.as_str().to_owned());
        events.push(event);
    } else if let Some(was) = was.filter(|&w| w != status) {
        let mut event = setting.event(
            incident,
            Kind::StatusChanged,
            &[was.as_str(), status.as_str()],
        );
        event.text = format!(
            "{}: status {} → {}",
            incident.id,
            was.as_str(),
            status.as_str()
        );
        event.previous = Some(was.as_str().to_owned());
        events.push(event);
    }
    if let Some(p) = previous.filter(|p| p.severity.value != incident.severity.value) {
        let old = p.severity.value.as_str();
        let new = incident.severity.value.as_str();
        let mut event = setting.event(incident, Kind::SeverityChanged, &[old, new]);
        event.text = format!("{}: severity {old} → {new}", incident.id);
        event.previous = Some(old.to_owned());
        events.push(event);
    }
}

/// The first line of Markdown text, for a one-line event.
fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default().trim();
    if text.trim().lines().count() > 1 {
        format!("{line} …")
    } else {
        line.to_owned()
    }
}
