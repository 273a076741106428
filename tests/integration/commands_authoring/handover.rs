//! `rolecall handover`: only the edited role's bytes change, refused
//! handovers leave everything as it was, and the commit holds the record
//! and exactly the documents that changed.

use rolecall::yaml::SNode;

use super::{
    assert_mentions, at, changed_paths, committed_paths, files_under, head, items, parse_yaml,
    text, with_roster,
};
use crate::check_codes::check_json;
use crate::harness::{CLEAN_RECORD, PEOPLE, Project, Run};

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
    assert_eq!(
        &after[at..at + inserted.len()],
        inserted,
        "the inserted lines differ:\n{after}"
    );
    assert_eq!(
        &after[at + inserted.len()..],
        &before[at..],
        "the suffix changed"
    );
}

#[test]
fn handover_appends_to_a_shift_list_keeping_every_other_byte() {
    let project = one_record(HAND_KEPT);
    let run = handover(
        &project,
        "incident_manager",
        "bob",
        "2026-11-20T09:45:00Z",
        &["--note", "Vendor call at 10:00.", "--no-commit"],
    );
    run.code(0);
    assert_mentions(
        &run,
        &["handed incident_manager of INC-2026-001 from carol to bob at 2026-11-20T09:45:00Z"],
    );
    let after = project.read(RECORD);
    let at = HAND_KEPT.find("      two lines.\n").expect("anchor") + "      two lines.\n".len();
    let inserted =
        "  - owner: bob\n    from: 2026-11-20T09:45:00Z\n    handover: \"Vendor call at 10:00.\"\n";
    assert_only_inserted(HAND_KEPT, &after, at, inserted);
    let record = parse_yaml(&after);
    assert_eq!(
        text(at_path(&record, "roles.incident_manager.1.handover")),
        "Folded note, two lines.\n"
    );
    assert_eq!(
        text(at_path(&record, "roles.incident_manager.2.handover")),
        "Vendor call at 10:00."
    );
}

/// `at` with a dotted path.
fn at_path<'n>(node: &'n SNode, path: &str) -> &'n SNode {
    at(node, &path.split('.').collect::<Vec<_>>())
}

#[test]
fn handover_turns_a_shorthand_into_a_two_shift_list_keeping_every_other_byte() {
    let project = one_record(HAND_KEPT);
    handover(
        &project,
        "tech_lead",
        "erin",
        "2026-11-20T10:15:00Z",
        &["--no-commit", "--note", "Handing over."],
    )
    .code(0);
    let after = project.read(RECORD);
    let role_line = "  tech_lead:   bob     # primary\n";
    let start = HAND_KEPT.find(role_line).expect("role line");
    // The list copies the indentless style of its sibling `incident_manager`.
    let expected_role = "  tech_lead:\n  - owner: bob     # primary\n  - owner: erin\n    from: 2026-11-20T10:15:00Z\n    handover: Handing over.\n";
    assert_eq!(&after[..start], &HAND_KEPT[..start], "the prefix changed");
    assert_eq!(&after[start..start + expected_role.len()], expected_role);
    assert_eq!(
        &after[start + expected_role.len()..],
        &HAND_KEPT[start + role_line.len()..],
        "the suffix changed"
    );
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
    handover(
        &project,
        "tech_lead",
        "erin",
        "2026-11-20T09:20:00Z",
        &["--no-commit", "--note", note],
    )
    .code(0);
    let after = project.read(RECORD);
    assert!(
        after.contains("      handover: |-\n        - Rollback done;"),
        "{after}"
    );
    assert_eq!(
        text(at_path(&parse_yaml(&after), "roles.tech_lead.1.handover")),
        note
    );
    let (run, found) = check_json(&project, &[]);
    run.code(0);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn giving_a_missing_role_its_first_owner_adds_the_role() {
    let record = CLEAN_RECORD.replace("  communications_manager: carol\n", "");
    let project = one_record(&record);
    let run = handover(
        &project,
        "communications_manager",
        "carol",
        "2026-11-20T09:10:00Z",
        &["--no-commit"],
    );
    run.code(0);
    assert_mentions(
        &run,
        &["gave communications_manager of INC-2026-001 to carol from 2026-11-20T09:10:00Z"],
    );
    let after = project.read(RECORD);
    let anchor = "  postmortem_owner: dave\n";
    let at = record.find(anchor).expect("anchor") + anchor.len();
    assert_only_inserted(
        &record,
        &after,
        at,
        "  communications_manager:\n    - owner: carol\n      from: 2026-11-20T09:10:00Z\n",
    );
    // missing-owner is gone; ten minutes without an owner are within the
    // default `assign_within` (15m), so there is no vacant-role either.
    let (_, found) = check_json(&project, &[]);
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, Vec::<&str>::new());
}

