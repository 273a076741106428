//! `rolecall render`: snapshots of every document type for the bundled
//! examples, the postmortem keeping what people wrote (byte for byte),
//! determinism and `--check`, `--only` and `--dry-run` (SPEC §6).
//!
//! The helpers at the top are shared with `render_safety`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use rolecall::render::markers;
use rolecall::render::templates::Templates;

use crate::harness::{CLEAN_RECORD, PEOPLE, Project, Run};

/// Every file of the project (outside `.git` and `.home`), by relative
/// `/`-separated path.
pub fn listing(project: &Project) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(project.path(), project.path(), &mut files);
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path
            .strip_prefix(root)
            .expect("inside the project")
            .to_string_lossy()
            .replace('\\', "/");
        if rel == ".git" || rel == ".home" {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            files.insert(rel, fs::read(&path).expect("read file"));
        }
    }
}

fn is_markdown(path: &str) -> bool {
    Path::new(path).extension().is_some_and(|e| e == "md")
}

/// The generated Markdown documents of the project: path → text.
pub fn documents(project: &Project) -> BTreeMap<String, String> {
    listing(project)
        .into_iter()
        .filter(|(path, _)| is_markdown(path))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8 document")))
        .collect()
}

/// `rolecall render --no-commit` plus `args`.
pub fn render(project: &Project, args: &[&str]) -> Run {
    let mut all = vec!["render", "--no-commit"];
    all.extend_from_slice(args);
    project.run(&all)
}

/// A project holding copies of the bundled example records and roster.
pub fn bundled() -> Project {
    let project = Project::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    project.file(
        "people.yaml",
        fs::read(root.join("people.yaml")).expect("bundled roster"),
    );
    for entry in fs::read_dir(root.join("incidents")).expect("bundled incidents") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("file name").to_string_lossy();
        if name.ends_with(".yaml") {
            project.file(
                &format!("incidents/{name}"),
                fs::read(&path).expect("bundled record"),
            );
        }
    }
    project
}

/// Renders through the library, skipping the checks: the only way to see
/// documents of a record that `render` refuses (a vacant required role).
pub fn render_in_memory(project: &Project) -> BTreeMap<String, String> {
    let workspace = rolecall::load::load(project.path(), None).expect("load the project");
    let templates = Templates::load(
        &workspace.root,
        &workspace.config.templates,
        workspace.roster.as_ref(),
    )
    .expect("templates");
    let plan = rolecall::render::plan(&workspace, &templates, &[]).expect("render");
    plan.documents
        .into_iter()
        .map(|d| (d.path, d.content))
        .collect()
}

/// A record for the postmortem tests: resolved, with a timeline.
const POSTMORTEM_RECORD: &str = "\
title: Checkout errors
severity: SEV2
status: resolved
started_at: 2026-11-20T09:00:00Z
resolved_at: 2026-11-20T09:40:00Z
summary: Card payments failed.
roles:
  incident_manager: alice
  tech_lead: bob
  communications_manager: carol
  postmortem_owner: dave
communications:
  updates:
    - at: 2026-11-20T09:30:00Z
      channel: status-page
      summary: Investigating.
timeline:
  - at: 2026-11-20T09:00:00Z
    event: Alert fires.
postmortem:
  status: pending
";

const NEW_EVENT: &str = "  - at: 2026-11-20T09:35:00Z\n    event: Rollback finished.\n";

const POSTMORTEM: &str = "incidents/INC-1/postmortem.md";

/// The record with one more timeline event.
fn with_new_event() -> String {
    POSTMORTEM_RECORD.replace("postmortem:\n", &format!("{NEW_EVENT}postmortem:\n"))
}

/// A rendered project holding `POSTMORTEM_RECORD` as `INC-1`.
fn postmortem_project() -> Project {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", POSTMORTEM_RECORD);
    render(&project, &[]).code(0);
    project
}

/// The byte range of the whole begin-to-end block of section `name`
/// (both marker lines included).
fn section_block(text: &str, name: &str) -> std::ops::Range<usize> {
    let begin = text
        .find(&markers::begin_marker(name))
        .unwrap_or_else(|| panic!("no section {name} in\n{text}"));
    let end_marker = markers::end_marker(name);
    let end = text.find(&end_marker).expect("end marker") + end_marker.len() + 1;
    begin..end
}

