//! `rolecall check`: one test per finding code of SPEC §4, each pinning the
//! code, the severity and the exact line and column (SPEC §9.11, §9.20), and
//! the examples of SPEC §2 and §3 passing.
//!
//! The helpers at the top are shared with `check_formats` and `check_inputs`.

use serde_json::Value;

use crate::harness::{CLEAN_RECORD, PEOPLE, Project, Run};

/// One finding of the JSON report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub code: String,
    pub severity: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub help: Option<String>,
}

impl Found {
    /// `(code, severity, line, column)`: what most assertions compare.
    pub fn place(&self) -> (&str, &str, u64, u64) {
        (&self.code, &self.severity, self.line, self.column)
    }
}

/// Parses a `--format json` report.
#[track_caller]
pub fn parse_report(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e})\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        )
    })
}

/// The findings of a JSON report.
#[track_caller]
pub fn findings_of(report: &Value) -> Vec<Found> {
    let text = |v: &Value, key: &str| {
        v[key]
            .as_str()
            .unwrap_or_else(|| panic!("`{key}` is not text in {v}"))
            .to_owned()
    };
    let number = |v: &Value, key: &str| {
        v[key]
            .as_u64()
            .unwrap_or_else(|| panic!("`{key}` is not a number in {v}"))
    };
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array in {report}"))
        .iter()
        .map(|f| Found {
            code: text(f, "code"),
            severity: text(f, "severity"),
            file: text(f, "file"),
            line: number(f, "line"),
            column: number(f, "column"),
            message: text(f, "message"),
            help: f["help"].as_str().map(str::to_owned),
        })
        .collect()
}

/// Runs `check --format json` plus `args` and returns the run and findings.
#[track_caller]
pub fn check_json(project: &Project, args: &[&str]) -> (Run, Vec<Found>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = project.check(&all);
    let findings = findings_of(&parse_report(&run));
    (run, findings)
}

/// The findings of a project, all in `incidents/INC-1.yaml`.
#[track_caller]
pub fn findings(project: &Project) -> Vec<Found> {
    check_json(project, &[]).1
}

/// The places of every finding: `(code, severity, line, column)`.
pub fn places(found: &[Found]) -> Vec<(&str, &str, u64, u64)> {
    found.iter().map(Found::place).collect()
}

/// A project with `incidents/INC-1.yaml` holding `record`.
pub fn one_record(record: &str) -> Project {
    let project = Project::new();
    project.record("INC-1", record);
    project
}

/// The clean record with one line replaced (keeping line numbers when the
/// replacement is one line too).
#[track_caller]
pub fn clean_with(old: &str, new: &str) -> String {
    assert!(
        CLEAN_RECORD.contains(old),
        "the clean record has no `{old}`"
    );
    CLEAN_RECORD.replacen(old, new, 1)
}

#[test]
fn the_clean_record_has_no_findings_with_or_without_a_roster() {
    let project = one_record(CLEAN_RECORD);
    let (run, found) = check_json(&project, &[]);
    run.code(0);
    assert_eq!(found, []);
    project.file("people.yaml", PEOPLE);
    let (run, found) = check_json(&project, &["--strict"]);
    run.code(0);
    assert_eq!(found, []);
}

#[test]
fn syntax_is_reported_where_the_parser_stops() {
    let project = one_record("title: Broken\nseverity: SEV2\n  status: resolved\n");
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(places(&found), [("syntax", "error", 3, 9)]);
    assert_eq!(found[0].file, "incidents/INC-1.yaml");
    assert!(
        !found[0].message.contains("at line"),
        "the position is not repeated: {}",
        found[0].message
    );
}

#[test]
fn schema_reports_wrong_types_missing_and_unknown_keys() {
    let record = "\
title: Schema problems
severity: SEV2
started_at: 2026-11-20T09:00:00Z
roles:
  tech_lead:
    - onwer: bob
services: checkout
";
    let found = findings(&one_record(record));
    assert_eq!(
        places(&found),
        [
            ("schema", "error", 1, 1), // missing `status`, where the mapping starts
            ("schema", "error", 6, 7), // `onwer`
            ("schema", "error", 6, 7), // the shift misses `owner`
            ("schema", "error", 7, 1), // `services` is not a list
        ]
    );
    assert!(found[0].message.contains("`status`"), "{found:#?}");
    let typo = found
        .iter()
        .find(|f| f.message.contains("onwer"))
        .expect("typo finding");
    assert_eq!(typo.help.as_deref(), Some("did you mean `owner`?"));
}

