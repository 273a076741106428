//! Which documents differ between two trees of the output folder, found by
//! descending only into the subtrees whose ids differ: after one record is
//! committed, two small folders are read instead of every tree below.

use std::collections::HashMap;
use std::path::Path;

use git2::{FileMode, Oid, Tree};

use super::planned::blob_id;
use super::{GitError, Repository, git};
use crate::blob::BlobId;

/// An entry of a tree: its id and file mode.
type Item = (Oid, i32);

impl Repository {
    /// Every Markdown (`*.md`) and calendar (`*.ics`) path whose entry
    /// differs between the trees `old` and `new` (full hexadecimal ids of
    /// the tree of `folder`, repository-relative, `""` for the top), by
    /// repository path, with the blob `new` holds there as a regular file
    /// (`None` when it holds none: removed, or a link, a folder, …).
    pub fn changed_documents(
        &self,
        old: &str,
        new: &str,
        folder: &str,
    ) -> Result<HashMap<String, Option<BlobId>>, GitError> {
        let tree = |id: &str| {
            Oid::from_str(id)
                .and_then(|id| self.inner.find_tree(id))
                .map_err(git("read a tree"))
        };
        let (old, new) = (tree(old)?, tree(new)?);
        let base = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let mut changed = HashMap::new();
        self.compare_trees(Some(&old), Some(&new), &base, &mut changed)?;
        Ok(changed)
    }

    fn compare_trees(
        &self,
        old: Option<&Tree<'_>>,
        new: Option<&Tree<'_>>,
        base: &str,
        changed: &mut HashMap<String, Option<BlobId>>,
    ) -> Result<(), GitError> {
        let items = |tree: Option<&Tree<'_>>| -> HashMap<Vec<u8>, Item> {
            tree.into_iter()
                .flat_map(Tree::iter)
                .map(|entry| (entry.name_bytes().to_vec(), (entry.id(), entry.filemode())))
                .collect()
        };
        let old_items = items(old);
        let new_items = items(new);
        for (name, &item) in &new_items {
            let before = old_items.get(name).copied();
            if before != Some(item) {
                self.compare_items(name, before, Some(item), base, changed)?;
            }
        }
        for (name, &item) in &old_items {
            if !new_items.contains_key(name) {
                self.compare_items(name, Some(item), None, base, changed)?;
            }
        }
        Ok(())
    }

    /// One name whose entry differs: the subtrees compared, the document
    /// recorded.
    fn compare_items(
        &self,
        name: &[u8],
        old: Option<Item>,
        new: Option<Item>,
        base: &str,
        changed: &mut HashMap<String, Option<BlobId>>,
    ) -> Result<(), GitError> {
        let Ok(name) = std::str::from_utf8(name) else {
            // rolecall writes no such path; the walk of HEAD skips it too.
            return Ok(());
        };
        let is_tree =
            |item: &Option<Item>| item.is_some_and(|(_, mode)| mode == i32::from(FileMode::Tree));
        if is_tree(&old) || is_tree(&new) {
            let subtree = |item: Option<Item>| {
                item.filter(|(_, mode)| *mode == i32::from(FileMode::Tree))
                    .map(|(id, _)| self.inner.find_tree(id).map_err(git("read a tree")))
                    .transpose()
            };
            let (old_tree, new_tree) = (subtree(old)?, subtree(new)?);
            self.compare_trees(
                old_tree.as_ref(),
                new_tree.as_ref(),
                &format!("{base}{name}/"),
                changed,
            )?;
        }
        let document = Path::new(name)
            .extension()
            .is_some_and(|e| e == "md" || e == "ics");
        if document && (!is_tree(&old) || !is_tree(&new)) {
            let held = new
                .filter(|(_, mode)| *mode == i32::from(FileMode::Blob))
                .map(|(id, _)| blob_id(id));
            changed.insert(format!("{base}{name}"), held);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{git_in, init, write};
    use crate::blob::BlobId;

    #[cfg(unix)]
    #[test]
    fn only_the_documents_that_differ_are_listed_with_what_the_new_tree_holds() {
        let (tmp, repo) = init();
        let dir = tmp.path();
        for (path, text) in [
            ("out/A/README.md", "a\n"),
            ("out/A/briefs/lead.md", "lead\n"),
            ("out/B/README.md", "b\n"),
            ("out/C/README.md", "c\n"),
            ("out/2024/C.yaml", "id: C\n"),
            ("out/calendar.ics", "cal\n"),
        ] {
            write(dir, path, text);
        }
        git_in(dir, &["add", "."]);
        git_in(dir, &["commit", "-q", "-m", "one"]);
        let tree = || git_in(dir, &["rev-parse", "HEAD:out"]).trim().to_owned();
        let old = tree();
        write(dir, "out/A/briefs/lead.md", "new lead\n");
        write(dir, "out/2024/C.yaml", "id: C\ntitle: x\n");
        write(dir, "out/D/README.md", "d\n");
        git_in(dir, &["rm", "-q", "-r", "out/B"]);
        git_in(dir, &["rm", "-q", "out/C/README.md"]);
        std::fs::create_dir_all(dir.join("out/C")).expect("mkdir");
        std::os::unix::fs::symlink("elsewhere.md", dir.join("out/C/README.md")).expect("link");
        git_in(dir, &["add", "-A", "."]);
        git_in(dir, &["commit", "-q", "-m", "two"]);
        let new = tree();
        let changed = repo.changed_documents(&old, &new, "out").expect("compare");
        let mut listed: Vec<(&str, Option<BlobId>)> =
            changed.iter().map(|(p, id)| (p.as_str(), *id)).collect();
        listed.sort_unstable_by_key(|(path, _)| *path);
        assert_eq!(
            listed,
            vec![
                ("out/A/briefs/lead.md", Some(BlobId::of(b"new lead\n"))),
                ("out/B/README.md", None),
                ("out/C/README.md", None),
                ("out/D/README.md", Some(BlobId::of(b"d\n"))),
            ]
        );
        assert!(
            repo.changed_documents(&new, &new, "out")
                .expect("same")
                .is_empty()
        );
    }
}