/// The content of section `name` (between its marker lines).
fn section_content<'t>(text: &'t str, name: &str) -> &'t str {
    let found = markers::sections(text).expect("balanced markers");
    found
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no section {name}"))
        .content
}

/// `text` with the content of section `name` replaced by `content`.
fn replace_section(text: &str, name: &str, content: &str) -> String {
    let found = markers::sections(text).expect("balanced markers");
    let section = found.iter().find(|s| s.name == name).expect("section");
    format!(
        "{}{content}{}",
        &text[..section.content_range.start],
        &text[section.content_range.end..]
    )
}

/// What the postmortem of `record` looks like freshly rendered.
fn fresh_postmortem(record: &str) -> String {
    let project = Project::new();
    project.file("people.yaml", PEOPLE).record("INC-1", record);
    render(&project, &[]).code(0);
    project.read(POSTMORTEM)
}

// ---------------------------------------------------------------- snapshots

#[test]
fn bundled_examples_match_their_snapshots() {
    let project = bundled();
    let run = render(&project, &[]);
    run.code(0);
    assert!(run.stdout.contains("for 4 incidents"), "{}", run.stdout);
    let docs = documents(&project);
    // Every document type, every brief flavour.
    for path in [
        "incidents/README.md",
        "incidents/INC-2026-001/README.md",
        "incidents/INC-2026-001/briefs/incident_manager.md",
        "incidents/INC-2026-001/briefs/communications_manager.md",
        "incidents/INC-2026-001/briefs/postmortem_owner.md",
        "incidents/INC-2026-001/briefs/domain_expert.md",
        "incidents/INC-2026-001/handovers/01-incident_manager.md",
        "incidents/INC-2026-001/postmortem.md",
        "incidents/INC-2026-004/postmortem.md",
    ] {
        assert!(docs.contains_key(path), "{path} not rendered");
    }
    for (path, text) in &docs {
        let name = path
            .trim_start_matches("incidents/")
            .trim_end_matches(".md")
            .replace('/', "__");
        insta::assert_snapshot!(format!("bundled__{name}"), text);
    }
}

/// A SEV2 record without a communications manager: `render` refuses it,
/// but its documents (rendered through the library) say the role is vacant.
const VACANT_RECORD: &str = "\
title: Queue backlog
severity: SEV2
status: investigating
started_at: 2026-11-20T09:00:00Z
roles:
  incident_manager: alice
  tech_lead: bob
timeline:
  - at: 2026-11-20T09:00:00Z
    event: Backlog alert fires.
";

#[test]
fn a_vacant_required_role_gets_a_brief_that_says_so_first() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-7", VACANT_RECORD);
    let before = listing(&project);
    let run = render(&project, &[]);
    run.code(1);
    assert!(run.stderr.contains("missing-owner"), "{}", run.stderr);
    assert_eq!(listing(&project), before, "render wrote despite an error");

    let docs = render_in_memory(&project);
    let brief = &docs["incidents/INC-7/briefs/communications_manager.md"];
    let mut lines = brief.lines().skip(1).filter(|l| !l.is_empty());
    assert_eq!(lines.next(), Some("# Communications manager brief: INC-7"));
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("> **This role is vacant.**")),
        "{brief}"
    );
    insta::assert_snapshot!("vacant__communications_manager", brief);
    let index = &docs["incidents/README.md"];
    assert!(
        index.contains("| Communications manager | none |"),
        "{index}"
    );
    assert!(docs["incidents/INC-7/README.md"].contains("| **vacant** |"));
}

// -------------------------------------------------------------- postmortem

