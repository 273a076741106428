//! `rolecall check`: load, run the rules, report.

use std::collections::BTreeSet;

use crate::check;
use crate::cli::{CheckArgs, FormatArg};
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::finding::{Code, Finding, Severity};
use crate::git::Repository;
use crate::load::{self, Workspace};
use crate::model::Instant;
use crate::report::{self, Format, Summary};

pub fn run(context: &Context, args: &CheckArgs) -> Result<u8> {
    let workspace = load::load_parsed(&context.root, context.config.as_deref())?;
    for link in &workspace.skipped_links {
        context
            .output
            .note(&format!("skipped symbolic link {link}"));
    }
    let now = args.now.unwrap_or_else(|| Instant(jiff::Timestamp::now()));
    let mut findings = check::run(&workspace, now);
    if !workspace.setup_failed {
        findings.extend(postmortem_markers(&workspace));
        check::sort(&mut findings);
    }
    let mut incidents = if workspace.setup_failed {
        0
    } else {
        workspace.records.len()
    };
    if let Some(rev) = &args.changed_since {
        let changed = changed_records(context, rev)?;
        let setup_files = setup_files(&workspace);
        findings.retain(|f| keep(f, &changed, &setup_files));
        if !workspace.setup_failed {
            incidents = workspace
                .records
                .iter()
                .filter(|r| changed.contains(&r.path))
                .count();
        }
    }
    let mut summary = Summary::new(incidents, &findings);
    if workspace.setup_failed {
        summary.skipped_reason =
            Some("records not checked: fix the configuration and roster first".to_owned());
    }
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Github => Format::Github,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Gitlab => Format::Gitlab,
    };
    if format.wants_repository_paths() {
        let prefix = match Repository::discover(&context.root)? {
            Some(repo) => project_prefix(context, &repo),
            None => String::new(),
        };
        for finding in &mut findings {
            finding.file = repository_path(&prefix, &finding.file);
        }
    }
    let shown: Vec<Finding> = if context.output.quiet && format == Format::Human {
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .cloned()
            .collect()
    } else {
        findings.clone()
    };
    crate::print(&report::render(
        format,
        &shown,
        &summary,
        &context.root,
        context.output.color,
    ));
    let failed = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(u8::from(failed))
}

/// Record paths (relative to the project folder) changed since `rev`.
fn changed_records(context: &Context, rev: &str) -> Result<BTreeSet<String>> {
    let repo = Repository::discover(&context.root)?
        .ok_or_else(|| Error::Usage("--changed-since needs a git repository".to_owned()))?;
    if repo.workdir().is_none() {
        return Err(Error::Usage(
            "--changed-since needs a work tree, not a bare repository".to_owned(),
        ));
    }
    let changed = repo.changed_since(rev)?;
    let prefix = project_prefix(context, &repo);
    Ok(changed
        .into_iter()
        .filter_map(|path| {
            if prefix.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(&format!("{prefix}/")).map(str::to_owned)
            }
        })
        .collect())
}

/// The project folder relative to the repository's work tree (`""` at its
/// top, or without a work tree).
fn project_prefix(context: &Context, repo: &Repository) -> String {
    repo.workdir()
        .and_then(|workdir| workdir.canonicalize().ok())
        .zip(context.root.canonicalize().ok())
        .and_then(|(wd, root)| {
            root.strip_prefix(&wd)
                .ok()
                .map(|p| crate::rel_path::relative(std::path::Path::new(""), p))
        })
        .unwrap_or_default()
}

/// A project-relative path as the repository names it.
fn repository_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_owned()
    } else {
        format!("{prefix}/{path}")
    }
}

/// The configuration and roster files, named as their findings name them
/// (`people: ./team/people.yaml` is `team/people.yaml`).
fn setup_files(workspace: &Workspace) -> Vec<String> {
    let roster = crate::rel_path::relative(
        &workspace.root,
        &workspace.root.join(&workspace.config.people),
    );
    workspace
        .config_file
        .iter()
        .cloned()
        .chain([roster])
        .collect()
}

/// Broken markers in the postmortems on disk, which `render` would refuse
/// to merge: found here too, so a pull request shows them as annotations.
fn postmortem_markers(workspace: &Workspace) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (record, incident) in workspace.incidents() {
        let path = workspace
            .output_dir()
            .join(&incident.id)
            .join("postmortem.md");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Err(error) = crate::render::markers::sections(&text) {
            let rel = crate::rel_path::relative(&workspace.root, &path);
            let pos = crate::finding::Pos {
                line: error.line(),
                column: 1,
            };
            let mut finding = Finding::new(Code::PostmortemMarkers, &rel, pos, error.problem())
                .help("fix the markers by hand; `render` leaves this file untouched until then");
            finding.related = Some(record.path.clone());
            findings.push(finding);
        }
    }
    findings
}

fn keep(finding: &Finding, changed: &BTreeSet<String>, setup_files: &[String]) -> bool {
    changed.contains(&finding.file)
        || setup_files.contains(&finding.file)
        || finding
            .related
            .as_ref()
            .is_some_and(|r| changed.contains(r))
}
