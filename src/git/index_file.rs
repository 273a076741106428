//! The index file itself: refusing one libgit2 cannot handle before
//! anything is written, and replacing it the way git orders its locks —
//! `index.lock` taken before the index is read and held until the branch
//! has moved, the new index in place before the branch moves, and the old
//! bytes put back if it cannot.
//!
//! The new index is prepared by libgit2 in a private copy
//! (`<gitdir>/rolecall/index.new`), then `index.lock` is taken, and the copy
//! renamed over `<gitdir>/index` if the index is still as it was read. So
//! the `index.lock` rolecall holds is one it made itself, for no longer
//! than a rename and the branch's move, and noted in the run's journal: a
//! run killed while holding it leaves a lock the next run recognises and
//! removes.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use super::{GitError, Repository, git, index_format, run_lock};

/// The private copy's name inside `<gitdir>/rolecall/`.
const PRIVATE: &str = "index.new";

/// A new index in place, before the branch moves. Dropping it releases
/// `index.lock`; [`roll_back`](Self::roll_back) first puts the old index
/// back.
#[derive(Debug)]
pub(super) struct StagedIndex {
    lock: PathBuf,
    /// Whether `lock` is this run's.
    locked: bool,
    index: PathBuf,
    private: PathBuf,
    /// The index as it was (`None`: there was none).
    old: Option<Vec<u8>>,
}

impl StagedIndex {
    /// Puts the index back as it was before [`Repository::stage_index`].
    pub(super) fn roll_back(self) -> Result<(), GitError> {
        match &self.old {
            Some(bytes) => {
                write_file(&self.private, bytes)?;
                fs::rename(&self.private, &self.index).map_err(|error| GitError::Io {
                    action: "put back",
                    path: self.index.clone(),
                    error,
                })
            }
            None => match fs::remove_file(&self.index) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => Err(GitError::Io {
                    action: "remove",
                    path: self.index.clone(),
                    error,
                }),
                _ => Ok(()),
            },
        }
    }
}

impl Drop for StagedIndex {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.private);
        if self.locked {
            let _ = fs::remove_file(&self.lock);
        }
    }
}

