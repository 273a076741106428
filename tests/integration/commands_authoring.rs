//! The commands that write (issue 5): `new`, `handover`, `init` and
//! `templates export`. Each main path, each failure mode (unknown id, role
//! or person, an existing target, a record with errors), and the promises
//! about bytes: `handover` changes only the edited role's lines, a refused
//! command leaves every file as it was, and commits hold exactly what
//! changed.
//!
//! The YAML helpers at the top are shared with `commands_reporting`.

use std::collections::BTreeMap;
use std::fs;

use rolecall::yaml::{Node, SNode, Scalar};
use serde_json::Value;
use walkdir::WalkDir;

use crate::check_codes::{check_json, parse_report};
use crate::harness::{CLEAN_RECORD, NOW, PEOPLE, Project, Run};

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
        Node::Map(entries) => entries.iter().find(|(k, _)| k.key_text() == key).map(|(_, v)| v),
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
            (rel.to_string_lossy().replace('\\', "/"), fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Paths whose bytes differ between two listings (added, changed, removed).
fn changed_paths(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut paths: Vec<String> =
        before.keys().chain(after.keys()).filter(|p| before.get(*p) != after.get(*p)).cloned().collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The paths of the HEAD commit, sorted.
fn committed_paths(project: &Project) -> Vec<String> {
    let out = project.git_ok(&["show", "--name-only", "--format=", "HEAD"]);
    let mut paths: Vec<String> = out.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect();
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

/// `rolecall status --format json --now NOW`, parsed.
pub fn status_json(project: &Project, args: &[&str]) -> Value {
    let mut all = vec!["status", "--format", "json", "--now", NOW];
    all.extend_from_slice(args);
    let run = project.run(&all);
    parse_report(&run)
}

/// The title `status --format json` reads for incident `id`.
fn title_of(project: &Project, id: &str) -> String {
    let report = status_json(project, &[]);
    let incidents = report["incidents"].as_array().expect("incidents");
    let found = incidents.iter().find(|i| i["id"] == id).unwrap_or_else(|| panic!("no {id} in {report}"));
    found["title"].as_str().expect("title").to_owned()
}

#[track_caller]
fn assert_mentions(run: &Run, needles: &[&str]) {
    let all = format!("{}{}", run.stdout, run.stderr);
    for needle in needles {
        assert!(all.contains(needle), "no `{needle}` in\n--- stdout\n{}\n--- stderr\n{}", run.stdout, run.stderr);
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
    project.record("INC-2026-999", CLEAN_RECORD).record("INC-2026-+5000", CLEAN_RECORD);
    new(&project, "Busy year", "2026-03-01T10:00:00Z", &[]).code(0);
    assert!(project.exists("incidents/INC-2026-1000.yaml"));
}

#[test]
fn new_with_id_writes_that_record() {
    let project = with_roster();
    let run = new(&project, "Chosen", "2026-11-21T11:30:00Z", &["--id", "OUTAGE-7"]);
    run.code(0);
    assert_mentions(&run, &["created incidents/OUTAGE-7.yaml"]);
    assert_eq!(text(at(&parse_yaml(&project.read("incidents/OUTAGE-7.yaml")), &["id"])), "OUTAGE-7");
}

#[test]
fn new_points_at_the_schema_file_when_there_is_one() {
    let project = with_roster();
    project.file("rolecall.schema.json", project.run(&["schema", "incident"]).stdout);
    new(&project, "With schema", "2026-11-21T11:30:00Z", &[]).code(0);
    let record = project.read("incidents/INC-2026-001.yaml");
    assert_eq!(record.lines().next(), Some("# yaml-language-server: $schema=../rolecall.schema.json"));

    // Records two folders down climb two folders up.
    let nested = with_roster();
    nested.file("rolecall.schema.json", "{}").file("rolecall.yaml", "incidents: records/all\n");
    fs::create_dir_all(nested.abs("records/all")).expect("records folder");
    new(&nested, "Nested", "2026-11-21T11:30:00Z", &[]).code(0);
    let record = nested.read("records/all/INC-2026-001.yaml");
    assert_eq!(record.lines().next(), Some("# yaml-language-server: $schema=../../rolecall.schema.json"));
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
    let run = new(&project, "Checkout 502s", "2026-11-21T11:30:00Z", &["--role", "incident_manager=alice"]);
    run.code(0);
    let (check, found) = check_json(&project, &[]);
    check.code(1);
    let mut messages: Vec<(&str, &str)> = found.iter().map(|f| (f.code.as_str(), f.message.as_str())).collect();
    messages.sort_unstable();
    assert_eq!(
        messages,
        [
            ("missing-owner", "role communications_manager has no owner"),
            ("missing-owner", "role tech_lead has no owner"),
        ]
    );
    // With every required role given, the record is clean.
    let roles = ["incident_manager=alice", "tech_lead=bob", "communications_manager=carol"];
    let mut args = vec!["--id", "FULL-1"];
    for role in &roles {
        args.extend(["--role", role]);
    }
    new(&project, "Full", "2026-11-21T11:30:00Z", &args).code(0);
    let (_, found) = check_json(&project, &[]);
    assert!(found.iter().all(|f| f.file != "incidents/FULL-1.yaml"), "{found:#?}");
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
        assert_eq!(text(at(&parse_yaml(&written), &["title"])), *title, "{written}");
        // The record model trims the space around a title; nothing else changes.
        assert_eq!(title_of(&project, &id), title.trim(), "{written}");
    }
    let (_, found) = check_json(&project, &[]);
    assert!(found.iter().all(|f| f.code == "missing-owner"), "{found:#?}");
}

#[test]
fn new_with_commit_commits_exactly_the_record() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).file("notes.txt", "one\n");
    project.commit_all("start");
    project.file("notes.txt", "one, edited\n").file("scratch.txt", "untracked\n");
    project.file("staged.txt", "staged\n");
    project.git_ok(&["add", "staged.txt"]);
    let before = project.git_ok(&["status", "--porcelain"]);
    let run = new(&project, "Committed", "2026-11-21T11:30:00Z", &["--commit"]);
    run.code(0);
    assert_mentions(&run, &["created incidents/INC-2026-001.yaml", "committed "]);
    assert_eq!(committed_paths(&project), ["incidents/INC-2026-001.yaml"]);
    assert_eq!(project.git_ok(&["log", "-1", "--format=%s"]).trim(), "rolecall: new INC-2026-001");
    assert_eq!(project.git_ok(&["status", "--porcelain"]), before);
}

#[test]
fn new_without_commit_leaves_the_record_uncommitted() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE);
    project.commit_all("start");
    let start = head(&project);
    new(&project, "Uncommitted", "2026-11-21T11:30:00Z", &[]).code(0);
    assert_eq!(head(&project), start);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "?? incidents/\n");
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
    project.record("INC-2026-001", "not even YAML: [\n").file("incidents/OTHER.yml", CLEAN_RECORD);
    for id in ["INC-2026-001", "OTHER"] {
        let run = new(&project, "Again", "2026-11-21T11:30:00Z", &["--id", id]);
        run.code(2);
        assert_mentions(&run, &["already has the id"]);
    }
    let run = new(&project, "Bad id", "2026-11-21T11:30:00Z", &["--id", "../escape"]);
    run.code(2);
    assert_eq!(project.read("incidents/INC-2026-001.yaml"), "not even YAML: [\n");
    assert_eq!(files_under(&project, "incidents").len(), 2);
}

