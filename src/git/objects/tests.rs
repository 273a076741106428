//! Tests of `objects`.

use std::borrow::Cow;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use git2::Oid;

use super::*;
use crate::git::PathChange;
use crate::git::test_support::{git_in, init, init_with_commit, put, sigs, write};

/// `git cat-file --batch` output for `ids`, one request per line.
fn cat_files(dir: &Path, ids: &[String]) -> Vec<u8> {
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(["cat-file", "--batch"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.join(".no-global-config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run git cat-file");
    let mut stdin = child.stdin.take().expect("stdin");
    let requests = ids.join("\n") + "\n";
    let feeder = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let out = child.wait_with_output().expect("git cat-file output");
    feeder.join().expect("feeder").expect("write requests");
    assert!(out.status.success());
    out.stdout
}

/// How many blobs and trees the repository's packs hold.
fn packed(dir: &Path) -> (usize, usize) {
    let mut counts = (0, 0);
    for entry in std::fs::read_dir(dir.join(".git/objects/pack")).expect("pack folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "idx") {
            let listing = git_in(dir, &["verify-pack", "-v", &path.to_string_lossy()]);
            for line in listing.lines() {
                let kind = line.split_whitespace().nth(1);
                counts.0 += usize::from(kind == Some("blob"));
                counts.1 += usize::from(kind == Some("tree"));
            }
        }
    }
    counts
}

#[test]
fn the_pack_holds_every_blob_once_and_passes_fsck() {
    let (tmp, repo) = init_with_commit();
    // Empty, repeated, binary and multi-megabyte contents, beside many small ones.
    let mut contents: Vec<Vec<u8>> = (0..=PACK_THRESHOLD)
        .map(|i| format!("# Doc {i}\n\n{}", "line\n".repeat(i % 40)).into_bytes())
        .collect();
    contents.push(Vec::new());
    contents.push(b"# Doc 0\n\n".to_vec());
    contents.push((0..=255u8).cycle().take(70_000).collect());
    contents.push(
        (0..3_000_000u32)
            .map(|n| u8::try_from(n.wrapping_mul(2_654_435_761) >> 24).expect("byte"))
            .collect(),
    );
    let changes: Vec<PathChange> = contents
        .iter()
        .enumerate()
        .map(|(i, content)| PathChange::Write {
            path: format!("gen/{}/{i}.bin", i % 13).into(),
            blob: Cow::Owned(Blob::new(content).expect("deflate")),
        })
        .collect();
    repo.commit_paths(&changes, "bulk", &sigs())
        .expect("commit")
        .expect("a commit");

    git_in(tmp.path(), &["fsck", "--strict", "--no-dangling"]);
    let counts = git_in(tmp.path(), &["count-objects", "-v"]);
    assert!(
        counts.contains("packs: 1"),
        "one pack of blobs and trees: {counts}"
    );
    let (blobs, trees) = packed(tmp.path());
    // Document 0 and its duplicate share a blob, which is packed once.
    assert_eq!(blobs, contents.len() - 1);
    // The root, `gen` and its 13 folders.
    assert_eq!(trees, 15);
    let ids: Vec<String> = contents
        .iter()
        .map(|c| {
            Oid::hash_object(ObjectType::Blob, c)
                .expect("hash")
                .to_string()
        })
        .collect();
    let mut expected = Vec::new();
    for (id, content) in ids.iter().zip(&contents) {
        expected.extend_from_slice(format!("{id} blob {}\n", content.len()).as_bytes());
        expected.extend_from_slice(content);
        expected.push(b'\n');
    }
    assert!(
        cat_files(tmp.path(), &ids) == expected,
        "blobs read back differ"
    );
}

#[test]
fn subtrees_are_read_from_raw_trees() {
    let (tmp, repo) = init_with_commit();
    write(tmp.path(), "a/b/c.md", "c\n");
    write(tmp.path(), "a/d.md", "d\n");
    write(tmp.path(), "e/f.md", "f\n");
    git_in(tmp.path(), &["add", "."]);
    git_in(tmp.path(), &["commit", "-q", "-m", "nested"]);
    let root = repo
        .inner
        .head()
        .expect("head")
        .peel_to_tree()
        .expect("tree");
    let odb = repo.inner.odb().expect("odb");
    let raw = odb.read(root.id()).expect("read");
    let mut expected: Vec<Oid> = root
        .iter()
        .filter(|e| e.kind() == Some(ObjectType::Tree))
        .map(|e| e.id())
        .collect();
    expected.sort();
    let mut found = subtrees(raw.data()).expect("a tree");
    found.sort();
    assert_eq!(found, expected);
    assert!(found.len() >= 3, "a, docs and e");
    assert_eq!(subtrees(b""), Some(Vec::new()));
    assert_eq!(subtrees(b"40000 x\0short"), None);
    assert_eq!(subtrees(b"100644 no-nul"), None);
}

#[test]
fn many_blobs_are_written_as_a_pack() {
    let (tmp, repo) = init_with_commit();
    let changes: Vec<PathChange> = (0..PACK_THRESHOLD + 5)
        .map(|i| {
            let (path, content) = (format!("gen/{}/{i}.md", i % 7), format!("doc {i}\n"));
            write(tmp.path(), &path, &content);
            put(&path, &content)
        })
        .collect();
    let info = repo
        .commit_paths(&changes, "bulk", &sigs())
        .expect("commit");
    assert!(info.is_some());
    git_in(tmp.path(), &["fsck", "--strict"]);
    let counts = git_in(tmp.path(), &["count-objects", "-v"]);
    assert!(counts.contains("packs: 1"), "{counts}");
    let loose: usize = counts
        .lines()
        .find_map(|l| l.strip_prefix("count: "))
        .and_then(|n| n.parse().ok())
        .expect("loose count");
    assert!(loose < 50, "blobs and trees must not be loose: {counts}");
    assert_eq!(
        packed(tmp.path()),
        (PACK_THRESHOLD + 5, 9),
        "root, gen, 7 folders"
    );
    assert_eq!(git_in(tmp.path(), &["status", "--porcelain"]), "");
    let listed = git_in(tmp.path(), &["ls-tree", "-r", "--name-only", "HEAD", "gen"]);
    assert_eq!(listed.lines().count(), PACK_THRESHOLD + 5);
}

/// The pack files in the repository at `dir`, by extension.
fn pack_files(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(".git/objects/pack"))
        .map(|entries| {
            entries
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == extension))
                .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// `PACK_THRESHOLD + 5` documents under `gen/`, with `version` in each.
fn many(version: &str) -> Vec<PathChange<'static>> {
    (0..PACK_THRESHOLD + 5)
        .map(|i| {
            put(
                &format!("gen/{}/{i}.md", i % 7),
                &format!("doc {i} {version}\n"),
            )
        })
        .collect()
}

