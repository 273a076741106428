//! `check --format sarif` and `check --format gitlab` (SPEC §10.5): the
//! SARIF log validates against the OASIS SARIF 2.1.0 schema vendored
//! under `tests/schemas/`, names a rule for every finding code, and places
//! results relative to the repository's top folder; the Code Quality
//! report carries GitLab's fields with fingerprints that survive lines
//! moving.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::check_codes::{check_json, clean_with};
use crate::harness::{Project, Run};

/// A record with an error (`missing-owner`, line 6) and a warning
/// (`postmortem-overdue`).
fn two_findings() -> String {
    clean_with(
        "  communications_manager: carol\n",
        "  # who writes the updates?\n",
    )
    .replace("  status: done\n", "  status: pending\n  due: 2026-11-20\n")
}

fn parse(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

fn sarif_schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vendored schema")).expect("JSON")
}

fn sarif_errors(log: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&sarif_schema()).expect("a valid schema");
    validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The finding codes of the README's findings table, in its order.
fn readme_codes() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let table = readme
        .split("\n## Findings\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Findings section");
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(code, _)| code.to_owned())
        .collect()
}

#[test]
fn the_sarif_log_is_valid_sarif_2_1_0() {
    let project = Project::git();
    project.record("INC-1", &two_findings());
    let run = project.check(&["--format", "sarif"]);
    run.code(1);
    let log = parse(&run);
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "rolecall");
    assert_eq!(run.stderr, "");
    // A clean project gives a valid log with no results, and exit 0.
    let clean = Project::git();
    clean.record("INC-1", crate::harness::CLEAN_RECORD);
    let run = clean.check(&["--format", "sarif"]);
    run.code(0);
    let log = parse(&run);
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn the_vendored_schema_rejects_a_broken_log() {
    // The validation above can fail: the same log without its version, or
    // with a level SARIF does not know, is refused.
    let project = Project::git();
    project.record("INC-1", &two_findings());
    let mut log = parse(&project.check(&["--format", "sarif"]));
    let mut unversioned = log.clone();
    unversioned
        .as_object_mut()
        .expect("an object")
        .remove("version");
    assert!(!sarif_errors(&unversioned).is_empty());
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!sarif_errors(&log).is_empty());
}

#[test]
fn every_finding_code_is_a_rule_with_its_help() {
    let project = Project::git();
    project.record("INC-1", &two_findings());
    let log = parse(&project.check(&["--format", "sarif"]));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, readme_codes());
    assert!(ids.len() >= 20, "{ids:?}");
    for rule in rules {
        for key in ["shortDescription", "help"] {
            let text = rule[key]["text"].as_str().unwrap_or_default();
            assert!(text.len() > 10, "{key} of {rule}");
        }
        let level = rule["defaultConfiguration"]["level"].as_str();
        assert!(matches!(level, Some("error" | "warning")), "{rule}");
    }
    let distinct: BTreeSet<&str> = rules
        .iter()
        .filter_map(|r| r["help"]["text"].as_str())
        .collect();
    assert_eq!(distinct.len(), rules.len(), "help texts repeat");
}

#[test]
fn sarif_results_say_what_the_json_format_says() {
    let project = Project::git();
    project.record("INC-1", &two_findings());
    let (_, found) = check_json(&project, &[]);
    let log = parse(&project.check(&["--format", "sarif"]));
    let rules = &log["runs"][0]["tool"]["driver"]["rules"];
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), found.len());
    assert_eq!(found.len(), 2, "{found:?}");
    for (result, finding) in results.iter().zip(&found) {
        assert_eq!(result["ruleId"], finding.code.as_str());
        assert_eq!(result["level"], finding.severity.as_str());
        let index = usize::try_from(result["ruleIndex"].as_u64().expect("index")).expect("small");
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let text = result["message"]["text"].as_str().expect("message");
        assert!(text.starts_with(&finding.message), "{text}");
        let place = &result["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uri"], "incidents/INC-1.yaml");
        assert_eq!(place["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(place["region"]["startLine"], finding.line);
        assert_eq!(place["region"]["startColumn"], finding.column);
    }
}