#[test]
fn schema_reports_unknown_severity_and_status_with_suggestions() {
    let record = clean_with("severity: SEV2\n", "severity: SEV5\n").replacen(
        "status: resolved",
        "status: resovled",
        1,
    );
    let found = findings(&one_record(&record));
    assert_eq!(
        places(&found),
        [("schema", "error", 2, 1), ("schema", "error", 3, 1)]
    );
    assert_eq!(found[1].help.as_deref(), Some("did you mean `resolved`?"));
    assert!(
        found[0].help.as_deref().is_some_and(|h| h.contains("SEV")),
        "{found:#?}"
    );
}

#[test]
fn invalid_id_sits_on_the_id_key() {
    let found = findings(&one_record(&format!(
        "# a comment first\nid: INC-2\n{CLEAN_RECORD}"
    )));
    assert_eq!(places(&found), [("invalid-id", "error", 2, 1)]);
    assert!(found[0].message.contains("`INC-1`"), "{}", found[0].message);
}

#[test]
fn invalid_id_from_the_file_name_sits_on_line_1() {
    let project = Project::new();
    project.record("INC 1", CLEAN_RECORD);
    let found = findings(&project);
    assert_eq!(places(&found), [("invalid-id", "error", 1, 1)]);
    assert_eq!(found[0].file, "incidents/INC 1.yaml");
}

#[test]
fn invalid_id_breaking_the_id_rule() {
    let found = findings(&one_record(&format!("id: ../INC-1\n{CLEAN_RECORD}")));
    assert_eq!(places(&found), [("invalid-id", "error", 1, 1)]);
}

#[test]
fn duplicate_id_sits_on_the_second_record_in_path_order_and_names_the_first() {
    let project = Project::new();
    project.record("INC-1", CLEAN_RECORD);
    project.file(
        "incidents/old/INC-1.yaml",
        format!("# moved here by mistake\nid: INC-1\n{CLEAN_RECORD}"),
    );
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(places(&found), [("duplicate-id", "error", 2, 1)]);
    assert_eq!(found[0].file, "incidents/old/INC-1.yaml");
    assert!(
        found[0].message.contains("incidents/INC-1.yaml"),
        "{}",
        found[0].message
    );
}

#[test]
fn duplicate_id_without_an_id_key_sits_on_line_1() {
    let project = Project::new();
    project.record("a/INC-1", CLEAN_RECORD);
    project.record("b/INC-1", CLEAN_RECORD);
    let found = findings(&project);
    assert_eq!(places(&found), [("duplicate-id", "error", 1, 1)]);
    assert_eq!(found[0].file, "incidents/b/INC-1.yaml");
}

#[test]
fn missing_owner_sits_on_the_roles_key() {
    let record = clean_with("  communications_manager: carol\n", "  # nobody yet\n");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("missing-owner", "error", 6, 1)]);
    assert_eq!(found[0].message, "role communications_manager has no owner");
}

#[test]
fn missing_owner_without_roles_sits_on_line_1() {
    let record = "\
title: No roles at all
severity: SEV4
status: investigating
started_at: 2026-11-21T11:00:00Z
";
    let found = findings(&one_record(record));
    assert_eq!(places(&found), [("missing-owner", "error", 1, 1)]);
    assert!(found[0].message.contains("incident_manager"));
}

