//! `rolecall check`: exit codes, and the `human`, `json` and `github`
//! output formats of SPEC §4.

use serde_json::Value;

use crate::check_codes::{check_json, clean_with, findings_of, one_record, parse_report, places};
use crate::harness::{CLEAN_RECORD, NOW, Project};

/// The clean record without its communications manager: one
/// `missing-owner` error on the `roles` key (line 6).
fn missing_communications_manager() -> String {
    clean_with(
        "  communications_manager: carol\n",
        "  # who writes the updates?\n",
    )
}

/// The clean record whose postmortem is overdue: one warning (line 16).
fn overdue_postmortem() -> String {
    clean_with("  status: done\n", "  status: pending\n  due: 2026-11-20\n")
}

#[test]
fn exit_0_when_clean() {
    let run = one_record(CLEAN_RECORD).check(&[]);
    run.code(0);
    assert_eq!(run.stdout, "checked 1 incident: 0 errors, 0 warnings\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn exit_0_with_warnings_and_1_with_warnings_under_strict() {
    let project = one_record(&overdue_postmortem());
    let run = project.check(&[]);
    run.code(0);
    assert!(
        run.stdout
            .ends_with("checked 1 incident: 0 errors, 1 warning\n"),
        "{}",
        run.stdout
    );
    project.check(&["--strict"]).code(1);
    project.check(&["--strict", "--format", "json"]).code(1);
    project.check(&["--strict", "--format", "github"]).code(1);
}

#[test]
fn exit_1_with_an_error_in_every_format() {
    let project = one_record(&missing_communications_manager());
    for format in ["human", "json", "github"] {
        project.check(&["--format", format]).code(1);
    }
}

#[test]
fn exit_2_without_an_incidents_folder() {
    let project = Project::new();
    std::fs::remove_dir(project.abs("incidents")).expect("remove incidents folder");
    let run = project.check(&[]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no incidents folder"), "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
    // The same with JSON output: nothing on stdout that looks like a report.
    let run = project.check(&["--format", "json"]);
    run.code(2);
    assert_eq!(run.stdout, "");
}

#[test]
fn exit_2_for_bad_flags() {
    let project = one_record(CLEAN_RECORD);
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--now", "yesterday"],
        &["check", "--now", "2026-11-21T12:00:00"],
        &["check", "--no-such-flag"],
        &["check", "--color", "sometimes"],
        &["check", "stray-argument"],
        &["-C", "no/such/folder", "check"],
    ] {
        let run = project.run(args);
        run.code(2);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(!run.stderr.is_empty(), "{args:?} says why");
    }
    let run = project.run(&["check", "--now", "2026-11-21T12:00:00"]);
    assert!(
        run.stderr.contains("2026-11-21T12:00:00Z"),
        "the help shows the corrected value: {}",
        run.stderr
    );
}

#[test]
fn exit_2_for_a_missing_explicit_configuration() {
    let run = one_record(CLEAN_RECORD).check(&["--config", "nowhere.yaml"]);
    run.code(2);
    assert!(run.stderr.contains("nowhere.yaml"), "{}", run.stderr);
}

#[test]
fn summary_line_counts_incidents_errors_and_warnings() {
    let project = Project::new();
    project.record("INC-1", &missing_communications_manager());
    project.record("INC-2", &overdue_postmortem());
    project.record(
        "INC-3",
        &overdue_postmortem().replace(
            "title: Clean record",
            "title: Clean record\nid: INC-3\nid: INC-3",
        ),
    );
    let run = project.check(&[]);
    run.code(1);
    assert!(
        run.stdout
            .ends_with("\nchecked 3 incidents: 2 errors, 1 warning\n"),
        "{}",
        run.stdout
    );
    let run = project.check(&["--format", "github"]);
    assert!(
        run.stdout
            .ends_with("\nchecked 3 incidents: 2 errors, 1 warning\n"),
        "{}",
        run.stdout
    );
    let run = Project::new().check(&[]);
    run.code(0);
    assert_eq!(run.stdout, "checked 0 incidents: 0 errors, 0 warnings\n");
}

#[test]
fn github_writes_one_workflow_command_per_finding_then_the_summary() {
    let project = Project::new();
    project.record("INC-1", &missing_communications_manager());
    project.record("INC-2", &overdue_postmortem());
    let run = project.check(&["--format", "github"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "::error file=incidents/INC-1.yaml,line=6,col=1,title=missing-owner::role communications_manager has no owner\
         %0Ahelp: SEV2 requires a Communications manager; add `communications_manager: <person>` under `roles`\n\
         ::warning file=incidents/INC-2.yaml,line=16,col=1,title=postmortem-overdue::the postmortem was due on 2026-11-20\
         %0Ahelp: hold the postmortem and set `postmortem.status: done`\n\
         checked 2 incidents: 1 error, 1 warning\n"
    );
}

#[test]
fn github_escapes_commas_and_colons_in_the_file_property() {
    let project = Project::new();
    project.file("incidents/a,b/INC-1.yaml", missing_communications_manager());
    project.file("incidents/c:d/INC-2.yaml", missing_communications_manager());
    project.file("incidents/50%/INC-3.yaml", missing_communications_manager());
    let run = project.check(&["--format", "github"]);
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(
        lines[0].starts_with(
            "::error file=incidents/50%25/INC-3.yaml,line=6,col=1,title=missing-owner::"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(
            "::error file=incidents/a%2Cb/INC-1.yaml,line=6,col=1,title=missing-owner::"
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(
            "::error file=incidents/c%3Ad/INC-2.yaml,line=6,col=1,title=missing-owner::"
        ),
        "{}",
        lines[2]
    );
    // In the message, `:` and `,` stay as they are.
    assert!(lines[0].contains("::role communications_manager has no owner%0Ahelp: SEV2 requires a Communications manager; add `communications_manager: <person>`"), "{}", lines[0]);
}

#[test]
fn github_escapes_percent_and_line_breaks_in_the_message() {
    let record = clean_with("  tech_lead: bob\n", "  tech_lead: \"50% bo\\r\\nb\"\n");
    let project = one_record(&record);
    project.file("people.yaml", crate::harness::PEOPLE);
    let run = project.check(&["--format", "github"]);
    run.code(1);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("::error file=incidents/INC-1.yaml,line=8,col=14,title=unknown-person::`50%25 bo%0D%0Ab` is not in the roster%0Ahelp: "),
        "{first}"
    );
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "one line per finding: {}",
        run.stdout
    );
}

#[test]
fn json_has_the_documented_shape() {
    let project = Project::new();
    project.record("INC-1", &missing_communications_manager());
    project.record("INC-2", &overdue_postmortem());
    let run = project.check(&["--format", "json"]);
    run.code(1);
    let report = parse_report(&run);
    let keys: Vec<&str> = report
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["version", "incidents", "errors", "warnings", "findings"]
    );
    assert_eq!(report["version"], 1);
    assert_eq!(report["incidents"], 2);
    assert_eq!(report["errors"], 1);
    assert_eq!(report["warnings"], 1);
    let first = &report["findings"][0];
    let keys: Vec<&str> = first
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "code", "severity", "file", "line", "column", "message", "help"
        ]
    );
    assert_eq!(
        *first,
        serde_json::json!({
            "code": "missing-owner",
            "severity": "error",
            "file": "incidents/INC-1.yaml",
            "line": 6,
            "column": 1,
            "message": "role communications_manager has no owner",
            "help": "SEV2 requires a Communications manager; add `communications_manager: <person>` under `roles`",
        })
    );
    assert_eq!(report["findings"][1]["severity"], "warning");
}

