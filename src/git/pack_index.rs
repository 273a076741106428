//! The index of a pack rolecall wrote (`.idx`, version 2): git's table
//! from object id to the entry's offset in the pack, written from what the
//! pack writer already knows, so the pack is never read back to index it.

use std::io::{self, Write};

use super::pack::Hashed;

/// One pack entry as the index lists it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Indexed {
    pub id: [u8; 20],
    /// Where the entry starts in the pack.
    pub offset: u64,
    /// CRC-32 of the entry as stored (header and zlib stream).
    pub crc: u32,
}

/// Offsets from this one on sit in the table of 8-byte offsets.
const LARGE_OFFSET: u64 = 1 << 31;

/// Writes the version 2 index of a pack whose trailer is `pack_hash` and
/// whose entries are `entries` (each id once): signature and version, the
/// fan-out table, the ids in order, their CRCs, their offsets (4 bytes, or
/// a reference into the 8-byte table that follows), the pack's hash and
/// the index's own SHA-1.
pub(super) fn write_index(
    out: &mut impl Write,
    mut entries: Vec<Indexed>,
    pack_hash: [u8; 20],
) -> io::Result<()> {
    entries.sort_unstable_by_key(|entry| entry.id);
    if entries.windows(2).any(|pair| pair[0].id == pair[1].id) {
        return Err(io::Error::other("an object appears twice in the pack"));
    }
    let mut out = Hashed::new(out);
    out.write_all(b"\xfftOc")?;
    out.write_all(&2u32.to_be_bytes())?;
    let mut fanout = [0u32; 256];
    for entry in &entries {
        fanout[usize::from(entry.id[0])] += 1;
    }
    let mut total = 0;
    for count in fanout {
        total += count;
        out.write_all(&total.to_be_bytes())?;
    }
    for entry in &entries {
        out.write_all(&entry.id)?;
    }
    for entry in &entries {
        out.write_all(&entry.crc.to_be_bytes())?;
    }
    let mut large = Vec::new();
    for entry in &entries {
        let small = match u32::try_from(entry.offset) {
            Ok(offset) if entry.offset < LARGE_OFFSET => offset,
            _ => {
                let index = u32::try_from(large.len())
                    .map_err(|_| io::Error::other("too many large offsets"))?;
                large.push(entry.offset);
                0x8000_0000 | index
            }
        };
        out.write_all(&small.to_be_bytes())?;
    }
    for offset in large {
        out.write_all(&offset.to_be_bytes())?;
    }
    out.write_all(&pack_hash)?;
    out.finish().map(drop)
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::super::pack;
    use super::*;
    use crate::blob::{Blob, BlobId, Level};

    #[test]
    fn the_index_is_the_one_git_index_pack_writes() {
        let contents: Vec<Vec<u8>> = (0..3000)
            .map(|i| format!("object {i}\n").repeat(1 + i % 9).into_bytes())
            .collect();
        let blobs: Vec<Blob> = contents
            .iter()
            .map(|c| Blob::new(c).expect("deflate"))
            .collect();
        let held: Vec<&Blob> = blobs.iter().collect();
        let mut pack = Vec::new();
        let packed = pack::write_pack(&mut pack, &held, &[], Level::FAST).expect("pack");
        let entries = contents
            .iter()
            .zip(packed.entries)
            .map(|(content, (offset, crc))| Indexed {
                id: BlobId::of(content).0,
                offset,
                crc,
            })
            .collect();
        let mut ours = Vec::new();
        write_index(&mut ours, entries, packed.hash).expect("index");

        let tmp = tempfile::tempdir().expect("tempdir");
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .current_dir(tmp.path())
                .args(args)
                .status()
                .expect("git runs");
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "-q"]);
        std::fs::write(tmp.path().join("test.pack"), &pack).expect("write pack");
        git(&["index-pack", "-o", "git.idx", "test.pack"]);
        let theirs = std::fs::read(tmp.path().join("git.idx")).expect("git's index");
        assert!(theirs == ours, "the indexes differ");
    }

    fn entry(first: u8, offset: u64) -> Indexed {
        let mut id = [7u8; 20];
        id[0] = first;
        Indexed { id, offset, crc: 0 }
    }

    #[test]
    fn offsets_past_two_gibibytes_go_to_the_large_table() {
        let entries = vec![entry(2, 12), entry(1, 5 << 30), entry(3, (1 << 31) - 1)];
        let mut index = Vec::new();
        write_index(&mut index, entries, [9; 20]).expect("index");
        // Header 8, fan-out 1024, ids 60, CRCs 12, offsets 12, one large
        // offset 8, pack hash 20, own hash 20.
        assert_eq!(index.len(), 8 + 1024 + 60 + 12 + 12 + 8 + 20 + 20);
        let fanout_at = |byte: usize| &index[8 + 4 * byte..12 + 4 * byte];
        assert_eq!(fanout_at(0), 0u32.to_be_bytes());
        assert_eq!(fanout_at(1), 1u32.to_be_bytes());
        assert_eq!(fanout_at(255), 3u32.to_be_bytes());
        let offsets = &index[8 + 1024 + 60 + 12..][..12];
        assert_eq!(offsets[..4], 0x8000_0000u32.to_be_bytes());
        assert_eq!(offsets[4..8], 12u32.to_be_bytes());
        assert_eq!(offsets[8..], ((1u32 << 31) - 1).to_be_bytes());
        assert_eq!(index[8 + 1024 + 84..][..8], (5u64 << 30).to_be_bytes());
        let (body, own) = index.split_at(index.len() - 20);
        assert_eq!(crate::sha1_digest::of(body), own);
    }

    #[test]
    fn an_object_listed_twice_is_refused() {
        let entries = vec![entry(1, 12), entry(1, 40)];
        assert!(write_index(&mut Vec::new(), entries, [0; 20]).is_err());
    }
}
