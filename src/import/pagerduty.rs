//! A PagerDuty REST API v2 export, `{"incidents": [...], "log_entries":
//! [...]}`: the incident objects of `GET /incidents` and the log entries of
//! `GET /log_entries` (or of each incident). Each incident becomes
//! `PD-<incident_number>`: assignments as incident-manager shifts (the
//! reassignment's log line as the handover note), acknowledgements as
//! `acknowledged_at`, the resolve entry as `resolved_at`, notes as timeline
//! events, the urgency mapped to a severity.

use serde::Deserialize;

use super::{Draft, DraftShift, ImportError, Imported, Mapping, instant, parse};
use crate::model::Instant;

/// The role PagerDuty's assignee holds.
const ROLE: &str = "incident_manager";

#[derive(Deserialize)]
struct Export {
    incidents: Vec<Incident>,
    #[serde(default)]
    log_entries: Vec<LogEntry>,
}

#[derive(Deserialize)]
#[allow(clippy::struct_field_names)] // the names of the API
struct Incident {
    id: String,
    incident_number: u64,
    title: String,
    created_at: String,
    urgency: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    service: Option<Reference>,
    #[serde(default)]
    assignments: Vec<Assignment>,
    #[serde(default)]
    html_url: Option<String>,
    /// The incident's notes (`GET /incidents/{id}/notes`), when the export
    /// put them beside it.
    #[serde(default)]
    notes: Vec<Note>,
}

/// A reference to a user, service or incident.
#[derive(Deserialize)]
struct Reference {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct Assignment {
    at: String,
    assignee: Reference,
}

#[derive(Deserialize)]
struct Note {
    created_at: String,
    content: String,
}

#[derive(Deserialize)]
struct LogEntry {
    #[serde(rename = "type")]
    kind: String,
    created_at: String,
    incident: IncidentRef,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    assignees: Vec<Reference>,
    #[serde(default)]
    channel: Option<Channel>,
}

#[derive(Deserialize)]
struct IncidentRef {
    id: String,
}

#[derive(Deserialize)]
struct Channel {
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    content: Option<String>,
}

pub fn import(bytes: &[u8], mapping: &Mapping<'_>) -> Result<Imported, ImportError> {
    let export: Export = parse(bytes)?;
    let mut imported = Imported::default();
    for (index, incident) in export.incidents.iter().enumerate() {
        let path = format!("incidents[{index}]");
        let mut entries: Vec<(Instant, usize, &LogEntry)> = Vec::new();
        for (n, entry) in export.log_entries.iter().enumerate() {
            if entry.incident.id == incident.id {
                let at = instant(&entry.created_at, &format!("log_entries[{n}].created_at"))?;
                entries.push((at, n, entry));
            }
        }
        entries.sort_by_key(|&(at, n, _)| (at, n));
        imported
            .drafts
            .push(draft(incident, &path, &entries, mapping)?);
    }
    Ok(imported)
}

fn draft(
    incident: &Incident,
    path: &str,
    entries: &[(Instant, usize, &LogEntry)],
    mapping: &Mapping<'_>,
) -> Result<Draft, ImportError> {
    let started = instant(&incident.created_at, &format!("{path}.created_at"))?;
    let severity = mapping.severity(&incident.urgency, &format!("{path}.urgency"))?;
    let resolve = entries
        .iter()
        .find(|(_, _, e)| e.kind == "resolve_log_entry");
    let resolved_at = match (resolve, &incident.resolved_at) {
        (Some(&(at, _, _)), _) => Some(at),
        (None, Some(text)) => Some(instant(text, &format!("{path}.resolved_at"))?),
        (None, None) => None,
    };
    let resolved = resolved_at.is_some();
    if !resolved && incident.status.as_deref() == Some("resolved") {
        return Err(ImportError(format!(
            "{path}: the incident is resolved but neither a resolve_log_entry nor `resolved_at` says when"
        )));
    }
    let resolved_at = resolved_at.map(|at| at.max(started));
    let end = resolved_at;
    let shifts = shifts(incident, path, entries, mapping, started, end)?;
    let mut timeline = Vec::new();
    for (at, _, entry) in entries {
        if entry.kind == "annotate_log_entry" {
            let text = entry
                .channel
                .as_ref()
                .and_then(|c| c.content.clone().or_else(|| c.summary.clone()))
                .or_else(|| entry.summary.clone());
            if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                timeline.push((*at, text.trim().to_owned()));
            }
        }
    }
    for (n, note) in incident.notes.iter().enumerate() {
        let at = instant(&note.created_at, &format!("{path}.notes[{n}].created_at"))?;
        if !note.content.trim().is_empty()
            && !timeline
                .iter()
                .any(|(a, t)| *a == at && t == note.content.trim())
        {
            timeline.push((at, note.content.trim().to_owned()));
        }
    }
    timeline.sort_by_key(|(at, _)| *at);
    Ok(Draft {
        id: format!("PD-{}", incident.incident_number),
        origin: format!("PagerDuty incident {}", incident.id),
        title: incident.title.trim().to_owned(),
        severity,
        resolved,
        started_at: started,
        detected_at: None,
        resolved_at,
        summary: incident
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != incident.title.trim())
            .map(str::to_owned),
        services: incident
            .service
            .as_ref()
            .and_then(|s| s.summary.clone())
            .into_iter()
            .collect(),
        roles: if shifts.is_empty() {
            Vec::new()
        } else {
            vec![(ROLE.to_owned(), shifts)]
        },
        responders: Vec::new(),
        timeline,
        links: incident
            .html_url
            .iter()
            .map(|url| ("PagerDuty incident".to_owned(), url.clone()))
            .collect(),
    })
}

