//! The live-incident commands (`assign`, `update`, `log`, `set`, `resolve`,
//! `ack`, `action add|done`): each changes only the lines it is about,
//! refuses (changing nothing) what would add an error or names something
//! unknown, and commits the record with its documents.

use super::{assert_mentions, at, committed_paths, items, parse_yaml, text, with_roster};
use crate::harness::{PEOPLE, Project, Run};

/// An open incident kept by hand: comments, an indentless timeline, a
/// shorthand role, a flow list, a handover not yet acknowledged.
const OPEN: &str = "\
# Checkout outage, kept by hand.
title: 'Checkout: it''s down'   # quoted, with a colon
severity: SEV2
status: investigating   # keep current
started_at: 2026-11-20T09:00:00Z

roles:
  incident_manager:
    - owner: alice
    - owner: carol    # took over
      from: 2026-11-20T09:30:00Z
      handover: Rollback started.
  tech_lead: bob     # primary
  communications_manager: carol
timeline:
- at: 2026-11-20T09:00:00Z
  event: >
    Alert fires
    for checkout-api.

# actions follow
actions: []
";

const ID: &str = "INC-2026-001";
const RECORD: &str = "incidents/INC-2026-001.yaml";

fn open_record() -> Project {
    let project = with_roster();
    project.record(ID, OPEN);
    project
}

fn run(project: &Project, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.push("--no-commit");
    project.run(&all)
}

/// `after` is `before` with `inserted` put in right after `anchor` (which
/// must occur once), and every other byte the same.
#[track_caller]
fn assert_inserted_after(before: &str, after: &str, anchor: &str, inserted: &str) {
    assert_eq!(before.matches(anchor).count(), 1, "anchor {anchor:?}");
    let expected = before.replacen(anchor, &format!("{anchor}{inserted}"), 1);
    assert_eq!(after, expected);
}

#[test]
fn log_appends_an_event_keeping_every_other_byte() {
    let project = open_record();
    run(
        &project,
        &[
            "log",
            ID,
            "Rolled back: v412",
            "--at",
            "2026-11-20T09:40:00Z",
        ],
    )
    .code(0);
    let after = project.read(RECORD);
    assert_inserted_after(
        OPEN,
        &after,
        "    for checkout-api.\n",
        "- at: 2026-11-20T09:40:00Z\n  event: \"Rolled back: v412\"\n",
    );
    let record = parse_yaml(&after);
    assert_eq!(
        text(at(&record, &["timeline", "1", "event"])),
        "Rolled back: v412"
    );
}

#[test]
fn update_creates_the_communications_list_where_there_is_none() {
    let project = open_record();
    run(
        &project,
        &[
            "update",
            ID,
            "--summary",
            "Investigating.",
            "--channel",
            "status-page",
            "--at",
            "2026-11-20T09:10:00Z",
        ],
    )
    .code(0);
    let after = project.read(RECORD);
    // The new list is indentless, like the record's other top-level list.
    assert_inserted_after(
        OPEN,
        &after,
        "actions: []\n",
        "communications:\n  updates:\n  - at: 2026-11-20T09:10:00Z\n    channel: status-page\n    summary: Investigating.\n",
    );
    // Again: the new update goes after the first one.
    run(
        &project,
        &[
            "update",
            ID,
            "--summary",
            "Fixed.",
            "--at",
            "2026-11-20T09:50:00Z",
        ],
    )
    .code(0);
    let record = parse_yaml(&project.read(RECORD));
    let updates = items(at(&record, &["communications", "updates"]));
    assert_eq!(updates.len(), 2);
    assert_eq!(text(at(&updates[1], &["summary"])), "Fixed.");
}

