//! Tests of `commit`.

use std::fs;
use std::path::Path;

use tempfile::TempDir;

use super::*;
use crate::git::HeadState;
use crate::git::test_support::{git_in, init_with_commit, lines, put, sigs, write};

/// `git ls-files --stage --debug` (which never writes the index) minus entries under `docs/`
/// and the size/flags lines.
fn index_dump_without_docs(dir: &Path) -> String {
    let dump = git_in(dir, &["ls-files", "--stage", "--debug"]);
    let mut keep = true;
    let mut out = String::new();
    for line in dump.lines() {
        if !line.starts_with(' ') {
            keep = !line.contains("\tdocs/");
        }
        // Writing the index may zero the size of racily clean entries (git does the same).
        if keep && !line.trim_start().starts_with("size:") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn commits_exactly_the_paths_and_keeps_other_index_entries() {
    let (tmp, repo) = init_with_commit();
    let dir = tmp.path();
    write(dir, "other.txt", "staged\n");
    git_in(dir, &["add", "other.txt"]);
    write(dir, "tracked.txt", "modified but unstaged\n");
    write(dir, "x", "untracked\n");
    write(dir, "docs/a.md", "# A\n");
    write(dir, "docs/b.md", "# B\n");
    fs::remove_file(dir.join("docs/old.md")).expect("remove");
    let changes = [
        put("docs/a.md", "# A\n"),
        put("docs/b.md", "# B\n"),
        PathChange::Remove {
            path: "docs/old.md".into(),
        },
    ];
    assert!(repo.would_commit(&changes).expect("would_commit"));
    let others_before = index_dump_without_docs(dir);

    let info = repo
        .commit_paths(&changes, "docs: render briefings\n\nBody.", &sigs())
        .expect("commit")
        .expect("a commit");
    // Before any git command can refresh the index behind our back:
    assert_eq!(index_dump_without_docs(dir), others_before);
    let mut index = repo.inner.index().expect("index");
    index.read(true).expect("read index");
    let entry = index.get_path(Path::new("docs/a.md"), 0).expect("entry");
    assert!(
        entry.mtime.seconds() > 0 && entry.ino != 0,
        "stat data from the work tree"
    );
    assert_eq!((entry.file_size, entry.mode), (4, 0o100_644));
    assert!(index.get_path(Path::new("docs/old.md"), 0).is_none());
    assert_eq!(info.subject, "docs: render briefings");
    assert!(!info.detached);
    assert_eq!(info.id, git_in(dir, &["rev-parse", "HEAD"]).trim());
    assert!(info.id.starts_with(&info.short_id) && info.short_id.len() >= 7);

    let shown = git_in(dir, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(lines(&shown), ["docs/a.md", "docs/b.md", "docs/old.md"]);
    let status = git_in(dir, &["status", "--porcelain"]);
    assert_eq!(lines(&status), [" M tracked.txt", "?? x", "A  other.txt"]);
    git_in(dir, &["fsck", "--strict"]);
    let who = git_in(dir, &["log", "-1", "--format=%an <%ae>|%cn <%ce>|%P"]);
    let parent = git_in(dir, &["rev-parse", "HEAD~1"]);
    assert_eq!(
        who.trim(),
        format!(
            "Role Call <rolecall@example.com>|Role Call <rolecall@example.com>|{}",
            parent.trim()
        )
    );
    let reflog = git_in(dir, &["reflog", "-1", "--format=%gs", "main"]);
    assert_eq!(reflog.trim(), "commit: docs: render briefings");
    let head_log = git_in(dir, &["reflog", "-1", "--format=%gs", "HEAD"]);
    assert_eq!(head_log.trim(), "commit: docs: render briefings");

    assert!(!repo.would_commit(&changes).expect("would_commit"));
    assert_eq!(
        repo.commit_paths(&changes, "again", &sigs())
            .expect("commit"),
        None
    );
    assert_eq!(git_in(dir, &["rev-list", "--count", "HEAD"]).trim(), "2");
}

#[test]
fn first_commit_on_unborn_branch_is_a_root_commit() {
    let tmp = TempDir::new().expect("tempdir");
    git_in(tmp.path(), &["init", "-q", "-b", "trunk"]);
    let repo = Repository::discover(tmp.path())
        .expect("discover")
        .expect("repo");
    assert_eq!(
        repo.head_state().expect("head"),
        HeadState::Unborn("trunk".to_owned())
    );
    write(tmp.path(), "README.md", "hello\n");
    write(tmp.path(), "untracked.txt", "x\n");
    let changes = [
        put("README.md", "hello\n"),
        PathChange::Remove {
            path: "never/existed.md".into(),
        },
    ];
    let info = repo
        .commit_paths(&changes, "first", &sigs())
        .expect("commit")
        .expect("a commit");
    assert!(!info.detached);
    assert_eq!(
        git_in(tmp.path(), &["rev-list", "--count", "HEAD"]).trim(),
        "1"
    );
    assert_eq!(
        git_in(tmp.path(), &["ls-tree", "-r", "--name-only", "HEAD"]).trim(),
        "README.md"
    );
    assert_eq!(
        repo.head_state().expect("head"),
        HeadState::Branch("trunk".to_owned())
    );
    let status = git_in(tmp.path(), &["status", "--porcelain"]);
    assert_eq!(status.trim(), "?? untracked.txt");
    let reflog = git_in(tmp.path(), &["reflog", "-1", "--format=%gs", "trunk"]);
    assert_eq!(reflog.trim(), "commit (initial): first");
    git_in(tmp.path(), &["fsck", "--strict"]);
}

#[test]
fn empty_change_set_and_unchanged_content_make_no_commit() {
    let (tmp, repo) = init_with_commit();
    assert!(!repo.would_commit(&[]).expect("would_commit"));
    assert_eq!(
        repo.commit_paths(&[], "nothing", &sigs()).expect("commit"),
        None
    );
    let same = [put("tracked.txt", "tracked\n")];
    assert!(!repo.would_commit(&same).expect("would_commit"));
    assert_eq!(
        repo.commit_paths(&same, "same", &sigs()).expect("commit"),
        None
    );
    assert_eq!(
        git_in(tmp.path(), &["rev-list", "--count", "HEAD"]).trim(),
        "1"
    );
    assert_eq!(git_in(tmp.path(), &["status", "--porcelain"]), "");
}

#[test]
fn existing_entries_are_found_folder_by_folder() {
    let (tmp, repo) = init_with_commit();
    let nested = [put("a/b/c.md", "c\n"), put("a/d.md", "d\n")];
    repo.commit_paths(&nested, "nested", &sigs())
        .expect("commit")
        .expect("a commit");
    let head = repo.read_head().expect("head");
    let base = head.tree().expect("tree");
    let mut existing = Existing::new(&repo.inner, base.as_ref());
    let blob = |text: &str| {
        Some((
            Oid::hash_object(ObjectType::Blob, text.as_bytes()).expect("hash"),
            i32::from(FileMode::Blob),
        ))
    };
    assert_eq!(existing.entry("a/b/c.md").expect("entry"), blob("c\n"));
    assert_eq!(existing.entry("a/d.md").expect("entry"), blob("d\n"));
    assert_eq!(
        existing.entry("tracked.txt").expect("entry"),
        blob("tracked\n")
    );
    let folder = existing.entry("a/b").expect("entry").expect("a folder");
    assert_eq!(folder.1, i32::from(FileMode::Tree));
    for missing in ["a/b/x.md", "x/y/z.md", "a/b/c.md/below", "a/d.md/below"] {
        assert_eq!(existing.entry(missing).expect("entry"), None, "{missing}");
    }
    // Unchanged content under nested folders makes no commit.
    assert!(!repo.would_commit(&nested).expect("would_commit"));
    drop(tmp);
}

#[test]
fn invalid_paths_and_messages_are_rejected() {
    let (_tmp, repo) = init_with_commit();
    for bad in [
        "",
        "/abs",
        "a//b",
        "./a",
        "a/../b",
        ".git/config",
        "sub/.GIT/x",
        "a\\b",
        "dir/",
    ] {
        let err = repo.would_commit(&[put(bad, "x")]).expect_err(bad);
        assert!(matches!(err, GitError::InvalidPath { .. }), "{bad}: {err}");
    }
    let err = repo
        .commit_paths(&[put("a.md", "x")], " \n\n", &sigs())
        .expect_err("empty");
    assert!(matches!(err, GitError::EmptyMessage));
}