#[test]
fn new_refuses_a_record_that_would_have_errors_and_shows_its_lines() {
    let project = with_roster();
    let template = "id: {{ id }}\ntitle: {{ title }}\nseverity: {{ severity }}\nstatus: investigating\nstarted_at: {{ started_at }}\nonwer: alice\n";
    project.file("templates/record.yaml.tera", template);
    let run = new(&project, "Broken template", "2026-11-21T11:30:00Z", &[]);
    run.code(1);
    assert_mentions(&run, &["error[schema]", "6 | onwer: alice", "was not written"]);
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

// --------------------------------------------------------------- handover

/// A hand-kept record: comments, odd quoting, blank lines, an unusual key
/// order, an indentless shift list with a folded note, a shorthand with a
/// comment. Resolved, so no rule depends on the clock.
const HAND_KEPT: &str = "\
# Checkout outage, kept by hand.
title: 'Checkout: it''s down'   # single-quoted, with a colon
status: resolved
severity: \"SEV2\"

started_at: 2026-11-20T09:00:00Z
resolved_at: 2026-11-20T11:00:00Z
roles:
  # who runs it
  incident_manager:
  - owner: alice          # indentless list
  - owner: \"carol\"
    from: 2026-11-20T09:30:00Z
    handover: >
      Folded note,
      two lines.

  tech_lead:   bob     # primary
  communications_manager: carol
  postmortem_owner: dave
communications:
  updates:
    - {at: 2026-11-20T09:50:00Z, channel: status-page, summary: Investigating.}
timeline:
  - at: 2026-11-20T09:00:00Z
    event: \"Alert fires\"   # trailing comment
postmortem:
  status: done
";

const ID: &str = "INC-2026-001";
const RECORD: &str = "incidents/INC-2026-001.yaml";

fn handover(project: &Project, role: &str, to: &str, at: &str, extra: &[&str]) -> Run {
    let mut args = vec!["handover", ID, role, "--to", to, "--at", at];
    args.extend_from_slice(extra);
    project.run(&args)
}

/// A roster project (no git) holding `record` as INC-2026-001.
fn one_record(record: &str) -> Project {
    let project = with_roster();
    project.record(ID, record);
    project
}

/// Asserts `after` is `before` with `inserted` put in at byte `at`, and
/// nothing else changed.
#[track_caller]
fn assert_only_inserted(before: &str, after: &str, at: usize, inserted: &str) {
    assert_eq!(&after[..at], &before[..at], "the prefix changed");
    assert_eq!(&after[at..at + inserted.len()], inserted, "the inserted lines differ:\n{after}");
    assert_eq!(&after[at + inserted.len()..], &before[at..], "the suffix changed");
}

#[test]
fn handover_appends_to_a_shift_list_keeping_every_other_byte() {
    let project = one_record(HAND_KEPT);
    let run = handover(&project, "incident_manager", "bob", "2026-11-20T09:45:00Z", &["--note", "Vendor call at 10:00.", "--no-commit"]);
    run.code(0);
    assert_mentions(&run, &["handed incident_manager of INC-2026-001 from carol to bob at 2026-11-20T09:45:00Z"]);
    let after = project.read(RECORD);
    let at = HAND_KEPT.find("      two lines.\n").expect("anchor") + "      two lines.\n".len();
    let inserted = "  - owner: bob\n    from: 2026-11-20T09:45:00Z\n    handover: \"Vendor call at 10:00.\"\n";
    assert_only_inserted(HAND_KEPT, &after, at, inserted);
    let record = parse_yaml(&after);
    assert_eq!(text(at_path(&record, "roles.incident_manager.1.handover")), "Folded note, two lines.\n");
    assert_eq!(text(at_path(&record, "roles.incident_manager.2.handover")), "Vendor call at 10:00.");
}

/// `at` with a dotted path.
fn at_path<'n>(node: &'n SNode, path: &str) -> &'n SNode {
    at(node, &path.split('.').collect::<Vec<_>>())
}

