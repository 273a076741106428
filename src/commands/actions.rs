//! `rolecall actions`: every action item across incidents, as a table,
//! JSON, or CSV for pasting into a tracker.

use serde::Serialize;

use crate::cli::{ActionsArgs, ActionsFormat};
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::load::{self, Workspace};
use crate::model::record::{ActionStatus, Priority};
use crate::suggest;
use crate::table::Table;

/// One action item, as `--format json` and `csv` give it.
#[derive(Serialize)]
struct ActionRow {
    incident: String,
    title: String,
    owner: Option<String>,
    due: Option<String>,
    status: &'static str,
    priority: Option<&'static str>,
    link: Option<String>,
}

const COLUMNS: [&str; 7] = [
    "incident", "title", "owner", "due", "status", "priority", "link",
];

pub fn run(context: &Context, args: &ActionsArgs) -> Result<u8> {
    let workspace = load::load_parsed(&context.root, context.config.as_deref())?;
    if let Some(owner) = &args.owner {
        known_owner(&workspace, owner)?;
    }
    super::warn_unreadable(context, &workspace);
    let mut rows = Vec::new();
    for (_, incident) in workspace.incidents() {
        for action in &incident.actions {
            let open = action.status == ActionStatus::Open;
            let owner = action.owner.as_ref().map(|o| o.value.clone());
            if (args.open && !open)
                || args
                    .owner
                    .as_ref()
                    .is_some_and(|w| owner.as_ref() != Some(w))
            {
                continue;
            }
            rows.push(ActionRow {
                incident: incident.id.clone(),
                title: action.title.clone(),
                owner,
                due: action.due.as_ref().map(|d| d.value.to_string()),
                status: action.status.as_str(),
                priority: action.priority.map(Priority::as_str),
                link: action.link.clone(),
            });
        }
    }
    let text = match args.format {
        ActionsFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "actions": rows }))
                    .unwrap_or_default();
            text.push('\n');
            text
        }
        ActionsFormat::Csv => csv(&rows),
        ActionsFormat::Table => {
            let mut table = Table::new(&[
                "INCIDENT", "TITLE", "OWNER", "DUE", "STATUS", "PRIORITY", "LINK",
            ]);
            for row in &rows {
                let cells: Vec<String> = fields(row)
                    .into_iter()
                    .map(|f| if f.is_empty() { "-".to_owned() } else { f })
                    .collect();
                table.row(&cells);
            }
            table.render(context.output.color)
        }
    };
    crate::print(&text);
    Ok(super::status::left_out_code(&workspace))
}

/// `--owner` must name someone in the roster (when there is one) or the
/// owner of some action, so a typo is not mistaken for "no actions".
fn known_owner(workspace: &Workspace, owner: &str) -> Result<()> {
    let Some(roster) = &workspace.roster else {
        return Ok(());
    };
    let owners: Vec<&str> = workspace
        .incidents()
        .flat_map(|(_, incident)| {
            incident
                .actions
                .iter()
                .filter_map(|a| a.owner.as_ref().map(|o| o.value.as_str()))
        })
        .collect();
    if roster.get(owner).is_some() || owners.contains(&owner) {
        return Ok(());
    }
    let help = suggest::did_you_mean(owner, roster.keys().chain(owners.iter().copied()))
        .unwrap_or_else(|| "`people.yaml` lists who can own actions".to_owned());
    Err(Error::Usage(format!(
        "--owner {owner}: not in the roster; {help}"
    )))
}

fn fields(row: &ActionRow) -> Vec<String> {
    vec![
        row.incident.clone(),
        row.title.clone(),
        row.owner.clone().unwrap_or_default(),
        row.due.clone().unwrap_or_default(),
        row.status.to_owned(),
        row.priority.unwrap_or_default().to_owned(),
        row.link.clone().unwrap_or_default(),
    ]
}

/// RFC 4180 CSV: a header line, CRLF line ends, fields with a comma,
/// quote or line break quoted, quotes doubled.
fn csv(rows: &[ActionRow]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for row in rows {
        let line: Vec<String> = fields(row).iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
