//! Committing (SPEC §7, issue 4): `render` commits exactly the documents it
//! wrote or removed, leaves everyone else's changes alone, refuses cleanly
//! when git is busy or no identity is set, and leaves the repository as it
//! was whenever it fails. Every outcome is verified with the git CLI.

use std::collections::BTreeMap;
use std::fs;
use std::process::{Child, Stdio};

use walkdir::WalkDir;

use crate::harness::{CLEAN_RECORD, HANDED_OVER, PEOPLE, Project};

const ID: &str = "INC-2026-001";

/// The documents [`CLEAN_RECORD`] renders to, with the index, sorted.
const DOCUMENTS: [&str; 7] = [
    "incidents/INC-2026-001/README.md",
    "incidents/INC-2026-001/briefs/communications_manager.md",
    "incidents/INC-2026-001/briefs/incident_manager.md",
    "incidents/INC-2026-001/briefs/postmortem_owner.md",
    "incidents/INC-2026-001/briefs/tech_lead.md",
    "incidents/INC-2026-001/postmortem.md",
    "incidents/README.md",
];

// ---------------------------------------------------------------- helpers

/// A repository with the roster and one committed record, nothing rendered.
fn repo_with_record() -> Project {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record(ID, CLEAN_RECORD);
    project.commit_all("add the record");
    project
}

/// A committed tracked file, then a staged new file, an unstaged change
/// to the tracked file and an untracked file.
fn add_unrelated_changes(project: &Project) {
    project.file("tracked.txt", "tracked\n");
    project.commit_all("add tracked.txt");
    project.file("notes.txt", "staged notes\n");
    project.git_ok(&["add", "notes.txt"]);
    project.file("tracked.txt", "tracked, then edited\n");
    project.file("scratch.txt", "untracked\n");
}

fn status(project: &Project) -> String {
    project.git_ok(&["status", "--porcelain"])
}

fn head(project: &Project) -> String {
    project.git_ok(&["rev-parse", "HEAD"]).trim().to_owned()
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.is_empty()).collect()
}

/// The paths the HEAD commit changed, sorted.
fn committed_paths(project: &Project) -> Vec<String> {
    let out = project.git_ok(&["show", "--name-only", "--format=", "HEAD"]);
    let mut paths: Vec<String> = lines(&out).into_iter().map(str::to_owned).collect();
    paths.sort();
    paths
}

#[track_caller]
fn assert_fsck_clean(project: &Project) {
    let (code, out, err) = project.git_run(&["fsck", "--strict", "--no-dangling"]);
    assert_eq!(code, 0, "git fsck failed:\n{out}\n{err}");
    assert!(
        !out.contains("error") && !err.contains("error"),
        "git fsck reported problems:\n{out}\n{err}"
    );
}

