//! The last stages, shared by `render`, `handover` and `new`: check git's
//! state, write the changes atomically, commit exactly those paths, and
//! put the files back if the commit fails.

use std::borrow::Cow;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::blob::{Blob, BlobId};
use crate::error::{Error, Result};
use crate::git::{CommitInfo, GitError, HeadState, PathChange, Repository, Written};
use crate::line_endings::{Conversion, Eol};
use crate::render::files::{self, Applied, Change, Previous, Stored};

/// How the changes are to be committed.
pub struct CommitRequest<'a> {
    /// `--no-commit`.
    pub no_commit: bool,
    /// `--author`.
    pub author: Option<&'a str>,
    pub subject: String,
    /// One body line per path.
    pub body: Vec<String>,
    /// Documents already on disk as planned that HEAD does not hold so,
    /// committed with the changes.
    pub uncommitted: Uncommitted,
}

/// What an earlier run wrote or removed on disk and did not commit (it was
/// killed, or ran with `--no-commit`): HEAD does not hold these documents as
/// they are on disk and as they are rendered now.
#[derive(Debug, Default)]
pub struct Uncommitted {
    pub written: Vec<UncommittedWrite>,
    /// Paths below the project folder whose file is gone.
    pub removed: Vec<String>,
}

/// A document on disk as planned that HEAD does not hold so.
#[derive(Debug)]
pub struct UncommittedWrite {
    /// Below the project folder.
    pub path: String,
    /// The blob id of the file.
    pub id: BlobId,
    /// Whether HEAD holds another content at the path.
    pub replaces: bool,
    /// What to commit instead of the file: for a postmortem, HEAD's text
    /// with the file's generated sections (never a person's uncommitted
    /// writing).
    pub content: Option<Vec<u8>>,
}

impl Uncommitted {
    pub fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }

    pub fn len(&self) -> usize {
        self.written.len() + self.removed.len()
    }
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

/// Writes `changes` under `root` and commits them. Old contents that the
/// changes know by blob id only are read back from the files first where
/// the repository cannot give them back (see [`Previous::Id`]).
pub fn write_and_commit(
    root: &Path,
    changes: &mut [Change],
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
        ensure_unchanged(root, changes, |blobs| Ok(vec![false; blobs.len()]))?;
        write(root, changes, &|_| Err(io::Error::other("no repository")))?;
        return Ok(if request.no_commit {
            Committed::Skipped
        } else {
            Committed::NoRepository
        });
    };
    let prefix = repo.project_prefix(root);
    // The lock first: taking it repairs what a killed run left (its
    // `index.lock` included), which the state check would otherwise refuse.
    let lock = repo.lock_run()?;
    repo.ensure_ready()?;
    ensure_unchanged(root, changes, |blobs| {
        let blobs: Vec<(String, BlobId)> = blobs
            .iter()
            .map(|(path, id)| (format!("{prefix}{path}"), *id))
            .collect();
        Ok(repo.head_holds(&blobs)?)
    })?;
    let on_disk = read_uncommitted(root, &request.uncommitted)?;
    let changes = &*changes;
    let mut path_changes: Vec<PathChange<'_>> = changes
        .iter()
        .map(|c| path_change(&prefix, c))
        .collect::<Result<_>>()?;
    path_changes.extend(on_disk.into_iter().map(|(path, blob)| PathChange::Write {
        path: Cow::Owned(format!("{prefix}{path}")),
        blob: Cow::Owned(blob),
    }));
    path_changes.extend(
        request
            .uncommitted
            .removed
            .iter()
            .map(|path| PathChange::Remove {
                path: Cow::Owned(format!("{prefix}{path}")),
            }),
    );
    let will_commit = !path_changes.is_empty() && repo.would_commit(&path_changes)?;
    let signatures = if will_commit {
        repo.ensure_index_supported()?;
        Some(repo.resolve_identity(request.author)?)
    } else {
        None
    };
    lock.note_folders(folders(&prefix, changes).iter().map(String::as_str))?;
    crate::crash_points::reached("journal");
    let stored = |id| repo.blob_content(id).map_err(io::Error::other);
    let applied = write(root, changes, &stored)?;
    crate::crash_points::reached("written");
    let Some(signatures) = signatures else {
        refresh_stat(&repo, &prefix, changes);
        return Ok(Committed::NothingToCommit);
    };
    let written = written_files(&prefix, changes);
    match repo.commit_and_refresh(&path_changes, &written, &message(request), &signatures) {
        Ok(Some(info)) => {
            if let Some(note) = &info.note {
                eprintln!("note: {note}");
            }
            Ok(Committed::Commit { info })
        }
        Ok(None) => {
            refresh_stat(&repo, &prefix, changes);
            Ok(Committed::NothingToCommit)
        }
        // The index holds the documents as written and could not be put
        // back: keep them, the next run commits them.
        Err(error @ GitError::IndexNotRolledBack { .. }) => Err(error.into()),
        Err(error) => {
            let failed = files::restore(root, &applied, &stored);
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

/// Gives git the stat data of the files just written when nothing was
/// committed (a commit refreshes them as it updates the index; see
/// [`Repository::refresh_stat`]), so it need not re-hash them. Stat data
/// is only git's cache: when it cannot be refreshed (another git process
/// holds the index), git re-hashes those files and nothing else differs.
fn refresh_stat(repo: &Repository, prefix: &str, changes: &[Change]) {
    let _ = repo.refresh_stat(&written_files(prefix, changes));
}

/// The files `changes` write, as the index's stat refresh takes them.
fn written_files<'c>(prefix: &str, changes: &'c [Change]) -> Vec<Written<'c>> {
    changes
        .iter()
        .filter_map(|change| match change {
            Change::Write {
                path,
                content: Some(blob),
                conversion,
                ..
            } => Some(Written {
                path: prefixed(prefix, path),
                id: blob.id(),
                conversion: *conversion,
            }),
            _ => None,
        })
        .collect()
}

