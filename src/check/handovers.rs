//! Shift lists: `handover-order`, `handover-out-of-range`,
//! `handover-to-self`, `handover-without-note`, and the acknowledgements:
//! `unacknowledged-handover` and `ack-before-handover`.

use super::{Rules, Subject};
use crate::finding::Code;

pub fn check(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let incident = subject.incident;
    let started = incident.started_at.value;
    let resolved = incident.resolved_at.as_ref().map(|r| r.value);
    for role in &incident.roles {
        let key = &role.key.value;
        let mut order_reported = false;
        for (i, shift) in role.shifts.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| &role.shifts[p]);
            match (&shift.from, previous) {
                (None, Some(_)) if !order_reported => {
                    order_reported = true;
                    subject
                        .push(
                            Code::HandoverOrder,
                            shift.pos,
                            format!("shift {} of {key} has no `from`", i + 1),
                        )
                        .help = Some(
                        "every shift after the first needs `from`: when the new owner took over"
                            .to_owned(),
                    );
                }
                (Some(from), Some(prev))
                    if !order_reported && from.value <= prev.start(incident) =>
                {
                    order_reported = true;
                    subject.push(
                        Code::HandoverOrder,
                        shift.pos,
                        format!("shift {} of {key} starts at {}, not after the shift before it ({})", i + 1, from.value, prev.start(incident)),
                    )
                    .help = Some("list shifts in time order, each starting later than the one before".to_owned());
                }
                _ => {}
            }
            if let Some(from) = &shift.from {
                let at = from.value;
                if at < started {
                    subject.push(
                        Code::HandoverOutOfRange,
                        from.pos,
                        format!(
                            "shift of {key} starts at {at}, before the incident started ({started})"
                        ),
                    );
                } else if let Some(resolved) = resolved.filter(|&r| at > r) {
                    subject.push(
                        Code::HandoverOutOfRange,
                        from.pos,
                        format!("shift of {key} starts at {at}, after the incident was resolved ({resolved})"),
                    );
                } else if resolved.is_none() && at > rules.now {
                    subject
                        .push(
                            Code::HandoverOutOfRange,
                            from.pos,
                            format!(
                                "shift of {key} starts at {at}, which is in the future (now is {})",
                                rules.now
                            ),
                        )
                        .help = Some("record a handover when it happens".to_owned());
                }
            }
            acknowledgement(rules, subject, key, shift, previous.is_some());
            let Some(prev) = previous else { continue };
            if prev.owner.value == shift.owner.value {
                subject
                    .push(
                        Code::HandoverToSelf,
                        shift.pos,
                        format!(
                            "{key} is handed from {} to {} again",
                            prev.owner.value, shift.owner.value
                        ),
                    )
                    .help = Some(
                    "a handover must go to someone else; remove this shift or change its owner"
                        .to_owned(),
                );
            }
            if shift.handover.is_none() {
                subject
                    .push(
                        Code::HandoverWithoutNote,
                        shift.pos,
                        format!("handover of {key} to {} has no note", shift.owner.value),
                    )
                    .help =
                    Some("add `handover:` saying what the outgoing owner passed on".to_owned());
            }
        }
    }
}

/// An acknowledgement comes after the shift starts; while the incident is
/// open, a handover waits at most the severity's `ack_within` for one. A
/// resolved incident's handovers are history: nobody can act on them.
fn acknowledgement(
    rules: &Rules<'_>,
    subject: &mut Subject<'_>,
    key: &str,
    shift: &crate::model::Shift,
    handed_over: bool,
) {
    let incident = subject.incident;
    let starts = shift.start(incident);
    match &shift.acknowledged_at {
        Some(acked) if acked.value < starts => {
            subject
                .push(
                    Code::AckBeforeHandover,
                    acked.pos,
                    format!(
                        "{} acknowledged {key} at {}, before the shift started ({starts})",
                        shift.owner.value, acked.value
                    ),
                )
                .help =
                Some("an acknowledgement comes after the handover; check both times".to_owned());
        }
        None if handed_over && incident.resolved_at.is_none() => {
            let Some(within) = rules
                .config
                .severity(&incident.severity.value)
                .map(|s| s.ack_within)
            else {
                return;
            };
            if rules.now.0.duration_since(starts.0) > within.0 {
                subject
                    .push(
                        Code::UnacknowledgedHandover,
                        shift.pos,
                        format!(
                            "{} has not acknowledged the handover of {key} ({starts}) within {within}",
                            shift.owner.value
                        ),
                    )
                    .help = Some(format!(
                    "add `acknowledged_at:` to the shift, or run `rolecall ack {} {key}`",
                    incident.id
                ));
            }
        }
        _ => {}
    }
}
