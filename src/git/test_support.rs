//! Helpers for the git unit tests: temporary repositories driven by the
//! `git` command line, isolated from the user's configuration.

use std::borrow::Cow;
use std::fs;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use super::{CommitSignatures, Identity, PathChange, Repository};
use crate::blob::Blob;

/// Runs git in `dir` isolated from user/system config; panics on failure; returns stdout.
pub(super) fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.join(".no-global-config"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

pub(super) fn write(dir: &Path, path: &str, content: &str) {
    let file = dir.join(path);
    fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    fs::write(file, content).expect("write");
}

/// A fresh repository on branch `main` with a local identity and no commits.
pub(super) fn init() -> (TempDir, Repository) {
    let tmp = TempDir::new().expect("tempdir");
    git_in(tmp.path(), &["init", "-q", "-b", "main"]);
    git_in(tmp.path(), &["config", "user.name", "Repo User"]);
    git_in(tmp.path(), &["config", "user.email", "repo@example.com"]);
    let repo = Repository::discover(tmp.path())
        .expect("discover")
        .expect("a repository");
    (tmp, repo)
}

/// A repository with `tracked.txt` and `docs/old.md` committed.
pub(super) fn init_with_commit() -> (TempDir, Repository) {
    let (tmp, repo) = init();
    write(tmp.path(), "tracked.txt", "tracked\n");
    write(tmp.path(), "docs/old.md", "old\n");
    git_in(tmp.path(), &["add", "."]);
    git_in(tmp.path(), &["commit", "-q", "-m", "initial"]);
    (tmp, repo)
}

pub(super) fn sigs() -> CommitSignatures {
    let id = Identity::parse("Role Call <rolecall@example.com>").expect("identity");
    CommitSignatures {
        author: id.clone(),
        committer: id,
        signing: None,
    }
}

pub(super) fn put(path: &str, content: &str) -> PathChange<'static> {
    PathChange::Write {
        path: path.to_owned().into(),
        blob: Cow::Owned(Blob::new(content.as_bytes()).expect("deflate")),
    }
}

pub(super) fn lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}
