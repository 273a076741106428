//! `rolecall handover ID ROLE --to PERSON`: append a shift to the record
//! (changing only that role's bytes), re-check it, render the incident's
//! documents, and commit record and documents together.

use std::fs;
use std::path::Path;

use crate::blob::Blob;
use crate::check::{self, Rules};
use crate::cli::HandoverArgs;
use crate::commands::Context;
use crate::commands::render::plan_changes;
use crate::commit::{self, CommitRequest, Committed};
use crate::error::{Error, Result};
use crate::finding::{Code, Finding, Severity};
use crate::line_endings::Conversion;
use crate::load::{self, Record, Workspace};
use crate::model::{Incident, Instant};
use crate::record_edit::{self, NewShift};
use crate::render::files::{Change, Previous};
use crate::report::plural;
use crate::suggest;

/// The record as the handover leaves it, checked and ready to write.
struct Edited {
    record: Record,
    text: String,
    /// Who held the role before, when someone did.
    from: Option<String>,
}

pub fn run(context: &Context, args: &HandoverArgs) -> Result<u8> {
    let mut workspace = load::load(&context.root, context.config.as_deref())?;
    if workspace.setup_failed {
        return Err(Error::Content(
            "the configuration or roster has errors; run `rolecall check`".to_owned(),
        ));
    }
    let index = find_record(&workspace, &args.id)?;
    super::validate_assignment(&workspace, &args.role, &args.to)?;
    let now = Instant(jiff::Timestamp::now());
    let at = args.at.unwrap_or_else(|| whole_seconds(now));
    let record = &workspace.records[index];
    let edited = edit_record(context, &workspace, record, args, at, now)?;
    let record_change = record_change(&context.root, record, &edited.text)?;
    workspace.records[index] = edited.record;
    let (plan, mut changes) = plan_changes(&workspace, std::slice::from_ref(&args.id))?;
    changes.changes.insert(0, record_change);
    let request = CommitRequest {
        no_commit: args.commit.no_commit,
        author: args.commit.author.as_deref(),
        subject: args.commit.message.clone().unwrap_or_else(|| {
            format!("rolecall: hand {} of {} to {}", args.role, args.id, args.to)
        }),
        body: changes
            .changes
            .iter()
            .map(|c| c.path().to_owned())
            .collect(),
        uncommitted: commit::Uncommitted::default(),
    };
    let committed = commit::write_and_commit(&context.root, &mut changes.changes, &request)?;
    let handed = match edited.from {
        Some(from) => format!(
            "handed {} of {} from {from} to {} at {at}",
            args.role, args.id, args.to
        ),
        None => format!("gave {} of {} to {} from {at}", args.role, args.id, args.to),
    };
    context.output.say(&handed);
    context.output.say(&format!(
        "updated {}; rendered {} for 1 incident: {} written, {} unchanged, {} removed",
        changes.changes[0].path(),
        plural(plan.documents.len(), "document"),
        changes.written().saturating_sub(1),
        changes.unchanged,
        changes.removed()
    ));
    match committed {
        Committed::Commit { info } => context
            .output
            .say(&format!("committed {} {}", info.short_id, info.subject)),
        Committed::NoRepository => context
            .output
            .say("not committed: not inside a git work tree"),
        _ => {}
    }
    Ok(0)
}

