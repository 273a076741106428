//! Git integration: the only module of rolecall that talks to libgit2.
//!
//! rolecall commits exactly the documents it rendered. The commit's tree is
//! HEAD's tree with those paths replaced or removed (never the index), so
//! anything the user has staged, modified or left untracked stays as it was.
//! After committing, only the index entries of the committed paths are
//! refreshed, so `git status` does not report them as changed.
//!
//! Each part lives in its own file: [`Repository`] (here) opens the
//! repository; `state` refuses while git is busy and serialises runs;
//! `identity` resolves who commits; `commit` builds and makes the commit,
//! with `objects` writing blobs (`pack` for many), `head` moving the branch and `index`
//! refreshing the committed paths' index entries; `changed` lists the paths
//! changed since a revision.

mod changed;
mod commit;
mod error;
mod head;
mod identity;
mod index;
mod index_file;
mod objects;
mod pack;
mod pack_index;
mod run_lock;
mod state;
#[cfg(test)]
mod test_support;

use std::fmt;
use std::path::{Path, PathBuf};

use git2::ErrorCode;

pub use commit::{CommitInfo, PathChange};
pub use error::GitError;
use error::git;
pub use head::HeadState;
pub use identity::{CommitSignatures, Identity};
pub use run_lock::RunLock;

/// A git repository with a work tree (or bare).
pub struct Repository {
    inner: git2::Repository,
}

impl fmt::Debug for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repository")
            .field("git_dir", &self.git_dir())
            .field("workdir", &self.workdir())
            .finish()
    }
}

impl Repository {
    /// Finds the repository containing `dir` (like git's discovery); `Ok(None)` outside any repository.
    pub fn discover(dir: &Path) -> Result<Option<Repository>, GitError> {
        match git2::Repository::discover(dir) {
            Ok(inner) => Ok(Some(Repository { inner })),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) if e.code() == ErrorCode::Owner => Err(GitError::NotOwned {
                path: dir.to_path_buf(),
            }),
            Err(e) => Err(git("open the git repository")(e)),
        }
    }

    /// Whether the repository has no work tree.
    pub fn is_bare(&self) -> bool {
        self.inner.is_bare()
    }

    /// Work tree root (`None` for a bare repository).
    pub fn workdir(&self) -> Option<&Path> {
        self.inner.workdir()
    }

    /// The `.git` directory (of this work tree, for linked work trees).
    pub fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// The work tree root, or `Bare` as an error.
    pub(super) fn require_workdir(&self) -> Result<&Path, GitError> {
        self.workdir().ok_or_else(|| GitError::Bare {
            path: self.git_dir().to_path_buf(),
        })
    }

    /// The directory to name in messages: the work tree, else the git directory.
    pub(super) fn display_dir(&self) -> PathBuf {
        self.workdir().unwrap_or(self.git_dir()).to_path_buf()
    }
}

/// Creates a repository in `dir` (like `git init`), for `rolecall init`.
pub fn init(dir: &Path) -> Result<(), GitError> {
    git2::Repository::init(dir)
        .map(drop)
        .map_err(git("initialise a repository"))
}

#[cfg(test)]
mod tests {
    use tempfile::TempDir;

    use super::*;
    use crate::git::test_support::init_with_commit;

    #[test]
    fn discover_finds_the_enclosing_repository_or_none() {
        let (tmp, _repo) = init_with_commit();
        let repo = Repository::discover(&tmp.path().join("docs"))
            .expect("discover")
            .expect("repo");
        assert!(!repo.is_bare());
        let root = tmp.path().canonicalize().expect("canonical");
        let workdir = repo
            .workdir()
            .expect("workdir")
            .canonicalize()
            .expect("canonical");
        assert_eq!(workdir, root);
        assert!(repo.git_dir().ends_with(".git"));
        let outside = TempDir::new().expect("tempdir");
        assert!(
            Repository::discover(outside.path())
                .expect("discover")
                .is_none()
        );
    }
}