#[test]
fn postmortem_owner_is_required_only_once_resolved() {
    let record = "\
title: Open, no postmortem owner yet
severity: SEV4
status: investigating
started_at: 2026-11-21T11:00:00Z
roles:
  incident_manager: alice
";
    assert_eq!(findings(&one_record(record)), []);
    let record = clean_with(
        "  postmortem_owner: dave\n",
        "  # postmortem owner to be found\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("missing-owner", "error", 6, 1)]);
    assert!(found[0].message.contains("postmortem_owner"));
}

#[test]
fn vacant_role_sits_on_the_first_shift() {
    let record = clean_with(
        "  incident_manager: alice\n",
        "  incident_manager:\n    - owner: alice\n      from: 2026-11-20T09:20:00Z\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("vacant-role", "error", 8, 7)]);
    assert!(
        found[0].message.contains("2026-11-20T09:00:00Z"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_role_filled_within_assign_within_is_not_vacant() {
    // Ten minutes after the start: in time by the default of 15m.
    let record = clean_with(
        "  incident_manager: alice\n",
        "  incident_manager:\n    - owner: alice\n      from: 2026-11-20T09:10:00Z\n",
    );
    let project = one_record(&record);
    assert_eq!(findings(&project), []);
    // Exactly at the limit is still in time.
    let project = one_record(&record.replace("09:10:00Z", "09:15:00Z"));
    assert_eq!(findings(&project), []);
    // A severity of 5m makes the same record late.
    let project = one_record(&record);
    project.file(
        "rolecall.yaml",
        "severities:\n  SEV2:\n    required_roles: [incident_manager, tech_lead]\n    assign_within: 5m\n",
    );
    assert_eq!(
        places(&findings(&project)),
        [("vacant-role", "error", 8, 7)]
    );
}

#[test]
fn assign_within_must_be_a_duration() {
    let project = one_record(CLEAN_RECORD);
    project.file(
        "rolecall.yaml",
        "severities:\n  SEV2:\n    assign_within: soon\n    ack_withn: 5m\n",
    );
    let found = findings(&project);
    let codes: Vec<(&str, u64)> = found.iter().map(|f| (f.code.as_str(), f.line)).collect();
    assert_eq!(codes, [("schema", 3), ("schema", 4)]);
    assert!(
        found[1]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("ack_within"),
        "{found:?}"
    );
}

/// [`CLEAN_RECORD`] still open, the tech lead handed from bob to erin at
/// 09:20 with `ack` as the new shift's `acknowledged_at` line (or nothing).
fn open_handover(ack: &str) -> String {
    CLEAN_RECORD
        .replace("status: resolved\n", "status: monitoring\n")
        .replace("resolved_at: 2026-11-20T09:40:00Z\n", "")
        .replace(
            "  tech_lead: bob\n",
            &format!("  tech_lead:\n    - owner: bob\n    - owner: erin\n      from: 2026-11-20T09:20:00Z\n      handover: Over to you.\n{ack}"),
        )
}

/// The findings of `record` at `now`, without the clock's update warnings.
fn handover_findings(record: &str, now: &str) -> Vec<(String, String, u64, u64)> {
    let project = one_record(record);
    let run = project.run(&[
        "check", "--format", "json", "--color", "never", "--now", now,
    ]);
    findings_of(&parse_report(&run))
        .iter()
        .filter(|f| f.code != "update-overdue" && f.code != "postmortem-overdue")
        .map(|f| (f.code.clone(), f.severity.clone(), f.line, f.column))
        .collect()
}

#[test]
fn unacknowledged_handover_warns_after_ack_within_while_open() {
    let record = open_handover("");
    let warned = [(
        "unacknowledged-handover".to_owned(),
        "warning".to_owned(),
        9,
        7,
    )];
    assert_eq!(handover_findings(&record, "2026-11-20T09:36:00Z"), warned);
    assert_eq!(handover_findings(&record, "2026-11-20T09:35:00Z"), []);
    let acked = open_handover("      acknowledged_at: 2026-11-20T09:22:00Z\n");
    assert_eq!(handover_findings(&acked, "2026-11-21T12:00:00Z"), []);
    // A resolved incident's handovers are history.
    let resolved = record
        .replace("status: monitoring\n", "status: resolved\n")
        .replace(
            "started_at: 2026-11-20T09:00:00Z\n",
            "started_at: 2026-11-20T09:00:00Z\nresolved_at: 2026-11-20T11:00:00Z\n",
        );
    assert_eq!(handover_findings(&resolved, "2026-11-21T12:00:00Z"), []);
}

#[test]
fn ack_within_comes_from_the_severity() {
    let project = one_record(&open_handover(""));
    project.file(
        "rolecall.yaml",
        "severities:\n  SEV2:\n    required_roles: [incident_manager, tech_lead]\n    ack_within: 1h\n",
    );
    let at = |now: &str| {
        let run = project.run(&[
            "check", "--format", "json", "--color", "never", "--now", now,
        ]);
        findings_of(&parse_report(&run))
            .into_iter()
            .filter(|f| f.code == "unacknowledged-handover")
            .count()
    };
    // The handover was at 09:20: an hour later it is still in time.
    assert_eq!(at("2026-11-20T10:20:00Z"), 0);
    assert_eq!(at("2026-11-20T10:21:00Z"), 1);
}

#[test]
fn ack_before_handover_is_an_error_on_acknowledged_at() {
    let record = open_handover("      acknowledged_at: 2026-11-20T09:19:00Z\n");
    assert_eq!(
        handover_findings(&record, "2026-11-20T09:30:00Z"),
        [("ack-before-handover".to_owned(), "error".to_owned(), 12, 7)]
    );
}

#[test]
fn unknown_role_for_a_role_key_and_a_responder_role() {
    let record = format!(
        "{}responders:\n  - person: erin\n    role: domain_expret\n",
        clean_with(
            "  postmortem_owner: dave\n",
            "  postmortem_owner: dave\n  scribe: erin\n"
        )
    );
    let found = findings(&one_record(&record));
    assert_eq!(
        places(&found),
        [
            ("unknown-role", "error", 11, 3),
            ("unknown-role", "error", 21, 5)
        ]
    );
    assert_eq!(
        found[1].help.as_deref(),
        Some("did you mean `domain_expert`?")
    );
}

#[test]
fn unknown_role_for_a_non_exclusive_role_under_roles_points_to_responders() {
    let record = clean_with(
        "  postmortem_owner: dave\n",
        "  postmortem_owner: dave\n  domain_expert: erin\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("unknown-role", "error", 11, 3)]);
    assert!(
        found[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("responders")),
        "{found:#?}"
    );
}

#[test]
fn responder_in_exclusive_role_sits_on_the_role_key() {
    let record = format!("{CLEAN_RECORD}responders:\n  - person: erin\n    role: tech_lead\n");
    let found = findings(&one_record(&record));
    assert_eq!(
        places(&found),
        [("responder-in-exclusive-role", "error", 20, 5)]
    );
}

#[test]
fn unknown_person_everywhere_a_person_is_named() {
    let record = format!(
        "{}responders:\n  - person: zed\n    role: domain_expert\nactions:\n  - title: Fix it\n    owner: bobb\n    status: done\n",
        clean_with("  tech_lead: bob\n", "  tech_lead: bbo\n")
    );
    let project = one_record(&record);
    assert_eq!(
        findings(&project),
        [],
        "without a roster any name is accepted"
    );
    project.file("people.yaml", PEOPLE);
    let found = findings(&project);
    assert_eq!(
        places(&found),
        [
            ("unknown-person", "error", 8, 14),
            ("unknown-person", "error", 19, 5),
            ("unknown-person", "error", 23, 5),
        ]
    );
    assert_eq!(found[0].help.as_deref(), Some("did you mean `bob`?"));
    assert_eq!(found[2].help.as_deref(), Some("did you mean `bob`?"));
}

/// The clean record with `tech_lead` written as `shifts` (a YAML list at
/// four spaces), starting on line 8.
fn with_tech_lead_shifts(shifts: &str) -> String {
    clean_with("  tech_lead: bob\n", &format!("  tech_lead:\n{shifts}"))
}

#[test]
fn handover_order_sits_on_the_first_shift_without_from() {
    let record = with_tech_lead_shifts(
        "    - owner: bob\n    - owner: erin\n      handover: Over to Erin.\n    - owner: bob\n      handover: Back.\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("handover-order", "error", 10, 7)]);
}

#[test]
fn handover_order_sits_on_the_first_shift_not_later_than_the_one_before() {
    let record = with_tech_lead_shifts(
        "    - owner: bob\n    - owner: erin\n      from: 2026-11-20T09:20:00Z\n      handover: Over.\n    - owner: bob\n      from: 2026-11-20T09:20:00Z\n      handover: Back.\n    - owner: erin\n      from: 2026-11-20T09:10:00Z\n      handover: Again.\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("handover-order", "error", 13, 7)]);
}

#[test]
fn handover_out_of_range_before_start_after_resolution_and_in_the_future() {
    let record = with_tech_lead_shifts(
        "    - owner: bob\n      from: 2026-11-20T08:00:00Z\n    - owner: erin\n      from: 2026-11-20T10:00:00Z\n      handover: Late.\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(
        places(&found),
        [
            ("handover-out-of-range", "error", 10, 7),
            ("handover-out-of-range", "error", 12, 7)
        ]
    );

    let open = "\
title: Open
severity: SEV4
status: investigating
started_at: 2026-11-21T11:00:00Z
roles:
  incident_manager:
    - owner: alice
    - owner: bob
      from: 2026-11-21T13:00:00Z
      handover: Planned.
";
    let found = findings(&one_record(open));
    assert_eq!(places(&found), [("handover-out-of-range", "error", 9, 7)]);
}

#[test]
fn handover_to_self_sits_on_the_later_shift() {
    let record = with_tech_lead_shifts(
        "    - owner: bob\n    - owner: bob\n      from: 2026-11-20T09:20:00Z\n      handover: Still me.\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("handover-to-self", "error", 10, 7)]);
}

#[test]
fn handover_without_note_is_a_warning_on_the_later_shift() {
    let record = with_tech_lead_shifts(
        "    - owner: bob\n    - owner: erin\n      from: 2026-11-20T09:20:00Z\n      handover: \"  \"\n",
    );
    let project = one_record(&record);
    let (run, found) = check_json(&project, &[]);
    run.code(0);
    assert_eq!(
        places(&found),
        [("handover-without-note", "warning", 10, 7)]
    );
}

#[test]
fn same_person_sits_on_the_later_shift() {
    let record = with_tech_lead_shifts(
        "    - owner: bob\n    - owner: alice\n      from: 2026-11-20T09:20:00Z\n      handover: Alice covers.\n",
    );
    let (run, found) = check_json(&one_record(&record), &[]);
    run.code(0);
    assert_eq!(places(&found), [("same-person", "warning", 10, 7)]);
    assert!(found[0].message.contains("alice"), "{}", found[0].message);
}

#[test]
fn same_person_from_the_start_sits_on_the_role_written_later() {
    let record = clean_with("  tech_lead: bob\n", "  tech_lead: alice\n");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("same-person", "warning", 8, 3)]);
    // Written the other way round, the finding moves with it.
    let record = clean_with(
        "  incident_manager: alice\n  tech_lead: bob\n",
        "  tech_lead: alice\n  incident_manager: alice\n",
    );
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("same-person", "warning", 8, 3)]);
    assert!(
        found[0].message.contains("alice holds incident_manager"),
        "{}",
        found[0].message
    );
}

#[test]
fn same_person_after_a_handover_away_is_not_reported() {
    let record = clean_with(
        "  incident_manager: alice\n  tech_lead: bob\n",
        "  incident_manager:\n    - owner: alice\n    - owner: carol\n      from: 2026-11-20T09:20:00Z\n      handover: Over.\n  tech_lead:\n    - owner: bob\n    - owner: alice\n      from: 2026-11-20T09:20:00Z\n      handover: Over.\n",
    );
    let record = record.replace(
        "communications_manager: carol",
        "communications_manager: erin",
    );
    assert_eq!(findings(&one_record(&record)), []);
}

#[test]
fn status_mismatch_resolved_without_resolved_at_sits_on_status() {
    let record = clean_with("resolved_at: 2026-11-20T09:40:00Z\n", "# not yet\n");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("status-mismatch", "error", 3, 1)]);
}

#[test]
fn status_mismatch_resolved_at_on_an_open_incident_sits_on_resolved_at() {
    let record = clean_with("status: resolved\n", "status: monitoring\n");
    let found = findings(&one_record(&record));
    // Still open, so the next update (due 10:30) is overdue too: the record
    // is checked by the other rules.
    assert_eq!(
        places(&found),
        [
            ("status-mismatch", "error", 5, 1),
            ("update-overdue", "warning", 11, 1)
        ]
    );
}

#[test]
fn time_order_for_resolved_at_and_detected_at() {
    let record = clean_with(
        "resolved_at: 2026-11-20T09:40:00Z\n",
        "resolved_at: 2026-11-20T08:40:00Z\ndetected_at: 2026-11-20T08:59:59Z\n",
    )
    .replace(
        "    - at: 2026-11-20T09:30:00Z",
        "    - at: 2026-11-20T08:30:00Z",
    );
    let found = findings(&one_record(&record));
    assert_eq!(
        places(&found),
        [
            ("time-order", "error", 5, 1),
            ("time-order", "error", 6, 1),
            ("timeline-order", "warning", 14, 7),
        ]
    );
}

#[test]
fn timeline_order_out_of_order_and_outside_the_span() {
    let record = format!(
        "{CLEAN_RECORD}timeline:\n  - at: 2026-11-20T09:10:00Z\n    event: Alert.\n  - at: 2026-11-20T09:05:00Z\n    event: Earlier, listed later.\n  - at: 2026-11-20T09:40:00Z\n    event: Resolved (inside the span).\n  - at: 2026-11-20T09:41:00Z\n    event: After the end.\n"
    );
    let (run, found) = check_json(&one_record(&record), &[]);
    run.code(0);
    assert_eq!(
        places(&found),
        [
            ("timeline-order", "warning", 21, 5),
            ("timeline-order", "warning", 25, 5)
        ]
    );
}

#[test]
fn update_gap_between_updates_and_from_the_start() {
    let record = "\
title: Slow updates
severity: SEV2
status: resolved
started_at: 2026-11-20T09:00:00Z
resolved_at: 2026-11-20T13:00:00Z
roles:
  incident_manager: alice
  tech_lead: bob
  communications_manager: carol
  postmortem_owner: dave
communications:
  updates:
    - at: 2026-11-20T10:00:01Z
      summary: First, one second late.
    - at: 2026-11-20T11:00:01Z
      summary: Exactly on the cadence.
    - at: 2026-11-20T12:30:00Z
      summary: Late.
postmortem:
  status: done
";
    let found = findings(&one_record(record));
    assert_eq!(
        places(&found),
        [
            ("update-gap", "warning", 13, 7),
            ("update-gap", "warning", 17, 7)
        ]
    );
}

#[test]
fn update_gap_for_a_resolved_incident_without_updates_sits_on_communications_or_line_1() {
    let record = clean_with("resolved_at: 2026-11-20T09:40:00Z\n", "resolved_at: 2026-11-20T10:01:00Z\n")
        .replace("  updates:\n    - at: 2026-11-20T09:30:00Z\n      channel: status-page\n      summary: Investigating.\n", "  updates: []\n");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("update-gap", "warning", 11, 1)]);
    let record = record.replace("communications:\n  updates: []\n", "");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("update-gap", "warning", 1, 1)]);
    // Within the cadence: nothing to report.
    let short = clean_with("resolved_at: 2026-11-20T09:40:00Z\n", "resolved_at: 2026-11-20T10:00:00Z\n").replace(
        "communications:\n  updates:\n    - at: 2026-11-20T09:30:00Z\n      channel: status-page\n      summary: Investigating.\n",
        "",
    );
    assert_eq!(findings(&one_record(&short)), []);
}

