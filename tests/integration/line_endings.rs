//! Line endings as git sees them (issue 13, point 3): with `core.autocrlf`,
//! `core.eol` or `.gitattributes` asking for conversions, `render` commits
//! blobs as `git add` would make them (LF), writes files as `git checkout`
//! would, keeps the index's stat data fresh, and `render --check` passes in
//! such a checkout. Every claim is checked with the git CLI.

use std::collections::BTreeMap;

use crate::harness::{CLEAN_RECORD, PEOPLE, Project};

const ID: &str = "INC-2026-001";
const POSTMORTEM: &str = "incidents/INC-2026-001/postmortem.md";

/// [`CLEAN_RECORD`] with a timeline: its postmortem's generated timeline
/// section differs from the one of [`CLEAN_RECORD`].
fn with_event() -> String {
    format!(
        "{CLEAN_RECORD}timeline:\n  - at: 2026-11-20T09:35:00Z\n    event: Rollback finished.\n"
    )
}

/// How checkout writes the documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnDisk {
    Lf,
    Crlf,
}

/// A repository with the roster and one record committed, after `setup`
/// (configuration, `.gitattributes`) ran on it.
fn repository(setup: impl FnOnce(&Project)) -> Project {
    let project = Project::git();
    setup(&project);
    project.file("people.yaml", PEOPLE).record(ID, CLEAN_RECORD);
    project.commit_all("add the record");
    project
}

fn render(project: &Project, args: &[&str]) -> crate::harness::Run {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    project.run(&all)
}

fn head(project: &Project) -> String {
    project.git_ok(&["rev-parse", "HEAD"]).trim().to_owned()
}

/// The documents in HEAD's tree, with the bytes of their blobs.
fn committed_documents(project: &Project) -> BTreeMap<String, Vec<u8>> {
    let listed = project.git_ok(&["ls-tree", "-r", "--name-only", "HEAD", "--", "incidents"]);
    listed
        .lines()
        .filter(|path| {
            std::path::Path::new(path)
                .extension()
                .is_some_and(|e| e == "md")
        })
        .map(|path| {
            let mut command = std::process::Command::new("git");
            // Raw bytes, which `Project::git_ok` does not give; `cat-file
            // blob` applies no configuration.
            command
                .args(["cat-file", "blob", &format!("HEAD:{path}")])
                .current_dir(project.path())
                .env_remove("GIT_DIR")
                .env_remove("GIT_WORK_TREE")
                .env_remove("GIT_INDEX_FILE");
            let output = command.output().expect("git cat-file");
            assert!(output.status.success(), "git cat-file {path}");
            (path.to_owned(), output.stdout)
        })
        .collect()
}

#[track_caller]
fn assert_form(path: &str, bytes: &[u8], form: OnDisk) {
    let text = String::from_utf8_lossy(bytes);
    let lines = text.matches('\n').count();
    let crlf = text.matches("\r\n").count();
    let cr = text.matches('\r').count();
    match form {
        OnDisk::Lf => assert_eq!(cr, 0, "{path} should have LF line endings only: {text:?}"),
        OnDisk::Crlf => assert!(
            lines > 0 && crlf == lines && cr == crlf,
            "{path} should have CRLF line endings only ({crlf} of {lines}): {text:?}"
        ),
    }
}

/// Everything a render in this repository must leave as git sees it: a
/// second render changes nothing, `render --check` passes, git sees no
/// change (and trusts the index's stat data), the committed blobs hold no
/// CR, the repository is sound, and checking the documents out again
/// writes exactly the bytes rolecall wrote, in the form `form`.
#[track_caller]
fn assert_as_git_sees_it(project: &Project, form: OnDisk) {
    let committed = head(project);
    let again = render(project, &[]);
    again.code(0);
    assert!(again.stdout.contains(" 0 written"), "{}", again.stdout);
    assert_eq!(head(project), committed, "a second render committed");
    let check = render(project, &["--check"]);
    check.code(0);
    assert!(check.stdout.contains("up to date"), "{}", check.stdout);

    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    assert_eq!(project.git_ok(&["diff"]), "");
    // Plumbing that trusts the stat data: nothing for git to re-hash.
    assert_eq!(project.git_ok(&["diff-files", "--name-only"]), "");

    let documents = committed_documents(project);
    assert!(documents.contains_key(POSTMORTEM), "{documents:?}");
    for (path, blob) in &documents {
        assert!(
            !blob.contains(&b'\r'),
            "{path}: the committed blob holds a CR"
        );
    }
    let (code, out, err) = project.git_run(&["fsck", "--full", "--strict", "--no-dangling"]);
    assert_eq!(code, 0, "git fsck: {out}{err}");

    let written: BTreeMap<&String, Vec<u8>> = documents
        .keys()
        .map(|path| (path, project.read_bytes(path)))
        .collect();
    for (path, bytes) in &written {
        assert_form(path, bytes, form);
        std::fs::remove_file(project.abs(path)).expect("remove");
    }
    project.git_ok(&["checkout", "--", "."]);
    for (path, bytes) in &written {
        assert_eq!(
            &project.read_bytes(path),
            bytes,
            "{path}: git checkout writes other bytes than rolecall did"
        );
    }
}

