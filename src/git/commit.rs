//! Committing exactly the given paths: the commit's tree is HEAD's tree with
//! those paths replaced or removed (never the index), so whatever the user
//! has staged, modified or left untracked stays as it was.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use git2::build::TreeUpdateBuilder;
use git2::{Commit, FileMode, ObjectType, Oid, Tree};

use super::head::Head;
use super::identity::CommitSignatures;
use super::index_file::StagedIndex;
use super::objects::{NewObjects, PACK_THRESHOLD};
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

/// One change that actually alters HEAD's tree.
pub(super) struct Planned<'c> {
    pub(super) path: &'c str,
    /// Blob id and content, or `None` for a removal.
    pub(super) blob: Option<(Oid, &'c Blob)>,
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
            Some(workdir) => Some(self.update_index(workdir, &planned)?),
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

/// While one lives, libgit2 does not check that each object a new tree or
/// index entry names is in the object database (its "strict object
/// creation", on by default, is back on when the last one is dropped: the
/// setting is the process's, so holders are counted). A large render's
/// blobs go into one pack with its trees, written after the trees are made
/// in memory: checking would find them missing, and for blobs already
/// stored it would read every header back, mapping whole packs into memory
/// (70 MB at 10,000 records) at a lookup per document.
pub(super) struct UncheckedEntries;

/// How many [`UncheckedEntries`] are alive.
static UNCHECKED_HOLDERS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

impl UncheckedEntries {
    pub(super) fn new() -> UncheckedEntries {
        let mut holders = UNCHECKED_HOLDERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *holders == 0 {
            git2::opts::strict_object_creation(false);
        }
        *holders += 1;
        UncheckedEntries
    }
}

impl Drop for UncheckedEntries {
    fn drop(&mut self) {
        let mut holders = UNCHECKED_HOLDERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *holders -= 1;
        if *holders == 0 {
            git2::opts::strict_object_creation(true);
        }
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

/// A blob id as libgit2's. (`Oid::from_bytes` fails only on a length other
/// than 20 bytes, which a `BlobId` cannot have.)
pub(super) fn oid(id: BlobId) -> Oid {
    Oid::from_bytes(&id.0).unwrap_or(Oid::ZERO_SHA1)
}

/// A libgit2 id as a blob id.
pub(super) fn blob_id(id: Oid) -> BlobId {
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(&id.as_bytes()[..20]);
    BlobId(bytes)
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
mod tests {
    use std::fs;
    use std::path::Path;

    use tempfile::TempDir;

    use super::*;
    use crate::git::HeadState;
    use crate::git::test_support::{git_in, init_with_commit, lines, put, sigs, write};

    /// `git ls-files --stage --debug` (which never writes the index) minus entries under `docs/`
    /// and the size/flags lines.
    fn index_dump_without_docs(dir: &Path) -> String {
        let dump = git_in(dir, &["ls-files", "--stage", "--debug"]);
        let mut keep = true;
        let mut out = String::new();
        for line in dump.lines() {
            if !line.starts_with(' ') {
                keep = !line.contains("\tdocs/");
            }
            // Writing the index may zero the size of racily clean entries (git does the same).
            if keep && !line.trim_start().starts_with("size:") {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn commits_exactly_the_paths_and_keeps_other_index_entries() {
        let (tmp, repo) = init_with_commit();
        let dir = tmp.path();
        write(dir, "other.txt", "staged\n");
        git_in(dir, &["add", "other.txt"]);
        write(dir, "tracked.txt", "modified but unstaged\n");
        write(dir, "x", "untracked\n");
        write(dir, "docs/a.md", "# A\n");
        write(dir, "docs/b.md", "# B\n");
        fs::remove_file(dir.join("docs/old.md")).expect("remove");
        let changes = [
            put("docs/a.md", "# A\n"),
            put("docs/b.md", "# B\n"),
            PathChange::Remove {
                path: "docs/old.md".into(),
            },
        ];
        assert!(repo.would_commit(&changes).expect("would_commit"));
        let others_before = index_dump_without_docs(dir);

        let info = repo
            .commit_paths(&changes, "docs: render briefings\n\nBody.", &sigs())
            .expect("commit")
            .expect("a commit");
        // Before any git command can refresh the index behind our back:
        assert_eq!(index_dump_without_docs(dir), others_before);
        let mut index = repo.inner.index().expect("index");
        index.read(true).expect("read index");
        let entry = index.get_path(Path::new("docs/a.md"), 0).expect("entry");
        assert!(
            entry.mtime.seconds() > 0 && entry.ino != 0,
            "stat data from the work tree"
        );
        assert_eq!((entry.file_size, entry.mode), (4, 0o100_644));
        assert!(index.get_path(Path::new("docs/old.md"), 0).is_none());
        assert_eq!(info.subject, "docs: render briefings");
        assert!(!info.detached);
        assert_eq!(info.id, git_in(dir, &["rev-parse", "HEAD"]).trim());
        assert!(info.id.starts_with(&info.short_id) && info.short_id.len() >= 7);

        let shown = git_in(dir, &["show", "--name-only", "--format=", "HEAD"]);
        assert_eq!(lines(&shown), ["docs/a.md", "docs/b.md", "docs/old.md"]);
        let status = git_in(dir, &["status", "--porcelain"]);
        assert_eq!(lines(&status), [" M tracked.txt", "?? x", "A  other.txt"]);
        git_in(dir, &["fsck", "--strict"]);
        let who = git_in(dir, &["log", "-1", "--format=%an <%ae>|%cn <%ce>|%P"]);
        let parent = git_in(dir, &["rev-parse", "HEAD~1"]);
        assert_eq!(
            who.trim(),
            format!(
                "Role Call <rolecall@example.com>|Role Call <rolecall@example.com>|{}",
                parent.trim()
            )
        );
        let reflog = git_in(dir, &["reflog", "-1", "--format=%gs", "main"]);
        assert_eq!(reflog.trim(), "commit: docs: render briefings");
        let head_log = git_in(dir, &["reflog", "-1", "--format=%gs", "HEAD"]);
        assert_eq!(head_log.trim(), "commit: docs: render briefings");

        assert!(!repo.would_commit(&changes).expect("would_commit"));
        assert_eq!(
            repo.commit_paths(&changes, "again", &sigs())
                .expect("commit"),
            None
        );
        assert_eq!(git_in(dir, &["rev-list", "--count", "HEAD"]).trim(), "2");
    }

    #[test]
    fn first_commit_on_unborn_branch_is_a_root_commit() {
        let tmp = TempDir::new().expect("tempdir");
        git_in(tmp.path(), &["init", "-q", "-b", "trunk"]);
        let repo = Repository::discover(tmp.path())
            .expect("discover")
            .expect("repo");
        assert_eq!(
            repo.head_state().expect("head"),
            HeadState::Unborn("trunk".to_owned())
        );
        write(tmp.path(), "README.md", "hello\n");
        write(tmp.path(), "untracked.txt", "x\n");
        let changes = [
            put("README.md", "hello\n"),
            PathChange::Remove {
                path: "never/existed.md".into(),
            },
        ];
        let info = repo
            .commit_paths(&changes, "first", &sigs())
            .expect("commit")
            .expect("a commit");
        assert!(!info.detached);
        assert_eq!(
            git_in(tmp.path(), &["rev-list", "--count", "HEAD"]).trim(),
            "1"
        );
        assert_eq!(
            git_in(tmp.path(), &["ls-tree", "-r", "--name-only", "HEAD"]).trim(),
            "README.md"
        );
        assert_eq!(
            repo.head_state().expect("head"),
            HeadState::Branch("trunk".to_owned())
        );
        let status = git_in(tmp.path(), &["status", "--porcelain"]);
        assert_eq!(status.trim(), "?? untracked.txt");
        let reflog = git_in(tmp.path(), &["reflog", "-1", "--format=%gs", "trunk"]);
        assert_eq!(reflog.trim(), "commit (initial): first");
        git_in(tmp.path(), &["fsck", "--strict"]);
    }

    #[test]
    fn empty_change_set_and_unchanged_content_make_no_commit() {
        let (tmp, repo) = init_with_commit();
        assert!(!repo.would_commit(&[]).expect("would_commit"));
        assert_eq!(
            repo.commit_paths(&[], "nothing", &sigs()).expect("commit"),
            None
        );
        let same = [put("tracked.txt", "tracked\n")];
        assert!(!repo.would_commit(&same).expect("would_commit"));
        assert_eq!(
            repo.commit_paths(&same, "same", &sigs()).expect("commit"),
            None
        );
        assert_eq!(
            git_in(tmp.path(), &["rev-list", "--count", "HEAD"]).trim(),
            "1"
        );
        assert_eq!(git_in(tmp.path(), &["status", "--porcelain"]), "");
    }

    #[test]
    fn existing_entries_are_found_folder_by_folder() {
        let (tmp, repo) = init_with_commit();
        let nested = [put("a/b/c.md", "c\n"), put("a/d.md", "d\n")];
        repo.commit_paths(&nested, "nested", &sigs())
            .expect("commit")
            .expect("a commit");
        let head = repo.read_head().expect("head");
        let base = head.tree().expect("tree");
        let mut existing = Existing::new(&repo.inner, base.as_ref());
        let blob = |text: &str| {
            Some((
                Oid::hash_object(ObjectType::Blob, text.as_bytes()).expect("hash"),
                i32::from(FileMode::Blob),
            ))
        };
        assert_eq!(existing.entry("a/b/c.md").expect("entry"), blob("c\n"));
        assert_eq!(existing.entry("a/d.md").expect("entry"), blob("d\n"));
        assert_eq!(
            existing.entry("tracked.txt").expect("entry"),
            blob("tracked\n")
        );
        let folder = existing.entry("a/b").expect("entry").expect("a folder");
        assert_eq!(folder.1, i32::from(FileMode::Tree));
        for missing in ["a/b/x.md", "x/y/z.md", "a/b/c.md/below", "a/d.md/below"] {
            assert_eq!(existing.entry(missing).expect("entry"), None, "{missing}");
        }
        // Unchanged content under nested folders makes no commit.
        assert!(!repo.would_commit(&nested).expect("would_commit"));
        drop(tmp);
    }

    #[test]
    fn invalid_paths_and_messages_are_rejected() {
        let (_tmp, repo) = init_with_commit();
        for bad in [
            "",
            "/abs",
            "a//b",
            "./a",
            "a/../b",
            ".git/config",
            "sub/.GIT/x",
            "a\\b",
            "dir/",
        ] {
            let err = repo.would_commit(&[put(bad, "x")]).expect_err(bad);
            assert!(matches!(err, GitError::InvalidPath { .. }), "{bad}: {err}");
        }
        let err = repo
            .commit_paths(&[put("a.md", "x")], " \n\n", &sigs())
            .expect_err("empty");
        assert!(matches!(err, GitError::EmptyMessage));
    }
}
