//! `rolecall import`: records from a PagerDuty or incident.io export, each
//! re-read and checked before anything is written; never over an existing
//! record.

use crate::blob::Blob;
use crate::cli::{ImportArgs, ImportTool};
use crate::commands::Context;
use crate::commit::{self, CommitRequest};
use crate::error::{Error, Result};
use crate::finding::{Code, Finding, Severity};
use crate::import::{self, Draft, Mapping, People, Tool};
use crate::line_endings::Conversion;
use crate::load::{self, Workspace};
use crate::model::{Instant, is_valid_key};
use crate::render::files::{Change, Previous};

/// The errors an imported record may have: the roles and people the
/// source never had, which `check` then reports.
const ALLOWED: &[Code] = &[Code::MissingOwner, Code::VacantRole, Code::UnknownPerson];

pub fn run(context: &Context, args: &ImportArgs) -> Result<u8> {
    let (tool, command) = match args.tool {
        ImportTool::Pagerduty => (Tool::PagerDuty, "pagerduty"),
        ImportTool::Incidentio => (Tool::IncidentIo, "incidentio"),
    };
    let workspace = load::load(&context.root, context.config.as_deref())?;
    if workspace.setup_failed {
        return Err(Error::Content(
            "the configuration or roster has errors; run `rolecall check`".to_owned(),
        ));
    }
    let file = context.root.join(&args.file);
    let bytes = std::fs::read(&file).map_err(|source| Error::Read {
        path: file.clone(),
        source,
    })?;
    let map_text = args
        .severity_map
        .as_deref()
        .unwrap_or(tool.default_severity_map());
    let severities =
        import::severity_map(map_text, &workspace.config).map_err(|e| Error::Usage(e.0))?;
    let mapping = Mapping {
        config: &workspace.config,
        people: People {
            roster: workspace.roster.as_ref(),
        },
        severities,
    };
    let imported = import::import(tool, &bytes, &mapping).map_err(|e| {
        Error::Usage(format!(
            "{}: not a {} export rolecall can read: {e}",
            args.file.display(),
            tool.name()
        ))
    })?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    let planned = plan(
        &workspace,
        &imported.drafts,
        &args.file.display().to_string(),
    )?;
    let now = Instant(jiff::Timestamp::now());
    let mut reports = Vec::new();
    for (draft, rel) in &planned {
        let text = import::to_yaml(draft, command);
        let findings = verify(context, &workspace, rel, &draft.id, &text, now)?;
        reports.push((rel.clone(), text, findings));
    }
    if args.dry_run {
        for (rel, _, findings) in &reports {
            context
                .output
                .say(&format!("would write {rel}{}", remaining(findings)));
        }
        return Ok(0);
    }
    let mut changes: Vec<Change> = Vec::with_capacity(reports.len());
    for (rel, text, _) in &reports {
        let blob = Blob::new(text.as_bytes()).map_err(|source| Error::Write {
            path: context.root.join(rel),
            source,
        })?;
        changes.push(Change::Write {
            path: rel.clone(),
            content: Some(blob),
            previous: Previous::Absent,
            conversion: Conversion::None,
        });
    }
    let request = CommitRequest {
        no_commit: true,
        author: None,
        subject: String::new(),
        body: Vec::new(),
        uncommitted: commit::Uncommitted::default(),
    };
    commit::write_and_commit(&context.root, &mut changes, &request)?;
    for (rel, _, findings) in &reports {
        context
            .output
            .say(&format!("wrote {rel}{}", remaining(findings)));
    }
    context.output.say(&format!(
        "imported {}; run `rolecall check` for what they still lack",
        crate::report::plural(reports.len(), "record")
    ));
    Ok(0)
}

/// Where each draft goes; refuses (exit 1, naming each) when a record
/// with its id exists, and (exit 2) ids that cannot be file names.
fn plan<'d>(
    workspace: &Workspace,
    drafts: &'d [Draft],
    file: &str,
) -> Result<Vec<(&'d Draft, String)>> {
    let mut planned: Vec<(&Draft, String)> = Vec::new();
    let mut taken = Vec::new();
    for draft in drafts {
        if !is_valid_key(&draft.id) {
            return Err(Error::Usage(format!(
                "{file}: `{}` cannot be a record id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)",
                draft.id
            )));
        }
        if planned.iter().any(|(d, _)| d.id == draft.id) {
            return Err(Error::Usage(format!(
                "{file}: the export holds incident {} twice",
                draft.id
            )));
        }
        let rel = crate::rel_path::relative(
            &workspace.root,
            &workspace.incidents_dir().join(format!("{}.yaml", draft.id)),
        );
        let existing = workspace
            .records
            .iter()
            .find(|r| r.stem.eq_ignore_ascii_case(&draft.id))
            .map(|r| r.path.clone())
            .or_else(|| workspace.root.join(&rel).exists().then(|| rel.clone()));
        if let Some(path) = existing {
            taken.push(format!("{} is already recorded in {path}", draft.id));
        }
        planned.push((draft, rel));
    }
    if !taken.is_empty() {
        for line in &taken {
            eprintln!("{line}");
        }
        return Err(Error::Content(format!(
            "{} already exist; rolecall never overwrites a record, nothing was written",
            crate::report::plural(taken.len(), "record")
        )));
    }
    Ok(planned)
}

/// Re-reads the text as `check` would and runs the rules on it; refuses
/// when it has errors other than the ones an import may leave.
fn verify(
    context: &Context,
    workspace: &Workspace,
    rel: &str,
    id: &str,
    text: &str,
    now: Instant,
) -> Result<Vec<Finding>> {
    let (_, findings) = super::authoring::check_new_record(
        context,
        workspace,
        (rel, id, text),
        now,
        ALLOWED,
        || {
            format!(
                "the record imported as {rel} would not pass `check` (lines above as it would be written); nothing was written"
            )
        },
    )?;
    Ok(findings)
}

/// `: check reports missing-owner ×2, unknown-person`, or nothing.
fn remaining(findings: &[Finding]) -> String {
    let mut codes: Vec<(&str, usize)> = Vec::new();
    for finding in findings.iter().filter(|f| f.severity == Severity::Error) {
        match codes.iter_mut().find(|(c, _)| *c == finding.code.as_str()) {
            Some((_, n)) => *n += 1,
            None => codes.push((finding.code.as_str(), 1)),
        }
    }
    if codes.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = codes
        .iter()
        .map(|&(code, n)| {
            if n == 1 {
                code.to_owned()
            } else {
                format!("{code} ×{n}")
            }
        })
        .collect();
    format!(" (check will report {})", listed.join(", "))
}
