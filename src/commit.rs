//! The last stages, shared by `render`, `handover` and `new`: check git's
//! state, write the changes atomically, commit exactly those paths, and
//! put the files back if the commit fails.

use std::fs;
use std::io;
use std::path::Path;

use crate::error::{Error, Result};
use crate::git::{CommitInfo, GitError, HeadState, PathChange, Repository};
use crate::render::files::{self, Applied, Change};

/// How the changes are to be committed.
pub struct CommitRequest<'a> {
    /// `--no-commit`.
    pub no_commit: bool,
    /// `--author`.
    pub author: Option<&'a str>,
    pub subject: String,
    /// One body line per path.
    pub body: Vec<String>,
}

/// What happened.
pub enum Committed {
    Commit {
        info: CommitInfo,
    },
    /// Nothing to commit: no change, or the tree equals HEAD's.
    NothingToCommit,
    /// `--no-commit`.
    Skipped,
    /// Not in a git work tree (or a bare repository).
    NoRepository,
}

/// Writes `changes` under `root` and commits them.
pub fn write_and_commit(
    root: &Path,
    changes: &[Change],
    request: &CommitRequest<'_>,
) -> Result<Committed> {
    if !request.no_commit && request.subject.trim().is_empty() {
        return Err(Error::Usage(
            "the commit message is empty: give --message a subject, or leave it out for the default one"
                .to_owned(),
        ));
    }
    let repo = if request.no_commit {
        None
    } else {
        Repository::discover(root)?
    };
    let Some(repo) = repo.filter(|r| !r.is_bare() && r.workdir().is_some()) else {
        ensure_unchanged(root, changes)?;
        write(root, changes)?;
        return Ok(if request.no_commit {
            Committed::Skipped
        } else {
            Committed::NoRepository
        });
    };
    let prefix = repo_prefix(&repo, root);
    let path_changes: Vec<PathChange<'_>> =
        changes.iter().map(|c| path_change(&prefix, c)).collect();
    repo.ensure_ready()?;
    let _lock = repo.lock_run()?;
    ensure_unchanged(root, changes)?;
    let will_commit = !changes.is_empty() && repo.would_commit(&path_changes)?;
    let signatures = if will_commit {
        Some(repo.resolve_identity(request.author)?)
    } else {
        None
    };
    let applied = write(root, changes)?;
    let Some(signatures) = signatures else {
        return Ok(Committed::NothingToCommit);
    };
    match repo.commit_paths(&path_changes, &message(request), &signatures) {
        Ok(Some(info)) => Ok(Committed::Commit { info }),
        Ok(None) => Ok(Committed::NothingToCommit),
        // The commit exists and holds the files as written: keep them.
        Err(error @ GitError::IndexNotUpdated { .. }) => Err(error.into()),
        Err(error) => {
            let failed = files::restore(root, &applied);
            for path in failed {
                eprintln!(
                    "warning: could not put {} back as it was before this run",
                    root.join(path).display()
                );
            }
            Err(error.into())
        }
    }
}

/// The subject, a blank line, then one body line per path.
fn message(request: &CommitRequest<'_>) -> String {
    let mut message = request.subject.clone();
    if !request.body.is_empty() {
        message.push_str("\n\n");
        message.push_str(&request.body.join("\n"));
    }
    message
}

/// Refuses (before anything is written) when a file is no longer what
/// `changes` were computed from — another run wrote it in the meantime —
/// since writing, or restoring after a failed commit, would lose that.
fn ensure_unchanged(root: &Path, changes: &[Change]) -> Result<()> {
    for change in changes {
        let expected = match change {
            Change::Write { previous, .. } => previous.as_deref(),
            Change::Remove { previous, .. } => Some(previous.as_slice()),
        };
        let path = root.join(change.path());
        let actual = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => return Err(Error::Read { path, source }),
        };
        if actual.as_deref() != expected {
            return Err(Error::Write {
                path,
                source: io::Error::other(
                    "it changed while rolecall was rendering (another rolecall run?); nothing was written, run rolecall again",
                ),
            });
        }
    }
    Ok(())
}

