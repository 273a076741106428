use super::*;
use crate::model::record;
use crate::yaml::Reader;

fn incident(text: &str) -> Incident {
    let root = crate::yaml::parse(text.as_bytes()).unwrap().unwrap();
    let mut reader = Reader::new("x.yaml", text);
    let incident = record::read(&mut reader, &root, "x", &Config::builtin());
    assert!(reader.findings.is_empty(), "{:?}", reader.findings);
    incident.unwrap()
}

const SEV3: &str = "\
title: t
severity: SEV3
status: resolved
started_at: 2026-11-20T09:00:00Z
detected_at: 2026-11-20T09:05:00Z
resolved_at: 2026-11-20T11:00:00Z
roles:
  incident_manager: alice
  tech_lead:
    - owner: bob
      from: 2026-11-20T09:20:00Z
actions:
  - title: a
    due: 2026-11-25
  - title: b
    status: done
";

#[test]
fn an_incident_is_assembled_when_its_last_declared_role_is_filled() {
    let i = incident(SEV3);
    let config = Config::builtin();
    // SEV3 requires incident_manager and tech_lead from declaration; the
    // postmortem owner (required from resolution) does not count.
    assert_eq!(
        assembled_at(&i, &config).unwrap().to_string(),
        "2026-11-20T09:20:00Z"
    );
    let insights = compute(&[&i], &config, None, None);
    let g = &insights.overall;
    assert_eq!(g.time_to_detect.median, Some(5.0));
    assert_eq!(g.time_to_assemble.median, Some(20.0));
    // No mitigated_at: mitigation is the resolution.
    assert_eq!(g.time_to_mitigate.median, Some(120.0));
    assert_eq!(g.time_to_resolve.median, Some(120.0));
    assert_eq!(
        g.postmortems,
        Postmortems {
            required: 1,
            done: 0,
            overdue: None
        }
    );
    assert_eq!(
        g.actions,
        Actions {
            total: 2,
            done: 1,
            open: 1,
            overdue: None
        }
    );
}

#[test]
fn a_vacant_declared_role_leaves_the_incident_out_of_assembly() {
    let i = incident(&SEV3.replace("  incident_manager: alice\n", ""));
    assert!(assembled_at(&i, &Config::builtin()).is_none());
}

#[test]
fn overdue_needs_a_clock() {
    let i = incident(SEV3);
    let now = Instant::parse("2026-12-01T00:00:00Z").unwrap();
    let g = compute(&[&i], &Config::builtin(), None, Some(now)).overall;
    // Resolved Friday 20th, SEV3 allows 10 business days: due 2026-12-04.
    assert_eq!(g.postmortems.overdue, Some(0));
    assert_eq!(g.actions.overdue, Some(1));
}

#[test]
fn drills_and_incidents_outside_the_range_are_not_selected() {
    let real = incident(SEV3);
    let drill = incident(&format!("kind: drill\n{SEV3}"));
    let selection = Selection::default();
    assert!(selection.includes(&real) && !selection.includes(&drill));
    let later = Selection {
        since: Some(Instant::parse("2026-11-20T09:00:01Z").unwrap()),
        ..Selection::default()
    };
    assert!(!later.includes(&real));
    let until = Selection {
        until: Some(Instant::parse("2026-11-20T09:00:00Z").unwrap()),
        ..Selection::default()
    };
    assert!(!until.includes(&real), "until is exclusive");
}

#[test]
fn dora_bands_split_at_an_hour_a_day_and_a_week() {
    assert_eq!(dora_band(59.0), "elite");
    assert_eq!(dora_band(60.0), "high");
    assert_eq!(dora_band(1439.0), "high");
    assert_eq!(dora_band(1440.0), "medium");
    assert_eq!(dora_band(10_080.0), "low");
}
