//! Committing exactly the given paths: the commit's tree is HEAD's tree with
//! those paths replaced or removed (never the index), so whatever the user
//! has staged, modified or left untracked stays as it was.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use git2::build::TreeUpdateBuilder;
use git2::{Commit, FileMode, ObjectType, Oid, Tree};

use super::head::Head;
use super::identity::CommitSignatures;
use super::index::Written;
use super::index_file::StagedIndex;
use super::objects::NewObjects;
use super::planned::{PACK_THRESHOLD, Planned, UncheckedEntries, blob_id, oid};
use super::{GitError, Repository, git};
use crate::blob::{Blob, BlobId};

/// One path to commit: new content, held deflated (borrowed from the
/// caller's change when it can be, so a large render does not hold its
/// documents twice), or removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathChange<'a> {
    Write {
        path: Cow<'a, str>,
        blob: Cow<'a, Blob>,
    },
    Remove {
        path: Cow<'a, str>,
    },
}

impl PathChange<'_> {
    /// The repository-relative, `/`-separated path.
    pub fn path(&self) -> &str {
        match self {
            PathChange::Write { path, .. } | PathChange::Remove { path } => path,
        }
    }
}

/// The commit `commit_paths` created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hexadecimal id.
    pub id: String,
    /// Abbreviated id (at least 7 characters, unique in the repository).
    pub short_id: String,
    /// First line of the message.
    pub subject: String,
    /// Whether the commit was made on a detached HEAD.
    pub detached: bool,
    /// Something the user should know about the repository (packs piling up).
    pub note: Option<String>,
    /// Full id of the commit it was made on (`None` for a root commit).
    pub parent: Option<String>,
}

