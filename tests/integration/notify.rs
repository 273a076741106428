//! `notify` and `remind` against a webhook receiver on the loopback,
//! started in the test: the body, the headers, the signature recomputed
//! with the secret, retries, a receiver that never answers, a refused
//! connection.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

use crate::harness::{PEOPLE, Project};
use crate::webhook::{Receiver, refusing_url};

const OPEN: &str = "\
title: Checkout API returns 502
severity: SEV2
status: investigating
started_at: 2026-11-20T09:00:00Z
roles:
  incident_manager: alice
  tech_lead: bob
  communications_manager: carol
";

/// [`OPEN`] an hour later: a handover, an update, monitoring.
const LATER: &str = "\
title: Checkout API returns 502
severity: SEV2
status: monitoring
started_at: 2026-11-20T09:00:00Z
roles:
  incident_manager:
    - owner: alice
    - owner: erin
      from: 2026-11-20T10:00:00Z
      handover: Rollback done; waiting on the vendor.
  tech_lead: bob
  communications_manager: carol
communications:
  updates:
    - at: 2026-11-20T09:30:00Z
      channel: status-page
      summary: Investigating elevated errors.
";

const NOW: &str = "2026-11-20T10:30:00Z";

/// A repository with [`OPEN`] committed and [`LATER`] in the work tree.
fn project() -> Project {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record("INC-1", OPEN);
    project.commit_all("declare INC-1");
    project.record("INC-1", LATER);
    project
}

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(body);
    let mut hex = String::new();
    for byte in mac.finalize().into_bytes() {
        write!(hex, "{byte:02x}").expect("write to a string");
    }
    hex
}

fn kinds(body: &serde_json::Value) -> Vec<String> {
    body["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind").to_owned())
        .collect()
}

#[test]
fn notify_posts_signed_json_events_the_receiver_can_verify() {
    let project = project();
    let receiver = Receiver::start(&[]);
    let secret = "correct horse battery staple";
    let args = [
        "notify",
        "--since",
        "HEAD",
        "--format",
        "json",
        "--secret-env",
        "HOOK_SECRET",
        "--now",
        NOW,
    ];
    let run = project.run_env(
        &args,
        &[("HOOK_SECRET", secret), ("ROLECALL_WEBHOOK", &receiver.url)],
    );
    run.code(0);
    assert!(
        run.stdout
            .contains("sent 3 events to the webhook (it answered 200)"),
        "{}",
        run.stdout
    );
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.line, "POST /hook HTTP/1.1");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("x-rolecall-signature"),
        Some(format!("sha256={}", hmac_hex(secret, &request.body)).as_str()),
        "the signature is the HMAC-SHA256 of the body with the secret"
    );
    assert_ne!(
        request.header("x-rolecall-signature"),
        Some(format!("sha256={}", hmac_hex("another secret", &request.body)).as_str())
    );
    let body = request.json();
    assert_eq!(
        kinds(&body),
        ["update-posted", "handover", "status-changed"]
    );
    let handover = &body["events"][1];
    assert_eq!(handover["incident"], "INC-1");
    assert_eq!(handover["at"], "2026-11-20T10:00:00Z");
    assert_eq!(
        handover["text"],
        "INC-1: Incident manager handed over from Alice Smith to Erin Green — Rollback done; waiting on the vendor."
    );
    assert_eq!(handover["roles"]["incident_manager"], "erin");
    assert_eq!(body["events"][2]["at"], NOW);

    // The same range gives the same ids: a receiver can drop repeats.
    let again = Receiver::start(&[]);
    project
        .run_env(
            &args,
            &[("HOOK_SECRET", secret), ("ROLECALL_WEBHOOK", &again.url)],
        )
        .code(0);
    let ids = |body: &serde_json::Value| -> Vec<String> {
        body["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(ids(&again.requests()[0].json()), ids(&body));
}

#[test]
fn notify_between_two_commits_sends_a_slack_message_with_blocks() {
    let project = project();
    project.commit_all("hand over INC-1");
    project.record("INC-2", OPEN);
    let receiver = Receiver::start(&[]);
    let run = project.run(&[
        "notify",
        "--since",
        "HEAD~1",
        "--until",
        "HEAD",
        "--webhook",
        &receiver.url,
        "--docs-url",
        "https://git.example.com/ops/blob/main/",
        "--now",
        NOW,
    ]);
    run.code(0);
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].header("x-rolecall-signature").is_none());
    let body = requests[0].json();
    assert_eq!(
        body["text"], "rolecall: 3 events (INC-1)",
        "INC-2 is not committed"
    );
    let blocks = body["blocks"].as_array().expect("blocks");
    assert_eq!(
        blocks[0]["text"]["text"],
        "*<https://git.example.com/ops/blob/main/incidents/INC-1/README.md|INC-1 · SEV2 · monitoring>*\nCheckout API returns 502"
    );
    let fields = blocks[2]["fields"]
        .as_array()
        .expect("who holds which role");
    assert_eq!(fields[0]["text"], "*Incident manager*\nErin Green");
    let links = blocks[3]["elements"][0]["text"].as_str().expect("links");
    assert!(
        links.contains(
            "<https://git.example.com/ops/blob/main/incidents/INC-1/briefs/incident_manager.md|incident_manager>"
        ),
        "{links}"
    );
}

