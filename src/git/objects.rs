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

use super::planned::{PACK_THRESHOLD, Planned, oid};
use super::{GitError, Repository, git, pack, pack_index, run_lock};
use crate::blob::{Blob, BlobId, Level};

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
mod tests;