/// The incident manager's shifts: each assignment to someone new (from the
/// log's assign entries, else the incident's `assignments`), cut to the
/// incident's span, with the first acknowledgement inside each shift.
fn shifts(
    incident: &Incident,
    path: &str,
    entries: &[(Instant, usize, &LogEntry)],
    mapping: &Mapping<'_>,
    started: Instant,
    end: Option<Instant>,
) -> Result<Vec<DraftShift>, ImportError> {
    let mut assigned: Vec<(Instant, String, Option<String>)> = Vec::new();
    for (at, _, entry) in entries {
        if entry.kind == "assign_log_entry"
            && let Some(who) = entry.assignees.first().and_then(|a| person(a, mapping))
        {
            assigned.push((*at, who, entry.summary.clone()));
        }
    }
    if assigned.is_empty() {
        for (n, assignment) in incident.assignments.iter().enumerate() {
            let at = instant(&assignment.at, &format!("{path}.assignments[{n}].at"))?;
            if let Some(who) = person(&assignment.assignee, mapping) {
                assigned.push((at, who, None));
            }
        }
        assigned.sort_by_key(|(at, _, _)| *at);
    }
    let mut shifts: Vec<(Instant, DraftShift)> = Vec::new();
    for (at, owner, note) in assigned {
        let at = at.max(started);
        if end.is_some_and(|end| at > end) {
            break;
        }
        if shifts.last().is_some_and(|(_, s)| s.owner == owner) {
            continue;
        }
        // A later assignment at the same moment replaces the one before.
        if shifts.last().is_some_and(|(start, _)| *start == at) {
            shifts.pop();
        }
        let first = shifts.is_empty();
        shifts.push((
            at,
            DraftShift {
                owner,
                from: (!first || at > started).then_some(at),
                handover: if first { None } else { note },
                acknowledged_at: None,
            },
        ));
    }
    let acks: Vec<Instant> = entries
        .iter()
        .filter(|(_, _, e)| e.kind == "acknowledge_log_entry")
        .map(|(at, _, _)| *at)
        .collect();
    let starts: Vec<Instant> = shifts.iter().map(|(start, _)| *start).collect();
    for (i, (start, shift)) in shifts.iter_mut().enumerate() {
        let until = starts.get(i + 1).copied().or(end);
        shift.acknowledged_at = acks
            .iter()
            .copied()
            .find(|&ack| ack >= *start && until.is_none_or(|u| ack < u));
    }
    Ok(shifts.into_iter().map(|(_, s)| s).collect())
}

fn person(reference: &Reference, mapping: &Mapping<'_>) -> Option<String> {
    mapping
        .people
        .key(reference.summary.as_deref(), reference.email.as_deref())
        .or_else(|| reference.id.as_deref().map(super::people::slug))
}