/// An open SEV2 incident: updates are due every hour.
const OPEN_SEV2: &str = "\
title: Open
severity: SEV2
status: monitoring
started_at: 2026-11-21T10:00:00Z
roles:
  incident_manager: alice
  tech_lead: bob
  communications_manager: carol
communications:
  updates:
    - at: 2026-11-21T10:30:00Z
      summary: Investigating.
";

#[test]
fn update_overdue_sits_on_communications() {
    // The last update was at 10:30, so the next was due at 11:30; now is 12:00.
    let found = findings(&one_record(OPEN_SEV2));
    assert_eq!(places(&found), [("update-overdue", "warning", 9, 1)]);
    assert!(
        found[0].message.contains("2026-11-21T11:30:00Z"),
        "{}",
        found[0].message
    );
    // Due exactly now is not overdue yet.
    let on_time = OPEN_SEV2.replace("10:30:00Z", "11:00:00Z");
    assert_eq!(findings(&one_record(&on_time)), []);
}

#[test]
fn update_overdue_follows_the_records_own_cadence() {
    let record = OPEN_SEV2.replace("communications:\n", "communications:\n  update_every: 2h\n");
    assert_eq!(findings(&one_record(&record)), []);
}

#[test]
fn update_overdue_without_communications_sits_on_the_status() {
    // Not on line 1, which in a record `new` wrote is the schema comment.
    let record = OPEN_SEV2
        .replace(
            "communications:\n  updates:\n    - at: 2026-11-21T10:30:00Z\n      summary: Investigating.\n",
            "",
        )
        .replace("title: Open\n", "# yaml-language-server: $schema=../rolecall.schema.json\ntitle: Open\n");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("update-overdue", "warning", 4, 1)]);
}

