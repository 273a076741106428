//! `rolecall new`: write the next incident record from the command line,
//! through the `record.yaml.tera` template, checked before it is written.

use std::path::{Component, Path};

use serde::Serialize;

use crate::blob::Blob;
use crate::cli::NewArgs;
use crate::commands::Context;
use crate::commands::render::plan_changes;
use crate::commit::{self, CommitRequest, Committed};
use crate::error::{Error, Result};
use crate::finding::Code;
use crate::line_endings::Conversion;
use crate::load::{self, Workspace};
use crate::model::{Instant, is_valid_key};
use crate::render::files::{Change, Previous};
use crate::render::templates::{Context as TemplateContext, Templates};
use crate::yaml::write::scalar;

/// The schema file `init` writes, at the top of the repository.
const SCHEMA_FILE: &str = "rolecall.schema.json";

#[derive(Serialize)]
struct RoleLine {
    key: String,
    person: String,
}

pub fn run(context: &Context, args: &NewArgs) -> Result<u8> {
    let workspace = load::load(&context.root, context.config.as_deref())?;
    if workspace.setup_failed {
        return Err(Error::Content(
            "the configuration or roster has errors; run `rolecall check`".to_owned(),
        ));
    }
    let now = Instant(jiff::Timestamp::now());
    let started = args
        .started_at
        .unwrap_or_else(|| super::authoring::whole_seconds(now));
    validate(&workspace, args)?;
    let id = choose_id(&workspace, args.id.as_deref(), started)?;
    let rel = crate::rel_path::relative(
        &workspace.root,
        &workspace.incidents_dir().join(format!("{id}.yaml")),
    );
    if context.root.join(&rel).exists() {
        return Err(Error::Usage(format!(
            "{rel} already exists; rolecall will not overwrite it"
        )));
    }
    let text = render_record(&workspace, &rel, &id, started, args)?;
    let record = verify(context, &workspace, &rel, &id, &text, now)?;
    let blob = Blob::new(text.as_bytes()).map_err(|source| Error::Write {
        path: context.root.join(&rel),
        source,
    })?;
    let mut changes = vec![Change::Write {
        path: rel.clone(),
        content: Some(blob),
        previous: Previous::Absent,
        conversion: Conversion::None,
    }];
    let unstaffed = unstaffed(&workspace, args);
    // With --commit the new incident's documents go into the same commit.
    let mut documents = None;
    if args.commit {
        let mut workspace = workspace;
        workspace.records.push(record);
        let (plan, rendered) = plan_changes(&workspace, std::slice::from_ref(&id))?;
        documents = Some((plan.documents.len(), rendered.written()));
        changes.extend(rendered.changes);
    }
    let request = CommitRequest {
        no_commit: !args.commit,
        author: args.author.as_deref(),
        subject: format!("rolecall: new {id}"),
        body: changes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("create {rel}")
                } else {
                    c.path().to_owned()
                }
            })
            .collect(),
        uncommitted: commit::Uncommitted::default(),
    };
    let committed = commit::write_and_commit(&context.root, &mut changes, &request)?;
    context.output.say(&format!("created {rel}"));
    if let Some((count, written)) = documents {
        context.output.say(&format!(
            "rendered {} for 1 incident: {written} written",
            crate::report::plural(count, "document")
        ));
    }
    if !unstaffed.is_empty() {
        context.output.say(&format!(
            "still unstaffed ({} requires them): {}; `rolecall assign {id} ROLE PERSON` gives each its owner",
            args.severity,
            unstaffed.join(", ")
        ));
    }
    match committed {
        Committed::Commit { info } => context
            .output
            .say(&format!("committed {} {}", info.short_id, info.subject)),
        Committed::NoRepository if args.commit => context
            .output
            .say("not committed: not inside a git work tree"),
        _ => {}
    }
    Ok(0)
}

/// Flags that name things the configuration or roster must know.
fn validate(workspace: &Workspace, args: &NewArgs) -> Result<()> {
    let config = &workspace.config;
    if config.severity(&args.severity).is_none() {
        let help = super::severity_help(config, &args.severity);
        return Err(Error::Usage(format!(
            "--severity {}: unknown severity; {help}",
            args.severity
        )));
    }
    if args.title.trim().is_empty() {
        return Err(Error::Usage("--title: the title is empty".to_owned()));
    }
    for (role, person) in &args.roles {
        super::validate_assignment(workspace, role, person)?;
    }
    Ok(())
}

/// `--id`, checked, or the next free `INC-<year>-<NNN>`.
fn choose_id(workspace: &Workspace, wanted: Option<&str>, started: Instant) -> Result<String> {
    let id = match wanted {
        Some(id) if is_valid_key(id) => id.to_owned(),
        Some(id) => {
            return Err(Error::Usage(format!(
                "--id {id}: {}",
                crate::model::config::KEY_RULE
            )));
        }
        None => next_id(workspace, started),
    };
    let taken = workspace
        .records
        .iter()
        .find(|r| r.stem == id || r.incident.as_ref().is_some_and(|i| i.id == id));
    if let Some(record) = taken {
        return Err(Error::Usage(format!(
            "{} already has the id {id}; choose another with --id",
            record.path
        )));
    }
    if wanted.is_some() && ids_on_branches(workspace).contains(&id) {
        return Err(Error::Usage(format!(
            "another branch has a record with the id {id}; choose another with --id"
        )));
    }
    Ok(id)
}

