//! What git does to a file's line endings between the work tree and the
//! repository, as plain data ([`Conversion`], computed per path by
//! `git::eol` from the configuration and attributes), and the two byte
//! conversions git makes: [`Conversion::to_git`] (what `git add` stores)
//! and [`Conversion::to_worktree`] (what `git checkout` writes). The byte
//! rules follow git's `convert.c`, so rolecall compares, hashes and writes
//! documents exactly as git would.

use std::borrow::Cow;

use crate::blob::BlobId;

/// The line ending `git checkout` writes for a text file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eol {
    Lf,
    Crlf,
}

/// How git converts one path's content.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Conversion {
    /// None: the file holds the blob byte for byte (`-text`, `binary`, or
    /// no setting asks for a conversion).
    #[default]
    None,
    /// A text file (`text`, or an `eol` attribute): CRLF is stored as LF;
    /// checkout writes the given line ending.
    Text(Eol),
    /// `text=auto`, or `core.autocrlf` with no `text` attribute: as
    /// [`Conversion::Text`] for content git takes for text, no conversion
    /// for content it takes for binary (a NUL, a lone CR, many control
    /// characters), and checkout leaves a blob that holds a CR as it is.
    Auto(Eol),
}

/// A document rolecall will not write because git would convert it in a
/// way rolecall does not reproduce (a `filter` or `ident` attribute, a
/// working-tree encoding), or because its attributes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct Unsupported {
    /// Repository-relative path.
    pub path: String,
    pub reason: String,
}

/// What git counts in a buffer to decide whether (and how) to convert it
/// (`gather_stats` in git's `convert.c`).
#[derive(Debug, Default)]
struct Stats {
    nul: usize,
    lone_cr: usize,
    lone_lf: usize,
    crlf: usize,
    printable: usize,
    nonprintable: usize,
}

impl Stats {
    fn of(bytes: &[u8]) -> Stats {
        let mut stats = Stats::default();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    stats.crlf += 1;
                    i += 1;
                }
                b'\r' => stats.lone_cr += 1,
                b'\n' => stats.lone_lf += 1,
                127 => stats.nonprintable += 1,
                // Backspace, tab, escape and form feed count as printable.
                8 | 9 | 27 | 12 => stats.printable += 1,
                0 => {
                    stats.nul += 1;
                    stats.nonprintable += 1;
                }
                c if c < 32 => stats.nonprintable += 1,
                _ => stats.printable += 1,
            }
            i += 1;
        }
        // A trailing end-of-file character (^Z) is not held against the file.
        if bytes.last() == Some(&0x1a) {
            stats.nonprintable -= 1;
        }
        stats
    }

    /// git's `convert_is_binary`.
    fn is_binary(&self) -> bool {
        self.lone_cr > 0 || self.nul > 0 || (self.printable >> 7) < self.nonprintable
    }
}