#[test]
fn no_cadence_means_no_update_rules() {
    let record = OPEN_SEV2.replace("severity: SEV2", "severity: SEV4").replace(
        "communications:\n  updates:\n    - at: 2026-11-21T10:30:00Z\n      summary: Investigating.\n",
        "",
    );
    assert_eq!(findings(&one_record(&record)), []);
}

#[test]
fn postmortem_due_late_sits_on_due() {
    // SEV2: five business days after Friday 2026-11-20 is Friday 2026-11-27.
    let record = clean_with("  status: done\n", "  status: done\n  due: 2026-11-30\n");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("postmortem-due-late", "warning", 18, 3)]);
    assert!(
        found[0].message.contains("2026-11-27"),
        "{}",
        found[0].message
    );
    let record = clean_with("  status: done\n", "  status: done\n  due: 2026-11-27\n");
    assert_eq!(findings(&one_record(&record)), []);
}

#[test]
fn postmortem_overdue_sits_on_postmortem() {
    let record = clean_with("  status: done\n", "  status: pending\n  due: 2026-11-20\n");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("postmortem-overdue", "warning", 16, 1)]);
    // Due today is not overdue yet.
    let record = clean_with(
        "  status: done\n",
        "  status: scheduled\n  due: 2026-11-21\n",
    );
    assert_eq!(findings(&one_record(&record)), []);
}

