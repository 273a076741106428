//! [`RunLock`]: one writing rolecall run at a time per repository, and the
//! repair of what a killed run left behind.
//!
//! `<gitdir>/rolecall.lock` is held with an OS lock, which the system
//! releases however the process ends, so a lock left by a dead run never
//! blocks the next one. The file is also the run's journal: before it makes
//! temporary files, a run notes where (the work-tree folders it writes
//! documents in, git's `index.lock` once it holds it). A finished run
//! removes the file; a file the next run can lock and finds content in was
//! left by a run that died, and that run's temporaries are removed.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};

use super::{GitError, Repository};

/// The lock file's name inside the git folder.
const FILE: &str = "rolecall.lock";

/// The prefix of rolecall's pack temporaries (`tmp_pack_rolecall_<pid>_…`,
/// `tmp_idx_rolecall_<pid>_…`): git's `tmp_` convention, so that `git gc`
/// would expire them too, with the pid of the run that made them.
pub(super) fn pack_temporary_prefix(kind: &str) -> String {
    format!("tmp_{kind}_rolecall_{}_", std::process::id())
}

/// Holds `<gitdir>/rolecall.lock` until dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    file: File,
    /// What the run before this one left behind and this one removed.
    repaired: Vec<PathBuf>,
}

impl RunLock {
    /// Path of the lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary files and locks a killed run had left, which taking
    /// the lock removed.
    pub fn repaired(&self) -> &[PathBuf] {
        &self.repaired
    }

    /// Notes the work-tree folders (relative to the work tree, `/`-separated)
    /// this run is about to write files in, so that a next run can remove
    /// the temporaries should this one be killed.
    pub fn note_folders<'a>(
        &self,
        folders: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), GitError> {
        let mut text = String::new();
        for folder in folders {
            if !folder.contains(['\n', '\r']) {
                text.push_str("folder ");
                text.push_str(folder);
                text.push('\n');
            }
        }
        append(&self.file, &self.path, &text)
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while still locked: a run that opened the file meanwhile
        // finds the path gone once it holds the lock, and opens it again.
        let _ = fs::remove_file(&self.path);
    }
}

