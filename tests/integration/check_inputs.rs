//! `rolecall check` on awkward input: broken YAML, typos, custom
//! configuration, broken configuration and roster, `--changed-since`, the
//! limits of SPEC §8, line endings, byte-order marks and symbolic links.

use std::fmt::Write as _;

use crate::check_codes::{Found, check_json, clean_with, findings, one_record, places};
use crate::harness::{CLEAN_RECORD, PEOPLE, Project};

/// The one finding of a project, which must be a `syntax` error.
#[track_caller]
fn syntax_finding(project: &Project) -> Found {
    let (run, found) = check_json(project, &[]);
    run.code(1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code.as_str(), found[0].severity.as_str()),
        ("syntax", "error"),
        "{found:#?}"
    );
    found[0].clone()
}

#[test]
fn duplicate_key_is_caught_on_its_second_line() {
    let record = clean_with(
        "  communications_manager: carol\n",
        "  communications_manager: carol\n  tech_lead: erin\n",
    );
    let found = syntax_finding(&one_record(&record));
    assert_eq!((found.line, found.column), (10, 3));
    assert!(found.message.contains("`tech_lead`"), "{}", found.message);
}

#[test]
fn duplicate_top_level_key_is_caught() {
    let record = format!("{CLEAN_RECORD}title: Again\n");
    let found = syntax_finding(&one_record(&record));
    assert_eq!((found.line, found.column), (18, 1));
}

#[test]
fn merge_conflict_markers_are_reported_on_the_marker_line() {
    let record = clean_with(
        "  tech_lead: bob\n",
        "<<<<<<< HEAD\n  tech_lead: bob\n=======\n  tech_lead: erin\n>>>>>>> topic\n",
    );
    let found = syntax_finding(&one_record(&record));
    assert_eq!((found.line, found.column), (8, 1));
    assert!(
        found.message.contains("merge-conflict"),
        "{}",
        found.message
    );
}

#[test]
fn a_lone_separator_marker_is_a_conflict_too() {
    let record = clean_with("  tech_lead: bob\n", "  tech_lead: bob\n=======\n");
    let found = syntax_finding(&one_record(&record));
    assert_eq!((found.line, found.column), (9, 1));
}

#[test]
fn a_tab_in_indentation_is_reported_where_the_tab_is() {
    for (record, line, column) in [
        (clean_with("  tech_lead: bob\n", "\ttech_lead: bob\n"), 8, 1),
        (
            clean_with("  tech_lead: bob\n", "  \ttech_lead: bob\n"),
            8,
            3,
        ),
        (
            clean_with("  tech_lead: bob\n", " \ttech_lead: bob\n"),
            8,
            2,
        ),
        (
            clean_with("title: Clean record\n", "\ttitle: Clean record\n"),
            1,
            1,
        ),
        (clean_with("severity: SEV2\n", "\tseverity: SEV2\n"), 2, 1),
        (
            clean_with(
                "      channel: status-page\n",
                "   \t  channel: status-page\n",
            ),
            14,
            4,
        ),
    ] {
        let found = syntax_finding(&one_record(&record));
        assert_eq!(
            (found.line, found.column),
            (line, column),
            "{record}\n{found:#?}"
        );
        assert!(found.message.contains("tab"), "{}", found.message);
        assert!(
            found.help.as_deref().is_some_and(|h| h.contains("spaces")),
            "{found:#?}"
        );
    }
}

#[test]
fn tabs_inside_text_and_block_scalars_are_fine() {
    let record = format!(
        "{CLEAN_RECORD}summary: |\n  Steps:\n  \tindented with a tab inside the text\n\n  \tand after a blank line\nimpact: \"a\ttab\n\tcontinued\"\nservices: [a,\n\tb]\n# \ta comment\n\t# a comment after a tab\n"
    );
    let (run, found) = check_json(&one_record(&record), &[]);
    assert_eq!(found, [], "{}", run.stdout);
    run.code(0);
}

#[test]
fn a_second_document_is_a_syntax_error_where_it_starts() {
    let record = format!("{CLEAN_RECORD}---\n{CLEAN_RECORD}");
    let found = syntax_finding(&one_record(&record));
    // On the first key of the second document (line 18 is its `---`).
    assert_eq!((found.line, found.column), (19, 1));
    assert_eq!(found.message, "more than one YAML document in the file");
}