impl Repository {
    /// Whether `changes` would alter HEAD's tree, i.e. whether `commit_paths` would commit.
    /// Writes nothing to the repository.
    pub fn would_commit(&self, changes: &[PathChange<'_>]) -> Result<bool, GitError> {
        let head = self.read_head()?;
        let base = head.tree()?;
        let mut existing = Existing::new(&self.inner, base.as_ref());
        // Stops at the first change that alters the tree: a large render
        // would otherwise hash every document twice.
        for change in last_per_path(changes)?.into_values() {
            if planned(&mut existing, change)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// For each `(path, id)`: whether HEAD's tree holds blob `id` at `path`
    /// and the object database has it, so it can be read back.
    pub fn head_holds(&self, blobs: &[(String, BlobId)]) -> Result<Vec<bool>, GitError> {
        let head = self.read_head()?;
        let base = head.tree()?;
        let odb = self.inner.odb().map_err(git("open the object database"))?;
        let mut existing = Existing::new(&self.inner, base.as_ref());
        blobs
            .iter()
            .map(|(path, id)| {
                let id = oid(*id);
                Ok(check_path(path).is_ok()
                    && existing.entry(path)?.is_some_and(|(found, _)| found == id)
                    && odb.exists(id))
            })
            .collect()
    }

    /// The blob HEAD's tree holds at each of `paths` (`None`: nothing, or
    /// not a file).
    pub fn head_blobs(&self, paths: &[String]) -> Result<Vec<Option<BlobId>>, GitError> {
        let head = self.read_head()?;
        let base = head.tree()?;
        let mut existing = Existing::new(&self.inner, base.as_ref());
        paths
            .iter()
            .map(|path| {
                if check_path(path).is_err() {
                    return Ok(None);
                }
                Ok(existing
                    .entry(path)?
                    .filter(|&(_, mode)| mode == i32::from(FileMode::Blob))
                    .map(|(id, _)| blob_id(id)))
            })
            .collect()
    }

    /// Commits exactly `changes` on top of HEAD (tree = HEAD's tree with `changes` applied),
    /// writes the index with the entries of the committed paths refreshed (only those), then
    /// moves the branch (or detached HEAD); if the branch cannot move, the index is put back.
    /// Returns `None`, without committing, when the tree would not change.
    pub fn commit_paths(
        &self,
        changes: &[PathChange<'_>],
        message: &str,
        sigs: &CommitSignatures,
    ) -> Result<Option<CommitInfo>, GitError> {
        self.commit_and_refresh(changes, &[], message, sigs)
    }

    /// [`commit_paths`](Self::commit_paths), which also gives the index
    /// entries of the `written` files their stat data as
    /// [`refresh_stat`](Self::refresh_stat) would, in the same update of
    /// the index. When it returns `None` the index is untouched: refreshing
    /// is then the caller's.
    pub fn commit_and_refresh(
        &self,
        changes: &[PathChange<'_>],
        written: &[Written<'_>],
        message: &str,
        sigs: &CommitSignatures,
    ) -> Result<Option<CommitInfo>, GitError> {
        let message = clean_message(message);
        let subject = message.lines().next().unwrap_or_default().to_owned();
        if subject.is_empty() {
            return Err(GitError::EmptyMessage);
        }
        let head = self.read_head()?;
        let base = head.tree()?;
        let planned = plan(&mut Existing::new(&self.inner, base.as_ref()), changes)?;
        if planned.is_empty() {
            return Ok(None);
        }
        let mut objects = self.write_blobs(&planned)?;
        crate::crash_points::reached("blobs");
        let tree = self.build_tree(base.as_ref(), &planned, &mut objects)?;
        crate::crash_points::reached("tree");
        if base.as_ref().map(Tree::id) == Some(tree.id()) {
            return Ok(None);
        }
        let parents: Vec<&Commit<'_>> = head.commit().into_iter().collect();
        let (author, committer) = (sigs.author.signature()?, sigs.committer.signature()?);
        let signing = sigs.signing.as_ref();
        let id = self.create_commit(signing, (&author, &committer), &message, &tree, &parents)?;
        crate::crash_points::reached("commit-object");
        // The index first, the branch last (git's order): stopped in
        // between, the documents are staged and HEAD is where it was, which
        // the next render commits; never a branch ahead of its index.
        let staged = match self.workdir() {
            Some(workdir) => Some(self.update_index(workdir, &planned, written)?),
            None => None,
        };
        crate::crash_points::reached("index");
        #[cfg(debug_assertions)]
        let moved = injected_fault().and_then(|()| self.move_head(&head, id, &subject));
        #[cfg(not(debug_assertions))]
        let moved = self.move_head(&head, id, &subject);
        if let Err(error) = moved {
            return Err(match staged.map(StagedIndex::roll_back) {
                Some(Err(rollback)) => GitError::IndexNotRolledBack {
                    error: Box::new(error),
                    rollback: Box::new(rollback),
                },
                _ => error,
            });
        }
        crate::crash_points::reached("ref");
        drop(staged);
        // The commit is reachable now: its pack no longer needs holding.
        let note = objects.release();
        Ok(Some(CommitInfo {
            id: id.to_string(),
            short_id: self.short_id(id),
            subject,
            detached: matches!(head, Head::Detached { .. }),
            note,
            parent: head.commit().map(|c| c.id().to_string()),
        }))
    }

    /// HEAD's tree (or the empty tree) with `planned` applied. For many
    /// changes the new trees are made in memory and stored as one pack: a
    /// large render creates thousands of folders, and as loose objects each
    /// tree would be a file of its own.
    fn build_tree(
        &self,
        base: Option<&Tree<'_>>,
        planned: &[Planned<'_>],
        objects: &mut NewObjects<'_>,
    ) -> Result<Tree<'_>, GitError> {
        let context = "build the commit tree";
        let id = if planned.len() > PACK_THRESHOLD {
            // A scratch handle, so the in-memory backend never outlives this call.
            let scratch = git2::Repository::open(self.git_dir()).map_err(git(context))?;
            let odb = scratch.odb().map_err(git(context))?;
            odb.add_new_mempack_backend(1000).map_err(git(context))?;
            let id = {
                let _unchecked = UncheckedEntries::new();
                updated_tree(&scratch, base.map(Tree::id), planned).map_err(git(context))?
            };
            self.write_new_trees(&scratch, id, objects)?;
            id
        } else {
            updated_tree(&self.inner, base.map(Tree::id), planned).map_err(git(context))?
        };
        self.inner.find_tree(id).map_err(git(context))
    }
}

/// Writes the tree `base` (the empty tree when `None`) with `planned`
/// applied into `repo`'s object database; returns its id.
fn updated_tree(
    repo: &git2::Repository,
    base: Option<Oid>,
    planned: &[Planned<'_>],
) -> Result<Oid, git2::Error> {
    let base = match base {
        Some(id) => repo.find_tree(id)?,
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };
    let mut updates = TreeUpdateBuilder::new();
    for change in planned {
        match change.blob {
            Some((id, _)) => updates.upsert(change.path, id, FileMode::Blob),
            None => updates.remove(change.path),
        };
    }
    updates.create_updated(repo, &base)
}

/// Test-only fault injection, compiled into debug builds only (release builds
/// have none of it): with `ROLECALL_FAIL_COMMIT=1` in the environment,
/// `commit_paths` fails after writing the commit object and the index and
/// before moving HEAD, as when another process refuses the ref update. The integration
/// tests (`tests/integration/faults.rs`) use it to show that the files written
/// before the commit are put back.
#[cfg(debug_assertions)]
fn injected_fault() -> Result<(), GitError> {
    match std::env::var_os("ROLECALL_FAIL_COMMIT") {
        Some(value) if value == "1" => Err(GitError::Git {
            context: "update HEAD".to_owned(),
            error: git2::Error::from_str("injected fault (ROLECALL_FAIL_COMMIT=1)"),
        }),
        _ => Ok(()),
    }
}

/// The changes (last one per path wins) that alter `base`; errors on invalid paths.
fn plan<'c>(
    existing: &mut Existing<'_>,
    changes: &'c [PathChange<'_>],
) -> Result<Vec<Planned<'c>>, GitError> {
    let mut planned = Vec::with_capacity(changes.len());
    for change in last_per_path(changes)?.into_values() {
        planned.extend(self::planned(existing, change)?);
    }
    Ok(planned)
}

/// The last change of each path, in path order; errors on invalid paths.
fn last_per_path<'c>(
    changes: &'c [PathChange<'_>],
) -> Result<BTreeMap<&'c str, &'c PathChange<'c>>, GitError> {
    let mut by_path = BTreeMap::new();
    for change in changes {
        check_path(change.path())?;
        by_path.insert(change.path(), change);
    }
    Ok(by_path)
}

/// `change` as planned against the base tree; `None` when it would not
/// alter it.
fn planned<'c>(
    existing: &mut Existing<'_>,
    change: &'c PathChange<'_>,
) -> Result<Option<Planned<'c>>, GitError> {
    let path = change.path();
    let existing = existing.entry(path)?;
    let blob = match change {
        PathChange::Write { blob, .. } => {
            let id = oid(blob.id());
            if existing == Some((id, i32::from(FileMode::Blob))) {
                return Ok(None);
            }
            Some((id, blob.as_ref()))
        }
        PathChange::Remove { .. } if existing.is_none() => return Ok(None),
        PathChange::Remove { .. } => None,
    };
    Ok(Some(Planned { path, blob }))
}

