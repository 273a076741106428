//! `rolecall log ID TEXT`: append a timeline event.

use crate::cli::LogArgs;
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request};
use crate::error::{Error, Result};
use crate::record_edit::Editor;

pub fn run(context: &Context, args: &LogArgs) -> Result<u8> {
    if args.text.trim().is_empty() {
        return Err(Error::Usage("the event text is empty".to_owned()));
    }
    let request = Request {
        id: &args.id,
        at: args.at,
        commit: &args.commit,
        what: "the event",
    };
    authoring::run(
        context,
        &request,
        |target| {
            let mut editor = Editor::new(&target.record.source);
            authoring::log_event(&mut editor, target.record, target.at, &args.text)?;
            Ok(Edited {
                editor,
                done: format!("logged an event of {} at {}", args.id, target.at),
                subject: format!("rolecall: log {}", args.id),
                first_owner_of: None,
            })
        },
        |before, after| after.timeline.len() == before.timeline.len() + 1,
    )
}