/// Renders in a repository set up by `setup` and checks the outcome.
#[track_caller]
fn render_and_check(setup: impl FnOnce(&Project), form: OnDisk) -> Project {
    let project = repository(setup);
    let first = render(&project, &[]);
    first.code(0);
    assert!(first.stdout.contains("committed"), "{}", first.stdout);
    assert_as_git_sees_it(&project, form);
    project
}

fn config(key: &'static str, value: &'static str) -> impl FnOnce(&Project) {
    move |project| {
        project.git_ok(&["config", key, value]);
    }
}

fn attributes(text: &'static str) -> impl FnOnce(&Project) {
    move |project| {
        project.file(".gitattributes", text);
    }
}

// ------------------------------------------------------------ the settings

#[test]
fn autocrlf_true_gets_crlf_files_and_lf_blobs() {
    render_and_check(config("core.autocrlf", "true"), OnDisk::Crlf);
}

#[test]
fn autocrlf_input_gets_lf_files() {
    render_and_check(config("core.autocrlf", "input"), OnDisk::Lf);
}

#[test]
fn core_eol_crlf_with_text_auto_gets_crlf_files() {
    render_and_check(
        |project| {
            project.git_ok(&["config", "core.eol", "crlf"]);
            project.file(".gitattributes", "* text=auto\n");
        },
        OnDisk::Crlf,
    );
}

#[test]
fn an_eol_crlf_attribute_gets_crlf_files() {
    render_and_check(attributes("*.md text eol=crlf\n"), OnDisk::Crlf);
}

#[test]
fn a_text_attribute_gets_lf_files() {
    render_and_check(attributes("* text\n"), OnDisk::Lf);
}

#[test]
fn a_minus_text_attribute_converts_nothing_even_with_autocrlf() {
    render_and_check(
        |project| {
            project.git_ok(&["config", "core.autocrlf", "true"]);
            project.file(".gitattributes", "*.md -text\n");
        },
        OnDisk::Lf,
    );
}

#[test]
fn attributes_of_a_nested_folder_apply_to_its_documents_only() {
    let project = repository(|project| {
        project.file(
            "incidents/.gitattributes",
            "INC-2026-001/briefs/*.md eol=crlf\n",
        );
    });
    render(&project, &[]).code(0);
    assert_form(
        "brief",
        &project.read_bytes("incidents/INC-2026-001/briefs/tech_lead.md"),
        OnDisk::Crlf,
    );
    assert_form(
        "overview",
        &project.read_bytes("incidents/INC-2026-001/README.md"),
        OnDisk::Lf,
    );
    render(&project, &["--check"]).code(0);
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    assert_eq!(project.git_ok(&["diff-files", "--name-only"]), "");
}

