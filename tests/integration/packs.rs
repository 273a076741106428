//! Packs (issue 13): a render of more than 1,000 documents stores its new
//! objects as one pack (none when they are all stored already), written at
//! git's compression setting, held by a `.keep` only while the commit is
//! being made; packs piling up past `gc.autoPackLimit` get a note; a
//! SHA-256 repository is refused before anything is written.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use walkdir::WalkDir;

use crate::harness::{CLEAN_RECORD, Project};

/// Records that render to 1,081 documents (six per record and the index).
const RECORDS: usize = 180;

/// A repository with [`RECORDS`] records committed.
fn large_project() -> Project {
    let project = Project::git();
    for i in 1..=RECORDS {
        project.record(&format!("INC-2026-{i:03}"), CLEAN_RECORD);
    }
    project.commit_all("records");
    project
}

/// The names of the files in the pack folder ending in `.{extension}`.
fn pack_files(project: &Project, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(project.abs(".git/objects/pack"))
        .map(|entries| {
            entries
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(&format!(".{extension}")))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// `git verify-pack -v` of every pack: (type, size, size in pack) of each object.
fn packed_objects(project: &Project) -> Vec<(String, u64, u64)> {
    let mut objects = Vec::new();
    for index in pack_files(project, "idx") {
        let listing = project.git_ok(&["verify-pack", "-v", &format!(".git/objects/pack/{index}")]);
        for line in listing.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let [_, kind @ ("blob" | "tree" | "commit"), size, in_pack, ..] = fields[..] {
                let number = |n: &str| n.parse::<u64>().expect("a size");
                objects.push((kind.to_owned(), number(size), number(in_pack)));
            }
        }
    }
    objects
}

/// Renders and checks that git finds the repository sound afterwards.
fn render_ok(project: &Project) -> String {
    let run = project.run(&["render"]);
    run.code(0);
    project.git_ok(&["fsck", "--full", "--strict", "--no-dangling"]);
    run.stderr
}

#[test]
fn a_large_render_is_one_pack_and_a_render_of_stored_objects_none() {
    let project = large_project();
    render_ok(&project);
    let packs = pack_files(&project, "pack");
    assert_eq!(packs.len(), 1, "{packs:?}");
    let objects = packed_objects(&project);
    let blobs = objects.iter().filter(|(kind, ..)| kind == "blob").count();
    let trees = objects.iter().filter(|(kind, ..)| kind == "tree").count();
    // Every record renders the same documents, so blobs repeat; trees are
    // one per incident folder and its briefs folder, the incidents folder and the root.
    assert!(blobs > 10, "{blobs} blobs");
    assert_eq!(trees, 2 * RECORDS + 2, "{objects:?}");
    assert_eq!(pack_files(&project, "keep"), Vec::<String>::new());

    // Every document removed with git, then rendered again: the same
    // blobs and trees, all stored already.
    let first = project.git_ok(&["rev-parse", "HEAD^{tree}"]);
    project.git_ok(&["rm", "-r", "-q", "incidents/README.md"]);
    for i in 1..=RECORDS {
        project.git_ok(&["rm", "-r", "-q", &format!("incidents/INC-2026-{i:03}")]);
    }
    project.git_ok(&["commit", "-q", "-m", "documents removed"]);
    let before = project.git_ok(&["rev-parse", "HEAD"]);
    render_ok(&project);
    assert_eq!(
        project.git_ok(&["rev-parse", "HEAD~1"]),
        before,
        "committed"
    );
    assert_eq!(project.git_ok(&["rev-parse", "HEAD^{tree}"]), first);
    assert_eq!(pack_files(&project, "pack"), packs, "no new, empty pack");
    assert_eq!(pack_files(&project, "keep"), Vec::<String>::new());
}

#[test]
fn packed_blobs_follow_git_compression_settings() {
    let project = large_project();
    render_ok(&project);
    let deflated = packed_objects(&project);
    assert!(
        deflated
            .iter()
            .filter(|(kind, size, _)| kind == "blob" && *size > 500)
            .all(|(_, size, in_pack)| in_pack < size),
        "deflated by default: {deflated:?}"
    );

    let project = large_project();
    project.git_ok(&["config", "core.compression", "0"]);
    render_ok(&project);
    let stored = packed_objects(&project);
    assert!(stored.len() > 300, "{}", stored.len());
    // Stored, not deflated: each entry is its content and some framing.
    assert!(
        stored
            .iter()
            .all(|(_, size, in_pack)| in_pack > size && *in_pack < size + 64),
        "core.compression=0 stores: {stored:?}"
    );

    // pack.compression wins over core.compression for packs.
    let project = large_project();
    project.git_ok(&["config", "core.compression", "9"]);
    project.git_ok(&["config", "pack.compression", "0"]);
    render_ok(&project);
    assert!(
        packed_objects(&project)
            .iter()
            .all(|(_, size, in_pack)| in_pack > size),
        "pack.compression=0 stores"
    );
}

#[test]
fn a_bad_compression_setting_is_named_and_nothing_changes() {
    let project = large_project();
    let head = project.git_ok(&["rev-parse", "HEAD"]);
    project.git_ok(&["config", "pack.compression", "11"]);
    let run = project.run(&["render"]);
    run.code(2);
    assert!(
        run.stderr.contains("pack.compression = `11`"),
        "{}",
        run.stderr
    );
    // git refuses to run with it too.
    project.git_ok(&["config", "--unset", "pack.compression"]);
    assert_eq!(project.git_ok(&["rev-parse", "HEAD"]), head);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    assert_eq!(pack_files(&project, "pack"), Vec::<String>::new());
}

#[test]
fn the_keep_is_gone_after_a_failed_commit() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the fault-injection hook exists only in debug builds");
        return;
    }
    let project = large_project();
    let head = project.git_ok(&["rev-parse", "HEAD"]);
    let run = project.run_env(&["render"], &[("ROLECALL_FAIL_COMMIT", "1")]);
    run.code(2);
    assert!(run.stderr.contains("injected fault"), "{}", run.stderr);
    // The pack was written (its objects are unreachable now, for git gc to drop) …
    assert_eq!(pack_files(&project, "pack").len(), 1);
    // … and is no longer held.
    assert_eq!(pack_files(&project, "keep"), Vec::<String>::new());
    assert_eq!(project.git_ok(&["rev-parse", "HEAD"]), head);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    project.git_ok(&["fsck", "--full", "--strict"]);
}