#[test]
fn json_without_help_still_has_the_key() {
    let record = clean_with(
        "resolved_at: 2026-11-20T09:40:00Z\n",
        "resolved_at: 2026-11-20T09:40:00Z\ndetected_at: 2026-11-20T08:00:00Z\n",
    );
    let (_, found) = check_json(&one_record(&record), &[]);
    assert_eq!(places(&found), [("time-order", "error", 6, 1)]);
    let run = one_record(&record).check(&["--format", "json"]);
    let finding = &parse_report(&run)["findings"][0];
    assert!(
        finding.as_object().is_some_and(|f| f.contains_key("help")),
        "{finding}"
    );
    assert!(
        finding["help"].is_null() || finding["help"].is_string(),
        "{finding}"
    );
}

#[test]
fn json_findings_are_sorted_by_file_line_column_and_code() {
    let project = Project::new();
    // Several findings on one line and column (the shift at 10:7), and in
    // two files listed out of order on disk.
    let record = clean_with(
        "  tech_lead: bob\n",
        "  tech_lead:\n    - owner: bob\n    - owner: bob\n      from: 2026-11-20T08:00:00Z\n",
    );
    project.record("INC-2", &record);
    project.record("INC-10", &missing_communications_manager());
    project.record("B/INC-3", &overdue_postmortem());
    let (_, found) = check_json(&project, &[]);
    let order: Vec<(&str, u64, u64, &str)> = found
        .iter()
        .map(|f| (f.file.as_str(), f.line, f.column, f.code.as_str()))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
    assert_eq!(
        order,
        [
            ("incidents/B/INC-3.yaml", 16, 1, "postmortem-overdue"),
            ("incidents/INC-10.yaml", 6, 1, "missing-owner"),
            ("incidents/INC-2.yaml", 10, 7, "handover-order"),
            ("incidents/INC-2.yaml", 10, 7, "handover-to-self"),
            ("incidents/INC-2.yaml", 10, 7, "handover-without-note"),
            ("incidents/INC-2.yaml", 11, 7, "handover-out-of-range"),
        ]
    );
}