#[test]
fn a_new_incident_is_declared_and_dry_run_prints_the_payload_without_sending() {
    let project = project();
    project.record("INC-2", OPEN);
    let run = project.run(&[
        "notify",
        "--since",
        "HEAD",
        "--format",
        "json",
        "--dry-run",
        "--now",
        NOW,
    ]);
    run.code(0);
    let body: serde_json::Value = serde_json::from_str(&run.stdout).expect("the payload");
    assert_eq!(
        kinds(&body),
        ["declared", "update-posted", "handover", "status-changed"]
    );
    assert_eq!(body["events"][0]["incident"], "INC-2");
    assert_eq!(
        body["events"][0]["text"],
        "INC-2 declared (SEV2): Checkout API returns 502"
    );
    let nothing = project.run(&["notify", "--since", "HEAD", "--dry-run"]);
    nothing.code(0);
    project.commit_all("everything");
    let run = project.run(&["notify", "--since", "HEAD", "--webhook", &refusing_url()]);
    run.code(0);
    assert!(run.stdout.contains("nothing to send"), "{}", run.stdout);
}

#[test]
fn a_503_is_tried_again_and_the_second_try_delivers() {
    let project = project();
    let receiver = Receiver::start(&[503, 200]);
    let run = project.run(&["notify", "--since", "HEAD", "--webhook", &receiver.url]);
    run.code(0);
    assert!(run.stdout.contains("after 2 tries"), "{}", run.stdout);
    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body, "the same body again");
}