#[test]
fn assign_gives_a_vacant_role_its_first_owner_or_adds_a_responder() {
    let project = open_record();
    let first = run(
        &project,
        &[
            "assign",
            ID,
            "postmortem_owner",
            "dave",
            "--at",
            "2026-11-20T09:05:00Z",
        ],
    );
    first.code(0);
    assert_mentions(&first, &["gave postmortem_owner of INC-2026-001 to dave"]);
    let after = project.read(RECORD);
    // Indented like the other list under `roles`.
    assert_inserted_after(
        OPEN,
        &after,
        "  communications_manager: carol\n",
        "  postmortem_owner:\n    - owner: dave\n      from: 2026-11-20T09:05:00Z\n",
    );
    run(
        &project,
        &[
            "assign",
            ID,
            "domain_expert",
            "erin",
            "--at",
            "2026-11-20T09:06:00Z",
        ],
    )
    .code(0);
    let record = parse_yaml(&project.read(RECORD));
    assert_eq!(text(at(&record, &["responders", "0", "person"])), "erin");
    assert_eq!(
        text(at(&record, &["responders", "0", "role"])),
        "domain_expert"
    );
    // A held role is handed over, not assigned.
    let before = project.read_bytes(RECORD);
    let held = run(&project, &["assign", ID, "tech_lead", "erin"]);
    held.code(1);
    assert_mentions(&held, &["held by bob", "rolecall handover"]);
    assert_eq!(project.read_bytes(RECORD), before);
}

#[test]
fn set_changes_the_value_in_place_and_logs_the_change() {
    let project = open_record();
    run(
        &project,
        &[
            "set",
            ID,
            "--status",
            "identified",
            "--at",
            "2026-11-20T09:45:00Z",
        ],
    )
    .code(0);
    let after = project.read(RECORD);
    let record = parse_yaml(&after);
    assert!(
        after.contains("status: identified   # keep current\n"),
        "{after}"
    );
    assert_eq!(
        text(at(&record, &["timeline", "1", "event"])),
        "Status changed from investigating to identified."
    );
    run(
        &project,
        &[
            "set",
            ID,
            "--severity",
            "SEV1",
            "--at",
            "2026-11-20T09:46:00Z",
        ],
    )
    .code(0);
    let record = parse_yaml(&project.read(RECORD));
    assert_eq!(text(at(&record, &["severity"])), "SEV1");
    assert_eq!(
        text(at(&record, &["timeline", "2", "event"])),
        "Severity changed from SEV2 to SEV1."
    );
}

#[test]
fn resolve_sets_status_and_resolved_at_and_logs_it() {
    let project = open_record();
    // Resolving needs the postmortem owner (required from resolution).
    let unowned = run(&project, &["resolve", ID, "--at", "2026-11-20T10:00:00Z"]);
    unowned.code(1);
    assert_mentions(&unowned, &["error[missing-owner]", "postmortem_owner"]);
    assert_eq!(project.read(RECORD), OPEN);
    run(
        &project,
        &[
            "assign",
            ID,
            "postmortem_owner",
            "dave",
            "--at",
            "2026-11-20T09:05:00Z",
        ],
    )
    .code(0);
    let resolved = run(&project, &["resolve", ID, "--at", "2026-11-20T10:00:00Z"]);
    resolved.code(0);
    assert_mentions(
        &resolved,
        &["resolved INC-2026-001 at 2026-11-20T10:00:00Z"],
    );
    let after = project.read(RECORD);
    assert!(after.contains("status: resolved   # keep current\nstarted_at: 2026-11-20T09:00:00Z\nresolved_at: 2026-11-20T10:00:00Z\n"), "{after}");
    let record = parse_yaml(&after);
    assert_eq!(
        text(at(&record, &["timeline", "1", "event"])),
        "Incident resolved."
    );
    assert_eq!(
        text(at(&record, &["timeline", "1", "at"])),
        "2026-11-20T10:00:00Z"
    );
    let again = run(&project, &["resolve", ID]);
    again.code(1);
    assert_mentions(&again, &["already resolved"]);
}

#[test]
fn ack_sets_acknowledged_at_on_the_latest_shift() {
    let project = open_record();
    let acked = run(
        &project,
        &[
            "ack",
            ID,
            "incident_manager",
            "--at",
            "2026-11-20T09:33:00Z",
        ],
    );
    acked.code(0);
    assert_mentions(
        &acked,
        &["carol acknowledged incident_manager of INC-2026-001"],
    );
    assert_inserted_after(
        OPEN,
        &project.read(RECORD),
        "      handover: Rollback started.\n",
        "      acknowledged_at: 2026-11-20T09:33:00Z\n",
    );
    // Nothing to acknowledge where nobody handed over.
    let none = run(&project, &["ack", ID, "tech_lead"]);
    none.code(1);
    assert_mentions(&none, &["has not been handed over"]);
}

