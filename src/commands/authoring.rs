//! What every command that edits a record shares: find the record, change
//! its text through [`record_edit`](crate::record_edit), read it back,
//! refuse when the change would give it more errors, render the incident's
//! documents, and commit record and documents together.

use std::fs;
use std::path::Path;

use crate::blob::Blob;
use crate::check::{self, Rules};
use crate::cli::CommitArgs;
use crate::commands::Context;
use crate::commands::render::plan_changes;
use crate::commit::{self, CommitRequest, Committed};
use crate::error::{Error, Result};
use crate::finding::{Code, Finding, Severity};
use crate::line_endings::Conversion;
use crate::load::{self, Record, Workspace};
use crate::model::{Incident, Instant};
use crate::record_edit::{EditError, Editor, Field, Value};
use crate::render::files::{Change, Previous};
use crate::report::plural;
use crate::suggest;

/// The record a command edits, as loaded.
pub struct Target<'w> {
    pub workspace: &'w Workspace,
    pub record: &'w Record,
    pub incident: &'w Incident,
    /// `--at`, or now in whole seconds.
    pub at: Instant,
}

/// What a command did to the record's text.
pub struct Edited {
    pub editor: Editor,
    /// One line saying what changed, printed after the edit.
    pub done: String,
    /// The commit subject unless `--message` replaces it.
    pub subject: String,
    /// A role given its first owner: its `missing-owner` narrowing into
    /// `vacant-role` is not a new error.
    pub first_owner_of: Option<String>,
}

/// The common options of an authoring command.
pub struct Request<'a> {
    pub id: &'a str,
    pub at: Option<Instant>,
    pub commit: &'a CommitArgs,
    /// What the change is called in a refusal: "the handover".
    pub what: &'a str,
}

