//! A file's content held the way git stores it: its blob id and its zlib
//! stream. A render holds every changed document like this from the moment
//! it is compared until it is committed (a third of its size or less), and
//! the pack of new blobs takes the zlib streams as they are.

use std::fmt;
use std::io::{self, Read as _, Write as _};

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

/// A git blob id: the SHA-1 of `blob {size}\0` followed by the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlobId(pub [u8; 20]);

impl BlobId {
    /// The id git gives `content`.
    pub fn of(content: &[u8]) -> BlobId {
        let mut hash = sha1_smol::Sha1::new();
        hash.update(format!("blob {}\0", content.len()).as_bytes());
        hash.update(content);
        BlobId(hash.digest().bytes())
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

/// Content held deflated, with its blob id and size.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    id: BlobId,
    size: usize,
    /// The zlib stream of the content (header, deflate data, Adler-32), as
    /// a pack entry of an undeltified object carries it.
    zlib: Box<[u8]>,
}

impl Blob {
    /// Hashes and deflates `content` (zlib's fastest level, as git's packs
    /// of new objects need no more).
    pub fn new(content: &[u8]) -> io::Result<Blob> {
        let mut encoder = ZlibEncoder::new(
            Vec::with_capacity(content.len() / 2 + 64),
            Compression::fast(),
        );
        encoder.write_all(content)?;
        Ok(Blob {
            id: BlobId::of(content),
            size: content.len(),
            zlib: encoder.finish()?.into_boxed_slice(),
        })
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
            .field("deflated", &self.zlib.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
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
}