#[test]
fn packs_past_the_auto_pack_limit_get_a_note() {
    let project = large_project();
    project.git_ok(&["config", "gc.autoPackLimit", "1"]);
    project.git_ok(&["repack", "-q"]);
    assert_eq!(pack_files(&project, "pack").len(), 1);
    let stderr = render_ok(&project);
    assert!(
        stderr.contains(
            "note: the repository now has 2 packs, more than gc.autoPackLimit (1); run `git gc` to combine them"
        ),
        "{stderr}"
    );

    let project = large_project();
    project.git_ok(&["repack", "-q"]);
    let stderr = render_ok(&project);
    assert!(!stderr.contains("note:"), "2 packs, limit 50: {stderr}");
}

/// Every file under `dir` (the `.git` folder included) with its bytes.
fn every_file(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (
                rel.to_string_lossy().into_owned(),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

#[test]
fn a_sha256_repository_is_refused_and_left_byte_identical() {
    let project = Project::new();
    project.git_ok(&["init", "-q", "-b", "main", "--object-format=sha256"]);
    project.git_ok(&["config", "user.name", "Test User"]);
    project.git_ok(&["config", "user.email", "test@example.com"]);
    project.record("INC-2026-001", CLEAN_RECORD);
    project.commit_all("a record");
    let before = every_file(project.path());
    for args in [&["render"][..], &["render", "--message", "docs"]] {
        let run = project.run(args);
        run.code(2);
        assert!(
            run.stderr
                .contains("SHA-256 repositories are not supported yet"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("--no-commit"), "{}", run.stderr);
    }
    assert!(
        every_file(project.path()) == before,
        "the repository changed"
    );
    assert!(!project.exists("incidents/INC-2026-001/README.md"));
}
