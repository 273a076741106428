//! `rolecall schema`: the printed JSON Schemas are valid draft-07 and the
//! bundled example files validate against them; bad files do not.

use std::path::Path;

use serde_json::Value;

use crate::harness::Project;

fn schema(kind: &str) -> Value {
    let run = Project::new().run(&["schema", kind]);
    run.code(0);
    serde_json::from_str(&run.stdout).expect("schema is JSON")
}

fn yaml_as_json(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("YAML file")
}

fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("a valid schema");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).expect("bundled file")
}

#[test]
fn schemas_declare_draft_07() {
    for kind in ["incident", "config", "people"] {
        assert_eq!(
            schema(kind)["$schema"],
            "http://json-schema.org/draft-07/schema#",
            "{kind}"
        );
    }
}

#[test]
fn bundled_records_validate_against_the_incident_schema() {
    let schema = schema("incident");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("incidents folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let record = yaml_as_json(&std::fs::read_to_string(&path).expect("record"));
            assert_eq!(
                errors(&schema, &record),
                Vec::<String>::new(),
                "{}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "found only {checked} records");
}

#[test]
fn bundled_roster_validates_against_the_people_schema() {
    let roster = yaml_as_json(&repo_file("people.yaml"));
    assert_eq!(errors(&schema("people"), &roster), Vec::<String>::new());
}

#[test]
fn the_specification_configuration_example_validates() {
    let config = yaml_as_json(
        "incidents: incidents\nroles:\n  scribe:\n    name: Scribe\n    exclusive: false\n    reports_to: incident_manager\nseverities:\n  SEV1: { required_roles: [incident_manager], update_every: 30m, postmortem_within_days: 3 }\nseparate_roles: [[incident_manager, tech_lead]]\nholidays: [2026-12-25]\n",
    );
    assert_eq!(errors(&schema("config"), &config), Vec::<String>::new());
}

#[test]
fn mistakes_fail_validation() {
    let schema = schema("incident");
    let cases = [
        (
            "an unknown key",
            "title: t\nseverity: SEV1\nstatus: resolved\nstarted_at: 2026-11-20T09:00:00Z\nonwer: x\n",
        ),
        (
            "a missing key",
            "title: t\nseverity: SEV1\nstarted_at: 2026-11-20T09:00:00Z\n",
        ),
        (
            "a bad status",
            "title: t\nseverity: SEV1\nstatus: done\nstarted_at: 2026-11-20T09:00:00Z\n",
        ),
        (
            "a shift without owner",
            "title: t\nseverity: SEV1\nstatus: resolved\nstarted_at: 2026-11-20T09:00:00Z\nroles:\n  tech_lead:\n    - from: 2026-11-20T09:00:00Z\n",
        ),
        (
            "a bad duration",
            "title: t\nseverity: SEV1\nstatus: resolved\nstarted_at: 2026-11-20T09:00:00Z\ncommunications:\n  update_every: soon\n",
        ),
        (
            "a null summary",
            "title: t\nseverity: SEV1\nstatus: resolved\nstarted_at: 2026-11-20T09:00:00Z\nsummary:\n",
        ),
    ];
    for (what, text) in cases {
        assert!(
            !errors(&schema, &yaml_as_json(text)).is_empty(),
            "{what} should fail validation"
        );
    }
}

#[test]
fn the_shorthand_and_shift_list_forms_both_validate() {
    let record = yaml_as_json(
        "title: t\nseverity: SEV1\nstatus: investigating\nstarted_at: 2026-11-20T09:00:00Z\nroles:\n  tech_lead: bob\n  incident_manager:\n    - owner: alice\n    - owner: carol\n      from: 2026-11-20T10:00:00Z\n      handover: notes\n",
    );
    assert_eq!(errors(&schema("incident"), &record), Vec::<String>::new());
}
