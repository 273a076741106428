use super::*;
use crate::load::read_source;
use crate::model::Config;

const OPEN: &str = "\
title: Checkout <502> & errors
severity: SEV2
status: investigating
started_at: 2026-11-20T09:00:00Z
roles:
  incident_manager: alice
  tech_lead: bob
";

const LATER: &str = "\
title: Checkout <502> & errors
severity: SEV1
status: monitoring
started_at: 2026-11-20T09:00:00Z
roles:
  incident_manager:
    - owner: alice
    - owner: carol
      from: 2026-11-20T10:00:00Z
      handover: |
        Rollback done.
        Waiting on the vendor.
  tech_lead: bob
  communications_manager:
    - owner: dave
      from: 2026-11-20T09:20:00Z
communications:
  updates:
    - at: 2026-11-20T09:30:00Z
      channel: status-page
      summary: Investigating.
";

const RESOLVED: &str = "\
title: Checkout <502> & errors
severity: SEV1
status: resolved
started_at: 2026-11-20T09:00:00Z
resolved_at: 2026-11-20T10:48:00Z
roles:
  incident_manager: alice
";

fn incident(text: &str) -> Incident {
    let config = Config::builtin();
    let (record, findings) = read_source("incidents/INC-1.yaml", "INC-1", text, &config);
    assert!(findings.is_empty(), "{findings:?}");
    record.incident.expect("the record reads")
}

fn setting(config: &Config) -> Setting<'_> {
    Setting {
        config,
        roster: None,
        now: Instant::parse("2026-11-20T11:00:00Z").expect("now"),
        docs_url: None,
    }
}

fn kinds(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

#[test]
fn a_new_incident_is_declared_with_its_roles_and_no_assigned_events() {
    let config = Config::builtin();
    let open = incident(OPEN);
    let events = changes(&[], &[&open], &setting(&config));
    assert_eq!(kinds(&events), ["declared"]);
    let declared = &events[0];
    assert_eq!(declared.at, "2026-11-20T09:00:00Z");
    assert_eq!(
        declared.text,
        "INC-1 declared (SEV2): Checkout <502> & errors"
    );
    assert_eq!(declared.documents, ["incidents/INC-1/README.md"]);
    // Held roles first, then the required ones nobody holds.
    let roles: Vec<(&str, Option<&str>)> = declared
        .roles
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    assert_eq!(
        roles,
        [
            ("incident_manager", Some("alice")),
            ("tech_lead", Some("bob")),
            ("communications_manager", None),
        ],
        "the postmortem owner is not required before the resolution"
    );
}

#[test]
fn changes_between_two_records_become_one_event_each_in_time_order() {
    let config = Config::builtin();
    let (open, later) = (incident(OPEN), incident(LATER));
    let events = changes(&[&open], &[&later], &setting(&config));
    assert_eq!(
        kinds(&events),
        [
            "assigned",
            "update-posted",
            "handover",
            "status-changed",
            "severity-changed"
        ]
    );
    let handover = &events[2];
    assert_eq!(handover.at, "2026-11-20T10:00:00Z");
    assert_eq!(
        handover.text,
        "INC-1: Incident manager handed over from alice to carol — Rollback done. …"
    );
    assert_eq!(handover.role.as_deref(), Some("incident_manager"));
    assert_eq!(handover.person.as_deref(), Some("carol"));
    assert_eq!(handover.previous.as_deref(), Some("alice"));
    assert_eq!(
        handover.documents,
        [
            "incidents/INC-1/README.md",
            "incidents/INC-1/briefs/incident_manager.md"
        ]
    );
    assert_eq!(events[0].text, "INC-1: dave is now Communications manager");
    assert_eq!(events[0].at, "2026-11-20T09:20:00Z");
    assert_eq!(
        events[1].text,
        "INC-1: update on status-page: Investigating."
    );
    assert_eq!(events[3].text, "INC-1: status investigating → monitoring");
    assert_eq!(
        events[3].at, "2026-11-20T11:00:00Z",
        "undated: the run's now"
    );
    assert_eq!(events[4].text, "INC-1: severity SEV2 → SEV1");
    assert_eq!(events[4].previous.as_deref(), Some("SEV2"));
}

#[test]
fn ids_are_stable_for_the_same_change_and_differ_between_changes() {
    let config = Config::builtin();
    let (open, later) = (incident(OPEN), incident(LATER));
    let first = changes(&[&open], &[&later], &setting(&config));
    let again = changes(&[&open], &[&later], &setting(&config));
    let ids: Vec<&str> = first.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, again.iter().map(|e| e.id.as_str()).collect::<Vec<_>>());
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    // The handover found from another starting point has the same id.
    let from_scratch = changes(&[], &[&later], &setting(&config));
    let handover = |events: &[Event]| {
        events
            .iter()
            .find(|e| e.kind == Kind::Handover)
            .map(|e| e.id.clone())
    };
    assert_eq!(handover(&first), handover(&from_scratch));
    // Nothing changed, nothing to say.
    assert!(changes(&[&later], &[&later], &setting(&config)).is_empty());
}

