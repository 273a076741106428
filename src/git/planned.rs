//! What the commit stages share: the changes that alter HEAD's tree, the
//! size from which new objects go into a pack, the switch that lets
//! libgit2 name objects not yet written, and the conversion between blob
//! ids and libgit2's.

use git2::Oid;

use crate::blob::{Blob, BlobId};

/// A commit of more than this many paths puts its new objects into one pack
/// instead of loose objects.
pub(super) const PACK_THRESHOLD: usize = 1000;

/// One change that actually alters HEAD's tree.
pub(super) struct Planned<'c> {
    pub(super) path: &'c str,
    /// Blob id and content, or `None` for a removal.
    pub(super) blob: Option<(Oid, &'c Blob)>,
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
