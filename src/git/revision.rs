//! Reading files as a commit holds them (for `notify --since REV`): the
//! blobs below a folder of a revision's tree, with their paths.

use git2::{ObjectType, TreeWalkMode, TreeWalkResult};

use super::{GitError, Repository, git};

/// A file of a commit's tree: its path relative to the work tree's top
/// (`/`-separated) and its bytes.
pub type TreeFile = (String, Vec<u8>);

impl Repository {
    /// The regular files below `dir` (relative to the work tree's top,
    /// `/`-separated, empty for the top) in the tree of the commit `rev`
    /// names, whose file name `keep` accepts, sorted by path. Hidden
    /// entries, symbolic links and submodules are skipped, as record
    /// discovery skips them on disk. A folder the commit does not hold
    /// gives no files.
    pub fn files_at(
        &self,
        rev: &str,
        dir: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<TreeFile>, GitError> {
        let commit = self
            .inner
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| GitError::UnknownRevision {
                rev: rev.to_owned(),
            })?;
        let root = commit.tree().map_err(git("read the revision's tree"))?;
        let dir = dir.trim_matches('/');
        let tree = if dir.is_empty() {
            root
        } else {
            match root.get_path(std::path::Path::new(dir)) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => self
                    .inner
                    .find_tree(entry.id())
                    .map_err(git("read the revision's tree"))?,
                _ => return Ok(Vec::new()),
            }
        };
        let mut found = Vec::new();
        let mut failure = None;
        tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
            let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
            if name.starts_with('.') {
                return TreeWalkResult::Skip;
            }
            // Regular files only: 0o100644 and 0o100755.
            let regular = entry.kind() == Some(ObjectType::Blob)
                && matches!(entry.filemode(), 0o100_644 | 0o100_755);
            if !regular || !keep(&name) {
                return TreeWalkResult::Ok;
            }
            match self.inner.find_blob(entry.id()) {
                Ok(blob) => {
                    let prefix = if dir.is_empty() {
                        String::new()
                    } else {
                        format!("{dir}/")
                    };
                    found.push((format!("{prefix}{parent}{name}"), blob.content().to_vec()));
                    TreeWalkResult::Ok
                }
                Err(error) => {
                    failure = Some(error);
                    TreeWalkResult::Abort
                }
            }
        })
        .map_err(git("walk the revision's tree"))?;
        if let Some(error) = failure {
            return Err(git("read a file of the revision")(error));
        }
        found.sort();
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use crate::git::GitError;
    use crate::git::test_support::{git_in, init, write};

    #[test]
    fn files_at_reads_the_commit_not_the_work_tree() {
        let (tmp, repo) = init();
        let dir = tmp.path();
        write(dir, "incidents/A.yaml", "old a\n");
        write(dir, "incidents/sub/B.yml", "b\n");
        write(dir, "incidents/.hidden/C.yaml", "hidden\n");
        write(dir, "incidents/A/README.md", "doc\n");
        write(dir, "other/D.yaml", "elsewhere\n");
        git_in(dir, &["add", "."]);
        git_in(dir, &["commit", "-q", "-m", "first"]);
        write(dir, "incidents/A.yaml", "new a\n");
        write(dir, "incidents/E.yaml", "untracked\n");

        let files = repo
            .files_at("HEAD", "incidents", |name| {
                std::path::Path::new(name)
                    .extension()
                    .is_some_and(|x| x == "yaml" || x == "yml")
            })
            .expect("files_at");
        assert_eq!(
            files,
            [
                ("incidents/A.yaml".to_owned(), b"old a\n".to_vec()),
                ("incidents/sub/B.yml".to_owned(), b"b\n".to_vec()),
            ]
        );
        assert!(
            repo.files_at("HEAD", "missing", |_| true)
                .expect("no folder")
                .is_empty()
        );
        let error = repo
            .files_at("nope", "incidents", |_| true)
            .expect_err("bad rev");
        assert!(matches!(error, GitError::UnknownRevision { .. }), "{error}");
    }
}