/// Loads the project, edits the record `request.id` with `edit`, checks
/// that `confirm` holds of the record read back (before, after), and writes,
/// renders and commits.
pub fn run(
    context: &Context,
    request: &Request<'_>,
    edit: impl FnOnce(&Target<'_>) -> Result<Edited>,
    confirm: impl Fn(&Incident, &Incident) -> bool,
) -> Result<u8> {
    let mut workspace = load::load(&context.root, context.config.as_deref())?;
    if workspace.setup_failed {
        return Err(Error::Content(
            "the configuration or roster has errors; run `rolecall check`".to_owned(),
        ));
    }
    let index = find_record(&workspace, request.id)?;
    let now = Instant(jiff::Timestamp::now());
    let record = &workspace.records[index];
    let Some(incident) = &record.incident else {
        let own: Vec<Finding> = workspace
            .findings
            .iter()
            .filter(|f| f.file == record.path)
            .cloned()
            .collect();
        eprint!(
            "{}",
            show_findings(&own, &record.source, context.output.color_err)
        );
        return Err(Error::Content(format!(
            "{} has errors; run `rolecall check` and fix them first",
            record.path
        )));
    };
    let target = Target {
        workspace: &workspace,
        record,
        incident,
        at: request.at.unwrap_or_else(|| whole_seconds(now)),
    };
    let edited = edit(&target)?;
    let new_record = verify(context, &target, &edited, request.what, now, &confirm)?;
    let record_change = record_change(&context.root, record, edited.editor.text())?;
    workspace.records[index] = new_record;
    let (plan, mut changes) = plan_changes(&workspace, &[request.id.to_owned()])?;
    changes.changes.insert(0, record_change);
    let commit_request = CommitRequest {
        no_commit: request.commit.no_commit,
        author: request.commit.author.as_deref(),
        subject: request
            .commit
            .message
            .clone()
            .unwrap_or_else(|| edited.subject.clone()),
        body: changes
            .changes
            .iter()
            .map(|c| c.path().to_owned())
            .collect(),
        uncommitted: commit::Uncommitted::default(),
    };
    let committed = commit::write_and_commit(&context.root, &mut changes.changes, &commit_request)?;
    context.output.say(&edited.done);
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

/// Appends the timeline event `text` at `at`.
pub fn log_event(editor: &mut Editor, record: &Record, at: Instant, text: &str) -> Result<()> {
    let fields = [
        Field::new("at", Value::Raw(at.to_string())),
        Field::new("event", Value::Text(text.to_owned())),
    ];
    editor
        .append_item(&["timeline"], &fields)
        .map_err(|e| edit_failed(record, &e))
}

/// A refusal that changes nothing: the record is fine, the request is not.
pub fn refuse(text: &str) -> Error {
    Error::Content(format!("{text}; nothing was changed"))
}

/// An edit that could not be made, as the error a command returns.
pub fn edit_failed(record: &Record, error: &EditError) -> Error {
    Error::Content(format!(
        "{}: {error}; the file was left untouched",
        record.path
    ))
}

/// Reads the edited text back and refuses it when it would not load, does
/// not read back as the change, or has errors the record did not have.
fn verify(
    context: &Context,
    target: &Target<'_>,
    edited: &Edited,
    what: &str,
    now: Instant,
    confirm: &impl Fn(&Incident, &Incident) -> bool,
) -> Result<Record> {
    let record = target.record;
    let text = edited.editor.text();
    let (new_record, load_findings) =
        load::read_source(&record.path, &record.stem, text, &target.workspace.config);
    let Some(new_incident) = &new_record.incident else {
        eprint!(
            "{}",
            show_findings(&load_findings, text, context.output.color_err)
        );
        return Err(Error::Content(format!(
            "{what} would leave a record that does not load; {} was left untouched",
            record.path
        )));
    };
    if !confirm(target.incident, new_incident) {
        return Err(Error::Content(format!(
            "the edit did not read back as {what}; {} was left untouched",
            record.path
        )));
    }
    let rules = Rules {
        config: &target.workspace.config,
        roster: target.workspace.roster.as_ref(),
        now,
    };
    let gained = gained_errors(
        &rules,
        (record, target.incident),
        (&new_record, new_incident),
        edited.first_owner_of.as_deref(),
    );
    if !gained.is_empty() {
        eprint!("{}", show_findings(&gained, text, context.output.color_err));
        let codes: Vec<&str> = gained.iter().map(|f| f.code.as_str()).collect();
        return Err(Error::Content(format!(
            "{what} would add {} ({}) to {} (lines above as the edited record would have them); the file was left untouched",
            plural(gained.len(), "error"),
            codes.join(", "),
            record.path
        )));
    }
    Ok(new_record)
}

/// Errors the edited record has that the record on disk did not. Giving a
/// role its first owner turns `missing-owner` into `vacant-role` (nobody
/// held it before the new shift): that narrows an error, it is not a new one.
fn gained_errors(
    rules: &Rules<'_>,
    (old_record, old): (&Record, &Incident),
    (new_record, new): (&Record, &Incident),
    first_owner_of: Option<&str>,
) -> Vec<Finding> {
    let errors = |record, incident| -> Vec<Finding> {
        check::check_record(rules, record, incident)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect()
    };
    let before = errors(old_record, old);
    let first_shift = first_owner_of.and_then(|role| {
        new.role(role)
            .and_then(|r| r.shifts.first())
            .map(|s| s.pos)
            .filter(|_| old.role(role).is_none_or(|r| r.shifts.is_empty()))
    });
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
/// into records. Truncated, not rounded: a timestamp of "now" must not lie
/// after the `now` it is checked against.
pub fn whole_seconds(now: Instant) -> Instant {
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

/// `word` when it is one of `names`, else a usage error naming `flag`,
/// with a did-you-mean.
pub fn one_of<'n>(
    flag: &str,
    word: &str,
    names: impl IntoIterator<Item = &'n str> + Clone,
) -> Result<()> {
    if names.clone().into_iter().any(|n| n == word) {
        return Ok(());
    }
    let help = suggest::did_you_mean(word, names.clone()).unwrap_or_else(|| {
        format!(
            "one of: {}",
            names.into_iter().collect::<Vec<_>>().join(", ")
        )
    });
    Err(Error::Usage(format!("{flag} {word}: unknown; {help}")))
}

/// A person the roster knows, when there is a roster.
pub fn known_person(workspace: &Workspace, person: &str) -> Result<()> {
    if person.trim().is_empty() {
        return Err(Error::Usage("the person is empty".to_owned()));
    }
    if let Some(roster) = workspace
        .roster
        .as_ref()
        .filter(|r| r.get(person).is_none())
    {
        let help = suggest::did_you_mean(person, roster.keys())
            .unwrap_or_else(|| "add them to the roster first".to_owned());
        return Err(Error::Usage(format!(
            "`{person}` is not in the roster; {help}"
        )));
    }
    Ok(())
}

/// A role of the catalogue.
pub fn known_role<'w>(
    workspace: &'w Workspace,
    role: &str,
) -> Result<&'w crate::model::config::RoleDef> {
    let config = &workspace.config;
    config.role(role).ok_or_else(|| {
        let help = suggest::did_you_mean(role, config.roles.keys().map(String::as_str))
            .unwrap_or_else(|| "`rolecall roles` lists the roles".to_owned());
        Error::Usage(format!("unknown role `{role}`; {help}"))
    })
}

/// Findings about `text` — a record not yet on disk — as rustc-style
/// diagnostics showing the lines of `text` itself.
pub fn show_findings(findings: &[Finding], text: &str, color: bool) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::report::diagnostics(findings, color, |_| Some(text.to_owned()))
}

/// A record text about to be written, read back as `check` reads it and
/// checked at `now`: the record and its findings, or, when it has errors
/// other than `allowed`, those errors shown against `text` and the refusal
/// `refusal` names.
pub fn check_new_record(
    context: &Context,
    workspace: &Workspace,
    (rel, id, text): (&str, &str, &str),
    now: Instant,
    allowed: &[Code],
    refusal: impl FnOnce() -> String,
) -> Result<(Record, Vec<Finding>)> {
    let (record, mut findings) = load::read_source(rel, id, text, &workspace.config);
    if let Some(incident) = &record.incident {
        let rules = Rules {
            config: &workspace.config,
            roster: workspace.roster.as_ref(),
            now,
        };
        findings.extend(check::check_record(&rules, &record, incident));
    }
    let errors: Vec<Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && !allowed.contains(&f.code))
        .cloned()
        .collect();
    if errors.is_empty() {
        return Ok((record, findings));
    }
    eprint!("{}", show_findings(&errors, text, context.output.color_err));
    Err(Error::Content(refusal()))
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

    #[test]
    fn whole_seconds_truncates() {
        let now = Instant::parse("2026-11-20T10:30:00.999Z").unwrap();
        assert_eq!(whole_seconds(now).to_string(), "2026-11-20T10:30:00Z");
    }
}