impl Repository {
    /// Refuses, naming the setting and how to turn it off, an index that
    /// libgit2 cannot read and so cannot update: a split index (its `link`
    /// extension), a sparse index (`sdir`), any other mandatory extension,
    /// a format version other than 2 to 4. (libgit2 reads and writes
    /// versions 2 to 4 and `index.skipHash`; optional extensions it does not
    /// know, such as the untracked cache, it drops, and git rebuilds them.)
    /// An index whose layout shows none of these is not read by libgit2
    /// here (see `index_format`): the update reads it again anyway.
    pub fn ensure_index_supported(&self) -> Result<(), GitError> {
        let path = self.git_dir().join("index");
        if fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(GitError::Io {
                action: "read",
                path,
                error: io::Error::other("it is not a file; nothing was written"),
            });
        }
        match fs::read(&path) {
            Ok(bytes) if index_format::plainly_supported(&bytes) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            _ => {}
        }
        let Err(error) = git2::Index::open(&path) else {
            return Ok(());
        };
        let message = error.message();
        let unsupported = |feature: String, fix: &'static str| GitError::UnsupportedIndex {
            path: path.clone(),
            feature,
            fix,
        };
        if let Some(name) = message
            .split_once("unsupported mandatory extension: '")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(name, _)| name)
        {
            return Err(match name {
                "link" => unsupported(
                    "a split index (`core.splitIndex`, `git update-index --split-index`)"
                        .to_owned(),
                    "turn it off with `git update-index --no-split-index` and `git config core.splitIndex false`",
                ),
                "sdir" => unsupported(
                    "a sparse index (`index.sparse`, `git sparse-checkout … --sparse-index`)"
                        .to_owned(),
                    "turn it off with `git sparse-checkout set --no-sparse-index` (or `git config index.sparse false` and `git sparse-checkout reapply`)",
                ),
                other => unsupported(
                    format!("git's `{other}` extension"),
                    "turn off the git setting that adds it (a newer git's feature)",
                ),
            });
        }
        if message.contains("incorrect header version") {
            let version = fs::read(&path)
                .ok()
                .and_then(|bytes| bytes.get(4..8).map(<[u8]>::to_vec))
                .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
                .map_or_else(|| "?".to_owned(), |b| u32::from_be_bytes(b).to_string());
            return Err(unsupported(
                format!("format version {version}"),
                "write it as version 2 to 4 with `git update-index --index-version 4`",
            ));
        }
        Err(git("read the index")(error))
    }

    /// Reads the index, lets `edit` change it (in a private copy), takes
    /// `index.lock` and, if the index is still as read (else all over
    /// again), puts the result in its place; the lock stays held by the
    /// returned value. Preparing before locking keeps the time git is
    /// locked out (and a killed run's lock in the way) to a rename and the
    /// branch's move. On failure the index is as it was and the lock
    /// released.
    pub(super) fn stage_index(
        &self,
        mut edit: impl FnMut(&mut git2::Index) -> Result<(), git2::Error>,
    ) -> Result<StagedIndex, GitError> {
        let mut staged = StagedIndex {
            lock: self.git_dir().join("index.lock"),
            locked: false,
            index: self.git_dir().join("index"),
            private: self.git_dir().join("rolecall").join(PRIVATE),
            old: None,
        };
        for _ in 0..8 {
            let read = run_lock::identity(&staged.index);
            let (old, modified) = match fs::read(&staged.index) {
                Ok(bytes) => (
                    Some(bytes),
                    fs::metadata(&staged.index).and_then(|m| m.modified()).ok(),
                ),
                Err(e) if e.kind() == io::ErrorKind::NotFound => (None, None),
                Err(error) => {
                    return Err(GitError::Io {
                        action: "read",
                        path: staged.index.clone(),
                        error,
                    });
                }
            };
            staged.old = old;
            self.prepare(&staged, modified, &mut edit)?;
            crate::crash_points::reached("index-prepared");
            self.take_lock(&mut staged)?;
            if run_lock::identity(&staged.index) == read {
                fs::rename(&staged.private, &staged.index).map_err(|error| GitError::Io {
                    action: "replace",
                    path: staged.index.clone(),
                    error,
                })?;
                return Ok(staged);
            }
            // Another git command wrote the index meanwhile: start again from it.
            let _ = fs::remove_file(&staged.lock);
            staged.locked = false;
        }
        Err(GitError::IndexLocked {
            path: staged.lock.clone(),
        })
    }

    /// Creates `index.lock` as git does (exclusively) and notes it in the
    /// run's journal.
    fn take_lock(&self, staged: &mut StagedIndex) -> Result<(), GitError> {
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&staged.lock)
        {
            Ok(_) => staged.locked = true,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(GitError::IndexLocked {
                    path: staged.lock.clone(),
                });
            }
            Err(error) => {
                return Err(GitError::Io {
                    action: "create",
                    path: staged.lock.clone(),
                    error,
                });
            }
        }
        if let Some(identity) = run_lock::identity(&staged.lock) {
            run_lock::note(self.git_dir(), &format!("index-lock {identity}"))?;
        }
        crate::crash_points::reached("index-lock");
        Ok(())
    }

    /// Writes the edited index into the private copy.
    fn prepare(
        &self,
        staged: &StagedIndex,
        modified: Option<std::time::SystemTime>,
        edit: &mut impl FnMut(&mut git2::Index) -> Result<(), git2::Error>,
    ) -> Result<(), GitError> {
        const WHAT: &str = "update the index";
        let folder = staged.private.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder).map_err(|error| GitError::Io {
            action: "create",
            path: folder.to_path_buf(),
            error,
        })?;
        let _ = fs::remove_file(staged.private.with_extension("new.lock"));
        match &staged.old {
            Some(bytes) => {
                let file = write_file(&staged.private, bytes)?;
                // The copy keeps the index's time: libgit2 tells racily
                // clean entries by comparing their times with it.
                if let Some(modified) = modified {
                    let _ = file.set_modified(modified);
                }
            }
            None => {
                let _ = fs::remove_file(&staged.private);
            }
        }
        let mut index = git2::Index::open(&staged.private).map_err(git(WHAT))?;
        // Owned by a repository, the index smudges racily clean entries
        // when written, as git does; a scratch handle keeps this one's
        // index as it is.
        let scratch = git2::Repository::open(self.git_dir()).map_err(git(WHAT))?;
        scratch.set_index(&mut index).map_err(git(WHAT))?;
        edit(&mut index).map_err(git(WHAT))?;
        #[cfg(debug_assertions)]
        injected_fault(&staged.private)?;
        index.write().map_err(|error| {
            // libgit2 records a failed buffered write without its OS error
            // (the message is then "no error", or one left from earlier):
            // writing as much again here finds what stopped it.
            let size = staged.old.as_ref().map_or(0, Vec::len) + 4096;
            match probe_write(folder, size) {
                Err(os) => GitError::Io {
                    action: "write",
                    path: staged.private.clone(),
                    error: os,
                },
                Ok(()) => git(&format!("write {}", staged.private.display()))(error),
            }
        })
    }
}

