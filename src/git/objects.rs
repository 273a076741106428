//! Writing new blobs into the object database: loose objects for a few,
//! one pack for many, with the index rolecall writes for it.

use std::collections::HashSet;
use std::fs;
use std::io;

use git2::{ObjectType, OdbLookupFlags, Oid};

use super::commit::{Planned, oid};
use super::{GitError, Repository, git, pack, pack_index, run_lock};
use crate::blob::{Blob, BlobId};

/// Above this many new blobs, they are written as one pack instead of loose objects.
pub(super) const PACK_THRESHOLD: usize = 1000;

impl Repository {
    /// Writes the blobs of `planned` that the object database lacks (as a pack when many).
    pub(super) fn write_blobs(&self, planned: &[Planned<'_>]) -> Result<(), GitError> {
        let odb = self.inner.odb().map_err(git("open the object database"))?;
        let mut seen = HashSet::new();
        // Without a refresh (a rescan of the pack folder) per missing blob: an object another
        // process packed meanwhile is at worst written twice, which git tolerates.
        let missing: Vec<&Blob> = planned
            .iter()
            .filter_map(|p| p.blob)
            .filter(|(id, _)| seen.insert(*id) && !odb.exists_ext(*id, OdbLookupFlags::NO_REFRESH))
            .map(|(_, blob)| blob)
            .collect();
        if missing.len() > PACK_THRESHOLD {
            let ids = missing.iter().map(|blob| blob.id().0).collect();
            self.store_pack(ids, |out| pack::write_blob_pack(out, &missing))?;
            return odb.refresh().map_err(git("write the blobs as a pack"));
        }
        for blob in missing {
            let content = blob.content().map_err(|error| GitError::Io {
                action: "inflate a blob for",
                path: self.git_dir().join("objects"),
                error,
            })?;
            odb.write(ObjectType::Blob, &content)
                .map_err(git("write a blob"))?;
        }
        Ok(())
    }

    /// The content of blob `id` from the object database.
    pub fn blob_content(&self, id: BlobId) -> Result<Vec<u8>, GitError> {
        let blob = self.inner.find_blob(oid(id)).map_err(git("read a blob"))?;
        Ok(blob.content().to_vec())
    }

    /// Stores the trees `scratch` holds in memory, from `root` down to the
    /// ones the object database already has, as one pack.
    pub(super) fn write_new_trees(
        &self,
        scratch: &git2::Repository,
        root: Oid,
    ) -> Result<(), GitError> {
        let context = "write the new trees as a pack";
        let odb = self.inner.odb().map_err(git(context))?;
        let scratch_odb = scratch.odb().map_err(git(context))?;
        let (mut trees, mut ids) = (Vec::new(), Vec::new());
        let mut seen = HashSet::new();
        let mut pending = vec![root];
        while let Some(id) = pending.pop() {
            // Two folders with the same content are one tree, packed once.
            if !seen.insert(id) || odb.exists(id) {
                continue;
            }
            // Read raw, not as `Tree`s: each parsed tree would stay in the
            // scratch handle's object cache (20 MB for a render of 10,000
            // incidents).
            let object = scratch_odb.read(id).map_err(git(context))?;
            pending.extend(subtrees(object.data()).ok_or_else(|| GitError::Git {
                context: context.to_owned(),
                error: git2::Error::from_str("a new tree could not be read back"),
            })?);
            trees.push(object.data().to_vec());
            let mut raw = [0u8; 20];
            raw.copy_from_slice(id.as_bytes());
            ids.push(raw);
        }
        let trees: Vec<&[u8]> = trees.iter().map(Vec::as_slice).collect();
        self.store_pack(ids, |out| pack::write_pack(out, pack::TREE, &trees))?;
        odb.refresh().map_err(git(context))
    }

    /// Stores a pack that `write` produces, of the objects `ids` in its
    /// order, with its index, in the pack folder: both are written to
    /// temporary files there and renamed into place, the pack first, so
    /// git sees the pack only once its index is complete. The object
    /// database still needs a refresh to see it.
    fn store_pack(
        &self,
        ids: Vec<[u8; 20]>,
        write: impl FnOnce(&mut fs::File) -> io::Result<pack::Packed>,
    ) -> Result<(), GitError> {
        let folder = self.git_dir().join("objects/pack");
        let failed = |error| GitError::Io {
            action: "write a pack into",
            path: folder.clone(),
            error,
        };
        fs::create_dir_all(&folder).map_err(failed)?;
        // Named with the run's pid, for the next run to remove should this one be killed.
        let temporary = |kind| {
            tempfile::Builder::new()
                .prefix(&run_lock::pack_temporary_prefix(kind))
                .tempfile_in(&folder)
                .map_err(failed)
        };
        let mut pack_file = temporary("pack")?;
        let packed = write(pack_file.as_file_mut()).map_err(failed)?;
        if packed.entries.len() != ids.len() {
            return Err(failed(io::Error::other(
                "the pack and its ids differ in number",
            )));
        }
        let entries = ids
            .into_iter()
            .zip(packed.entries)
            .map(|(id, (offset, crc))| pack_index::Indexed { id, offset, crc })
            .collect();
        crate::crash_points::reached("pack-temporary");
        let mut index_file = temporary("idx")?;
        pack_index::write_index(
            &mut io::BufWriter::new(index_file.as_file_mut()),
            entries,
            packed.hash,
        )
        .map_err(failed)?;
        // A pack is named after its trailer, a SHA-1 like an object id.
        let name = format!(
            "pack-{}",
            Oid::from_bytes(&packed.hash).map_err(git("name a pack"))?
        );
        let pack_path = folder.join(format!("{name}.pack"));
        let index_path = folder.join(format!("{name}.idx"));
        if index_path.exists() {
            // The same pack, byte for byte, is there already (the temporary
            // files go when dropped).
            return Ok(());
        }
        read_only(pack_file.as_file()).map_err(failed)?;
        read_only(index_file.as_file()).map_err(failed)?;
        pack_file
            .persist(&pack_path)
            .map_err(|error| failed(error.error))?;
        crate::crash_points::reached("pack");
        if let Err(error) = index_file.persist(&index_path) {
            // A pack without its index is invisible to git; take it away.
            let _ = fs::remove_file(&pack_path);
            return Err(failed(error.error));
        }
        Ok(())
    }
}

/// Makes a finished pack file read-only, as git leaves them.
#[cfg(unix)]
fn read_only(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(fs::Permissions::from_mode(0o444))
}

#[cfg(not(unix))]
fn read_only(file: &fs::File) -> io::Result<()> {
    let mut permissions = file.metadata()?.permissions();
    permissions.set_readonly(true);
    file.set_permissions(permissions)
}

/// The ids of the subtrees a raw tree object lists (entries `{mode}
/// {name}\0{20-byte id}`, folders with mode `40000`); `None` if `data` is
/// not a well-formed tree.
fn subtrees(mut data: &[u8]) -> Option<Vec<Oid>> {
    let mut ids = Vec::new();
    while !data.is_empty() {
        let space = data.iter().position(|&b| b == b' ')?;
        let nul = space + data[space..].iter().position(|&b| b == 0)?;
        let id = data.get(nul + 1..nul + 21)?;
        if &data[..space] == b"40000" {
            ids.push(Oid::from_bytes(id).ok()?);
        }
        data = &data[nul + 21..];
    }
    Some(ids)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::io::Write as _;
    use std::path::Path;
    use std::process::{Command, Stdio};

    use git2::Oid;

    use super::*;
    use crate::git::PathChange;
    use crate::git::test_support::{git_in, init_with_commit, put, sigs, write};

    /// `git cat-file --batch` output for `ids`, one request per line.
    fn cat_files(dir: &Path, ids: &[String]) -> Vec<u8> {
        let mut child = Command::new("git")
            .current_dir(dir)
            .args(["cat-file", "--batch"])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", dir.join(".no-global-config"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run git cat-file");
        let mut stdin = child.stdin.take().expect("stdin");
        let requests = ids.join("\n") + "\n";
        let feeder = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
        let out = child.wait_with_output().expect("git cat-file output");
        feeder.join().expect("feeder").expect("write requests");
        assert!(out.status.success());
        out.stdout
    }