#[test]
fn what_people_write_in_the_postmortem_survives_byte_for_byte() {
    let project = postmortem_project();
    let rendered = project.read(POSTMORTEM);
    // A person writes before, between and after the generated sections,
    // and under "Root cause" (with trailing spaces, a CRLF line, and no
    // final newline).
    let edited = rendered
        .replacen(
            "<!-- rolecall:begin metadata -->",
            "Draft, do not circulate.\n\n<!-- rolecall:begin metadata -->",
            1,
        )
        .replacen(
            "<!-- rolecall:end timeline -->\n",
            "<!-- rolecall:end timeline -->\n\nTimes are from the load balancer logs.  \r\n",
            1,
        )
        .replacen(
            "What caused the incident? Write it here.\n",
            "The deploy shrank the pool from *64* to 8 connections.\n\n- one\n- two\n",
            1,
        )
        + "\nAppendix: the vendor's report.";
    assert_ne!(edited, rendered);
    project.file(POSTMORTEM, &edited);

    project.record("INC-1", &with_new_event());
    render(&project, &[]).code(0);

    let merged = project.read(POSTMORTEM);
    let fresh = fresh_postmortem(&with_new_event());
    let expected = replace_section(&edited, "timeline", section_content(&fresh, "timeline"));
    assert_eq!(merged, expected);
    assert!(
        section_content(&merged, "timeline")
            .contains("| 2026-11-20 09:35 UTC | Rollback finished. |")
    );
    // Every other section is what a fresh render gives.
    for section in markers::sections(&fresh).expect("fresh markers") {
        assert_eq!(section_content(&merged, section.name), section.content);
    }
    // And a render without changes leaves it alone.
    let again = render(&project, &[]);
    again.code(0);
    assert!(again.stdout.contains(" 0 written"), "{}", again.stdout);
    assert_eq!(project.read_bytes(POSTMORTEM), merged.as_bytes());
}

#[test]
fn a_deleted_generated_section_stays_deleted() {
    let project = postmortem_project();
    let rendered = project.read(POSTMORTEM);
    let block = section_block(&rendered, "timeline");
    let edited = format!("{}{}", &rendered[..block.start], &rendered[block.end..]);
    project.file(POSTMORTEM, &edited);

    project.record("INC-1", &with_new_event());
    render(&project, &[]).code(0);
    let merged = project.read(POSTMORTEM);
    assert!(!merged.contains("rolecall:begin timeline"), "{merged}");
    assert!(!merged.contains("Rollback finished."), "{merged}");
    assert_eq!(merged, edited, "nothing else in it depends on the timeline");

    // Another change and another render: still gone.
    let record = with_new_event().replace(
        "summary: Card payments failed.",
        "summary: Payments failed.",
    );
    project.record("INC-1", &record);
    render(&project, &[]).code(0);
    let merged = project.read(POSTMORTEM);
    assert!(!merged.contains("rolecall:begin timeline"), "{merged}");
    assert!(section_content(&merged, "summary").contains("Payments failed."));
    let names: Vec<&str> = markers::sections(&merged)
        .expect("markers")
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        names,
        [
            "metadata",
            "summary",
            "roles",
            "communications",
            "actions",
            "trigger",
            "resolution"
        ]
    );
}

/// Breaks the rendered postmortem with `edit`, changes the record, renders:
/// exit 1 naming the file and the line of the `nth` (0-based) line holding
/// `needle` in the broken file, and not a byte written anywhere.
fn assert_broken_markers_refused(edit: impl Fn(&str) -> String, needle: &str, nth: usize) {
    let project = postmortem_project();
    let broken = edit(&project.read(POSTMORTEM));
    project.file(POSTMORTEM, &broken);
    project.record("INC-1", &with_new_event());
    let before = listing(&project);

    let run = render(&project, &[]);
    run.code(1);
    let line = broken
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} not in\n{broken}"))
        .0
        + 1;
    let place = format!("{POSTMORTEM}:{line}: ");
    assert!(run.stderr.contains(&place), "{place} not in {}", run.stderr);
    assert!(
        !run.stderr.contains(": line "),
        "line given twice: {}",
        run.stderr
    );
    assert_eq!(project.read_bytes(POSTMORTEM), broken.as_bytes());
    assert_eq!(listing(&project), before);
}

#[test]
fn unbalanced_markers_leave_the_postmortem_untouched() {
    // An end without its begin.
    assert_broken_markers_refused(
        |text| text.replacen("<!-- rolecall:begin roles -->\n", "", 1),
        "<!-- rolecall:end roles -->",
        0,
    );
    // A begin without its end (the last section's, so no later begin
    // is reported first).
    assert_broken_markers_refused(
        |text| text.replacen("<!-- rolecall:end resolution -->\n", "", 1),
        "<!-- rolecall:begin resolution -->",
        0,
    );
}

#[test]
fn duplicated_markers_leave_the_postmortem_untouched() {
    assert_broken_markers_refused(
        |text| format!("{text}\n{}", &text[section_block(text, "timeline")]),
        "<!-- rolecall:begin timeline -->",
        1,
    );
}

// ------------------------------------------------------------- determinism

