//! Git integration: the only module of rolecall that talks to libgit2.
//!
//! rolecall commits exactly the documents it rendered. The commit's tree is
//! HEAD's tree with those paths replaced or removed (never the index), so
//! anything the user has staged, modified or left untracked stays as it was.
//! After committing, only the index entries of the committed paths are
//! refreshed, so `git status` does not report them as changed.
//!
//! Each part lives in its own file: [`Repository`] (here) opens the
//! repository (refusing SHA-256 ones); `state` refuses while git is busy and
//! serialises runs; `identity` resolves who commits and `sign` how the
//! commit is signed; `commit` builds and makes the commit, with `objects`
//! writing the new objects (one `pack`, with its `pack_index`, for a large
//! commit), `head` moving the branch and `index` refreshing the committed
//! paths' index entries; `changed` lists the paths changed since a revision;
//! `revision` reads the files a revision holds; `tree_changes` the documents
//! two trees hold differently; `eol` reads git's line-ending rules.

mod branches;
mod changed;
mod commit;
mod eol;
mod error;
mod head;
mod identity;
mod index;
mod index_file;
mod index_format;
mod objects;
mod pack;
mod pack_index;
mod planned;
mod revision;
mod run_lock;
mod sign;
mod state;
#[cfg(test)]
mod test_support;
mod tree_changes;

use std::fmt;
use std::path::{Path, PathBuf};

use git2::ErrorCode;

pub use commit::{CommitInfo, PathChange};
pub use eol::LineEndingRules;
pub use error::GitError;
use error::git;
pub use head::HeadState;
pub use identity::{CommitSignatures, Identity};
pub use index::Written;
pub use revision::TreeFile;
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
    /// Finds the repository containing `dir` (like git's discovery); `Ok(None)` outside any
    /// repository. Refuses a repository whose objects are named by SHA-256.
    pub fn discover(dir: &Path) -> Result<Option<Repository>, GitError> {
        // Like git itself, trust that an object read from the repository
        // holds what its id says rather than hashing it again on every read:
        // a large first render's commit (one message line per document) cost
        // more to re-hash on each of its reads than the rest of a one-change
        // render's commit. `git fsck` is where integrity is checked.
        git2::opts::strict_hash_verification(false);
        let inner = match git2::Repository::discover(dir) {
            Ok(inner) => inner,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) if e.code() == ErrorCode::Owner => {
                return Err(GitError::NotOwned {
                    path: dir.to_path_buf(),
                });
            }
            Err(e) => {
                // libgit2 built for SHA-1 fails to open a SHA-256 repository; say so by name.
                if let Ok(git_dir) = git2::Repository::discover_path(dir, Vec::<&Path>::new()) {
                    check_object_format(&git_dir, object_format(&git_dir))?;
                }
                return Err(git("open the git repository")(e));
            }
        };
        let format = inner
            .config()
            .ok()
            .and_then(|config| config.get_string("extensions.objectformat").ok());
        check_object_format(inner.path(), format)?;
        Ok(Some(Repository { inner }))
    }

    /// Whether the repository has no work tree.
    pub fn is_bare(&self) -> bool {
        self.inner.is_bare()
    }

    /// Work tree root (`None` for a bare repository).
    pub fn workdir(&self) -> Option<&Path> {
        self.inner.workdir()
    }

    /// The project folder `root` relative to the work tree, as a path
    /// prefix (`""` at the top, else ending in `/`; `""` also when there is
    /// no work tree or `root` lies outside it).
    pub fn project_prefix(&self, root: &Path) -> String {
        let Some(workdir) = self.workdir() else {
            return String::new();
        };
        let (Ok(root), Ok(workdir)) = (root.canonicalize(), workdir.canonicalize()) else {
            return String::new();
        };
        match root.strip_prefix(&workdir) {
            Ok(rel) if !rel.as_os_str().is_empty() => {
                format!("{}/", crate::rel_path::relative(Path::new(""), rel))
            }
            _ => String::new(),
        }
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

/// The `extensions.objectformat` of the repository at `git_dir`, read from
/// its configuration file (its common directory's, for a linked work tree).
fn object_format(git_dir: &Path) -> Option<String> {
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .map_or_else(|_| git_dir.to_path_buf(), |dir| git_dir.join(dir.trim()));
    git2::Config::open(&common.join("config"))
        .and_then(|config| config.get_string("extensions.objectformat"))
        .ok()
}

/// Refuses an object format other than SHA-1 (git's default when none is set).
fn check_object_format(git_dir: &Path, format: Option<String>) -> Result<(), GitError> {
    match format {
        Some(format) if !format.eq_ignore_ascii_case("sha1") => Err(GitError::Sha256 {
            path: git_dir.to_path_buf(),
        }),
        _ => Ok(()),
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

    #[test]
    fn a_sha256_repository_is_refused_by_name() {
        let tmp = TempDir::new().expect("tempdir");
        crate::git::test_support::git_in(tmp.path(), &["init", "-q", "--object-format=sha256"]);
        std::fs::create_dir(tmp.path().join("docs")).expect("mkdir");
        let error = Repository::discover(&tmp.path().join("docs")).expect_err("refused");
        assert!(matches!(error, GitError::Sha256 { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("SHA-256 repositories are not supported yet"),
            "{error}"
        );
        assert!(check_object_format(tmp.path(), Some("sha1".to_owned())).is_ok());
        assert!(check_object_format(tmp.path(), None).is_ok());
        assert!(check_object_format(tmp.path(), Some("sha256".to_owned())).is_err());
    }
}
