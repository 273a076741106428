//! `rolecall stats` (issue 16) on a fixture whose every figure was worked
//! out by hand below, with golden files for the Markdown and CSV.
//!
//! The fixture, at `--now 2026-12-01T00:00:00Z`, business hours Monday to
//! Friday 08:00-19:00 in each person's zone (frank: Europe/Berlin, the
//! others: the default, UTC):
//!
//! | id | sev | services | started (UTC) | detect | assemble | mitigate | resolve |
//! | --- | --- | --- | --- | --- | --- | --- | --- |
//! | INC-A | SEV2 | checkout, payments | Mon 11-02 10:00 | 4 | 20 (carol 10:20) | 40 | 90 |
//! | INC-B | SEV2 | checkout | Wed 11-04 22:00 | none | 30 (carol 22:30) | 240 (no `mitigated_at`) | 240 |
//! | INC-C | SEV1 | none | Sat 10-24 18:00 | 10 | 45 (harry 18:45) | 660 | 780 |
//! | INC-D | SEV3 | payments | Mon 11-16 07:00 | 30 | 0 | 60 | 120 |
//! | INC-E | SEV3 | search | Wed 11-25 12:00, open | 6 | none (no tech lead) | none | none |
//! | INC-F | a drill: counted nowhere |
//!
//! Overall (5 incidents, 1 open):
//! - detect [4, 6, 10, 30]: mean 12.5, median (6+10)/2 = 8, p90 rank ⌈3.6⌉ = 4 → 30
//! - assemble [0, 20, 30, 45]: mean 23.75, median 25, p90 45
//! - mitigate [40, 60, 240, 660]: mean 250, median 150, p90 660
//! - resolve [90, 120, 240, 780]: mean 307.5, median 180 (DORA high), p90 780
//! - postmortems: all five severities require an owner; done A and C; overdue
//!   B (resolved Thu 11-05, 5 business days: due 11-12) and D (resolved Mon
//!   11-16, 10 business days: due 11-30); E is open.
//! - actions: A has one done and one open due 11-10 (overdue), E one open
//!   due 12-05: total 3, done 1, open 2, overdue 1.
//!
//! Month 2026-11 (A, B, D, E) has an odd count of detection times [4, 6, 30]:
//! mean 13.33, median 6, p90 rank ⌈2.7⌉ = 3 → 30.
//!
//! Workload (minutes on shift / off-hours):
//! - alice, `incident_manager`: A 10:00-11:30 90/0; B 22:00-01:00 across
//!   midnight 180/180, handed to erin; D 07:00-09:00 120/60 → 3 incidents,
//!   390/240, gave 1
//! - bob: `tech_lead` A 10:10-11:30 80/0, B 22:00-02:00 240/240 → 320/240;
//!   `incident_manager` E from Wed 11-25 12:00 to now, 7920 minutes of which
//!   business hours are Wed 7h, Thu, Fri, Mon 11h each = 2400 → off 5520
//! - carol, `communications_manager`: A 70/0, B 210/210 → 280/210
//! - dave, `postmortem_owner`: A 90/0, B 240/240, C 780/780 → 1110/1020
//! - erin, `incident_manager`: B 01:00-02:00 60/60, received 1
//! - frank (Berlin): `incident_manager` C, Sat 20:00 CEST to Sun 08:00 CET:
//!   twelve hours on the wall clock, 780 minutes elapsed across the change
//!   from summer time, all at the weekend → 780/780; `tech_lead` D
//!   07:00-09:00Z = 08:00-10:00 CET → 120/0
//! - gina, `tech_lead` C 780/780; harry, `communications_manager` C
//!   18:45-07:00 735/735

use std::path::Path;

use serde_json::{Value, json};

use crate::harness::Project;

mod calendar;
mod document;

const NOW: &str = "2026-12-01T00:00:00Z";

