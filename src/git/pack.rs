//! The pack format for a commit's new objects (a large render's blobs and
//! trees): a version 2 pack of whole (undeltified) zlib-deflated objects.
//! Blobs arrive deflated already ([`Blob`]) and go in as they are held;
//! trees are deflated here, in parallel. The writer reports each entry's
//! offset and CRC-32 and the pack's hash, which is all its index needs
//! besides the ids.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::sync::mpsc;
use std::thread;

use flate2::Crc;
use rayon::prelude::*;

use crate::blob::{self, Blob, Level};
use crate::sha1_digest::Sha1;

/// Entries made together before they are handed to the writer: enough to keep every core busy,
/// few enough that the compressed pack is never held whole in memory.
const BATCH: usize = 2048;

/// Pack object type numbers.
pub(super) const TREE: u8 = 2;
pub(super) const BLOB: u8 = 3;

/// What writing a pack tells its index: each entry's offset and CRC-32,
/// in the order the objects were given, and the pack's SHA-1 trailer.
pub(super) struct Packed {
    pub entries: Vec<(u64, u32)>,
    pub hash: [u8; 20],
}

/// One object to pack.
#[derive(Clone, Copy)]
enum Source<'a> {
    Blob(&'a Blob),
    Tree(&'a [u8]),
}

/// Writes `blobs`, then `trees` (raw tree objects), as one pack into `out`: header, one entry per
/// object (its type-and-size header, then its content deflated at `level`), SHA-1 trailer. A
/// blob's zlib stream goes in as held when it was made at `level`, and is made again otherwise.
/// Entries are made in parallel on another thread while `out` consumes earlier batches.
pub(super) fn write_pack(
    out: &mut impl Write,
    blobs: &[&Blob],
    trees: &[&[u8]],
    level: Level,
) -> io::Result<Packed> {
    let sources: Vec<Source<'_>> = blobs
        .iter()
        .map(|blob| Source::Blob(blob))
        .chain(trees.iter().map(|tree| Source::Tree(tree)))
        .collect();
    let mut out = Trailed::start(out, sources.len())?;
    thread::scope(|scope| {
        // Two batches in flight: one being written while the next is made.
        let (batches, made) = mpsc::sync_channel::<io::Result<Vec<Entry<'_>>>>(1);
        scope.spawn(move || {
            for batch in sources.chunks(BATCH) {
                let entries = batch
                    .par_iter()
                    .map(|source| entry(*source, level))
                    .collect();
                // The receiver is gone only when writing failed; stop then.
                if batches.send(entries).is_err() {
                    break;
                }
            }
        });
        for entries in made {
            for entry in entries? {
                out.write_entry(&[&entry.header, &entry.zlib])?;
            }
        }
        Ok::<_, io::Error>(())
    })?;
    out.finish()
}

/// One pack entry: the type-and-size header and the zlib stream.
struct Entry<'a> {
    header: Vec<u8>,
    zlib: Cow<'a, [u8]>,
}

/// The entry of `source` at `level`.
fn entry(source: Source<'_>, level: Level) -> io::Result<Entry<'_>> {
    let (kind, size, zlib) = match source {
        Source::Blob(blob) if blob.level() == level => {
            (BLOB, blob.size(), Cow::Borrowed(blob.zlib()))
        }
        Source::Blob(blob) => (
            BLOB,
            blob.size(),
            Cow::Owned(deflated(&blob.content()?, level)?),
        ),
        Source::Tree(tree) => (TREE, tree.len(), Cow::Owned(deflated(tree, level)?)),
    };
    Ok(Entry {
        header: entry_header(kind, size),
        zlib,
    })
}

/// The zlib stream of `content` at `level`.
fn deflated(content: &[u8], level: Level) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    blob::deflate_into(content, level, &mut out)?;
    Ok(out)
}

/// The entry header: type in bits 4–6 of the first byte, the size in its low four bits and then
/// seven bits per byte, least significant first, each byte but the last with its top bit set.
fn entry_header(kind: u8, size: usize) -> Vec<u8> {
    let mut header = Vec::with_capacity(10);
    let mut rest = size >> 4;
    let mut byte = (kind << 4) | low_bits(size, 0x0f);
    while rest > 0 {
        header.push(byte | 0x80);
        byte = low_bits(rest, 0x7f);
        rest >>= 7;
    }
    header.push(byte);
    header
}

/// `value & mask` as a byte (`mask` is at most `0xff`).
fn low_bits(value: usize, mask: u8) -> u8 {
    u8::try_from(value & usize::from(mask)).unwrap_or(mask)
}

/// A writer that hashes everything written through it and ends with that SHA-1, as a pack and
/// its index both do.
pub(super) struct Hashed<W: Write> {
    inner: W,
    hash: Sha1,
    written: u64,
}

impl<W: Write> Hashed<W> {
    pub(super) fn new(inner: W) -> Self {
        Hashed {
            inner,
            hash: Sha1::new(),
            written: 0,
        }
    }

    pub(super) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.written += bytes.len() as u64;
        self.inner.write_all(bytes)
    }

    /// Appends the SHA-1 of everything written so far, flushes, and returns the SHA-1.
    pub(super) fn finish(self) -> io::Result<[u8; 20]> {
        let Hashed {
            mut inner, hash, ..
        } = self;
        let hash = hash.finish();
        inner.write_all(&hash)?;
        inner.flush()?;
        Ok(hash)
    }
}

/// A pack being written: a [`Hashed`] writer that also notes where each entry starts and its
/// CRC-32. It buffers, so the many small pieces of a pack reach `inner` in large writes.
struct Trailed<'w, W: Write> {
    out: Hashed<BufWriter<&'w mut W>>,
    entries: Vec<(u64, u32)>,
}

