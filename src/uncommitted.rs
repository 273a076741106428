//! What HEAD does not hold of a render: documents on disk exactly as
//! planned that an earlier run wrote (or removed) and never committed,
//! because it was killed or ran with `--no-commit`. Comparing with the work
//! tree alone would count them as unchanged forever; comparing with HEAD's
//! tree finds them, and `render` commits them.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::blob::BlobId;
use crate::commit::{Committed, Uncommitted, UncommittedWrite};
use crate::error::{Error, Result};
use crate::git::Repository;
use crate::line_endings::{Conversion, Eol};
use crate::render::cache::InHead;
use crate::render::files::{self, Change, Changes};
use crate::render::{DocumentPlan, HEADER_PREFIX, Kind};

/// HEAD's side of the comparison, for a project inside a git work tree.
pub struct HeadDocuments {
    repo: Repository,
    root: PathBuf,
    /// The project folder below the work tree (`""` or `a/b/`).
    prefix: String,
    /// The output folder, repository-relative.
    folder: String,
    /// HEAD's commit (`None` while unborn) and its output folder's tree.
    commit: Option<String>,
    tree: Option<String>,
    /// Every Markdown blob in HEAD's output folder, by project path, once
    /// [`walk`](Self::walk) has read them.
    blobs: Option<HashMap<String, BlobId>>,
    /// The documents HEAD's output folder holds otherwise than the tree
    /// the render cache recorded, by project path, once
    /// [`in_head`](Self::in_head) compared the two.
    changed: Option<HashMap<String, Option<BlobId>>>,
}

impl HeadDocuments {
    /// HEAD of the work tree holding `root`, whose documents go to `output`
    /// (relative to `root`); `None` outside a work tree.
    pub fn open(root: &Path, output: &str) -> Result<Option<HeadDocuments>> {
        let Some(repo) = Repository::discover(root)? else {
            return Ok(None);
        };
        if repo.is_bare() || repo.workdir().is_none() {
            return Ok(None);
        }
        let prefix = repo.project_prefix(root);
        let output = output.trim_end_matches('/');
        let folder = if output.is_empty() || output == "." {
            prefix.trim_end_matches('/').to_owned()
        } else {
            format!("{prefix}{output}")
        };
        let (commit, tree) = repo.head_folder(&folder)?;
        Ok(Some(HeadDocuments {
            repo,
            root: root.to_path_buf(),
            prefix,
            folder,
            commit,
            tree,
            blobs: None,
            changed: None,
        }))
    }

    pub fn git_dir(&self) -> &Path {
        self.repo.git_dir()
    }

    /// The id of HEAD's output folder tree.
    pub fn tree(&self) -> Option<&str> {
        self.tree.as_deref()
    }

    /// Reads every Markdown blob of HEAD's output folder (a walk of its
    /// trees, no blob read).
    pub fn walk(&mut self) -> Result<&HashMap<String, BlobId>> {
        if self.blobs.is_none() {
            let prefix = &self.prefix;
            let blobs = self
                .repo
                .head_markdown(&self.folder)?
                .into_iter()
                .filter_map(|(path, id)| Some((path.strip_prefix(prefix.as_str())?.to_owned(), id)))
                .collect();
            self.blobs = Some(blobs);
        }
        Ok(self.blobs.get_or_insert_default())
    }