    /// How many blobs and trees the repository's packs hold.
    fn packed(dir: &Path) -> (usize, usize) {
        let mut counts = (0, 0);
        for entry in std::fs::read_dir(dir.join(".git/objects/pack")).expect("pack folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "idx") {
                let listing = git_in(dir, &["verify-pack", "-v", &path.to_string_lossy()]);
                for line in listing.lines() {
                    let kind = line.split_whitespace().nth(1);
                    counts.0 += usize::from(kind == Some("blob"));
                    counts.1 += usize::from(kind == Some("tree"));
                }
            }
        }
        counts
    }

    #[test]
    fn the_pack_holds_every_blob_once_and_passes_fsck() {
        let (tmp, repo) = init_with_commit();
        // Empty, repeated, binary and multi-megabyte contents, beside many small ones.
        let mut contents: Vec<Vec<u8>> = (0..=PACK_THRESHOLD)
            .map(|i| format!("# Doc {i}\n\n{}", "line\n".repeat(i % 40)).into_bytes())
            .collect();
        contents.push(Vec::new());
        contents.push(b"# Doc 0\n\n".to_vec());
        contents.push((0..=255u8).cycle().take(70_000).collect());
        contents.push(
            (0..3_000_000u32)
                .map(|n| u8::try_from(n.wrapping_mul(2_654_435_761) >> 24).expect("byte"))
                .collect(),
        );
        let changes: Vec<PathChange> = contents
            .iter()
            .enumerate()
            .map(|(i, content)| PathChange::Write {
                path: format!("gen/{}/{i}.bin", i % 13).into(),
                blob: Cow::Owned(Blob::new(content).expect("deflate")),
            })
            .collect();
        repo.commit_paths(&changes, "bulk", &sigs())
            .expect("commit")
            .expect("a commit");

        git_in(tmp.path(), &["fsck", "--strict", "--no-dangling"]);
        let counts = git_in(tmp.path(), &["count-objects", "-v"]);
        assert!(
            counts.contains("packs: 2"),
            "one of blobs, one of trees: {counts}"
        );
        let (blobs, trees) = packed(tmp.path());
        // Document 0 and its duplicate share a blob, which is packed once.
        assert_eq!(blobs, contents.len() - 1);
        // The root, `gen` and its 13 folders.
        assert_eq!(trees, 15);
        let ids: Vec<String> = contents
            .iter()
            .map(|c| {
                Oid::hash_object(ObjectType::Blob, c)
                    .expect("hash")
                    .to_string()
            })
            .collect();
        let mut expected = Vec::new();
        for (id, content) in ids.iter().zip(&contents) {
            expected.extend_from_slice(format!("{id} blob {}\n", content.len()).as_bytes());
            expected.extend_from_slice(content);
            expected.push(b'\n');
        }
        assert!(
            cat_files(tmp.path(), &ids) == expected,
            "blobs read back differ"
        );
    }

    #[test]
    fn subtrees_are_read_from_raw_trees() {
        let (tmp, repo) = init_with_commit();
        write(tmp.path(), "a/b/c.md", "c\n");
        write(tmp.path(), "a/d.md", "d\n");
        write(tmp.path(), "e/f.md", "f\n");
        git_in(tmp.path(), &["add", "."]);
        git_in(tmp.path(), &["commit", "-q", "-m", "nested"]);
        let root = repo
            .inner
            .head()
            .expect("head")
            .peel_to_tree()
            .expect("tree");
        let odb = repo.inner.odb().expect("odb");
        let raw = odb.read(root.id()).expect("read");
        let mut expected: Vec<Oid> = root
            .iter()
            .filter(|e| e.kind() == Some(ObjectType::Tree))
            .map(|e| e.id())
            .collect();
        expected.sort();
        let mut found = subtrees(raw.data()).expect("a tree");
        found.sort();
        assert_eq!(found, expected);
        assert!(found.len() >= 3, "a, docs and e");
        assert_eq!(subtrees(b""), Some(Vec::new()));
        assert_eq!(subtrees(b"40000 x\0short"), None);
        assert_eq!(subtrees(b"100644 no-nul"), None);
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
        assert!(counts.contains("packs: 2"), "{counts}");
        let loose: usize = counts
            .lines()
            .find_map(|l| l.strip_prefix("count: "))
            .and_then(|n| n.parse().ok())
            .expect("loose count");
        assert!(loose < 50, "blobs and trees must not be loose: {counts}");
        assert_eq!(
            packed(tmp.path()),
            (PACK_THRESHOLD + 5, 9),
            "root, gen, 7 folders"
        );
        assert_eq!(git_in(tmp.path(), &["status", "--porcelain"]), "");
        let listed = git_in(tmp.path(), &["ls-tree", "-r", "--name-only", "HEAD", "gen"]);
        assert_eq!(listed.lines().count(), PACK_THRESHOLD + 5);
    }
}
