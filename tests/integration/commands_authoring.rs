//! The commands that write (issue 5): `new`, `handover`, `init` and
//! `templates export`. Each main path, each failure mode (unknown id, role
//! or person, an existing target, a record with errors), and the promises
//! about bytes: `handover` changes only the edited role's lines, a refused
//! command leaves every file as it was, and commits hold exactly what
//! changed.
//!
//! This file holds the shared helpers (the YAML ones are used by
//! `commands_reporting` too) and `new`; `handover` and `init` (with
//! `templates export`) have files of their own.

use std::collections::BTreeMap;
use std::fs;

use rolecall::yaml::{Node, SNode, Scalar};
use serde_json::Value;
use walkdir::WalkDir;

use crate::check_codes::{check_json, parse_report};
use crate::harness::{CLEAN_RECORD, NOW, PEOPLE, Project, Run};

mod handover;
mod ids;
mod init;
mod live;

// ---------------------------------------------------------------- helpers

/// Parses YAML with rolecall's own parser.
#[track_caller]
pub fn parse_yaml(text: &str) -> SNode {
    rolecall::yaml::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("not YAML: {e:?}\n{text}"))
        .unwrap_or_else(|| panic!("an empty document:\n{text}"))
}

/// The value of `key` in a mapping node.
pub fn get<'n>(node: &'n SNode, key: &str) -> Option<&'n SNode> {
    match &node.node {
        Node::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.key_text() == key)
            .map(|(_, v)| v),
        _ => None,
    }
}

/// Follows `path` (mapping keys, or list indexes written as numbers).
#[track_caller]
pub fn at<'n>(node: &'n SNode, path: &[&str]) -> &'n SNode {
    path.iter().fold(node, |node, step| {
        let next = match (&node.node, step.parse::<usize>()) {
            (Node::Seq(items), Ok(i)) => items.get(i),
            _ => get(node, step),
        };
        next.unwrap_or_else(|| panic!("no `{step}` in {path:?}"))
    })
}

/// The text of a string node.
#[track_caller]
pub fn text(node: &SNode) -> &str {
    match &node.node {
        Node::Scalar(Scalar::Str(s)) => s,
        other => panic!("not text: {other:?}"),
    }
}

/// The items of a list node.
#[track_caller]
pub fn items(node: &SNode) -> &[SNode] {
    match &node.node {
        Node::Seq(items) => items,
        other => panic!("not a list: {other:?}"),
    }
}

