//! Which paths changed since a revision (for `check --changed-since`),
//! counting committed, staged, unstaged and untracked changes alike.

use std::collections::BTreeSet;

use git2::{DiffOptions, ErrorCode};

use super::head::Head;
use super::{GitError, Repository, git};

impl Repository {
    /// Paths ('/'-separated, relative to the work tree) added, modified or deleted between
    /// `merge-base(rev, HEAD)` and the work tree, including untracked (not ignored) files.
    pub fn changed_since(&self, rev: &str) -> Result<BTreeSet<String>, GitError> {
        self.require_workdir()?;
        let unknown = || GitError::UnknownRevision {
            rev: rev.to_owned(),
        };
        let theirs = self
            .inner
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| unknown())?;
        let head = match self.read_head()? {
            Head::Unborn { .. } => {
                return Err(GitError::UnbornHead {
                    rev: rev.to_owned(),
                });
            }
            Head::Detached { commit } | Head::Branch { commit, .. } => commit,
        };
        let base = match self.inner.merge_base(theirs.id(), head.id()) {
            Ok(base) => base,
            Err(e) if e.code() == ErrorCode::NotFound => {
                return Err(GitError::NoMergeBase {
                    rev: rev.to_owned(),
                });
            }
            Err(e) => return Err(git("find the merge base")(e)),
        };
        let tree = self
            .inner
            .find_commit(base)
            .and_then(|c| c.tree())
            .map_err(git("read the merge base's tree"))?;
        let mut opts = DiffOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_typechange(true);
        let diff = self
            .inner
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
            .map_err(git("compare the work tree with the merge base"))?;
        let mut paths = BTreeSet::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path_bytes() {
                    paths.insert(String::from_utf8_lossy(path).into_owned());
                }
            }
        }
        Ok(paths)
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::git::GitError;
    use crate::git::test_support::{git_in, init, init_with_commit, write};

    #[test]
    fn changed_since_lists_modified_added_deleted_and_untracked_files() {
        let (tmp, repo) = init_with_commit();
        let dir = tmp.path();
        write(dir, "gone.txt", "gone\n");
        write(dir, ".gitignore", "ignored.txt\n");
        git_in(dir, &["add", "."]);
        git_in(dir, &["commit", "-q", "-m", "base"]);
        git_in(dir, &["checkout", "-q", "-b", "topic"]);
        write(dir, "committed.txt", "on topic\n");
        git_in(dir, &["add", "committed.txt"]);
        git_in(dir, &["commit", "-q", "-m", "topic work"]);
        git_in(dir, &["checkout", "-q", "main"]);
        write(dir, "main-only.txt", "main\n");
        git_in(dir, &["add", "main-only.txt"]);
        git_in(dir, &["commit", "-q", "-m", "main work"]);
        git_in(dir, &["checkout", "-q", "topic"]);
        write(dir, "tracked.txt", "modified\n");
        write(dir, "staged.txt", "staged\n");
        git_in(dir, &["add", "staged.txt"]);
        write(dir, "new/dir/file.md", "untracked\n");
        write(dir, "ignored.txt", "ignored\n");
        fs::remove_file(dir.join("gone.txt")).expect("remove");

        let changed = repo.changed_since("main").expect("changed_since");
        let expected = [
            "committed.txt",
            "gone.txt",
            "new/dir/file.md",
            "staged.txt",
            "tracked.txt",
        ];
        assert_eq!(
            changed.iter().map(String::as_str).collect::<Vec<_>>(),
            expected
        );

        let err = repo.changed_since("no-such-branch").expect_err("unknown");
        assert!(matches!(err, GitError::UnknownRevision { .. }));
        assert!(err.to_string().contains("`no-such-branch`"));
    }

    #[test]
    fn changed_since_needs_a_commit() {
        let (_tmp, repo) = init();
        assert!(repo.changed_since("HEAD").is_err());
    }
}
