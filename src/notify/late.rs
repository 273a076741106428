//! What is late at a moment, as events: the findings `check` reports at
//! that moment about vacant required roles (`missing-owner`), overdue
//! updates, postmortems and actions, one event each.

use super::{Event, Kind, Setting};
use crate::finding::{Code, Finding};
use crate::model::Incident;

/// The finding codes that mean something is late, and the event kind each
/// becomes.
const LATE: &[(Code, Kind)] = &[
    (Code::MissingOwner, Kind::RoleVacant),
    (Code::UpdateOverdue, Kind::UpdateOverdue),
    (Code::PostmortemOverdue, Kind::PostmortemOverdue),
    (Code::ActionOverdue, Kind::ActionOverdue),
];

/// One event per lateness finding about one of `records` (each a record's
/// file and its incident), in the findings' order. The ids depend on the
/// setting's now, so each scheduled run reminds again while the same run
/// repeated gives the same ids.
pub fn late(
    records: &[(&str, &Incident)],
    findings: &[Finding],
    setting: &Setting<'_>,
) -> Vec<Event> {
    let now = setting.now.to_string();
    findings
        .iter()
        .filter_map(|finding| {
            let &(_, kind) = LATE.iter().find(|(code, _)| *code == finding.code)?;
            let &(_, incident) = records.iter().find(|(file, _)| *file == finding.file)?;
            let mut event = setting.event(incident, kind, &[&finding.message, &now]);
            event.text = format!("{}: {}", incident.id, finding.message);
            Some(event)
        })
        .collect()
}