/// A refused handover: exit 1, the record byte-identical, no document
/// written, the finding shown on the line of the edited text.
#[track_caller]
fn assert_refused(project: &Project, run: &Run, before: &[u8], code: &str, shown_line: &str) {
    run.code(1);
    assert_mentions(
        run,
        &[
            &format!("error[{code}]"),
            shown_line,
            "the file was left untouched",
        ],
    );
    assert_eq!(project.read_bytes(RECORD), before, "the record changed");
    assert!(
        !project.exists("incidents/INC-2026-001"),
        "documents were written"
    );
}

#[test]
fn a_handover_to_the_same_person_is_refused_showing_the_edited_line() {
    let project = one_record(CLEAN_RECORD);
    let run = handover(&project, "tech_lead", "bob", "2026-11-20T09:20:00Z", &[]);
    // Line 10 of the edited record is the new shift; on disk it is
    // `postmortem_owner: dave`, which must not be shown.
    assert_refused(
        &project,
        &run,
        CLEAN_RECORD.as_bytes(),
        "handover-to-self",
        "10 |     - owner: bob",
    );
    assert!(!run.stderr.contains("postmortem_owner"), "{}", run.stderr);
}

#[test]
fn a_handover_before_the_previous_shift_is_refused() {
    let project = one_record(HAND_KEPT);
    let run = handover(
        &project,
        "incident_manager",
        "bob",
        "2026-11-20T09:20:00Z",
        &[],
    );
    assert_refused(
        &project,
        &run,
        HAND_KEPT.as_bytes(),
        "handover-order",
        "17 |   - owner: bob",
    );
}

#[test]
fn a_handover_after_resolution_is_refused() {
    let project = one_record(CLEAN_RECORD);
    let run = handover(&project, "tech_lead", "erin", "2026-11-20T10:00:00Z", &[]);
    assert_refused(
        &project,
        &run,
        CLEAN_RECORD.as_bytes(),
        "handover-out-of-range",
        "11 |       from: 2026-11-20T10:00:00Z",
    );
}

#[test]
fn handover_refuses_unknown_ids_roles_and_people() {
    let project = one_record(CLEAN_RECORD);
    let cases: [(&[&str], &str); 4] = [
        (
            &["handover", "INC-2026-01", "tech_lead", "--to", "erin"],
            "did you mean `INC-2026-001`?",
        ),
        (
            &["handover", ID, "tech_laed", "--to", "erin"],
            "did you mean `tech_lead`?",
        ),
        (
            &["handover", ID, "tech_lead", "--to", "erni"],
            "did you mean `erin`?",
        ),
        (
            &["handover", ID, "domain_expert", "--to", "erin"],
            "not an exclusive role",
        ),
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
    project
        .file("tracked.txt", "tracked, then edited\n")
        .file("staged.txt", "staged\n")
        .file("scratch.txt", "untracked\n");
    project.git_ok(&["add", "staged.txt"]);
    project
}

#[test]
fn a_handover_commits_the_record_and_exactly_the_documents_that_changed() {
    let project = rendered_repo();
    let status_before = project.git_ok(&["status", "--porcelain"]);
    let before = files_under(&project, "incidents");
    let run = handover(
        &project,
        "tech_lead",
        "erin",
        "2026-11-20T09:20:00Z",
        &["--note", "Rollback started."],
    );
    run.code(0);
    assert_mentions(
        &run,
        &[
            "committed ",
            "rolecall: hand tech_lead of INC-2026-001 to erin",
        ],
    );
    let changed = changed_paths(&before, &files_under(&project, "incidents"));
    assert!(changed.contains(&RECORD.to_owned()), "{changed:?}");
    assert!(
        changed.contains(&"incidents/INC-2026-001/handovers/01-tech_lead.md".to_owned()),
        "{changed:?}"
    );
    // The index does not mention who holds a role: unchanged, not committed.
    assert!(
        before.contains_key("incidents/README.md")
            && !changed.contains(&"incidents/README.md".to_owned()),
        "{changed:?}"
    );
    assert_eq!(committed_paths(&project), changed);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), status_before);
}