#[test]
fn an_empty_file_is_a_syntax_error_on_line_1() {
    for content in ["", "\n\n", "# only a comment\n", "---\n"] {
        let found = syntax_finding(&one_record(content));
        assert_eq!((found.line, found.column), (1, 1), "{content:?}");
        assert!(found.message.contains("empty"), "{}", found.message);
    }
}

#[test]
fn non_utf8_bytes_are_a_syntax_error_on_their_line() {
    let project = Project::new();
    let mut bytes = CLEAN_RECORD.as_bytes().to_vec();
    let at = CLEAN_RECORD.find("Clean").unwrap_or_default();
    bytes.splice(at..at, [0xC3, 0x28]);
    project.file("incidents/INC-1.yaml", &bytes);
    let found = syntax_finding(&project);
    assert_eq!((found.line, found.column), (1, 8));
    assert!(found.message.contains("UTF-8"), "{}", found.message);
    // Latin-1 on a later line.
    let bytes =
        clean_with("  tech_lead: bob\n", "  tech_lead: Jos\u{e9}\n").replace('\u{e9}', "\u{1}");
    let mut bytes = bytes.into_bytes();
    let pos = bytes.iter().position(|&b| b == 1).unwrap_or_default();
    bytes[pos] = 0xE9;
    project.file("incidents/INC-1.yaml", &bytes);
    let found = syntax_finding(&project);
    assert_eq!((found.line, found.column), (8, 17));
}

#[test]
fn a_timestamp_without_an_offset_shows_the_corrected_value() {
    let record = clean_with(
        "resolved_at: 2026-11-20T09:40:00Z\n",
        "resolved_at: 2026-11-20T11:02:00\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("schema", "error", 5, 1)]);
    assert!(
        found[0].message.contains("2026-11-20T11:02:00"),
        "{}",
        found[0].message
    );
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("`2026-11-20T11:02:00Z`"), "{help}");
}

#[test]
fn bad_dates_and_durations_are_schema_errors() {
    let record = clean_with("  status: done\n", "  status: done\n  due: 2026-11-3\n").replace(
        "communications:\n",
        "communications:\n  update_every: 30 minutes\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(
        places(&found),
        [("schema", "error", 12, 3), ("schema", "error", 19, 3)]
    );
}

#[test]
fn a_typo_in_a_key_gets_a_suggestion() {
    let record = clean_with("  tech_lead: bob\n", "  tech_lead:\n    - onwer: bob\n");
    let found = findings(&one_record(&record));
    let typo = found
        .iter()
        .find(|f| f.message.contains("`onwer`"))
        .expect("a finding about `onwer`");
    assert_eq!(typo.place(), ("schema", "error", 9, 7));
    assert_eq!(typo.help.as_deref(), Some("did you mean `owner`?"));
    // At the top level too.
    let record = clean_with("postmortem:\n", "postmortme:\n");
    let found = findings(&one_record(&record));
    let typo = found
        .iter()
        .find(|f| f.message.contains("`postmortme`"))
        .expect("a finding about `postmortme`");
    assert_eq!(typo.place(), ("schema", "error", 16, 1));
    assert_eq!(typo.help.as_deref(), Some("did you mean `postmortem`?"));
}