#[test]
fn postmortem_overdue_by_the_default_due_date_sits_on_line_1_without_postmortem() {
    // Resolved Monday 2026-11-02; SEV2 allows five business days: due 2026-11-09.
    let record = CLEAN_RECORD
        .replace("2026-11-20", "2026-11-02")
        .replace("postmortem:\n  status: done\n", "");
    let found = findings(&one_record(&record));
    assert_eq!(places(&found), [("postmortem-overdue", "warning", 1, 1)]);
    assert!(
        found[0].message.contains("2026-11-09"),
        "{}",
        found[0].message
    );
}

#[test]
fn action_overdue_sits_on_the_action() {
    let record = format!(
        "{CLEAN_RECORD}actions:\n  - title: Overdue\n    due: 2026-11-20\n  - title: Due today\n    due: 2026-11-21\n  - title: Done late\n    due: 2026-11-01\n    status: done\n"
    );
    let (run, found) = check_json(&one_record(&record), &[]);
    run.code(0);
    assert_eq!(places(&found), [("action-overdue", "warning", 19, 5)]);
}

/// Every code of SPEC §4's table is tested above: this list keeps the file
/// honest when a code is added.
#[test]
fn every_code_has_a_test_here() {
    let source = include_str!("check_codes.rs");
    for code in [
        "syntax",
        "schema",
        "invalid-id",
        "duplicate-id",
        "missing-owner",
        "vacant-role",
        "unknown-role",
        "responder-in-exclusive-role",
        "unknown-person",
        "handover-order",
        "handover-out-of-range",
        "handover-to-self",
        "handover-without-note",
        "same-person",
        "status-mismatch",
        "time-order",
        "timeline-order",
        "update-gap",
        "update-overdue",
        "postmortem-due-late",
        "postmortem-overdue",
        "action-overdue",
    ] {
        assert!(
            source.contains(&format!("(\"{code}\", \"")),
            "no place assertion for `{code}`"
        );
    }
}

