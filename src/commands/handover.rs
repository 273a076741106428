//! `rolecall handover ID ROLE --to PERSON`: append a shift to the record
//! (changing only that role's bytes), re-check it, render the incident's
//! documents, and commit record and documents together.

use crate::check::{self, Finding, Rules, Severity};
use crate::cli::HandoverArgs;
use crate::commands::Context;
use crate::commands::render::plan_changes;
use crate::commit::{self, CommitRequest, Committed};
use crate::error::{Error, Result};
use crate::load::{self, Workspace};
use crate::model::{Incident, Instant};
use crate::record_edit::{self, NewShift};
use crate::render::files::Change;
use crate::report::{self, Format, Summary, plural};
use crate::suggest;

pub fn run(context: &Context, args: &HandoverArgs) -> Result<u8> {
    let mut workspace = load::load(&context.root, context.config.as_deref())?;
    if workspace.setup_failed {
        return Err(Error::Content("the configuration or roster has errors; run `rolecall check`".to_owned()));
    }
    let index = find_record(&workspace, &args.id)?;
    let record = &workspace.records[index];
    let Some(incident) = &record.incident else {
        return Err(Error::Content(format!("{} has errors; run `rolecall check` and fix them first", record.path)));
    };
    super::validate_assignment(&workspace, &args.role, &args.to)?;
    let now = Instant(jiff::Timestamp::now());
    let at = args.at.unwrap_or_else(|| Instant(now.0.round(jiff::Unit::Second).unwrap_or(now.0)));
    let shift = NewShift { owner: &args.to, from: at, note: args.note.as_deref() };
    let edited = edit(record, &args.role, &shift)?;
    let (new_record, load_findings) = load::read_source(&record.path, &record.stem, &edited, &workspace.config);
    let Some(new_incident) = &new_record.incident else {
        return Err(Error::Content(format!("the edited record would not load ({load_findings:?}); {} was left untouched", record.path)));
    };
    confirm_shift_added(incident, new_incident, &args.role, &args.to)?;
    refuse_new_errors(context, &workspace, record, incident, &new_record, new_incident, now)?;
    let previous = record.source.clone().into_bytes();
    let path = record.path.clone();
    let from = incident.role(&args.role).and_then(|r| r.shifts.last()).map(|s| s.owner.value.clone());
    workspace.records[index] = new_record;
    let (plan, mut changes) = plan_changes(&workspace, std::slice::from_ref(&args.id))?;
    changes.changes.insert(0, Change::Write { path: path.clone(), content: edited.into_bytes(), previous: Some(previous) });
    let subject = args.commit.message.clone().unwrap_or_else(|| {
        format!("rolecall: hand {} of {} to {}", args.role, args.id, args.to)
    });
    let request = CommitRequest {
        no_commit: args.commit.no_commit,
        author: args.commit.author.as_deref(),
        subject,
        body: changes.changes.iter().map(|c| c.path().to_owned()).collect(),
    };
    let committed = commit::write_and_commit(&context.root, &changes.changes, &request)?;
    let handed = match from {
        Some(from) => format!("handed {} of {} from {from} to {} at {at}", args.role, args.id, args.to),
        None => format!("gave {} of {} to {} from {at}", args.role, args.id, args.to),
    };
    context.output.say(&handed);
    context.output.say(&format!(
        "updated {path}; rendered {} for 1 incident: {} written, {} unchanged, {} removed",
        plural(plan.documents.len(), "document"),
        changes.written().saturating_sub(1),
        changes.unchanged,
        changes.removed()
    ));
    if let Committed::Commit { info } = committed {
        context.output.say(&format!("committed {} {}", info.short_id, info.subject));
    }
    Ok(0)
}

/// The record whose id (or file stem) is `id`.
fn find_record(workspace: &Workspace, id: &str) -> Result<usize> {
    let found = workspace
        .records
        .iter()
        .position(|r| r.incident.as_ref().map_or(r.stem == id, |i| i.id == id));
    found.ok_or_else(|| {
        let ids = workspace.records.iter().map(|r| r.stem.as_str());
        let help = suggest::did_you_mean(id, ids).unwrap_or_else(|| "`rolecall status` lists the incidents".to_owned());
        Error::Usage(format!("no incident has the id {id}; {help}"))
    })
}

fn edit(record: &load::Record, role: &str, shift: &NewShift<'_>) -> Result<String> {
    let root = crate::yaml::parse(record.source.as_bytes())
        .ok()
        .flatten()
        .ok_or_else(|| Error::Content(format!("{} could not be parsed again", record.path)))?;
    record_edit::append_shift(&record.source, &root, role, shift)
        .map_err(|e| Error::Content(format!("{}: {e}; the file was left untouched", record.path)))
}

/// Re-reading the edited text must show exactly one more shift, the new one.
fn confirm_shift_added(before: &Incident, after: &Incident, role: &str, to: &str) -> Result<()> {
    let count = |i: &Incident| i.role(role).map_or(0, |r| r.shifts.len());
    let last = after.role(role).and_then(|r| r.shifts.last()).map(|s| s.owner.value.as_str());
    if count(after) == count(before) + 1 && last == Some(to) {
        return Ok(());
    }
    Err(Error::Content("the edit did not read back as the new shift; the record was left untouched".to_owned()))
}

/// Refuses a handover that gives the record an error it did not have.
fn refuse_new_errors(
    context: &Context,
    workspace: &Workspace,
    old_record: &load::Record,
    old: &Incident,
    new_record: &load::Record,
    new: &Incident,
    now: Instant,
) -> Result<()> {
    let rules = Rules { config: &workspace.config, roster: workspace.roster.as_ref(), now };
    let errors = |record, incident| -> Vec<Finding> {
        check::check_record(&rules, record, incident).into_iter().filter(|f| f.severity == Severity::Error).collect()
    };
    let before = errors(old_record, old);
    let gained: Vec<Finding> = errors(new_record, new)
        .into_iter()
        .filter(|f| !before.iter().any(|b| b.code == f.code && b.message == f.message))
        .collect();
    if gained.is_empty() {
        return Ok(());
    }
    let summary = Summary::new(1, &gained);
    let shown = report::render(Format::Human, &gained, &summary, &context.root, context.output.color_err);
    eprint!("{}", shown.replace(&summary.line(), ""));
    Err(Error::Content(format!(
        "the handover would add {} to {}; the file was left untouched",
        plural(gained.len(), "error"),
        old_record.path
    )))
}
