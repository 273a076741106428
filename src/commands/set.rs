//! `rolecall set ID --status S | --severity S`: change the status or the
//! severity in place and log the change as a timeline event.

use crate::cli::SetArgs;
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request, refuse};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::record_edit::{Editor, Field, Value};

pub fn run(context: &Context, args: &SetArgs) -> Result<u8> {
    let (key, word) = match (&args.status, &args.severity) {
        (Some(status), None) => ("status", status),
        (None, Some(severity)) => ("severity", severity),
        _ => {
            return Err(Error::Usage(
                "give one of --status and --severity".to_owned(),
            ));
        }
    };
    if key == "status" {
        authoring::one_of("--status", word, Status::NAMES.iter().copied())?;
        if word == Status::Resolved.as_str() {
            return Err(Error::Usage(
                "--status resolved: use `rolecall resolve`, which also sets `resolved_at`"
                    .to_owned(),
            ));
        }
    }
    let request = Request {
        id: &args.id,
        at: args.at,
        commit: &args.commit,
        what: "the change",
    };
    authoring::run(
        context,
        &request,
        |target| {
            let old = if key == "status" {
                target.incident.status.value.as_str().to_owned()
            } else {
                let config = &target.workspace.config;
                authoring::one_of(
                    "--severity",
                    word,
                    config.severities.keys().map(String::as_str),
                )?;
                target.incident.severity.value.clone()
            };
            if old == *word {
                return Err(refuse(&format!(
                    "the {key} of {} is already {word}",
                    args.id
                )));
            }
            let mut editor = Editor::new(&target.record.source);
            editor
                .set(&[], &Field::new(key, Value::Text(word.clone())), &[])
                .map_err(|e| authoring::edit_failed(target.record, &e))?;
            let event = format!("{} changed from {old} to {word}.", capitalised(key));
            authoring::log_event(&mut editor, target.record, target.at, &event)?;
            Ok(Edited {
                editor,
                done: format!("changed the {key} of {} from {old} to {word}", args.id),
                subject: format!("rolecall: set the {key} of {} to {word}", args.id),
                first_owner_of: None,
            })
        },
        |_, after| match key {
            "status" => after.status.value.as_str() == word,
            _ => after.severity.value == *word,
        },
    )
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
