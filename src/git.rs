//! Git integration: the only module of rolecall that talks to libgit2.
//!
//! rolecall commits exactly the documents it rendered. The commit's tree is
//! HEAD's tree with those paths replaced or removed (never the index), so
//! anything the user has staged, modified or left untracked stays as it was.
//! After committing, only the index entries of the committed paths are
//! refreshed, so `git status` does not report them as changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use git2::build::TreeUpdateBuilder;
use git2::{
    Commit, DiffOptions, ErrorCode, FileMode, IndexEntry, IndexTime, ObjectType, Oid,
    RepositoryState, Signature, Time, Tree,
};
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

/// Above this many new blobs, they are written as one pack instead of loose objects.
const PACK_THRESHOLD: usize = 1000;

/// Everything that can go wrong while talking to git; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The repository has no work tree.
    #[error("{} is a bare repository; run rolecall inside a work tree", path.display())]
    Bare { path: PathBuf },
    /// The repository is owned by another user and not trusted by `safe.directory`.
    #[error(
        "the repository at {} is owned by another user; if you trust it, run `git config --global --add safe.directory {}`",
        path.display(), path.display()
    )]
    NotOwned { path: PathBuf },
    /// Neither `--author`, the environment nor git config provide an identity.
    #[error(
        "no git identity to commit with: set one with `git config user.name \"Your Name\"` and `git config user.email you@example.com`, or pass --author \"Name <email>\""
    )]
    MissingIdentity,
    /// `--author` is not of the form `Name <email>`.
    #[error(
        "invalid author `{value}`: expected the form \"Name <email>\", e.g. --author \"Ada Lovelace <ada@example.com>\""
    )]
    InvalidAuthor { value: String },
    /// `GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE` cannot be parsed.
    #[error(
        "invalid {var} `{value}`: expected `<unix seconds> <+hhmm>` or an RFC 3339 date such as 2024-05-01T12:00:00+02:00"
    )]
    InvalidDate { var: &'static str, value: String },
    /// A merge, rebase, cherry-pick, revert, bisect or `git am` is in progress.
    #[error("a {operation} is in progress in {}; {hint} before running rolecall", path.display())]
    InProgress {
        operation: &'static str,
        hint: &'static str,
        path: PathBuf,
    },
    /// `index.lock` exists: another git process is working in the repository.
    #[error(
        "another git process holds {}; wait for it to finish (or remove the stale lock) and try again",
        path.display()
    )]
    IndexLocked { path: PathBuf },
    /// `rolecall.lock` exists: another rolecall run is writing.
    #[error(
        "another rolecall run is writing in this repository ({}); wait for it and try again (remove the file if no run is active)",
        path.display()
    )]
    Busy { path: PathBuf },
    /// The revision given to `changed_since` does not name a commit.
    #[error(
        "cannot resolve `{rev}` to a commit: check it with `git rev-parse --verify {rev}` (or fetch it) and try again"
    )]
    UnknownRevision { rev: String },
    /// The revision shares no history with HEAD.
    #[error(
        "`{rev}` and HEAD have no common ancestor; pass a revision that shares history with HEAD"
    )]
    NoMergeBase { rev: String },
    /// HEAD has no commit yet, so there is nothing to compare with.
    #[error(
        "HEAD has no commits yet, so nothing can be compared with `{rev}`; make a first commit and try again"
    )]
    UnbornHead { rev: String },
    /// A path handed to `commit_paths` cannot be committed.
    #[error("cannot commit `{path}`: {reason}")]
    InvalidPath { path: String, reason: &'static str },
    /// The commit message is empty after clean-up.
    #[error("the commit message is empty; provide a message")]
    EmptyMessage,
    /// A ref changed between reading and updating it.
    #[error(
        "{refname} was changed by another git command while rolecall was committing; run rolecall again"
    )]
    RefMoved { refname: String },
    /// The commit exists but the index could not be refreshed.
    #[error(
        "created commit {short_id} but could not update the index ({reason}); run `git reset -q -- <committed files>` to resync it"
    )]
    IndexNotUpdated { short_id: String, reason: String },
    /// A file-system operation failed.
    #[error("could not {action} {}: {error}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },
    /// Any other libgit2 failure, with the operation that failed.
    #[error("git: could not {context}: {}", error.message())]
    Git { context: String, error: git2::Error },
}

/// Returns a closure wrapping a libgit2 error with what was being done.
fn git(context: &str) -> impl FnOnce(git2::Error) -> GitError + '_ {
    move |error| GitError::Git {
        context: context.to_owned(),
        error,
    }
}

