//! `rolecall calendar`: the iCalendar feed of SPEC §10.3 on stdout,
//! everyone's or one person's.

use crate::calendar::{self, Audience};
use crate::cli::CalendarArgs;
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::load;
use crate::model::Incident;

pub fn run(context: &Context, args: &CalendarArgs) -> Result<u8> {
    let workspace = load::load_parsed(&context.root, context.config.as_deref())?;
    super::warn_unreadable(context, &workspace);
    if let (Some(person), Some(roster)) = (&args.person, &workspace.roster)
        && roster.get(person).is_none()
    {
        let help = crate::suggest::did_you_mean(person, roster.keys())
            .unwrap_or_else(|| "people.yaml lists the keys".to_owned());
        return Err(Error::Usage(format!(
            "--person {person}: not in the roster; {help}"
        )));
    }
    let incidents: Vec<&Incident> = workspace.incidents().map(|(_, i)| i).collect();
    let audience = Audience {
        person: args.person.as_deref(),
    };
    let events = calendar::events(
        &incidents,
        &workspace.config,
        workspace.roster.as_ref(),
        audience,
    );
    crate::print(&calendar::write(&events));
    Ok(super::status::left_out_code(&workspace))
}
