//! `rolecall ack ID ROLE`: the incoming owner confirms a handover;
//! `acknowledged_at` goes on the role's latest shift.

use crate::cli::AckArgs;
use crate::commands::Context;
use crate::commands::authoring::{self, Edited, Request, refuse};
use crate::error::{Error, Result};
use crate::record_edit::{Editor, Field, Step, Value};

pub fn run(context: &Context, args: &AckArgs) -> Result<u8> {
    let request = Request {
        id: &args.id,
        at: args.at,
        commit: &args.commit,
        what: "the acknowledgement",
    };
    authoring::run(
        context,
        &request,
        |target| {
            let def = authoring::known_role(target.workspace, &args.role)?;
            if !def.exclusive {
                return Err(Error::Usage(format!(
                    "`{}` is not an exclusive role; only handovers of exclusive roles are acknowledged",
                    args.role
                )));
            }
            let (role, id) = (&args.role, &args.id);
            let shifts = target
                .incident
                .role(role)
                .map_or(&[][..], |r| &r.shifts[..]);
            let Some(latest) = shifts.last().filter(|_| shifts.len() > 1) else {
                return Err(refuse(&format!(
                    "{role} of {id} has not been handed over; there is no handover to acknowledge"
                )));
            };
            if let Some(acked) = &latest.acknowledged_at {
                return Err(refuse(&format!(
                    "{} acknowledged {role} of {id} at {} already",
                    latest.owner.value, acked.value
                )));
            }
            let mut editor = Editor::new(&target.record.source);
            let field = Field::new("acknowledged_at", Value::Raw(target.at.to_string()));
            editor
                .set(
                    &[Step::Key("roles"), Step::Key(role), Step::Last],
                    &field,
                    &[],
                )
                .map_err(|e| authoring::edit_failed(target.record, &e))?;
            Ok(Edited {
                editor,
                done: format!(
                    "{} acknowledged {role} of {id} at {}",
                    latest.owner.value, target.at
                ),
                subject: format!("rolecall: acknowledge {role} of {id}"),
                first_owner_of: None,
            })
        },
        |_, after| {
            after
                .role(&args.role)
                .and_then(|r| r.shifts.last())
                .is_some_and(|s| s.acknowledged_at.is_some())
        },
    )
}