/// A person (and optionally a fixed time) to record in a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
    /// Fixed commit time (from `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE`); `None` means now.
    pub when: Option<ZonedDateTime>,
}

impl Identity {
    /// Parses `Name <email>` (the `--author` form).
    pub fn parse(value: &str) -> Result<Identity, GitError> {
        let invalid = || GitError::InvalidAuthor {
            value: value.to_owned(),
        };
        let (name, rest) = value.trim().split_once('<').ok_or_else(invalid)?;
        let email = rest.strip_suffix('>').ok_or_else(invalid)?.trim();
        let name = name.trim();
        let bad = |s: &str| s.is_empty() || s.contains(['<', '>', '\n']);
        if bad(name) || bad(email) {
            return Err(invalid());
        }
        Ok(Identity {
            name: name.to_owned(),
            email: email.to_owned(),
            when: None,
        })
    }

    /// The libgit2 signature for this identity.
    fn signature(&self) -> Result<Signature<'static>, GitError> {
        match &self.when {
            None => Signature::now(&self.name, &self.email),
            Some(when) => {
                let time = Time::new(when.timestamp().as_second(), when.offset().seconds() / 60);
                Signature::new(&self.name, &self.email, &time)
            }
        }
        .map_err(git("create a commit signature"))
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

/// Author and committer of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitSignatures {
    pub author: Identity,
    pub committer: Identity,
}

/// One path to commit: new content or removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathChange {
    Write { path: String, content: Vec<u8> },
    Remove { path: String },
}

impl PathChange {
    /// The repository-relative, `/`-separated path.
    pub fn path(&self) -> &str {
        match self {
            PathChange::Write { path, .. } | PathChange::Remove { path } => path,
        }
    }
}

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
}

/// Serialises rolecall runs: holds `<gitdir>/rolecall.lock` until dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
}

impl RunLock {
    /// Path of the lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// HEAD as read before committing.
enum Head<'r> {
    Unborn { refname: String },
    Detached { commit: Commit<'r> },
    Branch { refname: String, commit: Commit<'r> },
}

impl<'r> Head<'r> {
    /// The commit HEAD points at, if any.
    fn commit(&self) -> Option<&Commit<'r>> {
        match self {
            Head::Unborn { .. } => None,
            Head::Detached { commit } | Head::Branch { commit, .. } => Some(commit),
        }
    }

    /// The tree of HEAD's commit, if any.
    fn tree(&self) -> Result<Option<Tree<'r>>, GitError> {
        self.commit()
            .map(Commit::tree)
            .transpose()
            .map_err(git("read HEAD's tree"))
    }
}