/// Describes HEAD for messages (`detached HEAD at 1a2b3c4`).
pub fn head_note(root: &Path) -> Option<String> {
    let repo = Repository::discover(root).ok().flatten()?;
    match repo.head_state().ok()? {
        HeadState::Detached(id) => Some(format!(
            "HEAD is detached at {id}; the commit was made there, on no branch"
        )),
        _ => None,
    }
}

/// Applies `changes`; on failure, nothing is left changed.
fn write<'c>(root: &Path, changes: &'c [Change]) -> Result<Applied<'c>> {
    files::apply(root, changes).map_err(|(path, source)| Error::Write {
        path: root.join(path),
        source,
    })
}

/// `root` relative to the repository's work tree, as a path prefix.
fn repo_prefix(repo: &Repository, root: &Path) -> String {
    let Some(workdir) = repo.workdir() else {
        return String::new();
    };
    let (Ok(root), Ok(workdir)) = (root.canonicalize(), workdir.canonicalize()) else {
        return String::new();
    };
    match root.strip_prefix(&workdir) {
        Ok(rel) if rel.as_os_str().is_empty() => String::new(),
        Ok(rel) => format!("{}/", crate::load::relative(Path::new(""), rel)),
        Err(_) => String::new(),
    }
}

fn path_change<'c>(prefix: &str, change: &'c Change) -> PathChange<'c> {
    match change {
        Change::Write { path, content, .. } => PathChange::Write {
            path: format!("{prefix}{path}"),
            content: content.as_slice().into(),
        },
        Change::Remove { path, .. } => PathChange::Remove {
            path: format!("{prefix}{path}"),
        },
    }
}

/// `INC-1, INC-2` — shortened past five ids.
pub fn id_list(ids: &[String]) -> String {
    if ids.len() <= 5 {
        return ids.join(", ");
    }
    format!("{} and {} more", ids[..5].join(", "), ids.len() - 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CommitRequest<'static> {
        CommitRequest {
            no_commit: true,
            author: None,
            subject: "rolecall: render X".to_owned(),
            body: Vec::new(),
        }
    }

    fn write(path: &str, content: &str, previous: Option<&str>) -> Change {
        Change::Write {
            path: path.to_owned(),
            content: content.as_bytes().to_vec(),
            previous: previous.map(|p| p.as_bytes().to_vec()),
        }
    }

    #[test]
    fn a_file_written_since_the_comparison_stops_the_run_before_writing() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("b.md"), "written by another run\n").expect("write");
        let changes = [
            write("a.md", "new a\n", None),
            write("b.md", "new b\n", None),
        ];
        let error = write_and_commit(dir.path(), &changes, &request())
            .err()
            .expect("refused");
        assert!(
            error.to_string().contains("another rolecall run"),
            "{error}"
        );
        assert!(!dir.path().join("a.md").exists(), "nothing was written");
        assert_eq!(
            fs::read_to_string(dir.path().join("b.md")).expect("read"),
            "written by another run\n"
        );
    }

    #[test]
    fn a_file_removed_since_the_comparison_stops_the_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let changes = [Change::Remove {
            path: "gone.md".to_owned(),
            previous: b"old\n".to_vec(),
        }];
        assert!(write_and_commit(dir.path(), &changes, &request()).is_err());
    }

    #[test]
    fn unchanged_files_are_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("b.md"), "old b\n").expect("write");
        let changes = [
            write("a/a.md", "new a\n", None),
            write("b.md", "new b\n", Some("old b\n")),
        ];
        let committed = write_and_commit(dir.path(), &changes, &request()).expect("written");
        assert!(matches!(committed, Committed::Skipped));
        assert_eq!(
            fs::read_to_string(dir.path().join("a/a.md")).expect("read"),
            "new a\n"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("b.md")).expect("read"),
            "new b\n"
        );
    }

    #[test]
    fn id_lists_are_shortened_past_five() {
        let ids: Vec<String> = (1..=7).map(|n| format!("INC-{n}")).collect();
        assert_eq!(id_list(&ids[..2]), "INC-1, INC-2");
        assert_eq!(
            id_list(&ids),
            "INC-1, INC-2, INC-3, INC-4, INC-5 and 2 more"
        );
    }
}
