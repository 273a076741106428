//! The repository's `.pre-commit-hooks.yaml`, run by the real pre-commit:
//! `pre-commit try-repo` against a clone of this repository's committed
//! state builds rolecall with cargo (`language: rust`) and runs each hook in
//! a sample incidents repository, which fails while a staged record or a
//! document is wrong and passes once it is fixed.
//!
//! The build goes to `target/pre-commit/` so that later runs are
//! incremental. pre-commit comes from `.ci/run`'s virtual environment (see
//! `ci_setup::tool`).

use std::path::Path;
use std::process::Command;

use crate::ci_setup::tool;
use crate::harness::{CLEAN_RECORD, PEOPLE, Project, Run};

/// `pre-commit try-repo REPO HOOK` in `project`, on its staged files.
fn try_repo(pre_commit: &Path, project: &Project, repo: &Path, home: &Path, hook: &str) -> Run {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit");
    let mut command = Command::new(pre_commit);
    command
        .args(["try-repo", "--verbose"])
        .arg(repo)
        .arg(hook)
        .current_dir(project.path())
        .env("PRE_COMMIT_HOME", home)
        .env("CARGO_TARGET_DIR", target)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    Run::from_output(&command.output().expect("run pre-commit"))
}

#[test]
fn the_hooks_run_under_pre_commit_try_repo() {
    let Some(pre_commit) = tool("pre-commit") else {
        return;
    };
    // The hook repository: a clone of what this repository has committed.
    let work = tempfile::tempdir().expect("temporary folder");
    let clone = work.path().join("rolecall");
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks"])
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg(&clone)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("run git clone");
    assert!(status.success(), "git clone of the repository failed");
    assert!(
        clone.join(".pre-commit-hooks.yaml").is_file(),
        "the committed state has no .pre-commit-hooks.yaml"
    );
    let home = work.path().join("pre-commit-home");

    // A sample incidents repository with one clean record committed.
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", CLEAN_RECORD);
    project.commit_all("first record");

    // A staged record whose communications manager is missing fails the
    // check hook, naming the finding; once fixed and staged, it passes.
    let broken = CLEAN_RECORD.replace("  communications_manager: carol\n", "");
    project.record("INC-2", &broken);
    project.git_ok(&["add", "incidents/INC-2.yaml"]);
    let run = try_repo(&pre_commit, &project, &clone, &home, "rolecall-check");
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("missing-owner"), "{}", run.stdout);
    assert!(
        run.stdout.contains("incidents/INC-2.yaml"),
        "{}",
        run.stdout
    );
    project.record("INC-2", CLEAN_RECORD);
    project.git_ok(&["add", "incidents/INC-2.yaml"]);
    let run = try_repo(&pre_commit, &project, &clone, &home, "rolecall-check");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Passed"), "{}", run.stdout);
    assert!(
        run.stdout.contains("checked 1 incident: 0 errors"),
        "{}",
        run.stdout
    );

    // No document is rendered yet: the render hook fails until `rolecall
    // render` has written and committed them.
    let run = try_repo(
        &pre_commit,
        &project,
        &clone,
        &home,
        "rolecall-render-check",
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Failed"), "{}", run.stdout);
    project.commit_all("second record");
    project.run(&["render"]).code(0);
    // A staged file that changes no document, so that the hook runs.
    project.file("notes.txt", "on-call notes\n");
    project.git_ok(&["add", "notes.txt"]);
    let run = try_repo(
        &pre_commit,
        &project,
        &clone,
        &home,
        "rolecall-render-check",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Passed"), "{}", run.stdout);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "A  notes.txt\n");
}
