//! `rolecall render`: check, render in memory, compare with disk, write
//! and commit.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use crate::check::{self, Severity};
use crate::cli::RenderArgs;
use crate::commands::Context;
use crate::commit::{self, CommitRequest, Committed};
use crate::error::{Error, Result};
use crate::load::{self, Workspace};
use crate::model::Instant;
use crate::render::cache::{Current, Keys, RenderCache};
use crate::render::files::{self, Change, Changes, Hold, Previous};
use crate::render::templates::Templates;
use crate::render::{self, DocumentPlan};
use crate::report::{self, Format, Summary, plural};

pub fn run(context: &Context, args: &RenderArgs) -> Result<u8> {
    let mut workspace = load::load(&context.root, context.config.as_deref())?;
    ensure_clean(context, &workspace)?;
    for id in &args.only {
        if !workspace.incidents().any(|(_, i)| &i.id == id) {
            return Err(Error::Usage(format!(
                "--only {id}: no incident has this id"
            )));
        }
    }
    let templates = load_templates(&workspace)?;
    let mut cache = open_cache(context, &workspace, &templates);
    let current = cache
        .as_ref()
        .map(|(cache, keys)| cache.current(&workspace, keys, &args.only))
        .unwrap_or_default();
    // The records' text served the checks and the cache keys; rendering
    // reads the parsed records only.
    for record in &mut workspace.records {
        record.source = String::new();
    }
    if cache.is_some() {
        context.output.note(&format!(
            "render cache: {} current",
            plural(current.incident_count(), "incident")
        ));
    }
    // A report needs only which paths change, not their new contents.
    let hold = if args.check || args.dry_run {
        Hold::Path
    } else {
        Hold::Content
    };
    let (plan, mut changes) =
        plan_changes_with(&workspace, &templates, &args.only, &current, hold)?;
    // Everything below works from the plan and the changes: free the records
    // before the commit stages its blobs.
    drop(workspace);
    if args.check || args.dry_run {
        // Documents with a change pending are not current.
        let pending = changes.changes.iter().map(Change::path).collect();
        settle_cache(context, &mut cache, &plan, &current, &pending);
        if args.check {
            return Ok(report_check(context, &plan, &changes));
        }
        report_dry_run(context, &plan, &changes);
        return Ok(0);
    }
    let request = commit_request(&plan, &changes, args);
    let committed = commit::write_and_commit(&context.root, &mut changes.changes, &request)?;
    settle_cache(context, &mut cache, &plan, &current, &HashSet::new());
    context.output.say(&summary(&plan, &changes));
    match committed {
        Committed::Commit { info } => {
            context
                .output
                .say(&format!("committed {} {}", info.short_id, info.subject));
            if info.detached {
                context.output.say(
                    &commit::head_note(&context.root).unwrap_or_else(|| {
                        "HEAD is detached; the commit was made on it".to_owned()
                    }),
                );
            }
        }
        Committed::NoRepository if !changes.changes.is_empty() => {
            context
                .output
                .say("not committed: not inside a git work tree");
        }
        _ => {}
    }
    Ok(0)
}

/// Runs the checks; any error stops the render (exit 1) after printing
/// the findings.
pub fn ensure_clean(context: &Context, workspace: &Workspace) -> Result<()> {
    let now = Instant(jiff::Timestamp::now());
    let findings = check::run(workspace, now);
    let errors: Vec<_> = findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let summary = Summary::new(workspace.records.len(), &errors);
    eprint!(
        "{}",
        report::render(
            Format::Human,
            &errors,
            &summary,
            &context.root,
            context.output.color_err
        )
    );
    Err(Error::Content(format!(
        "{} in the records; nothing was written",
        plural(errors.len(), "error")
    )))
}

fn load_templates(workspace: &Workspace) -> Result<Templates> {
    Templates::load(
        &workspace.root,
        &workspace.config.templates,
        workspace.roster.as_ref(),
    )
    .map_err(|e| Error::Content(e.to_string()))
}

/// The render cache of a project inside a git work tree, with the keys of
/// this run; `None` outside one (or when the keys cannot be made), which
/// only means every document is rendered.
fn open_cache(
    context: &Context,
    workspace: &Workspace,
    templates: &Templates,
) -> Option<(RenderCache, Keys)> {
    let repo = crate::git::Repository::discover(&context.root).ok()??;
    let cache = RenderCache::open(repo.git_dir(), &context.root);
    let keys = Keys::new(workspace, templates.fingerprint())?;
    Some((cache, keys))
}

/// Records in the cache which documents are now on disk as planned. The
/// cache only saves time, so failing to write it is a note under `-v`.
fn settle_cache(
    context: &Context,
    cache: &mut Option<(RenderCache, Keys)>,
    plan: &DocumentPlan,
    current: &Current,
    pending: &HashSet<&str>,
) {
    let Some((cache, keys)) = cache else {
        return;
    };
    cache.update(&context.root, keys, plan, current, pending);
    if let Err(error) = cache.save() {
        context
            .output
            .note(&format!("note: the render cache was not saved: {error}"));
    }
}

