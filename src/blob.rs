//! A file's content held the way git stores it: its blob id and its zlib
//! stream. A render holds every changed document like this from the moment
//! it is compared until it is committed (a third of its size or less), and
//! the pack of new blobs takes the zlib streams as they are.
//!
//! Deflating goes through one zlib compressor per thread, reset for each
//! stream: a compressor's state is a quarter of a megabyte, and making one
//! per document cost two thirds of the deflating time of a large render.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Read as _};

use flate2::read::ZlibDecoder;
use flate2::{Compress, Compression, FlushCompress, Status};

use crate::sha1_digest::Sha1;

/// A zlib compression level: 0 (stored, no compression) to 9 (smallest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level(u8);

impl Level {
    /// zlib's fastest level, rolecall's default (git's packs of new objects need no more).
    pub const FAST: Level = Level(1);

    /// The level a git setting such as `core.compression` names: `-1` is
    /// zlib's default (6), `0` to `9` themselves; `None` for anything else.
    pub fn from_git(value: i64) -> Option<Level> {
        match value {
            -1 => Some(Level(6)),
            0..=9 => u8::try_from(value).ok().map(Level),
            _ => None,
        }
    }

    /// The level as zlib numbers it.
    pub fn get(self) -> u32 {
        u32::from(self.0)
    }
}

/// This thread's compressor (with the level it was made for) and the
/// buffer it deflates into.
struct Deflater {
    level: Level,
    compress: Compress,
    scratch: Vec<u8>,
}

/// A scratch buffer grown past this is given back after use.
const SCRATCH_KEPT: usize = 4 << 20;

thread_local! {
    static DEFLATER: RefCell<Option<Deflater>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's compressor for `level`, reset and ready for
/// a new stream, and its scratch buffer, emptied.
fn with_deflater<T>(level: Level, f: impl FnOnce(&mut Compress, &mut Vec<u8>) -> T) -> T {
    DEFLATER.with_borrow_mut(|slot| {
        let deflater = match slot {
            Some(deflater) if deflater.level == level => {
                deflater.compress.reset();
                deflater
            }
            _ => slot.insert(Deflater {
                level,
                compress: Compress::new(Compression::new(level.get()), true),
                scratch: Vec::new(),
            }),
        };
        deflater.scratch.clear();
        let result = f(&mut deflater.compress, &mut deflater.scratch);
        if deflater.scratch.capacity() > SCRATCH_KEPT {
            deflater.scratch = Vec::new();
        }
        result
    })
}

/// Appends the zlib stream of `content` at `level` to `out`.
pub fn deflate_into(content: &[u8], level: Level, out: &mut Vec<u8>) -> io::Result<()> {
    with_deflater(level, |compress, _| finish(compress, content, out))
}

/// Deflates all of `content` with `compress` (fresh) onto `out`, growing it as needed.
fn finish(compress: &mut Compress, content: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    // zlib's bound for one stream (deflateBound), so that one pass is enough.
    out.reserve(content.len() + (content.len() >> 12) + (content.len() >> 14) + 64);
    loop {
        let consumed = usize::try_from(compress.total_in()).map_err(io::Error::other)?;
        let input = content.get(consumed..).unwrap_or_default();
        match compress
            .compress_vec(input, out, FlushCompress::Finish)
            .map_err(io::Error::other)?
        {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
        }
    }
}

/// A git blob id: the SHA-1 of `blob {size}\0` followed by the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlobId(pub [u8; 20]);

impl BlobId {
    /// The id git gives `content`.
    pub fn of(content: &[u8]) -> BlobId {
        let mut hash = Sha1::new();
        hash.update(format!("blob {}\0", content.len()).as_bytes());
        hash.update(content);
        BlobId(hash.finish())
    }
}

impl BlobId {
    /// The 40 lower-case hexadecimal digits of the id, as git writes it,
    /// made from a table without going through `fmt`.
    pub fn hex(&self) -> [u8; 40] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 40];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        hex
    }

    /// Appends the id's 40 hexadecimal digits to `out`.
    pub fn push_hex(&self, out: &mut String) {
        let hex = self.hex();
        // Every byte of `hex` is an ASCII digit or letter.
        out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.hex();
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

/// Content held deflated, with its blob id and size.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    id: BlobId,
    size: usize,
    /// The level the zlib stream was made at.
    level: Level,
    /// The zlib stream of the content (header, deflate data, Adler-32), as
    /// a pack entry of an undeltified object carries it.
    zlib: Box<[u8]>,
}

impl Blob {
    /// Hashes and deflates `content` at [`Level::FAST`].
    pub fn new(content: &[u8]) -> io::Result<Blob> {
        Blob::with_level(content, Level::FAST)
    }

    /// Hashes and deflates `content` at `level`.
    pub fn with_level(content: &[u8], level: Level) -> io::Result<Blob> {
        let zlib = with_deflater(level, |compress, scratch| {
            finish(compress, content, scratch)?;
            Ok::<_, io::Error>(Box::from(scratch.as_slice()))
        })?;
        Ok(Blob {
            id: BlobId::of(content),
            size: content.len(),
            level,
            zlib,
        })
    }