/// One change that actually alters HEAD's tree.
struct Planned<'c> {
    path: &'c str,
    /// Blob id and content, or `None` for a removal.
    blob: Option<(Oid, &'c [u8])>,
}

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
    /// Finds the repository containing `dir` (like git's discovery); `Ok(None)` outside any repository.
    pub fn discover(dir: &Path) -> Result<Option<Repository>, GitError> {
        match git2::Repository::discover(dir) {
            Ok(inner) => Ok(Some(Repository { inner })),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) if e.code() == ErrorCode::Owner => Err(GitError::NotOwned {
                path: dir.to_path_buf(),
            }),
            Err(e) => Err(git("open the git repository")(e)),
        }
    }

    /// Whether the repository has no work tree.
    pub fn is_bare(&self) -> bool {
        self.inner.is_bare()
    }

    /// Work tree root (`None` for a bare repository).
    pub fn workdir(&self) -> Option<&Path> {
        self.inner.workdir()
    }

    /// The `.git` directory (of this work tree, for linked work trees).
    pub fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// The work tree root, or `Bare` as an error.
    fn require_workdir(&self) -> Result<&Path, GitError> {
        self.workdir().ok_or_else(|| GitError::Bare {
            path: self.git_dir().to_path_buf(),
        })
    }

    /// The directory to name in messages: the work tree, else the git directory.
    fn display_dir(&self) -> PathBuf {
        self.workdir().unwrap_or(self.git_dir()).to_path_buf()
    }

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

    /// Takes `<gitdir>/rolecall.lock` (created exclusively, containing the pid); `Busy` if it exists.
    pub fn lock_run(&self) -> Result<RunLock, GitError> {
        let path = self.git_dir().join("rolecall.lock");
        let mut file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(GitError::Busy { path });
            }
            Err(error) => {
                return Err(GitError::Io {
                    action: "create",
                    path,
                    error,
                });
            }
        };
        let lock = RunLock { path };
        writeln!(file, "{}", std::process::id()).map_err(|error| GitError::Io {
            action: "write",
            path: lock.path.clone(),
            error,
        })?;
        Ok(lock)
    }

    /// Resolves author and committer from `--author`, the `GIT_*` environment and git config.
    pub fn resolve_identity(
        &self,
        author_override: Option<&str>,
    ) -> Result<CommitSignatures, GitError> {
        let config = self
            .inner
            .config()
            .and_then(|mut c| c.snapshot())
            .map_err(git("read the git configuration"))?;
        resolve_from(
            author_override,
            |key| std::env::var(key).ok(),
            |key| config.get_string(key).ok(),
        )
    }

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

    /// Whether `changes` would alter HEAD's tree, i.e. whether `commit_paths` would commit.
    /// Writes nothing to the repository.
    pub fn would_commit(&self, changes: &[PathChange]) -> Result<bool, GitError> {
        let head = self.read_head()?;
        Ok(!plan(head.tree()?.as_ref(), changes)?.is_empty())
    }

    /// Commits exactly `changes` on top of HEAD (tree = HEAD's tree with `changes` applied), moves
    /// the branch (or detached HEAD) and refreshes the index entries of the committed paths only.
    /// Returns `None`, without committing, when the tree would not change.
    pub fn commit_paths(
        &self,
        changes: &[PathChange],
        message: &str,
        sigs: &CommitSignatures,
    ) -> Result<Option<CommitInfo>, GitError> {
        let message =
            git2::message_prettify(message, None).map_err(git("clean up the commit message"))?;
        let subject = message.lines().next().unwrap_or_default().to_owned();
        if subject.is_empty() {
            return Err(GitError::EmptyMessage);
        }
        let head = self.read_head()?;
        let base = head.tree()?;
        let planned = plan(base.as_ref(), changes)?;
        if planned.is_empty() {
            return Ok(None);
        }
        self.write_blobs(&planned)?;
        let tree = self.build_tree(base.as_ref(), &planned)?;
        if base.as_ref().map(Tree::id) == Some(tree.id()) {
            return Ok(None);
        }
        let parents: Vec<&Commit<'_>> = head.commit().into_iter().collect();
        let (author, committer) = (sigs.author.signature()?, sigs.committer.signature()?);
        let id = self
            .inner
            .commit(None, &author, &committer, &message, &tree, &parents)
            .map_err(git("create the commit"))?;
        self.move_head(&head, id, &subject)?;
        let short_id = self.short_id(id);
        if let Some(workdir) = self.workdir() {
            self.update_index(workdir, &planned)
                .map_err(|e| GitError::IndexNotUpdated {
                    short_id: short_id.clone(),
                    reason: e.to_string(),
                })?;
        }
        Ok(Some(CommitInfo {
            id: id.to_string(),
            short_id,
            subject,
            detached: matches!(head, Head::Detached { .. }),
        }))
    }

    /// Reads HEAD, distinguishing unborn, detached and branch states.
    fn read_head(&self) -> Result<Head<'_>, GitError> {
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

    /// Abbreviated id of an object (git's abbreviation, falling back to 7 hex digits).
    fn short_id(&self, id: Oid) -> String {
        self.inner
            .find_object(id, None)
            .and_then(|o| o.short_id())
            .ok()
            .and_then(|buf| buf.as_str().ok().map(str::to_owned))
            .unwrap_or_else(|| id.to_string().chars().take(7).collect())
    }

    /// Writes the blobs of `planned` that the object database lacks (as a pack when many).
    fn write_blobs(&self, planned: &[Planned<'_>]) -> Result<(), GitError> {
        let odb = self.inner.odb().map_err(git("open the object database"))?;
        let missing: Vec<&[u8]> = planned
            .iter()
            .filter_map(|p| p.blob)
            .filter(|(id, _)| !odb.exists(*id))
            .map(|(_, content)| content)
            .collect();
        if missing.len() > PACK_THRESHOLD {
            return self.write_pack(&odb, &missing);
        }
        for content in missing {
            odb.write(ObjectType::Blob, content)
                .map_err(git("write a blob"))?;
        }
        Ok(())
    }

    /// Writes `blobs` as a single pack: they are staged in an in-memory backend of a scratch
    /// repository handle (so that backend never outlives this call), packed, and indexed into `odb`.
    fn write_pack(&self, odb: &git2::Odb<'_>, blobs: &[&[u8]]) -> Result<(), GitError> {
        let context = "write the blobs as a pack";
        let scratch = git2::Repository::open(self.git_dir()).map_err(git(context))?;
        let scratch_odb = scratch.odb().map_err(git(context))?;
        scratch_odb
            .add_new_mempack_backend(1000)
            .map_err(git(context))?;
        let mut builder = scratch.packbuilder().map_err(git(context))?;
        for content in blobs {
            let id = scratch_odb
                .write(ObjectType::Blob, content)
                .map_err(git(context))?;
            builder.insert_object(id, None).map_err(git(context))?;
        }
        let mut pack = git2::Buf::new();
        builder.write_buf(&mut pack).map_err(git(context))?;
        let mut writer = odb.packwriter().map_err(git(context))?;
        writer.write_all(&pack).map_err(|error| GitError::Io {
            action: "write a pack into",
            path: self.git_dir().join("objects/pack"),
            error,
        })?;
        writer.commit().map_err(git(context))?;
        odb.refresh().map_err(git(context))
    }

    /// HEAD's tree (or the empty tree) with `planned` applied.
    fn build_tree(
        &self,
        base: Option<&Tree<'_>>,
        planned: &[Planned<'_>],
    ) -> Result<Tree<'_>, GitError> {
        let context = "build the commit tree";
        let empty;
        let base = if let Some(base) = base {
            base
        } else {
            let id = self
                .inner
                .treebuilder(None)
                .and_then(|b| b.write())
                .map_err(git(context))?;
            empty = self.inner.find_tree(id).map_err(git(context))?;
            &empty
        };
        let mut updates = TreeUpdateBuilder::new();
        for change in planned {
            match change.blob {
                Some((id, _)) => updates.upsert(change.path, id, FileMode::Blob),
                None => updates.remove(change.path),
            };
        }
        let id = updates
            .create_updated(&self.inner, base)
            .map_err(git(context))?;
        self.inner.find_tree(id).map_err(git(context))
    }

    /// Points the branch (or detached HEAD) at `id`, failing if it moved since `head` was read.
    fn move_head(&self, head: &Head<'_>, id: Oid, subject: &str) -> Result<(), GitError> {
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

    /// Re-reads the index from disk and updates only the entries of `planned` paths.
    fn update_index(&self, workdir: &Path, planned: &[Planned<'_>]) -> Result<(), GitError> {
        const WHAT: &str = "update the index";
        let mut index = self.inner.index().map_err(git(WHAT))?;
        index.read(true).map_err(git(WHAT))?;
        for change in planned {
            if let Some((id, content)) = change.blob {
                let entry = index_entry(&workdir.join(change.path), change.path, id, content);
                index.add(&entry).map_err(git(WHAT))?;
            } else {
                // A removed path may have been a directory in HEAD: drop entries below it too.
                let path = Path::new(change.path);
                index.remove_path(path).map_err(git(WHAT))?;
                index.remove_dir(path, 0).map_err(git(WHAT))?;
            }
        }
        index.write().map_err(|e| {
            if e.code() == ErrorCode::Locked {
                GitError::IndexLocked {
                    path: self.git_dir().join("index.lock"),
                }
            } else {
                git(WHAT)(e)
            }
        })
    }
}

/// The changes (last one per path wins) that alter `base`; errors on invalid paths.
fn plan<'c>(
    base: Option<&Tree<'_>>,
    changes: &'c [PathChange],
) -> Result<Vec<Planned<'c>>, GitError> {
    let mut by_path = BTreeMap::new();
    for change in changes {
        check_path(change.path())?;
        by_path.insert(change.path(), change);
    }
    let mut planned = Vec::new();
    for (path, change) in by_path {
        let existing = base.and_then(|tree| tree.get_path(Path::new(path)).ok());
        let blob = match change {
            PathChange::Write { content, .. } => {
                let id = Oid::hash_object(ObjectType::Blob, content).map_err(git("hash a blob"))?;
                let same = existing
                    .is_some_and(|e| e.id() == id && e.filemode() == i32::from(FileMode::Blob));
                if same {
                    continue;
                }
                Some((id, content.as_slice()))
            }
            PathChange::Remove { .. } if existing.is_none() => continue,
            PathChange::Remove { .. } => None,
        };
        planned.push(Planned { path, blob });
    }
    Ok(planned)
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

/// Resolves the signatures from `--author`, environment (`env`) and git config (`config`) lookups.
/// Empty values count as unset. `--author` also becomes the committer unless `GIT_COMMITTER_*` is set.
fn resolve_from(
    author_override: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
    config: impl Fn(&str) -> Option<String>,
) -> Result<CommitSignatures, GitError> {
    let env = |key: &str| env(key).filter(|v| !v.trim().is_empty());
    let config = |key: &str| config(key).filter(|v| !v.trim().is_empty());
    let mut author = match author_override {
        Some(value) => Identity::parse(value)?,
        None => Identity {
            name: env("GIT_AUTHOR_NAME")
                .or_else(|| config("author.name"))
                .or_else(|| config("user.name"))
                .ok_or(GitError::MissingIdentity)?,
            email: env("GIT_AUTHOR_EMAIL")
                .or_else(|| config("author.email"))
                .or_else(|| config("user.email"))
                .or_else(|| env("EMAIL"))
                .ok_or(GitError::MissingIdentity)?,
            when: None,
        },
    };
    let from_override = |field: &str| author_override.is_some().then(|| field.to_owned());
    let committer = Identity {
        name: env("GIT_COMMITTER_NAME")
            .or_else(|| from_override(&author.name))
            .or_else(|| config("committer.name"))
            .or_else(|| config("user.name"))
            .unwrap_or_else(|| author.name.clone()),
        email: env("GIT_COMMITTER_EMAIL")
            .or_else(|| from_override(&author.email))
            .or_else(|| config("committer.email"))
            .or_else(|| config("user.email"))
            .or_else(|| env("EMAIL"))
            .unwrap_or_else(|| author.email.clone()),
        when: env("GIT_COMMITTER_DATE")
            .map(|v| parse_date("GIT_COMMITTER_DATE", &v))
            .transpose()?,
    };
    author.when = env("GIT_AUTHOR_DATE")
        .map(|v| parse_date("GIT_AUTHOR_DATE", &v))
        .transpose()?;
    Ok(CommitSignatures { author, committer })
}

/// Parses git's raw date form `[@]<unix seconds> [<+hhmm>]` or an RFC 3339 date.
fn parse_date(var: &'static str, value: &str) -> Result<ZonedDateTime, GitError> {
    let invalid = || GitError::InvalidDate {
        var,
        value: value.to_owned(),
    };
    let raw = value.trim();
    let raw = raw.strip_prefix('@').unwrap_or(raw);
    let (seconds, offset) = raw.split_once(' ').unwrap_or((raw, "+0000"));
    if let Ok(seconds) = seconds.parse::<i64>() {
        let offset = parse_hhmm(offset.trim()).ok_or_else(invalid)?;
        let at = Timestamp::from_second(seconds).map_err(|_| invalid())?;
        return Ok(at.to_zoned_datetime(TimeZone::fixed(offset)));
    }
    let at: Timestamp = value.trim().parse().map_err(|_| invalid())?;
    let offset = match Pieces::parse(value.trim()).map_err(|_| invalid())?.offset() {
        Some(PiecesOffset::Numeric(numeric)) => numeric.offset(),
        _ => Offset::UTC,
    };
    Ok(at.to_zoned_datetime(TimeZone::fixed(offset)))
}

/// Parses a `+hhmm`/`-hhmm` offset.
fn parse_hhmm(text: &str) -> Option<Offset> {
    let (sign, digits) = match text.split_at_checked(1)? {
        ("+", digits) => (1, digits),
        ("-", digits) => (-1, digits),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i32 = digits.parse().ok()?;
    Offset::from_seconds(sign * ((value / 100) * 3600 + (value % 100) * 60)).ok()
}

/// An index entry for `path` with blob `id`; stat data comes from the work tree file when it
/// holds exactly `content`, otherwise it is zeroed so git re-examines the file.
fn index_entry(file: &Path, path: &str, id: Oid, content: &[u8]) -> IndexEntry {
    let matches = fs::read(file).is_ok_and(|on_disk| on_disk == content);
    let stat = if matches {
        fs::metadata(file).ok()
    } else {
        None
    };
    let mut entry = IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: u32::from(FileMode::Blob),
        uid: 0,
        gid: 0,
        file_size: truncate_u32(u64::try_from(content.len()).unwrap_or(u64::MAX)),
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    };
    if let Some(stat) = stat {
        fill_stat(&mut entry, &stat);
    }
    entry
}

/// Copies the file's stat data into `entry`, truncated to 32 bits as git does.
#[cfg(unix)]
fn fill_stat(entry: &mut IndexEntry, stat: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt as _;
    entry.ctime = index_time(stat.ctime(), stat.ctime_nsec());
    entry.mtime = index_time(stat.mtime(), stat.mtime_nsec());
    entry.dev = truncate_u32(stat.dev());
    entry.ino = truncate_u32(stat.ino());
    entry.uid = stat.uid();
    entry.gid = stat.gid();
}

/// Copies the file's modification time into `entry`.
#[cfg(not(unix))]
fn fill_stat(entry: &mut IndexEntry, stat: &fs::Metadata) {
    let since_epoch = |t: io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| {
                index_time(
                    i64::try_from(d.as_secs()).unwrap_or(0),
                    i64::from(d.subsec_nanos()),
                )
            })
    };
    entry.mtime = since_epoch(stat.modified()).unwrap_or(IndexTime::new(0, 0));
    entry.ctime = since_epoch(stat.created()).unwrap_or(entry.mtime);
}