/// The full example record of SPEC §2, as the SPEC writes it.
pub const SPEC_RECORD: &str = r#"# incidents/INC-2026-001.yaml
id: INC-2026-001            # optional; when present it must equal the file stem
title: Checkout API returns 502 for 18% of requests
severity: SEV1              # one of the configured severities (default SEV1..SEV4)
status: resolved            # investigating | identified | monitoring | resolved
started_at: 2026-11-20T09:14:00Z
detected_at: 2026-11-20T09:16:00Z   # optional
resolved_at: 2026-11-20T11:02:00Z   # required when status is resolved, forbidden otherwise
summary: |                  # Markdown
  Card payments failed after a connection-pool change in checkout-api.
impact: 18% of checkout requests failed for 108 minutes.   # optional, Markdown
services: [checkout-api, payments-gateway]                 # optional
roles:                      # exclusive roles: one owner at a time
  incident_manager:         # a list of shifts; each later shift is a handover
    - owner: alice
    - owner: carol
      from: 2026-11-20T10:30:00Z
      handover: |           # what the outgoing owner passed on (Markdown)
        Alice is off shift. Rollback done; waiting on the payments vendor.
      acknowledged_at: 2026-11-20T10:32:00Z   # optional: when the new owner confirmed
  tech_lead: bob            # shorthand: one owner for the whole incident
  communications_manager: dave
  postmortem_owner: erin
responders:                 # the "other roles": any number of people
  - person: frank
    role: domain_expert
  - person: gina
    role: customer_support