#[test]
fn an_unknown_person_gets_a_suggestion_in_every_format() {
    let record = clean_with("  postmortem_owner: dave\n", "  postmortem_owner: daev\n");
    let project = one_record(&record);
    project.file("people.yaml", PEOPLE);
    let found = findings(&project);
    assert_eq!(places(&found), [("unknown-person", "error", 10, 21)]);
    assert_eq!(found[0].help.as_deref(), Some("did you mean `dave`?"));
    let run = project.check(&[]);
    assert!(
        run.stdout.contains("= help: did you mean `dave`?"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_person_key_that_is_a_number_is_read_as_written() {
    let record = clean_with("  postmortem_owner: dave\n", "  postmortem_owner: 007\n");
    let project = one_record(&record);
    project.file("people.yaml", PEOPLE);
    let found = findings(&project);
    assert_eq!(places(&found), [("unknown-person", "error", 10, 21)]);
    assert!(found[0].message.contains("`007`"), "{}", found[0].message);
}

/// A configuration with a custom exclusive role and a custom severity.
const CUSTOM_CONFIG: &str = "\
roles:
  scribe:
    name: Scribe
severities:
  SEV0:
    required_roles: [incident_manager, scribe]
";

#[test]
fn custom_roles_and_severities_from_the_configuration() {
    let project = Project::new();
    project.file("rolecall.yaml", CUSTOM_CONFIG);
    let record = "\
title: Custom
severity: SEV0
status: investigating
started_at: 2026-11-21T11:00:00Z
roles:
  incident_manager: alice
";
    project.record("INC-1", record);
    let found = findings(&project);
    assert_eq!(places(&found), [("missing-owner", "error", 5, 1)]);
    assert!(found[0].message.contains("scribe"), "{}", found[0].message);
    assert!(
        found[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("Scribe")),
        "{found:#?}"
    );

    project.record("INC-1", &format!("{record}  scribe: bob\n"));
    assert_eq!(findings(&project), []);

    // A role defined with only `name` is exclusive.
    project.record(
        "INC-1",
        &format!("{record}  scribe: bob\nresponders:\n  - person: carol\n    role: scribe\n"),
    );
    assert_eq!(
        places(&findings(&project)),
        [("responder-in-exclusive-role", "error", 10, 5)]
    );

    // The built-in severities stay.
    project.record("INC-1", &record.replace("SEV0", "SEV4"));
    assert_eq!(findings(&project), []);
}

#[test]
fn a_custom_non_exclusive_role_is_a_responder_role() {
    let project = Project::new();
    project.file("rolecall.yaml", "roles:\n  observer:\n    name: Observer\n    exclusive: false\n    reports_to: incident_manager\n");
    project.record(
        "INC-1",
        &format!("{CLEAN_RECORD}responders:\n  - person: erin\n    role: observer\n"),
    );
    assert_eq!(findings(&project), []);
}

#[test]
fn a_broken_configuration_is_reported_in_its_own_file_and_records_are_not_checked() {
    let project = Project::new();
    project.file(
        "rolecall.yaml",
        "roles:\n  scribe:\n    name: Scribe\n    exclusive: true\n    exclusive: false\n",
    );
    project.record("INC-1", "not: a record\n");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(places(&found), [("syntax", "error", 5, 5)]);
    assert_eq!(found[0].file, "rolecall.yaml");
    let run = project.check(&[]);
    assert!(
        run.stdout.contains(" --> rolecall.yaml:5:5\n"),
        "{}",
        run.stdout
    );
    let summary = run.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("checked 0 incidents: 1 error, 0 warnings ("),
        "{summary}"
    );
    assert!(summary.contains("not checked"), "{summary}");
}

#[test]
fn a_broken_configuration_hides_record_problems_too() {
    let project = Project::new();
    project.file("rolecall.yaml", "severities: [\n");
    project.record("INC-1", "title: [\n");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(
        found.iter().map(|f| f.file.as_str()).collect::<Vec<_>>(),
        ["rolecall.yaml"],
        "{found:#?}"
    );
}

#[test]
fn a_broken_configuration_naming_its_own_incidents_folder_is_still_reported() {
    let project = Project::new();
    std::fs::remove_dir(project.abs("incidents")).expect("remove incidents");
    project.file(
        "rolecall.yaml",
        "incidents: records\nroles:\n  scribe: {}\n",
    );
    project.file("records/INC-1.yaml", CLEAN_RECORD);
    assert!(!project.exists("incidents"));
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(places(&found), [("schema", "error", 3, 3)]);
    assert_eq!(found[0].file, "rolecall.yaml");
}

#[test]
fn an_empty_or_commented_out_configuration_is_the_defaults() {
    for content in ["", "# every key is optional\n# incidents: incidents\n"] {
        let project = one_record(CLEAN_RECORD);
        project.file("rolecall.yaml", content);
        let (run, found) = check_json(&project, &[]);
        assert_eq!(found, [], "{content:?}");
        run.code(0);
    }
}

#[test]
fn an_empty_roster_knows_nobody() {
    let project = one_record(CLEAN_RECORD);
    project.file("people.yaml", "# nobody yet\n");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found
            .iter()
            .all(|f| f.code == "unknown-person" && f.file == "incidents/INC-1.yaml"),
        "{found:#?}"
    );
}

#[test]
fn configuration_schema_errors_sit_on_their_lines() {
    let project = Project::new();
    project.file(
        "rolecall.yaml",
        "roles:\n  scribe:\n    name: Scribe\n    reports_to: incident_manger\n  helper:\n    nmae: Helper\nseverities:\n  SEV0:\n    required_roles: [scribe, ghost]\nholidy: []\n",
    );
    project.record("INC-1", CLEAN_RECORD);
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert!(
        found
            .iter()
            .all(|f| f.file == "rolecall.yaml" && f.code == "schema"),
        "{found:#?}"
    );
    let lines: Vec<u64> = found.iter().map(|f| f.line).collect();
    assert_eq!(lines, [4, 5, 6, 9, 10], "{found:#?}");
    let reports_to = found
        .iter()
        .find(|f| f.line == 4)
        .expect("reports_to finding");
    assert_eq!(
        reports_to.help.as_deref(),
        Some("did you mean `incident_manager`?")
    );
    let typo = found.iter().find(|f| f.line == 10).expect("holidy finding");
    assert_eq!(typo.help.as_deref(), Some("did you mean `holidays`?"));
}

#[test]
fn a_configuration_given_with_config_is_used_and_named() {
    let project = Project::new();
    project.file(
        "ops/rolecall.yaml",
        "severities:\n  SEV0:\n    required_roles: [nobody]\n",
    );
    project.record("INC-1", CLEAN_RECORD);
    let (run, found) = check_json(&project, &["--config", "ops/rolecall.yaml"]);
    run.code(1);
    assert_eq!(places(&found), [("schema", "error", 3, 22)]);
    assert_eq!(found[0].file, "ops/rolecall.yaml");
}

#[test]
fn a_broken_roster_is_reported_in_its_own_file_and_records_are_not_checked() {
    let project = Project::new();
    project.file("people.yaml", "alice:\n  name: Alice\n  contact: [\n");
    project.record("INC-1", "not: a record\n");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code.as_str(), found[0].file.as_str()),
        ("syntax", "people.yaml")
    );

    project.file(
        "people.yaml",
        "alice:\n  name: Alice\n  tema: payments\n../bob:\n  name: Bob\n",
    );
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(
        places(&found),
        [("schema", "error", 3, 3), ("schema", "error", 4, 1)]
    );
    assert!(found.iter().all(|f| f.file == "people.yaml"), "{found:#?}");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `team`?"));
    let run = project.check(&[]);
    assert!(run.stdout.contains("checked 0 incidents"), "{}", run.stdout);
}

