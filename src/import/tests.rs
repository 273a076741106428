use super::*;
use crate::load::read_source;
use crate::model::{Config, Roster};
use crate::yaml::Reader;

const PAGERDUTY: &[u8] = include_bytes!("../../tests/fixtures/import/pagerduty.json");
const INCIDENTIO: &[u8] = include_bytes!("../../tests/fixtures/import/incidentio.json");

const ROSTER: &str = "\
alice:
  name: Alice Smith
  email: alice@example.com
bob:
  name: Bob Jones
carol:
  name: Carol White
";

fn roster() -> Roster {
    let node = crate::yaml::parse(ROSTER.as_bytes())
        .expect("parse")
        .expect("a document");
    let mut reader = Reader::new("people.yaml", ROSTER);
    Roster::read(&mut reader, &node).expect("the roster reads")
}

fn run(tool: Tool, bytes: &[u8], map: &str) -> Result<Imported, ImportError> {
    let config = Config::builtin();
    let roster = roster();
    let mapping = Mapping {
        config: &config,
        people: People {
            roster: Some(&roster),
        },
        severities: severity_map(map, &config).expect("map"),
    };
    import(tool, bytes, &mapping)
}

fn at(text: &str) -> Instant {
    Instant::parse(text).expect("instant")
}

#[test]
fn a_pagerduty_incident_becomes_a_record_with_shifts_acks_notes_and_resolution() {
    let imported = run(
        Tool::PagerDuty,
        PAGERDUTY,
        Tool::PagerDuty.default_severity_map(),
    )
    .expect("imports");
    assert_eq!(imported.drafts.len(), 2);
    let text = to_yaml(&imported.drafts[0], "pagerduty");
    assert_eq!(
        text,
        "\
# Imported from PagerDuty incident PT4KHLK by `rolecall import pagerduty`.
title: Checkout API returns 502
severity: SEV2
status: resolved
started_at: 2026-11-20T09:14:00Z
resolved_at: 2026-11-20T11:02:00Z
services:
  - checkout-api
roles:
  incident_manager:
    - owner: alice
      acknowledged_at: 2026-11-20T09:16:00Z
    - owner: carol
      from: 2026-11-20T10:30:00Z
      handover: \"Reassigned to Carol White: Alice is off shift; waiting on the vendor.\"
      acknowledged_at: 2026-11-20T10:32:00Z
timeline:
  - at: 2026-11-20T09:40:00Z
    event: Rolled back the pool change.
links:
  - title: PagerDuty incident
    url: \"https://acme.pagerduty.com/incidents/PT4KHLK\"
"
    );
    let open = &imported.drafts[1];
    assert_eq!(open.id, "PD-1240");
    assert_eq!(open.severity, "SEV4");
    assert!(!open.resolved);
    assert_eq!(
        open.roles,
        [(
            "incident_manager".to_owned(),
            vec![DraftShift {
                owner: "bob".to_owned(),
                from: None,
                handover: None,
                acknowledged_at: None
            }]
        )]
    );
}

#[test]
fn every_written_record_reads_back_as_the_draft_says() {
    let config = Config::builtin();
    for (tool, bytes) in [(Tool::PagerDuty, PAGERDUTY), (Tool::IncidentIo, INCIDENTIO)] {
        let imported = run(tool, bytes, tool.default_severity_map()).expect("imports");
        for draft in &imported.drafts {
            let text = to_yaml(draft, "x");
            let rel = format!("incidents/{}.yaml", draft.id);
            let (record, findings) = read_source(&rel, &draft.id, &text, &config);
            assert!(findings.is_empty(), "{text}\n{findings:?}");
            let incident = record.incident.expect("reads");
            assert_eq!(incident.title.value, draft.title);
            assert_eq!(incident.started_at.value, draft.started_at);
            assert_eq!(incident.resolved_at.map(|r| r.value), draft.resolved_at);
            let shifts: usize = draft.roles.iter().map(|(_, s)| s.len()).sum();
            assert_eq!(
                incident.roles.iter().map(|r| r.shifts.len()).sum::<usize>(),
                shifts
            );
        }
    }
}

