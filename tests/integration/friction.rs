//! The friction a new team met (issue 14, point 5), each mended and shown
//! here: where findings sit, what the summary counts, running from a
//! subfolder, and the like.

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
