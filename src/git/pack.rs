//! The pack format for many new objects (a render's blobs, then its trees):
//! a version 2 pack of whole (undeltified) zlib-deflated objects. Blobs
//! arrive deflated already ([`Blob`]); trees are deflated here, in
//! parallel. The writer reports each entry's offset and CRC-32 and the
//! pack's hash, which is all its index needs besides the ids.

use std::io::{self, BufWriter, Write};
use std::sync::mpsc;
use std::thread;

use flate2::write::ZlibEncoder;
use flate2::{Compression, Crc};
use rayon::prelude::*;

use crate::blob::Blob;

/// Blobs deflated together before their entries are handed to the writer: enough to keep every
/// core busy, few enough that the compressed pack is never held whole in memory.
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

/// Writes `blobs` as one pack into `out`: header, one entry per blob (its
/// type-and-size header, then its zlib stream as held), SHA-1 trailer.
pub(super) fn write_blob_pack(out: &mut impl Write, blobs: &[&Blob]) -> io::Result<Packed> {
    let mut out = Trailed::start(out, blobs.len())?;
    for blob in blobs {
        out.write_entry(&[&entry_header(BLOB, blob.size()), blob.zlib()])?;
    }
    out.finish()
}

/// Writes `objects`, all of type `kind` ([`BLOB`] or [`TREE`]), as one pack into `out`:
/// header, one entry per object, SHA-1 trailer. Entries are deflated in parallel on another
/// thread while `out` consumes earlier batches.
pub(super) fn write_pack(out: &mut impl Write, kind: u8, blobs: &[&[u8]]) -> io::Result<Packed> {
    let mut out = Trailed::start(out, blobs.len())?;
    thread::scope(|scope| {
        // Two batches in flight: one being written while the next is deflated.
        let (batches, deflated) = mpsc::sync_channel::<io::Result<Vec<Vec<u8>>>>(1);
        scope.spawn(move || {
            for batch in blobs.chunks(BATCH) {
                let entries = batch.par_iter().map(|blob| entry(kind, blob)).collect();
                // The receiver is gone only when writing failed; stop deflating then.
                if batches.send(entries).is_err() {
                    break;
                }
            }
        });
        for entries in deflated {
            for entry in entries? {
                out.write_entry(&[&entry])?;
            }
        }
        Ok::<_, io::Error>(())
    })?;
    out.finish()
}

/// One pack entry: the type-and-size header, then the deflated content.
fn entry(kind: u8, content: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = ZlibEncoder::new(
        Vec::with_capacity(content.len() / 2 + 32),
        Compression::fast(),
    );
    encoder
        .get_mut()
        .extend_from_slice(&entry_header(kind, content.len()));
    encoder.write_all(content)?;
    encoder.finish()
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
    hash: sha1_smol::Sha1,
    written: u64,
}

impl<W: Write> Hashed<W> {
    pub(super) fn new(inner: W) -> Self {
        Hashed {
            inner,
            hash: sha1_smol::Sha1::new(),
            written: 0,
        }
    }

    pub(super) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.written += bytes.len() as u64;
        self.inner.write_all(bytes)
    }

    /// Appends the SHA-1 of everything written so far, flushes, and returns the SHA-1.
    pub(super) fn finish(mut self) -> io::Result<[u8; 20]> {
        let hash = self.hash.digest().bytes();
        self.inner.write_all(&hash)?;
        self.inner.flush()?;
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

    #[test]
    fn a_pack_is_header_entries_and_trailer() {
        let blobs: Vec<Vec<u8>> = (0..BATCH + 3)
            .map(|i| format!("blob {i}\n").repeat(i % 5).into_bytes())
            .collect();
        let borrowed: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
        let mut pack = Vec::new();
        write_pack(&mut pack, BLOB, &borrowed).expect("pack");

        let (body, trailer) = pack.split_at(pack.len() - 20);
        assert_eq!(sha1_smol::Sha1::from(body).digest().bytes(), trailer);
        assert_eq!(&body[..8], b"PACK\0\0\0\x02");
        let count = u32::try_from(blobs.len()).expect("count");
        assert_eq!(body[8..12], count.to_be_bytes());
        let mut rest = &body[12..];
        for blob in &blobs {
            let header = entry_header(BLOB, blob.len());
            assert_eq!(&rest[..header.len()], header.as_slice());
            let mut decoder = ZlibDecoder::new(&rest[header.len()..]);
            let mut content = Vec::new();
            decoder.read_to_end(&mut content).expect("inflate");
            assert_eq!(&content, blob);
            let used = usize::try_from(decoder.total_in()).expect("size");
            rest = &rest[header.len() + used..];
        }
        assert!(rest.is_empty());
    }

    #[test]
    fn a_blob_pack_carries_the_held_zlib_streams() {
        let contents: Vec<Vec<u8>> = (0..300)
            .map(|i| format!("document {i}\n").repeat(i % 7).into_bytes())
            .collect();
        let blobs: Vec<Blob> = contents
            .iter()
            .map(|c| Blob::new(c).expect("deflate"))
            .collect();
        let borrowed: Vec<&Blob> = blobs.iter().collect();
        let mut pack = Vec::new();
        write_blob_pack(&mut pack, &borrowed).expect("pack");

        let (body, trailer) = pack.split_at(pack.len() - 20);
        assert_eq!(sha1_smol::Sha1::from(body).digest().bytes(), trailer);
        assert_eq!(&body[..8], b"PACK\0\0\0\x02");
        assert_eq!(body[8..12], 300u32.to_be_bytes());
        let mut rest = &body[12..];
        for (blob, content) in blobs.iter().zip(&contents) {
            let header = entry_header(BLOB, content.len());
            assert_eq!(&rest[..header.len()], header.as_slice());
            rest = &rest[header.len()..];
            assert_eq!(&rest[..blob.zlib().len()], blob.zlib());
            let mut inflated = Vec::new();
            ZlibDecoder::new(&rest[..blob.zlib().len()])
                .read_to_end(&mut inflated)
                .expect("inflate");
            assert_eq!(&inflated, content);
            rest = &rest[blob.zlib().len()..];
        }
        assert!(rest.is_empty());
    }
}
