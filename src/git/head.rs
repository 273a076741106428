//! Where HEAD points: reading it (branch, detached or unborn), describing it
//! for messages, what its tree holds below a folder, and moving it to a new
//! commit only if nobody else moved it.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use git2::{Commit, ErrorCode, FileMode, ObjectType, Oid, Tree, TreeWalkMode, TreeWalkResult};

use super::planned::{blob_id, oid};
use super::{GitError, Repository, git};
use crate::blob::BlobId;

/// Where HEAD points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadState {
    /// On a branch (short name, e.g. `main`).
    Branch(String),
    /// Detached at a commit (abbreviated id).
    Detached(String),
    /// On a branch without commits yet (short name of the branch the first commit creates).
    Unborn(String),
}

impl fmt::Display for HeadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadState::Branch(name) => write!(f, "branch {name}"),
            HeadState::Detached(id) => write!(f, "detached HEAD at {id}"),
            HeadState::Unborn(name) => write!(f, "branch {name} (no commits yet)"),
        }
    }
}

/// HEAD as read before committing.
pub(super) enum Head<'r> {
    Unborn { refname: String },
    Detached { commit: Commit<'r> },
    Branch { refname: String, commit: Commit<'r> },
}

impl<'r> Head<'r> {
    /// The commit HEAD points at, if any.
    pub(super) fn commit(&self) -> Option<&Commit<'r>> {
        match self {
            Head::Unborn { .. } => None,
            Head::Detached { commit } | Head::Branch { commit, .. } => Some(commit),
        }
    }

    /// The tree of HEAD's commit, if any.
    pub(super) fn tree(&self) -> Result<Option<Tree<'r>>, GitError> {
        self.commit()
            .map(Commit::tree)
            .transpose()
            .map_err(git("read HEAD's tree"))
    }
}

impl Repository {
    /// Describes HEAD: branch, detached (abbreviated id) or unborn (branch to be created).
    pub fn head_state(&self) -> Result<HeadState, GitError> {
        let short = |refname: &str| {
            refname
                .strip_prefix("refs/heads/")
                .unwrap_or(refname)
                .to_owned()
        };
        Ok(match self.read_head()? {
            Head::Unborn { refname } => HeadState::Unborn(short(&refname)),
            Head::Branch { refname, .. } => HeadState::Branch(short(&refname)),
            Head::Detached { commit } => HeadState::Detached(self.short_id(commit.id())),
        })
    }