#[test]
fn a_roster_named_in_the_configuration_is_used() {
    let project = Project::new();
    project.file("rolecall.yaml", "people: team/people.yaml\n");
    project.file("team/people.yaml", PEOPLE);
    project.record(
        "INC-1",
        &clean_with("  tech_lead: bob\n", "  tech_lead: bobby\n"),
    );
    assert_eq!(
        places(&findings(&project)),
        [("unknown-person", "error", 8, 14)]
    );
}

#[test]
fn a_bad_record_does_not_stop_the_others_from_being_checked() {
    let project = Project::new();
    project.record("INC-1", "title: [\n");
    project.record(
        "INC-2",
        &clean_with("  tech_lead: bob\n", "  tech_lead: alice\n"),
    );
    project.record("INC-3", "title: x\nseverity: SEV9\n");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    let files: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.file.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        files,
        [
            ("incidents/INC-1.yaml", "syntax"),
            ("incidents/INC-2.yaml", "same-person"),
            ("incidents/INC-3.yaml", "schema"),
            ("incidents/INC-3.yaml", "schema"),
            ("incidents/INC-3.yaml", "schema"),
        ]
    );
}

/// A record with one error, `missing-owner` on line 6.
fn with_error() -> String {
    clean_with("  communications_manager: carol\n", "  # nobody\n")
}

/// A git project with INC-1 (an error) and INC-2 (clean) committed on main.
fn committed_project() -> Project {
    let project = Project::git();
    project.record("INC-1", &with_error());
    project.record("INC-2", CLEAN_RECORD);
    project.record("INC-3", &with_error());
    project.commit_all("records");
    project
}

fn files_of(found: &[Found]) -> Vec<(&str, &str)> {
    found
        .iter()
        .map(|f| (f.file.as_str(), f.code.as_str()))
        .collect()
}

