//! `rolecall calendar` and `calendar.ics` (issue 16 point 4), read back
//! with a real iCalendar parser (the `icalendar` crate's). What is
//! verified: the feed parses; every VEVENT has a DTSTAMP and a UID, and
//! the UIDs are unique and stay the same when records are added; DTSTART
//! and DTEND of shifts, a meeting (30 minutes) and all-day due dates are
//! the hand-computed ones; every line ends in CRLF and no physical line
//! is longer than 75 octets; `--person` picks one person's events; and
//! two renders give byte-identical files.

use std::collections::BTreeMap;

use icalendar::parser::{Component, read_calendar, unfold};

use super::fixture;
use crate::harness::Project;

/// Resolved, with a postmortem meeting, an explicit due date, a title long
/// enough to be folded (with characters TEXT escapes and a multi-byte
/// one), and an open action owned by alice.
const INC_G: &str = "\
title: \"Café search: slow, then down; the long title of an incident that needs folding in a calendar\"
severity: SEV4
status: resolved
started_at: 2026-11-23T09:00:00Z
resolved_at: 2026-11-23T10:00:00Z
roles:
  incident_manager: gina
actions:
  - title: Tune the cache
    owner: alice
    due: 2026-12-02
postmortem:
  due: 2026-11-27
  meeting_at: 2026-11-24T14:00:00Z
";

const G_TITLE: &str =
    "Café search: slow, then down; the long title of an incident that needs folding in a calendar";

fn project() -> Project {
    let project = fixture();
    project.record("INC-G", INC_G);
    project
}

/// One event's properties by name (value and parameters as `K=V;…`).
type Event = BTreeMap<String, (String, String)>;

fn event(component: &Component<'_>) -> Event {
    component
        .properties
        .iter()
        .map(|p| {
            let params: Vec<String> = p
                .params
                .iter()
                .map(|x| {
                    format!(
                        "{}={}",
                        x.key.as_str(),
                        x.val.as_ref().map_or("", |v| v.as_str())
                    )
                })
                .collect();
            (
                p.name.as_str().to_owned(),
                (p.val.as_str().to_owned(), params.join(";")),
            )
        })
        .collect()
}

/// The feed parsed: the calendar's properties and its events, by UID.
fn parse(text: &str) -> (Event, BTreeMap<String, Event>) {
    let unfolded = unfold(text);
    let calendar = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let properties = calendar
        .properties
        .iter()
        .map(|p| {
            (
                p.name.as_str().to_owned(),
                (p.val.as_str().to_owned(), String::new()),
            )
        })
        .collect();
    let mut events = BTreeMap::new();
    let vevents: Vec<&Component<'_>> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    assert_eq!(vevents.len(), calendar.components.len(), "only VEVENTs");
    for component in vevents {
        let event = event(component);
        assert!(event.contains_key("DTSTAMP"), "DTSTAMP in {event:?}");
        let uid = event["UID"].0.clone();
        assert!(
            events.insert(uid.clone(), event).is_none(),
            "UID {uid} twice"
        );
    }
    (properties, events)
}

#[track_caller]
fn assert_lines(text: &str) {
    assert!(text.ends_with("\r\n"));
    for line in text.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "a line without CRLF: {line:?}");
        assert!(
            !line[..line.len() - 2].contains('\r'),
            "a stray CR: {line:?}"
        );
        assert!(line.len() - 2 <= 75, "{} octets: {line:?}", line.len() - 2);
    }
}

fn feed(project: &Project, args: &[&str]) -> String {
    let mut all = vec!["calendar"];
    all.extend_from_slice(args);
    let run = project.run(&all);
    run.code(0);
    run.stdout
}

fn when(event: &Event) -> (&str, &str, &str, &str) {
    (
        event["DTSTART"].0.as_str(),
        event["DTSTART"].1.as_str(),
        event["DTEND"].0.as_str(),
        event["DTEND"].1.as_str(),
    )
}

