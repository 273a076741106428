//! Faults (SPEC §8, issue 7): `render` stopped at every file operation in
//! turn, and at the commit, leaves the work tree, the index and HEAD exactly
//! as they were, with no temporary file or lock behind, and says which file
//! it could not write.
//!
//! The faults come from two hooks that exist only in debug builds:
//! `ROLECALL_FAIL_WRITE_AT=N` makes the N-th write or removal of the run
//! fail, `ROLECALL_FAIL_COMMIT=1` makes the commit fail before HEAD moves.
//! Under `cargo test --release` the hooks are compiled out and these tests
//! only say so.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;

use walkdir::WalkDir;

use crate::harness::{CLEAN_RECORD, HANDED_OVER, PEOPLE, Project, Run};

const KEPT: &str = "INC-2026-001";
const DROPPED: &str = "INC-2026-002";
const ADDED: &str = "INC-2026-003";

/// Whether the fault-injection hooks are compiled into the binary under test.
fn hooks_compiled_in() -> bool {
    if cfg!(debug_assertions) {
        return true;
    }
    eprintln!("skipped: the fault-injection hooks exist only in debug builds");
    false
}

// ---------------------------------------------------------------- state

/// A file's bytes and permission bits, or a folder.
#[derive(PartialEq, Eq)]
enum Entry {
    File { bytes: Vec<u8>, mode: u32 },
    Folder,
}

/// Files show as text, so that a failed comparison can be read.
impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::File { bytes, mode } => {
                write!(f, "File({mode:o}, {:?})", String::from_utf8_lossy(bytes))
            }
            Entry::Folder => f.write_str("Folder"),
        }
    }
}

/// Everything a failed run must leave as it was.
#[derive(Debug, PartialEq, Eq)]
struct State {
    /// Every file and folder of the work tree outside `.git`.
    tree: BTreeMap<String, Entry>,
    /// `git rev-parse HEAD` (empty while HEAD is unborn).
    head: String,
    /// Every ref with its target.
    refs: String,
    /// `git ls-files --stage`.
    index: String,
    /// `git status --porcelain`.
    status: String,
}

fn state(project: &Project) -> State {
    let tree = WalkDir::new(project.path())
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .map(|e| e.expect("walk the work tree"))
        .map(|e| {
            let rel = e.path().strip_prefix(project.path()).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let entry = if e.file_type().is_dir() {
                Entry::Folder
            } else {
                Entry::File {
                    bytes: fs::read(e.path()).expect("read file"),
                    mode: mode(&e.metadata().expect("metadata")),
                }
            };
            (rel, entry)
        })
        .collect();
    let (_, head, _) = project.git_run(&["rev-parse", "--verify", "-q", "HEAD"]);
    State {
        tree,
        head: head.trim().to_owned(),
        refs: project.git_ok(&["for-each-ref", "--format=%(refname) %(objectname)"]),
        index: project.git_ok(&["ls-files", "--stage"]),
        status: project.git_ok(&["status", "--porcelain", "--untracked-files=all"]),
    }
}

#[cfg(unix)]
fn mode(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.permissions().mode()
}

#[cfg(not(unix))]
fn mode(metadata: &fs::Metadata) -> u32 {
    u32::from(metadata.permissions().readonly())
}

/// Asserts that `run` failed with exit 2 naming `path`, and changed nothing.
#[track_caller]
fn assert_failed_cleanly(project: &Project, run: &Run, path: &str, before: &State, what: &str) {
    assert_eq!(run.code, 2, "{what}: exit code\n{}", run.stderr);
    assert!(
        run.stderr.contains("injected fault"),
        "{what}: the cause is shown\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(path),
        "{what}: the message names {path}\n{}",
        run.stderr
    );
    assert!(
        !run.stdout.contains("committed"),
        "{what}: nothing was committed\n{}",
        run.stdout
    );
    assert_eq!(
        project.leftovers(),
        Vec::<String>::new(),
        "{what}: leftovers"
    );
    let after = state(project);
    assert_eq!(after.tree, before.tree, "{what}: the work tree changed");
    assert_eq!(after.head, before.head, "{what}: HEAD moved");
    assert_eq!(after.refs, before.refs, "{what}: a ref moved");
    assert_eq!(after.index, before.index, "{what}: the index changed");
    assert_eq!(after.status, before.status, "{what}: `git status` changed");
}