/// Every file of the work tree (outside `.git`) and its text.
fn snapshot(project: &Project) -> BTreeMap<String, String> {
    WalkDir::new(project.path())
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(project.path()).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let bytes = fs::read(e.path()).expect("read file");
            (rel, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

/// Every folder of the work tree (outside `.git`).
fn folders(project: &Project) -> Vec<String> {
    WalkDir::new(project.path())
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect()
}

/// No rendered document exists.
#[track_caller]
fn assert_nothing_written(project: &Project) {
    assert_nothing_written_but(project, &[]);
}

/// [`assert_nothing_written`] while the test itself holds the lock files
/// `held` (paths below the project).
#[track_caller]
fn assert_nothing_written_but(project: &Project, held: &[&str]) {
    for document in DOCUMENTS {
        assert!(!project.exists(document), "{document} was written");
    }
    assert!(
        !project.exists("incidents/INC-2026-001"),
        "a folder was created"
    );
    let held: Vec<String> = held
        .iter()
        .map(|p| project.abs(p).display().to_string())
        .collect();
    assert_eq!(project.leftovers(), held);
}

/// The line of `stdout` that starts with `committed `.
fn committed_line(stdout: &str) -> Option<&str> {
    stdout.lines().find(|l| l.starts_with("committed "))
}

fn unset_identity(project: &Project) {
    project.git_ok(&["config", "--unset", "user.name"]);
    project.git_ok(&["config", "--unset", "user.email"]);
}

/// Starts `rolecall render` in `project` without waiting for it, isolated
/// from the user's git configuration like the harness's runs.
fn spawn_render(project: &Project) -> Child {
    project
        .command(&["render"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rolecall")
}

// ------------------------------------------------------ what is committed

#[test]
fn commit_holds_exactly_the_generated_documents() {
    let project = repo_with_record();
    let before = head(&project);
    let run = project.run(&["render"]);
    run.code(0);
    assert!(
        run.stdout
            .contains("rendered 7 documents for 1 incident: 7 written, 0 unchanged, 0 removed"),
        "{}",
        run.stdout
    );
    assert_eq!(committed_paths(&project), DOCUMENTS);
    assert_eq!(
        project.git_ok(&["rev-parse", "HEAD~1"]).trim(),
        before,
        "the commit sits on top of the previous HEAD"
    );
    assert_eq!(status(&project), "");
    assert_fsck_clean(&project);
    for document in DOCUMENTS {
        let committed = project.git_ok(&["show", &format!("HEAD:{document}")]);
        assert_eq!(committed, project.read(document), "{document}");
    }
    assert_eq!(
        project.git_ok(&["rev-parse", "HEAD:incidents"]),
        project.git_ok(&["write-tree", "--prefix=incidents"]),
        "the index entries of the committed paths match the commit"
    );
}

#[test]
fn commit_paths_are_relative_to_the_repository_root() {
    let project = Project::git();
    project
        .file("ops/people.yaml", PEOPLE)
        .file(&format!("ops/incidents/{ID}.yaml"), CLEAN_RECORD);
    project.commit_all("add the record in a subfolder");
    project.run(&["-C", "ops", "render"]).code(0);
    let expected: Vec<String> = DOCUMENTS.iter().map(|d| format!("ops/{d}")).collect();
    assert_eq!(committed_paths(&project), expected);
    assert_eq!(status(&project), "");
}

#[test]
fn commit_summary_and_message_name_the_incident_and_each_path() {
    let project = repo_with_record();
    let run = project.run(&["render"]);
    run.code(0);
    let short = project.git_ok(&["rev-parse", "--short", "HEAD"]);
    assert_eq!(
        committed_line(&run.stdout),
        Some(format!("committed {} rolecall: render {ID}", short.trim()).as_str()),
        "{}",
        run.stdout
    );
    assert_eq!(
        project.git_ok(&["log", "-1", "--format=%s"]).trim(),
        format!("rolecall: render {ID}")
    );
    let body = project.git_ok(&["log", "-1", "--format=%b"]);
    let expected: Vec<String> = DOCUMENTS.iter().map(|d| format!("create {d}")).collect();
    assert_eq!(lines(&body), expected);
}

#[test]
fn commit_message_flag_replaces_the_subject_only() {
    let project = repo_with_record();
    let run = project.run(&["render", "--message", "docs: refresh incident documents"]);
    run.code(0);
    assert_eq!(
        project.git_ok(&["log", "-1", "--format=%s"]).trim(),
        "docs: refresh incident documents"
    );
    assert_eq!(
        lines(&project.git_ok(&["log", "-1", "--format=%b"])).len(),
        7
    );
    let short = project.git_ok(&["rev-parse", "--short", "HEAD"]);
    assert_eq!(
        committed_line(&run.stdout),
        Some(
            format!(
                "committed {} docs: refresh incident documents",
                short.trim()
            )
            .as_str()
        )
    );
}

#[test]
fn commit_an_empty_message_is_refused_before_writing() {
    let project = repo_with_record();
    let before = head(&project);
    let run = project.run(&["render", "--message", "  "]);
    run.code(2);
    assert!(run.stderr.contains("--message"), "{}", run.stderr);
    assert_nothing_written(&project);
    assert_eq!(head(&project), before);
}

#[test]
fn commit_of_an_update_lists_updated_and_removed_paths() {
    let project = repo_with_record();
    project.record(ID, HANDED_OVER);
    project.commit_all("hand over the tech lead");
    project.run(&["render"]).code(0);
    let note = "incidents/INC-2026-001/handovers/01-tech_lead.md";
    assert!(project.exists(note), "the handover note is rendered");

    project.record(ID, CLEAN_RECORD);
    project.commit_all("undo the handover");
    let run = project.run(&["render"]);
    run.code(0);
    assert!(run.stdout.contains(" 1 removed"), "{}", run.stdout);
    assert!(!project.exists(note));
    assert!(!project.exists("incidents/INC-2026-001/handovers"));
    let body = project.git_ok(&["log", "-1", "--format=%b"]);
    assert!(
        lines(&body).contains(&format!("remove {note}").as_str()),
        "{body}"
    );
    assert!(
        lines(&body)
            .iter()
            .all(|l| l.starts_with("update ") || l.starts_with("remove ")),
        "{body}"
    );
    assert!(committed_paths(&project).contains(&note.to_owned()));
    assert_eq!(status(&project), "");
    assert_fsck_clean(&project);
}

// ------------------------------------------- other people's changes stay

#[test]
fn commit_leaves_staged_unstaged_and_untracked_changes_alone() {
    let project = repo_with_record();
    add_unrelated_changes(&project);
    let before = status(&project);
    assert_eq!(before, "A  notes.txt\n M tracked.txt\n?? scratch.txt\n");
    project.run(&["render"]).code(0);
    assert_eq!(status(&project), before);
    assert_eq!(committed_paths(&project), DOCUMENTS);
    assert_eq!(
        project.git_ok(&["diff", "--cached", "--name-only"]),
        "notes.txt\n"
    );
    assert_eq!(project.git_ok(&["show", "HEAD:tracked.txt"]), "tracked\n");
    assert_eq!(project.read("tracked.txt"), "tracked, then edited\n");
    assert_fsck_clean(&project);
}

#[test]
fn commit_leaves_a_staged_change_to_the_record_staged() {
    let project = repo_with_record();
    project.run(&["render"]).code(0);
    project.record(ID, &CLEAN_RECORD.replace("Clean record", "Renamed record"));
    project.git_ok(&["add", "incidents/INC-2026-001.yaml"]);
    let before = status(&project);
    assert_eq!(before, "M  incidents/INC-2026-001.yaml\n");
    project.run(&["render"]).code(0);
    assert_eq!(status(&project), before);
    assert!(
        !committed_paths(&project).contains(&"incidents/INC-2026-001.yaml".to_owned()),
        "the record is not committed"
    );
    assert!(
        project
            .git_ok(&["show", "HEAD:incidents/README.md"])
            .contains("Renamed record")
    );
    assert!(
        project
            .git_ok(&["show", "HEAD:incidents/INC-2026-001.yaml"])
            .contains("Clean record")
    );
}

// ------------------------------------------------------- HEAD's shapes

#[test]
fn commit_a_second_render_makes_no_commit() {
    let project = repo_with_record();
    project.run(&["render"]).code(0);
    let first = head(&project);
    let run = project.run(&["render"]);
    run.code(0);
    assert_eq!(head(&project), first);
    assert!(committed_line(&run.stdout).is_none(), "{}", run.stdout);
    assert!(
        run.stdout.contains("0 written, 7 unchanged, 0 removed"),
        "{}",
        run.stdout
    );
    assert_eq!(status(&project), "");
}

#[test]
fn commit_in_an_unborn_repository_is_a_root_commit() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record(ID, CLEAN_RECORD);
    project.git_ok(&["add", "incidents/INC-2026-001.yaml"]);
    let run = project.run(&["render"]);
    run.code(0);
    assert!(committed_line(&run.stdout).is_some(), "{}", run.stdout);
    assert_eq!(project.git_ok(&["rev-list", "--count", "HEAD"]).trim(), "1");
    assert_eq!(
        project
            .git_ok(&["rev-list", "--max-parents=0", "HEAD"])
            .trim(),
        head(&project)
    );
    assert_eq!(
        project.git_ok(&["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    assert_eq!(committed_paths(&project), DOCUMENTS);
    assert_eq!(
        status(&project),
        "A  incidents/INC-2026-001.yaml\n?? people.yaml\n"
    );
    assert_fsck_clean(&project);
}

#[test]
fn commit_on_a_detached_head_moves_only_head_and_says_so() {
    let project = repo_with_record();
    project.git_ok(&["checkout", "-q", "--detach"]);
    let branch = project.git_ok(&["rev-parse", "main"]);
    let run = project.run(&["render"]);
    run.code(0);
    assert!(run.stdout.contains("detached"), "{}", run.stdout);
    assert_eq!(project.git_ok(&["rev-parse", "main"]), branch, "main moved");
    assert_eq!(project.git_ok(&["rev-parse", "HEAD~1"]), branch);
    let (code, _, _) = project.git_run(&["symbolic-ref", "-q", "HEAD"]);
    assert_eq!(code, 1, "HEAD is still detached");
    assert_eq!(committed_paths(&project), DOCUMENTS);
    assert_eq!(status(&project), "");
    assert_fsck_clean(&project);
}

// ------------------------------------------------------------- identity

#[test]
fn commit_without_identity_refuses_before_writing() {
    let project = repo_with_record();
    add_unrelated_changes(&project);
    unset_identity(&project);
    let (before, status_before) = (head(&project), status(&project));
    let run = project.run(&["render"]);
    run.code(2);
    assert!(
        run.stderr.contains("git config user.name") && run.stderr.contains("--author"),
        "{}",
        run.stderr
    );
    assert_nothing_written(&project);
    assert_eq!(head(&project), before);
    assert_eq!(status(&project), status_before);
}

#[test]
fn commit_identity_from_the_environment() {
    let project = repo_with_record();
    unset_identity(&project);
    let env = [
        ("GIT_AUTHOR_NAME", "Env Author"),
        ("GIT_AUTHOR_EMAIL", "author@example.com"),
        ("GIT_COMMITTER_NAME", "Env Committer"),
        ("GIT_COMMITTER_EMAIL", "committer@example.com"),
    ];
    project.run_env(&["render"], &env).code(0);
    assert_eq!(
        project
            .git_ok(&["log", "-1", "--format=%an|%ae|%cn|%ce"])
            .trim(),
        "Env Author|author@example.com|Env Committer|committer@example.com"
    );
}

#[test]
fn commit_identity_from_the_author_flag() {
    let project = repo_with_record();
    unset_identity(&project);
    project
        .run(&["render", "--author", "Ada Lovelace <ada@example.com>"])
        .code(0);
    assert_eq!(
        project
            .git_ok(&["log", "-1", "--format=%an|%ae|%cn|%ce"])
            .trim(),
        "Ada Lovelace|ada@example.com|Ada Lovelace|ada@example.com"
    );
}

#[test]
fn commit_author_flag_wins_over_configuration() {
    let project = repo_with_record();
    project
        .run(&["render", "--author", "Ada Lovelace <ada@example.com>"])
        .code(0);
    assert_eq!(
        project.git_ok(&["log", "-1", "--format=%an|%ae"]).trim(),
        "Ada Lovelace|ada@example.com"
    );
}

#[test]
fn commit_a_malformed_author_is_refused_before_writing() {
    let project = repo_with_record();
    let before = head(&project);
    let run = project.run(&["render", "--author", "no email here"]);
    run.code(2);
    assert!(run.stderr.contains("Name <email>"), "{}", run.stderr);
    assert_nothing_written(&project);
    assert_eq!(head(&project), before);
}

#[test]
fn commit_no_identity_needed_when_nothing_is_committed() {
    let project = repo_with_record();
    project.run(&["render"]).code(0);
    unset_identity(&project);
    let before = head(&project);
    project.run(&["render"]).code(0);
    assert_eq!(head(&project), before);
}

#[test]
fn commit_no_identity_needed_with_no_commit() {
    let project = repo_with_record();
    unset_identity(&project);
    let before = head(&project);
    let run = project.run(&["render", "--no-commit"]);
    run.code(0);
    assert!(committed_line(&run.stdout).is_none(), "{}", run.stdout);
    assert_eq!(head(&project), before);
    for document in DOCUMENTS {
        assert!(project.exists(document), "{document}");
    }
    assert_eq!(
        status(&project),
        "?? incidents/INC-2026-001/\n?? incidents/README.md\n"
    );
}

// ------------------------------------------------------------ refusals

#[test]
fn commit_refuses_while_the_index_is_locked() {
    let project = repo_with_record();
    add_unrelated_changes(&project);
    let (before, status_before) = (head(&project), status(&project));
    project.file(".git/index.lock", "held by another git process\n");
    let run = project.run(&["render"]);
    run.code(2);
    assert!(run.stderr.contains("index.lock"), "{}", run.stderr);
    assert_nothing_written_but(&project, &[".git/index.lock"]);
    assert_eq!(
        project.read(".git/index.lock"),
        "held by another git process\n"
    );
    assert_eq!(head(&project), before);
    fs::remove_file(project.abs(".git/index.lock")).expect("release the lock");
    assert_eq!(status(&project), status_before);
}

#[test]
fn commit_refuses_during_a_merge() {
    let project = repo_with_record();
    add_unrelated_changes(&project);
    let (before, status_before) = (head(&project), status(&project));
    project.file(".git/MERGE_HEAD", format!("{before}\n"));
    let run = project.run(&["render"]);
    run.code(2);
    assert!(run.stderr.contains("merge"), "{}", run.stderr);
    assert_nothing_written(&project);
    assert_eq!(head(&project), before);
    assert_eq!(status(&project), status_before);
}

#[test]
fn commit_refuses_while_another_run_holds_the_lock() {
    let project = repo_with_record();
    project.file(".git/rolecall.lock", "rolecall run 12345\n");
    // Held as a running rolecall holds it: with an OS lock.
    let held = fs::File::open(project.abs(".git/rolecall.lock")).expect("open the lock");
    held.try_lock().expect("lock it");
    let run = project.run(&["render"]);
    run.code(2);
    assert!(
        run.stderr.contains("another rolecall run"),
        "{}",
        run.stderr
    );
    for document in DOCUMENTS {
        assert!(!project.exists(document), "{document} was written");
    }
    assert_eq!(project.read(".git/rolecall.lock"), "rolecall run 12345\n");
}

#[test]
fn a_lock_file_left_by_a_dead_run_does_not_block() {
    let project = repo_with_record();
    project.file(".git/rolecall.lock", "12345\n");
    let run = project.run(&["render"]);
    run.code(0);
    assert!(committed_line(&run.stdout).is_some(), "{}", run.stdout);
    assert!(!project.exists(".git/rolecall.lock"));
}

// ------------------------------------------------------------ failures

/// Makes the branch impossible to update: libgit2 will not move a ref
/// whose `.lock` file exists (and `ensure_ready` only looks at the index).
fn lock_the_branch(project: &Project) {
    project.file(".git/refs/heads/main.lock", "");
}

#[test]
fn commit_failure_removes_new_documents_and_their_folders() {
    let project = repo_with_record();
    add_unrelated_changes(&project);
    let (before, status_before) = (head(&project), status(&project));
    let (files_before, folders_before) = (snapshot(&project), folders(&project));
    lock_the_branch(&project);
    let run = project.run(&["render"]);
    run.code(2);
    assert!(run.stderr.contains("refs/heads/main"), "{}", run.stderr);
    assert_eq!(head(&project), before);
    assert_eq!(snapshot(&project), files_before);
    assert_eq!(folders(&project), folders_before);
    fs::remove_file(project.abs(".git/refs/heads/main.lock")).expect("unlock");
    assert_eq!(project.leftovers(), Vec::<String>::new());
    assert_eq!(status(&project), status_before);
    assert_fsck_clean(&project);
}

#[test]
fn commit_failure_restores_updated_and_removed_documents() {
    let project = repo_with_record();
    project.record(ID, HANDED_OVER);
    project.commit_all("hand over the tech lead");
    project.run(&["render"]).code(0);
    // Back to one tech lead: every document changes and the handover note
    // (the only file of its folder) goes away.
    project.record(ID, &CLEAN_RECORD.replace("Clean record", "Renamed record"));
    project.commit_all("undo the handover, rename");
    add_unrelated_changes(&project);
    let (before, status_before) = (head(&project), status(&project));
    let (files_before, folders_before) = (snapshot(&project), folders(&project));
    let modes_before = modes(&project);
    lock_the_branch(&project);
    let run = project.run(&["render"]);
    run.code(2);
    assert_eq!(head(&project), before);
    assert_eq!(snapshot(&project), files_before);
    assert_eq!(folders(&project), folders_before);
    assert_eq!(
        modes(&project),
        modes_before,
        "permissions are restored too"
    );
    fs::remove_file(project.abs(".git/refs/heads/main.lock")).expect("unlock");
    assert_eq!(project.leftovers(), Vec::<String>::new());
    assert_eq!(status(&project), status_before);
    // Once git lets go, the same render goes through.
    project.run(&["render"]).code(0);
    assert!(!project.exists("incidents/INC-2026-001/handovers"));
}

#[test]
fn an_index_that_cannot_be_read_stops_the_render_before_writing() {
    let project = repo_with_record();
    let before = head(&project);
    fs::remove_file(project.abs(".git/index")).expect("remove the index");
    fs::create_dir(project.abs(".git/index")).expect("block the index");
    let run = project.run(&["render"]);
    run.code(2);
    assert!(
        run.stderr.contains(".git/index") && run.stderr.contains("not a file"),
        "{}",
        run.stderr
    );
    assert_eq!(head(&project), before);
    assert_nothing_written(&project);
    fs::remove_dir(project.abs(".git/index")).expect("unblock the index");
    assert_eq!(project.leftovers(), Vec::<String>::new());
}

/// Unix permission bits of every file outside `.git`.
fn modes(project: &Project) -> BTreeMap<String, u32> {
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt as _;
    snapshot(project)
        .into_keys()
        .map(|rel| {
            let metadata = fs::metadata(project.abs(&rel)).expect("stat");
            #[cfg(unix)]
            let mode = metadata.permissions().mode() & 0o777;
            #[cfg(not(unix))]
            let mode = u32::from(metadata.permissions().readonly());
            (rel, mode)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn commit_documents_get_ordinary_file_permissions() {
    let project = repo_with_record();
    project.run(&["render"]).code(0);
    let expected = modes(&project)["people.yaml"];
    for (path, mode) in modes(&project) {
        assert_eq!(mode, expected, "{path} has mode {mode:o}");
    }
}

// ------------------------------------------------------------- races

/// Starts four renders at once, waits for all of them, and checks that
/// each exited 0 or 2 (with a clear refusal) and that one of them won.
fn race(project: &Project, round: usize) {
    let children: Vec<Child> = (0..4).map(|_| spawn_render(project)).collect();
    let mut succeeded = 0;
    for child in children {
        let output = child.wait_with_output().expect("wait for rolecall");
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => succeeded += 1,
            Some(2) => assert!(
                stderr.contains("another") && stderr.contains("again"),
                "round {round}: unclear refusal: {stderr}"
            ),
            other => panic!("round {round}: exit {other:?}: {stderr}"),
        }
    }
    assert!(succeeded >= 1, "round {round}: no render succeeded");
}

/// After a race: one new commit, clean status and fsck, documents up to
/// date, nothing left behind.
#[track_caller]
fn assert_consistent(project: &Project, before: &str, round: usize) {
    assert_eq!(
        project
            .git_ok(&["rev-list", "--count", &format!("{before}..HEAD")])
            .trim(),
        "1",
        "round {round}: exactly one commit"
    );
    assert_eq!(status(project), "", "round {round}");
    assert_fsck_clean(project);
    project.run(&["render", "--check"]).code(0);
    assert_eq!(project.leftovers(), Vec::<String>::new(), "round {round}");
}

#[test]
fn commit_four_renders_at_once_leave_the_repository_consistent() {
    for round in 0..4 {
        let project = Project::git();
        project.file("people.yaml", PEOPLE);
        for n in 1..=4 {
            project.record(&format!("INC-2026-00{n}"), HANDED_OVER);
        }
        project.commit_all("add the records");
        let before = head(&project);
        race(&project, round);
        assert_consistent(&project, &before, round);

        // Again with updates and removals: every handover note goes.
        for n in 1..=4 {
            project.record(&format!("INC-2026-00{n}"), CLEAN_RECORD);
        }
        project.commit_all("undo the handovers");
        let before = head(&project);
        race(&project, round);
        assert_consistent(&project, &before, round);
        assert!(!project.exists("incidents/INC-2026-001/handovers"));
    }
}

// ------------------------------------------------- no repository to use

#[test]
fn commit_outside_a_repository_writes_and_says_nothing_was_committed() {
    let project = Project::new();
    project.file("people.yaml", PEOPLE).record(ID, CLEAN_RECORD);
    let run = project.run(&["render"]);
    run.code(0);
    for document in DOCUMENTS {
        assert!(project.exists(document), "{document}");
    }
    assert!(run.stdout.contains("not committed"), "{}", run.stdout);
    assert!(committed_line(&run.stdout).is_none());
    assert!(!project.exists(".git"));
}

#[test]
fn commit_in_a_bare_repository_writes_and_says_nothing_was_committed() {
    let project = Project::new();
    project.file("people.yaml", PEOPLE).record(ID, CLEAN_RECORD);
    project.git_ok(&["init", "-q", "--bare", "."]);
    let run = project.run(&["render"]);
    run.code(0);
    for document in DOCUMENTS {
        assert!(project.exists(document), "{document}");
    }
    assert!(run.stdout.contains("not committed"), "{}", run.stdout);
    let (code, _, _) = project.git_run(&["rev-parse", "--verify", "-q", "HEAD"]);
    assert_ne!(code, 0, "no commit was made");
}
