//! What other branches hold: the names of the files below a folder on
//! every local and remote-tracking branch, so that a name chosen on one
//! branch does not collide with one already taken on another.

use std::collections::BTreeSet;
use std::path::Path;

use git2::{BranchType, ObjectType, TreeWalkMode, TreeWalkResult};

use super::{GitError, Repository, git};

impl Repository {
    /// The file names (the last path component) below `folder`
    /// (repository-relative, `""` for the top) at the tip of every local
    /// and remote-tracking branch. Branches whose tip cannot be read are
    /// skipped: this answers "which names are taken", not "is every
    /// branch healthy".
    pub fn file_names_on_branches(&self, folder: &str) -> Result<BTreeSet<String>, GitError> {
        let mut names = BTreeSet::new();
        let branches = self
            .inner
            .branches(None)
            .map_err(git("list the branches"))?;
        for (branch, kind) in branches.flatten() {
            // `origin/HEAD` names another remote-tracking branch.
            let symbolic = kind == BranchType::Remote
                && branch
                    .name()
                    .ok()
                    .flatten()
                    .is_some_and(|n| n.ends_with("/HEAD"));
            if symbolic {
                continue;
            }
            let Ok(tree) = branch.get().peel_to_tree() else {
                continue;
            };
            let tree = if folder.is_empty() {
                tree
            } else {
                let below = tree
                    .get_path(Path::new(folder))
                    .ok()
                    .filter(|entry| entry.kind() == Some(ObjectType::Tree))
                    .and_then(|entry| self.inner.find_tree(entry.id()).ok());
                let Some(below) = below else {
                    continue;
                };
                below
            };
            // A tree that cannot be walked to its end gives what it gave.
            let _ = tree.walk(TreeWalkMode::PreOrder, |_, entry| {
                if entry.kind() == Some(ObjectType::Blob)
                    && let Ok(name) = entry.name()
                {
                    names.insert(name.to_owned());
                }
                TreeWalkResult::Ok
            });
        }
        Ok(names)
    }
}