#[test]
fn three_failed_tries_exit_2_and_a_4xx_is_not_tried_again() {
    let project = project();
    let receiver = Receiver::start(&[500, 502, 503, 200]);
    let run = project.run(&["notify", "--since", "HEAD", "--webhook", &receiver.url]);
    run.code(2);
    assert!(
        run.stderr.contains(
            "could not post to the webhook after 3 tries: the webhook answered 503: try later"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(receiver.requests().len(), 3);

    let rejecting = Receiver::start(&[404]);
    let run = project.run(&["notify", "--since", "HEAD", "--webhook", &rejecting.url]);
    run.code(2);
    assert!(
        run.stderr.contains("the webhook answered 404"),
        "{}",
        run.stderr
    );
    assert_eq!(rejecting.requests().len(), 1);
}

#[test]
fn a_refused_connection_is_tried_three_times_then_exits_2() {
    let project = project();
    let started = Instant::now();
    let run = project.run(&["notify", "--since", "HEAD", "--webhook", &refusing_url()]);
    run.code(2);
    assert!(
        run.stderr
            .contains("could not post to the webhook after 3 tries: connection refused"),
        "{}",
        run.stderr
    );
    // Two waits between the three tries: half a second, then one.
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_receiver_that_never_answers_times_out_with_exit_2_in_seconds() {
    let project = project();
    let receiver = Receiver::silent();
    let started = Instant::now();
    let run = project.run_env(
        &["notify", "--since", "HEAD", "--webhook", &receiver.url],
        &[("ROLECALL_TIMEOUT", "1s")],
    );
    run.code(2);
    assert!(
        run.stderr.contains("the webhook did not answer within 1s"),
        "{}",
        run.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(receiver.requests().len(), 1, "the request did arrive");
}

#[test]
fn bad_input_to_notify_is_a_clear_error_with_exit_2() {
    let project = project();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--since", "no-such-rev", "--dry-run"],
            "cannot resolve `no-such-rev`",
        ),
        (
            &["--since", "HEAD"],
            "pass --webhook URL or set ROLECALL_WEBHOOK",
        ),
        (
            &["--since", "HEAD", "--webhook", "hooks.example.com/x"],
            "must start with https://",
        ),
        (
            &[
                "--since",
                "HEAD",
                "--dry-run",
                "--secret-env",
                "ROLECALL_TEST_UNSET",
            ],
            "the environment variable ROLECALL_TEST_UNSET is not set",
        ),
        (
            &["--since", "HEAD", "--timeout", "soon", "--dry-run"],
            "`soon` is not a duration",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["notify"];
        all.extend_from_slice(args);
        let run = project.run(&all);
        run.code(2);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

/// Open since 09:00 with a 1h cadence and no update, the communications
/// manager missing, an action due on the 19th.
const LATE: &str = "\
title: Search is slow
severity: SEV2
status: investigating
started_at: 2026-11-20T09:00:00Z
roles:
  incident_manager: alice
  tech_lead: bob
actions:
  - title: Add an index
    owner: bob
    due: 2026-11-19
";

#[test]
fn remind_sends_what_is_late_and_exits_1() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record("INC-7", LATE);
    let receiver = Receiver::start(&[]);
    let secret = "s3cret";
    let run = project.run_env(
        &[
            "remind",
            "--now",
            "2026-11-20T12:00:00Z",
            "--format",
            "json",
            "--webhook",
            &receiver.url,
            "--secret-env",
            "HOOK_SECRET",
        ],
        &[("HOOK_SECRET", secret)],
    );
    run.code(1);
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.header("x-rolecall-signature"),
        Some(format!("sha256={}", hmac_hex(secret, &request.body)).as_str())
    );
    let body = request.json();
    let mut found = kinds(&body);
    found.sort();
    assert_eq!(found, ["action-overdue", "role-vacant", "update-overdue"]);
    for event in body["events"].as_array().expect("events") {
        assert_eq!(event["incident"], "INC-7");
        assert_eq!(event["at"], "2026-11-20T12:00:00Z");
    }
    assert!(run.stdout.contains("sent 3 events"), "{}", run.stdout);

    // Early on, only the missing role is late.
    let quiet = Receiver::start(&[]);
    let run = project.run(&[
        "remind",
        "--now",
        "2026-11-20T09:05:00Z",
        "--webhook",
        &quiet.url,
    ]);
    assert_eq!(
        run.code, 1,
        "the communications manager is missing from the start"
    );
    let resolved = LATE
        .replace(
            "status: investigating",
            "status: resolved\nresolved_at: 2026-11-20T09:30:00Z",
        )
        .replace(
            "  tech_lead: bob\n",
            "  tech_lead: bob\n  communications_manager: carol\n  postmortem_owner: dave\n",
        )
        .replace("due: 2026-11-19", "due: 2026-12-19");
    project.record("INC-7", &resolved);
    let run = project.run(&[
        "remind",
        "--now",
        "2026-11-20T12:00:00Z",
        "--webhook",
        &quiet.url,
    ]);
    run.code(0);
    assert!(run.stdout.contains("nothing is late"), "{}", run.stdout);
    // Nothing late, nothing sent.
    assert_eq!(quiet.requests().len(), 1, "only the first run sent");
}

#[test]
fn remind_dry_run_prints_slack_blocks_and_still_exits_1() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record("INC-7", LATE);
    let run = project.run(&["remind", "--now", "2026-11-20T12:00:00Z", "--dry-run"]);
    run.code(1);
    let body: serde_json::Value = serde_json::from_str(&run.stdout).expect("the payload");
    let blocks = body["blocks"].as_array().expect("blocks");
    let fields = blocks[2]["fields"].as_array().expect("fields");
    assert!(
        fields
            .iter()
            .any(|f| f["text"] == "*Communications manager*\n_vacant_"),
        "{fields:?}"
    );
    assert!(
        blocks[1]["text"]["text"]
            .as_str()
            .expect("events")
            .contains("INC-7: role communications_manager has no owner"),
        "{}",
        blocks[1]
    );
}

#[test]
fn remind_exits_2_when_the_reminders_cannot_be_delivered() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE).record("INC-7", LATE);
    let run = project.run(&[
        "remind",
        "--now",
        "2026-11-20T12:00:00Z",
        "--webhook",
        &refusing_url(),
    ]);
    run.code(2);
    assert!(run.stderr.contains("after 3 tries"), "{}", run.stderr);
}

#[test]
fn notify_reads_the_revision_below_the_project_folder_and_needs_a_repository() {
    let project = Project::git();
    project
        .file("ops/people.yaml", PEOPLE)
        .file("ops/incidents/INC-1.yaml", OPEN);
    project.commit_all("declare INC-1 in ops/");
    project.file("ops/incidents/INC-1.yaml", LATER);
    let run = project.run(&[
        "-C",
        "ops",
        "notify",
        "--since",
        "HEAD",
        "--format",
        "json",
        "--dry-run",
        "--now",
        NOW,
    ]);
    run.code(0);
    let body: serde_json::Value = serde_json::from_str(&run.stdout).expect("the payload");
    assert_eq!(
        kinds(&body),
        ["update-posted", "handover", "status-changed"]
    );
    assert_eq!(
        body["events"][0]["documents"][0],
        "incidents/INC-1/README.md"
    );

    let outside = Project::new();
    outside.record("INC-1", OPEN);
    let run = outside.run(&["notify", "--since", "HEAD", "--dry-run"]);
    run.code(2);
    assert!(
        run.stderr.contains("notify needs a git repository"),
        "{}",
        run.stderr
    );
}
