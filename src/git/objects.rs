//! Writing a commit's new objects into the object database: loose objects
//! for a small commit, one pack (with the index rolecall writes for it) for
//! a large one. The pack is held by a `.keep` file until the commit's ref
//! has moved, so that a `git gc --prune=now` running meanwhile cannot drop
//! objects nothing refers to yet.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use git2::{ObjectType, OdbLookupFlags, Oid};

use super::commit::{Planned, oid};
use super::{GitError, Repository, git, pack, pack_index, run_lock};
use crate::blob::{Blob, BlobId, Level};

/// A commit of more than this many paths puts its new objects into one pack
/// instead of loose objects.
pub(super) const PACK_THRESHOLD: usize = 1000;

/// What a `.keep` file rolecall holds says (git shows it as the reason).
const KEEP_REASON: &[u8] = b"rolecall: held until its commit's ref has moved\n";

/// The new objects of one commit on their way into the object database:
/// blobs held back for the commit's pack, the `.keep` files that hold the
/// pack until the commit's ref has moved (removed when this is dropped,
/// whether the commit succeeded or not), and a note for the user when the
/// repository's packs have piled up.
pub(super) struct NewObjects<'c> {
    /// Blobs to write with the new trees, in one pack.
    held: Vec<&'c Blob>,
    /// How packs are written; `None` for a commit written as loose objects.
    settings: Option<PackSettings>,
    /// The `.keep` files this commit made.
    keeps: Vec<PathBuf>,
    note: Option<String>,
}

impl NewObjects<'_> {
    /// Lets the pack go (its objects are reachable once the ref has moved)
    /// and returns the note about piled-up packs, if any.
    pub(super) fn release(mut self) -> Option<String> {
        self.note.take()
    }
}

impl Drop for NewObjects<'_> {
    fn drop(&mut self) {
        for keep in &self.keeps {
            // Gone already is fine; a keep that cannot be removed only stops git from
            // repacking that one pack.
            let _ = fs::remove_file(keep);
        }
    }
}

/// The git settings that shape a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PackSettings {
    /// `pack.compression`, else `core.compression`, else [`Level::FAST`].
    level: Level,
    /// `gc.autoPackLimit` (default 50); `None` when it or `gc.auto` is 0 (git never packs on
    /// its own then).
    pack_limit: Option<usize>,
}

impl Repository {
    /// Starts writing the new objects of a commit of `planned`: for a small
    /// commit, writes the blobs the object database lacks as loose objects;
    /// for a large one (more than [`PACK_THRESHOLD`] paths), holds them
    /// back for [`Repository::write_new_trees`], which writes them with the
    /// new trees as one pack.
    pub(super) fn write_blobs<'c>(
        &self,
        planned: &[Planned<'c>],
    ) -> Result<NewObjects<'c>, GitError> {
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
        let mut objects = NewObjects {
            held: Vec::new(),
            settings: None,
            keeps: Vec::new(),
            note: None,
        };
        if planned.len() > PACK_THRESHOLD {
            objects.settings = Some(self.pack_settings()?);
            objects.held = missing;
            return Ok(objects);
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
        Ok(objects)
    }

    /// The content of blob `id` from the object database.
    pub fn blob_content(&self, id: BlobId) -> Result<Vec<u8>, GitError> {
        let blob = self.inner.find_blob(oid(id)).map_err(git("read a blob"))?;
        Ok(blob.content().to_vec())
    }

    /// Stores the blobs `objects` holds and the trees `scratch` holds in
    /// memory, from `root` down to the ones the object database already
    /// has, as one pack; writes no pack when there is nothing new.
    pub(super) fn write_new_trees(
        &self,
        scratch: &git2::Repository,
        root: Oid,
        objects: &mut NewObjects<'_>,
    ) -> Result<(), GitError> {
        let context = "write the new trees as a pack";
        let odb = self.inner.odb().map_err(git(context))?;
        let scratch_odb = scratch.odb().map_err(git(context))?;
        let mut ids: Vec<[u8; 20]> = objects.held.iter().map(|blob| blob.id().0).collect();
        let mut trees = Vec::new();
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
        if ids.is_empty() {
            return Ok(());
        }
        let settings = match objects.settings {
            Some(settings) => settings,
            None => self.pack_settings()?,
        };
        let trees: Vec<&[u8]> = trees.iter().map(Vec::as_slice).collect();
        let held = std::mem::take(&mut objects.held);
        self.store_pack(ids, objects, |out| {
            pack::write_pack(out, &held, &trees, settings.level)
        })?;
        objects.note = settings
            .pack_limit
            .and_then(|limit| self.piled_up_note(limit, &objects.keeps));
        odb.refresh().map_err(git(context))
    }