/// The paths `render` will write or remove, in the order it does so.
fn operations(project: &Project) -> Vec<String> {
    let run = project.run(&["render", "--dry-run"]);
    run.code(0);
    let paths: Vec<String> = run
        .stdout
        .lines()
        .filter_map(|line| {
            ["would create ", "would update ", "would remove "]
                .iter()
                .find_map(|verb| line.strip_prefix(verb))
        })
        .map(str::to_owned)
        .collect();
    assert!(!paths.is_empty(), "nothing to do:\n{}", run.stdout);
    paths
}

/// Stops `render` at every file operation in turn, then at the commit;
/// each time nothing may change. Returns the number of operations.
fn fail_everywhere(project: &Project) -> usize {
    let paths = operations(project);
    let before = state(project);
    for (n, path) in (1..).zip(&paths) {
        let at = n.to_string();
        let run = project.run_env(&["render"], &[("ROLECALL_FAIL_WRITE_AT", &at)]);
        let what = format!("failure at operation {n} of {} ({path})", paths.len());
        assert_failed_cleanly(project, &run, path, &before, &what);
    }
    let run = project.run_env(&["render"], &[("ROLECALL_FAIL_COMMIT", "1")]);
    assert_failed_cleanly(project, &run, "HEAD", &before, "failure of the commit");
    paths.len()
}

/// The paths `git show` lists for HEAD's commit, sorted.
fn committed_paths(project: &Project) -> Vec<String> {
    let shown = project.git_ok(&["show", "--no-renames", "--name-only", "--format=", "HEAD"]);
    let mut paths: Vec<String> = shown.lines().map(str::to_owned).collect();
    paths.sort();
    paths
}

fn assert_fsck_clean(project: &Project) {
    let (code, out, err) = project.git_run(&["fsck", "--no-dangling"]);
    assert_eq!(code, 0, "git fsck failed:\n{out}\n{err}");
    assert!(
        !out.contains("error") && !err.contains("error"),
        "git fsck reported problems:\n{out}\n{err}"
    );
}

/// A staged new file, an unstaged change to a tracked file and an
/// untracked one, which every run must leave as they are.
fn add_unrelated_changes(project: &Project) {
    project.file("tracked.txt", "tracked\n");
    project.commit_all("add tracked.txt");
    project.file("notes.txt", "staged notes\n");
    project.git_ok(&["add", "notes.txt"]);
    project.file("tracked.txt", "tracked, then edited\n");
    project.file("scratch.txt", "untracked\n");
}

// ---------------------------------------------------------------- tests