/// The folders (below the work tree) that writing `changes` makes
/// temporary files in, each once.
fn folders(prefix: &str, changes: &[Change]) -> Vec<String> {
    let folders: std::collections::BTreeSet<String> = changes
        .iter()
        .map(|change| {
            let path = format!("{prefix}{}", change.path());
            path.rsplit_once('/')
                .map_or_else(String::new, |(folder, _)| folder.to_owned())
        })
        .filter(|folder| !folder.is_empty())
        .collect();
    let mut folders: Vec<String> = folders.into_iter().collect();
    if changes
        .iter()
        .any(|c| !format!("{prefix}{}", c.path()).contains('/'))
    {
        folders.push(".".to_owned());
    }
    folders
}

/// The files of `uncommitted.written`, each read and checked to still hold
/// the content it was compared as; and no file at the paths of
/// `uncommitted.removed`.
fn read_uncommitted(root: &Path, uncommitted: &Uncommitted) -> Result<Vec<(String, Blob)>> {
    let changed = |path: &str| Error::Write {
        path: root.join(path),
        source: io::Error::other(
            "it changed while rolecall was rendering (another rolecall run?); nothing was written, run rolecall again",
        ),
    };
    for path in &uncommitted.removed {
        if fs::symlink_metadata(root.join(path)).is_ok() {
            return Err(changed(path));
        }
    }
    uncommitted
        .written
        .par_iter()
        .map(|written| {
            let file = root.join(&written.path);
            let bytes = fs::read(&file).map_err(|source| Error::Read {
                path: file.clone(),
                source,
            })?;
            // Documents are stored with LF only: a checkout that writes
            // them with CRLF holds the same blob.
            let stored = if BlobId::of(&bytes) == written.id {
                Cow::Borrowed(bytes.as_slice())
            } else {
                Conversion::Text(Eol::Crlf).to_git(&bytes)
            };
            if BlobId::of(&stored) != written.id {
                return Err(changed(&written.path));
            }
            let content = written.content.as_deref().unwrap_or(&stored);
            let blob = Blob::new(content).map_err(|source| Error::Read { path: file, source })?;
            Ok((written.path.clone(), blob))
        })
        .collect()
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
/// Then makes sure every old content can be put back: one known by blob id
/// only stays so where `in_head` (given repository-relative paths below
/// the project folder and ids, answering for each) says the repository's
/// HEAD holds that blob at that path; the others are read back from their
/// files, checked again.
fn ensure_unchanged(
    root: &Path,
    changes: &mut [Change],
    in_head: impl FnOnce(&[(&str, BlobId)]) -> Result<Vec<bool>>,
) -> Result<()> {
    // Every file read and compared in parallel, nothing kept; the first
    // difference in the changes' order is reported.
    changes
        .par_iter()
        .map(|change| unchanged(root, change).map(drop))
        .collect::<Vec<Result<()>>>()
        .into_iter()
        .collect::<Result<()>>()?;
    let by_id: Vec<(usize, BlobId)> = changes
        .iter()
        .enumerate()
        .filter_map(|(i, change)| match change {
            Change::Write {
                previous: Previous::Id(id),
                ..
            } => Some((i, *id)),
            _ => None,
        })
        .collect();
    if by_id.is_empty() {
        return Ok(());
    }
    let asked: Vec<(&str, BlobId)> = by_id
        .iter()
        .map(|&(i, id)| (changes[i].path(), id))
        .collect();
    let held = in_head(&asked)?;
    for (&(i, _), in_head) in by_id.iter().zip(held) {
        if !in_head {
            let bytes = unchanged(root, &changes[i])?;
            if let Change::Write { previous, .. } = &mut changes[i] {
                *previous = Previous::Held(bytes.unwrap_or_default());
            }
        }
    }
    Ok(())
}

/// The file `change` applies to, when it is still what the change was
/// computed from (`None` when there is no file, as expected).
fn unchanged(root: &Path, change: &Change) -> Result<Option<Vec<u8>>> {
    let path = root.join(change.path());
    let actual = match fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => return Err(Error::Read { path, source }),
    };
    let same = match (change, actual.as_deref()) {
        (
            Change::Write {
                previous: Previous::Absent,
                ..
            },
            actual,
        ) => actual.is_none(),
        (
            Change::Write {
                previous: Previous::Held(expected),
                ..
            }
            | Change::Remove {
                previous: expected, ..
            },
            Some(actual),
        ) => actual == expected.as_slice(),
        (
            Change::Write {
                previous: Previous::Id(id),
                conversion,
                ..
            },
            Some(actual),
        ) => conversion.is_checkout_of(actual, *id),
        (_, None) => false,
    };
    if same {
        Ok(actual)
    } else {
        Err(Error::Write {
            path,
            source: io::Error::other(
                "it changed while rolecall was rendering (another rolecall run?); nothing was written, run rolecall again",
            ),
        })
    }
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
fn write<'c>(root: &Path, changes: &'c [Change], stored: Stored<'_>) -> Result<Applied<'c>> {
    files::apply(root, changes, stored).map_err(|(path, source)| Error::Write {
        path: root.join(path),
        source,
    })
}

fn path_change<'c>(prefix: &str, change: &'c Change) -> Result<PathChange<'c>> {
    Ok(match change {
        Change::Write {
            path,
            content: Some(blob),
            ..
        } => PathChange::Write {
            path: prefixed(prefix, path),
            blob: Cow::Borrowed(blob),
        },
        Change::Write { path, .. } => {
            return Err(Error::Content(format!(
                "{path}: its content was not kept (planned for a report only); nothing was written"
            )));
        }
        Change::Remove { path, .. } => PathChange::Remove {
            path: prefixed(prefix, path),
        },
    })
}

/// `path` below `prefix`, borrowed when the prefix is empty (the project
/// is the work tree's top folder).
fn prefixed<'c>(prefix: &str, path: &'c str) -> Cow<'c, str> {
    if prefix.is_empty() {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(format!("{prefix}{path}"))
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
mod tests;
