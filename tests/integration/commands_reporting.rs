//! The commands that report (issue 5): `status`, `actions`, `roles`,
//! `completions`, `man`, and the `Examples:` of every `--help`. The JSON
//! and CSV shapes asserted here are the documented ones; no output carries
//! colour codes when stdout is a pipe.

use clap::CommandFactory as _;
use serde_json::{Value, json};

use crate::check_codes::parse_report;
use crate::commands_authoring::status_json;
use crate::harness::{CLEAN_RECORD, NOW, PEOPLE, Project, Run};

/// An open SEV2: the tech lead handed over, the communications manager
/// missing, the last update more than an hour before [`NOW`], one open and
/// one done action.
const OPEN_RECORD: &str = "\
title: Search is slow
severity: SEV2
status: investigating
started_at: 2026-11-21T10:00:00Z
roles:
  incident_manager: alice
  tech_lead:
    - owner: bob
    - owner: erin
      from: 2026-11-21T10:30:00Z
      handover: Index rebuild running.
communications:
  updates:
    - at: 2026-11-21T10:30:00Z
      channel: status-page
      summary: Search is slow.
actions:
  - title: \"Fix \\\"pool\\\", then\\nretry\"
    owner: bob
    due: 2026-12-04
    status: open
    priority: high
    link: https://tracker.example.com/PAY-1?a=1,b=2
  - title: Write the runbook
    owner: carol
    status: done
";

/// [`CLEAN_RECORD`] as INC-2026-001 and [`OPEN_RECORD`] as INC-2026-002.
fn two_incidents() -> Project {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-2026-001", CLEAN_RECORD)
        .record("INC-2026-002", OPEN_RECORD);
    project
}

#[track_caller]
fn assert_no_colour(run: &Run) {
    assert!(
        !run.stdout.contains('\x1b') && !run.stderr.contains('\x1b'),
        "colour codes in\n{}{}",
        run.stdout,
        run.stderr
    );
}

// ----------------------------------------------------------------- status

#[test]
fn status_json_has_the_documented_shape() {
    let report = status_json(&two_incidents(), &[]);
    let expected = json!({
        "version": 1,
        "now": "2026-11-21T12:00:00Z",
        "incidents": [
            {
                "id": "INC-2026-002",
                "file": "incidents/INC-2026-002.yaml",
                "title": "Search is slow",
                "severity": "SEV2",
                "status": "investigating",
                "started_at": "2026-11-21T10:00:00Z",
                "resolved_at": null,
                "age_seconds": 7200,
                "roles": [
                    {"role": "incident_manager", "owner": "alice", "vacant": false},
                    {"role": "tech_lead", "owner": "erin", "vacant": false},
                    {"role": "communications_manager", "owner": null, "vacant": true},
                ],
                "next_update_due": "2026-11-21T11:30:00Z",
                "update_overdue": true,
                "postmortem_due": null,
                "postmortem_status": null,
                "postmortem_overdue": false,
                "open_actions": 1,
            },
            {
                "id": "INC-2026-001",
                "file": "incidents/INC-2026-001.yaml",
                "title": "Clean record",
                "severity": "SEV2",
                "status": "resolved",
                "started_at": "2026-11-20T09:00:00Z",
                "resolved_at": "2026-11-20T09:40:00Z",
                "age_seconds": 2400,
                "roles": [
                    {"role": "incident_manager", "owner": "alice", "vacant": false},
                    {"role": "tech_lead", "owner": "bob", "vacant": false},
                    {"role": "communications_manager", "owner": "carol", "vacant": false},
                    {"role": "postmortem_owner", "owner": "dave", "vacant": false},
                ],
                "next_update_due": null,
                "update_overdue": false,
                "postmortem_due": "2026-11-27",
                "postmortem_status": "done",
                "postmortem_overdue": false,
                "open_actions": 0,
            },
        ],
    });
    assert_eq!(report, expected);
}

#[test]
fn status_open_leaves_out_resolved_incidents() {
    let report = status_json(&two_incidents(), &["--open"]);
    let ids: Vec<&str> = report["incidents"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["INC-2026-002"]);
}

#[test]
fn status_now_moves_ages_and_due_updates() {
    let project = two_incidents();
    let run = project.run(&[
        "status",
        "--format",
        "json",
        "--open",
        "--now",
        "2026-11-21T11:00:00+01:00",
    ]);
    let report = parse_report(&run);
    assert_eq!(report["now"], "2026-11-21T10:00:00Z");
    let open = &report["incidents"][0];
    assert_eq!(
        (
            open["age_seconds"].as_i64(),
            open["update_overdue"].as_bool()
        ),
        (Some(0), Some(false))
    );
    let later = status_json(&project, &["--open", "--now", "2026-11-21T11:20:00Z"]);
    assert_eq!(later["incidents"][0]["update_overdue"], false);
}

