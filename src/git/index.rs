//! The index a commit leaves: only the entries of the committed paths
//! change, with stat data from the work tree when the file there holds
//! exactly the committed content. It is written before the branch moves
//! (`index_file` holds the lock and can put the old one back).

use std::fs;
use std::path::Path;

use git2::{FileMode, IndexEntry, IndexTime, Oid};
use rayon::prelude::*;

use super::commit::{Planned, UncheckedEntries};
use super::index_file::StagedIndex;
use super::objects::PACK_THRESHOLD;
use super::{GitError, Repository};
use crate::blob::Blob;

impl Repository {
    /// Writes the index with only the entries of `planned` paths updated,
    /// before the branch moves (see [`StagedIndex`]: git's `index.lock` is
    /// held, and the old index kept to put back, until it is dropped).
    pub(super) fn update_index(
        &self,
        workdir: &Path,
        planned: &[Planned<'_>],
    ) -> Result<StagedIndex, GitError> {
        // Reading and hashing the committed files is most of the work: done
        // in parallel before the index is read and locked.
        let entries: Vec<Option<IndexEntry>> = planned
            .par_iter()
            .map(|change| {
                change.blob.map(|(id, blob)| {
                    index_entry(&workdir.join(change.path), change.path, id, blob)
                })
            })
            .collect();
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
            Ok(())
        })
    }
}

/// An index entry for `path` with blob `id`; stat data comes from the work tree file when it
/// holds exactly `blob`'s content, otherwise it is zeroed so git re-examines the file.
fn index_entry(file: &Path, path: &str, id: Oid, blob: &Blob) -> IndexEntry {
    let matches = fs::read(file).is_ok_and(|on_disk| blob.matches(&on_disk));
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
        file_size: truncate_u32(u64::try_from(blob.size()).unwrap_or(u64::MAX)),
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