#[test]
fn the_feed_parses_with_the_hand_computed_events() {
    let project = project();
    let text = feed(&project, &[]);
    assert_lines(&text);
    assert!(text.contains("\r\n "), "the long title is folded");
    let (calendar, events) = parse(&text);
    assert_eq!(calendar["VERSION"].0, "2.0");
    assert!(calendar["PRODID"].0.starts_with("-//rolecall//"));
    // Shifts of resolved incidents (A 4, B 5, C 4, D 2, F 4, G 1), the
    // postmortem due dates (A, B, C, D, F, G), G's meeting, the open
    // actions' due dates (A, E, G): the open INC-E has no shift.
    assert_eq!(events.len(), 20 + 6 + 1 + 3, "{:#?}", events.keys());
    let shift = &events["INC-A-shift-incident_manager-1@rolecall"];
    assert_eq!(
        when(shift),
        ("20261102T100000Z", "", "20261102T113000Z", "")
    );
    assert_eq!(shift["SUMMARY"].0, "INC-A: Incident manager: Alice Smith");
    // Across midnight, ended by the handover to erin.
    let night = &events["INC-B-shift-incident_manager-1@rolecall"];
    assert_eq!(
        when(night),
        ("20261104T220000Z", "", "20261105T010000Z", "")
    );
    assert_eq!(
        when(&events["INC-B-shift-incident_manager-2@rolecall"]).2,
        "20261105T020000Z"
    );
    let meeting = &events["INC-G-postmortem-meeting@rolecall"];
    assert_eq!(
        when(meeting),
        ("20261124T140000Z", "", "20261124T143000Z", "")
    );
    // All-day: resolved Thursday 2026-11-05, SEV2 allows 5 business days.
    let due = &events["INC-B-postmortem-due@rolecall"];
    assert_eq!(
        when(due),
        ("20261112", "VALUE=DATE", "20261113", "VALUE=DATE")
    );
    assert_eq!(when(&events["INC-G-postmortem-due@rolecall"]).0, "20261127");
    let action = &events["INC-A-action-2@rolecall"];
    assert_eq!(
        when(action),
        ("20261110", "VALUE=DATE", "20261111", "VALUE=DATE")
    );
    assert_eq!(
        action["SUMMARY"].0,
        "INC-A: action due: Alert on pool exhaustion"
    );
    // The done action of INC-A has no event; the drill is marked.
    assert!(!events.contains_key("INC-A-action-1@rolecall"));
    assert_eq!(
        events["INC-F-postmortem-due@rolecall"]["SUMMARY"].0,
        "INC-F (drill): postmortem due"
    );
    // TEXT escaping undone by the parser's unescaping gives the title back.
    let description = events["INC-G-postmortem-meeting@rolecall"]["DESCRIPTION"]
        .0
        .clone();
    assert_eq!(
        icalendar::parser::ParseString::from(description.as_str())
            .unescape_text()
            .as_str(),
        G_TITLE
    );
}

#[test]
fn a_personal_feed_has_only_that_persons_events() {
    let project = project();
    let (_, alice) = parse(&feed(&project, &["--person", "alice"]));
    let uids: Vec<&str> = alice.keys().map(String::as_str).collect();
    assert_eq!(
        uids,
        [
            "INC-A-shift-incident_manager-1@rolecall",
            "INC-B-shift-incident_manager-1@rolecall",
            "INC-D-shift-incident_manager-1@rolecall",
            "INC-F-shift-incident_manager-1@rolecall",
            "INC-G-action-1@rolecall",
        ]
    );
    // gina: her shifts, and the meeting of the incident she held a role in.
    let (_, gina) = parse(&feed(&project, &["--person", "gina"]));
    let uids: Vec<&str> = gina.keys().map(String::as_str).collect();
    assert_eq!(
        uids,
        [
            "INC-C-shift-tech_lead-1@rolecall",
            "INC-G-postmortem-meeting@rolecall",
            "INC-G-shift-incident_manager-1@rolecall",
        ]
    );
    // dave owns the postmortems of A, B, C and F.
    let (_, dave) = parse(&feed(&project, &["--person", "dave"]));
    assert_eq!(
        dave.keys().filter(|u| u.contains("postmortem-due")).count(),
        4
    );
    let run = project.run(&["calendar", "--person", "alcie"]);
    run.code(2);
    assert!(
        run.stderr.contains("did you mean `alice`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn uids_stay_when_records_are_added() {
    let project = project();
    let (_, before) = parse(&feed(&project, &[]));
    project.record("INC-0", &INC_G.replace("gina", "harry"));
    let (_, after) = parse(&feed(&project, &[]));
    for uid in before.keys() {
        assert_eq!(before[uid], after[uid], "{uid} changed");
    }
    assert_eq!(after.len(), before.len() + 4);
}

#[test]
fn render_writes_the_calendar_and_a_second_render_gives_the_same_bytes() {
    let project = Project::git();
    project
        .file("rolecall.yaml", "calendar: true\n")
        .record("INC-1", crate::harness::CLEAN_RECORD)
        .record(
            "INC-2",
            &crate::harness::HANDED_OVER.replace(
                "status: done",
                "status: scheduled\n  meeting_at: 2026-11-23T15:00:00Z",
            ),
        );
    project.commit_all("records");
    project.run(&["render"]).code(0);
    let first = project.read_bytes("incidents/calendar.ics");
    let printed = project.run(&["calendar"]);
    assert_eq!(
        printed.stdout.as_bytes(),
        first,
        "render writes what `calendar` prints"
    );
    let text = String::from_utf8(first.clone()).unwrap();
    assert_lines(&text);
    let (_, events) = parse(&text);
    assert!(events.contains_key("INC-2-postmortem-meeting@rolecall"));
    assert!(events.contains_key("INC-2-shift-tech_lead-2@rolecall"));
    assert_eq!(
        project
            .git_ok(&["ls-files", "incidents/calendar.ics"])
            .trim(),
        "incidents/calendar.ics"
    );
    project.git_ok(&["diff", "--quiet", "HEAD"]);
    let again = project.run(&["render"]);
    again.code(0);
    assert!(again.stdout.contains("0 written"), "{}", again.stdout);
    assert_eq!(
        project.read_bytes("incidents/calendar.ics"),
        first,
        "byte-identical"
    );
    project.run(&["render", "--check"]).code(0);
    // Turned off, the calendar is removed like any stale document.
    project.file("rolecall.yaml", "calendar: false\n");
    project.run(&["render"]).code(0);
    assert!(!project.exists("incidents/calendar.ics"));
    assert_eq!(project.git_ok(&["ls-files", "incidents/calendar.ics"]), "");
}