#[test]
fn action_add_and_done_edit_the_action_list() {
    let project = open_record();
    run(
        &project,
        &[
            "action",
            "add",
            ID,
            "Add a pool-size guard",
            "--owner",
            "bob",
            "--due",
            "2026-12-04",
            "--priority",
            "high",
            "--link",
            "https://tracker.example.com/PAY-1",
        ],
    )
    .code(0);
    let after = project.read(RECORD);
    // `[]` gives way to a block list, indentless like the timeline.
    let expected = OPEN.replace(
        "actions: []\n",
        "actions:\n- title: Add a pool-size guard\n  owner: bob\n  due: 2026-12-04\n  status: open\n  priority: high\n  link: \"https://tracker.example.com/PAY-1\"\n",
    );
    assert_eq!(after, expected);
    run(
        &project,
        &["action", "add", ID, "Write the runbook", "--owner", "carol"],
    )
    .code(0);
    run(&project, &["action", "done", ID, "2"]).code(0);
    let record = parse_yaml(&project.read(RECORD));
    assert_eq!(text(at(&record, &["actions", "0", "status"])), "open");
    assert_eq!(text(at(&record, &["actions", "1", "status"])), "done");
    let out_of_range = run(&project, &["action", "done", ID, "3"]);
    out_of_range.code(2);
    assert_mentions(&out_of_range, &["has 2 action items"]);
}

#[test]
fn a_command_that_would_add_an_error_is_refused_naming_the_finding() {
    let project = open_record();
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "ack",
                ID,
                "incident_manager",
                "--at",
                "2026-11-20T09:20:00Z",
            ],
            "ack-before-handover",
        ),
        (
            &["resolve", ID, "--at", "2026-11-20T08:00:00Z"],
            "time-order",
        ),
        (
            &[
                "assign",
                ID,
                "postmortem_owner",
                "dave",
                "--at",
                "2026-11-20T08:00:00Z",
            ],
            "handover-out-of-range",
        ),
    ];
    for (args, code) in cases {
        let refused = project.run(args);
        refused.code(1);
        assert_mentions(
            &refused,
            &[
                &format!("error[{code}]"),
                code,
                "the file was left untouched",
            ],
        );
        assert_eq!(project.read(RECORD), OPEN, "{args:?} changed the record");
        assert!(
            !project.exists("incidents/INC-2026-001"),
            "{args:?} wrote documents"
        );
    }
}

#[test]
fn bad_input_names_what_is_wrong_and_changes_nothing() {
    let project = open_record();
    let cases: [(&[&str], i32, &str); 9] = [
        (
            &["log", "INC-2026-01", "x"],
            2,
            "did you mean `INC-2026-001`?",
        ),
        (
            &["assign", ID, "tech_laed", "bob"],
            2,
            "did you mean `tech_lead`?",
        ),
        (
            &["assign", ID, "postmortem_owner", "dvae"],
            2,
            "did you mean `dave`?",
        ),
        (
            &["set", ID, "--status", "identifed"],
            2,
            "did you mean `identified`?",
        ),
        (&["set", ID, "--severity", "SEV9"], 2, "SEV1"),
        (
            &["log", ID, "x", "--at", "2026-11-20T11:02:00"],
            2,
            "2026-11-20T11:02:00Z",
        ),
        (
            &[
                "action",
                "add",
                ID,
                "x",
                "--owner",
                "bob",
                "--priority",
                "hihg",
            ],
            2,
            "did you mean `high`?",
        ),
        (
            &["action", "add", ID, "x", "--owner", "bob", "--due", "4 Dec"],
            2,
            "--due",
        ),
        (
            &["ack", ID, "incident_manger"],
            2,
            "did you mean `incident_manager`?",
        ),
    ];
    for (args, code, needle) in cases {
        let refused = project.run(args);
        refused.code(code);
        assert_mentions(&refused, &[needle]);
        assert_eq!(project.read(RECORD), OPEN, "{args:?} changed the record");
    }
}

