//! Whether rolecall may write now: refusing while git is busy (a merge,
//! rebase, … in progress, or the index locked). Runs are serialised by
//! [`RunLock`](super::RunLock).

use git2::RepositoryState;

use super::{GitError, Repository};

impl Repository {
    /// Refuses when a merge, rebase, cherry-pick, revert, bisect or `git am` is in progress,
    /// or when another git process holds the index lock (which is left untouched).
    pub fn ensure_ready(&self) -> Result<(), GitError> {
        let busy = |operation, hint| GitError::InProgress {
            operation,
            hint,
            path: self.display_dir(),
        };
        match self.inner.state() {
            RepositoryState::Clean => {}
            RepositoryState::Merge => {
                return Err(busy("merge", "finish or abort it (git merge --abort)"));
            }
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge
            | RepositoryState::ApplyMailboxOrRebase => {
                return Err(busy("rebase", "finish or abort it (git rebase --abort)"));
            }
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                return Err(busy(
                    "cherry-pick",
                    "finish or abort it (git cherry-pick --abort)",
                ));
            }
            RepositoryState::Revert | RepositoryState::RevertSequence => {
                return Err(busy("revert", "finish or abort it (git revert --abort)"));
            }
            RepositoryState::Bisect => return Err(busy("bisect", "finish it (git bisect reset)")),
            RepositoryState::ApplyMailbox => {
                return Err(busy(
                    "`git am` session",
                    "finish or abort it (git am --abort)",
                ));
            }
        }
        let lock = self.git_dir().join("index.lock");
        if lock.exists() {
            return Err(GitError::IndexLocked { path: lock });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::git::GitError;
    use crate::git::test_support::{git_in, init_with_commit};

    #[test]
    fn ensure_ready_refuses_a_merge_in_progress() {
        let (tmp, repo) = init_with_commit();
        repo.ensure_ready().expect("clean repository is ready");
        let head = git_in(tmp.path(), &["rev-parse", "HEAD"]);
        fs::write(repo.git_dir().join("MERGE_HEAD"), head).expect("write MERGE_HEAD");
        let err = repo.ensure_ready().expect_err("merge in progress");
        let text = err.to_string();
        assert!(text.starts_with("a merge is in progress in "), "{text}");
        assert!(text.ends_with("; finish or abort it (git merge --abort) before running rolecall"));
    }

    #[test]
    fn ensure_ready_refuses_a_rebase_in_progress() {
        let (_tmp, repo) = init_with_commit();
        fs::create_dir(repo.git_dir().join("rebase-merge")).expect("mkdir");
        let err = repo.ensure_ready().expect_err("rebase in progress");
        assert!(err.to_string().contains("a rebase is in progress"), "{err}");
    }

    #[test]
    fn ensure_ready_refuses_a_cherry_pick_or_revert_in_progress() {
        for (file, operation) in [
            ("CHERRY_PICK_HEAD", "cherry-pick"),
            ("REVERT_HEAD", "revert"),
        ] {
            let (tmp, repo) = init_with_commit();
            let head = git_in(tmp.path(), &["rev-parse", "HEAD"]);
            fs::write(repo.git_dir().join(file), head).expect("write the state file");
            let err = repo.ensure_ready().expect_err("operation in progress");
            assert!(
                err.to_string()
                    .starts_with(&format!("a {operation} is in progress")),
                "{err}"
            );
        }
    }

    #[test]
    fn ensure_ready_refuses_a_held_index_lock_and_leaves_it() {
        let (_tmp, repo) = init_with_commit();
        let lock = repo.git_dir().join("index.lock");
        fs::write(&lock, "").expect("lock");
        let err = repo.ensure_ready().expect_err("locked");
        assert!(matches!(err, GitError::IndexLocked { ref path } if *path == lock));
        assert!(err.to_string().starts_with("another git process holds "));
        assert!(lock.exists());
    }
}