#[test]
fn ci_formats_name_paths_from_the_repository_top() {
    // The project sits in `ops/` of the repository; `-C ops` runs there.
    let project = Project::git();
    project.file("ops/incidents/INC-1.yaml", two_findings());
    let sarif = parse(&project.run(&["-C", "ops", "check", "--format", "sarif"]));
    let gitlab = parse(&project.run(&["-C", "ops", "check", "--format", "gitlab"]));
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "ops/incidents/INC-1.yaml");
    assert_eq!(gitlab[0]["location"]["path"], "ops/incidents/INC-1.yaml");
    assert!(project.exists("ops/incidents/INC-1.yaml"));
    // GitHub places annotations by the path from the repository's top too.
    let github = project.run(&["-C", "ops", "check", "--format", "github"]);
    assert!(
        github
            .stdout
            .starts_with("::error file=ops/incidents/INC-1.yaml,line="),
        "{}",
        github.stdout
    );
    // The other formats keep paths relative to the folder rolecall runs in.
    let json = parse(&project.run(&["-C", "ops", "check", "--format", "json"]));
    assert_eq!(json["findings"][0]["file"], "incidents/INC-1.yaml");
    // Outside a repository, the project folder is the top.
    let plain = Project::new();
    plain.record("INC-1", &two_findings());
    let gitlab = parse(&plain.check(&["--format", "gitlab"]));
    assert_eq!(gitlab[0]["location"]["path"], "incidents/INC-1.yaml");
}

#[test]
fn the_code_quality_report_has_gitlab_fields() {
    let project = Project::git();
    project.record("INC-1", &two_findings());
    let (_, found) = check_json(&project, &[]);
    let run = project.check(&["--format", "gitlab"]);
    run.code(1);
    let issues = parse(&run);
    let issues = issues.as_array().expect("an array");
    assert_eq!(issues.len(), found.len());
    for (issue, finding) in issues.iter().zip(&found) {
        assert_eq!(issue["check_name"], finding.code.as_str());
        let description = issue["description"].as_str().expect("description");
        assert!(description.starts_with(&finding.message), "{description}");
        let expected = if finding.severity.as_str() == "error" {
            "major"
        } else {
            "minor"
        };
        assert_eq!(issue["severity"], expected);
        assert_eq!(issue["location"]["path"], "incidents/INC-1.yaml");
        assert_eq!(issue["location"]["lines"]["begin"], finding.line);
        let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(
            fingerprint.len() == 40 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
            "{fingerprint}"
        );
    }
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);
    // Warnings alone pass unless --strict, as in every format.
    let warned = Project::git();
    warned.record(
        "INC-1",
        &crate::harness::CLEAN_RECORD
            .replace("  status: done\n", "  status: pending\n  due: 2026-11-20\n"),
    );
    warned.check(&["--format", "gitlab"]).code(0);
    warned.check(&["--format", "gitlab", "--strict"]).code(1);
}

#[test]
fn fingerprints_survive_lines_moving_and_repeat_across_runs() {
    let project = Project::git();
    project.record("INC-1", &two_findings());
    let before = parse(&project.check(&["--format", "gitlab"]));
    assert_eq!(before, parse(&project.check(&["--format", "gitlab"])));
    project.record("INC-1", &format!("# a comment\n\n{}", two_findings()));
    let after = parse(&project.check(&["--format", "gitlab"]));
    let field = |v: &Value, i: usize, key: &str| v[i][key].clone();
    for i in 0..2 {
        assert_eq!(
            field(&before, i, "fingerprint"),
            field(&after, i, "fingerprint")
        );
        assert_eq!(
            after[i]["location"]["lines"]["begin"].as_u64(),
            before[i]["location"]["lines"]["begin"]
                .as_u64()
                .map(|l| l + 2)
        );
    }
}