#[test]
fn handover_with_no_commit_writes_but_does_not_commit() {
    let project = rendered_repo();
    let start = head(&project);
    let before = files_under(&project, "incidents");
    handover(
        &project,
        "tech_lead",
        "erin",
        "2026-11-20T09:20:00Z",
        &["--no-commit"],
    )
    .code(0);
    assert_eq!(head(&project), start);
    let changed = changed_paths(&before, &files_under(&project, "incidents"));
    let status = project.git_ok(&[
        "status",
        "--porcelain",
        "--untracked-files=all",
        "incidents",
    ]);
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

#[test]
fn handover_without_at_starts_the_shift_now_in_whole_seconds() {
    let open = "\
title: Open since 2020
severity: SEV4
status: investigating
started_at: 2020-01-01T00:00:00Z
roles:
  incident_manager: alice
";
    let project = one_record(open);
    let before = jiff::Timestamp::now();
    let run = project.run(&[
        "handover",
        ID,
        "incident_manager",
        "--to",
        "bob",
        "--no-commit",
    ]);
    run.code(0);
    let record = parse_yaml(&project.read(RECORD));
    let from = text(at(&record, &["roles", "incident_manager", "1", "from"]));
    let parsed: jiff::Timestamp = from.parse().expect("a timestamp");
    assert!(from.ends_with('Z') && !from.contains('.'), "{from}");
    let slack = jiff::SignedDuration::from_secs(1);
    assert!(
        parsed >= before - slack && parsed <= jiff::Timestamp::now(),
        "{from}"
    );
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_kept() {
    let crlf = format!("\u{feff}{}", CLEAN_RECORD.replace('\n', "\r\n"));
    let project = one_record(&crlf);
    handover(
        &project,
        "tech_lead",
        "erin",
        "2026-11-20T09:20:00Z",
        &["--no-commit", "--note", "two\nlines"],
    )
    .code(0);
    let after = project.read(RECORD);
    let role_line = "  tech_lead: bob\r\n";
    let start = crlf.find(role_line).expect("role line");
    let expected_role = "  tech_lead:\r\n    - owner: bob\r\n    - owner: erin\r\n      from: 2026-11-20T09:20:00Z\r\n      handover: |-\r\n        two\r\n        lines\r\n";
    assert_eq!(&after[..start], &crlf[..start], "the prefix changed");
    assert_eq!(&after[start..start + expected_role.len()], expected_role);
    assert_eq!(
        &after[start + expected_role.len()..],
        &crlf[start + role_line.len()..]
    );
}

#[test]
fn handover_refuses_during_a_merge_and_without_an_identity() {
    let project = rendered_repo();
    let before = files_under(&project, "incidents");
    let sha = head(&project);
    project.file(".git/MERGE_HEAD", format!("{sha}\n"));
    let run = handover(&project, "tech_lead", "erin", "2026-11-20T09:20:00Z", &[]);
    run.code(2);
    assert_mentions(&run, &["merge"]);
    assert_eq!(files_under(&project, "incidents"), before);

    let anonymous = Project::new();
    anonymous.git_ok(&["init", "-q", "-b", "main"]);
    anonymous
        .file("people.yaml", PEOPLE)
        .record(ID, CLEAN_RECORD);
    let run = handover(&anonymous, "tech_lead", "erin", "2026-11-20T09:20:00Z", &[]);
    run.code(2);
    assert_mentions(&run, &["user.name"]);
    assert_eq!(anonymous.read(RECORD), CLEAN_RECORD);
    assert!(!anonymous.exists("incidents/INC-2026-001"));
}