#[test]
fn changed_since_reports_only_modified_and_added_records() {
    let project = committed_project();
    let (run, found) = check_json(&project, &["--changed-since", "HEAD"]);
    run.code(0);
    assert_eq!(found, []);
    assert_eq!(crate::check_codes::parse_report(&run)["incidents"], 0);

    project.record("INC-2", &with_error());
    project.record("INC-4", &with_error());
    let (run, found) = check_json(&project, &["--changed-since", "HEAD"]);
    run.code(1);
    assert_eq!(
        files_of(&found),
        [
            ("incidents/INC-2.yaml", "missing-owner"),
            ("incidents/INC-4.yaml", "missing-owner")
        ]
    );
    let report = crate::check_codes::parse_report(&run);
    assert_eq!(
        (report["incidents"].as_u64(), report["errors"].as_u64()),
        (Some(2), Some(2))
    );
    let run = project.check(&["--changed-since", "HEAD"]);
    assert!(
        run.stdout
            .ends_with("checked 2 incidents: 2 errors, 0 warnings\n"),
        "{}",
        run.stdout
    );

    // Without the flag every record is reported.
    let (_, found) = check_json(&project, &[]);
    assert_eq!(found.len(), 4);
}

#[test]
fn changed_since_uses_the_merge_base() {
    let project = committed_project();
    project.git_ok(&["checkout", "-q", "-b", "topic"]);
    project.record("INC-2", &with_error());
    project.commit_all("topic work");
    project.git_ok(&["checkout", "-q", "main"]);
    project.record("INC-3", CLEAN_RECORD);
    project.commit_all("main work");
    project.git_ok(&["checkout", "-q", "topic"]);
    let (run, found) = check_json(&project, &["--changed-since", "main"]);
    run.code(1);
    assert_eq!(
        files_of(&found),
        [("incidents/INC-2.yaml", "missing-owner")]
    );
    assert_eq!(crate::check_codes::parse_report(&run)["incidents"], 1);
}

#[test]
fn changed_since_keeps_configuration_findings() {
    let project = committed_project();
    project.file(
        "rolecall.yaml",
        "severities:\n  SEV0:\n    required_roles: [ghost]\n",
    );
    project.file("people.yaml", "alice:\n  nmae: Alice\n");
    project.commit_all("broken setup");
    let (run, found) = check_json(&project, &["--changed-since", "HEAD"]);
    run.code(1);
    assert_eq!(
        files_of(&found),
        [("people.yaml", "schema"), ("rolecall.yaml", "schema")]
    );
}

#[test]
fn changed_since_keeps_roster_findings_however_the_roster_path_is_written() {
    let project = committed_project();
    project.file("rolecall.yaml", "people: ./team/people.yaml\n");
    project.file("team/people.yaml", "alice:\n  nmae: Alice\n");
    project.commit_all("roster");
    let (run, found) = check_json(&project, &["--changed-since", "HEAD"]);
    run.code(1);
    assert_eq!(files_of(&found), [("team/people.yaml", "schema")]);
}

#[test]
fn changed_since_reports_a_duplicate_when_either_record_changed() {
    let project = Project::git();
    project.record("INC-1", CLEAN_RECORD);
    project.record("old/INC-1", CLEAN_RECORD);
    project.record("INC-2", CLEAN_RECORD);
    project.commit_all("records");
    // Neither changed.
    project.record(
        "INC-2",
        &clean_with("title: Clean record\n", "title: Changed\n"),
    );
    let (_, found) = check_json(&project, &["--changed-since", "HEAD"]);
    assert_eq!(found, []);
    // The first one changed: the finding sits on the second.
    project.record(
        "INC-1",
        &clean_with("title: Clean record\n", "title: Changed\n"),
    );
    let (run, found) = check_json(&project, &["--changed-since", "HEAD"]);
    run.code(1);
    assert_eq!(
        files_of(&found),
        [("incidents/old/INC-1.yaml", "duplicate-id")]
    );
    // The second one changed.
    project.commit_all("more");
    project.record(
        "old/INC-1",
        &clean_with("title: Clean record\n", "title: Changed\n"),
    );
    let (_, found) = check_json(&project, &["--changed-since", "HEAD"]);
    assert_eq!(
        files_of(&found),
        [("incidents/old/INC-1.yaml", "duplicate-id")]
    );
    // A new record duplicating an old one.
    project.commit_all("more");
    project.record("new/INC-2", CLEAN_RECORD);
    let (_, found) = check_json(&project, &["--changed-since", "HEAD"]);
    assert_eq!(
        files_of(&found),
        [("incidents/new/INC-2.yaml", "duplicate-id")]
    );
}

