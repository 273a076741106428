//! The index a commit leaves: only the entries of the committed paths
//! change, with stat data from the work tree when the file there holds
//! exactly the committed content. It is written before the branch moves
//! (`index_file` holds the lock and can put the old one back). The stat
//! data of every file rolecall wrote whose entry names the blob it holds is
//! refreshed too (also for CRLF files, or ones rewritten with an unchanged
//! blob), so git neither re-hashes them nor reports them modified: in the
//! same update when there is a commit, on its own when there is none.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;

use git2::{FileMode, IndexEntry, IndexTime, Oid};
use rayon::prelude::*;

use super::index_file::StagedIndex;
use super::planned::{PACK_THRESHOLD, Planned, UncheckedEntries};
use super::{GitError, Repository, git};
use crate::blob::{Blob, BlobId};
use crate::line_endings::Conversion;

/// A file rolecall wrote, for [`Repository::refresh_stat`].
#[derive(Debug, Clone)]
pub struct Written<'a> {
    /// Repository-relative, `/`-separated.
    pub path: Cow<'a, str>,
    /// The blob the file holds, as git stores it.
    pub id: BlobId,
    /// How git converts it: the file is what checkout writes for the blob.
    pub conversion: Conversion,
}

impl Repository {
    /// Writes the index with only the entries of `planned` paths updated,
    /// before the branch moves (see [`StagedIndex`]: git's `index.lock` is
    /// held, and the old index kept to put back, until it is dropped). The
    /// stat data of the `written` files is refreshed in the same pass (see
    /// [`Repository::refresh_stat`]), so the index is read and written once.
    pub(super) fn update_index(
        &self,
        workdir: &Path,
        planned: &[Planned<'_>],
        written: &[Written<'_>],
    ) -> Result<StagedIndex, GitError> {
        let by_path: HashMap<&str, &Written<'_>> = written
            .iter()
            .map(|file| (file.path.as_ref(), file))
            .collect();
        // Reading and hashing the committed files is most of the work: done
        // in parallel before the index is read and locked.
        let entries: Vec<Option<IndexEntry>> = planned
            .par_iter()
            .map(|change| {
                change.blob.map(|(id, blob)| {
                    let conversion = by_path.get(change.path).map(|file| file.conversion);
                    index_entry(workdir, change.path, (id, blob), conversion)
                })
            })
            .collect();
        let committed: HashSet<&str> = planned.iter().map(|change| change.path).collect();
        let others: Vec<&Written<'_>> = written
            .iter()
            .filter(|file| !committed.contains(file.path.as_ref()))
            .collect();
        let checked_out = checked_out(workdir, &others);
        let _unchecked = (planned.len() > PACK_THRESHOLD).then(UncheckedEntries::new);
        self.stage_index(|index| {
            for (change, entry) in planned.iter().zip(&entries) {
                if let Some(entry) = entry {
                    index.add(entry)?;
                } else {
                    // A removed path may have been a directory in HEAD: drop entries below it too.
                    let path = Path::new(change.path);
                    index.remove_path(path)?;
                    index.remove_dir(path, 0)?;
                }
            }
            for entry in refreshed(index, &checked_out) {
                index.add(&entry)?;
            }
            Ok(())
        })
    }
}

/// Each of `files` whose file is exactly what checkout writes for its
/// blob, with the file's stat data.
fn checked_out<'w>(
    workdir: &Path,
    files: &[&'w Written<'w>],
) -> Vec<(&'w Written<'w>, fs::Metadata)> {
    files
        .par_iter()
        .filter_map(|file| {
            let path = workdir.join(file.path.as_ref());
            let stat = fs::symlink_metadata(&path).ok()?;
            if !stat.is_file() {
                return None;
            }
            let bytes = fs::read(&path).ok()?;
            file.conversion
                .is_checkout_of(&bytes, file.id)
                .then_some((*file, stat))
        })
        .collect()
}

/// The entries of `index` that name the blob of a file in `checked_out`,
/// given that file's stat data where they do not hold it already.
fn refreshed(index: &git2::Index, checked_out: &[(&Written<'_>, fs::Metadata)]) -> Vec<IndexEntry> {
    checked_out
        .iter()
        .filter_map(|(file, stat)| {
            let mut entry = index.get_path(Path::new(file.path.as_ref()), 0)?;
            if entry.id.as_bytes() != file.id.0 || same_stat(&entry, stat) {
                return None;
            }
            fill_stat(&mut entry, stat);
            // git records the work tree file's size, not the blob's.
            entry.file_size = truncate_u32(stat.len());
            Some(entry)
        })
        .collect()
}

impl Repository {
    /// Gives the index entries of `written` files the files' stat data,
    /// where the entry already names the file's blob (committed just now,
    /// or rewritten with the blob the index had) and the file is exactly
    /// what checkout writes for it. Entries naming another blob (a version
    /// the user staged) and entries already up to date are left alone; the
    /// index is rewritten only when an entry changed.
    pub fn refresh_stat(&self, written: &[Written<'_>]) -> Result<(), GitError> {
        const WHAT: &str = "refresh the index";
        let workdir = self.require_workdir()?;
        let files: Vec<&Written<'_>> = written.iter().collect();
        let checked_out = checked_out(workdir, &files);
        if checked_out.is_empty() {
            return Ok(());
        }
        let mut index = self.inner.index().map_err(git(WHAT))?;
        // Loaded just now, or re-read if the file changed since it was.
        index.read(false).map_err(git(WHAT))?;
        let refreshed = refreshed(&index, &checked_out);
        if refreshed.is_empty() {
            return Ok(());
        }
        for entry in &refreshed {
            index.add(entry).map_err(git(WHAT))?;
        }
        index.write().map_err(git(WHAT))
    }
}

/// Whether `entry` already holds the stat data of `stat`.
fn same_stat(entry: &IndexEntry, stat: &fs::Metadata) -> bool {
    let mut fresh = IndexEntry {
        path: Vec::new(),
        ..*entry
    };
    fill_stat(&mut fresh, stat);
    fresh.file_size = truncate_u32(stat.len());
    let key = |e: &IndexEntry| {
        (
            (e.mtime.seconds(), e.mtime.nanoseconds()),
            (e.ctime.seconds(), e.ctime.nanoseconds()),
            (e.dev, e.ino, e.uid, e.gid, e.file_size),
        )
    };
    key(&fresh) == key(entry)
}

/// An index entry for `path` with blob `id`; stat data comes from the
/// work tree file when it is exactly what checkout writes for the blob
/// (under `conversion`; without one, when it holds the blob's content),
/// otherwise it is zeroed so git re-examines the file.
fn index_entry(
    workdir: &Path,
    path: &str,
    (id, blob): (Oid, &Blob),
    conversion: Option<Conversion>,
) -> IndexEntry {
    let file = workdir.join(path);
    let matches = fs::read(&file).is_ok_and(|on_disk| match conversion {
        Some(conversion) => conversion.is_checkout_of(&on_disk, blob.id()),
        None => blob.matches(&on_disk),
    });
    let stat = if matches {
        fs::symlink_metadata(&file)
            .ok()
            .filter(fs::Metadata::is_file)
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
        file_size: truncate_u32(u64::try_from(blob.size()).unwrap_or(u64::MAX)),
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    };
    if let Some(stat) = stat {
        fill_stat(&mut entry, &stat);
        // git records the work tree file's size, not the blob's.
        entry.file_size = truncate_u32(stat.len());
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
    let since_epoch = |t: std::io::Result<std::time::SystemTime>| {
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

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::git::test_support::{git_in, init_with_commit, put, sigs, write};
    use crate::git::{GitError, PathChange};

    #[test]
    fn removing_a_directory_removes_its_index_entries() {
        let (tmp, repo) = init_with_commit();
        fs::remove_dir_all(tmp.path().join("docs")).expect("remove");
        let gone = [PathChange::Remove {
            path: "docs".into(),
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
    fn a_held_index_lock_stops_the_commit_before_the_branch_moves() {
        let (tmp, repo) = init_with_commit();
        let lock = repo.git_dir().join("index.lock");
        fs::write(&lock, "").expect("lock");
        write(tmp.path(), "a.md", "a\n");
        let err = repo
            .commit_paths(&[put("a.md", "a\n")], "locked", &sigs())
            .expect_err("index locked");
        let text = err.to_string();
        assert!(matches!(err, GitError::IndexLocked { .. }), "{text}");
        assert!(text.contains("another git process holds"), "{text}");
        assert!(lock.exists(), "another process's lock is left alone");
        assert_eq!(
            git_in(tmp.path(), &["rev-list", "--count", "HEAD"]).trim(),
            "1"
        );
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
