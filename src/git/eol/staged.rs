//! Whether the index may hold a `.gitattributes` file, told from the index
//! file's bytes: loading the index through libgit2 verifies its checksum,
//! which at ten thousand documents costs more than rendering one incident.

use std::fs;
use std::path::Path;

/// Whether the index in `git_dir` may list a `.gitattributes`: `false`
/// only when there is no index file, or it is a version 2 or 3 index
/// (paths stored whole) whose bytes never spell `.gitattributes`. Anything
/// else — version 4, which shortens paths against the previous one, a file
/// that cannot be read — may.
pub(super) fn may_hold_attributes(git_dir: &Path) -> bool {
    let bytes = match fs::read(git_dir.join("index")) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
        Err(_) => return true,
    };
    let whole_paths =
        bytes.len() >= 12 && bytes.starts_with(b"DIRC") && matches!(bytes[4..8], [0, 0, 0, 2 | 3]);
    !whole_paths || contains(&bytes, b".gitattributes")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, _)) = needle.split_first() else {
        return true;
    };
    let mut from = 0;
    while let Some(at) = haystack[from..].iter().position(|&b| b == first) {
        let start = from + at;
        if haystack[start..].starts_with(needle) {
            return true;
        }
        from = start + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(version: u8, paths: &[&str]) -> Vec<u8> {
        let mut bytes = b"DIRC\0\0\0".to_vec();
        bytes.push(version);
        bytes.extend_from_slice(&[0, 0, 0, 1]);
        for path in paths {
            bytes.extend_from_slice(&[0; 62]);
            bytes.extend_from_slice(path.as_bytes());
            bytes.push(0);
        }
        bytes
    }

    #[test]
    fn only_a_whole_path_index_without_the_name_holds_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(!may_hold_attributes(dir.path()), "no index, nothing staged");
        let cases = [
            (index_of(2, &["a/README.md", "b.md"]), false),
            (index_of(3, &["a/README.md"]), false),
            (index_of(2, &["a/.gitattributes"]), true),
            (index_of(2, &[".gitattributes"]), true),
            (index_of(4, &["a/README.md"]), true),
            (b"not an index".to_vec(), true),
        ];
        for (bytes, may) in cases {
            fs::write(dir.path().join("index"), &bytes).expect("write");
            assert_eq!(may_hold_attributes(dir.path()), may, "{bytes:?}");
        }
    }

    #[test]
    fn a_real_index_is_read_alike() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = git2::Repository::init(dir.path()).expect("init");
        fs::write(dir.path().join("doc.md"), "text\n").expect("write");
        let mut index = repo.index().expect("index");
        index.add_path(Path::new("doc.md")).expect("add");
        index.write().expect("write index");
        assert!(!may_hold_attributes(repo.path()));
        fs::write(dir.path().join(".gitattributes"), "*.md text\n").expect("write");
        index.add_path(Path::new(".gitattributes")).expect("add");
        index.write().expect("write index");
        assert!(may_hold_attributes(repo.path()));
    }
}