/// Every file under `dir` of the project (`.git` left out), with its bytes.
pub fn files_under(project: &Project, dir: &str) -> BTreeMap<String, Vec<u8>> {
    let root = project.path();
    WalkDir::new(root.join(dir))
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("inside the project");
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

/// Paths whose bytes differ between two listings (added, changed, removed).
fn changed_paths(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut paths: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .cloned()
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The paths of the HEAD commit, sorted.
fn committed_paths(project: &Project) -> Vec<String> {
    let out = project.git_ok(&["show", "--name-only", "--format=", "HEAD"]);
    let mut paths: Vec<String> = out
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    paths.sort();
    paths
}

fn head(project: &Project) -> String {
    project.git_ok(&["rev-parse", "HEAD"]).trim().to_owned()
}

/// A roster project without git.
fn with_roster() -> Project {
    let project = Project::new();
    project.file("people.yaml", PEOPLE);
    project
}

/// `rolecall status --format json` (`--now NOW` unless `args` say), parsed.
pub fn status_json(project: &Project, args: &[&str]) -> Value {
    let mut all = vec!["status", "--format", "json"];
    if !args.contains(&"--now") {
        all.extend(["--now", NOW]);
    }
    all.extend_from_slice(args);
    let run = project.run(&all);
    parse_report(&run)
}

/// The title `status --format json` reads for incident `id`.
fn title_of(project: &Project, id: &str) -> String {
    let report = status_json(project, &[]);
    let incidents = report["incidents"].as_array().expect("incidents");
    let found = incidents
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report}"));
    found["title"].as_str().expect("title").to_owned()
}

#[track_caller]
fn assert_mentions(run: &Run, needles: &[&str]) {
    let all = format!("{}{}", run.stdout, run.stderr);
    for needle in needles {
        assert!(
            all.contains(needle),
            "no `{needle}` in\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout,
            run.stderr
        );
    }
}

// -------------------------------------------------------------------- new

/// `rolecall new` of a SEV2 (unless `extra` names a severity).
fn new(project: &Project, title: &str, started_at: &str, extra: &[&str]) -> Run {
    let mut args = vec!["new", "--title", title, "--started-at", started_at];
    if !extra.contains(&"--severity") {
        args.extend(["--severity", "SEV2"]);
    }
    args.extend_from_slice(extra);
    project.run(&args)
}

#[test]
fn new_numbers_records_per_utc_year_of_the_start() {
    let project = with_roster();
    project
        .record("INC-2026-001", CLEAN_RECORD)
        .record("INC-2026-007", CLEAN_RECORD)
        .record("INC-2025-012", CLEAN_RECORD)
        .record("INC-2026-draft", CLEAN_RECORD);
    new(&project, "March", "2026-03-01T10:00:00Z", &[]).code(0);
    assert!(project.exists("incidents/INC-2026-008.yaml"));
    // 00:30 on New Year's Day at +01:00 is still 2026 in UTC.
    new(&project, "New year", "2027-01-01T00:30:00+01:00", &[]).code(0);
    assert!(project.exists("incidents/INC-2026-009.yaml"));
    new(&project, "Last year", "2025-06-01T00:00:00Z", &[]).code(0);
    assert!(project.exists("incidents/INC-2025-013.yaml"));
    new(&project, "First of its year", "2024-06-01T00:00:00Z", &[]).code(0);
    assert!(project.exists("incidents/INC-2024-001.yaml"));
    let record = parse_yaml(&project.read("incidents/INC-2026-009.yaml"));
    assert_eq!(text(at(&record, &["id"])), "INC-2026-009");
    assert_eq!(text(at(&record, &["started_at"])), "2026-12-31T23:30:00Z");
}

#[test]
fn new_counts_past_999_and_ignores_ids_that_are_not_numbers() {
    let project = with_roster();
    project
        .record("INC-2026-999", CLEAN_RECORD)
        .record("INC-2026-+5000", CLEAN_RECORD);
    new(&project, "Busy year", "2026-03-01T10:00:00Z", &[]).code(0);
    assert!(project.exists("incidents/INC-2026-1000.yaml"));
}

#[test]
fn new_with_id_writes_that_record() {
    let project = with_roster();
    let run = new(
        &project,
        "Chosen",
        "2026-11-21T11:30:00Z",
        &["--id", "OUTAGE-7"],
    );
    run.code(0);
    assert_mentions(&run, &["created incidents/OUTAGE-7.yaml"]);
    assert_eq!(
        text(at(
            &parse_yaml(&project.read("incidents/OUTAGE-7.yaml")),
            &["id"]
        )),
        "OUTAGE-7"
    );
}

#[test]
fn new_points_at_the_schema_file_when_there_is_one() {
    let project = with_roster();
    project.file(
        "rolecall.schema.json",
        project.run(&["schema", "incident"]).stdout,
    );
    new(&project, "With schema", "2026-11-21T11:30:00Z", &[]).code(0);
    let record = project.read("incidents/INC-2026-001.yaml");
    assert_eq!(
        record.lines().next(),
        Some("# yaml-language-server: $schema=../rolecall.schema.json")
    );

    // Records two folders down climb two folders up.
    let nested = with_roster();
    nested
        .file("rolecall.schema.json", "{}")
        .file("rolecall.yaml", "incidents: records/all\n");
    fs::create_dir_all(nested.abs("records/all")).expect("records folder");
    new(&nested, "Nested", "2026-11-21T11:30:00Z", &[]).code(0);
    let record = nested.read("records/all/INC-2026-001.yaml");
    assert_eq!(
        record.lines().next(),
        Some("# yaml-language-server: $schema=../../rolecall.schema.json")
    );
}

#[test]
fn new_writes_no_schema_comment_without_a_schema_file() {
    let project = with_roster();
    new(&project, "No schema", "2026-11-21T11:30:00Z", &[]).code(0);
    let record = project.read("incidents/INC-2026-001.yaml");
    assert!(!record.contains("yaml-language-server"), "{record}");
    assert!(record.starts_with("id: INC-2026-001\n"), "{record}");
}

#[test]
fn a_new_record_passes_check_except_for_the_roles_still_missing() {
    let project = with_roster();
    project.file("rolecall.schema.json", "{}");
    let run = new(
        &project,
        "Checkout 502s",
        "2026-11-21T11:30:00Z",
        &["--role", "incident_manager=alice"],
    );
    run.code(0);
    let (check, found) = check_json(&project, &[]);
    check.code(1);
    let mut messages: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.code.as_str(), f.message.as_str()))
        .collect();
    messages.sort_unstable();
    assert_eq!(
        messages,
        [
            ("missing-owner", "role communications_manager has no owner"),
            ("missing-owner", "role tech_lead has no owner"),
        ]
    );
    // With every required role given, the record is clean.
    let roles = [
        "incident_manager=alice",
        "tech_lead=bob",
        "communications_manager=carol",
    ];
    let mut args = vec!["--id", "FULL-1"];
    for role in &roles {
        args.extend(["--role", role]);
    }
    new(&project, "Full", "2026-11-21T11:30:00Z", &args).code(0);
    let (_, found) = check_json(&project, &[]);
    assert!(
        found.iter().all(|f| f.file != "incidents/FULL-1.yaml"),
        "{found:#?}"
    );
}