/// Writes `bytes` to a new file at `path` (replacing one there).
fn write_file(path: &Path, bytes: &[u8]) -> Result<File, GitError> {
    let failed = |error| GitError::Io {
        action: "write",
        path: path.to_path_buf(),
        error,
    };
    let mut file = File::create(path).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    Ok(file)
}

/// Writes `size` bytes to a scratch file in `folder` and removes it: the OS
/// error that stops a write there, if any.
fn probe_write(folder: &Path, size: usize) -> io::Result<()> {
    let mut file = tempfile::Builder::new()
        .prefix("index.new.probe")
        .tempfile_in(folder)?;
    file.write_all(&vec![0; size])?;
    file.as_file().sync_all()
}

/// Test-only fault injection, compiled into debug builds only: with
/// `ROLECALL_FAIL_INDEX=1`, writing the new index fails as on a full disk.
#[cfg(debug_assertions)]
fn injected_fault(path: &Path) -> Result<(), GitError> {
    match std::env::var_os("ROLECALL_FAIL_INDEX") {
        Some(value) if value == "1" => Err(GitError::Io {
            action: "write",
            path: path.to_path_buf(),
            error: io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device (injected fault, ROLECALL_FAIL_INDEX=1)",
            ),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::git::GitError;
    use crate::git::test_support::{git_in, init_with_commit};

    fn refusal(dir: &std::path::Path, repo: &crate::git::Repository) -> String {
        let before = fs::read(dir.join(".git/index")).expect("index");
        let err = repo.ensure_index_supported().expect_err("refused");
        assert!(matches!(err, GitError::UnsupportedIndex { .. }), "{err}");
        assert_eq!(fs::read(dir.join(".git/index")).expect("index"), before);
        err.to_string()
    }

    #[test]
    fn a_split_index_is_refused_with_how_to_turn_it_off() {
        let (tmp, repo) = init_with_commit();
        repo.ensure_index_supported().expect("a plain index");
        git_in(tmp.path(), &["update-index", "--split-index"]);
        let text = refusal(tmp.path(), &repo);
        assert!(text.contains("split index"), "{text}");
        assert!(text.contains("git update-index --no-split-index"), "{text}");
        git_in(tmp.path(), &["update-index", "--no-split-index"]);
        repo.ensure_index_supported().expect("no longer split");
    }

    #[test]
    fn a_sparse_index_is_refused_with_how_to_turn_it_off() {
        let (tmp, repo) = init_with_commit();
        git_in(
            tmp.path(),
            &["sparse-checkout", "init", "--cone", "--sparse-index"],
        );
        git_in(tmp.path(), &["sparse-checkout", "set", "other"]);
        let text = refusal(tmp.path(), &repo);
        assert!(text.contains("sparse index"), "{text}");
        assert!(text.contains("--no-sparse-index"), "{text}");
        assert!(text.contains("index.sparse false"), "{text}");
        git_in(
            tmp.path(),
            &["sparse-checkout", "set", "--no-sparse-index", "other"],
        );
        repo.ensure_index_supported()
            .expect("sparse checkout, full index");
    }

    #[test]
    fn an_unknown_version_or_mandatory_extension_is_refused_by_name() {
        let (tmp, repo) = init_with_commit();
        let path = tmp.path().join(".git/index");
        let good = fs::read(&path).expect("index");
        let mut bytes = good.clone();
        bytes[7] = 9;
        fs::write(&path, &bytes).expect("write");
        assert!(refusal(tmp.path(), &repo).contains("format version 9"));

        // A mandatory (lower-case) extension before the checksum.
        let mut bytes = good[..good.len() - 20].to_vec();
        bytes.extend_from_slice(b"zzzz\0\0\0\0");
        let digest = crate::sha1_digest::of(&bytes);
        bytes.extend_from_slice(&digest);
        fs::write(&path, &bytes).expect("write");
        assert!(refusal(tmp.path(), &repo).contains("`zzzz` extension"));
    }

    #[test]
    fn version_4_and_skip_hash_indexes_are_supported() {
        let (tmp, repo) = init_with_commit();
        git_in(tmp.path(), &["config", "index.skipHash", "true"]);
        git_in(tmp.path(), &["update-index", "--index-version", "4"]);
        repo.ensure_index_supported().expect("version 4");
    }
}