#[test]
fn resolving_is_one_resolved_event_with_the_duration() {
    let config = Config::builtin();
    let (later, resolved) = (incident(LATER), incident(RESOLVED));
    let events = changes(&[&later], &[&resolved], &setting(&config));
    let resolved_events: Vec<&Event> = events.iter().filter(|e| e.kind == Kind::Resolved).collect();
    assert_eq!(resolved_events.len(), 1);
    assert_eq!(resolved_events[0].text, "INC-1 resolved after 1h48m");
    assert_eq!(resolved_events[0].at, "2026-11-20T10:48:00Z");
    assert!(!events.iter().any(|e| e.kind == Kind::StatusChanged));
}

#[test]
fn the_json_body_lists_the_events_with_the_spec_keys() {
    let config = Config::builtin();
    let open = incident(OPEN);
    let body = json(&changes(&[], &[&open], &setting(&config)));
    let parsed: serde_json::Value = serde_json::from_str(&body).expect("json");
    let event = &parsed["events"][0];
    for key in ["id", "kind", "incident", "at", "text"] {
        assert!(event.get(key).is_some(), "{key} in {event}");
    }
    assert_eq!(event["kind"], "declared");
    assert_eq!(event["incident"], "INC-1");
    assert_eq!(
        event["roles"]["communications_manager"],
        serde_json::Value::Null
    );
    assert!(event.get("role").is_none(), "absent fields are left out");
}

#[test]
fn the_slack_body_escapes_text_and_links_documents_under_the_docs_url() {
    let config = Config::builtin();
    let (open, later) = (incident(OPEN), incident(LATER));
    let mut setting = setting(&config);
    setting.docs_url = Some("https://git.example.com/ops/blob/main/");
    let events = changes(&[&open], &[&later], &setting);
    let body: serde_json::Value = serde_json::from_str(&slack(&events, &setting)).expect("json");
    assert_eq!(body["text"], "rolecall: 5 events (INC-1)");
    let blocks = body["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 5);
    let headline = blocks[0]["text"]["text"].as_str().expect("headline");
    assert_eq!(
        headline,
        "*<https://git.example.com/ops/blob/main/incidents/INC-1/README.md|INC-1 · SEV1 · monitoring>*\nCheckout &lt;502&gt; &amp; errors"
    );
    let fields = blocks[2]["fields"].as_array().expect("fields");
    assert_eq!(fields[0]["text"], "*Incident manager*\ncarol");
    assert_eq!(fields.len(), 3);
    let links = blocks[3]["elements"][0]["text"].as_str().expect("links");
    assert!(
        links.contains("<https://git.example.com/ops/blob/main/incidents/INC-1/briefs/incident_manager.md|incident_manager>"),
        "{links}"
    );
    assert_eq!(blocks[4]["type"], "divider");
}

#[test]
fn late_findings_become_reminders_and_others_are_left_out() {
    use crate::finding::{Code, Finding};
    use crate::yaml::Pos;
    let config = Config::builtin();
    let open = incident(OPEN);
    let findings = [
        Finding::new(
            Code::MissingOwner,
            "incidents/INC-1.yaml",
            Pos::START,
            "role communications_manager has no owner",
        ),
        Finding::new(
            Code::SamePerson,
            "incidents/INC-1.yaml",
            Pos::START,
            "not late",
        ),
        Finding::new(
            Code::UpdateOverdue,
            "incidents/INC-1.yaml",
            Pos::START,
            "an update was due at 09:30",
        ),
        Finding::new(
            Code::ActionOverdue,
            "incidents/OTHER.yaml",
            Pos::START,
            "not one of ours",
        ),
    ];
    let records = [("incidents/INC-1.yaml", &open)];
    let events = late(&records, &findings, &setting(&config));
    assert_eq!(kinds(&events), ["role-vacant", "update-overdue"]);
    assert_eq!(
        events[0].text,
        "INC-1: role communications_manager has no owner"
    );
    assert_eq!(events[0].at, "2026-11-20T11:00:00Z");
    let mut later = setting(&config);
    later.now = Instant::parse("2026-11-20T12:00:00Z").expect("now");
    let next_run = late(&records, &findings, &later);
    assert_ne!(events[0].id, next_run[0].id, "each run reminds again");
    assert_eq!(
        events[0].id,
        late(&records, &findings, &setting(&config))[0].id
    );
}

#[test]
fn slack_escapes_the_three_characters_it_reserves() {
    assert_eq!(payload::escape("a <b> & c"), "a &lt;b&gt; &amp; c");
}

#[test]
fn a_slack_message_stays_within_slacks_fifty_blocks() {
    let config = Config::builtin();
    let setting = setting(&config);
    let records: Vec<Incident> = (1..=12)
        .map(|n| {
            let (record, _) = read_source(
                &format!("incidents/INC-{n}.yaml"),
                &format!("INC-{n}"),
                OPEN,
                &config,
            );
            record.incident.expect("reads")
        })
        .collect();
    let after: Vec<&Incident> = records.iter().collect();
    let events = changes(&[], &after, &setting);
    assert_eq!(events.len(), 12);
    let body: serde_json::Value = serde_json::from_str(&slack(&events, &setting)).expect("json");
    let blocks = body["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 9 * 5 + 1);
    assert_eq!(blocks[45]["elements"][0]["text"], "… and 3 more incidents");
    assert!(
        body["text"]
            .as_str()
            .expect("text")
            .starts_with("rolecall: 12 events (")
    );
}