impl Repository {
    /// Takes `<gitdir>/rolecall.lock`: `Busy` while another run holds it.
    /// A file no process holds is taken over, and what the run that left it
    /// had noted in it is cleaned up first.
    pub fn lock_run(&self) -> Result<RunLock, GitError> {
        let path = self.git_dir().join(FILE);
        let io_error = |action, error| GitError::Io {
            action,
            path: path.clone(),
            error,
        };
        // A run that finishes removes the file while it holds the lock: the
        // file locked here may be one no longer at the path. Then open anew.
        for _ in 0..16 {
            let mut file = OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .open(&path)
                .map_err(|e| io_error("open", e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Err(GitError::Busy { path }),
                Err(fs::TryLockError::Error(e)) => return Err(io_error("lock", e)),
            }
            if !still_at(&file, &path) {
                continue;
            }
            let mut journal = String::new();
            // An unreadable journal (not text) is only a journal not acted on.
            let _ = file.read_to_string(&mut journal);
            let repaired = self.repair(&journal);
            file.set_len(0).map_err(|e| io_error("write", e))?;
            append(
                &file,
                &path,
                &format!("rolecall run {}\n", std::process::id()),
            )?;
            return Ok(RunLock {
                path,
                file,
                repaired,
            });
        }
        Err(GitError::Busy { path })
    }

    /// Removes what the killed run that wrote `journal` left behind; returns
    /// the paths removed.
    fn repair(&self, journal: &str) -> Vec<PathBuf> {
        let mut removed = Vec::new();
        let mut pid = None;
        for line in journal.lines() {
            let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
            match tag {
                "rolecall" => pid = rest.strip_prefix("run ").map(str::to_owned),
                "folder" => {
                    if let Some(folder) = self.workdir().and_then(|w| inside(w, rest)) {
                        remove_matching(&folder, &mut removed, |name| {
                            name.starts_with(".rolecall-")
                                && Path::new(name).extension().is_some_and(|e| e == "tmp")
                        });
                    }
                }
                "index-lock" => {
                    let lock = self.git_dir().join("index.lock");
                    if identity(&lock).is_some_and(|id| id == rest)
                        && fs::remove_file(&lock).is_ok()
                    {
                        removed.push(lock);
                    }
                }
                _ => {}
            }
        }
        if journal.is_empty() {
            return removed;
        }
        // The private copies of the index a killed run was preparing.
        remove_matching(&self.git_dir().join("rolecall"), &mut removed, |name| {
            name.starts_with("index.new")
        });
        if let Some(pid) = pid {
            let prefixes = [
                format!("tmp_pack_rolecall_{pid}_"),
                format!("tmp_idx_rolecall_{pid}_"),
            ];
            let mut folders = vec![self.git_dir().join("objects/pack")];
            let common = self.inner.commondir().join("objects/pack");
            if !folders.contains(&common) {
                folders.push(common);
            }
            for folder in folders {
                remove_matching(&folder, &mut removed, |name| {
                    prefixes.iter().any(|p| name.starts_with(p.as_str()))
                });
            }
        }
        removed
    }
}

/// Notes a line in the journal of the run holding `<gitdir>/rolecall.lock`,
/// if one does (git operations made outside a run, as by the unit tests,
/// have none).
pub(super) fn note(git_dir: &Path, line: &str) -> Result<(), GitError> {
    let path = git_dir.join(FILE);
    match OpenOptions::new().append(true).open(&path) {
        Ok(file) => append(&file, &path, &format!("{line}\n")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(GitError::Io {
            action: "write",
            path,
            error,
        }),
    }
}

/// What tells a file apart from one made later at the same path: device
/// and inode, and the change time (an inode number can be reused).
pub(super) fn identity(path: &Path) -> Option<String> {
    let metadata = fs::symlink_metadata(path).ok()?;
    Some(identity_of(&metadata))
}

#[cfg(unix)]
fn identity_of(metadata: &fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt as _;
    format!(
        "{} {} {}.{}",
        metadata.dev(),
        metadata.ino(),
        metadata.ctime(),
        metadata.ctime_nsec()
    )
}

#[cfg(not(unix))]
fn identity_of(metadata: &fs::Metadata) -> String {
    let created = metadata
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{} {created}", metadata.len())
}

/// Whether the path still names the open `file`.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Whether the path still names the open `file` (where an open file cannot
/// be removed, it always does).
#[cfg(not(unix))]
fn still_at(_file: &File, path: &Path) -> bool {
    path.exists()
}

fn append(mut file: &File, path: &Path, text: &str) -> Result<(), GitError> {
    file.write_all(text.as_bytes())
        .map_err(|error| GitError::Io {
            action: "write",
            path: path.to_path_buf(),
            error,
        })
}

/// `rel` (`/`-separated, relative) below `workdir`; `None` when it would
/// lead outside.
fn inside(workdir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    rel.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| workdir.join(rel))
}

/// Removes the regular files directly in `folder` whose name `matches`,
/// adding each removed one to `removed`.
fn remove_matching(folder: &Path, removed: &mut Vec<PathBuf>, matches: impl Fn(&str) -> bool) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && matches(&name.to_string_lossy()) && fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::git::GitError;
    use crate::git::test_support::{init, init_with_commit};

    #[test]
    fn run_lock_is_exclusive_and_released_on_drop() {
        let (_tmp, repo) = init();
        let lock = repo.lock_run().expect("first lock");
        let journal = fs::read_to_string(lock.path()).expect("read lock");
        assert_eq!(journal, format!("rolecall run {}\n", std::process::id()));
        let err = repo.lock_run().expect_err("second lock");
        assert!(matches!(err, GitError::Busy { .. }), "{err}");
        let path = lock.path().to_path_buf();
        drop(lock);
        assert!(!path.exists());
        drop(repo.lock_run().expect("lock again"));
    }