#[test]
fn handover_turns_a_shorthand_into_a_two_shift_list_keeping_every_other_byte() {
    let project = one_record(HAND_KEPT);
    handover(&project, "tech_lead", "erin", "2026-11-20T10:15:00Z", &["--no-commit", "--note", "Handing over."]).code(0);
    let after = project.read(RECORD);
    let role_line = "  tech_lead:   bob     # primary\n";
    let start = HAND_KEPT.find(role_line).expect("role line");
    let expected_role = "  tech_lead:\n    - owner: bob     # primary\n    - owner: erin\n      from: 2026-11-20T10:15:00Z\n      handover: Handing over.\n";
    assert_eq!(&after[..start], &HAND_KEPT[..start], "the prefix changed");
    assert_eq!(&after[start..start + expected_role.len()], expected_role);
    assert_eq!(&after[start + expected_role.len()..], &HAND_KEPT[start + role_line.len()..], "the suffix changed");
    let record = parse_yaml(&after);
    let shifts = items(at_path(&record, "roles.tech_lead"));
    assert_eq!(shifts.len(), 2);
    assert_eq!(text(at(&shifts[0], &["owner"])), "bob");
    assert_eq!(text(at(&shifts[1], &["from"])), "2026-11-20T10:15:00Z");
}

#[test]
fn a_multi_line_note_becomes_a_block_that_reads_back_exactly() {
    let project = one_record(CLEAN_RECORD);
    let note = "- Rollback done; error rate back to 0.1%.\n\n  # not a heading, indented\nWatch: the vendor's \"status\" page";
    handover(&project, "tech_lead", "erin", "2026-11-20T09:20:00Z", &["--no-commit", "--note", note]).code(0);
    let after = project.read(RECORD);
    assert!(after.contains("      handover: |-\n        - Rollback done;"), "{after}");
    assert_eq!(text(at_path(&parse_yaml(&after), "roles.tech_lead.1.handover")), note);
    let (run, found) = check_json(&project, &[]);
    run.code(0);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn giving_a_missing_role_its_first_owner_adds_the_role() {
    let record = CLEAN_RECORD.replace("  communications_manager: carol\n", "");
    let project = one_record(&record);
    let run = handover(&project, "communications_manager", "carol", "2026-11-20T09:10:00Z", &["--no-commit"]);
    run.code(0);
    assert_mentions(&run, &["gave communications_manager of INC-2026-001 to carol from 2026-11-20T09:10:00Z"]);
    let after = project.read(RECORD);
    let anchor = "  postmortem_owner: dave\n";
    let at = record.find(anchor).expect("anchor") + anchor.len();
    assert_only_inserted(&record, &after, at, "  communications_manager:\n    - owner: carol\n      from: 2026-11-20T09:10:00Z\n");
    // missing-owner has become the narrower vacant-role (09:00 to 09:10).
    let (_, found) = check_json(&project, &[]);
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["vacant-role"]);
}