    /// Reads the settings that shape a pack.
    fn pack_settings(&self) -> Result<PackSettings, GitError> {
        let config = self
            .inner
            .config()
            .and_then(|mut c| c.snapshot())
            .map_err(git("read the git configuration"))?;
        let number = |key: &'static str| match config.get_i64(key) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(GitError::InvalidSetting {
                key,
                value: config.get_string(key).unwrap_or_default(),
                expected: "a whole number",
                reason: e.message().to_owned(),
            }),
        };
        let level = |key: &'static str| {
            number(key)?
                .map(|value| {
                    Level::from_git(value).ok_or_else(|| GitError::InvalidSetting {
                        key,
                        value: value.to_string(),
                        expected: "a compression level from -1 to 9",
                        reason: "zlib has no such level".to_owned(),
                    })
                })
                .transpose()
        };
        let level = match level("pack.compression")? {
            Some(level) => level,
            None => level("core.compression")?.unwrap_or(Level::FAST),
        };
        let auto = number("gc.auto")?.unwrap_or(1);
        let limit = number("gc.autoPackLimit")?.unwrap_or(50);
        Ok(PackSettings {
            level,
            pack_limit: (auto > 0 && limit > 0)
                .then(|| usize::try_from(limit).unwrap_or(usize::MAX)),
        })
    }

    /// A note saying how to combine the repository's packs, when more of
    /// them than `limit` are there for git to combine (those without a
    /// `.keep`, and the ones rolecall holds with `ours`).
    fn piled_up_note(&self, limit: usize, ours: &[PathBuf]) -> Option<String> {
        let folder = self.git_dir().join("objects/pack");
        let count = fs::read_dir(&folder)
            .ok()?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension().is_some_and(|e| e == "pack")
                    && path.with_extension("idx").exists()
                    && (!path.with_extension("keep").exists()
                        || ours.contains(&path.with_extension("keep")))
            })
            .count();
        (count > limit).then(|| {
            format!(
                "the repository now has {count} packs, more than gc.autoPackLimit ({limit}); \
                 run `git gc` to combine them"
            )
        })
    }

    /// Stores a pack that `write` produces, of the objects `ids` in its
    /// order, with its index, in the pack folder: both are written to
    /// temporary files there and flushed to disk; then a `.keep` file is
    /// made for the pack (noted in `objects`), and the pack and its index
    /// are renamed into place, the pack first, so git sees the pack only
    /// once its index is complete. The object database still needs a
    /// refresh to see it.
    fn store_pack(
        &self,
        ids: Vec<[u8; 20]>,
        objects: &mut NewObjects<'_>,
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
        objects
            .keeps
            .extend(hold(&folder.join(format!("{name}.keep"))).map_err(failed)?);
        if index_path.exists() {
            // The same pack, byte for byte, is there already (the temporary
            // files go when dropped).
            return Ok(());
        }
        for file in [pack_file.as_file(), index_file.as_file()] {
            file.sync_all().map_err(failed)?;
            read_only(file).map_err(failed)?;
        }
        pack_file
            .persist(&pack_path)
            .map_err(|error| failed(error.error))?;
        crate::crash_points::reached("pack");
        if let Err(error) = index_file.persist(&index_path) {
            // A pack without its index is invisible to git; take it away.
            let _ = fs::remove_file(&pack_path);
            return Err(failed(error.error));
        }
        sync_folder(&folder).map_err(failed)
    }
}

/// Makes the `.keep` file `keep` and returns it, or `None` when a keep
/// that is not rolecall's is there already (it holds the pack, and is not
/// rolecall's to remove).
fn hold(keep: &Path) -> io::Result<Option<PathBuf>> {
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(keep)
    {
        Ok(mut file) => file
            .write_all(KEEP_REASON)
            .map(|()| Some(keep.to_path_buf())),
        // One left by a run that was stopped before it could remove it is taken over.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Ok((fs::read(keep)? == KEEP_REASON).then(|| keep.to_path_buf()))
        }
        Err(e) => Err(e),
    }
}