    /// Reads HEAD, distinguishing unborn, detached and branch states.
    pub(super) fn read_head(&self) -> Result<Head<'_>, GitError> {
        let head = self
            .inner
            .find_reference("HEAD")
            .map_err(git("read HEAD"))?;
        let Some(target) = head.symbolic_target().map_err(git("read HEAD"))? else {
            let commit = head.peel_to_commit().map_err(git("read HEAD's commit"))?;
            return Ok(Head::Detached { commit });
        };
        match self.inner.find_reference(target) {
            Ok(reference) => {
                let reference = reference.resolve().map_err(git("resolve HEAD"))?;
                let refname = reference
                    .name()
                    .map_err(git("read HEAD's branch"))?
                    .to_owned();
                let commit = reference
                    .peel_to_commit()
                    .map_err(git("read HEAD's commit"))?;
                Ok(Head::Branch { refname, commit })
            }
            Err(e) if e.code() == ErrorCode::NotFound => Ok(Head::Unborn {
                refname: target.to_owned(),
            }),
            Err(e) => Err(git("resolve HEAD")(e)),
        }
    }

    /// HEAD's commit id (`None` while HEAD is unborn) and the tree id of
    /// `folder` (repository-relative, `""` for the top) in it (`None` when
    /// there is no such folder).
    pub fn head_folder(&self, folder: &str) -> Result<(Option<String>, Option<String>), GitError> {
        let head = self.read_head()?;
        let Some(commit) = head.commit() else {
            return Ok((None, None));
        };
        let tree = Self::folder_tree(commit, folder)?;
        Ok((Some(commit.id().to_string()), tree))
    }

    /// The tree id of `folder` in the commit `id` (full hexadecimal).
    pub fn commit_folder(&self, id: &str, folder: &str) -> Result<Option<String>, GitError> {
        let commit = Oid::from_str(id)
            .and_then(|id| self.inner.find_commit(id))
            .map_err(git("read a commit"))?;
        Self::folder_tree(&commit, folder)
    }

    fn folder_tree(commit: &Commit<'_>, folder: &str) -> Result<Option<String>, GitError> {
        let tree = commit.tree().map_err(git("read a commit's tree"))?;
        if folder.is_empty() {
            return Ok(Some(tree.id().to_string()));
        }
        match tree.get_path(Path::new(folder)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => Ok(Some(entry.id().to_string())),
            Ok(_) => Ok(None),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(git("read a commit's tree")(e)),
        }
    }

    /// Every Markdown file (`*.md`) and calendar (`*.ics`) HEAD's tree holds below `folder`
    /// (repository-relative, `""` for the top), by repository path.
    pub fn head_markdown(&self, folder: &str) -> Result<HashMap<String, BlobId>, GitError> {
        let head = self.read_head()?;
        let Some(tree) = head.tree()? else {
            return Ok(HashMap::new());
        };
        let tree = if folder.is_empty() {
            tree
        } else {
            match tree.get_path(Path::new(folder)) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => self
                    .inner
                    .find_tree(entry.id())
                    .map_err(git("read HEAD's tree"))?,
                Ok(_) => return Ok(HashMap::new()),
                Err(e) if e.code() == ErrorCode::NotFound => return Ok(HashMap::new()),
                Err(e) => return Err(git("read HEAD's tree")(e)),
            }
        };
        let base = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let mut found = HashMap::new();
        tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
            if entry.filemode() == i32::from(FileMode::Blob)
                && let Some(name) = entry.name().ok().filter(|n| {
                    Path::new(n)
                        .extension()
                        .is_some_and(|e| e == "md" || e == "ics")
                })
            {
                found.insert(format!("{base}{parent}{name}"), blob_id(entry.id()));
            }
            TreeWalkResult::Ok
        })
        .map_err(git("read HEAD's tree"))?;
        Ok(found)
    }

    /// Whether the blob `id` starts with `prefix`.
    pub fn blob_starts_with(&self, id: BlobId, prefix: &[u8]) -> Result<bool, GitError> {
        let blob = self.inner.find_blob(oid(id)).map_err(git("read a blob"))?;
        Ok(blob.content().starts_with(prefix))
    }

    /// Abbreviated id of an object (git's abbreviation, falling back to 7 hex digits).
    pub(super) fn short_id(&self, id: Oid) -> String {
        self.inner
            .find_object(id, None)
            .and_then(|o| o.short_id())
            .ok()
            .and_then(|buf| buf.as_str().ok().map(str::to_owned))
            .unwrap_or_else(|| id.to_string().chars().take(7).collect())
    }

    /// Points the branch (or detached HEAD) at `id`, failing if it moved since `head` was read.
    pub(super) fn move_head(
        &self,
        head: &Head<'_>,
        id: Oid,
        subject: &str,
    ) -> Result<(), GitError> {
        let (refname, result) = match head {
            Head::Unborn { refname } => {
                let log = format!("commit (initial): {subject}");
                (
                    refname.as_str(),
                    self.inner.reference(refname, id, false, &log),
                )
            }
            Head::Branch { refname, commit } => {
                let log = format!("commit: {subject}");
                let result = self
                    .inner
                    .reference_matching(refname, id, true, commit.id(), &log);
                (refname.as_str(), result)
            }
            Head::Detached { commit } => {
                let log = format!("commit: {subject}");
                (
                    "HEAD",
                    self.inner
                        .reference_matching("HEAD", id, true, commit.id(), &log),
                )
            }
        };
        match result {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists) => {
                Err(GitError::RefMoved {
                    refname: refname.to_owned(),
                })
            }
            Err(e) => Err(git(&format!("update {refname}"))(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_support::{git_in, init_with_commit, put, sigs, write};

    #[test]
    fn detached_head_moves_detached() {
        let (tmp, repo) = init_with_commit();
        let dir = tmp.path();
        let branch_before = git_in(dir, &["rev-parse", "main"]);
        git_in(dir, &["checkout", "-q", "--detach"]);
        let short = git_in(dir, &["rev-parse", "--short=7", "HEAD"]);
        assert_eq!(
            repo.head_state().expect("head"),
            HeadState::Detached(short.trim().to_owned())
        );
        write(dir, "doc.md", "detached\n");
        let info = repo
            .commit_paths(&[put("doc.md", "detached\n")], "on detached", &sigs())
            .expect("commit")
            .expect("a commit");
        assert!(info.detached);
        assert_eq!(git_in(dir, &["rev-parse", "HEAD"]).trim(), info.id);
        assert_eq!(git_in(dir, &["rev-parse", "main"]), branch_before);
        assert_eq!(git_in(dir, &["status", "--porcelain"]), "");
        let reflog = git_in(dir, &["reflog", "-1", "--format=%gs", "HEAD"]);
        assert_eq!(reflog.trim(), "commit: on detached");
    }

    #[test]
    fn a_moved_branch_is_not_overwritten() {
        let (tmp, repo) = init_with_commit();
        let head = repo.read_head().expect("head");
        write(tmp.path(), "later.txt", "later\n");
        git_in(tmp.path(), &["add", "later.txt"]);
        git_in(tmp.path(), &["commit", "-q", "-m", "concurrent"]);
        let tip = git_in(tmp.path(), &["rev-parse", "main"]);
        let stale = head.commit().expect("commit").id();
        let err = repo.move_head(&head, stale, "x").expect_err("must refuse");
        assert!(matches!(err, GitError::RefMoved { ref refname } if refname == "refs/heads/main"));
        assert_eq!(git_in(tmp.path(), &["rev-parse", "main"]), tip);
    }
}
