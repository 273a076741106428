//! `rolecall init [DIR]`: start an incidents repository with a
//! configuration, a roster, an example record, a CI configuration (GitHub
//! Actions or GitLab CI, from `ci`) and the record schema. Existing files
//! are never overwritten.

use std::fs;
use std::path::Path;

use crate::ci::{self, Install, RenderVia, Setup};
use crate::cli::{CiArg, InitArgs, RenderViaArg, SchemaKind};
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::git::{self, Repository};
use crate::model::config::DEFAULTS_YAML;

const PEOPLE: &str = "\
# The people who can hold incident roles. Records refer to them by key.
alice:
  name: Alice Example
  contact: \"@alice\"
  email: alice@example.com
  team: platform
bob:
  name: Bob Example
  contact: \"@bob\"
  team: platform
carol:
  name: Carol Example
  contact: \"@carol\"
  team: support
";

const EXAMPLE: &str = "\
# An example record: copy it, or run `rolecall new`, to record an incident.
id: EXAMPLE-1
title: Example - nightly report job ran three hours late
severity: SEV3
status: resolved
started_at: 2026-01-12T02:00:00Z
resolved_at: 2026-01-12T05:10:00Z
summary: |
  The nightly report job ran on an undersized worker and finished late.
roles:
  incident_manager: alice
  tech_lead:
    - owner: bob
    - owner: carol
      from: 2026-01-12T04:00:00Z
      handover: Bob went off shift; the job is rerunning on a large worker.
  postmortem_owner: alice
communications:
  updates:
    - at: 2026-01-12T03:30:00Z
      channel: email
      summary: Reports are delayed; new estimate 05:00 UTC.
timeline:
  - at: 2026-01-12T02:00:00Z
    event: Report job starts on the new scheduler.
  - at: 2026-01-12T05:10:00Z
    event: Reports delivered.
actions:
  - title: Pin the report job to the large worker class
    owner: bob
    due: 2026-01-19
    status: done
postmortem:
  status: done
";

pub fn run(context: &Context, args: &InitArgs) -> Result<u8> {
    let (ci_path, ci_text) = ci_file(args)?;
    let dir = args
        .target
        .as_ref()
        .map_or_else(|| context.root.clone(), |d| context.root.join(d));
    fs::create_dir_all(&dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    if Repository::discover(&dir)?.is_none() {
        git::init(&dir)?;
        context.output.say(&format!(
            "initialised a git repository in {}",
            dir.display()
        ));
    }
    let has_records = has_records(&dir.join("incidents"));
    write_new(context, &dir, "rolecall.yaml", &commented_defaults())?;
    let roster_written = if has_records && !dir.join("people.yaml").exists() {
        context.output.say("no people.yaml: incidents/ already holds records, and an example roster would not list their people");
        false
    } else {
        write_new(context, &dir, "people.yaml", PEOPLE)?
    };
    write_example(context, &dir, roster_written, has_records)?;
    let ci_written = write_new(context, &dir, ci_path, &ci_text)?;
    write_new(
        context,
        &dir,
        "rolecall.schema.json",
        &super::schema::schema_json(SchemaKind::Incident),
    )?;
    for placeholder in [ci::ACTION_PLACEHOLDER, ci::GIT_URL_PLACEHOLDER] {
        if ci_written && ci_text.contains(placeholder) {
            context.output.say(&format!(
                "next: in {ci_path}, replace {placeholder} with where rolecall's repository lives (README: Use it in CI)"
            ));
        }
    }
    context.output.say("next: edit people.yaml, then `rolecall new --title … --severity SEV2`, `rolecall check`, `rolecall render`");
    Ok(0)
}

/// The CI file `args` ask for: its path and its text.
fn ci_file(args: &InitArgs) -> Result<(&'static str, String)> {
    let render_via = match args.render_via {
        RenderViaArg::Push => RenderVia::Push,
        RenderViaArg::Pr => RenderVia::PullRequest,
    };
    let url = args
        .install_from
        .as_deref()
        .map(ci::parse_git_url)
        .transpose()
        .map_err(Error::Usage)?;
    match args.ci {
        CiArg::Github => {
            let install = match (url, &args.action) {
                (Some(url), _) => Install::Git(url),
                (None, Some(action)) => {
                    Install::Action(ci::parse_action(action).map_err(Error::Usage)?)
                }
                (None, None) => Install::Action(ci::ACTION_PLACEHOLDER.to_owned()),
            };
            let setup = Setup {
                install,
                render_via,
            };
            Ok((
                ".github/workflows/rolecall.yml",
                ci::github_workflow(&setup),
            ))
        }
        CiArg::Gitlab => {
            if args.action.is_some() {
                return Err(Error::Usage(
                    "--action names a GitHub action; a GitLab configuration installs from --install-from URL".to_owned(),
                ));
            }
            let url = url.unwrap_or_else(|| ci::GIT_URL_PLACEHOLDER.to_owned());
            Ok((".gitlab-ci.yml", ci::gitlab_configuration(&url, render_via)))
        }
    }
}

/// The example record names the people of the example roster, so it is
/// added only beside that roster and where there are no records yet: a
/// repository that has its own must still pass `check` after `init`
/// (for the same reason no example roster is added beside records).
fn write_example(
    context: &Context,
    dir: &Path,
    roster_written: bool,
    has_records: bool,
) -> Result<()> {
    const EXAMPLE_PATH: &str = "incidents/EXAMPLE-1.yaml";
    let incidents = dir.join("incidents");
    let skip = if dir.join(EXAMPLE_PATH).exists() {
        None
    } else if has_records {
        Some("incidents/ already holds records")
    } else if !roster_written {
        Some("people.yaml was kept and may not list the example's people")
    } else {
        None
    };
    let Some(reason) = skip else {
        return write_new(context, dir, EXAMPLE_PATH, EXAMPLE).map(|_| ());
    };
    context.output.say(&format!("no example record: {reason}"));
    fs::create_dir_all(&incidents).map_err(|source| Error::Write {
        path: incidents.clone(),
        source,
    })
}

/// Whether `dir` holds a record file (`*.yaml` or `*.yml`, any case) at
/// any depth.
fn has_records(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(std::result::Result::ok)
        .any(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.file_type().is_file() && crate::load::is_record_name(&name)
        })
}

/// Writes `rel` under `dir` unless it exists (then says it was kept);
/// whether it wrote it.
fn write_new(context: &Context, dir: &Path, rel: &str, text: &str) -> Result<bool> {
    let path = dir.join(rel);
    if path.exists() || path.is_symlink() {
        context.output.say(&format!("kept {rel} (it exists)"));
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_owned(),
            source,
        })?;
    }
    crate::render::files::write_atomic(&path, text.as_bytes()).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    context.output.say(&format!("wrote {rel}"));
    Ok(true)
}

/// The built-in configuration, every setting commented out so the file
/// documents the defaults without pinning them.
fn commented_defaults() -> String {
    let mut out = String::from(
        "# rolecall configuration. Every setting below is the built-in default,\n\
         # commented out; uncomment and change what your team needs.\n\
         # Where records are read:\n\
         incidents: incidents\n\n\
         # On here, off by default: write insights.md, the figures of resolved\n\
         # incidents, on every render:\n\
         insights: true\n\n",
    );
    for line in DEFAULTS_YAML
        .lines()
        .skip_while(|l| l.starts_with('#') || l.is_empty())
    {
        if line.starts_with("incidents:") || line.starts_with("insights:") {
            continue;
        }
        if line.is_empty() {
            out.push('\n');
        } else if line.trim_start().starts_with('#') {
            out.push_str(line);
            out.push('\n');
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