#[test]
fn an_overdue_postmortem_is_marked() {
    let record = CLEAN_RECORD.replace("  status: done", "  status: scheduled");
    let project = Project::new();
    project.record("INC-2026-001", &record);
    let report = status_json(&project, &["--now", "2026-11-30T12:00:00Z"]);
    let incident = &report["incidents"][0];
    assert_eq!(
        (
            &incident["postmortem_status"],
            &incident["postmortem_overdue"]
        ),
        (&json!("scheduled"), &json!(true))
    );
    let table = project.run(&["status", "--now", "2026-11-30T12:00:00Z"]);
    assert!(
        table.stdout.contains("due 2026-11-27 OVERDUE"),
        "{}",
        table.stdout
    );
}

#[test]
fn status_table_marks_vacancies_and_overdue_updates_without_colour() {
    let run = two_incidents().run(&["status", "--now", NOW]);
    run.code(0);
    assert_no_colour(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    for column in [
        "ID",
        "SEV",
        "STATUS",
        "AGE",
        "ROLES",
        "NEXT UPDATE",
        "POSTMORTEM",
        "OPEN ACTIONS",
    ] {
        assert!(lines[0].contains(column), "no {column} in {}", lines[0]);
    }
    assert!(
        lines[1].starts_with("INC-2026-002  SEV2  investigating  2h "),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("communications_manager=VACANT"),
        "{}",
        lines[1]
    );
    assert!(
        // Times say their zone.
        lines[1].contains("2026-11-21 11:30 UTC OVERDUE"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("INC-2026-001  SEV2  resolved"),
        "{}",
        lines[2]
    );
    assert!(!lines[2].contains("VACANT"), "{}", lines[2]);
}

#[test]
fn status_colours_the_header_only_when_asked() {
    let run = two_incidents().run(&["status", "--now", NOW, "--color", "always"]);
    assert!(run.stdout.starts_with("\x1b[1mID"), "{:?}", run.stdout);
}

#[test]
fn status_lists_what_it_can_and_exits_1_for_a_record_with_errors() {
    let project = two_incidents();
    project.record("INC-2026-003", "title: [unclosed\n");
    let run = project.run(&["status", "--now", NOW]);
    run.code(1);
    assert!(
        run.stderr.contains("left out 1 record with errors"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("INC-2026-001") && run.stdout.contains("INC-2026-002"),
        "{}",
        run.stdout
    );
}

#[test]
fn status_without_an_incidents_folder_exits_2() {
    let project = Project::new();
    std::fs::remove_dir(project.abs("incidents")).expect("remove incidents");
    project.run(&["status"]).code(2);
}

// ---------------------------------------------------------------- actions

/// Parses RFC 4180 CSV: records end with CRLF, quoted fields may hold
/// commas, quotes (doubled) and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a CR without LF in {text:?}");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => {
                assert!(c != '\n' && c != '"', "unquoted {c:?} in {text:?}");
                field.push(c);
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "the last record does not end with CRLF: {text:?}"
    );
    records
}

fn actions(project: &Project, args: &[&str]) -> Run {
    let mut all = vec!["actions"];
    all.extend_from_slice(args);
    let run = project.run(&all);
    assert_no_colour(&run);
    run
}

#[test]
fn actions_csv_has_a_header_and_real_quoting() {
    let run = actions(&two_incidents(), &["--format", "csv"]);
    run.code(0);
    assert!(
        run.stdout
            .starts_with("incident,title,owner,due,status,priority,link\r\n"),
        "{:?}",
        run.stdout
    );
    assert_eq!(
        parse_csv(&run.stdout),
        [
            vec![
                "incident", "title", "owner", "due", "status", "priority", "link"
            ],
            vec![
                "INC-2026-002",
                "Fix \"pool\", then\nretry",
                "bob",
                "2026-12-04",
                "open",
                "high",
                "https://tracker.example.com/PAY-1?a=1,b=2"
            ],
            vec![
                "INC-2026-002",
                "Write the runbook",
                "carol",
                "",
                "done",
                "",
                ""
            ],
        ]
    );
}

#[test]
fn actions_json_has_the_documented_shape() {
    let run = actions(&two_incidents(), &["--format", "json", "--open"]);
    run.code(0);
    let expected = json!({
        "version": 1,
        "actions": [{
            "incident": "INC-2026-002",
            "title": "Fix \"pool\", then\nretry",
            "owner": "bob",
            "due": "2026-12-04",
            "status": "open",
            "priority": "high",
            "link": "https://tracker.example.com/PAY-1?a=1,b=2",
        }],
    });
    assert_eq!(parse_report(&run), expected);
}

#[test]
fn actions_filter_by_state_and_owner() {
    let project = two_incidents();
    let titles = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let report: Value = parse_report(&actions(&project, &all));
        report["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .map(|a| a["title"].as_str().expect("title").to_owned())
            .collect()
    };
    assert_eq!(titles(&[]).len(), 2);
    assert_eq!(titles(&["--open"]), ["Fix \"pool\", then\nretry"]);
    assert_eq!(titles(&["--owner", "carol"]), ["Write the runbook"]);
    assert!(titles(&["--owner", "carol", "--open"]).is_empty());
    // In the roster, owning nothing: an empty list, not an error.
    assert!(titles(&["--owner", "erin"]).is_empty());
}

#[test]
fn actions_refuse_an_owner_nobody_knows() {
    let run = actions(&two_incidents(), &["--owner", "bbo"]);
    run.code(2);
    assert!(run.stderr.contains("did you mean `bob`?"), "{}", run.stderr);
}

#[test]
fn actions_table_keeps_one_line_per_action() {
    let run = actions(&two_incidents(), &[]);
    run.code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("INCIDENT") && lines[0].contains("PRIORITY"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("Fix \"pool\", then\\nretry") && lines[1].contains("high"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("Write the runbook") && lines[2].contains("done"),
        "{}",
        lines[2]
    );
}

#[test]
fn actions_exit_1_when_a_record_is_left_out() {
    let project = two_incidents();
    project.record("INC-2026-003", "title: [unclosed\n");
    let run = actions(&project, &["--format", "csv"]);
    run.code(1);
    assert_eq!(parse_csv(&run.stdout).len(), 3);
}

// ------------------------------------------------------------------ roles

const CUSTOM_ROLES: &str = "\
roles:
  scribe:
    name: Scribe
    reports_to: incident_manager
  tech_lead:
    name: Technical lead
severities:
  SEV2:
    required_roles: [incident_manager, tech_lead, scribe]
    update_every: 1h
";

#[test]
fn roles_show_the_catalogue_in_effect() {
    let project = Project::new();
    project.file("rolecall.yaml", CUSTOM_ROLES);
    let run = project.run(&["roles", "--format", "json"]);
    run.code(0);
    let report = parse_report(&run);
    assert_eq!(report["version"], 1);
    let roles = report["roles"].as_array().expect("roles");
    let role = |key: &str| {
        roles
            .iter()
            .find(|r| r["key"] == key)
            .unwrap_or_else(|| panic!("no {key} in {report}"))
    };
    assert_eq!(
        role("scribe"),
        &json!({"key": "scribe", "name": "Scribe", "exclusive": true, "required_from": "declared", "required_by": ["SEV2"], "reports_to": "incident_manager"})
    );
    // The replaced built-in keeps only what the configuration says.
    assert_eq!(
        role("tech_lead"),
        &json!({"key": "tech_lead", "name": "Technical lead", "exclusive": true, "required_from": "declared", "required_by": ["SEV1", "SEV2", "SEV3"], "reports_to": null})
    );
    // The other built-ins stay.
    assert_eq!(role("postmortem_owner")["required_from"], "resolved");
    assert_eq!(role("domain_expert")["exclusive"], false);
    assert_eq!(roles.len(), 8);
}

#[test]
fn roles_table_lists_every_role_without_colour() {
    let project = Project::new();
    project.file("rolecall.yaml", CUSTOM_ROLES);
    let run = project.run(&["roles"]);
    run.code(0);
    assert_no_colour(&run);
    let scribe = run
        .stdout
        .lines()
        .find(|l| l.starts_with("scribe "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        scribe.contains("Scribe")
            && scribe.contains("SEV2 (from declared)")
            && scribe.ends_with("incident_manager"),
        "{scribe}"
    );
    assert_eq!(run.stdout.lines().count(), 9, "{}", run.stdout);
}

#[test]
fn roles_with_a_broken_configuration_exit_1() {
    let project = Project::new();
    project.file("rolecall.yaml", "roles:\n  scribe:\n    nmae: Scribe\n");
    let run = project.run(&["roles", "--color", "never"]);
    run.code(1);
    assert!(run.stderr.contains("rolecall.yaml:3"), "{}", run.stderr);
}

// ------------------------------------------- completions, man and --help

#[test]
fn completions_for_every_shell_call_rolecall_back() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = Project::new().run(&["completions", shell]);
        run.code(0);
        assert!(
            run.stdout.contains("rolecall") && run.stdout.contains("COMPLETE"),
            "{shell}: {}",
            run.stdout
        );
    }
    Project::new().run(&["completions", "tcsh"]).code(2);
    // What the scripts ask for: subcommands complete.
    let subcommands = Project::new().run_env(&["--", "rolecall", "ha"], &[("COMPLETE", "fish")]);
    subcommands.code(0);
    assert!(
        subcommands.stdout.contains("handover\t"),
        "{}",
        subcommands.stdout
    );
}

#[test]
fn man_prints_a_roff_page() {
    let run = Project::new().run(&["man"]);
    run.code(0);
    assert!(
        run.stdout.starts_with(".TH") || run.stdout.starts_with(".ie"),
        "{}",
        &run.stdout[..run.stdout.len().min(200)]
    );
    assert!(
        run.stdout.contains("rolecall") && run.stdout.contains(".SH"),
        "no sections"
    );
}

/// Every subcommand path, `templates export` included, from the clap model.
fn subcommand_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_owned());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&rolecall::cli::Cli::command(), &[], &mut out);
    out
}

#[test]
fn every_subcommand_help_has_examples() {
    let paths = subcommand_paths();
    assert!(paths.len() >= 13, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = Project::new().run(&args);
        run.code(0);
        let examples = run
            .stdout
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("no Examples: in `{}`", args.join(" ")));
        let first = examples
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        assert!(
            first.trim_start().starts_with("rolecall "),
            "`{}`: {first}",
            args.join(" ")
        );
    }
}