/// Flushes a folder's entries (the names of files just renamed into it) to disk.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    fs::File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
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
    use crate::git::test_support::{git_in, init, init_with_commit, put, sigs, write};

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
            counts.contains("packs: 1"),
            "one pack of blobs and trees: {counts}"
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
        assert!(counts.contains("packs: 1"), "{counts}");
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

    /// The pack files in the repository at `dir`, by extension.
    fn pack_files(dir: &Path, extension: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(".git/objects/pack"))
            .map(|entries| {
                entries
                    .map(|e| e.expect("entry").path())
                    .filter(|p| p.extension().is_some_and(|e| e == extension))
                    .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// `PACK_THRESHOLD + 5` documents under `gen/`, with `version` in each.
    fn many(version: &str) -> Vec<PathChange<'static>> {
        (0..PACK_THRESHOLD + 5)
            .map(|i| {
                put(
                    &format!("gen/{}/{i}.md", i % 7),
                    &format!("doc {i} {version}\n"),
                )
            })
            .collect()
    }

    #[test]
    fn a_large_commit_of_objects_already_stored_writes_no_pack() {
        let (tmp, repo) = init_with_commit();
        let docs = many("v1");
        repo.commit_paths(&docs, "first", &sigs())
            .expect("commit")
            .expect("a commit");
        let removed: Vec<PathChange> = docs
            .iter()
            .map(|c| PathChange::Remove {
                path: c.path().to_owned().into(),
            })
            .collect();
        repo.commit_paths(&removed, "removed", &sigs())
            .expect("commit")
            .expect("a commit");
        let packs = pack_files(tmp.path(), "pack");
        assert_eq!(packs.len(), 1, "{packs:?}");
        // The same documents again: every blob and every tree is stored already.
        let info = repo
            .commit_paths(&docs, "back", &sigs())
            .expect("commit")
            .expect("a commit");
        assert_eq!(pack_files(tmp.path(), "pack"), packs, "no new (empty) pack");
        assert_eq!(info.note, None);
        assert_eq!(
            git_in(tmp.path(), &["rev-parse", "HEAD^{tree}", "HEAD~2^{tree}"])
                .lines()
                .collect::<HashSet<_>>()
                .len(),
            1
        );
        git_in(tmp.path(), &["fsck", "--full", "--strict"]);
        assert_eq!(pack_files(tmp.path(), "keep"), Vec::<String>::new());
    }

    #[test]
    fn the_keep_holds_the_pack_against_gc_until_released() {
        let (tmp, repo) = init_with_commit();
        let blobs: Vec<Blob> = (0..=PACK_THRESHOLD)
            .map(|i| Blob::new(format!("unreferenced {i}\n").as_bytes()).expect("deflate"))
            .collect();
        let planned: Vec<Planned> = blobs
            .iter()
            .map(|blob| Planned {
                path: "unused",
                blob: Some((oid(blob.id()), blob)),
            })
            .collect();
        let head_tree = repo
            .inner
            .head()
            .and_then(|h| h.peel_to_tree())
            .expect("tree")
            .id();
        let scratch = git2::Repository::open(repo.git_dir()).expect("open");
        let mut objects = repo.write_blobs(&planned).expect("held");
        assert_eq!(
            pack_files(tmp.path(), "pack").len(),
            0,
            "held back, not written"
        );
        repo.write_new_trees(&scratch, head_tree, &mut objects)
            .expect("pack");
        let keeps = pack_files(tmp.path(), "keep");
        assert_eq!(keeps.len(), 1);
        let keep = tmp.path().join(".git/objects/pack").join(&keeps[0]);
        assert_eq!(std::fs::read(&keep).expect("keep"), KEEP_REASON);
        let first = blobs[0].id().to_string();
        let stored = |tmp: &Path| {
            Command::new("git")
                .current_dir(tmp)
                .args(["cat-file", "-e", &first])
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .status()
                .expect("git cat-file")
                .success()
        };
        git_in(tmp.path(), &["gc", "-q", "--prune=now"]);
        assert!(stored(tmp.path()), "the held pack survives gc");
        assert_eq!(objects.release(), None);
        assert!(!keep.exists());
        git_in(tmp.path(), &["gc", "-q", "--prune=now"]);
        assert!(!stored(tmp.path()), "released, nothing refers to it");
    }

    #[test]
    fn a_note_says_when_packs_pile_up() {
        let (tmp, repo) = init_with_commit();
        git_in(tmp.path(), &["config", "gc.autoPackLimit", "1"]);
        let info = repo
            .commit_paths(&many("v1"), "one", &sigs())
            .expect("commit")
            .expect("a commit");
        assert_eq!(info.note, None, "one pack is not more than 1");
        let info = repo
            .commit_paths(&many("v2"), "two", &sigs())
            .expect("commit")
            .expect("a commit");
        let note = info.note.expect("a note");
        assert!(
            note.contains("2 packs") && note.contains("git gc"),
            "{note}"
        );
        git_in(tmp.path(), &["config", "gc.auto", "0"]);
        let info = repo
            .commit_paths(&many("v3"), "three", &sigs())
            .expect("commit")
            .expect("a commit");
        assert_eq!(info.note, None, "gc.auto=0: git never packs on its own");
    }

    #[test]
    fn pack_settings_follow_git() {
        let (tmp, repo) = init();
        let settings = repo.pack_settings().expect("settings");
        assert_eq!(
            settings,
            PackSettings {
                level: Level::FAST,
                pack_limit: Some(50)
            }
        );
        git_in(tmp.path(), &["config", "core.compression", "9"]);
        assert_eq!(repo.pack_settings().expect("settings").level.get(), 9);
        git_in(tmp.path(), &["config", "pack.compression", "-1"]);
        assert_eq!(repo.pack_settings().expect("settings").level.get(), 6);
        git_in(tmp.path(), &["config", "pack.compression", "12"]);
        let error = repo.pack_settings().expect_err("no level 12");
        assert!(
            error.to_string().contains("pack.compression = `12`"),
            "{error}"
        );
        git_in(tmp.path(), &["config", "pack.compression", "0"]);
        git_in(tmp.path(), &["config", "gc.autoPackLimit", "0"]);
        let settings = repo.pack_settings().expect("settings");
        assert_eq!((settings.level.get(), settings.pack_limit), (0, None));
    }
}
