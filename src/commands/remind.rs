//! `rolecall remind`: what is late at now (vacant required roles, overdue
//! updates, postmortems and actions, as `check` finds them at that moment),
//! posted the way `notify` posts; exit 1 when something is late.

use crate::check;
use crate::cli::RemindArgs;
use crate::commands::Context;
use crate::commands::notify::{Delivery, deliver};
use crate::error::Result;
use crate::load;
use crate::model::{Incident, Instant};
use crate::notify::{self, Setting};

pub fn run(context: &Context, args: &RemindArgs) -> Result<u8> {
    let delivery = Delivery::new(&args.send);
    let now = args.now.unwrap_or_else(|| Instant(jiff::Timestamp::now()));
    let workspace = load::load_parsed(&context.root, context.config.as_deref())?;
    super::warn_unreadable(context, &workspace);
    let findings = check::run(&workspace, now);
    let records: Vec<(&str, &Incident)> = workspace
        .incidents()
        .map(|(r, i)| (r.path.as_str(), i))
        .collect();
    let setting = Setting {
        config: &workspace.config,
        roster: workspace.roster.as_ref(),
        now,
        docs_url: delivery.docs_url.as_deref(),
    };
    let events = notify::late(&records, &findings, &setting);
    if events.is_empty() {
        if !delivery.dry_run {
            context.output.say("nothing is late");
        }
        return Ok(0);
    }
    deliver(context, &delivery, &events, &setting)?;
    Ok(1)
}