#[test]
fn titles_survive_yaml_quoting() {
    let project = with_roster();
    let titles = [
        "Checkout: 502 for 18% of requests",
        "# not a comment",
        "a title # with a hash",
        "\"double\" and 'single' quotes",
        "- leading dash",
        "yes",
        "0x1F",
        "trailing space ",
        "back\\slash and tab\there",
        "[flow] {like} *star &anchor !tag |pipe >fold @at `tick`",
        "ünïcødé ✓",
    ];
    for (i, title) in titles.iter().enumerate() {
        let id = format!("T-{i}");
        new(&project, title, "2026-11-21T11:30:00Z", &["--id", &id]).code(0);
        let written = project.read(&format!("incidents/{id}.yaml"));
        assert_eq!(
            text(at(&parse_yaml(&written), &["title"])),
            *title,
            "{written}"
        );
        // The record model trims the space around a title; nothing else changes.
        assert_eq!(title_of(&project, &id), title.trim(), "{written}");
    }
    let (_, found) = check_json(&project, &[]);
    assert!(
        found.iter().all(|f| f.code == "missing-owner"),
        "{found:#?}"
    );
}

#[test]
fn new_with_commit_commits_the_record_and_its_documents() {
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .file("notes.txt", "one\n");
    project.commit_all("start");
    project
        .file("notes.txt", "one, edited\n")
        .file("scratch.txt", "untracked\n");
    project.file("staged.txt", "staged\n");
    project.git_ok(&["add", "staged.txt"]);
    let before = project.git_ok(&["status", "--porcelain"]);
    let run = new(&project, "Committed", "2026-11-21T11:30:00Z", &["--commit"]);
    run.code(0);
    assert_mentions(
        &run,
        &[
            "created incidents/INC-2026-001.yaml",
            "rendered ",
            "committed ",
        ],
    );
    let committed = committed_paths(&project);
    assert!(
        committed.contains(&"incidents/INC-2026-001.yaml".to_owned())
            && committed.contains(&"incidents/INC-2026-001/README.md".to_owned())
            && committed.contains(&"incidents/README.md".to_owned()),
        "{committed:?}"
    );
    // Every document written was committed: nothing new is left behind.
    assert_eq!(
        project.git_ok(&["log", "-1", "--format=%s"]).trim(),
        "rolecall: new INC-2026-001"
    );
    assert_eq!(project.git_ok(&["status", "--porcelain"]), before);
}

#[test]
fn new_says_which_required_roles_are_still_unstaffed() {
    let project = with_roster();
    let run = new(
        &project,
        "Staffing",
        "2026-11-21T11:30:00Z",
        &["--role", "incident_manager=alice"],
    );
    run.code(0);
    assert_mentions(
        &run,
        &[
            "still unstaffed (SEV2 requires them): tech_lead, communications_manager; `rolecall assign INC-2026-001 ROLE PERSON`",
        ],
    );
    // postmortem_owner is required only once resolved: not named yet.
    assert!(!run.stdout.contains("postmortem_owner"), "{}", run.stdout);
    let staffed = new(
        &project,
        "Staffed",
        "2026-11-21T11:30:00Z",
        &["--severity", "SEV4", "--role", "incident_manager=alice"],
    );
    staffed.code(0);
    assert!(!staffed.stdout.contains("unstaffed"), "{}", staffed.stdout);
}