/// `INC-<year>-<NNN>`: one more than the highest number used that year
/// (the UTC year of `started`), zero-padded to three digits, counting the
/// records here and those on every local and remote-tracking branch.
fn next_id(workspace: &Workspace, started: Instant) -> String {
    let prefix = format!("INC-{}-", started.utc_date().year());
    let elsewhere = ids_on_branches(workspace);
    let highest = workspace
        .records
        .iter()
        .flat_map(|r| {
            [
                Some(r.stem.as_str()),
                r.incident.as_ref().map(|i| i.id.as_str()),
            ]
        })
        .flatten()
        .chain(elsewhere.iter().map(String::as_str))
        .filter_map(|id| id.strip_prefix(&prefix))
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|digits| digits.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:03}", highest.saturating_add(1))
}

/// The stems of the record files on every branch of the repository the
/// project is in (none outside one): ids another branch has taken.
fn ids_on_branches(workspace: &Workspace) -> Vec<String> {
    let Ok(Some(repo)) = crate::git::Repository::discover(&workspace.root) else {
        return Vec::new();
    };
    let prefix = repo.project_prefix(&workspace.root);
    let incidents = crate::rel_path::relative(&workspace.root, &workspace.incidents_dir());
    let folder = match incidents.trim_matches('/') {
        "" | "." => prefix.trim_end_matches('/').to_owned(),
        rel => format!("{prefix}{rel}"),
    };
    repo.file_names_on_branches(&folder)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| load::is_record_name(name))
        .filter_map(|name| name.rsplit_once('.').map(|(stem, _)| stem.to_owned()))
        .collect()
}

fn render_record(
    workspace: &Workspace,
    rel: &str,
    id: &str,
    started: Instant,
    args: &NewArgs,
) -> Result<String> {
    let templates = Templates::load(
        &workspace.root,
        &workspace.config.templates,
        workspace.roster.as_ref(),
    )
    .map_err(|e| Error::Content(e.to_string()))?;
    let mut context = TemplateContext::new();
    let schema = workspace
        .root
        .join(SCHEMA_FILE)
        .is_file()
        .then(|| schema_path(rel))
        .flatten();
    context.insert("schema", &schema);
    context.insert("id", &scalar(id));
    context.insert("title", &scalar(&args.title));
    context.insert("severity", &scalar(&args.severity));
    context.insert("started_at", &started.to_string());
    let roles: Vec<RoleLine> = args
        .roles
        .iter()
        .map(|(key, person)| RoleLine {
            key: key.clone(),
            person: scalar(person),
        })
        .collect();
    context.insert("roles", &roles);
    templates
        .render_raw("record.yaml.tera", &context)
        .map_err(|e| Error::Content(e.to_string()))
}

/// The schema file, relative to the folder of the record at `record_rel`
/// (relative to the repository's top). `None` for a record outside it.
fn schema_path(record_rel: &str) -> Option<String> {
    let mut depth = 0;
    for component in Path::new(record_rel).parent()?.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(format!("{}{SCHEMA_FILE}", "../".repeat(depth)))
}

/// The roles the severity requires from declaration that `--role` left
/// without an owner.
fn unstaffed(workspace: &Workspace, args: &NewArgs) -> Vec<String> {
    let config = &workspace.config;
    let Some(severity) = config.severity(&args.severity) else {
        return Vec::new();
    };
    severity
        .required_roles
        .iter()
        .filter(|key| {
            config
                .role(key)
                .is_some_and(|def| def.required_from == crate::model::RequiredFrom::Declared)
        })
        .filter(|key| !args.roles.iter().any(|(role, _)| *role == key.value))
        .map(|key| key.value.clone())
        .collect()
}

/// The new record must pass `check`, except for roles still missing; the
/// record as it reads.
fn verify(
    context: &Context,
    workspace: &Workspace,
    rel: &str,
    id: &str,
    text: &str,
    now: Instant,
) -> Result<load::Record> {
    let allowed = [Code::MissingOwner, Code::VacantRole];
    let (record, _) = super::authoring::check_new_record(
        context,
        workspace,
        (rel, id, text),
        now,
        &allowed,
        || {
            format!(
                "the new record would not pass `check` (lines above as it would be written); {rel} was not written"
            )
        },
    )?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::schema_path;

    #[test]
    fn the_schema_path_climbs_out_of_the_records_folder() {
        assert_eq!(
            schema_path("incidents/INC-1.yaml").as_deref(),
            Some("../rolecall.schema.json")
        );
        assert_eq!(
            schema_path("records/2026/INC-1.yaml").as_deref(),
            Some("../../rolecall.schema.json")
        );
        assert_eq!(
            schema_path("INC-1.yaml").as_deref(),
            Some("rolecall.schema.json")
        );
        assert_eq!(schema_path("../elsewhere/INC-1.yaml"), None);
    }
}
