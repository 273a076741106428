//! `rolecall import`: the fixtures (shaped like the tools' public API
//! documentation) written as records, then checked; never over an existing
//! record; a broken export reported with its JSON path.

use crate::harness::Project;

const PAGERDUTY: &str = include_str!("../fixtures/import/pagerduty.json");
const INCIDENTIO: &str = include_str!("../fixtures/import/incidentio.json");

const ROSTER: &str = "\
alice:
  name: Alice Smith
  email: alice@example.com
bob:
  name: Bob Jones
carol:
  name: Carol White
";

fn project() -> Project {
    let project = Project::git();
    project
        .file("people.yaml", ROSTER)
        .file("exports/pagerduty.json", PAGERDUTY)
        .file("exports/incidentio.json", INCIDENTIO);
    project
}

/// `check --format json` findings as `(file, code, message)`, errors only.
fn errors(project: &Project) -> (i32, Vec<(String, String, String)>) {
    let run = project.check(&["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let found = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["file"].as_str().expect("file").to_owned(),
                f["code"].as_str().expect("code").to_owned(),
                f["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    (run.code, found)
}

#[test]
fn pagerduty_records_are_written_and_check_reports_only_the_roles_pagerduty_never_had() {
    let project = project();
    let run = project.run(&["import", "pagerduty", "exports/pagerduty.json"]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "wrote incidents/PD-1234.yaml (check will report missing-owner ×3)\n\
         wrote incidents/PD-1240.yaml\n\
         imported 2 records; run `rolecall check` for what they still lack\n"
    );
    let record = project.read("incidents/PD-1234.yaml");
    assert!(
        record.contains(
            "  incident_manager:\n    - owner: alice\n      acknowledged_at: 2026-11-20T09:16:00Z\n    - owner: carol\n      from: 2026-11-20T10:30:00Z\n"
        ),
        "{record}"
    );
    let (code, found) = errors(&project);
    assert_eq!(code, 1);
    let expected: Vec<(String, String, String)> =
        ["tech_lead", "communications_manager", "postmortem_owner"]
            .iter()
            .map(|role| {
                (
                    "incidents/PD-1234.yaml".to_owned(),
                    "missing-owner".to_owned(),
                    format!("role {role} has no owner"),
                )
            })
            .collect();
    let mut sorted = found.clone();
    sorted.sort();
    let mut expected_sorted = expected;
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted);

    // Through rolecall's own reading of the record: created 09:14,
    // resolved 11:02, so it lasted 108 minutes.
    let status = project.run(&[
        "status",
        "--format",
        "json",
        "--now",
        "2026-11-21T00:00:00Z",
    ]);
    status.code(0);
    let rows: serde_json::Value = serde_json::from_str(&status.stdout).expect("status json");
    let row = rows["incidents"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["id"] == "PD-1234")
        .expect("PD-1234")
        .clone();
    assert_eq!(row["age_seconds"], 108 * 60);
    assert_eq!(row["severity"], "SEV2");
    assert_eq!(row["status"], "resolved");
    assert!(
        record.contains(
            "      handover: \"Reassigned to Carol White: Alice is off shift; waiting on the vendor.\"\n      acknowledged_at: 2026-11-20T10:32:00Z\n"
        ),
        "the reassignment's log line is the handover note: {record}"
    );
    assert!(
        record.contains(
            "timeline:\n  - at: 2026-11-20T09:40:00Z\n    event: Rolled back the pool change.\n"
        ),
        "{record}"
    );
}

#[test]
fn an_open_pagerduty_incident_passes_check_entirely() {
    let project = project();
    project
        .run(&["import", "pagerduty", "exports/pagerduty.json"])
        .code(0);
    std::fs::remove_file(project.abs("incidents/PD-1234.yaml")).expect("remove");
    let (code, found) = errors(&project);
    assert_eq!((code, found), (0, Vec::new()));
    assert_eq!(
        project.read("incidents/PD-1240.yaml"),
        "\
# Imported from PagerDuty incident PW98YIO by `rolecall import pagerduty`.
title: Nightly export is late
severity: SEV4
status: investigating
started_at: 2026-11-22T03:00:00Z
services:
  - exports
roles:
  incident_manager:
    - owner: bob
links:
  - title: PagerDuty incident
    url: \"https://acme.pagerduty.com/incidents/PW98YIO\"
"
    );
}

#[test]
fn incident_io_records_carry_roles_and_timestamps() {
    let project = project();
    let run = project.run(&["import", "incidentio", "exports/incidentio.json"]);
    run.code(0);
    assert!(
        run.stderr
            .contains("note: INC-88: role `Scribe` is not in the catalogue; left out"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("note: left out INC-89 (declined)"),
        "{}",
        run.stderr
    );
    assert!(!project.exists("incidents/INC-89.yaml"));
    let record = project.read("incidents/INC-88.yaml");
    for line in [
        "severity: SEV2\n",
        "status: resolved\n",
        "started_at: 2026-11-21T13:50:00Z\n",
        "detected_at: 2026-11-21T14:05:12Z\n",
        "resolved_at: 2026-11-21T16:20:00Z\n",
        "summary: The indexer stopped consuming updates after a broker failover.\n",
        "  incident_manager:\n    - owner: alice\n",
        "  tech_lead:\n    - owner: bob\n",
        "  communications_manager:\n    - owner: carol\n",
    ] {
        assert!(record.contains(line), "{line:?} in\n{record}");
    }
    let (code, found) = errors(&project);
    assert_eq!(code, 1);
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(file, code, _)| (file.as_str(), code.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("incidents/INC-88.yaml", "missing-owner"),
            ("incidents/INC-90.yaml", "missing-owner"),
            ("incidents/INC-90.yaml", "unknown-person"),
        ],
        "the postmortem owner of INC-88, the tech lead of INC-90, and dan, whom the roster lacks"
    );
}

#[test]
fn import_never_overwrites_a_record_and_writes_nothing_then() {
    let project = project();
    project.record("PD-1240", "title: Mine\n");
    let run = project.run(&["import", "pagerduty", "exports/pagerduty.json"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("PD-1240 is already recorded in incidents/PD-1240.yaml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(project.read("incidents/PD-1240.yaml"), "title: Mine\n");
    assert!(!project.exists("incidents/PD-1234.yaml"));

    // A record with the id in a subfolder counts too.
    let project = self::project();
    project.file("incidents/2026/PD-1234.yml", "title: Mine\n");
    let run = project.run(&["import", "pagerduty", "exports/pagerduty.json"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("PD-1234 is already recorded in incidents/2026/PD-1234.yml"),
        "{}",
        run.stderr
    );
    assert!(!project.exists("incidents/PD-1240.yaml"));
}

#[test]
fn dry_run_lists_what_it_would_write_and_writes_nothing() {
    let project = project();
    let run = project.run(&["import", "pagerduty", "exports/pagerduty.json", "--dry-run"]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "would write incidents/PD-1234.yaml (check will report missing-owner ×3)\n\
         would write incidents/PD-1240.yaml\n"
    );
    assert!(!project.exists("incidents/PD-1234.yaml"));
    assert!(!project.exists("incidents/PD-1240.yaml"));
    assert_eq!(project.git_ok(&["status", "--porcelain", "incidents"]), "");
}

#[test]
fn the_severity_map_decides_the_severity() {
    let project = project();
    project
        .run(&[
            "import",
            "pagerduty",
            "exports/pagerduty.json",
            "--severity-map",
            "high=SEV1,low=SEV3",
        ])
        .code(0);
    assert!(
        project
            .read("incidents/PD-1234.yaml")
            .contains("severity: SEV1\n")
    );
    assert!(
        project
            .read("incidents/PD-1240.yaml")
            .contains("severity: SEV3\n")
    );
    let run = project.run(&[
        "import",
        "pagerduty",
        "exports/pagerduty.json",
        "--severity-map",
        "high=SEV",
    ]);
    run.code(2);
    assert!(
        run.stderr.contains("`SEV` is not a configured severity"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_export_is_reported_with_the_json_path_and_nothing_is_written() {
    let project = project();
    let broken = PAGERDUTY.replacen("\"incident_number\": 1240,", "", 1);
    project.file("exports/broken.json", broken);
    let run = project.run(&["import", "pagerduty", "exports/broken.json"]);
    run.code(2);
    assert!(
        run.stderr.contains(
            "exports/broken.json: not a PagerDuty export rolecall can read: incidents[1]: missing field `incident_number`"
        ),
        "{}",
        run.stderr
    );
    assert!(!project.exists("incidents/PD-1234.yaml"));
    project.file("exports/not-json.json", "incidents:\n  - 1\n");
    let run = project.run(&["import", "incidentio", "exports/not-json.json"]);
    run.code(2);
    assert!(run.stderr.contains("(line 1, column 1)"), "{}", run.stderr);
    let run = project.run(&["import", "incidentio", "exports/missing.json"]);
    run.code(2);
    assert!(run.stderr.contains("could not read"), "{}", run.stderr);
}

#[test]
fn imported_history_gives_the_hand_computed_stats() {
    // Both exports in one repository, counted from 2026-11-20 to
    // 2026-11-23 at 2026-11-22T05:00Z: PD-1234 (SEV2, Fri 09:14–11:02,
    // alice then carol from 10:30), INC-88 (SEV2, Sat 13:50, detected
    // 14:05:12, resolved 16:20; alice, bob, carol from the start) and
    // PD-1240 (SEV4, Sun 03:00, open, bob). INC-90 starts on the 24th.
    let project = project();
    project
        .run(&["import", "pagerduty", "exports/pagerduty.json"])
        .code(0);
    project
        .run(&["import", "incidentio", "exports/incidentio.json"])
        .code(0);
    let run = project.run(&[
        "stats",
        "--format",
        "json",
        "--since",
        "2026-11-20",
        "--until",
        "2026-11-23",
        "--now",
        "2026-11-22T05:00:00Z",
    ]);
    run.code(0);
    let stats: serde_json::Value = serde_json::from_str(&run.stdout).expect("stats json");
    assert_eq!(
        (stats["incidents"].as_u64(), stats["open"].as_u64()),
        (Some(3), Some(1))
    );
    let overall = &stats["overall"];
    let metric = |name: &str| {
        let m = &overall[name];
        (
            m["count"].as_u64(),
            m["mean"].as_f64(),
            m["median"].as_f64(),
            m["p90"].as_f64(),
        )
    };
    // 15 min 12 s to detect, INC-88 only.
    assert_eq!(
        metric("time_to_detect"),
        (Some(1), Some(15.2), Some(15.2), Some(15.2))
    );
    // PD-1234 never had a tech lead or communications manager; INC-88 and
    // PD-1240 had every required role from the start.
    assert_eq!(
        metric("time_to_assemble"),
        (Some(2), Some(0.0), Some(0.0), Some(0.0))
    );
    // 108 and 150 minutes: mean and median 129, p90 the 2nd of 2.
    assert_eq!(
        metric("time_to_resolve"),
        (Some(2), Some(129.0), Some(129.0), Some(150.0))
    );
    assert_eq!(
        metric("time_to_mitigate"),
        (Some(2), Some(129.0), Some(129.0), Some(150.0))
    );
    // Two SEV2s need a postmortem, due five days after resolving: not yet.
    assert_eq!(
        overall["postmortems"],
        serde_json::json!({"required": 2, "done": 0, "overdue": 0})
    );

    // Minutes on shift; everything on the weekend is off-hours (UTC).
    let people: Vec<(String, f64, f64, u64, u64)> = stats["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| {
            (
                p["person"].as_str().expect("person").to_owned(),
                p["minutes"].as_f64().expect("minutes"),
                p["off_hours_minutes"].as_f64().expect("off hours"),
                p["handovers_given"].as_u64().expect("given"),
                p["handovers_received"].as_u64().expect("received"),
            )
        })
        .collect();
    assert_eq!(
        people,
        [
            // 76 (Fri, PD-1234) + 150 (Sat, INC-88)
            ("alice".to_owned(), 226.0, 150.0, 1, 0),
            // 150 (Sat, INC-88) + 120 (Sun 03:00 to now, PD-1240)
            ("bob".to_owned(), 270.0, 270.0, 0, 0),
            // 32 (Fri, PD-1234, handed over from alice) + 150 (Sat)
            ("carol".to_owned(), 182.0, 150.0, 0, 1),
        ]
    );
}