/// A refused handover: exit 1, the record byte-identical, no document
/// written, the finding shown on the line of the edited text.
#[track_caller]
fn assert_refused(project: &Project, run: &Run, before: &[u8], code: &str, shown_line: &str) {
    run.code(1);
    assert_mentions(run, &[&format!("error[{code}]"), shown_line, "the file was left untouched"]);
    assert_eq!(project.read_bytes(RECORD), before, "the record changed");
    assert!(!project.exists("incidents/INC-2026-001"), "documents were written");
}

#[test]
fn a_handover_to_the_same_person_is_refused_showing_the_edited_line() {
    let project = one_record(CLEAN_RECORD);
    let run = handover(&project, "tech_lead", "bob", "2026-11-20T09:20:00Z", &[]);
    // Line 10 of the edited record is the new shift; on disk it is
    // `postmortem_owner: dave`, which must not be shown.
    assert_refused(&project, &run, CLEAN_RECORD.as_bytes(), "handover-to-self", "10 |     - owner: bob");
    assert!(!run.stderr.contains("postmortem_owner"), "{}", run.stderr);
}

#[test]
fn a_handover_before_the_previous_shift_is_refused() {
    let project = one_record(HAND_KEPT);
    let run = handover(&project, "incident_manager", "bob", "2026-11-20T09:20:00Z", &[]);
    assert_refused(&project, &run, HAND_KEPT.as_bytes(), "handover-order", "17 |   - owner: bob");
}

