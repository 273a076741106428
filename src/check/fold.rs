//! Findings that follow from one mistake are folded into the finding about
//! that mistake: a `resolved_at` before `started_at` puts every later shift,
//! update and timeline event "after the incident's end", and listing each
//! of them would bury the one line to fix (and pass GitHub's limit of ten
//! annotations per step).

use crate::finding::{Code, Finding};
use crate::model::{Incident, Instant};
use crate::yaml::Pos;

/// `findings` of `incident` with the consequences of a `resolved_at` before
/// `started_at` folded into its `time-order` finding.
pub fn fold(incident: &Incident, findings: Vec<Finding>) -> Vec<Finding> {
    let Some(resolved) = incident
        .resolved_at
        .as_ref()
        .filter(|r| r.value < incident.started_at.value)
    else {
        return findings;
    };
    let after_end = after(incident, resolved.value);
    let root = (resolved.pos.line, resolved.pos.column);
    let follows = |f: &Finding| {
        matches!(f.code, Code::HandoverOutOfRange | Code::TimelineOrder)
            && after_end.contains(&(f.line, f.column))
    };
    let mut folded: Vec<usize> = findings
        .iter()
        .filter(|f| follows(f))
        .map(|f| f.line)
        .collect();
    if folded.is_empty() || !findings.iter().any(|f| is_root(f, root)) {
        return findings;
    }
    folded.sort_unstable();
    folded.dedup();
    let lines = folded
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    findings
        .into_iter()
        .filter(|f| !follows(f))
        .map(|mut f| {
            if is_root(&f, root) {
                f.help = Some(format!(
                    "fix `resolved_at`: it also puts the entries on lines {lines} after the incident's end, which are not reported one by one"
                ));
            }
            f
        })
        .collect()
}

fn is_root(finding: &Finding, (line, column): (usize, usize)) -> bool {
    finding.code == Code::TimeOrder && (finding.line, finding.column) == (line, column)
}

/// Where the shifts, updates and events later than `end` are written
/// (the places their findings sit).
fn after(incident: &Incident, end: Instant) -> Vec<(usize, usize)> {
    let mut places: Vec<Pos> = Vec::new();
    for role in &incident.roles {
        places.extend(
            role.shifts
                .iter()
                .filter_map(|s| s.from.as_ref())
                .filter(|from| from.value > end)
                .map(|from| from.pos),
        );
    }
    places.extend(
        incident
            .timeline
            .iter()
            .filter(|e| e.at.value > end)
            .map(|e| e.pos),
    );
    places.extend(
        incident
            .updates()
            .iter()
            .filter(|u| u.at.value > end)
            .map(|u| u.pos),
    );
    places.into_iter().map(|p| (p.line, p.column)).collect()
}
