//! Findings as a GitLab Code Quality report (SPEC §10.5): a JSON array of
//! issues that GitLab shows on a merge request, comparing fingerprints
//! with the target branch's report to tell new findings from old ones.

use std::collections::HashMap;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::sha1_digest::{self, Sha1};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// The report for `findings`, whose paths are relative to the repository's
/// top folder.
pub fn report(findings: &[Finding]) -> String {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = findings
        .iter()
        .map(|finding| {
            let occurrence = seen
                .entry((finding.code.as_str(), &finding.file, &finding.message))
                .or_insert(0);
            let issue = issue(finding, *occurrence);
            *occurrence += 1;
            issue
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

fn issue(finding: &Finding, occurrence: usize) -> Issue<'_> {
    let description = match &finding.help {
        Some(help) => format!("{} (help: {help})", finding.message),
        None => finding.message.clone(),
    };
    Issue {
        description,
        check_name: finding.code.as_str(),
        fingerprint: fingerprint(finding, occurrence),
        severity: match finding.severity {
            Severity::Error => "major",
            Severity::Warning => "minor",
        },
        location: Location {
            path: &finding.file,
            lines: Lines {
                begin: finding.line,
            },
        },
    }
}

/// A digest of what the finding is about, not where: the code, the file and
/// the message, and which of several equal findings in that file it is. A
/// finding keeps its fingerprint when lines above it are added or removed.
fn fingerprint(finding: &Finding, occurrence: usize) -> String {
    let mut digest = Sha1::new();
    for part in [finding.code.as_str(), &finding.file, &finding.message] {
        digest.update(part.as_bytes());
        digest.update(&[0]);
    }
    digest.update(occurrence.to_string().as_bytes());
    sha1_digest::hex(&digest.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Code, Pos};

    fn at(line: usize, message: &str) -> Finding {
        Finding::new(
            Code::MissingOwner,
            "incidents/A.yaml",
            Pos { line, column: 1 },
            message,
        )
    }

    #[test]
    fn a_fingerprint_ignores_the_line_but_not_the_message() {
        assert_eq!(fingerprint(&at(3, "a"), 0), fingerprint(&at(9, "a"), 0));
        assert_ne!(fingerprint(&at(3, "a"), 0), fingerprint(&at(3, "b"), 0));
        assert_ne!(fingerprint(&at(3, "a"), 0), fingerprint(&at(3, "a"), 1));
        assert_eq!(fingerprint(&at(3, "a"), 0).len(), 40);
    }

    #[test]
    fn equal_findings_get_distinct_fingerprints() {
        let text = report(&[at(3, "a"), at(5, "a")]);
        let issues: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);
        assert_eq!(issues[1]["location"]["lines"]["begin"], 5);
        assert_eq!(issues[0]["severity"], "major");
    }
}