#[test]
fn a_handover_after_resolution_is_refused() {
    let project = one_record(CLEAN_RECORD);
    let run = handover(&project, "tech_lead", "erin", "2026-11-20T10:00:00Z", &[]);
    assert_refused(&project, &run, CLEAN_RECORD.as_bytes(), "handover-out-of-range", "11 |       from: 2026-11-20T10:00:00Z");
}

#[test]
fn handover_refuses_unknown_ids_roles_and_people() {
    let project = one_record(CLEAN_RECORD);
    let cases: [(&[&str], &str); 4] = [
        (&["handover", "INC-2026-01", "tech_lead", "--to", "erin"], "did you mean `INC-2026-001`?"),
        (&["handover", ID, "tech_laed", "--to", "erin"], "did you mean `tech_lead`?"),
        (&["handover", ID, "tech_lead", "--to", "erni"], "did you mean `erin`?"),
        (&["handover", ID, "domain_expert", "--to", "erin"], "not an exclusive role"),
    ];
    for (args, needle) in cases {
        let run = project.run(args);
        run.code(2);
        assert_mentions(&run, &[needle]);
        assert_eq!(project.read(RECORD), CLEAN_RECORD);
    }
}

#[test]
fn handover_refuses_a_record_with_errors() {
    let broken = CLEAN_RECORD.replace("severity: SEV2", "severity: SEV2\nonwer: bob");
    let project = one_record(&broken);
    let run = handover(&project, "tech_lead", "erin", "2026-11-20T09:20:00Z", &[]);
    run.code(1);
    assert_mentions(&run, &["has errors", "rolecall check"]);
    assert_eq!(project.read(RECORD), broken);
}

/// A repository with the record committed and its documents rendered and
/// committed, then unrelated staged, unstaged and untracked changes.
fn rendered_repo() -> Project {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record(ID, CLEAN_RECORD);
    project.commit_all("add the record");
    project.run(&["render"]).code(0);
    project.file("tracked.txt", "tracked\n");
    project.commit_all("add tracked.txt");
    project.file("tracked.txt", "tracked, then edited\n").file("staged.txt", "staged\n").file("scratch.txt", "untracked\n");
    project.git_ok(&["add", "staged.txt"]);
    project
}

#[test]
fn a_handover_commits_the_record_and_exactly_the_documents_that_changed() {
    let project = rendered_repo();
    let status_before = project.git_ok(&["status", "--porcelain"]);
    let before = files_under(&project, "incidents");
    let run = handover(&project, "tech_lead", "erin", "2026-11-20T09:20:00Z", &["--note", "Rollback started."]);
    run.code(0);
    assert_mentions(&run, &["committed ", "rolecall: hand tech_lead of INC-2026-001 to erin"]);
    let changed = changed_paths(&before, &files_under(&project, "incidents"));
    assert!(changed.contains(&RECORD.to_owned()), "{changed:?}");
    assert!(changed.contains(&"incidents/INC-2026-001/handovers/01-tech_lead.md".to_owned()), "{changed:?}");
    // The index does not mention who holds a role: unchanged, not committed.
    assert!(before.contains_key("incidents/README.md") && !changed.contains(&"incidents/README.md".to_owned()), "{changed:?}");
    assert_eq!(committed_paths(&project), changed);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), status_before);
}

#[test]
fn handover_with_no_commit_writes_but_does_not_commit() {
    let project = rendered_repo();
    let start = head(&project);
    let before = files_under(&project, "incidents");
    handover(&project, "tech_lead", "erin", "2026-11-20T09:20:00Z", &["--no-commit"]).code(0);
    assert_eq!(head(&project), start);
    let changed = changed_paths(&before, &files_under(&project, "incidents"));
    let status = project.git_ok(&["status", "--porcelain", "--untracked-files=all", "incidents"]);
    let mut listed: Vec<String> = status.lines().map(|l| l[3..].to_owned()).collect();
    listed.sort();
    assert_eq!(listed, changed);
}

