//! `rolecall roles`: the role catalogue in effect.

use serde::Serialize;

use crate::cli::{RolesArgs, TableFormat};
use crate::commands::Context;
use crate::error::Result;
use crate::model::Config;
use crate::table::Table;

#[derive(Serialize)]
struct RoleRow<'a> {
    key: &'a str,
    name: &'a str,
    exclusive: bool,
    required_from: &'static str,
    required_by: Vec<&'a str>,
    reports_to: Option<&'a str>,
}

pub fn run(context: &Context, args: &RolesArgs) -> Result<u8> {
    let config = super::load_config(context)?;
    let rows = rows(&config);
    let text = match args.format {
        TableFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "roles": rows }))
                    .unwrap_or_default();
            text.push('\n');
            text
        }
        TableFormat::Table => {
            let mut table = Table::new(&["KEY", "NAME", "EXCLUSIVE", "REQUIRED BY", "REPORTS TO"]);
            for row in &rows {
                let required = if row.required_by.is_empty() {
                    "-".to_owned()
                } else {
                    format!(
                        "{} (from {})",
                        row.required_by.join(", "),
                        row.required_from
                    )
                };
                table.row(&[
                    row.key.to_owned(),
                    row.name.to_owned(),
                    if row.exclusive { "yes" } else { "no" }.to_owned(),
                    required,
                    row.reports_to.unwrap_or("-").to_owned(),
                ]);
            }
            table.render(context.output.color)
        }
    };
    crate::print(&text);
    Ok(0)
}

fn rows(config: &Config) -> Vec<RoleRow<'_>> {
    config
        .roles
        .values()
        .map(|role| RoleRow {
            key: &role.key,
            name: &role.name,
            exclusive: role.exclusive,
            required_from: role.required_from.as_str(),
            required_by: config
                .severities
                .values()
                .filter(|s| s.required_roles.iter().any(|r| r.value == role.key))
                .map(|s| s.key.as_str())
                .collect(),
            reports_to: role.reports_to.as_ref().map(|r| r.value.as_str()),
        })
        .collect()
}
