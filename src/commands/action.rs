//! `rolecall action add ID TITLE --owner P …` and `rolecall action done ID N`:
//! add an action item, or mark the N-th one done.

use crate::cli::{ActionAddArgs, ActionCommand, ActionDoneArgs};
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request, refuse};
use crate::error::{Error, Result};
use crate::model::Day;
use crate::model::record::{ActionStatus, Priority};
use crate::record_edit::{Editor, Field, Step, Value};

pub fn run(context: &Context, command: &ActionCommand) -> Result<u8> {
    match command {
        ActionCommand::Add(args) => add(context, args),
        ActionCommand::Done(args) => done(context, args),
    }
}

fn add(context: &Context, args: &ActionAddArgs) -> Result<u8> {
    if args.title.trim().is_empty() {
        return Err(Error::Usage("the title is empty".to_owned()));
    }
    let due = args
        .due
        .as_deref()
        .map(|text| {
            Day::parse(text).map_err(|(message, help)| {
                Error::Usage(format!(
                    "--due {text}: {message}{}",
                    help.map(|h| format!("; {h}")).unwrap_or_default()
                ))
            })
        })
        .transpose()?;
    if let Some(priority) = &args.priority {
        authoring::one_of("--priority", priority, Priority::NAMES.iter().copied())?;
    }
    let request = Request {
        id: &args.id,
        at: None,
        commit: &args.commit,
        what: "the action item",
    };
    authoring::run(
        context,
        &request,
        |target| {
            authoring::known_person(target.workspace, &args.owner)?;
            let mut fields = vec![
                Field::new("title", Value::Text(args.title.clone())),
                Field::new("owner", Value::Text(args.owner.clone())),
            ];
            if let Some(due) = due {
                fields.push(Field::new("due", Value::Raw(due.to_string())));
            }
            fields.push(Field::new("status", Value::Raw("open".to_owned())));
            if let Some(priority) = &args.priority {
                fields.push(Field::new("priority", Value::Raw(priority.clone())));
            }
            if let Some(link) = &args.link {
                fields.push(Field::new("link", Value::Text(link.clone())));
            }
            let mut editor = Editor::new(&target.record.source);
            editor
                .append_item(&["actions"], &fields)
                .map_err(|e| authoring::edit_failed(target.record, &e))?;
            let number = target.incident.actions.len() + 1;
            Ok(Edited {
                editor,
                done: format!("added action {number} of {}: {}", args.id, args.title),
                subject: format!("rolecall: add action {number} to {}", args.id),
                first_owner_of: None,
            })
        },
        |before, after| after.actions.len() == before.actions.len() + 1,
    )
}

fn done(context: &Context, args: &ActionDoneArgs) -> Result<u8> {
    let request = Request {
        id: &args.id,
        at: None,
        commit: &args.commit,
        what: "marking the action done",
    };
    let (id, n) = (&args.id, args.number);
    authoring::run(
        context,
        &request,
        |target| {
            let actions = &target.incident.actions;
            let Some(action) = n.checked_sub(1).and_then(|i| actions.get(i)) else {
                return Err(Error::Usage(format!(
                    "{id} has {}; N counts from 1 (`rolecall actions` lists them)",
                    crate::report::plural(actions.len(), "action item")
                )));
            };
            if action.status == ActionStatus::Done {
                return Err(refuse(&format!("action {n} of {id} is already done")));
            }
            let mut editor = Editor::new(&target.record.source);
            let field = Field::new("status", Value::Raw("done".to_owned()));
            editor
                .set(
                    &[Step::Key("actions"), Step::Item(n - 1)],
                    &field,
                    &["due", "owner"],
                )
                .map_err(|e| authoring::edit_failed(target.record, &e))?;
            Ok(Edited {
                editor,
                done: format!("marked action {n} of {id} done: {}", action.title),
                subject: format!("rolecall: action {n} of {id} done"),
                first_owner_of: None,
            })
        },
        |_, after| {
            after
                .actions
                .get(n - 1)
                .is_some_and(|a| a.status == ActionStatus::Done)
        },
    )
}
