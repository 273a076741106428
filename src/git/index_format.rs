//! The index file's layout, read only as far as telling whether libgit2
//! can update it: the header's version, then every entry skipped by its
//! length, then the extensions' signatures. An index that passes is one
//! libgit2 reads (bar a corrupted checksum or extension body, which
//! libgit2 then reports when it reads the index to update it); anything
//! else is left to libgit2, whose error names what it cannot handle.
//!
//! Checking this way costs a pass over the entries' lengths, where
//! libgit2's reading hashes the whole file and copies every entry: at
//! 20,000 entries about a tenth of the instructions.

/// The size of an entry's fixed part: ctime, mtime, dev, ino, mode, uid,
/// gid, size (4 bytes each, times 8 bytes), the object id and the flags.
const FIXED: usize = 62;
/// The flag saying a second, extended flags field follows (version 3 on).
const EXTENDED: u16 = 0x4000;
/// The flags' bits that hold the path's length (`0xfff`: 4095 or more).
const NAME_MASK: u16 = 0x0fff;
/// The trailing SHA-1 (all zeros with `index.skipHash`).
const CHECKSUM: usize = 20;

/// Whether `bytes` are an index libgit2 can read and update: signature
/// `DIRC`, version 2 to 4, every entry well formed, only optional
/// extensions (their signature starts with an upper-case letter), and the
/// checksum's 20 bytes at the end. `false` says only that libgit2 has to
/// judge.
pub(super) fn plainly_supported(bytes: &[u8]) -> bool {
    scan(bytes).is_some()
}

/// The walk of [`plainly_supported`]; `None` at the first thing it does
/// not vouch for.
fn scan(bytes: &[u8]) -> Option<()> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(bytes, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(bytes, 8)?;
    let end = bytes.len().checked_sub(CHECKSUM)?;
    let mut at = 12;
    for _ in 0..count {
        at = entry_end(bytes, at, version)?;
        if at > end {
            return None;
        }
    }
    while at < end {
        let signature = bytes.get(at..at + 4)?;
        let size = usize::try_from(be32(bytes, at + 4)?).ok()?;
        if !signature[0].is_ascii_uppercase() {
            return None;
        }
        at = at.checked_add(8)?.checked_add(size)?;
    }
    (at == end).then_some(())
}

/// Where the entry starting at `at` ends.
fn entry_end(bytes: &[u8], at: usize, version: u32) -> Option<usize> {
    let flags = u16::from_be_bytes(bytes.get(at + 60..at + 62)?.try_into().ok()?);
    let mut path = at + FIXED;
    if flags & EXTENDED != 0 {
        if version < 3 {
            return None;
        }
        path += 2;
    }
    if version == 4 {
        // How much of the previous path to keep, as git's varint: bytes
        // with the top bit set, then one without.
        let varint = bytes.get(path..)?.iter().position(|b| b & 0x80 == 0)?;
        path += varint + 1;
    }
    let length = bytes.get(path..)?.iter().position(|&b| b == 0)?;
    // A path of 4095 bytes or more is libgit2's to judge (it has limits of
    // its own on paths).
    if flags & NAME_MASK == NAME_MASK {
        return None;
    }
    if version < 4 {
        if usize::from(flags & NAME_MASK) != length {
            return None;
        }
        // Padded with NULs to a multiple of eight bytes, at least one.
        let size = (path - at + length + 8) & !7;
        return Some(at + size);
    }
    Some(path + length + 1)
}