impl<'w, W: Write> Trailed<'w, W> {
    /// Starts a pack of `count` objects: signature, version 2, count.
    fn start(inner: &'w mut W, count: usize) -> io::Result<Self> {
        let count =
            u32::try_from(count).map_err(|_| io::Error::other("too many objects for one pack"))?;
        let mut out = Hashed::new(BufWriter::with_capacity(1 << 16, inner));
        out.write_all(b"PACK")?;
        out.write_all(&2u32.to_be_bytes())?;
        out.write_all(&count.to_be_bytes())?;
        Ok(Trailed {
            out,
            entries: Vec::with_capacity(count as usize),
        })
    }

    /// Appends the SHA-1 of everything written so far.
    fn finish(self) -> io::Result<Packed> {
        Ok(Packed {
            hash: self.out.finish()?,
            entries: self.entries,
        })
    }

    /// Writes one entry from its `pieces`, noting its offset and CRC-32.
    fn write_entry(&mut self, pieces: &[&[u8]]) -> io::Result<()> {
        let mut crc = Crc::new();
        let start = self.out.written;
        for piece in pieces {
            crc.update(piece);
            self.out.write_all(piece)?;
        }
        self.entries.push((start, crc.sum()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use flate2::read::ZlibDecoder;

    use super::*;

    #[test]
    fn entry_headers_carry_type_and_size() {
        assert_eq!(entry_header(BLOB, 0), [0x30]);
        assert_eq!(entry_header(BLOB, 15), [0x3f]);
        assert_eq!(entry_header(BLOB, 16), [0xb0, 0x01]);
        // 1000 = 0b111_1101000: low four bits 1000, then 0111110.
        assert_eq!(entry_header(BLOB, 1000), [0xb8, 0x3e]);
        assert_eq!(entry_header(BLOB, 1 << 20), [0xb0, 0x80, 0x80, 0x04]);
    }

    /// The entries of `pack`, checked against its header and trailer: (type, zlib stream, content).
    fn entries(pack: &[u8]) -> Vec<(u8, Vec<u8>, Vec<u8>)> {
        let (body, trailer) = pack.split_at(pack.len() - 20);
        assert_eq!(crate::sha1_digest::of(body), trailer);
        assert_eq!(&body[..8], b"PACK\0\0\0\x02");
        let count = u32::from_be_bytes(body[8..12].try_into().expect("count"));
        let mut rest = &body[12..];
        let mut found = Vec::new();
        while !rest.is_empty() {
            let kind = (rest[0] >> 4) & 7;
            let header_len = 1 + rest.iter().take_while(|&&b| b & 0x80 != 0).count();
            let mut decoder = ZlibDecoder::new(&rest[header_len..]);
            let mut content = Vec::new();
            decoder.read_to_end(&mut content).expect("inflate");
            assert_eq!(
                &rest[..header_len],
                entry_header(kind, content.len()).as_slice()
            );
            let used = header_len + usize::try_from(decoder.total_in()).expect("size");
            found.push((kind, rest[header_len..used].to_vec(), content));
            rest = &rest[used..];
        }
        assert_eq!(found.len(), usize::try_from(count).expect("count"));
        found
    }

    #[test]
    fn a_pack_holds_the_blobs_then_the_trees() {
        let contents: Vec<Vec<u8>> = (0..BATCH + 300)
            .map(|i| format!("document {i}\n").repeat(i % 7).into_bytes())
            .collect();
        let blobs: Vec<Blob> = contents
            .iter()
            .map(|c| Blob::new(c).expect("deflate"))
            .collect();
        let held: Vec<&Blob> = blobs.iter().collect();
        let trees: Vec<Vec<u8>> = (0..BATCH + 3)
            .map(|i| format!("100644 {i}.md\0{}", "x".repeat(20)).into_bytes())
            .collect();
        let raw: Vec<&[u8]> = trees.iter().map(Vec::as_slice).collect();
        let mut pack = Vec::new();
        let packed = write_pack(&mut pack, &held, &raw, Level::FAST).expect("pack");
        assert_eq!(packed.entries.len(), blobs.len() + trees.len());

        let found = entries(&pack);
        for ((kind, zlib, content), blob) in found.iter().zip(&blobs) {
            assert_eq!(*kind, BLOB);
            // The held stream, as it is.
            assert!(zlib.as_slice() == blob.zlib());
            assert_eq!(content.len(), blob.size());
        }
        for ((kind, _, content), tree) in found[blobs.len()..].iter().zip(&trees) {
            assert_eq!(*kind, TREE);
            assert_eq!(content, tree);
        }
        let mut offsets: Vec<u64> = packed.entries.iter().map(|(offset, _)| *offset).collect();
        assert_eq!(offsets[0], 12);
        offsets.dedup();
        assert_eq!(offsets.len(), found.len(), "one offset per entry");
    }

    #[test]
    fn blobs_held_at_another_level_are_deflated_again() {
        let content = "a line of a rendered document\n".repeat(2000);
        let blob = Blob::new(content.as_bytes()).expect("deflate");
        let stored = Level::from_git(0).expect("level");
        let mut pack = Vec::new();
        write_pack(&mut pack, &[&blob], &[b"tree".as_slice()], stored).expect("pack");
        let found = entries(&pack);
        assert_eq!(found[0].2, content.as_bytes());
        // Stored, not deflated: larger than the content.
        assert!(found[0].1.len() > content.len(), "{}", found[0].1.len());
        assert!(found[1].1.len() > 4);
        let mut fast = Vec::new();
        write_pack(&mut fast, &[&blob], &[], Level::FAST).expect("pack");
        assert!(entries(&fast)[0].1 == blob.zlib());
    }
}