/// An index timestamp; seconds wrap to 32 bits like git's on-disk format.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn index_time(seconds: i64, nanos: i64) -> IndexTime {
    IndexTime::new(seconds as i32, nanos as u32)
}

/// The low 32 bits of `value`, as git stores sizes, devices and inodes.
#[allow(clippy::cast_possible_truncation)]
fn truncate_u32(value: u64) -> u32 {
    value as u32
}

/// Creates a repository in `dir` (like `git init`), for `rolecall init`.
pub fn init(dir: &Path) -> Result<(), GitError> {
    git2::Repository::init(dir)
        .map(drop)
        .map_err(git("initialise a repository"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use tempfile::TempDir;

    /// Runs git in `dir` isolated from user/system config; panics on failure; returns stdout.
    fn git_in(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", dir.join(".no-global-config"))
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    fn write(dir: &Path, path: &str, content: &str) {
        let file = dir.join(path);
        fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        fs::write(file, content).expect("write");
    }

    /// A fresh repository on branch `main` with a local identity and no commits.
    fn init() -> (TempDir, Repository) {
        let tmp = TempDir::new().expect("tempdir");
        git_in(tmp.path(), &["init", "-q", "-b", "main"]);
        git_in(tmp.path(), &["config", "user.name", "Repo User"]);
        git_in(tmp.path(), &["config", "user.email", "repo@example.com"]);
        let repo = Repository::discover(tmp.path())
            .expect("discover")
            .expect("a repository");
        (tmp, repo)
    }

    /// A repository with `tracked.txt` and `docs/old.md` committed.
    fn init_with_commit() -> (TempDir, Repository) {
        let (tmp, repo) = init();
        write(tmp.path(), "tracked.txt", "tracked\n");
        write(tmp.path(), "docs/old.md", "old\n");
        git_in(tmp.path(), &["add", "."]);
        git_in(tmp.path(), &["commit", "-q", "-m", "initial"]);
        (tmp, repo)
    }

    fn sigs() -> CommitSignatures {
        let id = Identity::parse("Role Call <rolecall@example.com>").expect("identity");
        CommitSignatures {
            author: id.clone(),
            committer: id,
        }
    }

    fn put(path: &str, content: &str) -> PathChange {
        PathChange::Write {
            path: path.to_owned(),
            content: content.as_bytes().to_vec(),
        }
    }

    fn lines(text: &str) -> Vec<&str> {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        lines
    }

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
                path: "docs/old.md".to_owned(),
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
                path: "never/existed.md".to_owned(),
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

    #[test]
    fn many_blobs_are_written_as_a_pack() {
        let (tmp, repo) = init_with_commit();
        let changes: Vec<PathChange> = (0..PACK_THRESHOLD + 5)
            .map(|i| {
                let (path, content) = (format!("gen/{}/{i}.md", i % 7), format!("doc {i}\n"));
                write(tmp.path(), &path, &content);
                put(&path, &content)
            })
            .collect();
        let info = repo
            .commit_paths(&changes, "bulk", &sigs())
            .expect("commit");
        assert!(info.is_some());
        git_in(tmp.path(), &["fsck", "--strict"]);
        let counts = git_in(tmp.path(), &["count-objects", "-v"]);
        assert!(counts.contains("packs: 1"), "{counts}");
        let loose: usize = counts
            .lines()
            .find_map(|l| l.strip_prefix("count: "))
            .and_then(|n| n.parse().ok())
            .expect("loose count");
        assert!(loose < 50, "blobs must not be loose: {counts}");
        assert_eq!(git_in(tmp.path(), &["status", "--porcelain"]), "");
        let listed = git_in(tmp.path(), &["ls-tree", "-r", "--name-only", "HEAD", "gen"]);
        assert_eq!(listed.lines().count(), PACK_THRESHOLD + 5);
    }

    #[test]
    fn removing_a_directory_removes_its_index_entries() {
        let (tmp, repo) = init_with_commit();
        fs::remove_dir_all(tmp.path().join("docs")).expect("remove");
        let gone = [PathChange::Remove {
            path: "docs".to_owned(),
        }];
        let info = repo
            .commit_paths(&gone, "drop docs", &sigs())
            .expect("commit");
        assert!(info.is_some());
        let shown = git_in(tmp.path(), &["show", "--name-only", "--format=", "HEAD"]);
        assert_eq!(shown.trim(), "docs/old.md");
        assert_eq!(git_in(tmp.path(), &["status", "--porcelain"]), "");
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
    fn ensure_ready_refuses_a_held_index_lock_and_leaves_it() {
        let (_tmp, repo) = init_with_commit();
        let lock = repo.git_dir().join("index.lock");
        fs::write(&lock, "").expect("lock");
        let err = repo.ensure_ready().expect_err("locked");
        assert!(matches!(err, GitError::IndexLocked { ref path } if *path == lock));
        assert!(err.to_string().starts_with("another git process holds "));
        assert!(lock.exists());
    }

    #[test]
    fn a_lock_taken_after_committing_is_reported_and_left_alone() {
        let (tmp, repo) = init_with_commit();
        let lock = repo.git_dir().join("index.lock");
        fs::write(&lock, "").expect("lock");
        write(tmp.path(), "a.md", "a\n");
        let err = repo
            .commit_paths(&[put("a.md", "a\n")], "locked", &sigs())
            .expect_err("index locked");
        let text = err.to_string();
        assert!(matches!(err, GitError::IndexNotUpdated { .. }), "{text}");
        assert!(text.contains("another git process holds"), "{text}");
        assert!(lock.exists());
        assert_eq!(
            git_in(tmp.path(), &["rev-list", "--count", "HEAD"]).trim(),
            "2"
        );
    }

    #[test]
    fn run_lock_is_exclusive_and_released_on_drop() {
        let (_tmp, repo) = init();
        let lock = repo.lock_run().expect("first lock");
        let pid = fs::read_to_string(lock.path()).expect("read lock");
        assert_eq!(pid.trim(), std::process::id().to_string());
        let err = repo.lock_run().expect_err("second lock");
        assert!(matches!(err, GitError::Busy { .. }));
        let path = lock.path().to_path_buf();
        drop(lock);
        assert!(!path.exists());
        drop(repo.lock_run().expect("lock again"));
    }

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

    #[test]
    fn resolve_identity_prefers_repository_config() {
        let (_tmp, repo) = init();
        let sigs = repo.resolve_identity(None);
        // GIT_AUTHOR_* in the test environment would legitimately win; only check without them.
        if std::env::var_os("GIT_AUTHOR_NAME").is_none()
            && std::env::var_os("GIT_AUTHOR_EMAIL").is_none()
        {
            let sigs = sigs.expect("identity");
            assert_eq!(sigs.author.to_string(), "Repo User <repo@example.com>");
        }
        let sigs = repo
            .resolve_identity(Some("Ada <ada@example.com>"))
            .expect("override");
        assert_eq!(sigs.author.to_string(), "Ada <ada@example.com>");
    }

    /// Lookup function over fixed key/value pairs.
    fn table(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    #[test]
    fn resolve_from_reports_a_missing_identity() {
        let err = resolve_from(None, table(&[]), table(&[])).expect_err("no identity");
        assert!(matches!(err, GitError::MissingIdentity));
        assert!(err.to_string().contains("git config user.name"));
        let err = resolve_from(
            None,
            table(&[("GIT_AUTHOR_NAME", "A")]),
            table(&[("user.name", "U")]),
        )
        .expect_err("no email");
        assert!(matches!(err, GitError::MissingIdentity));
        let err = resolve_from(
            None,
            table(&[("GIT_AUTHOR_NAME", "")]),
            table(&[("user.email", "u@x")]),
        )
        .expect_err("empty name");
        assert!(matches!(err, GitError::MissingIdentity));
    }

    #[test]
    fn resolve_from_uses_config_then_environment() {
        let config = table(&[("user.name", "U"), ("user.email", "u@x")]);
        let sigs = resolve_from(None, table(&[]), &config).expect("config");
        assert_eq!(
            (sigs.author.to_string(), sigs.committer.to_string()),
            ("U <u@x>".into(), "U <u@x>".into())
        );

        let env = table(&[("GIT_AUTHOR_NAME", "A"), ("GIT_AUTHOR_EMAIL", "a@x")]);
        let sigs = resolve_from(None, &env, &config).expect("env");
        assert_eq!(
            (sigs.author.to_string(), sigs.committer.to_string()),
            ("A <a@x>".into(), "U <u@x>".into())
        );

        let sigs = resolve_from(None, &env, table(&[])).expect("env only");
        assert_eq!(
            sigs.committer.to_string(),
            "A <a@x>",
            "committer falls back to the author"
        );

        let env = table(&[("GIT_COMMITTER_NAME", "C"), ("GIT_COMMITTER_EMAIL", "c@x")]);
        let sigs = resolve_from(None, &env, &config).expect("committer env");
        assert_eq!(
            (sigs.author.to_string(), sigs.committer.to_string()),
            ("U <u@x>".into(), "C <c@x>".into())
        );
    }

    #[test]
    fn resolve_from_author_override_sets_author_and_committer() {
        let config = table(&[("user.name", "U"), ("user.email", "u@x")]);
        let sigs = resolve_from(
            Some("  Ada Lovelace <ada@example.com> "),
            table(&[]),
            &config,
        )
        .expect("override");
        assert_eq!(sigs.author.name, "Ada Lovelace");
        assert_eq!(sigs.author.email, "ada@example.com");
        assert_eq!(sigs.committer, sigs.author);

        let env = table(&[("GIT_COMMITTER_NAME", "C")]);
        let sigs = resolve_from(Some("Ada <ada@x>"), &env, &config).expect("override + env");
        assert_eq!(sigs.committer.to_string(), "C <ada@x>");

        for bad in ["Ada", "Ada <>", "<ada@x>", "Ada <ada@x", "Ada <a<b@x>"] {
            let err = resolve_from(Some(bad), table(&[]), &config).expect_err(bad);
            assert!(matches!(err, GitError::InvalidAuthor { .. }), "{bad}");
            assert!(err.to_string().contains("\"Name <email>\""));
        }
    }

    #[test]
    fn resolve_from_reads_fixed_dates() {
        let config = table(&[("user.name", "U"), ("user.email", "u@x")]);
        let env = table(&[
            ("GIT_AUTHOR_DATE", "1700000000 +0130"),
            ("GIT_COMMITTER_DATE", "2024-05-01T12:00:00-07:00"),
        ]);
        let sigs = resolve_from(None, env, &config).expect("dates");
        let author = sigs.author.when.expect("author date");
        assert_eq!(
            (author.timestamp().as_second(), author.offset().seconds()),
            (1_700_000_000, 5400)
        );
        let committer = sigs.committer.when.expect("committer date");
        assert_eq!(committer.offset().seconds(), -7 * 3600);
        assert_eq!(committer.timestamp().as_second(), 1_714_590_000);

        let err = resolve_from(None, table(&[("GIT_AUTHOR_DATE", "yesterday")]), &config)
            .expect_err("bad date");
        assert!(matches!(
            err,
            GitError::InvalidDate {
                var: "GIT_AUTHOR_DATE",
                ..
            }
        ));
    }

    #[test]
    fn fixed_dates_reach_the_commit() {
        let (tmp, repo) = init_with_commit();
        let mut sigs = sigs();
        sigs.author.when = Some(parse_date("GIT_AUTHOR_DATE", "@1700000000 -0500").expect("date"));
        write(tmp.path(), "a.md", "a\n");
        repo.commit_paths(&[put("a.md", "a\n")], "dated", &sigs)
            .expect("commit")
            .expect("a commit");
        let dates = git_in(tmp.path(), &["log", "-1", "--format=%ad", "--date=raw"]);
        assert_eq!(dates.trim(), "1700000000 -0500");
    }

    #[test]
    fn a_work_tree_file_that_differs_is_left_for_git_to_rehash() {
        let (tmp, repo) = init_with_commit();
        write(tmp.path(), "a.md", "on disk\n");
        repo.commit_paths(&[put("a.md", "committed\n")], "differs", &sigs())
            .expect("commit");
        assert_eq!(
            git_in(tmp.path(), &["status", "--porcelain"]).trim(),
            "M a.md"
        );
    }
}
