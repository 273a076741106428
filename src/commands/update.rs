//! `rolecall update ID --summary TEXT [--channel C]`: append a
//! communications update.

use crate::cli::UpdateArgs;
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request};
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::record_edit::{Editor, Field, Value};

pub fn run(context: &Context, args: &UpdateArgs) -> Result<u8> {
    if args.summary.trim().is_empty() {
        return Err(Error::Usage("--summary: the summary is empty".to_owned()));
    }
    let request = Request {
        id: &args.id,
        at: args.at,
        commit: &args.commit,
        what: "the update",
    };
    authoring::run(
        context,
        &request,
        |target| {
            let mut fields = vec![Field::new("at", Value::Raw(target.at.to_string()))];
            if let Some(channel) = &args.channel {
                fields.push(Field::new("channel", Value::Text(channel.clone())));
            }
            fields.push(Field::new("summary", Value::Text(args.summary.clone())));
            let mut editor = Editor::new(&target.record.source);
            editor
                .append_item(&["communications", "updates"], &fields)
                .map_err(|e| authoring::edit_failed(target.record, &e))?;
            Ok(Edited {
                editor,
                done: format!("recorded an update of {} at {}", args.id, target.at),
                subject: format!("rolecall: update {}", args.id),
                first_owner_of: None,
            })
        },
        |before, after| {
            let updates = |i: &Incident| i.communications.as_ref().map_or(0, |c| c.updates.len());
            updates(after) == updates(before) + 1
        },
    )
}
