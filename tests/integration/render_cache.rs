//! The render cache (`.git/rolecall/render-cache`): an unchanged incident is
//! neither rendered nor compared, and nothing a person or another tool does
//! to a document, a record, a template, the roster or the cache itself makes
//! a render or `render --check` miss a change.

use std::fs;
use std::process::Command;

use crate::harness::{CLEAN_RECORD, HANDED_OVER, PEOPLE, Project, Run};

const BRIEF: &str = "incidents/INC-2026-001/briefs/tech_lead.md";
const POSTMORTEM: &str = "incidents/INC-2026-001/postmortem.md";

/// Two incidents in a git repository, rendered and committed.
fn rendered() -> Project {
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-2026-001", CLEAN_RECORD)
        .record("INC-2026-002", HANDED_OVER);
    project.commit_all("records");
    project.run(&["render"]).code(0);
    project
}

/// `rolecall -v render` plus `args`.
fn render(project: &Project, args: &[&str]) -> Run {
    let mut all = vec!["-v", "render"];
    all.extend_from_slice(args);
    project.run(&all)
}

/// How many incidents the cache vouched for in `run` (from `-v`).
fn current(run: &Run) -> usize {
    run.stderr
        .lines()
        .find_map(|line| line.strip_prefix("render cache: "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no cache note in:\n{}", run.stderr))
}

/// Renders until the cache vouches for `expected` incidents (a document
/// written in the cache file's own clock tick is trusted one run later).
fn warm(project: &Project, expected: usize) {
    for _ in 0..3 {
        let run = render(project, &[]);
        run.code(0);
        if current(&run) == expected {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the cache never vouched for {expected} incidents");
}

/// Gives the first incident a new title, "Renamed record".
fn rename_first(project: &Project) {
    project.record(
        "INC-2026-001",
        &CLEAN_RECORD.replace("Clean record", "Renamed record"),
    );
}

fn head(project: &Project) -> String {
    project.git_ok(&["rev-parse", "HEAD"])
}

#[test]
fn an_unchanged_render_skips_every_incident_and_writes_nothing() {
    let project = rendered();
    warm(&project, 2);
    let before = head(&project);
    let cache_file = project.abs(".git/rolecall/render-cache");
    let saved = fs::metadata(&cache_file)
        .expect("cache")
        .modified()
        .expect("mtime");
    let run = render(&project, &[]);
    run.code(0);
    assert_eq!(current(&run), 2);
    let after = fs::metadata(&cache_file)
        .expect("cache")
        .modified()
        .expect("mtime");
    assert_eq!(saved, after, "the cache file is not rewritten either");
    assert!(
        run.stdout
            .contains("rendered 14 documents for 2 incidents: 0 written, 14 unchanged, 0 removed"),
        "{}",
        run.stdout
    );
    assert_eq!(head(&project), before, "no commit");
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    let check = render(&project, &["--check"]);
    check.code(0);
    assert_eq!(current(&check), 2);
    assert!(check.stdout.contains("14 documents up to date"));
}

#[test]
fn a_document_edited_behind_the_caches_back_is_found_and_restored() {
    let project = rendered();
    warm(&project, 2);
    let original = project.read(BRIEF);
    let modified = fs::metadata(project.abs(BRIEF))
        .expect("stat")
        .modified()
        .expect("mtime");
    // Same size, and the old modification time put back: only the change
    // time and the content tell.
    project.file(BRIEF, original.replacen("Tech", "TECH", 1));
    let seconds = modified
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    let touched = Command::new("touch")
        .args([
            "-d",
            &format!("@{seconds:.9}"),
            &project.abs(BRIEF).to_string_lossy(),
        ])
        .status()
        .expect("touch");
    assert!(touched.success());
    assert_eq!(project.read(BRIEF).len(), original.len());

    let check = render(&project, &["--check"]);
    check.code(1);
    assert_eq!(current(&check), 1, "the edited incident is not vouched for");
    assert!(
        check.stdout.contains(&format!("would update {BRIEF}")),
        "{}",
        check.stdout
    );
    render(&project, &[]).code(0);
    assert_eq!(project.read(BRIEF), original);
}

#[test]
fn a_deleted_or_foreign_document_is_never_taken_on_trust() {
    let project = rendered();
    warm(&project, 2);
    let original = project.read(BRIEF);
    fs::remove_file(project.abs(BRIEF)).expect("remove");
    let check = render(&project, &["--check"]);
    check.code(1);
    assert!(
        check.stdout.contains(&format!("would create {BRIEF}")),
        "{}",
        check.stdout
    );
    render(&project, &[]).code(0);
    assert_eq!(project.read(BRIEF), original);

    warm(&project, 2);
    project.file(BRIEF, "notes someone keeps here\n");
    let run = render(&project, &[]);
    run.code(1);
    assert!(
        run.stderr.contains("was not generated by rolecall"),
        "{}",
        run.stderr
    );
    assert_eq!(project.read(BRIEF), "notes someone keeps here\n");
}

#[test]
fn records_templates_and_the_roster_are_part_of_the_key() {
    let project = rendered();
    warm(&project, 2);

    // A record: only its incident is rendered again.
    rename_first(&project);
    let run = render(&project, &[]);
    run.code(0);
    assert_eq!(current(&run), 1);
    assert!(project.read(BRIEF).contains("Renamed record"));
    assert!(
        project
            .read("incidents/README.md")
            .contains("Renamed record")
    );

    // The roster: every incident.
    warm(&project, 2);
    project.file("people.yaml", PEOPLE.replace("Bob Jones", "Robert Jones"));
    let run = render(&project, &[]);
    run.code(0);
    assert_eq!(current(&run), 0);
    assert!(project.read(BRIEF).contains("Robert Jones"));

    // A template override: every incident.
    warm(&project, 2);
    project.file(
        "templates/brief.md.tera",
        "# {{ role.name | inline }} (custom)\n",
    );
    let run = render(&project, &[]);
    run.code(0);
    assert_eq!(current(&run), 0);
    assert!(project.read(BRIEF).contains("(custom)"));
    assert_eq!(
        project.git_ok(&["status", "--porcelain"]),
        " M incidents/INC-2026-001.yaml\n M people.yaml\n?? templates/\n",
        "the documents are committed, the inputs left to their owner"
    );
}

#[test]
fn writing_in_a_cached_postmortem_is_kept() {
    let project = rendered();
    warm(&project, 2);
    let written =
        project
            .read(POSTMORTEM)
            .replacen("## Root cause\n", "## Root cause\n\nA full disk.\n", 1);
    assert!(
        written.contains("A full disk."),
        "the template has a root cause heading"
    );
    project.file(POSTMORTEM, &written);
    let run = render(&project, &[]);
    run.code(0);
    assert_eq!(current(&run), 1);
    assert_eq!(project.read(POSTMORTEM), written, "nothing to change");
    warm(&project, 2);
    project.record(
        "INC-2026-001",
        &CLEAN_RECORD.replace("Investigating.", "Investigating the disk."),
    );
    render(&project, &[]).code(0);
    let merged = project.read(POSTMORTEM);
    assert!(merged.contains("A full disk."), "{merged}");
    assert!(merged.contains("Investigating the disk."), "{merged}");
}

#[test]
fn a_damaged_or_stale_cache_costs_time_not_correctness() {
    let project = rendered();
    warm(&project, 2);
    let cache = project.abs(".git/rolecall/render-cache");
    let saved = fs::read_to_string(&cache).expect("the cache is saved in the git folder");
    assert!(saved.contains("incidents/INC-2026-001.yaml"), "{saved}");

    fs::write(&cache, "not a cache\n").expect("damage");
    let run = render(&project, &["--check"]);
    run.code(0);
    assert_eq!(current(&run), 0);

    // A cache from an earlier state vouches for nothing that changed since.
    warm(&project, 2);
    let earlier = fs::read(&cache).expect("cache");
    rename_first(&project);
    render(&project, &[]).code(0);
    project.record("INC-2026-001", CLEAN_RECORD);
    fs::write(&cache, earlier).expect("put the earlier cache back");
    let check = render(&project, &["--check"]);
    check.code(1);
    assert!(check.stdout.contains("would update"), "{}", check.stdout);
}

#[test]
fn only_keeps_the_other_incidents_cached() {
    let project = rendered();
    warm(&project, 2);
    project.record(
        "INC-2026-002",
        &HANDED_OVER.replace("Clean record", "Second record"),
    );
    let run = render(&project, &["--only", "INC-2026-001"]);
    run.code(0);
    assert_eq!(current(&run), 1);
    let run = render(&project, &[]);
    run.code(0);
    assert_eq!(current(&run), 1, "the changed record is rendered");
    assert!(
        project
            .read("incidents/INC-2026-002/README.md")
            .contains("Second record")
    );
}

#[test]
fn outside_git_there_is_no_cache() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-2026-001", CLEAN_RECORD);
    project.run(&["render"]).code(0);
    let run = render(&project, &[]);
    run.code(0);
    assert!(!run.stderr.contains("render cache"), "{}", run.stderr);
    assert!(!project.exists(".git"));
}

/// Commits `content` at `path` without touching the work tree (as a pull
/// or a commit made elsewhere would leave HEAD and the disk apart).
fn commit_behind_the_disk(project: &Project, path: &str, content: &str, message: &str) {
    let staged = project.abs(".git/rolecall-test-blob");
    fs::write(&staged, content).expect("write the blob's content");
    let id = project.git_ok(&["hash-object", "-w", &staged.to_string_lossy()]);
    let info = format!("100644,{},{path}", id.trim());
    project.git_ok(&["update-index", "--add", "--cacheinfo", &info]);
    project.git_ok(&["commit", "-q", "-m", message]);
}

/// HEAD's output folder moved on from the tree the cache recorded (a
/// record committed, a document changed in HEAD alone): the documents HEAD
/// holds otherwise are compared again, the others stay vouched for.
#[test]
fn a_document_head_holds_otherwise_is_not_vouched_for() {
    let project = rendered();
    warm(&project, 2);
    let on_disk = project.read(BRIEF);
    let stamp = fs::metadata(project.abs(BRIEF)).expect("stat");
    commit_behind_the_disk(
        &project,
        BRIEF,
        &format!("{on_disk}Changed in HEAD only.\n"),
        "a brief changed elsewhere",
    );
    let after = fs::metadata(project.abs(BRIEF)).expect("stat");
    assert_eq!(
        (stamp.len(), stamp.modified().ok()),
        (after.len(), after.modified().ok()),
        "the file on disk is untouched"
    );
    let check = render(&project, &["--check"]);
    check.code(1);
    assert_eq!(current(&check), 1, "the other incident stays vouched for");
    assert!(
        check.stdout.contains(&format!("would commit {BRIEF}")),
        "{}",
        check.stdout
    );
    render(&project, &[]).code(0);
    assert_eq!(project.git_ok(&["show", &format!("HEAD:{BRIEF}")]), on_disk);
    let again = render(&project, &["--check"]);
    again.code(0);
}

/// A generated document HEAD gained that no record produces and the disk
/// lacks is removed from HEAD, though the cache never listed it.
#[test]
fn a_generated_document_head_gained_is_removed() {
    let project = rendered();
    warm(&project, 2);
    let ghost = "incidents/INC-2026-001/briefs/ghost.md";
    commit_behind_the_disk(
        &project,
        ghost,
        "<!-- generated by rolecall from elsewhere; edit the record, not this file -->\n",
        "a brief from elsewhere",
    );
    let check = render(&project, &["--check"]);
    check.code(1);
    assert!(
        check
            .stdout
            .contains(&format!("would commit the removal of {ghost}")),
        "{}",
        check.stdout
    );
    render(&project, &[]).code(0);
    let listed = project.git_ok(&["ls-tree", "-r", "--name-only", "HEAD", "incidents"]);
    assert!(!listed.contains("ghost.md"), "{listed}");
}