/// Rendered and committed once; then one incident changes (its handover
/// note goes), one is dropped and one is added, so the next render
/// updates, removes and creates documents, in folders that go and come.
#[test]
fn faults_at_every_step_of_an_update_leave_everything_as_it_was() {
    if !hooks_compiled_in() {
        return;
    }
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record(KEPT, HANDED_OVER)
        .record(DROPPED, CLEAN_RECORD);
    project.commit_all("add the records");
    project.run(&["render"]).code(0);
    project.record(KEPT, &CLEAN_RECORD.replace("Clean record", "Renamed"));
    fs::remove_file(project.abs(&format!("incidents/{DROPPED}.yaml"))).expect("drop a record");
    project.record(ADDED, &CLEAN_RECORD.replace("Clean record", "Added"));
    project.commit_all("rename one incident, drop one, add one");
    add_unrelated_changes(&project);

    let paths = operations(&project);
    for (verb, folder) in [
        ("update", format!("incidents/{KEPT}/")),
        ("remove", format!("incidents/{KEPT}/handovers/")),
        ("remove", format!("incidents/{DROPPED}/")),
        ("create", format!("incidents/{ADDED}/")),
    ] {
        assert!(
            paths.iter().any(|p| p.starts_with(&folder)),
            "the scenario must {verb} documents in {folder}: {paths:?}"
        );
    }
    let before = state(&project);
    let count = fail_everywhere(&project);

    // Armed one past the last operation, the hook never fires: the run
    // goes through, which shows that every operation was failed above.
    let at = (count + 1).to_string();
    let run = project.run_env(&["render"], &[("ROLECALL_FAIL_WRITE_AT", &at)]);
    run.code(0);
    assert!(run.stdout.contains("committed "), "{}", run.stdout);
    let mut expected = paths.clone();
    expected.sort();
    assert_eq!(committed_paths(&project), expected);
    assert_eq!(project.git_ok(&["rev-parse", "HEAD~1"]).trim(), before.head);
    assert_eq!(state(&project).status, before.status);
    assert!(!project.exists(&format!("incidents/{DROPPED}")));
    assert!(!project.exists(&format!("incidents/{KEPT}/handovers")));
    assert_eq!(project.leftovers(), Vec::<String>::new());
    assert_fsck_clean(&project);
    project.run(&["render", "--check"]).code(0);
}

/// Nothing rendered yet, HEAD unborn: no failure leaves a new file or a
/// new folder, and a folder that was there (empty) before stays.
#[test]
fn faults_at_every_step_of_a_first_render_leave_no_file_or_folder() {
    if !hooks_compiled_in() {
        return;
    }
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record(KEPT, CLEAN_RECORD)
        .record(ADDED, &CLEAN_RECORD.replace("Clean record", "Added"));
    fs::create_dir_all(project.abs(&format!("incidents/{KEPT}/briefs"))).expect("empty folder");
    let before = state(&project);
    assert_eq!(before.head, "", "HEAD is unborn");

    let count = fail_everywhere(&project);
    assert!(
        count >= 12,
        "two incidents' documents and the index: {count}"
    );

    let run = project.run(&["render"]);
    run.code(0);
    assert!(run.stdout.contains("committed "), "{}", run.stdout);
    assert_eq!(
        project.git_ok(&["rev-list", "--count", "HEAD"]).trim(),
        "1",
        "a root commit"
    );
    assert_eq!(committed_paths(&project).len(), count);
    assert_eq!(project.leftovers(), Vec::<String>::new());
    assert_fsck_clean(&project);
    project.run(&["render", "--check"]).code(0);
}

/// Outside git, with `--no-commit`, the write faults alone: the documents
/// are put back all the same.
#[test]
fn faults_without_a_commit_leave_the_documents_as_they_were() {
    if !hooks_compiled_in() {
        return;
    }
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record(KEPT, HANDED_OVER);
    project.run(&["render"]).code(0);
    project.record(KEPT, &CLEAN_RECORD.replace("Clean record", "Renamed"));
    project.record(ADDED, CLEAN_RECORD);
    let paths = operations(&project);
    let tree = |p: &Project| {
        WalkDir::new(p.path())
            .into_iter()
            .map(|e| e.expect("walk"))
            .map(|e| {
                let bytes = e
                    .file_type()
                    .is_file()
                    .then(|| fs::read(e.path()).expect("read"));
                (e.path().to_path_buf(), bytes)
            })
            .collect::<BTreeMap<_, _>>()
    };
    let before = tree(&project);
    for (n, path) in (1..).zip(&paths) {
        let at = n.to_string();
        let run = project.run_env(
            &["render", "--no-commit"],
            &[("ROLECALL_FAIL_WRITE_AT", &at)],
        );
        run.code(2);
        assert!(run.stderr.contains(path.as_str()), "{}", run.stderr);
        assert_eq!(tree(&project), before, "failure at operation {n} ({path})");
    }
    project.run(&["render", "--no-commit"]).code(0);
    project.run(&["render", "--check"]).code(0);
}