    /// What HEAD holds of the documents, for the render cache, which
    /// recorded HEAD's output folder as the tree `recorded`: all of them as
    /// recorded when that is HEAD's tree still; else the documents the two
    /// trees hold differently (reading only the subtrees that differ); else
    /// — nothing recorded, or the recorded tree gone from the repository —
    /// every document of HEAD's output folder, from a walk.
    pub fn in_head(&mut self, recorded: Option<&str>) -> Result<InHead<'_>> {
        let (Some(tree), Some(recorded)) = (self.tree.as_deref(), recorded) else {
            return Ok(InHead::Blobs(self.walk()?));
        };
        if tree == recorded {
            return Ok(InHead::AsRecorded);
        }
        if self.changed.is_none()
            && let Ok(changed) = self.repo.changed_documents(recorded, tree, &self.folder)
        {
            let prefix = &self.prefix;
            self.changed = Some(
                changed
                    .into_iter()
                    .filter_map(|(path, id)| {
                        Some((path.strip_prefix(prefix.as_str())?.to_owned(), id))
                    })
                    .collect(),
            );
        }
        if self.changed.is_none() {
            return Ok(InHead::Blobs(self.walk()?));
        }
        Ok(InHead::Changed(self.changed.get_or_insert_default()))
    }

    /// What HEAD lacks of the plan: each document compared and found on
    /// disk as planned (`changes.on_disk`) whose blob HEAD does not hold
    /// at its path, and each generated document HEAD holds in `scope`
    /// (folders below the project) that the plan no longer produces and
    /// the disk no longer has. HEAD's documents are those [`walk`](Self::walk)
    /// read, else `recorded` (the render cache's, when HEAD's output folder
    /// is the tree the cache was saved with, or differs from it in the
    /// documents [`in_head`](Self::in_head) found).
    pub fn uncommitted<'a>(
        &self,
        plan: &DocumentPlan,
        changes: &Changes,
        scope: &[String],
        recorded: impl Iterator<Item = &'a str>,
    ) -> Result<Uncommitted> {
        let heads = self.head_ids(changes.on_disk.iter().map(|(path, _)| path.as_str()))?;
        let postmortems: HashSet<&str> = plan
            .documents
            .iter()
            .filter(|d| d.kind == Kind::Postmortem)
            .map(|d| d.path.as_str())
            .collect();
        let mut written = Vec::new();
        for ((path, id), head) in changes.on_disk.iter().zip(heads) {
            if head == Some(*id) {
                continue;
            }
            let mut content = None;
            if let Some(head_id) = head
                && postmortems.contains(path.as_str())
            {
                // A postmortem holds people's writing, which rolecall never
                // commits: what is committed is HEAD's text with the
                // generated sections the file has. When those are HEAD's
                // already, the difference is the person's alone.
                match self.postmortem_repair(path, head_id)? {
                    Some(merged) => content = Some(merged),
                    None => continue,
                }
            }
            written.push(UncommittedWrite {
                path: path.clone(),
                id: *id,
                replaces: head.is_some(),
                content,
            });
        }
        let planned: HashSet<&str> = plan.documents.iter().map(|d| d.path.as_str()).collect();
        let removing: HashSet<&str> = changes
            .changes
            .iter()
            .filter(|c| matches!(c, Change::Remove { .. }))
            .map(Change::path)
            .collect();
        let mut candidates: Vec<&str> = if let Some(blobs) = &self.blobs {
            blobs.keys().map(String::as_str).collect()
        } else {
            // HEAD's documents: the recorded ones, and those HEAD holds
            // otherwise than recorded.
            let mut candidates: Vec<&str> = recorded.collect();
            if let Some(changed) = &self.changed {
                candidates.extend(
                    changed
                        .iter()
                        .filter(|(_, id)| id.is_some())
                        .map(|(path, _)| path.as_str()),
                );
            }
            candidates
        };
        candidates.retain(|path| {
            Path::new(path)
                .extension()
                .is_some_and(|e| e == "md" || e == "ics")
                && !planned.contains(path)
                && !removing.contains(path)
                && in_scope(path, scope)
                && std::fs::symlink_metadata(self.root.join(path)).is_err()
        });
        candidates.sort_unstable();
        candidates.dedup();
        let heads = self.head_ids(candidates.iter().copied())?;
        let mut removed = Vec::new();
        for (path, head) in candidates.into_iter().zip(heads) {
            if let Some(id) = head
                && (self.repo.blob_starts_with(id, HEADER_PREFIX.as_bytes())?
                    || self
                        .repo
                        .blob_starts_with(id, crate::calendar::CALENDAR_PREFIX.as_bytes())?)
            {
                removed.push(path.to_owned());
            }
        }
        Ok(Uncommitted { written, removed })
    }

    /// HEAD's postmortem at `path` (blob `head_id`) with the generated
    /// sections of the file on disk; `None` when that is HEAD's text itself,
    /// or when the two cannot be merged (the next render reports why).
    fn postmortem_repair(&self, path: &str, head_id: BlobId) -> Result<Option<Vec<u8>>> {
        let committed = self.repo.blob_content(head_id)?;
        let file = self.root.join(path);
        let bytes = std::fs::read(&file).map_err(|source| Error::Read { path: file, source })?;
        // Documents are stored with LF only.
        let stored = Conversion::Text(Eol::Crlf).to_git(&bytes);
        let merged = files::merge_postmortem(path, &committed, &String::from_utf8_lossy(&stored));
        Ok(merged.ok().filter(|merged| *merged != committed))
    }

    /// HEAD's blob at each project path.
    fn head_ids<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Result<Vec<Option<BlobId>>> {
        if let Some(blobs) = &self.blobs {
            return Ok(paths.map(|path| blobs.get(path).copied()).collect());
        }
        let paths: Vec<String> = paths.map(|p| format!("{}{p}", self.prefix)).collect();
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.repo.head_blobs(&paths)?)
    }

    /// The tree of the output folder that now holds every document as
    /// compared: the new commit's when it was made on the HEAD compared
    /// with, HEAD's when nothing was committed and HEAD did not move.
    /// `None` when that cannot be vouched for.
    pub fn settled_tree(&self, committed: &Committed) -> Result<Option<String>> {
        match committed {
            Committed::Commit { info } if info.parent == self.commit => {
                Ok(self.repo.commit_folder(&info.id, &self.folder)?)
            }
            Committed::NothingToCommit => {
                let (commit, tree) = self.repo.head_folder(&self.folder)?;
                Ok(tree.filter(|_| commit == self.commit))
            }
            _ => Ok(None),
        }
    }
}

/// Whether `path` lies below one of the `scope` folders, through no hidden
/// folder or file (as the stale-document walk sees them).
fn in_scope(path: &str, scope: &[String]) -> bool {
    scope.iter().any(|folder| {
        let rest = if folder.is_empty() || folder == "." {
            Some(path)
        } else {
            path.strip_prefix(folder.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
        };
        rest.is_some_and(|rest| {
            rest.split('/')
                .all(|part| !crate::load::is_hidden(OsStr::new(part)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::in_scope;

    #[test]
    fn the_scope_is_the_folders_below_and_no_hidden_entry() {
        let scope = ["incidents".to_owned()];
        assert!(in_scope("incidents/A/README.md", &scope));
        assert!(in_scope("incidents/README.md", &scope));
        assert!(!in_scope("incidents-old/README.md", &scope));
        assert!(!in_scope("incidents/.drafts/x.md", &scope));
        assert!(!in_scope("docs/x.md", &scope));
        assert!(in_scope("x.md", &[".".to_owned()]));
    }
}