#[test]
fn new_without_commit_leaves_the_record_uncommitted() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE);
    project.commit_all("start");
    let start = head(&project);
    new(&project, "Uncommitted", "2026-11-21T11:30:00Z", &[]).code(0);
    assert_eq!(head(&project), start);
    assert_eq!(
        project.git_ok(&["status", "--porcelain"]),
        "?? incidents/\n"
    );
}

#[test]
fn new_refuses_unknown_roles_people_and_severities() {
    let project = with_roster();
    let cases: [(&[&str], &str); 4] = [
        (&["--role", "tech_laed=bob"], "did you mean `tech_lead`?"),
        (&["--role", "tech_lead=bbo"], "did you mean `bob`?"),
        (&["--role", "domain_expert=bob"], "not an exclusive role"),
        (&["--severity", "SEV9"], "unknown severity"),
    ];
    for (extra, needle) in cases {
        let run = new(&project, "Refused", "2026-11-21T11:30:00Z", extra);
        run.code(2);
        assert_mentions(&run, &[needle]);
    }
    assert!(files_under(&project, "incidents").is_empty());
}

#[test]
fn new_never_overwrites_an_existing_record() {
    let project = with_roster();
    project
        .record("INC-2026-001", "not even YAML: [\n")
        .file("incidents/OTHER.yml", CLEAN_RECORD);
    for id in ["INC-2026-001", "OTHER"] {
        let run = new(&project, "Again", "2026-11-21T11:30:00Z", &["--id", id]);
        run.code(2);
        assert_mentions(&run, &["already has the id"]);
    }
    let run = new(
        &project,
        "Bad id",
        "2026-11-21T11:30:00Z",
        &["--id", "../escape"],
    );
    run.code(2);
    assert_eq!(
        project.read("incidents/INC-2026-001.yaml"),
        "not even YAML: [\n"
    );
    assert_eq!(files_under(&project, "incidents").len(), 2);
}

#[test]
fn new_refuses_a_record_that_would_have_errors_and_shows_its_lines() {
    let project = with_roster();
    let template = "id: {{ id }}\ntitle: {{ title }}\nseverity: {{ severity }}\nstatus: investigating\nstarted_at: {{ started_at }}\nonwer: alice\n";
    project.file("templates/record.yaml.tera", template);
    let run = new(&project, "Broken template", "2026-11-21T11:30:00Z", &[]);
    run.code(1);
    assert_mentions(
        &run,
        &["error[schema]", "6 | onwer: alice", "was not written"],
    );
    assert!(files_under(&project, "incidents").is_empty());
}

#[test]
fn new_refuses_while_the_configuration_has_errors() {
    let project = with_roster();
    project.file("rolecall.yaml", "rolse: {}\n");
    let run = new(&project, "Bad config", "2026-11-21T11:30:00Z", &[]);
    run.code(1);
    assert!(files_under(&project, "incidents").is_empty());
}

#[test]
fn new_with_commit_and_no_identity_writes_nothing() {
    let project = Project::new();
    project.git_ok(&["init", "-q", "-b", "main"]);
    let run = new(&project, "Nobody", "2026-11-21T11:30:00Z", &["--commit"]);
    run.code(2);
    assert_mentions(&run, &["user.name"]);
    assert!(files_under(&project, "incidents").is_empty());
}

#[test]
fn new_without_started_at_starts_now_in_whole_seconds() {
    let project = with_roster();
    let before = jiff::Timestamp::now();
    project
        .run(&["new", "--title", "Now", "--severity", "SEV4"])
        .code(0);
    let year = before.to_zoned_datetime(jiff::tz::TimeZone::UTC).year();
    let written = files_under(&project, "incidents");
    let (path, bytes) = written.iter().next().expect("one record");
    assert_eq!(path, &format!("incidents/INC-{year}-001.yaml"));
    let record = parse_yaml(&String::from_utf8_lossy(bytes));
    let started = text(at(&record, &["started_at"]));
    let parsed: jiff::Timestamp = started.parse().expect("a timestamp");
    assert!(!started.contains('.'), "{started}");
    assert!(
        parsed >= before - jiff::SignedDuration::from_secs(1) && parsed <= jiff::Timestamp::now()
    );
}