#[test]
fn a_large_commit_of_objects_already_stored_writes_no_pack() {
    let (tmp, repo) = init_with_commit();
    let docs = many("v1");
    repo.commit_paths(&docs, "first", &sigs())
        .expect("commit")
        .expect("a commit");
    let removed: Vec<PathChange> = docs
        .iter()
        .map(|c| PathChange::Remove {
            path: c.path().to_owned().into(),
        })
        .collect();
    repo.commit_paths(&removed, "removed", &sigs())
        .expect("commit")
        .expect("a commit");
    let packs = pack_files(tmp.path(), "pack");
    assert_eq!(packs.len(), 1, "{packs:?}");
    // The same documents again: every blob and every tree is stored already.
    let info = repo
        .commit_paths(&docs, "back", &sigs())
        .expect("commit")
        .expect("a commit");
    assert_eq!(pack_files(tmp.path(), "pack"), packs, "no new (empty) pack");
    assert_eq!(info.note, None);
    assert_eq!(
        git_in(tmp.path(), &["rev-parse", "HEAD^{tree}", "HEAD~2^{tree}"])
            .lines()
            .collect::<HashSet<_>>()
            .len(),
        1
    );
    git_in(tmp.path(), &["fsck", "--full", "--strict"]);
    assert_eq!(pack_files(tmp.path(), "keep"), Vec::<String>::new());
}

