//! `rolecall calendar`: the iCalendar feed of SPEC §10.3 on stdout.

use crate::cli::CalendarArgs;
use crate::commands::Context;
use crate::error::Result;

pub fn run(_context: &Context, _args: &CalendarArgs) -> Result<u8> {
    Err(crate::error::Error::Usage(
        "calendar is not written yet".to_owned(),
    ))
}