#[test]
fn handover_outside_git_writes_and_says_it_did_not_commit() {
    let project = one_record(CLEAN_RECORD);
    let run = handover(&project, "tech_lead", "erin", "2026-11-20T09:20:00Z", &[]);
    run.code(0);
    assert_mentions(&run, &["not committed"]);
    assert!(project.exists("incidents/INC-2026-001/handovers/01-tech_lead.md"));
}

// ------------------------------------------------------------------- init

/// What `init` writes, relative to its folder.
const INIT_FILES: [&str; 5] = [
    "rolecall.yaml",
    "people.yaml",
    "incidents/EXAMPLE-1.yaml",
    ".github/workflows/rolecall.yml",
    "rolecall.schema.json",
];

#[test]
fn init_starts_a_repository_that_passes_check() {
    // `Project::new` already has `incidents/`: start in an empty subfolder.
    let project = Project::new();
    let run = project.run(&["init", "sub"]);
    run.code(0);
    for rel in INIT_FILES {
        assert!(project.exists(&format!("sub/{rel}")), "no {rel}");
        assert_mentions(&run, &[&format!("wrote {rel}")]);
    }
    assert!(project.abs("sub/.git").is_dir(), "no git repository");
    assert_mentions(&run, &["initialised a git repository"]);
    project.run(&["-C", "sub", "check", "--now", NOW]).code(0);
    project.run(&["-C", "sub", "check", "--strict"]).code(0);
    let schema: Value = serde_json::from_str(&project.read("sub/rolecall.schema.json")).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    // A record `new` writes there points at that schema.
    let run = project.run(&["-C", "sub", "new", "--title", "After init", "--severity", "SEV3"]);
    run.code(0);
    let created = project.read(&format!("sub/{}", run.stdout.trim().trim_start_matches("created ")));
    assert!(created.starts_with("# yaml-language-server: $schema=../rolecall.schema.json\n"), "{created}");
}

#[test]
fn init_keeps_every_existing_file_as_it_is() {
    let project = Project::new();
    for rel in INIT_FILES {
        project.file(&format!("sub/{rel}"), format!("# mine: {rel}\n"));
    }
    let run = project.run(&["init", "sub"]);
    run.code(0);
    for rel in INIT_FILES {
        assert_mentions(&run, &[&format!("kept {rel}")]);
        assert_eq!(project.read(&format!("sub/{rel}")), format!("# mine: {rel}\n"), "{rel} changed");
    }
    assert!(!run.stdout.contains("wrote "), "{}", run.stdout);
}

#[test]
fn init_adds_no_example_record_or_roster_beside_existing_records() {
    let project = Project::new();
    project.file("sub/incidents/INC-2026-001.yaml", CLEAN_RECORD);
    let run = project.run(&["init", "sub"]);
    run.code(0);
    assert_mentions(&run, &["no example record", "no people.yaml"]);
    assert!(!project.exists("sub/incidents/EXAMPLE-1.yaml"));
    // An example roster would make `dave` of the record an unknown person.
    assert!(!project.exists("sub/people.yaml"));
    project.run(&["-C", "sub", "check", "--now", NOW]).code(0);
}

#[test]
fn init_inside_a_repository_does_not_start_another() {
    let project = Project::git();
    let run = project.run(&["init", "docs/incidents-repo"]);
    run.code(0);
    assert!(!run.stdout.contains("initialised"), "{}", run.stdout);
    assert!(!project.exists("docs/incidents-repo/.git"));
}

#[test]
fn init_refuses_a_target_that_is_a_file() {
    let project = Project::new();
    project.file("taken", "a file\n");
    project.run(&["init", "taken"]).code(2);
    assert_eq!(project.read("taken"), "a file\n");
}