#[test]
fn changed_since_works_from_a_subfolder_of_the_repository() {
    let project = Project::git();
    project.file("ops/incidents/INC-1.yaml", CLEAN_RECORD);
    project.file("ops/incidents/INC-2.yaml", with_error());
    project.commit_all("records");
    project.file("ops/incidents/INC-1.yaml", with_error());
    let run = project.run(&[
        "-C",
        "ops",
        "check",
        "--now",
        crate::harness::NOW,
        "--format",
        "json",
        "--changed-since",
        "HEAD",
    ]);
    run.code(1);
    let found = crate::check_codes::findings_of(&crate::check_codes::parse_report(&run));
    assert_eq!(
        files_of(&found),
        [("incidents/INC-1.yaml", "missing-owner")]
    );
}

#[test]
fn changed_since_an_unknown_revision_exits_2() {
    let project = committed_project();
    let run = project.check(&["--changed-since", "no-such-branch"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
}

#[test]
fn changed_since_outside_a_repository_exits_2() {
    let project = one_record(CLEAN_RECORD);
    let run = project.check(&["--changed-since", "HEAD"]);
    run.code(2);
    assert!(!run.stderr.is_empty());
}

#[test]
fn a_record_over_1_mib_is_a_syntax_error() {
    let padding = format!("# {}\n", "x".repeat(1023)).repeat(1025);
    let found = syntax_finding(&one_record(&format!("{CLEAN_RECORD}{padding}")));
    assert_eq!((found.line, found.column), (1, 1));
    assert!(found.message.contains("1 MiB"), "{}", found.message);
}

#[test]
fn a_record_of_just_under_1_mib_is_read() {
    let padding = format!("# {}\n", "x".repeat(1000)).repeat(1000);
    let (run, found) = check_json(&one_record(&format!("{CLEAN_RECORD}{padding}")), &[]);
    run.code(0);
    assert_eq!(found, []);
}

#[test]
fn deep_flow_nesting_is_a_syntax_error() {
    let record = format!(
        "{CLEAN_RECORD}services: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let found = syntax_finding(&one_record(&record));
    assert_eq!(found.line, 18);
    assert!(found.message.contains("nesting"), "{}", found.message);
}

#[test]
fn deep_block_nesting_is_a_syntax_error() {
    let record = format!("{CLEAN_RECORD}services:\n{}x\n", "- ".repeat(5_000));
    let found = syntax_finding(&one_record(&record));
    assert_eq!(found.line, 19);
    assert!(found.message.contains("nesting"), "{}", found.message);
    // Nesting by indentation, one space per level.
    let mut record = format!("{CLEAN_RECORD}extra:\n");
    for depth in 1..=100 {
        record.push_str(&" ".repeat(depth));
        record.push_str("k:\n");
    }
    let found = syntax_finding(&one_record(&record));
    assert!(found.message.contains("nesting"), "{}", found.message);
    // Line 18 + n holds a mapping at depth n + 1: the first past 64 is n = 64.
    assert_eq!((found.line, found.column), (18 + 64, 65));
}

#[test]
fn nesting_of_64_levels_is_allowed() {
    // The record itself is a mapping (level 1); `extra` adds 63 more.
    let record = format!(
        "{CLEAN_RECORD}links: {}{}\n",
        "[".repeat(63),
        "]".repeat(63)
    );
    let found = findings(&one_record(&record));
    assert!(
        found.iter().all(|f| f.code == "schema"),
        "not a syntax error: {found:#?}"
    );
}

#[test]
fn many_records_nested_to_the_limit_are_read_without_crashing() {
    let project = Project::new();
    let flow = format!(
        "{CLEAN_RECORD}links: {}{}\n",
        "[".repeat(63),
        "]".repeat(63)
    );
    let mut block = format!("{CLEAN_RECORD}extra:\n");
    for depth in 1..63 {
        block.push_str(&" ".repeat(depth));
        block.push_str("k:\n");
    }
    let mut chained = format!("{CLEAN_RECORD}a0: &a0 x\n");
    for i in 1..200 {
        let _ = writeln!(chained, "a{i}: &a{i} [*a{}]", i - 1);
    }
    for i in 0..8 {
        project.record(&format!("INC-{i}"), [&flow, &block, &chained][i % 3]);
    }
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(crate::check_codes::parse_report(&run)["incidents"], 8);
    let syntax: Vec<&Found> = found.iter().filter(|f| f.code == "syntax").collect();
    assert_eq!(
        syntax.len(),
        2,
        "only the alias chains are too deep: {found:#?}"
    );
    assert!(
        syntax.iter().all(|f| f.message.contains("nesting")),
        "{syntax:#?}"
    );
}

#[test]
fn an_alias_bomb_is_a_syntax_error() {
    let mut record = String::from(CLEAN_RECORD);
    record.push_str("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=9 {
        let previous = format!("*x{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        let _ = writeln!(record, "x{level}: &x{level} [{items}]");
    }
    let found = syntax_finding(&one_record(&record));
    assert!(found.line >= 18, "{found:#?}");
    assert!(found.message.contains("limit"), "{}", found.message);
}

#[test]
fn a_few_aliases_are_fine() {
    let record = clean_with("  tech_lead: bob\n", "  tech_lead: &lead bob\n")
        .replace("  postmortem_owner: dave\n", "  postmortem_owner: *lead\n");
    let (run, found) = check_json(&one_record(&record), &[]);
    run.code(0);
    assert_eq!(found, []);
}

#[test]
fn crlf_line_endings_are_accepted() {
    let record = CLEAN_RECORD.replace('\n', "\r\n");
    let (run, found) = check_json(&one_record(&record), &[]);
    run.code(0);
    assert_eq!(found, []);
    // Positions and source lines stay right.
    let record = clean_with("  tech_lead: bob\n", "  tech_lead: bob\n  scirbe: erin\n")
        .replace('\n', "\r\n");
    let project = one_record(&record);
    assert_eq!(
        places(&findings(&project)),
        [("unknown-role", "error", 9, 3)]
    );
    let run = project.check(&[]);
    assert!(
        run.stdout.contains("9 |   scirbe: erin\n  |   ^^^^^^\n"),
        "{:?}",
        run.stdout
    );
    assert!(!run.stdout.contains('\r'), "{:?}", run.stdout);
    // Block scalars and conflict markers with CRLF.
    let record = format!("{CLEAN_RECORD}summary: |\n  Two\n  lines.\n").replace('\n', "\r\n");
    assert_eq!(findings(&one_record(&record)), []);
    let record =
        clean_with("  tech_lead: bob\n", "<<<<<<< HEAD\n  tech_lead: bob\n").replace('\n', "\r\n");
    let found = syntax_finding(&one_record(&record));
    assert_eq!(
        (found.line, found.message.contains("merge-conflict")),
        (8, true)
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let record = format!("\u{feff}{CLEAN_RECORD}");
    let (run, found) = check_json(&one_record(&record), &[]);
    run.code(0);
    assert_eq!(found, []);
    // Values read as written are taken from the right bytes.
    let record = format!(
        "\u{feff}{}",
        clean_with("  tech_lead: bob\n", "  tech_lead: 1234\n")
    );
    let project = one_record(&record);
    project.file("people.yaml", PEOPLE);
    let found = findings(&project);
    assert_eq!(places(&found), [("unknown-person", "error", 8, 14)]);
    assert!(found[0].message.contains("`1234`"), "{}", found[0].message);
    // Findings on line 1 point at the right column.
    let record = format!(
        "\u{feff}titel: x\n{}",
        &CLEAN_RECORD["title: Clean record\n".len()..]
    );
    let project = one_record(&record);
    let found = findings(&project);
    let typo = found
        .iter()
        .find(|f| f.message.contains("`titel`"))
        .expect("a finding about `titel`");
    assert_eq!(typo.place(), ("schema", "error", 1, 1));
    assert_eq!(typo.help.as_deref(), Some("did you mean `title`?"));
    let run = project.check(&[]);
    assert!(
        run.stdout.contains("1 | titel: x\n  | ^^^^^\n"),
        "{:?}",
        run.stdout
    );
}

#[test]
fn a_byte_order_mark_in_the_configuration_and_roster_is_accepted() {
    let project = Project::new();
    project.file("rolecall.yaml", format!("\u{feff}{CUSTOM_CONFIG}"));
    project.file("people.yaml", format!("\u{feff}{PEOPLE}"));
    project.record("INC-1", CLEAN_RECORD);
    let (run, found) = check_json(&project, &[]);
    run.code(0);
    assert_eq!(found, []);
}

#[test]
fn records_are_found_recursively_skipping_hidden_and_other_files() {
    let project = Project::new();
    project.record("2026/INC-1", &with_error());
    project.file("incidents/2026/INC-2.yml", with_error());
    project.file("incidents/.drafts/INC-3.yaml", "broken: [\n");
    project.file("incidents/.INC-4.yaml", "broken: [\n");
    project.file("incidents/INC-5.md", "# not a record\n");
    project.file("incidents/INC-5/README.md", "# generated\n");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(
        files_of(&found),
        [
            ("incidents/2026/INC-1.yaml", "missing-owner"),
            ("incidents/2026/INC-2.yml", "missing-owner")
        ]
    );
    assert_eq!(crate::check_codes::parse_report(&run)["incidents"], 2);
}

#[cfg(unix)]
#[test]
fn symlinked_records_are_skipped_without_a_finding() {
    use std::os::unix::fs::symlink;
    let project = Project::new();
    project.record("INC-1", CLEAN_RECORD);
    project.file("elsewhere/INC-9.yaml", "broken: [\n");
    project.file("elsewhere/nested/INC-8.yaml", "broken: [\n");
    symlink(
        project.abs("elsewhere/INC-9.yaml"),
        project.abs("incidents/INC-9.yaml"),
    )
    .expect("symlink a file");
    symlink(
        project.abs("elsewhere/nested"),
        project.abs("incidents/nested"),
    )
    .expect("symlink a folder");
    symlink(
        project.abs("nowhere.yaml"),
        project.abs("incidents/INC-7.yaml"),
    )
    .expect("dangling symlink");
    let (run, found) = check_json(&project, &[]);
    run.code(0);
    assert_eq!(found, []);
    assert_eq!(crate::check_codes::parse_report(&run)["incidents"], 1);
    let run = project.check(&["-v"]);
    run.code(0);
    assert!(
        run.stderr.contains("incidents/INC-9.yaml"),
        "-v says which link was skipped: {}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_incidents_folder_is_followed() {
    use std::os::unix::fs::symlink;
    let project = Project::new();
    std::fs::remove_dir(project.abs("incidents")).expect("remove incidents");
    project.file("real/INC-1.yaml", with_error());
    symlink(project.abs("real"), project.abs("incidents")).expect("symlink the folder");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(
        files_of(&found),
        [("incidents/INC-1.yaml", "missing-owner")]
    );
}

/// Valid YAML in many styles: directives, quoted and folded text, tables
/// and headings inside block scalars, flow collections over several lines,
/// a plain scalar continued with a tab, `#` inside text and URLs.
const MANY_STYLES: &str = "\
%YAML 1.2
---
# leading comment
title: \"Checkout: API returns 502 # not a comment\"
severity: SEV2
status: resolved
started_at: 2026-11-20T09:00:00Z   # comment
resolved_at: '2026-11-20T09:40:00Z'
summary: |2
    Card payments failed; don't panic.
  # Heading inside the text
  | table | with | pipes |
  |-------|------|-------|
  \tcode indented with a tab
impact: >-
  Folded text that
  continues here.
services:
  - checkout-api
  - \"payments, gateway\"
  - 'it''s quoted'
roles: {incident_manager: alice, tech_lead: bob,
  communications_manager: carol,
\tpostmortem_owner: dave}
communications:
  updates:
  - at: 2026-11-20T09:30:00Z
    channel: status-page
    summary: It's a plain scalar
      that continues on a second line
      \tand a third after a tab
timeline:
  - {at: 2026-11-20T09:00:00Z, event: \"Alert: fired\"}
links:
  - title: Channel
    url: https://chat.example.com/inc#channel
postmortem:
  status: done
...
";

#[test]
fn valid_yaml_in_many_styles_passes() {
    let (run, found) = check_json(&one_record(MANY_STYLES), &[]);
    assert_eq!(found, [], "{}", run.stdout);
    run.code(0);
}