/// What the base tree holds at a path, each folder's tree read once.
/// (`Tree::get_path` reads every folder on the way again, and libgit2 does
/// not cache trees above 4 KiB: with ten thousand incident folders under
/// one, looking up every document of a render took minutes.)
struct Existing<'r> {
    repo: &'r git2::Repository,
    /// By folder path (`""` for the root); `None` where there is no folder.
    folders: HashMap<String, Option<Tree<'r>>>,
}

impl<'r> Existing<'r> {
    fn new(repo: &'r git2::Repository, base: Option<&Tree<'r>>) -> Existing<'r> {
        let mut folders = HashMap::new();
        folders.insert(String::new(), base.cloned());
        Existing { repo, folders }
    }

    /// The id and file mode of the entry at `path`, if any.
    fn entry(&mut self, path: &str) -> Result<Option<(Oid, i32)>, GitError> {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        Ok(self
            .folder(folder)?
            .and_then(|tree| tree.get_name(name))
            .map(|entry| (entry.id(), entry.filemode())))
    }

    /// The tree of `folder`, read on first use.
    fn folder(&mut self, folder: &str) -> Result<Option<&Tree<'r>>, GitError> {
        if !self.folders.contains_key(folder) {
            let (parent, name) = folder.rsplit_once('/').unwrap_or(("", folder));
            let id = self
                .folder(parent)?
                .and_then(|tree| tree.get_name(name))
                .filter(|entry| entry.kind() == Some(ObjectType::Tree))
                .map(|entry| entry.id());
            let tree = match id {
                Some(id) => Some(self.repo.find_tree(id).map_err(git("read a tree"))?),
                None => None,
            };
            self.folders.insert(folder.to_owned(), tree);
        }
        Ok(self.folders.get(folder).and_then(Option::as_ref))
    }
}

/// Rejects paths that are not plain, relative, '/'-separated work tree paths.
fn check_path(path: &str) -> Result<(), GitError> {
    let reason = if path.is_empty() {
        "the path is empty"
    } else if path.contains(['\\', '\0']) {
        "use `/` as the separator and no NUL bytes"
    } else if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        "the path must be relative and normalised (no leading `/`, empty, `.` or `..` parts)"
    } else if path.split('/').any(|c| c.eq_ignore_ascii_case(".git")) {
        "paths inside `.git` cannot be committed"
    } else {
        return Ok(());
    };
    Err(GitError::InvalidPath {
        path: path.to_owned(),
        reason,
    })
}

/// What `git commit` does to a message, in linear time (libgit2's
/// `message_prettify` is quadratic on the ~100,000-line messages of a large
/// render): trailing whitespace removed from every line, runs of blank
/// lines collapsed, blank lines at both ends dropped, one final newline.
fn clean_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 1);
    let mut blank = false;
    for line in message.lines().map(str::trim_end) {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
