//! `rolecall new`: write the next incident record from the command line,
//! through the `record.yaml.tera` template, checked before it is written.

use std::path::Path;

use serde::Serialize;

use crate::check::{self, Code, Rules, Severity};
use crate::cli::NewArgs;
use crate::commands::Context;
use crate::commit::{self, CommitRequest, Committed};
use crate::error::{Error, Result};
use crate::load::{self, Workspace};
use crate::model::{Instant, is_valid_key};
use crate::render::files::Change;
use crate::render::templates::Templates;
use crate::suggest;
use crate::yaml::write::scalar;

#[derive(Serialize)]
struct RoleLine {
    key: String,
    person: String,
}

pub fn run(context: &Context, args: &NewArgs) -> Result<u8> {
    let workspace = load::load(&context.root, context.config.as_deref())?;
    let started = args.started_at.unwrap_or_else(|| Instant(jiff::Timestamp::now().round(jiff::Unit::Second).unwrap_or(jiff::Timestamp::now())));
    validate(&workspace, args)?;
    let id = match &args.id {
        Some(id) if is_valid_key(id) => id.clone(),
        Some(id) => return Err(Error::Usage(format!("--id {id}: {}", crate::model::config::KEY_RULE))),
        None => next_id(&workspace, started),
    };
    if workspace.records.iter().any(|r| r.stem == id) {
        return Err(Error::Usage(format!("an incident with id {id} already exists; choose another with --id")));
    }
    let rel = format!("{}/{id}.yaml", workspace.config.incidents.trim_end_matches('/'));
    let path = context.root.join(&rel);
    if path.exists() {
        return Err(Error::Usage(format!("{rel} already exists; rolecall will not overwrite it")));
    }
    let text = render_record(&workspace, &rel, &id, started, args)?;
    verify(context, &workspace, &rel, &id, &text)?;
    let change = Change::Write { path: rel.clone(), content: text.into_bytes(), previous: None };
    let request = CommitRequest {
        no_commit: !args.commit,
        author: args.author.as_deref(),
        subject: format!("rolecall: new {id}"),
        body: vec![format!("create {rel}")],
    };
    let committed = commit::write_and_commit(&context.root, &[change], &request)?;
    context.output.say(&format!("created {rel}"));
    match committed {
        Committed::Commit { info } => context.output.say(&format!("committed {} {}", info.short_id, info.subject)),
        Committed::NoRepository if args.commit => context.output.say("not committed: not inside a git work tree"),
        _ => {}
    }
    Ok(0)
}

/// Flags that name things the configuration or roster must know.
fn validate(workspace: &Workspace, args: &NewArgs) -> Result<()> {
    let config = &workspace.config;
    if config.severity(&args.severity).is_none() {
        let help = suggest::did_you_mean(&args.severity, config.severities.keys().map(String::as_str))
            .unwrap_or_else(|| format!("severities: {}", config.severities.keys().cloned().collect::<Vec<_>>().join(", ")));
        return Err(Error::Usage(format!("--severity {}: unknown severity; {help}", args.severity)));
    }
    for (role, person) in &args.roles {
        super::validate_assignment(workspace, role, person)?;
    }
    Ok(())
}

/// `INC-<year>-<NNN>`: one more than the highest number used that year.
fn next_id(workspace: &Workspace, started: Instant) -> String {
    let year = started.utc_date().year();
    let prefix = format!("INC-{year}-");
    let highest = workspace
        .records
        .iter()
        .flat_map(|r| [Some(r.stem.as_str()), r.incident.as_ref().map(|i| i.id.as_str())])
        .flatten()
        .filter_map(|id| id.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:03}", highest + 1)
}

fn render_record(workspace: &Workspace, rel: &str, id: &str, started: Instant, args: &NewArgs) -> Result<String> {
    let templates = Templates::load(&workspace.root, &workspace.config.templates, workspace.roster.as_ref())
        .map_err(|e| Error::Content(e.to_string()))?;
    let mut context = tera::Context::new();
    context.insert("schema", &schema_path(&workspace.root, rel));
    context.insert("id", &scalar(id));
    context.insert("title", &scalar(&args.title));
    context.insert("severity", &scalar(&args.severity));
    context.insert("started_at", &started.to_string());
    let roles: Vec<RoleLine> =
        args.roles.iter().map(|(key, person)| RoleLine { key: key.clone(), person: scalar(person) }).collect();
    context.insert("roles", &roles);
    templates.render_raw("record.yaml.tera", &context).map_err(|e| Error::Content(e.to_string()))
}

/// The schema file `init` writes, relative to the record's folder.
fn schema_path(root: &Path, record_rel: &str) -> Option<String> {
    if !root.join("rolecall.schema.json").is_file() {
        return None;
    }
    let depth = record_rel.matches('/').count();
    Some(format!("{}rolecall.schema.json", "../".repeat(depth)))
}

/// The new record must pass `check`, except for roles still missing.
fn verify(context: &Context, workspace: &Workspace, rel: &str, id: &str, text: &str) -> Result<()> {
    let (record, mut findings) = load::read_source(rel, id, text, &workspace.config);
    if let Some(incident) = &record.incident {
        let rules = Rules { config: &workspace.config, roster: workspace.roster.as_ref(), now: Instant(jiff::Timestamp::now()) };
        findings.extend(check::check_record(&rules, &record, incident));
    }
    let allowed = [Code::MissingOwner, Code::VacantRole];
    let errors: Vec<_> =
        findings.into_iter().filter(|f| f.severity == Severity::Error && !allowed.contains(&f.code)).collect();
    if errors.is_empty() {
        return Ok(());
    }
    let summary = crate::report::Summary::new(1, &errors);
    eprint!("{}", crate::report::render(crate::report::Format::Human, &errors, &summary, &context.root, false));
    Err(Error::Content(format!("the new record would not pass `check`; {rel} was not written")))
}
