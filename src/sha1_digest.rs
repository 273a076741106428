//! SHA-1: the digest git names its objects, packs and index by, and behind
//! the render cache's keys and the GitLab report's fingerprints. The only
//! module that names the `sha1` crate, whose SHA-NI code runs where the
//! processor has it (about four times `sha1_smol`'s speed on documents of
//! a few kilobytes, BENCHMARKS.md).

use sha1::Digest as _;

/// A SHA-1 being computed.
#[derive(Clone, Default)]
pub struct Sha1(sha1::Sha1);

impl Sha1 {
    pub fn new() -> Sha1 {
        Sha1::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything given to [`Sha1::update`].
    pub fn finish(self) -> [u8; 20] {
        self.0.finalize().into()
    }
}

/// The SHA-1 of `bytes`.
pub fn of(bytes: &[u8]) -> [u8; 20] {
    let mut hash = Sha1::new();
    hash.update(bytes);
    hash.finish()
}

/// The 40 lower-case hexadecimal digits of a digest.
pub fn hex(digest: &[u8; 20]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(40);
    for byte in digest {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // FIPS 180 examples, and git's id of the empty blob.
        assert_eq!(hex(&of(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex(&of(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&of(b"blob 0\0")),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
    }

    #[test]
    fn updates_in_pieces_digest_as_one() {
        let text: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let mut hash = Sha1::new();
        for piece in text.chunks(77) {
            hash.update(piece);
        }
        assert_eq!(hash.finish(), of(&text));
    }
}
