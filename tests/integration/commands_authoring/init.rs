//! `rolecall init` and `rolecall templates export`: what they write and
//! what they keep (the CI files init writes are tested in `ci_setup`).

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value;

use super::{assert_mentions, files_under};
use crate::harness::{CLEAN_RECORD, NOW, PEOPLE, Project};

// ------------------------------------------------------------------- init

/// What `init` writes, relative to its folder.
const INIT_FILES: [&str; 5] = [
    "rolecall.yaml",
    "people.yaml",
    "incidents/EXAMPLE-1.yaml",
    ".github/workflows/rolecall.yml",
    "rolecall.schema.json",
];

#[test]
fn init_starts_a_repository_that_passes_check() {
    // `Project::new` already has `incidents/`: start in an empty subfolder.
    let project = Project::new();
    let run = project.run(&["init", "sub"]);
    run.code(0);
    for rel in INIT_FILES {
        assert!(project.exists(&format!("sub/{rel}")), "no {rel}");
        assert_mentions(&run, &[&format!("wrote {rel}")]);
    }
    assert!(project.abs("sub/.git").is_dir(), "no git repository");
    assert_mentions(&run, &["initialised a git repository"]);
    project.run(&["-C", "sub", "check", "--now", NOW]).code(0);
    project.run(&["-C", "sub", "check", "--strict"]).code(0);
    let schema: Value =
        serde_json::from_str(&project.read("sub/rolecall.schema.json")).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    // A record `new` writes there points at that schema.
    let run = project.run(&[
        "-C",
        "sub",
        "new",
        "--title",
        "After init",
        "--severity",
        "SEV3",
    ]);
    run.code(0);
    // The first line names the record (the next ones say what is unstaffed).
    let first = run.stdout.lines().next().unwrap_or_default();
    let created = project.read(&format!("sub/{}", first.trim_start_matches("created ")));
    assert!(
        created.starts_with("# yaml-language-server: $schema=../rolecall.schema.json\n"),
        "{created}"
    );
}

#[test]
fn init_keeps_every_existing_file_as_it_is() {
    let project = Project::new();
    for rel in INIT_FILES {
        project.file(&format!("sub/{rel}"), format!("# mine: {rel}\n"));
    }
    let run = project.run(&["init", "sub"]);
    run.code(0);
    for rel in INIT_FILES {
        assert_mentions(&run, &[&format!("kept {rel}")]);
        assert_eq!(
            project.read(&format!("sub/{rel}")),
            format!("# mine: {rel}\n"),
            "{rel} changed"
        );
    }
    assert!(!run.stdout.contains("wrote "), "{}", run.stdout);
}

#[test]
fn init_adds_no_example_record_or_roster_beside_existing_records() {
    let project = Project::new();
    project.file("sub/incidents/INC-2026-001.yaml", CLEAN_RECORD);
    let run = project.run(&["init", "sub"]);
    run.code(0);
    assert_mentions(&run, &["no example record", "no people.yaml"]);
    assert!(!project.exists("sub/incidents/EXAMPLE-1.yaml"));
    // An example roster would make `dave` of the record an unknown person.
    assert!(!project.exists("sub/people.yaml"));
    project.run(&["-C", "sub", "check", "--now", NOW]).code(0);
}

#[test]
fn init_inside_a_repository_does_not_start_another() {
    let project = Project::git();
    let run = project.run(&["init", "docs/incidents-repo"]);
    run.code(0);
    assert!(!run.stdout.contains("initialised"), "{}", run.stdout);
    assert!(!project.exists("docs/incidents-repo/.git"));
}

#[test]
fn init_refuses_a_target_that_is_a_file() {
    let project = Project::new();
    project.file("taken", "a file\n");
    project.run(&["init", "taken"]).code(2);
    assert_eq!(project.read("taken"), "a file\n");
}

// ------------------------------------------------------- templates export

/// The built-in templates, from the source tree.
fn builtin_templates() -> BTreeMap<String, Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    fs::read_dir(&dir)
        .expect("templates folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tera"))
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                fs::read(&p).expect("read"),
            )
        })
        .collect()
}

#[test]
fn templates_export_writes_every_built_in_template() {
    let project = Project::new();
    let run = project.run(&["templates", "export", "custom/templates"]);
    run.code(0);
    let written: BTreeMap<String, Vec<u8>> = files_under(&project, "custom/templates")
        .into_iter()
        .map(|(path, bytes)| {
            (
                path.trim_start_matches("custom/templates/").to_owned(),
                bytes,
            )
        })
        .collect();
    let builtin = builtin_templates();
    assert!(
        builtin.contains_key("record.yaml.tera") && builtin.len() >= 6,
        "{:?}",
        builtin.keys()
    );
    assert_eq!(written, builtin);
}

#[test]
fn templates_export_never_overwrites() {
    let project = Project::new();
    project.file("tpl/brief.md.tera", "my brief\n");
    let run = project.run(&["templates", "export", "tpl"]);
    run.code(0);
    assert_mentions(&run, &["kept", "brief.md.tera"]);
    assert_eq!(project.read("tpl/brief.md.tera"), "my brief\n");
    assert!(project.exists("tpl/postmortem.md.tera"));
    // A second export keeps them all.
    let again = project.run(&["templates", "export", "tpl"]);
    again.code(0);
    assert_mentions(&again, &["exported 0 templates"]);
}

#[test]
fn exported_templates_render_what_the_built_in_ones_do() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-2026-001", CLEAN_RECORD);
    project.run(&["render", "--no-commit"]).code(0);
    let built_in = files_under(&project, "incidents");
    fs::remove_dir_all(project.abs("incidents/INC-2026-001")).expect("remove documents");
    fs::remove_file(project.abs("incidents/README.md")).expect("remove index");
    project.run(&["templates", "export", "templates"]).code(0);
    project.run(&["render", "--no-commit"]).code(0);
    assert_eq!(files_under(&project, "incidents"), built_in);
}