#[test]
fn rendering_is_deterministic_and_idempotent() {
    let first = bundled();
    let second = bundled();
    render(&first, &[]).code(0);
    render(&second, &[]).code(0);
    let rendered = listing(&first);
    assert_eq!(rendered.len(), listing(&second).len());
    for (path, bytes) in &listing(&second) {
        assert_eq!(rendered.get(path), Some(bytes), "{path} differs");
    }

    let again = render(&first, &[]);
    again.code(0);
    assert!(
        again
            .stdout
            .contains(": 0 written, 25 unchanged, 0 removed"),
        "{}",
        again.stdout
    );
    first.run(&["render", "--check"]).code(0);
    assert_eq!(listing(&first), rendered);
}

#[test]
fn check_lists_stale_documents_and_writes_nothing() {
    let project = bundled();
    render(&project, &[]).code(0);
    let record = project
        .read("incidents/INC-2026-003.yaml")
        .replace("finished six hours late", "finished 6 hours late");
    project.record("INC-2026-003", &record);
    let before = listing(&project);

    let run = project.run(&["render", "--check"]);
    run.code(1);
    for path in [
        "incidents/README.md",
        "incidents/INC-2026-003/README.md",
        "incidents/INC-2026-003/briefs/tech_lead.md",
        "incidents/INC-2026-003/postmortem.md",
    ] {
        assert!(
            run.stdout.contains(&format!("would update {path}")),
            "{path} not listed in\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains("INC-2026-001/"), "{}", run.stdout);
    assert_eq!(listing(&project), before);
}

// ------------------------------------------------------ --only, --dry-run

#[test]
fn only_renders_the_named_incident_and_refreshes_the_index() {
    let project = bundled();
    render(&project, &[]).code(0);
    let retitle = |id: &str, from: &str, to: &str| {
        let path = format!("incidents/{id}.yaml");
        project.file(&path, project.read(&path).replace(from, to));
    };
    retitle("INC-2026-001", "returns 502", "returned 502");
    retitle("INC-2026-003", "six hours", "6 hours");
    let before = listing(&project);

    let run = render(&project, &["--only", "INC-2026-001"]);
    run.code(0);
    assert!(run.stdout.contains("for 1 incident:"), "{}", run.stdout);
    let after = listing(&project);
    assert_eq!(after.len(), before.len());
    for (path, bytes) in &after {
        // Every document of INC-2026-001 shows its title; nothing else of
        // INC-2026-003 may change.
        let changed = before.get(path) != Some(bytes);
        let expected = path == "incidents/README.md"
            || (path.starts_with("incidents/INC-2026-001/") && is_markdown(path));
        assert_eq!(changed, expected, "{path}");
    }
    let index = project.read("incidents/README.md");
    assert!(index.contains("Checkout API returned 502"), "{index}");
    assert!(index.contains("finished 6 hours late"), "{index}");
    assert!(
        project
            .read("incidents/INC-2026-003/README.md")
            .contains("six hours")
    );
}

#[test]
fn dry_run_lists_what_would_be_written_and_changes_nothing() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", CLEAN_RECORD);
    let before = listing(&project);
    let run = project.run(&["render", "--dry-run"]);
    run.code(0);
    assert!(
        run.stdout
            .contains("would create incidents/INC-1/README.md"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("would create incidents/README.md"));
    assert_eq!(listing(&project), before);

    render(&project, &[]).code(0);
    project.record(
        "INC-1",
        &CLEAN_RECORD.replace("Clean record", "Renamed record"),
    );
    let before = listing(&project);
    let run = project.run(&["render", "--dry-run"]);
    run.code(0);
    assert!(
        run.stdout
            .contains("would update incidents/INC-1/README.md"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("would create"), "{}", run.stdout);
    assert_eq!(listing(&project), before);
}

// --------------------------------------------------------- context docs

/// Every object key anywhere in `value`.
fn keys(value: &serde_json::Value, found: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                found.insert(key.clone());
                keys(inner, found);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| keys(i, found)),
        _ => {}
    }
}

#[test]
fn the_template_context_is_documented_field_by_field() {
    use rolecall::render::context::{IncidentView, IndexEntry};

    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
        .expect("docs/templates.md");
    for name in [
        "source",
        "people",
        "roles",
        "incident",
        "role",
        "handover",
        "incidents",
    ] {
        assert!(
            doc.contains(&format!("### `{name}`")),
            "{name} not documented"
        );
    }
    let project = bundled();
    let workspace = rolecall::load::load(project.path(), None).expect("load");
    let mut fields = std::collections::BTreeSet::new();
    for (_, incident) in workspace.incidents() {
        let view = IncidentView::new(incident, &workspace.config, workspace.roster.as_ref());
        keys(&serde_json::to_value(&view).expect("view"), &mut fields);
        keys(
            &serde_json::to_value(IndexEntry::new(&view)).expect("entry"),
            &mut fields,
        );
    }
    // People and roles are maps keyed by person and role: their values' fields.
    let roster = workspace.roster.as_ref().expect("roster");
    for person in roster.people.values() {
        keys(&serde_json::to_value(person).expect("person"), &mut fields);
    }
    for role in workspace.config.roles.values() {
        keys(&serde_json::to_value(role).expect("role"), &mut fields);
    }
    // Fields that only appear in bars (documented in their row).
    for bar_field in ["owner", "start", "end"] {
        assert!(doc.contains(&format!("`{bar_field}`")));
        fields.remove(bar_field);
    }
    let missing: Vec<&String> = fields
        .iter()
        .filter(|f| !doc.contains(&format!("| `{f}` |")))
        .collect();
    assert!(missing.is_empty(), "undocumented fields: {missing:?}");
}

#[test]
fn records_in_subfolders_get_their_documents_under_the_output_folder_by_id() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .file("incidents/2026/november/INC-9.yaml", CLEAN_RECORD);
    project.run(&["render", "--no-commit"]).code(0);
    assert!(
        project.exists("incidents/INC-9/README.md"),
        "{:?}",
        listing(&project).keys()
    );
    assert!(project.exists("incidents/INC-9/briefs/tech_lead.md"));
    assert!(!project.exists("incidents/2026/november/INC-9"));
    let overview = project.read("incidents/INC-9/README.md");
    assert!(
        overview.starts_with("<!-- generated by rolecall from incidents/2026/november/INC-9.yaml;"),
        "{overview}"
    );
}