#[test]
fn human_output_shows_the_source_line_and_a_caret() {
    let project = one_record(&missing_communications_manager());
    let run = project.check(&[]);
    run.code(1);
    let expected = "\
error[missing-owner]: role communications_manager has no owner
 --> incidents/INC-1.yaml:6:1
  |
6 | roles:
  | ^^^^^
  |
  = help: SEV2 requires a Communications manager; add `communications_manager: <person>` under `roles`

checked 1 incident: 1 error, 0 warnings
";
    assert_eq!(run.stdout, expected);
}

#[test]
fn human_output_points_at_the_key_under_the_caret() {
    let record = clean_with("  tech_lead: bob\n", "  tech_lead: bob\n  scirbe: erin\n");
    let run = one_record(&record).check(&[]);
    run.code(1);
    assert!(
        run.stdout
            .contains("error[unknown-role]: unknown role `scirbe`\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(" --> incidents/INC-1.yaml:9:3\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("9 |   scirbe: erin\n  |   ^^^^^^\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn human_warnings_are_labelled_as_such() {
    let run = one_record(&overdue_postmortem()).check(&[]);
    assert!(
        run.stdout
            .starts_with("warning[postmortem-overdue]: the postmortem was due on 2026-11-20\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("16 | postmortem:\n   | ^^^^^^^^^^\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_colour_with_color_never_or_no_color() {
    let project = one_record(&missing_communications_manager());
    let run = project.check(&[]);
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
    let run = project.run_env(&["check", "--now", NOW], &[("NO_COLOR", "1")]);
    run.code(1);
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
    assert!(run.stdout.contains("^^^^^"), "{}", run.stdout);
    let run = project.run_env(
        &["check", "--now", NOW, "--color", "auto"],
        &[("NO_COLOR", "1")],
    );
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
}

#[test]
fn colour_with_color_always() {
    let project = one_record(&missing_communications_manager());
    let run = project.run(&["check", "--now", NOW, "--color", "always"]);
    run.code(1);
    assert!(run.stdout.contains("\u{1b}["), "{:?}", run.stdout);
    assert!(run.stdout.contains("missing-owner"), "{}", run.stdout);
    // Machine formats never carry colour.
    for format in ["json", "github"] {
        let run = project.run(&[
            "check", "--now", NOW, "--color", "always", "--format", format,
        ]);
        assert!(!run.stdout.contains('\u{1b}'), "{format}: {:?}", run.stdout);
    }
}

/// Under a pseudo-terminal, `auto` colours and `NO_COLOR` turns it off.
/// Needs util-linux's `script`; skipped without it.
#[cfg(unix)]
#[test]
fn auto_colour_on_a_terminal_honours_no_color() {
    use std::process::Command;
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    }
    let project = one_record(&missing_communications_manager());
    let bin = env!("CARGO_BIN_EXE_rolecall");
    let on_tty = |no_color: bool| {
        let mut command = Command::new("script");
        command
            .args(["-qefc", &format!("'{bin}' check --now {NOW}"), "/dev/null"])
            .current_dir(project.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let output = command.output().expect("run script");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(on_tty(false).contains("\u{1b}["), "auto colours a terminal");
    assert!(
        !on_tty(true).contains("\u{1b}["),
        "NO_COLOR turns colour off"
    );
}

#[test]
fn quiet_hides_warnings_in_human_output_but_not_the_counts() {
    let project = Project::new();
    project.record("INC-1", &missing_communications_manager());
    project.record("INC-2", &overdue_postmortem());
    let run = project.check(&["-q"]);
    run.code(1);
    assert!(!run.stdout.contains("warning["), "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("checked 2 incidents: 1 error, 1 warning\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("error[missing-owner]"),
        "{}",
        run.stdout
    );
    let report: Value = parse_report(&project.check(&["-q", "--format", "json"]));
    assert_eq!(findings_of(&report).len(), 2, "json keeps every finding");
}
