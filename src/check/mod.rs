//! `check`'s rules: each family in its own file, all run over every record
//! that loaded cleanly; findings are data, collected in one pass.
//!
//! Stage 2 of load → check → plan/render → write → commit. May import
//! `finding`, `yaml`, `model` and `load`; never `report`, `render`, `git`,
//! `commit` or `commands` (ARCHITECTURE.md; `tests/integration/architecture.rs`).

mod fold;
mod handovers;
mod ids;
mod roles;
mod timing;

use crate::finding::{Code, Finding};

use rayon::prelude::*;

use crate::load::{Record, Workspace};
use crate::model::{Config, Incident, Instant, Roster};

/// What every rule needs besides the record.
pub struct Rules<'a> {
    pub config: &'a Config,
    pub roster: Option<&'a Roster>,
    pub now: Instant,
}

/// One record under check, with a place to put findings.
pub struct Subject<'a> {
    pub file: &'a str,
    pub incident: &'a Incident,
    pub findings: Vec<Finding>,
}

impl Subject<'_> {
    pub fn push(
        &mut self,
        code: Code,
        pos: crate::yaml::Pos,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.findings
            .push(Finding::new(code, self.file, pos, message));
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// When the incident's span ends: `resolved_at`, or now while open.
    pub fn end(&self, now: Instant) -> Instant {
        self.incident.resolved_at.as_ref().map_or(now, |r| r.value)
    }
}

/// Runs every rule; returns the loading findings plus the rules' findings,
/// sorted by file, line, column and code.
pub fn run(workspace: &Workspace, now: Instant) -> Vec<Finding> {
    let mut findings = workspace.findings.clone();
    if !workspace.setup_failed {
        let rules = Rules {
            config: &workspace.config,
            roster: workspace.roster.as_ref(),
            now,
        };
        let per_record: Vec<Vec<Finding>> = workspace
            .records
            .par_iter()
            .filter_map(|record| {
                record
                    .incident
                    .as_ref()
                    .map(|i| check_record(&rules, record, i))
            })
            .collect();
        findings.extend(per_record.into_iter().flatten());
        findings.extend(ids::duplicates(workspace));
    }
    sort(&mut findings);
    findings
}

/// Sorts findings in the order every output uses.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// The rules for one record.
pub fn check_record(rules: &Rules<'_>, record: &Record, incident: &Incident) -> Vec<Finding> {
    let mut subject = Subject {
        file: &record.path,
        incident,
        findings: Vec::new(),
    };
    ids::invalid_id(&mut subject, &record.stem);
    roles::check(rules, &mut subject);
    handovers::check(rules, &mut subject);
    timing::check(rules, &mut subject);
    fold::fold(incident, subject.findings)
}
