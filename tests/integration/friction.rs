//! The friction a new team met (issue 14, point 5), each mended and shown
//! here: where findings sit, what the summary counts, running from a
//! subfolder, and the like.

use std::fmt::Write as _;

use crate::check_codes::{check_json, one_record};
use crate::harness::{CLEAN_RECORD, NOW, Project, ROLECALL, Run, isolated};

#[test]
fn render_counts_the_warnings_it_was_stopped_with() {
    // One error (a missing owner) and one warning (a handover without a
    // note).
    let record = CLEAN_RECORD
        .replace("  communications_manager: carol\n", "")
        .replace(
            "  tech_lead: bob\n",
            "  tech_lead:\n    - owner: bob\n    - owner: erin\n      from: 2026-11-20T09:20:00Z\n",
        );
    let project = one_record(&record);
    let (_, found) = check_json(&project, &[]);
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["missing-owner", "handover-without-note"]);
    let run = project.run(&["render", "--color", "never"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("checked 1 incident: 1 error, 1 warning"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("warning[handover-without-note]"),
        "{}",
        run.stderr
    );
    assert!(!project.exists("incidents/INC-1"), "documents were written");
}

/// `rolecall ARGS` started in the project's folder `rel`.
fn run_in(project: &Project, rel: &str, args: &[&str]) -> Run {
    let output = isolated(ROLECALL, &project.abs(rel), project.path())
        .args(args)
        .output()
        .expect("run rolecall");
    Run::from_output(&output)
}

#[test]
fn a_run_from_a_subfolder_finds_the_project_like_git_does() {
    // A git repository without rolecall.yaml: its work tree's top.
    let project = Project::git();
    project.record("INC-1", CLEAN_RECORD);
    project.file("incidents/2026/notes.txt", "x\n");
    for folder in ["incidents", "incidents/2026"] {
        let run = run_in(
            &project,
            folder,
            &["check", "--format", "json", "--now", NOW],
        );
        run.code(0);
        assert!(
            run.stdout.contains("\"incidents\": 1"),
            "{folder}: {}",
            run.stdout
        );
    }
    let broken = CLEAN_RECORD.replace("severity: SEV2", "severity: SEV9");
    project.record("INC-1", &broken);
    let run = run_in(
        &project,
        "incidents/2026",
        &["check", "--format", "github", "--now", NOW],
    );
    run.code(1);
    assert!(
        run.stdout.contains("file=incidents/INC-1.yaml,line=2"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_nearest_configuration_marks_the_project_inside_a_larger_repository() {
    let project = Project::git();
    project.file("ops/rolecall.yaml", "incidents: records\n");
    project.file("ops/records/INC-1.yaml", CLEAN_RECORD);
    project.file("ops/records/deep/README.md", "notes\n");
    let run = run_in(
        &project,
        "ops/records/deep",
        &[
            "log",
            "INC-1",
            "Found from below.",
            "--at",
            "2026-11-20T09:35:00Z",
            "--no-commit",
        ],
    );
    run.code(0);
    assert!(
        run.stdout.contains("updated records/INC-1.yaml"),
        "{}",
        run.stdout
    );
    assert!(
        project
            .read("ops/records/INC-1.yaml")
            .contains("event: Found from below.")
    );
}

#[test]
fn the_man_page_names_only_pages_that_exist() {
    let run = Project::new().run(&["man"]);
    run.code(0);
    // One page is installed, rolecall(1): no rolecall-check(1) and the like.
    assert!(!run.stdout.contains("(1)"), "{}", run.stdout);
    assert!(!run.stdout.contains("rolecall\\-check"), "{}", run.stdout);
    for command in [
        "rolecall check",
        "rolecall log",
        "rolecall action add",
        "rolecall templates export",
    ] {
        let roff = format!("\\fB{}\\fR", command.replace('-', "\\-"));
        assert!(run.stdout.contains(&roff), "no {command}:\n{}", run.stdout);
    }
}

/// [`CLEAN_RECORD`] detected two minutes in, with one action that has a
/// priority and a link.
fn with_action() -> String {
    CLEAN_RECORD
        .replace(
            "started_at: 2026-11-20T09:00:00Z\n",
            "started_at: 2026-11-20T09:00:00Z\ndetected_at: 2026-11-20T09:02:00Z\n",
        )
        .replace(
            "postmortem:\n",
            "actions:\n  - title: Add a pool-size guard\n    owner: bob\n    due: 2026-12-04\n    priority: high\n    link: https://tracker.example.com/PAY-1432\npostmortem:\n",
        )
}

#[test]
fn an_actions_priority_and_link_reach_the_brief_and_the_postmortem() {
    let project = one_record(&with_action());
    project.run(&["render"]).code(0);
    let link = "[tracker](<https://tracker.example.com/PAY-1432>)";
    let brief = project.read("incidents/INC-1/briefs/tech_lead.md");
    assert!(
        brief.contains(&format!(
            "| open | Add a pool-size guard | bob | 2026-12-04 | high | {link} |"
        )),
        "{brief}"
    );
    let postmortem = project.read("incidents/INC-1/postmortem.md");
    assert!(
        postmortem.contains(&format!(
            "- [ ] Add a pool-size guard (bob, due 2026-12-04, high priority): {link}"
        )),
        "{postmortem}"
    );
}

#[test]
fn the_postmortem_skeleton_has_the_sections_a_review_needs_and_the_time_to_detect() {
    let project = one_record(&with_action());
    project.run(&["render"]).code(0);
    let postmortem = project.read("incidents/INC-1/postmortem.md");
    assert!(
        postmortem.contains("| Time to detect | 2 min |"),
        "{postmortem}"
    );
    let headings: Vec<&str> = postmortem
        .lines()
        .filter(|l| l.starts_with("## "))
        .collect();
    for heading in [
        "## Trigger",
        "## Resolution",
        "## Root cause",
        "## Detection",
        "## Where we got lucky",
        "## Lessons",
    ] {
        assert!(headings.contains(&heading), "no {heading} in {headings:?}");
    }
}

#[test]
fn sections_a_newer_template_adds_reach_an_existing_postmortem_empty() {
    let project = one_record(CLEAN_RECORD);
    project.run(&["render"]).code(0);
    let path = "incidents/INC-1/postmortem.md";
    // The postmortem as the template before Trigger and Resolution wrote
    // it, with what people wrote since.
    let current = project.read(path);
    let start = current
        .find("<!-- rolecall:begin trigger -->")
        .expect("trigger");
    let end = current
        .find("<!-- rolecall:end resolution -->\n")
        .expect("resolution")
        + "<!-- rolecall:end resolution -->\n\n".len();
    let older = format!("{}{}", &current[..start], &current[end..])
        .replace(",trigger,resolution -->", " -->")
        .replace(
            "What caused the incident? Write it here.\n",
            "What caused the incident? Write it here.\n\nA pool size of 4, set by hand. *Ours.*\n",
        );
    assert!(!older.contains("## Trigger"), "{older}");
    project.file(path, &older);
    project.run(&["render"]).code(0);
    let merged = project.read(path);
    // The new sections are back in the template's place, before Root cause,
    // and every byte people wrote is kept.
    let trigger = merged.find("## Trigger").expect("trigger added");
    let resolution = merged.find("## Resolution").expect("resolution added");
    let root_cause = merged.find("## Root cause").expect("root cause");
    assert!(trigger < resolution && resolution < root_cause, "{merged}");
    let people = &older[older.find("## Root cause").unwrap()..];
    assert!(merged.ends_with(people), "{merged}");
}

#[test]
fn check_reports_broken_postmortem_markers_as_an_annotation() {
    let project = one_record(CLEAN_RECORD);
    project.run(&["render"]).code(0);
    project.check(&[]).code(0);
    let path = "incidents/INC-1/postmortem.md";
    let broken = project
        .read(path)
        .replacen("<!-- rolecall:begin roles -->\n", "", 1);
    project.file(path, &broken);
    let line = broken
        .lines()
        .position(|l| l == "<!-- rolecall:end roles -->")
        .expect("end marker")
        + 1;
    let run = project.check(&["--format", "github"]);
    run.code(1);
    let annotation = format!("::error file={path},line={line},col=1,title=postmortem-markers::");
    assert!(run.stdout.contains(&annotation), "{}", run.stdout);
    assert!(run.stdout.contains("has no matching"), "{}", run.stdout);
    // The file itself is left as it was.
    assert_eq!(project.read(path), broken);
}

#[test]
fn an_unclosed_quote_is_reported_where_it_was_opened_with_a_hint() {
    let record = "title: Checkout\nseverity: SEV2\nsummary: \"Card payments failed\nstatus: investigating\nstarted_at: 2026-11-20T09:00:00Z\nroles:\n  incident_manager: alice\ntimeline:\n  - at: 2026-11-20T09:00:00Z\n    event: x\n  - at: 2026-11-20T09:10:00Z\n    event: y\n  - at: 2026-11-20T09:20:00Z\n    event: \"Vendor says ok\"\n";
    let project = one_record(record);
    let (run, found) = check_json(&project, &[]);
    run.code(1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].code.as_str(), found[0].line, found[0].column),
        ("syntax", 3, 10)
    );
    assert!(
        found[0].message.contains("unclosed quote"),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("close the quote")
    );
}

#[test]
fn every_yaml_syntax_error_has_a_help_line() {
    for record in [
        "title: Checkout\nseverity: SEV2\nstatus: investigating\n  started_at: 2026-11-20T09:00:00Z\n",
        "title: [Checkout\nseverity: SEV2\n",
        "roles:\n  - a\n  b: c\n",
    ] {
        let project = one_record(record);
        let (_, found) = check_json(&project, &[]);
        assert_eq!(found[0].code, "syntax", "{record}");
        assert!(found[0].help.is_some(), "no help for {record:?}: {found:?}");
    }
}

#[test]
fn one_wrong_resolved_at_is_one_finding_not_ten() {
    // The day mistyped: 2026-11-02 for 2026-11-20. Every shift, update and
    // event now lies "after the end"; they follow from the one mistake.
    let mut record = CLEAN_RECORD
        .replace("resolved_at: 2026-11-20T09:40:00Z", "resolved_at: 2026-11-02T09:40:00Z")
        .replace(
            "  tech_lead: bob\n",
            "  tech_lead:\n    - owner: bob\n    - owner: erin\n      from: 2026-11-20T09:20:00Z\n      handover: x\n",
        );
    record.push_str("timeline:\n");
    for minute in 0..10 {
        let _ = write!(
            record,
            "  - at: 2026-11-20T09:{minute:02}:00Z\n    event: e{minute}\n"
        );
    }
    let project = one_record(&record);
    let run = project.check(&["--format", "github"]);
    run.code(1);
    let annotations: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 1, "{}", run.stdout);
    assert!(
        annotations[0].contains("line=5,col=1,title=time-order::"),
        "{}",
        annotations[0]
    );
    assert!(
        annotations[0].contains("lines 11, 17, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41 after"),
        "{}",
        annotations[0]
    );
    // Fixed, nothing is left.
    let fixed = record.replace("2026-11-02T09:40:00Z", "2026-11-20T09:40:00Z");
    let project = one_record(&fixed);
    let (_, found) = check_json(&project, &[]);
    assert_eq!(found, [], "{found:?}");
}
