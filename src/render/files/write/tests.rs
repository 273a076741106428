use super::*;
use crate::blob::{Blob, BlobId};
use crate::line_endings::Conversion;

fn new_file(path: &str, content: &str) -> Change {
    Change::Write {
        path: path.to_owned(),
        content: Some(Blob::new(content.as_bytes()).expect("deflate")),
        previous: Previous::Absent,
        conversion: Conversion::None,
    }
}

fn nothing_stored(_: BlobId) -> std::io::Result<Vec<u8>> {
    Err(std::io::Error::other("nothing stored"))
}

fn removal(path: &str, previous: &str) -> Change {
    Change::Remove {
        path: path.to_owned(),
        previous: previous.as_bytes().to_vec(),
    }
}

#[test]
fn restore_removes_only_the_folders_apply_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join("kept/empty")).expect("folder");
    fs::create_dir_all(root.join("gone")).expect("folder");
    fs::write(root.join("gone/old.md"), "old\n").expect("write");
    let changes = [
        new_file("kept/empty/a.md", "a\n"),
        new_file("kept/new/deeper/b.md", "b\n"),
        removal("gone/old.md", "old\n"),
    ];
    let applied = apply(root, &changes, &nothing_stored).expect("applied");
    assert!(
        !root.join("gone").exists(),
        "a folder emptied by a removal goes"
    );
    assert_eq!(
        applied.created,
        [root.join("kept/new"), root.join("kept/new/deeper")]
    );
    assert_eq!(
        restore(root, &applied, &nothing_stored),
        Vec::<String>::new()
    );
    assert!(
        root.join("kept/empty").is_dir(),
        "a folder that was there stays"
    );
    assert_eq!(
        fs::read_dir(root.join("kept/empty")).expect("read").count(),
        0
    );
    assert!(!root.join("kept/new").exists());
    assert_eq!(
        fs::read_to_string(root.join("gone/old.md")).expect("read"),
        "old\n"
    );
}

#[cfg(unix)]
#[test]
fn a_failing_change_puts_back_the_ones_before_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::write(root.join("old.md"), "old\n").expect("write");
    fs::create_dir(root.join("target")).expect("folder");
    std::os::unix::fs::symlink(root.join("target"), root.join("link")).expect("symlink");
    let changes = [
        new_file("new/a.md", "a\n"),
        removal("old.md", "old\n"),
        new_file("link/b.md", "b\n"),
    ];
    let (path, error) = apply(root, &changes, &nothing_stored).expect_err("refused");
    assert_eq!(path, "link/b.md");
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert!(!root.join("new").exists());
    assert_eq!(
        fs::read_to_string(root.join("old.md")).expect("read"),
        "old\n"
    );
    assert_eq!(fs::read_dir(root.join("target")).expect("read").count(), 0);
}
