//! `rolecall assign ID ROLE PERSON`: give a vacant exclusive role its first
//! owner (a shift from `--at`), or add a responder for a non-exclusive role.

use crate::cli::AssignArgs;
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request, refuse};
use crate::error::Result;
use crate::model::Incident;
use crate::record_edit::{Editor, Field, NewShift, Value};

pub fn run(context: &Context, args: &AssignArgs) -> Result<u8> {
    let request = Request {
        id: &args.id,
        at: args.at,
        commit: &args.commit,
        what: "the assignment",
    };
    let exclusive = std::cell::Cell::new(true);
    authoring::run(
        context,
        &request,
        |target| {
            let def = authoring::known_role(target.workspace, &args.role)?;
            authoring::known_person(target.workspace, &args.person)?;
            exclusive.set(def.exclusive);
            let mut editor = Editor::new(&target.record.source);
            let (role, person, id, at) = (&args.role, &args.person, &args.id, target.at);
            if !def.exclusive {
                let already = target
                    .incident
                    .responders
                    .iter()
                    .any(|r| r.role.value == *role && r.person.value == *person);
                if already {
                    return Err(refuse(&format!("{person} is already {role} of {id}")));
                }
                let fields = [
                    Field::new("person", Value::Text(person.clone())),
                    Field::new("role", Value::Text(role.clone())),
                ];
                editor
                    .append_item(&["responders"], &fields)
                    .map_err(|e| authoring::edit_failed(target.record, &e))?;
                return Ok(Edited {
                    editor,
                    done: format!("added {person} to {id} as {role}"),
                    subject: format!("rolecall: add {person} to {id} as {role}"),
                    first_owner_of: None,
                });
            }
            if let Some(holder) = target.incident.role(role).and_then(|r| r.shifts.last()) {
                return Err(refuse(&format!(
                    "{role} of {id} is held by {}; `rolecall handover {id} {role} --to {person}` hands it over",
                    holder.owner.value
                )));
            }
            let shift = NewShift {
                owner: person,
                from: at,
                note: None,
            };
            editor
                .append_shift(role, &shift)
                .map_err(|e| authoring::edit_failed(target.record, &e))?;
            Ok(Edited {
                editor,
                done: format!("gave {role} of {id} to {person} from {at}"),
                subject: format!("rolecall: give {role} of {id} to {person}"),
                first_owner_of: Some(role.clone()),
            })
        },
        |before, after| {
            if exclusive.get() {
                super::handover::shift_added(before, after, &args.role, &args.person)
            } else {
                responder_added(before, after, &args.role, &args.person)
            }
        },
    )
}

fn responder_added(before: &Incident, after: &Incident, role: &str, person: &str) -> bool {
    after.responders.len() == before.responders.len() + 1
        && after
            .responders
            .last()
            .is_some_and(|r| r.role.value == role && r.person.value == person)
}