const PEOPLE: &str = "\
alice: { name: Alice Smith }
bob: { name: Bob Jones }
carol: { name: \"White, Carol\" }
dave: { name: Dave Brown }
erin: { name: Erin Green }
frank: { name: Frank Weber, timezone: Europe/Berlin }
gina: { name: Gina Rossi }
harry: { name: Harry Kim }
";

const INC_A: &str = "\
title: Checkout errors
severity: SEV2
status: resolved
started_at: 2026-11-02T10:00:00Z
detected_at: 2026-11-02T10:04:00Z
mitigated_at: 2026-11-02T10:40:00Z
resolved_at: 2026-11-02T11:30:00Z
services: [checkout, payments]
roles:
  incident_manager: alice
  tech_lead:
    - owner: bob
      from: 2026-11-02T10:10:00Z
  communications_manager:
    - owner: carol
      from: 2026-11-02T10:20:00Z
  postmortem_owner: dave
actions:
  - title: Guard the pool size
    status: done
  - title: Alert on pool exhaustion
    due: 2026-11-10
postmortem:
  status: done
";

const INC_B: &str = "\
title: Checkout slow at night
severity: SEV2
status: resolved
started_at: 2026-11-04T22:00:00Z
resolved_at: 2026-11-05T02:00:00Z
services: [checkout]
roles:
  incident_manager:
    - owner: alice
    - owner: erin
      from: 2026-11-05T01:00:00Z
      handover: Alice goes to bed.
  tech_lead: bob
  communications_manager:
    - owner: carol
      from: 2026-11-04T22:30:00Z
  postmortem_owner: dave
";

const INC_C: &str = "\
title: Weekend outage across the clock change
severity: SEV1
status: resolved
started_at: 2026-10-24T18:00:00Z
detected_at: 2026-10-24T18:10:00Z
mitigated_at: 2026-10-25T05:00:00Z
resolved_at: 2026-10-25T07:00:00Z
roles:
  incident_manager: frank
  tech_lead: gina
  communications_manager:
    - owner: harry
      from: 2026-10-24T18:45:00Z
  postmortem_owner: dave
postmortem:
  status: done
";

const INC_D: &str = "\
title: Payments slow before the working day
severity: SEV3
status: resolved
started_at: 2026-11-16T07:00:00Z
detected_at: 2026-11-16T07:30:00Z
mitigated_at: 2026-11-16T08:00:00Z
resolved_at: 2026-11-16T09:00:00Z
services: [payments]
roles:
  incident_manager: alice
  tech_lead: frank
";

const INC_E: &str = "\
title: Search index lagging
severity: SEV3
status: investigating
started_at: 2026-11-25T12:00:00Z
detected_at: 2026-11-25T12:06:00Z
services: [search]
roles:
  incident_manager: bob
actions:
  - title: Add a lag alert
    due: 2026-12-05
";

const INC_F: &str = "\
title: Game day
kind: drill
severity: SEV1
status: resolved
started_at: 2026-11-10T10:00:00Z
detected_at: 2026-11-10T10:01:00Z
resolved_at: 2026-11-10T10:30:00Z
services: [checkout]
roles:
  incident_manager: alice
  tech_lead: bob
  communications_manager: carol
  postmortem_owner: dave
";

/// The fixture repository (not a git repository: stats reads files only).
pub fn fixture() -> Project {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-A", INC_A)
        .record("INC-B", INC_B)
        .record("INC-C", INC_C)
        .record("INC-D", INC_D)
        .record("INC-E", INC_E)
        .record("INC-F", INC_F);
    project
}

fn stats_json(project: &Project, extra: &[&str]) -> Value {
    let mut args = vec!["stats", "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let run = project.run(&args);
    run.code(0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn metric(count: u64, mean: f64, median: f64, p90: f64) -> Value {
    json!({"count": count, "mean": mean, "median": median, "p90": p90})
}

#[test]
fn overall_figures_match_the_hand_computed_ones() {
    let stats = stats_json(&fixture(), &[]);
    assert_eq!(stats["incidents"], 5, "the drill is left out");
    assert_eq!(stats["open"], 1);
    let overall = &stats["overall"];
    assert_eq!(overall["count"], 5);
    assert_eq!(overall["time_to_detect"], metric(4, 12.5, 8.0, 30.0));
    assert_eq!(overall["time_to_assemble"], metric(4, 23.75, 25.0, 45.0));
    assert_eq!(overall["time_to_mitigate"], metric(4, 250.0, 150.0, 660.0));
    assert_eq!(overall["time_to_resolve"], metric(4, 307.5, 180.0, 780.0));
    assert_eq!(
        overall["postmortems"],
        json!({"required": 5, "done": 2, "overdue": 2})
    );
    assert_eq!(
        overall["actions"],
        json!({"total": 3, "done": 1, "open": 2, "overdue": 1})
    );
}

#[test]
fn groups_by_severity_service_and_month() {
    let stats = stats_json(&fixture(), &[]);
    let severities: Vec<&String> = stats["by_severity"].as_object().unwrap().keys().collect();
    assert_eq!(
        severities,
        ["SEV1", "SEV2", "SEV3"],
        "configuration order, SEV4 absent"
    );
    let sev2 = &stats["by_severity"]["SEV2"];
    assert_eq!(sev2["count"], 2);
    // An even count: the median of resolve [90, 240] is their mean.
    assert_eq!(sev2["time_to_resolve"], metric(2, 165.0, 165.0, 240.0));
    // INC-A is on two services and counts under each.
    let services = &stats["by_service"];
    assert_eq!(services["checkout"]["count"], 2);
    assert_eq!(services["payments"]["count"], 2);
    assert_eq!(
        services["payments"]["time_to_resolve"],
        metric(2, 105.0, 105.0, 120.0)
    );
    assert_eq!(
        services["search"]["time_to_resolve"],
        json!({"count": 0, "mean": null, "median": null, "p90": null})
    );
    assert_eq!(services.as_object().unwrap().len(), 3);
    let november = &stats["by_month"]["2026-11"];
    assert_eq!(november["count"], 4);
    let detect = &november["time_to_detect"];
    assert_eq!(detect["count"], 3);
    assert_eq!(detect["median"], 6.0);
    assert_eq!(detect["p90"], 30.0);
    assert!((detect["mean"].as_f64().unwrap() - 40.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        stats["by_month"]["2026-10"]["time_to_resolve"],
        metric(1, 780.0, 780.0, 780.0)
    );
}

#[test]
fn workload_counts_shifts_off_hours_and_handovers() {
    let stats = stats_json(&fixture(), &[]);
    let people = stats["people"].as_array().unwrap();
    let keys: Vec<&str> = people
        .iter()
        .map(|p| p["person"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "alice", "bob", "carol", "dave", "erin", "frank", "gina", "harry"
        ]
    );
    let person = |key: &str| people.iter().find(|p| p["person"] == key).unwrap();
    let alice = person("alice");
    assert_eq!(alice["incidents"], 3, "the drill is not counted");
    assert_eq!(alice["minutes"], 390.0);
    assert_eq!(alice["off_hours_minutes"], 240.0);
    assert_eq!(alice["handovers_given"], 1);
    assert_eq!(alice["handovers_received"], 0);
    let bob = person("bob");
    assert_eq!(bob["minutes"], 8240.0);
    assert_eq!(bob["off_hours_minutes"], 5760.0);
    assert_eq!(
        bob["roles"]["incident_manager"]["minutes"], 7920.0,
        "open: ends at --now"
    );
    assert_eq!(
        bob["roles"]["incident_manager"]["off_hours_minutes"],
        5520.0
    );
    assert_eq!(bob["roles"]["tech_lead"]["incidents"], 2);
    assert_eq!(bob["roles"]["tech_lead"]["minutes"], 320.0);
    assert_eq!(person("carol")["off_hours_minutes"], 210.0);
    let dave = person("dave");
    assert_eq!(
        (dave["minutes"].as_f64(), dave["off_hours_minutes"].as_f64()),
        (Some(1110.0), Some(1020.0))
    );
    assert_eq!(person("erin")["handovers_received"], 1);
    let frank = person("frank");
    assert_eq!(frank["timezone"], "Europe/Berlin");
    assert_eq!(person("gina")["timezone"], "UTC");
    // Across the end of summer time: 780 elapsed minutes, not the wall
    // clock's 720.
    assert_eq!(frank["roles"]["incident_manager"]["minutes"], 780.0);
    assert_eq!(
        frank["roles"]["incident_manager"]["off_hours_minutes"],
        780.0
    );
    // 07:00-09:00 UTC is 08:00-10:00 in Berlin in November: all business hours.
    assert_eq!(frank["roles"]["tech_lead"]["off_hours_minutes"], 0.0);
    assert_eq!(person("harry")["minutes"], 735.0);
}

#[test]
fn the_configured_timezone_is_the_default_of_the_roster() {
    let project = fixture();
    project.file("rolecall.yaml", "timezone: Asia/Tokyo\n");
    let stats = stats_json(&project, &["--severity", "SEV3"]);
    let alice = stats["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"] == "alice")
        .unwrap();
    // INC-D, 07:00-09:00 UTC, is 16:00-18:00 in Tokyo: business hours.
    assert_eq!(alice["timezone"], "Asia/Tokyo");
    assert_eq!(alice["off_hours_minutes"], 0.0);
}

#[test]
fn filters_pick_by_range_severity_and_service() {
    let project = fixture();
    let november = stats_json(
        &project,
        &["--since", "2026-11-01", "--until", "2026-12-01"],
    );
    assert_eq!(november["incidents"], 4);
    assert!(november["by_month"].get("2026-10").is_none());
    // --until is exclusive: INC-A started at 2026-11-02T10:00:00Z.
    let before_a = stats_json(
        &project,
        &["--since", "2026-11-02", "--until", "2026-11-02T10:00:00Z"],
    );
    assert_eq!(before_a["incidents"], 0);
    let payments = stats_json(&project, &["--service", "payments"]);
    assert_eq!(payments["incidents"], 2);
    let typo = project.run(&["stats", "--now", NOW, "--service", "paymnts"]);
    typo.code(0);
    assert!(
        typo.stdout.starts_with("0 incidents counted"),
        "{}",
        typo.stdout
    );
    assert!(
        typo.stderr
            .contains("no record names the service `paymnts`; did you mean `payments`?"),
        "{}",
        typo.stderr
    );
    let sev = stats_json(&project, &["--severity", "SEV1", "--severity", "SEV3"]);
    assert_eq!(sev["incidents"], 3);
}

#[test]
fn an_empty_range_is_an_empty_report() {
    let project = fixture();
    let stats = stats_json(&project, &["--since", "2030-01-01"]);
    assert_eq!(stats["incidents"], 0);
    assert_eq!(
        stats["overall"]["time_to_resolve"],
        json!({"count": 0, "mean": null, "median": null, "p90": null})
    );
    assert_eq!(stats["people"], json!([]));
    let human = project.run(&["stats", "--now", NOW, "--since", "2030-01-01"]);
    human.code(0);
    assert!(
        human.stdout.starts_with("0 incidents counted, 0 open"),
        "{}",
        human.stdout
    );
    let csv = project.run(&[
        "stats",
        "--now",
        NOW,
        "--since",
        "2030-01-01",
        "--format",
        "csv",
        "--by",
        "person",
    ]);
    csv.code(0);
    assert_eq!(
        csv.stdout.lines().count(),
        1,
        "only the header: {}",
        csv.stdout
    );
}

#[test]
fn the_human_table_shows_medians_and_the_dora_band() {
    let run = fixture().run(&["stats", "--now", NOW, "--color", "never"]);
    run.code(0);
    let overall = run
        .stdout
        .lines()
        .find(|l| l.starts_with("overall"))
        .unwrap();
    let cells: Vec<&str> = overall.split_whitespace().collect();
    // overall, 5 incidents, detect 8m, assemble 25m, mitigate 2h30m,
    // resolve 3h, p90 13h, band high, postmortems 2/5 (2 overdue), actions 1/3 (1 overdue).
    assert_eq!(
        cells,
        [
            "overall", "5", "8m", "25m", "2h30m", "3h", "13h", "high", "2/5", "(2", "overdue)",
            "1/3", "(1", "overdue)"
        ]
    );
    let sev1 = run
        .stdout
        .lines()
        .find(|l| l.starts_with("severity SEV1"))
        .unwrap();
    assert!(sev1.contains("13h") && sev1.contains("high"), "{sev1}");
    assert!(
        run.stdout.contains("frank   incident_manager"),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let project = fixture();
    let run = project.run(&["stats", "--severity", "SEV9"]);
    run.code(2);
    assert!(
        run.stderr.contains("no such severity") && run.stderr.contains("SEV1"),
        "{}",
        run.stderr
    );
    let run = project.run(&["stats", "--since", "November"]);
    run.code(2);
    assert!(
        run.stderr.contains("not a date or timestamp"),
        "{}",
        run.stderr
    );
    project.run(&["stats", "--by", "person"]).code(2);
}

#[test]
fn a_timezone_that_is_not_iana_is_a_finding_with_a_did_you_mean() {
    let project = fixture();
    project.file(
        "people.yaml",
        PEOPLE.replace("Europe/Berlin", "Europe/Berln"),
    );
    project.file("rolecall.yaml", "timezone: Amerca/New_York\n");
    let run = project.check(&["--format", "json"]);
    run.code(1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let config = findings
        .iter()
        .find(|f| f["file"] == "rolecall.yaml")
        .unwrap();
    assert_eq!(config["code"], "schema");
    assert_eq!(config["line"], 1);
    assert_eq!(config["help"], "did you mean `America/New_York`?");
    let roster = findings
        .iter()
        .find(|f| f["file"] == "people.yaml")
        .unwrap();
    assert_eq!(roster["line"], 6);
    assert!(
        roster["message"]
            .as_str()
            .unwrap()
            .contains("`Europe/Berln` is not an IANA time zone name")
    );
    assert_eq!(roster["help"], "did you mean `Europe/Berlin`?");
}

/// Compares `actual` with the golden file `tests/integration/insights/NAME`;
/// with `ROLECALL_BLESS=1` set, writes it instead (review the diff).
#[track_caller]
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/insights")
        .join(name);
    if std::env::var_os("ROLECALL_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(actual, expected, "{name} differs from its golden file");
}

#[test]
fn markdown_and_csv_match_their_golden_files() {
    let project = fixture();
    for (name, args) in [
        ("stats.md", &["--format", "markdown"][..]),
        ("by-group.csv", &["--format", "csv"][..]),
        ("by-person.csv", &["--format", "csv", "--by", "person"][..]),
    ] {
        let mut all = vec!["stats", "--now", NOW];
        all.extend_from_slice(args);
        let run = project.run(&all);
        run.code(0);
        if name == "stats.md" {
            golden(name, &run.stdout);
        } else {
            // RFC 4180 lines end in CRLF; the golden file keeps LF so git
            // cannot change it.
            assert!(
                run.stdout
                    .split_inclusive('\n')
                    .all(|l| l.ends_with("\r\n")),
                "{name}: CRLF"
            );
            golden(name, &run.stdout.replace("\r\n", "\n"));
        }
    }
}

#[test]
fn time_zones_never_come_from_the_machine() {
    // jiff reads the system database from TZDIR when asked to; rolecall
    // uses the copy compiled into it, so an empty TZDIR changes nothing.
    let project = fixture();
    let empty = project.abs(".no-zoneinfo");
    std::fs::create_dir_all(&empty).unwrap();
    let run = project.run_env(
        &["stats", "--now", NOW, "--format", "json"],
        &[("TZDIR", empty.to_str().unwrap()), ("TZ", "Asia/Tokyo")],
    );
    run.code(0);
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    let frank = stats["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"] == "frank")
        .unwrap();
    assert_eq!(frank["timezone"], "Europe/Berlin");
    assert_eq!(frank["roles"]["tech_lead"]["off_hours_minutes"], 0.0);
    assert_eq!(
        stats["people"][0]["timezone"], "UTC",
        "TZ is not the default"
    );
}