#[test]
fn a_record_with_conflict_markers_is_reported_with_its_line() {
    let conflicted = OPEN.replace(
        "status: investigating   # keep current\n",
        "<<<<<<< HEAD\nstatus: identified\n=======\nstatus: monitoring\n>>>>>>> theirs\n",
    );
    let project = with_roster();
    project.record(ID, &conflicted);
    let every_command: [&[&str]; 9] = [
        &["log", ID, "x"],
        &["resolve", ID],
        &["action", "done", ID, "1"],
        &["action", "add", ID, "x", "--owner", "bob"],
        &["assign", ID, "postmortem_owner", "dave"],
        &["update", ID, "--summary", "x"],
        &["set", ID, "--severity", "SEV1"],
        &["ack", ID, "incident_manager"],
        &["handover", ID, "tech_lead", "--to", "erin"],
    ];
    for args in every_command {
        let refused = project.run(args);
        refused.code(1);
        assert_mentions(
            &refused,
            &[
                "error[syntax]",
                "incidents/INC-2026-001.yaml:4",
                "has errors",
            ],
        );
        assert_eq!(project.read(RECORD), conflicted);
    }
}

#[test]
fn a_command_commits_the_record_with_its_documents() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record(ID, OPEN);
    project.commit_all("add the record");
    project.file("notes.txt", "mine\n");
    let logged = project.run(&["log", ID, "Rolled back.", "--at", "2026-11-20T09:40:00Z"]);
    logged.code(0);
    assert_mentions(&logged, &["committed", "rolecall: log INC-2026-001"]);
    let paths = committed_paths(&project);
    assert!(paths.contains(&RECORD.to_owned()), "{paths:?}");
    assert!(
        paths.contains(&"incidents/INC-2026-001/README.md".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.iter().all(|p| p.starts_with("incidents/")),
        "{paths:?}"
    );
    let status = project.git_ok(&["status", "--porcelain"]);
    assert_eq!(status, "?? notes.txt\n");
}

#[test]
fn at_defaults_to_now_in_whole_seconds() {
    let project = open_record();
    let before = jiff::Timestamp::now();
    run(&project, &["log", ID, "Now."]).code(0);
    let after = jiff::Timestamp::now();
    let record = parse_yaml(&project.read(RECORD));
    let written: jiff::Timestamp = text(at(&record, &["timeline", "1", "at"]))
        .parse()
        .expect("timestamp");
    assert_eq!(written.subsec_nanosecond(), 0);
    assert!(
        written >= before.round(jiff::Unit::Second).unwrap() - jiff::SignedDuration::from_secs(1)
    );
    assert!(written <= after);
}

#[test]
fn every_authoring_command_shows_an_example_in_its_help() {
    let project = Project::new();
    for command in [
        &["assign"][..],
        &["update"],
        &["log"],
        &["set"],
        &["resolve"],
        &["ack"],
        &["action", "add"],
        &["action", "done"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = project.run(&args);
        help.code(0);
        assert!(
            help.stdout
                .contains(&format!("rolecall {}", command.join(" ")))
                && help.stdout.contains("Examples:"),
            "{command:?}\n{}",
            help.stdout
        );
    }
}

/// What the completion scripts get back for the words typed so far (fish's
/// protocol: one candidate a line, its help after a tab).
fn complete(project: &Project, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "rolecall"];
    args.extend_from_slice(words);
    let answer = project.run_env(&args, &[("COMPLETE", "fish")]);
    answer.code(0);
    answer
        .stdout
        .lines()
        .map(|line| line.split('\t').next().unwrap_or_default().to_owned())
        .filter(|word| !word.starts_with('-'))
        .collect()
}

#[test]
fn completions_offer_incident_ids_role_keys_and_people() {
    let project = open_record();
    project.record("INC-2026-002", &OPEN.replace("Checkout", "Search"));
    assert_eq!(
        complete(&project, &["log", ""]),
        ["INC-2026-001", "INC-2026-002"]
    );
    assert_eq!(
        complete(&project, &["handover", "INC-2026-00"]),
        ["INC-2026-001", "INC-2026-002"]
    );
    let roles = complete(&project, &["ack", ID, "t"]);
    assert!(
        roles.contains(&"tech_lead".to_owned()) && roles.contains(&"technical_support".to_owned()),
        "{roles:?}"
    );
    assert!(roles.iter().all(|r| r.starts_with('t')), "{roles:?}");
    assert_eq!(
        complete(&project, &["assign", ID, "tech_lead", "e"]),
        ["erin"]
    );
    assert_eq!(
        complete(&project, &["handover", ID, "tech_lead", "--to", "d"]),
        ["dave"]
    );
    assert_eq!(
        complete(&project, &["action", "add", ID, "Title", "--owner", "c"]),
        ["carol"]
    );
}