/// Renders every document and compares it with the disk as soon as it is
/// rendered. The documents' contents move into the changes (or are freed
/// when unchanged): the returned plan keeps their paths, kinds and
/// incidents only.
pub fn plan_changes(workspace: &Workspace, only: &[String]) -> Result<(DocumentPlan, Changes)> {
    let templates = load_templates(workspace)?;
    plan_changes_with(
        workspace,
        &templates,
        only,
        &Current::default(),
        Hold::Content,
    )
}

/// [`plan_changes`] with the templates loaded, skipping the documents
/// `current` vouches for (they count as unchanged), keeping of each changed
/// document what `hold` says.
fn plan_changes_with(
    workspace: &Workspace,
    templates: &Templates,
    only: &[String],
    current: &Current,
    hold: Hold,
) -> Result<(DocumentPlan, Changes)> {
    let root = &workspace.root;
    let (plan, compared) = render::plan_with(workspace, templates, only, current, |document| {
        files::compare_document(root, document, hold)
    })
    .map_err(|e| Error::Content(format!("{e}; nothing was written")))?;
    let compared = compared
        .into_iter()
        .map(|result| result.unwrap_or(Ok(None)))
        .collect();
    let output = workspace.config.output.trim_end_matches('/');
    let scope: Vec<String> = if only.is_empty() {
        vec![output.to_owned()]
    } else {
        only.iter().map(|id| format!("{output}/{id}")).collect()
    };
    // Discovery walked the output folder already when it is the incidents
    // folder (the default): its list of Markdown files saves a second walk.
    let seen = (output == workspace.config.incidents.trim_end_matches('/'))
        .then_some(workspace.markdown.as_slice());
    let changes = files::finish(root, &plan, compared, &scope, seen).map_err(|e| match e {
        files::ConflictError::Read { path, source } => Error::Read {
            path: workspace.root.join(path),
            source,
        },
        other => Error::Content(other.to_string()),
    })?;
    Ok((plan, changes))
}

fn summary(plan: &DocumentPlan, changes: &Changes) -> String {
    format!(
        "rendered {} for {}: {} written, {} unchanged, {} removed",
        plural(plan.documents.len(), "document"),
        plural(plan.incidents.len(), "incident"),
        changes.written(),
        changes.unchanged,
        changes.removed()
    )
}

fn describe(change: &Change) -> String {
    match change {
        Change::Write {
            path,
            previous: Previous::Absent,
            ..
        } => format!("create {path}"),
        Change::Write { path, .. } => format!("update {path}"),
        Change::Remove { path, .. } => format!("remove {path}"),
    }
}

/// `would create …` / `would update …` / `would remove …`, one per line.
fn would_lines(changes: &Changes) -> String {
    changes
        .changes
        .iter()
        .fold(String::new(), |mut text, change| {
            let _ = writeln!(text, "would {}", describe(change));
            text
        })
}

fn report_check(context: &Context, plan: &DocumentPlan, changes: &Changes) -> u8 {
    if changes.changes.is_empty() {
        context.output.say(&format!(
            "{} up to date",
            plural(plan.documents.len(), "document")
        ));
        return 0;
    }
    let mut text = would_lines(changes);
    let _ = writeln!(
        text,
        "{} out of date; run `rolecall render` and commit the result",
        plural(changes.changes.len(), "document")
    );
    crate::print(&text);
    1
}

fn report_dry_run(context: &Context, plan: &DocumentPlan, changes: &Changes) {
    crate::print(&would_lines(changes));
    context
        .output
        .say(&summary(plan, changes).replacen("rendered", "would render", 1));
    if !changes.changes.is_empty() {
        context
            .output
            .say(&format!("would commit: {}", subject(plan, changes)));
    }
}

fn subject(plan: &DocumentPlan, changes: &Changes) -> String {
    let owners: HashMap<&str, Option<&str>> = plan
        .documents
        .iter()
        .map(|d| (d.path.as_str(), d.incident.as_deref()))
        .collect();
    let ids: BTreeSet<String> = changes
        .changes
        .iter()
        .filter_map(|change| match owners.get(change.path()) {
            Some(incident) => incident.map(str::to_owned),
            None => removed_from(change.path()),
        })
        .collect();
    let ids: Vec<String> = ids.into_iter().collect();
    if ids.is_empty() {
        "rolecall: render index".to_owned()
    } else {
        format!("rolecall: render {}", commit::id_list(&ids))
    }
}

/// The incident a removed document belonged to: the folder above
/// `briefs/`, `handovers/`, or the document itself.
fn removed_from(path: &str) -> Option<String> {
    let mut folders = path.rsplit('/').skip(1);
    let parent = folders.next()?;
    if parent == "briefs" || parent == "handovers" {
        folders.next().map(str::to_owned)
    } else {
        Some(parent.to_owned())
    }
}

fn commit_request<'a>(
    plan: &DocumentPlan,
    changes: &Changes,
    args: &'a RenderArgs,
) -> CommitRequest<'a> {
    CommitRequest {
        no_commit: args.commit.no_commit,
        author: args.commit.author.as_deref(),
        subject: args
            .commit
            .message
            .clone()
            .unwrap_or_else(|| subject(plan, changes)),
        body: changes.changes.iter().map(describe).collect(),
        uncommitted: commit::Uncommitted::default(),
    }
}
