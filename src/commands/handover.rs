//! `rolecall handover ID ROLE --to PERSON`: append a shift to the record
//! (changing only that role's bytes), re-check it, render the incident's
//! documents, and commit record and documents together.

use crate::cli::HandoverArgs;
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request};
use crate::error::Result;
use crate::model::Incident;
use crate::record_edit::{Editor, NewShift};

pub fn run(context: &Context, args: &HandoverArgs) -> Result<u8> {
    let request = Request {
        id: &args.id,
        at: args.at,
        commit: &args.commit,
        what: "the handover",
    };
    authoring::run(
        context,
        &request,
        |target| {
            super::validate_assignment(target.workspace, &args.role, &args.to)?;
            let mut editor = Editor::new(&target.record.source);
            let shift = NewShift {
                owner: &args.to,
                from: target.at,
                note: args.note.as_deref(),
            };
            editor
                .append_shift(&args.role, &shift)
                .map_err(|e| authoring::edit_failed(target.record, &e))?;
            let from = target
                .incident
                .role(&args.role)
                .and_then(|r| r.shifts.last())
                .map(|s| s.owner.value.clone());
            let at = target.at;
            let done = match from {
                Some(from) => format!(
                    "handed {} of {} from {from} to {} at {at}",
                    args.role, args.id, args.to
                ),
                None => format!("gave {} of {} to {} from {at}", args.role, args.id, args.to),
            };
            Ok(Edited {
                editor,
                done,
                subject: format!("rolecall: hand {} of {} to {}", args.role, args.id, args.to),
                first_owner_of: Some(args.role.clone()),
            })
        },
        |before, after| shift_added(before, after, &args.role, &args.to),
    )
}

/// Re-reading the edited text must show exactly one more shift, the new one.
pub(super) fn shift_added(before: &Incident, after: &Incident, role: &str, to: &str) -> bool {
    let count = |i: &Incident| i.role(role).map_or(0, |r| r.shifts.len());
    let last = after
        .role(role)
        .and_then(|r| r.shifts.last())
        .map(|s| s.owner.value.as_str());
    count(after) == count(before) + 1 && last == Some(to)
}