communications:
  update_every: 30m         # optional; overrides the severity's cadence
  updates:
    - at: 2026-11-20T09:40:00Z
      channel: status-page
      summary: Investigating elevated checkout errors.
timeline:
  - at: 2026-11-20T09:14:00Z
    event: Error-rate alert fires for checkout-api.
actions:
  - title: Add a pool-size guard to the deploy pipeline
    owner: bob
    due: 2026-12-04
    status: open            # open | done
    priority: high          # optional: high | medium | low
    link: https://tracker.example.com/PAY-1432   # optional
postmortem:
  due: 2026-11-25           # optional; default: resolved_at + the severity's business days
  meeting_at: 2026-11-24T14:00:00Z   # optional
  status: pending           # pending | scheduled | done
links:
  - title: Incident channel
    url: https://chat.example.com/inc-2026-001
"#;

/// The `people.yaml` example of SPEC §3.
pub const SPEC_PEOPLE: &str = r#"alice:
  name: Alice Smith
  contact: "@alice"          # optional chat handle
  email: alice@example.com   # optional
  team: payments             # optional
"#;

/// The `rolecall.yaml` example of SPEC §3.
pub const SPEC_CONFIG: &str = r"incidents: incidents         # where records are read
output: incidents            # where documents are written
templates: templates         # where template overrides are looked up
people: people.yaml
roles:                       # the role catalogue; keys are what records use
  incident_manager:
    name: Incident manager
    exclusive: true
    required_from: declared  # declared | resolved
    summary: Overall responsibility and authority during the incident.
    responsibilities:
      - Take the actions needed to resolve the incident, including bringing in more support.
      - Keep the people working on a resolution focused.
  tech_lead:
    name: Tech lead
    exclusive: true
    required_from: declared
    reports_to: incident_manager
    # …
  communications_manager: { name: Communications manager, exclusive: true, required_from: declared, reports_to: incident_manager }
  postmortem_owner: { name: Postmortem owner, exclusive: true, required_from: resolved }
  technical_support: { name: Technical support / engineer, exclusive: false, reports_to: tech_lead }
  domain_expert: { name: Domain knowledge expert, exclusive: false, reports_to: incident_manager }
  customer_support: { name: Customer support, exclusive: false, reports_to: communications_manager }
severities:
  SEV1: { required_roles: [incident_manager, tech_lead, communications_manager, postmortem_owner], update_every: 30m, postmortem_within_days: 3 }
  SEV2: { required_roles: [incident_manager, tech_lead, communications_manager, postmortem_owner], update_every: 1h, postmortem_within_days: 5 }
  SEV3: { required_roles: [incident_manager, tech_lead, postmortem_owner], update_every: 4h, postmortem_within_days: 10 }
  SEV4: { required_roles: [incident_manager] }
separate_roles: [[incident_manager, tech_lead]]   # one person should not hold both at the same time
holidays: [2026-12-25, 2026-12-28]   # skipped, like weekends, when counting business days
";

#[test]
fn the_spec_example_record_passes() {
    let project = Project::new();
    project.record("INC-2026-001", SPEC_RECORD);
    let (run, found) = check_json(&project, &["--strict"]);
    run.code(0);
    assert_eq!(found, []);
    // After its postmortem due date (2026-11-25) only warnings remain.
    let run = project.run(&["check", "--now", "2026-11-26T09:00:00Z", "--format", "json"]);
    run.code(0);
    let found = findings_of(&parse_report(&run));
    assert_eq!(places(&found), [("postmortem-overdue", "warning", 45, 1)]);
}

#[test]
fn the_spec_example_configuration_and_roster_pass() {
    let project = Project::new();
    project.file("rolecall.yaml", SPEC_CONFIG);
    project.file("people.yaml", SPEC_PEOPLE);
    project.record(
        "INC-1",
        "title: Alice alone\nseverity: SEV4\nstatus: investigating\nstarted_at: 2026-11-21T11:00:00Z\nroles:\n  incident_manager: alice\n",
    );
    let (run, found) = check_json(&project, &["--strict"]);
    run.code(0);
    assert_eq!(found, []);
}

#[test]
fn the_spec_examples_pass_together_with_the_record_alone() {
    let project = Project::new();
    project.file("rolecall.yaml", SPEC_CONFIG);
    project.record("INC-2026-001", SPEC_RECORD);
    let (run, found) = check_json(&project, &["--strict"]);
    run.code(0);
    assert_eq!(found, []);
}