    #[test]
    fn a_lock_file_no_process_holds_is_taken_over_and_its_leftovers_removed() {
        let (tmp, repo) = init_with_commit();
        let dir = tmp.path();
        fs::create_dir_all(dir.join("docs/a")).expect("folder");
        let temporary = dir.join("docs/a/.rolecall-x1.tmp");
        fs::write(&temporary, "half").expect("temporary");
        fs::write(dir.join("docs/a/.rolecall-keep"), "not a temporary").expect("other");
        fs::write(dir.join(".rolecall-top.tmp"), "not noted").expect("outside");
        let pack = repo.git_dir().join("objects/pack");
        fs::create_dir_all(&pack).expect("pack folder");
        fs::write(pack.join("tmp_pack_rolecall_4242_abc"), "dead run's").expect("pack tmp");
        fs::write(pack.join("tmp_pack_rolecall_4343_abc"), "another run's").expect("pack tmp");
        fs::write(pack.join("tmp_pack_zyx"), "git's own").expect("git tmp");
        let index_lock = repo.git_dir().join("index.lock");
        fs::write(&index_lock, "").expect("index lock");
        let id = super::identity(&index_lock).expect("identity");
        let journal =
            format!("rolecall run 4242\nfolder docs/a\nfolder ../outside\nindex-lock {id}\n");
        fs::write(repo.git_dir().join("rolecall.lock"), journal).expect("dead run's lock");

        let lock = repo.lock_run().expect("taken over");
        let mut repaired: Vec<String> = lock
            .repaired()
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        repaired.sort();
        assert_eq!(
            repaired,
            [
                ".rolecall-x1.tmp",
                "index.lock",
                "tmp_pack_rolecall_4242_abc"
            ]
        );
        assert!(!temporary.exists() && !index_lock.exists());
        for kept in [
            dir.join("docs/a/.rolecall-keep"),
            dir.join(".rolecall-top.tmp"),
            pack.join("tmp_pack_rolecall_4343_abc"),
            pack.join("tmp_pack_zyx"),
        ] {
            assert!(kept.exists(), "{}", kept.display());
        }
        let journal = fs::read_to_string(lock.path()).expect("journal");
        assert_eq!(journal, format!("rolecall run {}\n", std::process::id()));
    }

    #[test]
    fn an_index_lock_made_after_the_dead_run_is_left_alone() {
        let (_tmp, repo) = init_with_commit();
        let index_lock = repo.git_dir().join("index.lock");
        fs::write(&index_lock, "").expect("index lock");
        let id = super::identity(&index_lock).expect("identity");
        fs::remove_file(&index_lock).expect("remove");
        std::thread::sleep(std::time::Duration::from_millis(10));
        fs::write(&index_lock, "another git's").expect("a new one");
        fs::write(
            repo.git_dir().join("rolecall.lock"),
            format!("rolecall run 1\nindex-lock {id}\n"),
        )
        .expect("dead run's lock");
        let lock = repo.lock_run().expect("taken over");
        assert!(lock.repaired().is_empty());
        assert!(index_lock.exists());
    }

    #[test]
    fn notes_go_to_the_journal_of_the_run_holding_the_lock() {
        let (_tmp, repo) = init();
        super::note(repo.git_dir(), "index-lock 1 2").expect("no run: nothing noted");
        assert!(!repo.git_dir().join("rolecall.lock").exists());
        let lock = repo.lock_run().expect("lock");
        lock.note_folders(["docs", "docs/a b"]).expect("folders");
        super::note(repo.git_dir(), "index-lock 1 2").expect("note");
        let journal = fs::read_to_string(lock.path()).expect("journal");
        assert_eq!(
            journal,
            format!(
                "rolecall run {}\nfolder docs\nfolder docs/a b\nindex-lock 1 2\n",
                std::process::id()
            )
        );
    }
}