    /// The level its zlib stream was made at.
    pub fn level(&self) -> Level {
        self.level
    }

    pub fn id(&self) -> BlobId {
        self.id
    }

    /// The content's size in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The zlib stream of the content.
    pub fn zlib(&self) -> &[u8] {
        &self.zlib
    }

    /// The content, inflated.
    pub fn content(&self) -> io::Result<Vec<u8>> {
        let mut content = Vec::with_capacity(self.size);
        ZlibDecoder::new(&self.zlib[..]).read_to_end(&mut content)?;
        if content.len() != self.size {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "blob {} inflated to {} bytes instead of {}",
                    self.id,
                    content.len(),
                    self.size
                ),
            ));
        }
        Ok(content)
    }

    /// Whether `bytes` are this content (same size and blob id).
    pub fn matches(&self, bytes: &[u8]) -> bool {
        bytes.len() == self.size && BlobId::of(bytes) == self.id
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blob")
            .field("id", &self.id.to_string())
            .field("size", &self.size)
            .field("level", &self.level.0)
            .field("deflated", &self.zlib.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn ids_are_git_blob_ids() {
        // `git hash-object` of an empty file and of "hello\n".
        assert_eq!(
            BlobId::of(b"").to_string(),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
        assert_eq!(
            BlobId::of(b"hello\n").to_string(),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }

    #[test]
    fn hex_digits_are_the_ones_fmt_gives() {
        let ids = [
            BlobId([0; 20]),
            BlobId([0xff; 20]),
            BlobId(std::array::from_fn(|i| {
                u8::try_from(i * 13 + 7).expect("byte")
            })),
            BlobId::of(b"hello\n"),
        ];
        for id in ids {
            let by_fmt = id.0.iter().fold(String::new(), |mut out, byte| {
                let _ = write!(out, "{byte:02x}");
                out
            });
            assert_eq!(id.to_string(), by_fmt);
            assert_eq!(&id.hex()[..], by_fmt.as_bytes());
            let mut out = "id ".to_owned();
            id.push_hex(&mut out);
            assert_eq!(out, format!("id {by_fmt}"));
        }
        // Every byte value, in both nibbles.
        for byte in 0..=255u8 {
            let id = BlobId([byte; 20]);
            assert_eq!(id.to_string(), format!("{byte:02x}").repeat(20));
        }
    }

    #[test]
    fn a_blob_inflates_to_its_content() {
        let contents: [&[u8]; 3] = [b"", b"# Title\n\ntext\n", &[0u8, 255, 7].repeat(50_000)];
        for content in contents {
            let blob = Blob::new(content).expect("deflate");
            assert_eq!(blob.content().expect("inflate"), content);
            assert_eq!(blob.size(), content.len());
            assert_eq!(blob.id(), BlobId::of(content));
            assert!(blob.matches(content));
            assert!(!blob.matches(b"something else"));
        }
        let repetitive = "line of a document\n".repeat(1000);
        let blob = Blob::new(repetitive.as_bytes()).expect("deflate");
        assert!(blob.zlib().len() < repetitive.len() / 10, "{blob:?}");
    }

    /// What a compressor made for this stream alone gives.
    fn fresh_stream(content: &[u8], level: Level) -> Vec<u8> {
        let mut out = Vec::new();
        let mut compress = Compress::new(Compression::new(level.get()), true);
        finish(&mut compress, content, &mut out).expect("deflate");
        out
    }

    #[test]
    fn the_reused_compressor_gives_the_streams_a_fresh_one_would() {
        // Large, empty and small contents in turn, at changing levels, on one thread.
        let large: Vec<u8> = (0..2_000_000u32)
            .map(|n| u8::try_from(n.wrapping_mul(2_654_435_761) >> 24).expect("byte"))
            .collect();
        let contents: [&[u8]; 4] = [&large, b"", b"# Title\n\ntext\n", &large[..70_000]];
        for level in [1, 1, 9, 0, 6, 1] {
            let level = Level::from_git(i64::from(level)).expect("level");
            for content in contents {
                let blob = Blob::with_level(content, level).expect("deflate");
                let fresh = fresh_stream(content, level);
                assert!(blob.zlib() == fresh.as_slice(), "{blob:?} differs");
                assert_eq!(blob.level(), level);
                assert_eq!(blob.content().expect("inflate"), content);
                let mut out = b"head".to_vec();
                deflate_into(content, level, &mut out).expect("deflate");
                assert_eq!(&out[..4], b"head");
                assert!(&out[4..] == blob.zlib(), "{blob:?} appended differs");
            }
        }
        // Level 0 stores: the stream is larger than its content.
        let stored = Blob::with_level(&large, Level::from_git(0).expect("level")).expect("store");
        assert!(stored.zlib().len() > large.len());
    }

    #[test]
    fn git_levels_are_zero_to_nine_and_minus_one() {
        assert_eq!(Level::from_git(-1).map(Level::get), Some(6));
        assert_eq!(Level::from_git(0).map(Level::get), Some(0));
        assert_eq!(Level::from_git(9).map(Level::get), Some(9));
        assert_eq!(Level::from_git(10), None);
        assert_eq!(Level::from_git(-2), None);
    }
}
