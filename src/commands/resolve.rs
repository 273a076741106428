//! `rolecall resolve ID`: `status: resolved`, `resolved_at` and a timeline
//! event, in one edit.

use crate::cli::ResolveArgs;
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request, refuse};
use crate::error::Result;
use crate::model::Status;
use crate::record_edit::{Editor, Field, Value};

pub fn run(context: &Context, args: &ResolveArgs) -> Result<u8> {
    let request = Request {
        id: &args.id,
        at: args.at,
        commit: &args.commit,
        what: "resolving",
    };
    authoring::run(
        context,
        &request,
        |target| {
            if target.incident.status.value == Status::Resolved {
                return Err(refuse(&format!("{} is already resolved", args.id)));
            }
            let at = target.at.to_string();
            let mut editor = Editor::new(&target.record.source);
            let fail = |e| authoring::edit_failed(target.record, &e);
            editor
                .set(
                    &[],
                    &Field::new("status", Value::Raw("resolved".to_owned())),
                    &[],
                )
                .map_err(fail)?;
            editor
                .set(
                    &[],
                    &Field::new("resolved_at", Value::Raw(at.clone())),
                    &["mitigated_at", "detected_at", "started_at"],
                )
                .map_err(fail)?;
            let event = args.event.as_deref().unwrap_or("Incident resolved.");
            authoring::log_event(&mut editor, target.record, target.at, event)?;
            Ok(Edited {
                editor,
                done: format!("resolved {} at {at}", args.id),
                subject: format!("rolecall: resolve {}", args.id),
                first_owner_of: None,
            })
        },
        |_, after| after.status.value == Status::Resolved && after.resolved_at.is_some(),
    )
}
