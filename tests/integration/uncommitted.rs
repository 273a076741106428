//! Documents on disk that HEAD does not hold (issue 13): `render` compares
//! the documents with HEAD's tree as well as with the work tree, so what
//! an earlier run wrote or removed without committing is committed by the
//! next run, and `render --check` fails until it is; the render cache
//! never vouches for such documents.

use std::fs;

use crate::harness::{CLEAN_RECORD, HANDED_OVER, PEOPLE, Project};

const ID: &str = "INC-2026-001";

fn repo() -> Project {
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record(ID, HANDED_OVER)
        .record("INC-2026-002", CLEAN_RECORD);
    project.commit_all("records");
    project
}

fn head(project: &Project) -> String {
    project.git_ok(&["rev-parse", "HEAD"]).trim().to_owned()
}

fn committed_files(project: &Project) -> Vec<String> {
    project
        .git_ok(&["ls-tree", "-r", "--name-only", "HEAD", "incidents"])
        .lines()
        .filter(|l| l.rsplit_once('.').is_some_and(|(_, ext)| ext == "md"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn documents_written_with_no_commit_are_committed_by_the_next_render() {
    let project = repo();
    let before = head(&project);
    project.run(&["render", "--no-commit"]).code(0);
    let documents = project.run(&["render", "--dry-run"]);
    documents.code(0);
    assert!(
        documents.stdout.contains(
            "would commit incidents/README.md (written by an earlier run, not committed)"
        ),
        "{}",
        documents.stdout
    );
    let check = project.run(&["render", "--check"]);
    check.code(1);
    assert!(
        check
            .stdout
            .contains("would commit incidents/INC-2026-001/README.md"),
        "{}",
        check.stdout
    );
    assert_eq!(head(&project), before, "--check commits nothing");

    let run = project.run(&["render"]);
    run.code(0);
    let count = committed_files(&project).len();
    assert!(count > 5, "{count}");
    assert!(
        run.stdout.contains(&format!(
            "committing {count} documents a previous run wrote but did not commit"
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(": 0 written,"), "{}", run.stdout);
    assert!(run.stdout.contains("committed "), "{}", run.stdout);
    assert_eq!(project.git_ok(&["rev-parse", "HEAD~1"]).trim(), before);
    let body = project.git_ok(&["log", "-1", "--format=%b"]);
    assert!(body.contains("create incidents/README.md"), "{body}");
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    project.run(&["render", "--check"]).code(0);
    let again = project.run(&["render"]);
    again.code(0);
    assert!(!again.stdout.contains("committ"), "{}", again.stdout);
}

#[test]
fn a_removal_an_earlier_run_did_not_commit_is_committed() {
    let project = repo();
    project.run(&["render"]).code(0);
    let note = format!("incidents/{ID}/handovers");
    let notes: Vec<String> = fs::read_dir(project.abs(&note))
        .expect("handover notes")
        .map(|e| format!("{note}/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    assert!(!notes.is_empty());
    // The handover undone and the record committed, the note removed from
    // disk by a run that then died: HEAD still has it.
    project.record(ID, CLEAN_RECORD);
    project.commit_all("undo the handover");
    project.run(&["render", "--no-commit"]).code(0);
    for path in &notes {
        assert!(!project.exists(path), "{path}");
    }
    let check = project.run(&["render", "--check"]);
    check.code(1);
    assert!(
        check
            .stdout
            .contains(&format!("would commit the removal of {}", notes[0])),
        "{}",
        check.stdout
    );
    let run = project.run(&["render"]);
    run.code(0);
    assert!(run.stdout.contains("the removal of"), "{}", run.stdout);
    let committed = committed_files(&project);
    assert!(
        !committed.iter().any(|p| p.starts_with(&note)),
        "{committed:?}"
    );
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    project.run(&["render", "--check"]).code(0);
}

#[test]
fn a_document_the_user_deleted_that_is_not_generated_is_not_removed() {
    let project = repo();
    project.run(&["render"]).code(0);
    project.file("incidents/notes.md", "# My own notes\n");
    project.commit_all("notes of my own");
    fs::remove_file(project.abs("incidents/notes.md")).expect("delete");
    let run = project.run(&["render"]);
    run.code(0);
    assert!(!run.stdout.contains("committ"), "{}", run.stdout);
    project.run(&["render", "--check"]).code(0);
    assert_eq!(
        project.git_ok(&["status", "--porcelain"]),
        " D incidents/notes.md\n"
    );
}

/// The documents of a render commit staged again with HEAD moved back (as
/// when a run is killed between writing the index and moving the branch):
/// the cache, warm, must not vouch for them.
#[test]
fn the_cache_does_not_vouch_for_documents_head_does_not_hold() {
    let project = repo();
    project.run(&["render"]).code(0);
    for _ in 0..3 {
        project.run(&["render"]).code(0);
    }
    let verbose = project.run(&["-v", "render", "--check"]);
    verbose.code(0);
    assert!(
        verbose.stderr.contains("render cache: 2 incidents current"),
        "{}",
        verbose.stderr
    );
    project.git_ok(&["reset", "--soft", "HEAD~1"]);
    let before = head(&project);

    let check = project.run(&["-v", "render", "--check"]);
    check.code(1);
    assert!(
        check.stderr.contains("render cache: 0 incidents current"),
        "{}",
        check.stderr
    );
    let run = project.run(&["render"]);
    run.code(0);
    assert!(
        run.stdout
            .contains("a previous run wrote but did not commit"),
        "{}",
        run.stdout
    );
    assert_eq!(project.git_ok(&["rev-parse", "HEAD~1"]).trim(), before);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    project.run(&["render", "--check"]).code(0);
}

/// A commit that changes documents outside rolecall (a colleague's render
/// pulled, a revert) makes the cache compare with HEAD's tree again.
#[test]
fn a_document_reverted_in_head_is_committed_again() {
    let project = repo();
    project.run(&["render"]).code(0);
    for _ in 0..3 {
        project.run(&["render"]).code(0);
    }
    let path = format!("incidents/{ID}/README.md");
    let rendered = project.read(&path);
    project.file(&path, format!("{rendered}Changed by hand.\n"));
    project.git_ok(&["commit", "-q", "-am", "hand edit"]);
    project.file(&path, &rendered);
    // On disk as rendered, in HEAD with the hand edit.
    let check = project.run(&["render", "--check"]);
    check.code(1);
    assert!(
        check.stdout.contains(&format!("would commit {path}")),
        "{}",
        check.stdout
    );
    project.run(&["render"]).code(0);
    assert_eq!(project.git_ok(&["show", &format!("HEAD:{path}")]), rendered);
    project.run(&["render", "--check"]).code(0);
}

#[test]
fn an_uncommitted_postmortem_commits_its_generated_sections_never_the_writing() {
    // A person writes in the postmortem and does not commit; the record
    // changes and a `--no-commit` render refreshes the generated sections.
    // The next render commits HEAD's postmortem with the new sections, and
    // leaves the person's writing uncommitted in the file.
    let project = repo();
    project.run(&["render"]).code(0);
    let postmortem = "incidents/INC-2026-001/postmortem.md";
    let writing = "\n## What we learned\n\nThe pool needs an alert.\n";
    let mut text = project.read(postmortem);
    text.push_str(writing);
    project.file(postmortem, &text);
    project.record(
        ID,
        &HANDED_OVER.replace("title: Clean record", "title: Pool exhausted"),
    );
    let record = format!("incidents/{ID}.yaml");
    project.git_ok(&["commit", "-q", "-m", "retitle", "--", &record]);
    project.run(&["render", "--no-commit"]).code(0);
    let on_disk = project.read(postmortem);
    assert!(on_disk.contains("| Title | Pool exhausted |"), "{on_disk}");
    assert!(on_disk.contains(writing), "{on_disk}");

    let check = project.run(&["render", "--check"]);
    check.code(1);
    assert!(check.stdout.contains(postmortem), "{}", check.stdout);
    project.run(&["render"]).code(0);
    let committed = project.git_ok(&["show", &format!("HEAD:{postmortem}")]);
    assert!(
        committed.contains("| Title | Pool exhausted |"),
        "{committed}"
    );
    assert!(
        !committed.contains("The pool needs an alert."),
        "{committed}"
    );
    assert_eq!(
        project.read(postmortem),
        on_disk,
        "the file is left as it was"
    );
    assert_eq!(
        project.git_ok(&["status", "--porcelain"]),
        format!(" M {postmortem}\n"),
        "only the person's writing is uncommitted"
    );

    // What remains is the person's alone: nothing more to commit.
    let before = head(&project);
    project.run(&["render", "--check"]).code(0);
    project.run(&["render"]).code(0);
    assert_eq!(head(&project), before);
}
