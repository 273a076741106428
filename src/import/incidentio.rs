//! An incident.io v2 export, `{"incidents": [...]}` as `GET
//! /v2/incidents` lists them. Each incident becomes a record named by its
//! `reference` (`INC-123`): the lead role as the incident manager, other
//! roles whose name matches a catalogue key (`Communications manager` →
//! `communications_manager`), the severity name mapped to a severity, the
//! `Resolved` (else `Closed`) timestamp as `resolved_at`. The v2 list gives
//! each role's current holder only, so each role is one shift.

use serde::Deserialize;

use super::{Draft, DraftShift, ImportError, Imported, Mapping, instant, parse, people};
use crate::model::Instant;

#[derive(Deserialize)]
struct Export {
    incidents: Vec<Incident>,
}

#[derive(Deserialize)]
#[allow(clippy::struct_field_names)] // the names of the API
struct Incident {
    id: String,
    reference: String,
    name: String,
    created_at: String,
    incident_status: IncidentStatus,
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    incident_role_assignments: Vec<RoleAssignment>,
    #[serde(default)]
    incident_timestamp_values: Vec<TimestampValue>,
    #[serde(default)]
    permalink: Option<String>,
}

#[derive(Deserialize)]
struct IncidentStatus {
    category: String,
}

#[derive(Deserialize)]
struct Severity {
    name: String,
}

#[derive(Deserialize)]
struct RoleAssignment {
    role: Role,
    #[serde(default)]
    assignee: Option<User>,
}

#[derive(Deserialize)]
struct Role {
    name: String,
    #[serde(default, rename = "role_type")]
    kind: Option<String>,
    #[serde(default)]
    shortform: Option<String>,
}

#[derive(Deserialize)]
struct User {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct TimestampValue {
    incident_timestamp: Timestamp,
    #[serde(default)]
    value: Option<Value>,
}

#[derive(Deserialize)]
struct Timestamp {
    name: String,
}

#[derive(Deserialize)]
struct Value {
    #[serde(default)]
    value: Option<String>,
}

/// Status categories that are not incidents to keep.
const LEFT_OUT: &[&str] = &["declined", "canceled", "cancelled", "merged"];
/// Status categories of a resolved incident.
const RESOLVED: &[&str] = &["learning", "closed", "post-incident", "resolved"];

pub fn import(bytes: &[u8], mapping: &Mapping<'_>) -> Result<Imported, ImportError> {
    let export: Export = parse(bytes)?;
    let mut imported = Imported::default();
    for (index, incident) in export.incidents.iter().enumerate() {
        let path = format!("incidents[{index}]");
        let category = incident.incident_status.category.to_lowercase();
        if LEFT_OUT.contains(&category.as_str()) {
            imported
                .notes
                .push(format!("left out {} ({category})", incident.reference));
            continue;
        }
        imported.drafts.push(draft(
            incident,
            &path,
            &category,
            mapping,
            &mut imported.notes,
        )?);
    }
    Ok(imported)
}

fn draft(
    incident: &Incident,
    path: &str,
    category: &str,
    mapping: &Mapping<'_>,
    notes: &mut Vec<String>,
) -> Result<Draft, ImportError> {
    let created = instant(&incident.created_at, &format!("{path}.created_at"))?;
    let timestamp = |wanted: &[&str]| -> Result<Option<Instant>, ImportError> {
        for (n, value) in incident.incident_timestamp_values.iter().enumerate() {
            let name = value.incident_timestamp.name.to_lowercase();
            let text = value.value.as_ref().and_then(|v| v.value.as_deref());
            if let Some(text) = text.filter(|_| wanted.iter().any(|w| name.starts_with(w))) {
                let at_path = format!("{path}.incident_timestamp_values[{n}].value.value");
                return instant(text, &at_path).map(Some);
            }
        }
        Ok(None)
    };
    let impact = timestamp(&["impact started"])?;
    let started = impact.map_or(created, |at| at.min(created));
    let detected_at = (started < created).then_some(created);
    let resolved = RESOLVED.contains(&category);
    let resolved_at = if resolved {
        let at = timestamp(&["resolved"])?
            .or(timestamp(&["closed"])?)
            .ok_or_else(|| {
                ImportError(format!(
                    "{path}.incident_timestamp_values: the incident is {category} but has no `Resolved` or `Closed` timestamp"
                ))
            })?;
        Some(at.max(started))
    } else {
        None
    };
    let severity_name = incident
        .severity
        .as_ref()
        .map(|s| s.name.as_str())
        .ok_or_else(|| ImportError(format!("{path}: missing field `severity`")))?;
    let severity = mapping.severity(severity_name, &format!("{path}.severity.name"))?;
    let mut roles = Vec::new();
    let mut responders = Vec::new();
    for assignment in &incident.incident_role_assignments {
        let Some(user) = &assignment.assignee else {
            continue;
        };
        let Some(owner) = mapping
            .people
            .key(user.name.as_deref(), user.email.as_deref())
        else {
            continue;
        };
        let Some(key) = role_key(&assignment.role, mapping) else {
            notes.push(format!(
                "{}: role `{}` is not in the catalogue; left out",
                incident.reference, assignment.role.name
            ));
            continue;
        };
        let exclusive = mapping.config.role(&key).is_some_and(|r| r.exclusive);
        if exclusive {
            if !roles
                .iter()
                .any(|(k, _): &(String, Vec<DraftShift>)| *k == key)
            {
                roles.push((
                    key,
                    vec![DraftShift {
                        owner,
                        from: None,
                        handover: None,
                        acknowledged_at: None,
                    }],
                ));
            }
        } else {
            responders.push((owner, key));
        }
    }
    Ok(Draft {
        id: incident.reference.trim().to_owned(),
        origin: format!("incident.io incident {}", incident.id),
        title: incident.name.trim().to_owned(),
        severity,
        resolved,
        started_at: started,
        detected_at,
        resolved_at,
        summary: incident
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        services: Vec::new(),
        roles,
        responders,
        timeline: Vec::new(),
        links: incident
            .permalink
            .iter()
            .map(|url| ("incident.io incident".to_owned(), url.clone()))
            .collect(),
    })
}

/// The catalogue key for an incident.io role: the lead is the incident
/// manager; others by their name or shortform written as a key.
fn role_key(role: &Role, mapping: &Mapping<'_>) -> Option<String> {
    if role.kind.as_deref() == Some("lead") {
        return Some("incident_manager".to_owned());
    }
    [Some(role.name.as_str()), role.shortform.as_deref()]
        .into_iter()
        .flatten()
        .map(|name| people::slug(name).replace('-', "_"))
        .find(|key| mapping.config.role(key).is_some())
}
