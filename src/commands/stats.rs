//! `rolecall stats`: how the team is doing, from the records (SPEC §10.2):
//! load, select, compute, print in the format asked for.

use crate::cli::{StatsArgs, StatsFormat, StatsSheet};
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::insights::{self, Selection, sheet};
use crate::load;
use crate::model::{Incident, Instant};

pub fn run(context: &Context, args: &StatsArgs) -> Result<u8> {
    let workspace = load::load_parsed(&context.root, context.config.as_deref())?;
    super::warn_unreadable(context, &workspace);
    let config = &workspace.config;
    for severity in &args.severity {
        if config.severity(severity).is_none() {
            let help = super::severity_help(config, severity);
            return Err(Error::Usage(format!(
                "--severity {severity}: no such severity; {help}"
            )));
        }
    }
    if args.by == StatsSheet::Person && args.format != StatsFormat::Csv {
        return Err(Error::Usage(
            "--by chooses the sheet of --format csv; the other formats show groups and people together".to_owned(),
        ));
    }
    warn_unknown_services(context, &workspace, &args.service);
    let now = args.now.unwrap_or_else(|| Instant(jiff::Timestamp::now()));
    let selection = Selection {
        since: args.since,
        until: args.until,
        severities: args.severity.clone(),
        services: args.service.clone(),
        resolved_only: false,
    };
    let incidents: Vec<&Incident> = workspace
        .incidents()
        .map(|(_, incident)| incident)
        .filter(|incident| selection.includes(incident))
        .collect();
    let insights = insights::compute(&incidents, config, workspace.roster.as_ref(), Some(now));
    let text = match (args.format, args.by) {
        (StatsFormat::Human, _) => sheet::human(&insights, context.output.color),
        (StatsFormat::Json, _) => {
            let mut text = serde_json::to_string_pretty(&insights).unwrap_or_default();
            text.push('\n');
            text
        }
        (StatsFormat::Csv, StatsSheet::Group) => sheet::csv_by_group(&insights),
        (StatsFormat::Csv, StatsSheet::Person) => sheet::csv_by_person(&insights),
        (StatsFormat::Markdown, _) => {
            let templates = crate::render::templates::Templates::load(
                &workspace.root,
                &config.templates,
                workspace.roster.as_ref(),
            )
            .map_err(|e| Error::Content(e.to_string()))?;
            let base = crate::render::base_context(&workspace);
            crate::render::insights_markdown(&templates, &base, &insights, "")
                .map_err(|e| Error::Content(e.to_string()))?
        }
    };
    crate::print(&text);
    Ok(super::status::left_out_code(&workspace))
}

/// Says on stderr when a `--service` is named by no record (a typo gives
/// an empty report, which is not an error), with a did-you-mean.
fn warn_unknown_services(context: &Context, workspace: &load::Workspace, asked: &[String]) {
    let known: std::collections::BTreeSet<&str> = workspace
        .incidents()
        .flat_map(|(_, incident)| incident.services.iter().map(String::as_str))
        .collect();
    for service in asked.iter().filter(|s| !known.contains(s.as_str())) {
        let help = crate::suggest::did_you_mean(service, known.iter().copied())
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        if !context.output.quiet {
            eprintln!("warning: no record names the service `{service}`{help}");
        }
    }
}
