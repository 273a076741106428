//! Writing new blobs into the object database: loose objects for a few,
//! one pack for many.

use std::io::Write as _;

use git2::ObjectType;

use super::commit::Planned;
use super::{GitError, Repository, git};

/// Above this many new blobs, they are written as one pack instead of loose objects.
const PACK_THRESHOLD: usize = 1000;

impl Repository {
    /// Writes the blobs of `planned` that the object database lacks (as a pack when many).
    pub(super) fn write_blobs(&self, planned: &[Planned<'_>]) -> Result<(), GitError> {
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
        // 0: one delta-search thread per core.
        builder.set_threads(0);
        for content in blobs {
            let id = scratch_odb
                .write(ObjectType::Blob, content)
                .map_err(git(context))?;
            builder.insert_object(id, None).map_err(git(context))?;
        }
        // The pack streams into the indexer as it is produced, never whole in memory.
        let mut writer = odb.packwriter().map_err(git(context))?;
        let mut written = Ok(());
        builder
            .foreach(|chunk| {
                written = writer.write_all(chunk);
                written.is_ok()
            })
            .or_else(|error| if written.is_err() { Ok(()) } else { Err(error) })
            .map_err(git(context))?;
        written.map_err(|error| GitError::Io {
            action: "write a pack into",
            path: self.git_dir().join("objects/pack"),
            error,
        })?;
        writer.commit().map_err(git(context))?;
        odb.refresh().map_err(git(context))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::PathChange;
    use crate::git::test_support::{git_in, init_with_commit, put, sigs, write};

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
}
