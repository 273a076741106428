//! The index is never left behind the branch (issue 13): rolecall writes
//! the index before it moves the branch and puts the old one back if the
//! branch cannot move; an index libgit2 cannot handle (split, sparse) is
//! refused before anything is written, with how to turn the setting off;
//! a failed index write names the file and the OS error.

use crate::harness::{CLEAN_RECORD, PEOPLE, Project, Run};

const README: &str = "incidents/INC-2026-001/README.md";

fn repo() -> Project {
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-2026-001", CLEAN_RECORD)
        .file("tracked.txt", "tracked\n");
    project.commit_all("records");
    project.file("notes.txt", "staged\n");
    project.git_ok(&["add", "notes.txt"]);
    project
}

fn head(project: &Project) -> String {
    project.git_ok(&["rev-parse", "HEAD"])
}

/// HEAD, the index's entries and `git status`: what a refused or failed
/// run must leave as it was.
fn git_state(project: &Project) -> (String, String, String) {
    (
        head(project),
        project.git_ok(&["ls-files", "--stage"]),
        project.git_ok(&["status", "--porcelain", "--untracked-files=all"]),
    )
}

#[track_caller]
fn assert_refused_before_writing(project: &Project, run: &Run, wanted: &[&str]) {
    run.code(2);
    for text in wanted {
        assert!(run.stderr.contains(text), "{text} not in\n{}", run.stderr);
    }
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(!project.exists(README), "a document was written");
}

#[test]
fn a_split_index_is_refused_before_anything_is_written() {
    let project = repo();
    project.git_ok(&["config", "core.splitIndex", "true"]);
    project.git_ok(&["update-index", "--split-index"]);
    let before = git_state(&project);
    let run = project.run(&["render"]);
    assert_refused_before_writing(
        &project,
        &run,
        &[
            "split index",
            "git update-index --no-split-index",
            "git config core.splitIndex false",
        ],
    );
    assert_eq!(git_state(&project), before);
    // Turned off as the message says, the render goes through.
    project.git_ok(&["config", "core.splitIndex", "false"]);
    project.git_ok(&["update-index", "--no-split-index"]);
    project.run(&["render"]).code(0);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "A  notes.txt\n");
}

#[test]
fn a_sparse_index_is_refused_before_anything_is_written() {
    let project = repo();
    project.file("other/kept.txt", "outside the cone\n");
    project.commit_all("a folder outside the cone");
    project.git_ok(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
    project.git_ok(&["sparse-checkout", "set", "incidents"]);
    let before = git_state(&project);
    let run = project.run(&["render"]);
    assert_refused_before_writing(
        &project,
        &run,
        &[
            "sparse index",
            "git sparse-checkout set --no-sparse-index",
            "git config index.sparse false",
        ],
    );
    assert_eq!(git_state(&project), before);
    project.git_ok(&["sparse-checkout", "set", "--no-sparse-index", "incidents"]);
    project.run(&["render"]).code(0);
    project.run(&["render", "--check"]).code(0);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    // The entry outside the cone keeps its skip-worktree bit.
    assert_eq!(
        project.git_ok(&["ls-files", "-t", "other/kept.txt"]),
        "S other/kept.txt\n"
    );
}

#[test]
fn an_index_of_version_4_with_skip_hash_is_updated() {
    let project = repo();
    project.git_ok(&["config", "feature.manyFiles", "true"]);
    project.git_ok(&["config", "index.skipHash", "true"]);
    project.git_ok(&["update-index", "--index-version", "4"]);
    project.run(&["render"]).code(0);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "A  notes.txt\n");
    project.run(&["render", "--check"]).code(0);
    assert_eq!(project.git_ok(&["show", ":notes.txt"]), "staged\n");
    let (code, _, err) = project.git_run(&["fsck", "--full", "--strict"]);
    assert_eq!(code, 0, "{err}");
}

/// The index write fails as on a full disk: the branch has not moved, the
/// index and files are as they were, and the message names the file and
/// the OS error.
#[test]
fn a_failed_index_write_leaves_the_branch_and_the_index_as_they_were() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the fault-injection hooks exist only in debug builds");
        return;
    }
    let project = repo();
    let before = git_state(&project);
    let run = project.run_env(&["render"], &[("ROLECALL_FAIL_INDEX", "1")]);
    run.code(2);
    assert!(
        run.stderr.contains(".git/rolecall/index.new")
            && run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert_eq!(git_state(&project), before);
    assert!(!project.exists(README), "the documents were put back");
    assert!(!project.exists(".git/index.lock"));
    assert!(!project.exists(".git/rolecall/index.new"));
    project.run(&["render"]).code(0);
}

/// The branch cannot move (its lock is held): the index written for the
/// commit is put back, so the user's next `git commit` sees what it saw.
#[test]
fn the_index_is_put_back_when_the_branch_cannot_move() {
    let project = repo();
    let before = git_state(&project);
    project.file(".git/refs/heads/main.lock", "");
    let run = project.run(&["render"]);
    run.code(2);
    assert!(run.stderr.contains("refs/heads/main"), "{}", run.stderr);
    assert_eq!(git_state(&project), before);
    assert!(!project.exists(README));
    std::fs::remove_file(project.abs(".git/refs/heads/main.lock")).expect("unlock");
    // The user's own commit does not delete or stage any document.
    project.git_ok(&["commit", "-q", "-m", "notes"]);
    assert_eq!(
        project.git_ok(&["show", "--name-only", "--format=", "HEAD"]),
        "notes.txt\n"
    );
}