impl Conversion {
    /// The content `git add` stores for a work-tree file holding `worktree`
    /// (`crlf_to_git`). For [`Conversion::Auto`], git also leaves a file
    /// alone when the blob already in the index holds a CR; rolecall always
    /// stores the normalised form, which git then keeps.
    pub fn to_git(self, worktree: &[u8]) -> Cow<'_, [u8]> {
        // No CR: nothing to convert (and a quick test, unlike the stats).
        if self == Conversion::None || !worktree.contains(&b'\r') {
            return Cow::Borrowed(worktree);
        }
        let stats = Stats::of(worktree);
        if stats.crlf == 0 || (matches!(self, Conversion::Auto(_)) && stats.is_binary()) {
            return Cow::Borrowed(worktree);
        }
        let mut stored = Vec::with_capacity(worktree.len() - stats.crlf);
        for (i, &byte) in worktree.iter().enumerate() {
            if !(byte == b'\r' && worktree.get(i + 1) == Some(&b'\n')) {
                stored.push(byte);
            }
        }
        Cow::Owned(stored)
    }

    /// The file `git checkout` writes for a blob holding `blob`
    /// (`crlf_to_worktree`).
    pub fn to_worktree(self, blob: &[u8]) -> Cow<'_, [u8]> {
        let auto = match self {
            Conversion::Text(Eol::Crlf) => false,
            Conversion::Auto(Eol::Crlf) => true,
            _ => return Cow::Borrowed(blob),
        };
        let stats = Stats::of(blob);
        if stats.lone_lf == 0
            || (auto && (stats.lone_cr > 0 || stats.crlf > 0 || stats.is_binary()))
        {
            return Cow::Borrowed(blob);
        }
        let mut file = Vec::with_capacity(blob.len() + stats.lone_lf);
        for (i, &byte) in blob.iter().enumerate() {
            if byte == b'\n' && (i == 0 || blob[i - 1] != b'\r') {
                file.push(b'\r');
            }
            file.push(byte);
        }
        Cow::Owned(file)
    }

    /// Whether `file` is exactly what checkout writes for the blob `id`:
    /// it is stored as that blob, and checking that blob out gives these
    /// bytes back (so a file with mixed line endings is not, even when it
    /// is stored as `id`).
    pub fn is_checkout_of(self, file: &[u8], id: BlobId) -> bool {
        let stored = self.to_git(file);
        BlobId::of(&stored) == id && self.to_worktree(&stored) == file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRLF: Conversion = Conversion::Text(Eol::Crlf);
    const AUTO_CRLF: Conversion = Conversion::Auto(Eol::Crlf);

    fn to_git(conversion: Conversion, bytes: &[u8]) -> Vec<u8> {
        conversion.to_git(bytes).into_owned()
    }

    fn to_worktree(conversion: Conversion, bytes: &[u8]) -> Vec<u8> {
        conversion.to_worktree(bytes).into_owned()
    }

    #[test]
    fn no_conversion_keeps_every_byte() {
        let bytes = b"a\r\nb\nc\r";
        assert_eq!(to_git(Conversion::None, bytes), bytes);
        assert_eq!(to_worktree(Conversion::None, bytes), bytes);
    }

    #[test]
    fn text_is_stored_with_lf_and_checked_out_as_configured() {
        for conversion in [CRLF, Conversion::Text(Eol::Lf), AUTO_CRLF] {
            assert_eq!(to_git(conversion, b"a\r\nb\nc\r\n"), b"a\nb\nc\n");
        }
        assert_eq!(to_worktree(CRLF, b"a\nb\n"), b"a\r\nb\r\n");
        assert_eq!(to_worktree(AUTO_CRLF, b"a\nb"), b"a\r\nb");
        assert_eq!(to_worktree(Conversion::Text(Eol::Lf), b"a\nb\n"), b"a\nb\n");
        assert_eq!(to_worktree(Conversion::Auto(Eol::Lf), b"a\nb\n"), b"a\nb\n");
    }

    #[test]
    fn text_converts_every_lone_lf_and_strips_only_crs_before_lf() {
        // As git's loops do: `\r\r\n` loses one CR, a lone CR stays, and
        // checkout adds a CR only where there is none.
        assert_eq!(to_git(CRLF, b"a\r\r\nb\rc\r\n"), b"a\r\nb\rc\n");
        assert_eq!(to_worktree(CRLF, b"a\r\nb\n"), b"a\r\nb\r\n");
        assert_eq!(to_worktree(CRLF, b"\n"), b"\r\n");
    }

    #[test]
    fn auto_leaves_binary_content_and_blobs_holding_crs_alone() {
        let binary: [&[u8]; 3] = [b"a\0b\r\n", b"a\rb\r\n", &[1u8; 4]];
        for bytes in binary {
            assert_eq!(to_git(AUTO_CRLF, bytes), bytes, "{bytes:?}");
            assert_eq!(to_worktree(AUTO_CRLF, bytes), bytes, "{bytes:?}");
        }
        assert_eq!(to_worktree(AUTO_CRLF, b"a\r\nb\n"), b"a\r\nb\n");
        // Explicit text converts content auto would take for binary.
        assert_eq!(to_git(CRLF, b"a\0\r\n"), b"a\0\n");
        assert_eq!(to_worktree(CRLF, b"a\0\n"), b"a\0\r\n");
    }

    #[test]
    fn a_trailing_end_of_file_character_does_not_make_text_binary() {
        let mut text = b"line\r\n".repeat(2);
        text.push(0x1a);
        assert!(!Stats::of(&text).is_binary());
        assert_eq!(to_git(AUTO_CRLF, &text), b"line\nline\n\x1a");
        assert!(Stats::of(b"\x1a\x1a").is_binary());
    }

    #[test]
    fn a_file_is_a_checkout_of_its_blob_only_with_uniform_line_endings() {
        let id = BlobId::of(b"a\nb\n");
        assert!(CRLF.is_checkout_of(b"a\r\nb\r\n", id));
        assert!(!CRLF.is_checkout_of(b"a\r\nb\n", id), "mixed");
        assert!(
            !CRLF.is_checkout_of(b"a\nb\n", id),
            "LF where CRLF is written"
        );
        assert!(Conversion::None.is_checkout_of(b"a\nb\n", id));
        assert!(!Conversion::None.is_checkout_of(b"a\r\nb\r\n", id));
        assert!(Conversion::Text(Eol::Lf).is_checkout_of(b"a\nb\n", id));
        assert!(!Conversion::Text(Eol::Lf).is_checkout_of(b"a\r\nb\r\n", id));
    }

    #[test]
    fn checkout_then_add_gives_the_blob_back() {
        let blobs: [&[u8]; 4] = [b"", b"a\nb\n", b"no newline", b"a\rb\n"];
        for conversion in [CRLF, AUTO_CRLF, Conversion::Text(Eol::Lf), Conversion::None] {
            for blob in blobs {
                let file = to_worktree(conversion, blob);
                assert_eq!(to_git(conversion, &file), blob, "{conversion:?} {blob:?}");
            }
        }
    }
}
