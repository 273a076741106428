//! `rolecall render`: check, render in memory, compare with disk, write
//! and commit.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use crate::blob::BlobId;
use crate::check;
use crate::cli::RenderArgs;
use crate::commands::Context;
use crate::commit::{self, CommitRequest, Committed, Uncommitted};
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::load::{self, Workspace};
use crate::model::Instant;
use crate::render::cache::{Current, InHead, Keys, RenderCache};
use crate::render::files::{self, Change, Changes, Hold, Previous};
use crate::render::templates::Templates;
use crate::render::{self, DocumentPlan};
use crate::report::{self, Format, Summary, plural};
use crate::uncommitted::HeadDocuments;

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
    // HEAD is what the documents are compared with besides the disk,
    // unless nothing is to be committed.
    let mut head = if args.commit.no_commit {
        None
    } else {
        HeadDocuments::open(&context.root, &workspace.config.output)?
    };
    let current = match (&mut cache, &mut head) {
        (None, _) => Current::default(),
        (Some((cache, keys)), head) => {
            let in_head = match head {
                None => InHead::Unchecked,
                Some(head) => head.in_head(cache.committed_tree())?,
            };
            cache.current(&workspace, keys, &args.only, in_head)
        }
    };
    if let Some(head) = &mut head
        && cache.is_none()
    {
        // Without the cache's record of HEAD's documents, HEAD's are read.
        head.walk()?;
    }
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
    let scope = scope(&workspace, &args.only);
    // Everything below works from the plan and the changes: free the records
    // before the commit stages its blobs.
    drop(workspace);
    let uncommitted = match &head {
        Some(head) => head.uncommitted(
            &plan,
            &changes,
            &scope,
            cache
                .iter()
                .flat_map(|(cache, _)| cache.documents().map(|(path, _)| path)),
        )?,
        None => Uncommitted::default(),
    };
    let full = args.only.is_empty();
    if args.check || args.dry_run {
        // Documents with a change pending are not current.
        let pending = changes.changes.iter().map(Change::path).collect();
        let settled = (full && changes.changes.is_empty() && uncommitted.is_empty())
            .then(|| head.as_ref().and_then(|h| h.tree().map(str::to_owned)))
            .flatten();
        settle_cache(
            context, &mut cache, &plan, &current, &pending, &changes, settled,
        );
        if args.check {
            return Ok(report_check(context, &plan, &changes, &uncommitted));
        }
        report_dry_run(context, &plan, &changes, &uncommitted);
        return Ok(0);
    }
    if !uncommitted.is_empty() {
        context.output.say(&uncommitted_note(&uncommitted));
    }
    let request = commit_request(&plan, &changes, uncommitted, args);
    let committed = commit::write_and_commit(&context.root, &mut changes.changes, &request)?;
    // Failing to read HEAD back only leaves the cache to compare with it
    // again next time.
    let settled = match &head {
        Some(head) if full => head.settled_tree(&committed).ok().flatten(),
        _ => None,
    };
    settle_cache(
        context,
        &mut cache,
        &plan,
        &current,
        &HashSet::new(),
        &changes,
        settled,
    );
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
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors == 0 {
        return Ok(());
    }
    // The warnings are shown and counted too, so the summary line's
    // counts are those of `check`.
    let summary = Summary::new(workspace.records.len(), &findings);
    eprint!(
        "{}",
        report::render(
            Format::Human,
            &findings,
            &summary,
            &context.root,
            context.output.color_err
        )
    );
    Err(Error::Content(format!(
        "{} in the records; nothing was written",
        plural(errors, "error")
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

/// Records in the cache which documents are now on disk as planned (with
/// the blob ids `changes` found or made), and `committed`, the output
/// folder's tree in the commit holding them all. The cache only saves
/// time, so failing to write it is a note under `-v`.
fn settle_cache(
    context: &Context,
    cache: &mut Option<(RenderCache, Keys)>,
    plan: &DocumentPlan,
    current: &Current,
    pending: &HashSet<&str>,
    changes: &Changes,
    committed: Option<String>,
) {
    let Some((cache, keys)) = cache else {
        return;
    };
    let mut ids: HashMap<&str, BlobId> = changes
        .on_disk
        .iter()
        .map(|(path, id)| (path.as_str(), *id))
        .collect();
    for change in &changes.changes {
        if let Change::Write {
            path,
            content: Some(blob),
            ..
        } = change
        {
            ids.insert(path.as_str(), blob.id());
        }
    }
    cache.update(&context.root, keys, plan, current, pending, &ids, committed);
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
    // Documents are compared as git stores them (none converted outside a
    // work tree).
    let rules = crate::git::Repository::discover(root)
        .ok()
        .flatten()
        .and_then(|repo| repo.line_ending_rules(root));
    let conversions = |path: &str| match &rules {
        Some(rules) => rules.conversion(path),
        None => files::no_conversion(path),
    };
    let (plan, compared) = render::plan_with(workspace, templates, only, current, |document| {
        files::compare_document(root, document, hold, &conversions)
    })
    .map_err(|e| Error::Content(format!("{e}; nothing was written")))?;
    let compared = compared
        .into_iter()
        .map(|result| result.unwrap_or(Ok(files::Comparison::Skipped)))
        .collect();
    let output = workspace.config.output.trim_end_matches('/');
    let scope = scope(workspace, only);
    // Discovery walked the output folder already when it is the incidents
    // folder (the default): its list of Markdown files saves a second walk.
    let seen = (output == workspace.config.incidents.trim_end_matches('/'))
        .then_some(workspace.markdown.as_slice());
    let changes = files::finish(root, &plan, compared, &scope, seen).map_err(|e| match e {
        files::ConflictError::Read { path, source } => Error::Read {
            path: workspace.root.join(path),
            source,
        },
        files::ConflictError::Unsupported(unsupported) => Error::Unsupported(unsupported),
        other => Error::Content(other.to_string()),
    })?;
    Ok((plan, changes))
}

/// The folders whose generated documents the plan covers: the output
/// folder, or with `--only` the named incidents' folders in it.
fn scope(workspace: &Workspace, only: &[String]) -> Vec<String> {
    let output = workspace.config.output.trim_end_matches('/');
    if only.is_empty() {
        vec![output.to_owned()]
    } else {
        only.iter().map(|id| format!("{output}/{id}")).collect()
    }
}

/// `committing 12 documents a previous run wrote but did not commit`.
fn uncommitted_note(uncommitted: &Uncommitted) -> String {
    let written = plural(uncommitted.written.len(), "document");
    let removed = plural(uncommitted.removed.len(), "document");
    match (uncommitted.written.len(), uncommitted.removed.len()) {
        (_, 0) => format!("committing {written} a previous run wrote but did not commit"),
        (0, _) => {
            format!("committing the removal of {removed} a previous run removed but did not commit")
        }
        _ => format!(
            "committing {written} a previous run wrote and the removal of {removed} it removed, but did not commit"
        ),
    }
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

/// `would create …` / `would update …` / `would remove …`, one per line,
/// then `would commit …` for what is on disk but not in HEAD.
fn would_lines(changes: &Changes, uncommitted: &Uncommitted) -> String {
    let mut text = changes
        .changes
        .iter()
        .fold(String::new(), |mut text, change| {
            let _ = writeln!(text, "would {}", describe(change));
            text
        });
    for written in &uncommitted.written {
        let _ = writeln!(
            text,
            "would commit {} (written by an earlier run, not committed)",
            written.path
        );
    }
    for path in &uncommitted.removed {
        let _ = writeln!(
            text,
            "would commit the removal of {path} (removed by an earlier run, still committed)"
        );
    }
    text
}

fn report_check(
    context: &Context,
    plan: &DocumentPlan,
    changes: &Changes,
    uncommitted: &Uncommitted,
) -> u8 {
    if changes.changes.is_empty() && uncommitted.is_empty() {
        context.output.say(&format!(
            "{} up to date",
            plural(plan.documents.len(), "document")
        ));
        return 0;
    }
    let mut text = would_lines(changes, uncommitted);
    let _ = writeln!(
        text,
        "{} out of date; run `rolecall render` and commit the result",
        plural(changes.changes.len() + uncommitted.len(), "document")
    );
    crate::print(&text);
    1
}

fn report_dry_run(
    context: &Context,
    plan: &DocumentPlan,
    changes: &Changes,
    uncommitted: &Uncommitted,
) {
    crate::print(&would_lines(changes, uncommitted));
    context
        .output
        .say(&summary(plan, changes).replacen("rendered", "would render", 1));
    if !changes.changes.is_empty() || !uncommitted.is_empty() {
        context.output.say(&format!(
            "would commit: {}",
            subject(plan, changes, uncommitted)
        ));
    }
}

fn subject(plan: &DocumentPlan, changes: &Changes, uncommitted: &Uncommitted) -> String {
    let owners: HashMap<&str, Option<&str>> = plan
        .documents
        .iter()
        .map(|d| (d.path.as_str(), d.incident.as_deref()))
        .collect();
    let paths = changes
        .changes
        .iter()
        .map(Change::path)
        .chain(uncommitted.written.iter().map(|w| w.path.as_str()))
        .chain(uncommitted.removed.iter().map(String::as_str));
    let ids: BTreeSet<String> = paths
        .filter_map(|path| match owners.get(path) {
            Some(incident) => incident.map(str::to_owned),
            None => removed_from(path),
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
    uncommitted: Uncommitted,
    args: &'a RenderArgs,
) -> CommitRequest<'a> {
    let mut body: Vec<String> = changes.changes.iter().map(describe).collect();
    for written in &uncommitted.written {
        let verb = if written.replaces { "update" } else { "create" };
        body.push(format!("{verb} {}", written.path));
    }
    body.extend(
        uncommitted
            .removed
            .iter()
            .map(|path| format!("remove {path}")),
    );
    CommitRequest {
        no_commit: args.commit.no_commit,
        author: args.commit.author.as_deref(),
        subject: args
            .commit
            .message
            .clone()
            .unwrap_or_else(|| subject(plan, changes, &uncommitted)),
        body,
        uncommitted,
    }
}