#[test]
fn safecrlf_is_not_tripped_by_what_rolecall_writes() {
    let project = repository(config("core.autocrlf", "true"));
    project.git_ok(&["config", "core.safecrlf", "true"]);
    render(&project, &[]).code(0);
    assert_as_git_sees_it(&project, OnDisk::Crlf);
    // Adding the documents afresh goes through git's round-trip check,
    // which refuses a file whose line endings checkout would change.
    project.git_ok(&["rm", "-r", "-q", "--cached", "--", "incidents/INC-2026-001"]);
    let (code, _, err) = project.git_run(&["add", "--", "incidents/INC-2026-001"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("CRLF") && !err.contains("LF will"), "{err}");
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
}

// ------------------------------------------------------------- postmortems

/// Writes the postmortem's "Root cause" as a person on Windows would: the
/// new lines end in CRLF, whatever the rest of the file has.
fn write_root_cause_with_crlf(project: &Project) {
    write_root_cause(project, "\r\n");
}

/// Replaces the postmortem's "Root cause" placeholder with lines ending in `eol`.
fn write_root_cause(project: &Project, eol: &str) {
    let text = project.read(POSTMORTEM);
    let placeholder = text
        .find("What caused the incident? Write it here.")
        .expect("root cause placeholder");
    let end = placeholder + text[placeholder..].find('\n').expect("line end") + 1;
    let edited = format!(
        "{}The pool shrank from 64 to 8 connections.{eol}{eol}Nobody saw the alert.{eol}{}",
        &text[..placeholder],
        &text[end..]
    );
    project.file(POSTMORTEM, &edited);
}

#[track_caller]
fn assert_postmortem_merged_with_lf_blob(project: &Project, form: OnDisk) {
    // Only the record is committed: the postmortem reaches the repository
    // through rolecall's merge.
    project.record(ID, &with_event());
    project.git_ok(&[
        "commit",
        "-q",
        "-m",
        "add a timeline event",
        "--",
        "incidents/INC-2026-001.yaml",
    ]);
    let run = render(project, &[]);
    run.code(0);
    assert!(run.stdout.contains("committed"), "{}", run.stdout);
    let blob = committed_documents(project)
        .remove(POSTMORTEM)
        .expect("postmortem committed");
    let blob = String::from_utf8(blob).expect("utf-8");
    assert!(!blob.contains('\r'), "{blob:?}");
    assert!(blob.contains("Rollback finished."), "{blob}");
    assert!(
        blob.contains("The pool shrank from 64 to 8 connections.\n\nNobody saw the alert.\n"),
        "{blob}"
    );
    assert_form(POSTMORTEM, &project.read_bytes(POSTMORTEM), form);
    assert_as_git_sees_it(project, form);
}

#[test]
fn a_postmortem_edited_with_crlf_merges_and_commits_lf_under_autocrlf() {
    let project = render_and_check(config("core.autocrlf", "true"), OnDisk::Crlf);
    write_root_cause_with_crlf(&project);
    assert_postmortem_merged_with_lf_blob(&project, OnDisk::Crlf);
}

#[test]
fn a_postmortem_edited_with_crlf_in_an_lf_checkout_is_written_with_lf() {
    let project = render_and_check(attributes("* text\n"), OnDisk::Lf);
    write_root_cause_with_crlf(&project);
    // Mixed line endings: git stores the file as LF, so nothing is stale.
    render(&project, &["--check"]).code(0);
    assert_postmortem_merged_with_lf_blob(&project, OnDisk::Lf);
}

// ------------------------------------------------------------------- clones

#[test]
fn a_crlf_clone_where_nothing_changed_is_up_to_date() {
    let origin = repository(|_| {});
    render(&origin, &[]).code(0);
    let clone = Project::new();
    std::fs::remove_dir(clone.abs("incidents")).expect("empty folder");
    let source = origin.path().to_string_lossy().into_owned();
    clone.git_ok(&["clone", "-q", "-c", "core.autocrlf=true", &source, "."]);
    clone.git_ok(&["config", "user.name", "Test User"]);
    clone.git_ok(&["config", "user.email", "test@example.com"]);
    assert_form(POSTMORTEM, &clone.read_bytes(POSTMORTEM), OnDisk::Crlf);
    let before = head(&clone);

    let check = render(&clone, &["--check"]);
    check.code(0);
    assert!(check.stdout.contains("up to date"), "{}", check.stdout);
    let run = render(&clone, &[]);
    run.code(0);
    assert!(run.stdout.contains(" 0 written"), "{}", run.stdout);
    assert_eq!(head(&clone), before, "nothing to commit");
    assert_eq!(clone.git_ok(&["status", "--porcelain"]), "");
}

// ------------------------------------------------- the index and failures

#[test]
fn a_document_rewritten_with_its_committed_blob_gets_fresh_stat_data() {
    let project = render_and_check(|_| {}, OnDisk::Lf);
    let brief = "incidents/INC-2026-001/briefs/tech_lead.md";
    let bytes = project.read_bytes(brief);
    std::fs::remove_file(project.abs(brief)).expect("remove");
    let before = head(&project);
    let run = render(&project, &[]);
    run.code(0);
    assert!(run.stdout.contains(" 1 written"), "{}", run.stdout);
    assert_eq!(head(&project), before, "the blob is unchanged: no commit");
    assert_eq!(project.read_bytes(brief), bytes);
    assert_eq!(project.git_ok(&["diff-files", "--name-only"]), "");
}

#[test]
fn a_failed_commit_puts_crlf_files_back_byte_for_byte() {
    let project = render_and_check(config("core.autocrlf", "true"), OnDisk::Crlf);
    // The overview stays exactly as checkout writes it; the postmortem
    // gets lines with LF among its CRLF ones.
    write_root_cause(&project, "\n");
    let before: BTreeMap<String, Vec<u8>> = committed_documents(&project)
        .into_keys()
        .map(|path| {
            let bytes = project.read_bytes(&path);
            (path, bytes)
        })
        .collect();
    project.record(ID, &with_event());
    let run = project.run_env(&["render"], &[("ROLECALL_FAIL_COMMIT", "1")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    for (path, bytes) in &before {
        assert_eq!(&project.read_bytes(path), bytes, "{path} was not put back");
    }
}

#[test]
fn filter_and_ident_attributes_on_documents_are_refused_by_name() {
    for (attributes, named) in [
        ("*.md filter=crypt\n", "`filter=crypt`"),
        ("*.md ident\n", "`ident`"),
    ] {
        let project = repository(|project| {
            project.file(".gitattributes", attributes);
            project.git_ok(&["config", "filter.crypt.clean", "cat"]);
            project.git_ok(&["config", "filter.crypt.smudge", "cat"]);
        });
        let before = head(&project);
        let run = render(&project, &[]);
        assert_eq!(run.code, 2, "{attributes}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(named), "{}", run.stderr);
        assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
        assert!(!project.exists("incidents/INC-2026-001"), "{attributes}");
        assert_eq!(head(&project), before);
        assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    }
}

#[test]
fn a_filter_attribute_without_a_configured_driver_is_ignored_like_git_does() {
    render_and_check(attributes("*.md filter=unconfigured\n"), OnDisk::Lf);
}