#[test]
fn the_keep_holds_the_pack_against_gc_until_released() {
    let (tmp, repo) = init_with_commit();
    let blobs: Vec<Blob> = (0..=PACK_THRESHOLD)
        .map(|i| Blob::new(format!("unreferenced {i}\n").as_bytes()).expect("deflate"))
        .collect();
    let planned: Vec<Planned> = blobs
        .iter()
        .map(|blob| Planned {
            path: "unused",
            blob: Some((oid(blob.id()), blob)),
        })
        .collect();
    let head_tree = repo
        .inner
        .head()
        .and_then(|h| h.peel_to_tree())
        .expect("tree")
        .id();
    let scratch = git2::Repository::open(repo.git_dir()).expect("open");
    let mut objects = repo.write_blobs(&planned).expect("held");
    assert_eq!(
        pack_files(tmp.path(), "pack").len(),
        0,
        "held back, not written"
    );
    repo.write_new_trees(&scratch, head_tree, &mut objects)
        .expect("pack");
    let keeps = pack_files(tmp.path(), "keep");
    assert_eq!(keeps.len(), 1);
    let keep = tmp.path().join(".git/objects/pack").join(&keeps[0]);
    assert_eq!(std::fs::read(&keep).expect("keep"), KEEP_REASON);
    let first = blobs[0].id().to_string();
    let stored = |tmp: &Path| {
        Command::new("git")
            .current_dir(tmp)
            .args(["cat-file", "-e", &first])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .expect("git cat-file")
            .success()
    };
    git_in(tmp.path(), &["gc", "-q", "--prune=now"]);
    assert!(stored(tmp.path()), "the held pack survives gc");
    assert_eq!(objects.release(), None);
    assert!(!keep.exists());
    git_in(tmp.path(), &["gc", "-q", "--prune=now"]);
    assert!(!stored(tmp.path()), "released, nothing refers to it");
}

#[test]
fn a_note_says_when_packs_pile_up() {
    let (tmp, repo) = init_with_commit();
    git_in(tmp.path(), &["config", "gc.autoPackLimit", "1"]);
    let info = repo
        .commit_paths(&many("v1"), "one", &sigs())
        .expect("commit")
        .expect("a commit");
    assert_eq!(info.note, None, "one pack is not more than 1");
    let info = repo
        .commit_paths(&many("v2"), "two", &sigs())
        .expect("commit")
        .expect("a commit");
    let note = info.note.expect("a note");
    assert!(
        note.contains("2 packs") && note.contains("git gc"),
        "{note}"
    );
    git_in(tmp.path(), &["config", "gc.auto", "0"]);
    let info = repo
        .commit_paths(&many("v3"), "three", &sigs())
        .expect("commit")
        .expect("a commit");
    assert_eq!(info.note, None, "gc.auto=0: git never packs on its own");
}

#[test]
fn pack_settings_follow_git() {
    let (tmp, repo) = init();
    let settings = repo.pack_settings().expect("settings");
    assert_eq!(
        settings,
        PackSettings {
            level: Level::FAST,
            pack_limit: Some(50)
        }
    );
    git_in(tmp.path(), &["config", "core.compression", "9"]);
    assert_eq!(repo.pack_settings().expect("settings").level.get(), 9);
    git_in(tmp.path(), &["config", "pack.compression", "-1"]);
    assert_eq!(repo.pack_settings().expect("settings").level.get(), 6);
    git_in(tmp.path(), &["config", "pack.compression", "12"]);
    let error = repo.pack_settings().expect_err("no level 12");
    assert!(
        error.to_string().contains("pack.compression = `12`"),
        "{error}"
    );
    git_in(tmp.path(), &["config", "pack.compression", "0"]);
    git_in(tmp.path(), &["config", "gc.autoPackLimit", "0"]);
    let settings = repo.pack_settings().expect("settings");
    assert_eq!((settings.level.get(), settings.pack_limit), (0, None));
}
