//! Findings as one SARIF 2.1.0 log (SPEC §10.5), the format GitHub code
//! scanning reads: one run of the `rolecall` driver, one rule per finding
//! code, one result per finding with its place in the repository.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::finding::{Code, Finding, Severity};

/// The schema the log declares; the one it is tested against is vendored
/// under `tests/schemas/`.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The log for `findings`, whose paths are relative to the repository's
/// top folder (SARIF's `%SRCROOT%`).
pub fn log(findings: &[Finding]) -> String {
    let rules: Vec<Value> = Code::ALL.iter().map(|&code| rule(code)).collect();
    let results: Vec<Value> = findings.iter().map(result).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolecall",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.as_str(),
        "name": rule_name(code),
        "shortDescription": {"text": code.summary()},
        "help": {"text": code.help()},
        "defaultConfiguration": {"level": level(code.severity())},
    })
}

/// `missing-owner` as SARIF's customary `MissingOwner`.
fn rule_name(code: Code) -> String {
    code.as_str()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn result(finding: &Finding) -> Value {
    let rule_index = Code::ALL.iter().position(|&c| c == finding.code);
    let mut text = finding.message.clone();
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    json!({
        "ruleId": finding.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(&finding.file), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": finding.line, "startColumn": finding.column},
        }}],
    })
}

/// A relative path as a URI reference: each byte outside RFC 3986's
/// unreserved set and `/` percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Pos;

    #[test]
    fn rule_names_are_camel_case() {
        assert_eq!(rule_name(Code::MissingOwner), "MissingOwner");
        assert_eq!(rule_name(Code::Syntax), "Syntax");
        assert_eq!(
            rule_name(Code::ResponderInExclusiveRole),
            "ResponderInExclusiveRole"
        );
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("incidents/INC-1.yaml"), "incidents/INC-1.yaml");
        assert_eq!(
            uri("my incidents/ä#1.yaml"),
            "my%20incidents/%C3%A4%231.yaml"
        );
    }

    #[test]
    fn a_result_points_at_its_rule_and_place() {
        let finding = Finding::new(
            Code::UpdateGap,
            "incidents/A.yaml",
            Pos { line: 7, column: 3 },
            "updates 2h apart",
        )
        .help("post more often");
        let value = result(&finding);
        let index = value["ruleIndex"].as_u64().expect("an index");
        assert_eq!(
            Code::ALL[usize::try_from(index).expect("small")],
            Code::UpdateGap
        );
        assert_eq!(value["level"], "warning");
        assert_eq!(
            value["message"]["text"],
            "updates 2h apart\nhelp: post more often"
        );
        let region = &value["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(7), Some(3))
        );
    }
}