/// A second fault while putting files back (the commit failed, then the
/// first restoring write fails) cannot undo everything, but it is not
/// silent: the warning names the file, and no lock or temporary file stays.
#[test]
fn faults_while_restoring_are_reported_by_name() {
    if !hooks_compiled_in() {
        return;
    }
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record(KEPT, CLEAN_RECORD);
    project.commit_all("add the record");
    project.run(&["render"]).code(0);
    project.record(KEPT, &CLEAN_RECORD.replace("Clean record", "Renamed"));
    let paths = operations(&project);
    let at = (paths.len() + 1).to_string();
    let run = project.run_env(
        &["render"],
        &[
            ("ROLECALL_FAIL_COMMIT", "1"),
            ("ROLECALL_FAIL_WRITE_AT", &at),
        ],
    );
    run.code(2);
    // Files are put back newest first, so the last one written is the one
    // whose restoring write fails.
    let last = paths.last().expect("an operation");
    let warning = format!("could not put {} back", project.abs(last).display());
    assert!(run.stderr.contains(&warning), "{}", run.stderr);
    assert!(run.stderr.contains("injected fault"), "{}", run.stderr);
    assert_eq!(project.leftovers(), Vec::<String>::new());
}

/// A template change (and a new title) rewrites every document, whose old contents a run
/// keeps by blob id only where HEAD holds them; here one document is also
/// edited by hand and left unstaged, one edited and staged, and the
/// postmortem has an uncommitted hand-written line. Failing at every
/// operation and at the commit puts back all of them: the committed ones
/// from the repository, the others as they were read before writing.
#[test]
fn faults_while_rewriting_every_document_put_back_committed_and_edited_ones() {
    if !hooks_compiled_in() {
        return;
    }
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record(KEPT, HANDED_OVER);
    project.commit_all("add the record");
    project.run(&["render"]).code(0);
    project.run(&["templates", "export", "templates"]).code(0);
    for entry in fs::read_dir(project.abs("templates")).expect("templates") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().ends_with(".md.tera") {
            let mut text = fs::read_to_string(&path).expect("template");
            text.push_str("\nTemplate changed.\n");
            fs::write(&path, text).expect("write template");
        }
    }
    project.record(KEPT, &HANDED_OVER.replace("Clean record", "Renamed"));
    project.commit_all("change the templates and the title");

    let overview = format!("incidents/{KEPT}/README.md");
    let edited = format!("{}Edited by hand, not staged.\n", project.read(&overview));
    project.file(&overview, edited);
    let brief = fs::read_dir(project.abs(&format!("incidents/{KEPT}/briefs")))
        .expect("briefs")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .min()
        .expect("a brief");
    let brief = format!("incidents/{KEPT}/briefs/{brief}");
    let staged = format!("{}Edited by hand and staged.\n", project.read(&brief));
    project.file(&brief, staged);
    project.git_ok(&["add", &brief]);
    let postmortem = format!("incidents/{KEPT}/postmortem.md");
    let hand_written = format!("{}\nWritten by hand.\n", project.read(&postmortem));
    project.file(&postmortem, &hand_written);

    let paths = operations(&project);
    for path in [&overview, &brief, &postmortem] {
        assert!(paths.contains(path), "{path} must be rewritten: {paths:?}");
    }
    let documents = paths.len();
    assert_eq!(fail_everywhere(&project), documents);

    project.run(&["render"]).code(0);
    assert!(project.read(&postmortem).contains("\nWritten by hand.\n"));
    assert!(project.read(&overview).contains("Template changed."));
    assert_eq!(committed_paths(&project).len(), documents);
    assert_eq!(project.leftovers(), Vec::<String>::new());
    assert_fsck_clean(&project);
    project.run(&["render", "--check"]).code(0);
}