/// The big-endian 32-bit number at `at`.
fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::plainly_supported;
    use crate::git::test_support::{git_in, init_with_commit, write};

    /// The scan's verdict and libgit2's on the repository's index agree:
    /// both accept it.
    fn both_accept(dir: &Path) -> Vec<u8> {
        let path = dir.join(".git/index");
        let bytes = fs::read(&path).expect("index");
        if let Err(error) = git2::Index::open(&path) {
            panic!("libgit2 cannot read this index: {error}");
        }
        assert!(plainly_supported(&bytes), "the scan vouches for it");
        bytes
    }

    #[test]
    fn the_index_shapes_git_writes_are_vouched_for_as_libgit2_reads_them() {
        let (tmp, _repo) = init_with_commit();
        let dir = tmp.path();
        both_accept(dir);
        // An intent-to-add entry (extended flags, version 3), the tree
        // cache and untracked cache extensions.
        write(dir, "later.md", "later\n");
        git_in(dir, &["add", "-N", "later.md"]);
        git_in(dir, &["config", "core.untrackedCache", "true"]);
        git_in(dir, &["status", "--porcelain"]);
        let v3 = both_accept(dir);
        assert_eq!(v3[7], 3, "intent-to-add makes a version 3 index");
        git_in(dir, &["update-index", "--index-version", "4"]);
        let v4 = both_accept(dir);
        assert_eq!(v4[7], 4);
        git_in(dir, &["config", "index.skipHash", "true"]);
        git_in(dir, &["update-index", "--index-version", "2"]);
        git_in(dir, &["rm", "-q", "--cached", "later.md"]);
        let skip = both_accept(dir);
        assert_eq!(&skip[skip.len() - 20..], &[0; 20], "skipHash");
        // A merge conflict: entries at stages 1 to 3, and the resolve-undo
        // extension once it is resolved.
        git_in(dir, &["config", "index.skipHash", "false"]);
        git_in(dir, &["checkout", "-q", "-b", "side"]);
        write(dir, "tracked.txt", "side\n");
        git_in(dir, &["commit", "-q", "-am", "side"]);
        git_in(dir, &["checkout", "-q", "main"]);
        write(dir, "tracked.txt", "main\n");
        git_in(dir, &["commit", "-q", "-am", "main"]);
        let merged = std::process::Command::new("git")
            .current_dir(dir)
            .args(["merge", "-q", "side"])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", dir.join(".no-global-config"))
            .output()
            .expect("git merge");
        assert!(!merged.status.success(), "the merge conflicts");
        both_accept(dir);
        write(dir, "tracked.txt", "resolved\n");
        git_in(dir, &["add", "tracked.txt"]);
        let resolved = both_accept(dir);
        assert!(resolved.windows(4).any(|w| w == b"REUC"), "resolve-undo");
    }

    #[test]
    fn what_the_scan_does_not_vouch_for_is_left_to_libgit2() {
        let (tmp, _repo) = init_with_commit();
        let good = both_accept(tmp.path());
        let body = &good[..good.len() - 20];
        let with_extension = |signature: &[u8; 4]| {
            let mut bytes = body.to_vec();
            bytes.extend_from_slice(signature);
            bytes.extend_from_slice(&0u32.to_be_bytes());
            bytes.extend_from_slice(&[0; 20]);
            bytes
        };
        assert!(plainly_supported(&with_extension(b"ZZZZ")), "optional");
        let mut version = good.clone();
        version[7] = 9;
        let mut count = good.clone();
        count[11] += 1;
        let mut name_length = good.clone();
        // The first entry's flags: its path length one too many.
        name_length[12 + 61] += 1;
        let refused = [
            with_extension(b"link"),
            with_extension(b"sdir"),
            version,
            count,
            name_length,
            good[..good.len() - 1].to_vec(),
            [good.as_slice(), b"x"].concat(),
            b"DIRX".to_vec(),
            Vec::new(),
        ];
        for bytes in refused {
            assert!(
                !plainly_supported(&bytes),
                "{:?}",
                &bytes[..bytes.len().min(16)]
            );
        }
    }

    #[test]
    fn a_path_past_the_length_field_is_left_to_libgit2() {
        let (tmp, _repo) = init_with_commit();
        let dir = tmp.path();
        // An entry without a file: no file system takes so long a path.
        let long = format!("{}doc.md", format!("{}/", "d".repeat(200)).repeat(21));
        let blob = git_in(dir, &["hash-object", "-w", "tracked.txt"]);
        let info = format!("100644,{},{long}", blob.trim());
        git_in(dir, &["update-index", "--add", "--cacheinfo", &info]);
        let path = dir.join(".git/index");
        assert!(!plainly_supported(&fs::read(&path).expect("index")));
        assert!(
            git2::Index::open(&path).is_ok(),
            "libgit2 judges, and reads it"
        );
    }
}
