//! [`GitError`]: everything that can go wrong while talking to git, each
//! message saying what to do about it.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while talking to git; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The repository has no work tree.
    #[error("{} is a bare repository; run rolecall inside a work tree", path.display())]
    Bare { path: PathBuf },
    /// The repository is owned by another user and not trusted by `safe.directory`.
    #[error(
        "the repository at {} is owned by another user; if you trust it, run `git config --global --add safe.directory {}`",
        path.display(), path.display()
    )]
    NotOwned { path: PathBuf },
    /// Neither `--author`, the environment nor git config provide an identity.
    #[error(
        "no git identity to commit with: set one with `git config user.name \"Your Name\"` and `git config user.email you@example.com`, or pass --author \"Name <email>\""
    )]
    MissingIdentity,
    /// `--author` is not of the form `Name <email>`.
    #[error(
        "invalid author `{value}`: expected the form \"Name <email>\", e.g. --author \"Ada Lovelace <ada@example.com>\""
    )]
    InvalidAuthor { value: String },
    /// `GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE` cannot be parsed.
    #[error(
        "invalid {var} `{value}`: expected `<unix seconds> <+hhmm>` or an RFC 3339 date such as 2024-05-01T12:00:00+02:00"
    )]
    InvalidDate { var: &'static str, value: String },
    /// A merge, rebase, cherry-pick, revert, bisect or `git am` is in progress.
    #[error("a {operation} is in progress in {}; {hint} before running rolecall", path.display())]
    InProgress {
        operation: &'static str,
        hint: &'static str,
        path: PathBuf,
    },
    /// `index.lock` exists: another git process is working in the repository.
    #[error(
        "another git process holds {}; wait for it to finish (or remove the stale lock) and try again",
        path.display()
    )]
    IndexLocked { path: PathBuf },
    /// Another rolecall run holds `rolecall.lock`.
    #[error(
        "another rolecall run is writing in this repository (it holds {}); wait for it to finish and try again",
        path.display()
    )]
    Busy { path: PathBuf },
    /// The revision given to `changed_since` does not name a commit.
    #[error(
        "cannot resolve `{rev}` to a commit: check it with `git rev-parse --verify {rev}` (or fetch it) and try again"
    )]
    UnknownRevision { rev: String },
    /// The revision shares no history with HEAD.
    #[error(
        "`{rev}` and HEAD have no common ancestor; pass a revision that shares history with HEAD"
    )]
    NoMergeBase { rev: String },
    /// HEAD has no commit yet, so there is nothing to compare with.
    #[error(
        "HEAD has no commits yet, so nothing can be compared with `{rev}`; make a first commit and try again"
    )]
    UnbornHead { rev: String },
    /// A path handed to `commit_paths` cannot be committed.
    #[error("cannot commit `{path}`: {reason}")]
    InvalidPath { path: String, reason: &'static str },
    /// The commit message is empty after clean-up.
    #[error("the commit message is empty; provide a message")]
    EmptyMessage,
    /// A ref changed between reading and updating it.
    #[error(
        "{refname} was changed by another git command while rolecall was committing; run rolecall again"
    )]
    RefMoved { refname: String },
    /// The index is one libgit2 cannot read or write.
    #[error(
        "{} uses {feature}, which rolecall cannot update (libgit2 does not support it); nothing was written: {fix}, then run rolecall again",
        path.display()
    )]
    UnsupportedIndex {
        path: PathBuf,
        feature: String,
        fix: &'static str,
    },
    /// The branch could not be moved, and the index written for the commit
    /// could not be put back: the documents are staged, not committed.
    #[error(
        "{error}; the index could not be put back either ({rollback}): the documents are staged but not committed, run rolecall again to commit them"
    )]
    IndexNotRolledBack {
        error: Box<GitError>,
        rollback: Box<GitError>,
    },
    /// A git setting rolecall reads has a value it cannot use.
    #[error(
        "the git setting {key} = `{value}` cannot be used ({reason}): expected {expected}; change it with `git config {key} <value>`"
    )]
    InvalidSetting {
        key: &'static str,
        value: String,
        expected: &'static str,
        reason: String,
    },
    /// The repository stores its objects under SHA-256 names.
    #[error(
        "{} is a SHA-256 repository: SHA-256 repositories are not supported yet; run rolecall in a SHA-1 repository, or render with --no-commit and commit with git",
        path.display()
    )]
    Sha256 { path: PathBuf },
    /// `commit.gpgsign` asks for a signature rolecall cannot make.
    #[error(
        "commit.gpgsign is set, but rolecall cannot sign this commit: {reason}. To commit anyway, either run with --no-commit and commit the documents with `git commit` (which signs them), or commit unsigned in this repository with `git config commit.gpgsign false`"
    )]
    CannotSign { reason: String },
    /// The signing program failed or gave no signature.
    #[error("could not sign the commit: `{program}` {reason}{}", if stderr.is_empty() { String::new() } else { format!(":\n{stderr}") })]
    SigningFailed {
        program: String,
        reason: String,
        stderr: String,
    },
    /// A file-system operation failed.
    #[error("could not {action} {}: {error}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },
    /// Any other libgit2 failure, with the operation that failed.
    #[error("git: could not {context}: {}", error.message())]
    Git { context: String, error: git2::Error },
}

/// Returns a closure wrapping a libgit2 error with what was being done.
pub(super) fn git(context: &str) -> impl FnOnce(git2::Error) -> GitError + '_ {
    move |error| GitError::Git {
        context: context.to_owned(),
        error,
    }
}