/// Writing the edited record over the file as it is on disk, keeping a
/// byte-order mark the file starts with (the loaded text has none).
fn record_change(root: &Path, record: &Record, edited: &str) -> Result<Change> {
    let path = root.join(&record.path);
    let on_disk = fs::read(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    if load::source_text(&on_disk) != record.source {
        return Err(Error::Write {
            path,
            source: std::io::Error::other(
                "it changed while rolecall was reading it; nothing was written, run rolecall again",
            ),
        });
    }
    let bom = if on_disk.starts_with("\u{feff}".as_bytes()) {
        "\u{feff}"
    } else {
        ""
    };
    let content = Blob::new(format!("{bom}{edited}").as_bytes())
        .map_err(|source| Error::Write { path, source })?;
    Ok(Change::Write {
        path: record.path.clone(),
        content: Some(content),
        previous: Previous::Held(on_disk),
        // The record's bytes are kept as they are, line endings included.
        conversion: Conversion::None,
    })
}

/// `now` without its fraction of a second, for timestamps rolecall writes
/// into records. Truncated, not rounded: a shift that starts at "now"
/// must not start after the `now` it is checked against.
pub(super) fn whole_seconds(now: Instant) -> Instant {
    let truncate = jiff::TimestampRound::new()
        .smallest(jiff::Unit::Second)
        .mode(jiff::RoundMode::Trunc);
    Instant(now.0.round(truncate).unwrap_or(now.0))
}

/// The record whose id (or file stem) is `id`.
fn find_record(workspace: &Workspace, id: &str) -> Result<usize> {
    let found = workspace
        .records
        .iter()
        .position(|r| r.incident.as_ref().map_or(r.stem == id, |i| i.id == id));
    found.ok_or_else(|| {
        let ids = workspace.records.iter().map(|r| {
            r.incident
                .as_ref()
                .map_or(r.stem.as_str(), |i| i.id.as_str())
        });
        let help = suggest::did_you_mean(id, ids)
            .unwrap_or_else(|| "`rolecall status` lists the incidents".to_owned());
        Error::Usage(format!("no incident has the id {id}; {help}"))
    })
}

/// Appends the shift to the record's text, reads the result back and
/// refuses it when it would not load or would give the record an error.
fn edit_record(
    context: &Context,
    workspace: &Workspace,
    record: &Record,
    args: &HandoverArgs,
    at: Instant,
    now: Instant,
) -> Result<Edited> {
    let Some(incident) = &record.incident else {
        return Err(Error::Content(format!(
            "{} has errors; run `rolecall check` and fix them first",
            record.path
        )));
    };
    let shift = NewShift {
        owner: &args.to,
        from: at,
        note: args.note.as_deref(),
    };
    let text = append(record, &args.role, &shift)?;
    let (new_record, load_findings) =
        load::read_source(&record.path, &record.stem, &text, &workspace.config);
    let Some(new_incident) = &new_record.incident else {
        eprint!(
            "{}",
            show_findings(&load_findings, &text, context.output.color_err)
        );
        return Err(Error::Content(format!(
            "the edited record would not load; {} was left untouched",
            record.path
        )));
    };
    confirm_shift_added(incident, new_incident, &args.role, &args.to)?;
    let rules = Rules {
        config: &workspace.config,
        roster: workspace.roster.as_ref(),
        now,
    };
    let gained = gained_errors(
        &rules,
        record,
        incident,
        &new_record,
        new_incident,
        &args.role,
    );
    if !gained.is_empty() {
        eprint!(
            "{}",
            show_findings(&gained, &text, context.output.color_err)
        );
        return Err(Error::Content(format!(
            "the handover would add {} to {} (lines above as the edited record would have them); the file was left untouched",
            plural(gained.len(), "error"),
            record.path
        )));
    }
    let from = incident
        .role(&args.role)
        .and_then(|r| r.shifts.last())
        .map(|s| s.owner.value.clone());
    Ok(Edited {
        record: new_record,
        text,
        from,
    })
}

fn append(record: &Record, role: &str, shift: &NewShift<'_>) -> Result<String> {
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
    let last = after
        .role(role)
        .and_then(|r| r.shifts.last())
        .map(|s| s.owner.value.as_str());
    if count(after) == count(before) + 1 && last == Some(to) {
        return Ok(());
    }
    Err(Error::Content(
        "the edit did not read back as the new shift; the record was left untouched".to_owned(),
    ))
}

/// Errors the edited record has that the record on disk did not. Giving a
/// role its first owner turns `missing-owner` into `vacant-role` (nobody
/// held it before the new shift): that narrows an error, it is not a new one.
fn gained_errors(
    rules: &Rules<'_>,
    old_record: &Record,
    old: &Incident,
    new_record: &Record,
    new: &Incident,
    role: &str,
) -> Vec<Finding> {
    let errors = |record, incident| -> Vec<Finding> {
        check::check_record(rules, record, incident)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect()
    };
    let before = errors(old_record, old);
    let first_shift = new
        .role(role)
        .and_then(|r| r.shifts.first())
        .map(|s| s.pos)
        .filter(|_| old.role(role).is_none_or(|r| r.shifts.is_empty()));
    errors(new_record, new)
        .into_iter()
        .filter(|f| {
            !before
                .iter()
                .any(|b| b.code == f.code && b.message == f.message)
        })
        .filter(|f| {
            !(f.code == Code::VacantRole
                && first_shift.is_some_and(|p| (p.line, p.column) == (f.line, f.column)))
        })
        .collect()
}

/// Findings about `text` — a record not yet on disk — as rustc-style
/// diagnostics showing the lines of `text` itself.
pub(super) fn show_findings(findings: &[Finding], text: &str, color: bool) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::report::diagnostics(findings, color, |_| Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Pos;

    #[test]
    fn findings_show_the_line_of_the_text_given() {
        let finding = Finding::new(
            Code::HandoverToSelf,
            "incidents/A.yaml",
            Pos { line: 2, column: 5 },
            "to self",
        );
        let shown = show_findings(&[finding], "a: 1\n  - owner: carol\n", false);
        assert!(shown.contains("2 |   - owner: carol"), "{shown}");
        assert!(shown.contains("^^^^^"), "{shown}");
    }
}
