//! Time rules: `status-mismatch`, `time-order` (detection, mitigation and
//! resolution against the start, mitigation against resolution), `timeline-order`,
//! `update-gap`, `update-overdue`, `postmortem-due-late`,
//! `postmortem-overdue` and `action-overdue`.

use super::{Rules, Subject};
use crate::finding::Code;
use crate::model::record::{ActionStatus, PostmortemStatus};
use crate::model::{Instant, Span};
use crate::yaml::Pos;

pub fn check(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    status_and_order(subject);
    sequences(rules, subject);
    updates(rules, subject);
    postmortem(rules, subject);
    actions(rules, subject);
}

fn status_and_order(subject: &mut Subject<'_>) {
    let incident = subject.incident;
    match (&incident.resolved_at, incident.is_resolved()) {
        (None, true) => {
            subject
                .push(
                    Code::StatusMismatch,
                    incident.status.pos,
                    "status is resolved but there is no `resolved_at`",
                )
                .help =
                Some("add `resolved_at:` with the time the incident was resolved".to_owned());
        }
        (Some(at), false) => {
            subject
                .push(
                    Code::StatusMismatch,
                    at.pos,
                    format!(
                        "`resolved_at` is set but status is {}",
                        incident.status.value.as_str()
                    ),
                )
                .help = Some("set `status: resolved`, or remove `resolved_at`".to_owned());
        }
        _ => {}
    }
    let started = incident.started_at.value;
    for (key, value) in [
        ("resolved_at", &incident.resolved_at),
        ("detected_at", &incident.detected_at),
        ("mitigated_at", &incident.mitigated_at),
    ] {
        if let Some(at) = value.as_ref().filter(|at| at.value < started) {
            subject.push(
                Code::TimeOrder,
                at.pos,
                format!("`{key}` ({}) is before `started_at` ({started})", at.value),
            );
        }
    }
    if let (Some(mitigated), Some(resolved)) = (&incident.mitigated_at, &incident.resolved_at)
        && mitigated.value > resolved.value
    {
        subject
            .push(
                Code::TimeOrder,
                mitigated.pos,
                format!(
                    "`mitigated_at` ({}) is after `resolved_at` ({})",
                    mitigated.value, resolved.value
                ),
            )
            .help = Some("an incident is mitigated at the latest when it is resolved".to_owned());
    }
}

/// Timeline events and updates in time order, inside the incident's span.
fn sequences(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let incident = subject.incident;
    let start = incident.started_at.value;
    let end = subject.end(rules.now);
    let timeline = incident.timeline.iter().map(|e| (e.at.value, e.pos));
    let updates = incident.updates().iter().map(|u| (u.at.value, u.pos));
    for (what, entries) in [
        ("timeline event", timeline.collect::<Vec<_>>()),
        ("update", updates.collect()),
    ] {
        let mut previous: Option<Instant> = None;
        for (at, pos) in entries {
            if at < start || at > end {
                let edge = if at < start {
                    "before the incident started"
                } else {
                    "after the incident's end"
                };
                subject.push(
                    Code::TimelineOrder,
                    pos,
                    format!("{what} at {at} is {edge}"),
                );
            } else if let Some(prev) = previous.filter(|&p| at < p) {
                subject
                    .push(
                        Code::TimelineOrder,
                        pos,
                        format!("{what} at {at} is listed after a later one at {prev}"),
                    )
                    .help = Some("keep entries in time order".to_owned());
            }
            previous = Some(previous.map_or(at, |p| p.max(at)));
        }
    }
}

/// `update-gap` and `update-overdue`, against the cadence.
fn updates(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let incident = subject.incident;
    let Some(cadence) = incident.update_every(rules.config) else {
        return;
    };
    let mut times: Vec<(Instant, Pos)> = incident
        .updates()
        .iter()
        .map(|u| (u.at.value, u.pos))
        .collect();
    times.sort_by_key(|&(at, _)| at);
    let comms_pos = incident.pos_of("communications");
    let mut previous = incident.started_at.value;
    for &(at, pos) in &times {
        let gap = at.0.duration_since(previous.0);
        if gap > cadence.0 {
            subject
                .push(
                    Code::UpdateGap,
                    pos,
                    format!(
                        "{} between updates, longer than the cadence of {cadence}",
                        Span(gap)
                    ),
                )
                .help = Some(format!("publish an update at least every {cadence}"));
        }
        previous = previous.max(at);
    }
    if times.is_empty()
        && let Some(resolved) = &incident.resolved_at
    {
        let lasted = resolved.value.0.duration_since(incident.started_at.value.0);
        if lasted > cadence.0 {
            subject
                .push(
                    Code::UpdateGap,
                    comms_pos,
                    format!(
                        "no update was recorded in {}, longer than the cadence of {cadence}",
                        Span(lasted)
                    ),
                )
                .help = Some(
                "record the updates that were published under `communications.updates`".to_owned(),
            );
        }
    }
    if let Some(due) = incident.next_update_due(rules.config)
        && due < rules.now
    {
        // Without `communications`, the open `status` is what makes an
        // update due: line 1 may be only a comment (`new` writes one).
        let pos = if incident.communications.is_some() {
            comms_pos
        } else {
            incident.status.pos
        };
        subject
            .push(
                Code::UpdateOverdue,
                pos,
                format!("the next update was due at {due}"),
            )
            .help = Some(format!(
            "publish an update and record it under `communications.updates` (cadence {cadence})"
        ));
    }
}

fn postmortem(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let incident = subject.incident;
    let limit = incident.default_postmortem_due(rules.config);
    let due_key = incident.postmortem.as_ref().and_then(|p| p.due.as_ref());
    if let (Some(limit), Some(due)) = (limit, due_key)
        && due.value > limit
    {
        subject
            .push(
                Code::PostmortemDueLate,
                due.pos,
                format!(
                    "postmortem due {} is later than the {} limit of {limit}",
                    due.value, incident.severity.value
                ),
            )
            .help = Some(format!("hold the postmortem by {limit}"));
    }
    if !incident.is_resolved() {
        return;
    }
    let done = incident
        .postmortem
        .as_ref()
        .and_then(|p| p.status.as_ref())
        .is_some_and(|s| s.value == PostmortemStatus::Done);
    if let (false, Some(due)) = (done, incident.postmortem_due(rules.config))
        && rules.now.utc_date() > due.0
    {
        subject
            .push(
                Code::PostmortemOverdue,
                incident.pos_of("postmortem"),
                format!("the postmortem was due on {due}"),
            )
            .help = Some("hold the postmortem and set `postmortem.status: done`".to_owned());
    }
}

fn actions(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let today = rules.now.utc_date();
    for action in &subject.incident.actions {
        let Some(due) = &action.due else { continue };
        if action.status == ActionStatus::Open && today > due.value.0 {
            subject
                .push(
                    Code::ActionOverdue,
                    action.pos,
                    format!("action \"{}\" was due on {}", action.title, due.value),
                )
                .help =
                Some("finish it and set `status: done`, or agree a new `due` date".to_owned());
        }
    }
}