#[test]
fn a_configured_output_folder_receives_every_document() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .file("rolecall.yaml", "output: docs/incidents\n")
        .record("INC-7", CLEAN_RECORD);
    project.run(&["render", "--no-commit"]).code(0);
    let files: Vec<String> = listing(&project)
        .into_keys()
        .filter(|p| is_markdown(p))
        .collect();
    assert!(
        files.contains(&"docs/incidents/README.md".to_owned()),
        "{files:?}"
    );
    assert!(
        files.contains(&"docs/incidents/INC-7/README.md".to_owned()),
        "{files:?}"
    );
    assert!(
        files.iter().all(|f| f.starts_with("docs/incidents/")),
        "{files:?}"
    );
    let index = project.read("docs/incidents/README.md");
    assert!(
        index.starts_with("<!-- generated by rolecall from incidents/;"),
        "{index}"
    );
    project.run(&["render", "--check"]).code(0);
}

#[test]
fn the_postmortem_shows_the_time_to_mitigate_and_drills_say_so() {
    // Started 09:00, mitigated 09:25, resolved 09:40: 25 minutes to
    // mitigate. Without `mitigated_at` the resolution stands in: 40.
    let mitigated = CLEAN_RECORD.replace(
        "resolved_at: 2026-11-20T09:40:00Z\n",
        "mitigated_at: 2026-11-20T09:25:00Z\nresolved_at: 2026-11-20T09:40:00Z\nkind: drill\n",
    );
    let postmortem = fresh_postmortem(&mitigated);
    assert!(
        postmortem.contains("| Time to mitigate | 25 min |"),
        "{postmortem}"
    );
    let postmortem = fresh_postmortem(CLEAN_RECORD);
    assert!(
        postmortem.contains("| Time to mitigate | 40 min |"),
        "{postmortem}"
    );

    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", &mitigated)
        .record("INC-2", CLEAN_RECORD);
    render(&project, &[]).code(0);
    let overview = project.read("incidents/INC-1/README.md");
    assert!(
        overview.contains("# INC-1: Clean record (drill)\n"),
        "{overview}"
    );
    let index = project.read("incidents/README.md");
    assert!(index.contains("| Clean record (drill) |"), "{index}");
    assert!(
        index.contains("[INC-2](INC-2/README.md) | Clean record |"),
        "a real incident is not marked: {index}"
    );
}
