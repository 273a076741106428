//! Tests of `commit`.

use super::*;

fn request() -> CommitRequest<'static> {
    CommitRequest {
        no_commit: true,
        author: None,
        subject: "rolecall: render X".to_owned(),
        body: Vec::new(),
        uncommitted: Uncommitted::default(),
    }
}

fn write(path: &str, content: &str, previous: Option<&str>) -> Change {
    Change::Write {
        path: path.to_owned(),
        content: Some(crate::blob::Blob::new(content.as_bytes()).expect("deflate")),
        previous: previous.map_or(Previous::Absent, |p| Previous::Held(p.as_bytes().to_vec())),
        conversion: crate::line_endings::Conversion::None,
    }
}

#[test]
fn a_file_written_since_the_comparison_stops_the_run_before_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("b.md"), "written by another run\n").expect("write");
    let mut changes = [
        write("a.md", "new a\n", None),
        write("b.md", "new b\n", None),
    ];
    let error = write_and_commit(dir.path(), &mut changes, &request())
        .err()
        .expect("refused");
    assert!(
        error.to_string().contains("another rolecall run"),
        "{error}"
    );
    assert!(!dir.path().join("a.md").exists(), "nothing was written");
    assert_eq!(
        fs::read_to_string(dir.path().join("b.md")).expect("read"),
        "written by another run\n"
    );
}

#[test]
fn a_file_removed_since_the_comparison_stops_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut changes = [Change::Remove {
        path: "gone.md".to_owned(),
        previous: b"old\n".to_vec(),
    }];
    assert!(write_and_commit(dir.path(), &mut changes, &request()).is_err());
}

#[test]
fn unchanged_files_are_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("b.md"), "old b\n").expect("write");
    let mut changes = [
        write("a/a.md", "new a\n", None),
        write("b.md", "new b\n", Some("old b\n")),
    ];
    let committed = write_and_commit(dir.path(), &mut changes, &request()).expect("written");
    assert!(matches!(committed, Committed::Skipped));
    assert_eq!(
        fs::read_to_string(dir.path().join("a/a.md")).expect("read"),
        "new a\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("b.md")).expect("read"),
        "new b\n"
    );
}

#[test]
fn old_contents_not_in_head_are_read_back_before_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("committed.md"), "committed\n").expect("write");
    fs::write(dir.path().join("edited.md"), "edited\n").expect("write");
    let by_id = |path: &str, old: &str| Change::Write {
        path: path.to_owned(),
        content: Some(crate::blob::Blob::new(b"new\n").expect("deflate")),
        previous: Previous::Id(BlobId::of(old.as_bytes())),
        conversion: crate::line_endings::Conversion::None,
    };
    let mut changes = [
        by_id("committed.md", "committed\n"),
        by_id("edited.md", "edited\n"),
        write("new.md", "new\n", None),
    ];
    let mut asked = Vec::new();
    ensure_unchanged(dir.path(), &mut changes, |blobs| {
        asked = blobs.iter().map(|(path, _)| (*path).to_owned()).collect();
        Ok(blobs
            .iter()
            .map(|(path, _)| *path == "committed.md")
            .collect())
    })
    .expect("unchanged");
    assert_eq!(asked, ["committed.md", "edited.md"]);
    let previous: Vec<&Previous> = changes
        .iter()
        .map(|c| match c {
            Change::Write { previous, .. } => previous,
            Change::Remove { .. } => unreachable!(),
        })
        .collect();
    assert_eq!(
        previous,
        [
            &Previous::Id(BlobId::of(b"committed\n")),
            &Previous::Held(b"edited\n".to_vec()),
            &Previous::Absent
        ]
    );

    fs::write(dir.path().join("committed.md"), "changed meanwhile\n").expect("write");
    let error = ensure_unchanged(dir.path(), &mut changes, |blobs| {
        Ok(vec![true; blobs.len()])
    })
    .expect_err("changed");
    assert!(error.to_string().contains("committed.md"), "{error}");
}

#[test]
fn id_lists_are_shortened_past_five() {
    let ids: Vec<String> = (1..=7).map(|n| format!("INC-{n}")).collect();
    assert_eq!(id_list(&ids[..2]), "INC-1, INC-2");
    assert_eq!(
        id_list(&ids),
        "INC-1, INC-2, INC-3, INC-4, INC-5 and 2 more"
    );
}