/// The `run:` lines of a workflow job's steps.
fn step_commands<'n>(job: &'n SNode) -> Vec<&'n str> {
    items(at(job, &["steps"])).iter().filter_map(|step| get(step, "run")).map(text).collect()
}

#[test]
fn the_init_workflow_checks_pull_requests_and_renders_the_default_branch() {
    let project = Project::new();
    project.run(&["init", "sub"]).code(0);
    let workflow = parse_yaml(&project.read("sub/.github/workflows/rolecall.yml"));
    let on = at(&workflow, &["on"]);
    assert!(get(on, "pull_request").is_some() && get(on, "push").is_some(), "triggers: {on:?}");
    let Node::Map(jobs) = &at(&workflow, &["jobs"]).node else { panic!("jobs is not a mapping") };
    let job_for = |event: &str| {
        let found = jobs.iter().find(|(_, job)| get(job, "if").is_some_and(|c| text(c).contains(event)));
        &found.unwrap_or_else(|| panic!("no job runs on {event}")).1
    };
    let pull_request = step_commands(job_for("'pull_request'"));
    assert!(pull_request.iter().any(|c| c.starts_with("rolecall check --format github")), "{pull_request:?}");
    assert!(pull_request.contains(&"rolecall render --check"), "{pull_request:?}");
    let push_job = job_for("'push'");
    assert!(text(at(push_job, &["if"])).contains("default_branch"), "{push_job:?}");
    let push = step_commands(push_job);
    let render = push.iter().position(|c| c.starts_with("rolecall render") && !c.contains("--check"));
    let git_push = push.iter().position(|c| c.starts_with("git push"));
    assert!(matches!((render, git_push), (Some(r), Some(p)) if r < p), "{push:?}");
}

// ------------------------------------------------------- templates export

/// The built-in templates, from the source tree.
fn builtin_templates() -> BTreeMap<String, Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    fs::read_dir(&dir)
        .expect("templates folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tera"))
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), fs::read(&p).expect("read")))
        .collect()
}

#[test]
fn templates_export_writes_every_built_in_template() {
    let project = Project::new();
    let run = project.run(&["templates", "export", "custom/templates"]);
    run.code(0);
    let written: BTreeMap<String, Vec<u8>> = files_under(&project, "custom/templates")
        .into_iter()
        .map(|(path, bytes)| (path.trim_start_matches("custom/templates/").to_owned(), bytes))
        .collect();
    let builtin = builtin_templates();
    assert!(builtin.contains_key("record.yaml.tera") && builtin.len() >= 6, "{:?}", builtin.keys());
    assert_eq!(written, builtin);
}

#[test]
fn templates_export_never_overwrites() {
    let project = Project::new();
    project.file("tpl/brief.md.tera", "my brief\n");
    let run = project.run(&["templates", "export", "tpl"]);
    run.code(0);
    assert_mentions(&run, &["kept", "brief.md.tera"]);
    assert_eq!(project.read("tpl/brief.md.tera"), "my brief\n");
    assert!(project.exists("tpl/postmortem.md.tera"));
    // A second export keeps them all.
    let again = project.run(&["templates", "export", "tpl"]);
    again.code(0);
    assert_mentions(&again, &["exported 0 templates"]);
}

#[test]
fn exported_templates_render_what_the_built_in_ones_do() {
    let project = Project::new();
    project.file("people.yaml", PEOPLE).record(ID, CLEAN_RECORD);
    project.run(&["render", "--no-commit"]).code(0);
    let built_in = files_under(&project, "incidents");
    fs::remove_dir_all(project.abs("incidents/INC-2026-001")).expect("remove documents");
    fs::remove_file(project.abs("incidents/README.md")).expect("remove index");
    project.run(&["templates", "export", "templates"]).code(0);
    project.run(&["render", "--no-commit"]).code(0);
    assert_eq!(files_under(&project, "incidents"), built_in);
}