#[test]
fn an_incident_io_incident_maps_roles_timestamps_and_severity_names() {
    let imported = run(
        Tool::IncidentIo,
        INCIDENTIO,
        Tool::IncidentIo.default_severity_map(),
    )
    .expect("imports");
    let ids: Vec<&str> = imported.drafts.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["INC-88", "INC-90"], "the declined one is left out");
    assert_eq!(
        imported.notes,
        [
            "INC-88: role `Scribe` is not in the catalogue; left out",
            "left out INC-89 (declined)"
        ]
    );
    let draft = &imported.drafts[0];
    assert_eq!(draft.severity, "SEV2");
    assert!(draft.resolved);
    assert_eq!(
        draft.started_at,
        at("2026-11-21T13:50:00Z"),
        "impact started"
    );
    assert_eq!(draft.detected_at, Some(at("2026-11-21T14:05:12.345Z")));
    assert_eq!(draft.resolved_at, Some(at("2026-11-21T16:20:00Z")));
    let roles: Vec<(&str, &str)> = draft
        .roles
        .iter()
        .map(|(k, s)| (k.as_str(), s[0].owner.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("incident_manager", "alice"),
            ("tech_lead", "bob"),
            ("communications_manager", "carol")
        ],
        "alice by her email, the others by name"
    );
    let open = &imported.drafts[1];
    assert_eq!(open.severity, "SEV3");
    assert_eq!(
        open.roles[0].1[0].owner, "dan",
        "not in the roster: the email's local part"
    );
}

#[test]
fn missing_fields_and_bad_values_are_reported_with_their_json_path() {
    let text = String::from_utf8_lossy(PAGERDUTY).replacen(
        "\"created_at\": \"2026-11-20T09:14:00Z\",",
        "",
        1,
    );
    let error = run(Tool::PagerDuty, text.as_bytes(), "high=SEV2,low=SEV4").expect_err("missing");
    assert!(
        error
            .0
            .starts_with("incidents[0]: missing field `created_at`"),
        "{}",
        error.0
    );
    let text = String::from_utf8_lossy(PAGERDUTY)
        .replace("\"urgency\": \"low\"", "\"urgency\": \"medium\"");
    let error = run(Tool::PagerDuty, text.as_bytes(), "high=SEV2,low=SEV4").expect_err("unmapped");
    assert_eq!(
        error.0,
        "incidents[1].urgency: `medium` has no severity; map it with --severity-map, like `--severity-map medium=SEV3`"
    );
    let text =
        String::from_utf8_lossy(PAGERDUTY).replace("2026-11-22T03:00:00Z", "2026-11-22 03:00");
    let error = run(Tool::PagerDuty, text.as_bytes(), "high=SEV2,low=SEV4").expect_err("bad time");
    assert!(
        error.0.starts_with("incidents[1].created_at: "),
        "{}",
        error.0
    );
    let error = run(Tool::IncidentIo, b"{\"incidents\": [{\"id\": 5}]}", "").expect_err("type");
    assert!(
        error.0.starts_with("incidents[0].id: invalid type"),
        "{}",
        error.0
    );
    let error = run(Tool::IncidentIo, b"42", "").expect_err("shape");
    assert!(error.0.contains("invalid type"), "{}", error.0);
}

#[test]
fn the_severity_map_names_configured_severities_only() {
    let config = Config::builtin();
    assert_eq!(
        severity_map("High=SEV1, low=SEV3", &config).expect("map"),
        [
            ("high".to_owned(), "SEV1".to_owned()),
            ("low".to_owned(), "SEV3".to_owned())
        ]
    );
    let error = severity_map("high=SEV9", &config).expect_err("unknown");
    assert!(
        error.0.contains("`SEV9` is not a configured severity"),
        "{}",
        error.0
    );
    assert!(severity_map("high", &config).is_err());
}

#[test]
fn people_are_matched_by_email_or_name_else_made_into_keys() {
    let roster = roster();
    let people = People {
        roster: Some(&roster),
    };
    assert_eq!(
        people
            .key(Some("Someone"), Some("ALICE@example.com"))
            .as_deref(),
        Some("alice")
    );
    assert_eq!(
        people.key(Some("carol white"), None).as_deref(),
        Some("carol")
    );
    assert_eq!(
        people.key(Some("Dan  O'Brien"), None).as_deref(),
        Some("dan-o-brien")
    );
    assert_eq!(people.key(None, None), None);
    assert_eq!(people::slug("--Ünï Çode--"), "n-ode");
}
