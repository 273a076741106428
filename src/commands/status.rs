//! `rolecall status`: every incident at a glance — who holds the required
//! roles, when the next update is due, the postmortem, open actions.

use serde::Serialize;

use crate::cli::{StatusArgs, TableFormat};
use crate::commands::Context;
use crate::error::Result;
use crate::load::{self, Workspace};
use crate::model::record::ActionStatus;
use crate::model::{Incident, Instant};
use crate::table::Table;

/// One row of `status --format json`.
#[derive(Serialize)]
struct Row {
    id: String,
    file: String,
    title: String,
    severity: String,
    status: &'static str,
    started_at: String,
    resolved_at: Option<String>,
    /// Open: seconds since the start; resolved: how long it lasted.
    age_seconds: i64,
    roles: Vec<RoleCell>,
    next_update_due: Option<String>,
    update_overdue: bool,
    postmortem_due: Option<String>,
    postmortem_status: Option<&'static str>,
    postmortem_overdue: bool,
    open_actions: usize,
}

#[derive(Serialize)]
struct RoleCell {
    role: String,
    owner: Option<String>,
    vacant: bool,
}

pub fn run(context: &Context, args: &StatusArgs) -> Result<u8> {
    let workspace = load::load_parsed(&context.root, context.config.as_deref())?;
    let now = args.now.unwrap_or_else(|| Instant(jiff::Timestamp::now()));
    super::warn_unreadable(context, &workspace);
    let mut rows: Vec<Row> = workspace
        .incidents()
        .filter(|(_, i)| !args.open || !i.is_resolved())
        .map(|(record, incident)| row(&workspace, &record.path, incident, now))
        .collect();
    rows.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    let text = match args.format {
        TableFormat::Json => {
            let doc =
                serde_json::json!({ "version": 1, "now": now.to_string(), "incidents": rows });
            let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            text.push('\n');
            text
        }
        TableFormat::Table => table(&rows).render(context.output.color),
    };
    crate::print(&text);
    Ok(left_out_code(&workspace))
}

/// 1 when some records could not be read (they are missing from the
/// output, and `warn_unreadable` said so), 0 otherwise.
pub(super) fn left_out_code(workspace: &Workspace) -> u8 {
    u8::from(workspace.setup_failed || workspace.records.iter().any(|r| r.incident.is_none()))
}

fn row(workspace: &Workspace, file: &str, incident: &Incident, now: Instant) -> Row {
    let config = &workspace.config;
    let end = incident
        .resolved_at
        .as_ref()
        .filter(|_| incident.is_resolved())
        .map_or(now, |r| r.value);
    let required = config
        .severity(&incident.severity)
        .map(|s| s.required_roles.clone())
        .unwrap_or_default();
    let roles = required
        .iter()
        .filter(|key| {
            config
                .role(key)
                .is_some_and(|d| incident.required_since(d.required_from).is_some())
        })
        .map(|key| {
            let owner = incident
                .role(key)
                .and_then(|r| r.shifts.last())
                .map(|s| s.owner.value.clone());
            RoleCell {
                role: key.value.clone(),
                vacant: owner.is_none(),
                owner,
            }
        })
        .collect();
    let next_update = incident.next_update_due(config);
    let postmortem_status = incident
        .postmortem
        .as_ref()
        .and_then(|p| p.status.as_ref())
        .map(|s| s.value.as_str());
    let postmortem_due = incident.postmortem_due(config);
    Row {
        id: incident.id.clone(),
        file: file.to_owned(),
        title: incident.title.value.clone(),
        severity: incident.severity.value.clone(),
        status: incident.status.value.as_str(),
        started_at: incident.started_at.value.to_string(),
        resolved_at: incident.resolved_at.as_ref().map(|r| r.value.to_string()),
        age_seconds: end.0.duration_since(incident.started_at.value.0).as_secs(),
        roles,
        update_overdue: next_update.is_some_and(|due| due < now),
        next_update_due: next_update.map(|d| d.to_string()),
        postmortem_overdue: incident.is_resolved()
            && postmortem_status != Some("done")
            && postmortem_due.is_some_and(|due| now.utc_date() > due.0),
        postmortem_due: postmortem_due.map(|d| d.to_string()),
        postmortem_status,
        open_actions: incident
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Open)
            .count(),
    }
}

fn table(rows: &[Row]) -> Table {
    let mut table = Table::new(&[
        "ID",
        "SEV",
        "STATUS",
        "AGE",
        "ROLES",
        "NEXT UPDATE",
        "POSTMORTEM",
        "OPEN ACTIONS",
    ]);
    for row in rows {
        let roles: Vec<String> = row
            .roles
            .iter()
            .map(|r| format!("{}={}", r.role, r.owner.as_deref().unwrap_or("VACANT")))
            .collect();
        let next = match (&row.next_update_due, row.update_overdue) {
            (Some(due), true) => format!("{} OVERDUE", short_time(due)),
            (Some(due), false) => short_time(due),
            (None, _) => "-".to_owned(),
        };
        let postmortem = match (
            &row.postmortem_due,
            row.postmortem_status,
            row.postmortem_overdue,
        ) {
            (_, Some("done"), _) => "done".to_owned(),
            (Some(due), _, true) => format!("due {due} OVERDUE"),
            (Some(due), _, false) => format!("due {due}"),
            (None, Some(status), _) => status.to_owned(),
            (None, None, _) => "-".to_owned(),
        };
        let age = crate::model::time::compact_duration(jiff::SignedDuration::from_secs(
            row.age_seconds / 60 * 60,
        ));
        table.row(&[
            row.id.clone(),
            row.severity.clone(),
            row.status.to_owned(),
            age,
            if roles.is_empty() {
                "-".to_owned()
            } else {
                roles.join(" ")
            },
            next,
            postmortem,
            row.open_actions.to_string(),
        ]);
    }
    table
}

/// `2026-11-20T09:14:00Z` → `2026-11-20 09:14 UTC`: a time in a table
/// says which zone it is in.
fn short_time(rfc3339: &str) -> String {
    let text = rfc3339.replacen('T', " ", 1);
    let bare = text
        .strip_suffix(":00Z")
        .or_else(|| text.strip_suffix('Z'))
        .unwrap_or(&text);
    format!("{bare} UTC")
}
