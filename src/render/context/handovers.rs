//! Handovers as templates see them: one per shift after the first,
//! numbered in time order, with the incident as it stood at that moment.

use serde::Serialize;

use super::roles::{RoleRef, role_ref};
use super::{EventView, UpdateView, ts, update_view};
use crate::model::{Config, Incident, Instant, Shift};

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

/// Every handover (a shift after the first), numbered in time order.
pub(super) fn handovers(incident: &Incident, config: &Config) -> Vec<HandoverView> {
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

pub(super) fn state_at(incident: &Incident, at: Instant) -> HandoverState {
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
