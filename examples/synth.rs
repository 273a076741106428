//! Writes a synthetic incidents repository for benchmarks.
//!
//! `cargo run --release --example synth -- DIR N [--compact]` creates DIR
//! (running `git init` unless it is already a repository), writes a
//! 200-person `people.yaml` and N valid records under `incidents/<year>/`,
//! and commits them in one commit. Records have the same shape either way
//! (two handovers, twelve updates, eight timeline events, three actions);
//! their texts are realistic sentences by default (about 3.5 KB a record)
//! or a few words with `--compact` (about 2.3 KB, the size issue 6's
//! targets assume). The output depends only on N and `--compact`: a small
//! linear congruential generator picks every value, and the commit's dates
//! and author are fixed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

const PEOPLE: usize = 200;
const YEARS: [i16; 3] = [2023, 2024, 2025];
const FIRST: [&str; 20] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hugo", "ines", "jon", "kara",
    "liam", "mona", "nils", "olga", "pavel", "quinn", "rosa", "sven", "tara",
];
const LAST: [&str; 10] = [
    "moreau",
    "okafor",
    "lindqvist",
    "ng",
    "castillo",
    "weber",
    "santos",
    "kim",
    "haddad",
    "novak",
];
const TEAMS: [&str; 6] = [
    "payments", "sre", "platform", "search", "identity", "support",
];
const SERVICES: [&str; 8] = [
    "checkout-api",
    "payments-gateway",
    "search-indexer",
    "auth-service",
    "cdn-edge",
    "orders-db",
    "notifications",
    "billing-worker",
];
const SYMPTOMS: [&str; 6] = [
    "returns 502 for a share of requests",
    "latency above SLO",
    "queue backlog growing",
    "elevated error rate after deploy",
    "stale data served to customers",
    "partial outage in one region",
];
const EVENTS: [&str; 8] = [
    "Alert fires for the error-rate SLO.",
    "On-call acknowledges the page and declares the incident.",
    "Recent deploy identified as the likely cause.",
    "Rollback started.",
    "Rollback finished; error rate falling.",
    "Vendor confirms their side is healthy.",
    "Dashboards back to baseline; monitoring.",
    "Incident closed after a quiet hour.",
];
const UPDATES: [&str; 4] = [
    "Investigating elevated errors.",
    "Cause identified; mitigation in progress.",
    "Mitigation applied; error rates recovering.",
    "Service working normally; we are monitoring.",
];
const SHORT_EVENTS: [&str; 8] = [
    "Alert fired.",
    "Declared.",
    "Cause found.",
    "Rollback began.",
    "Rollback done.",
    "Vendor fine.",
    "Baseline.",
    "Closed.",
];
const SHORT_UPDATES: [&str; 4] = ["Investigating.", "Cause found.", "Mitigated.", "Resolved."];
const SHORT_ACTIONS: [&str; 6] = [
    "Guard deploys",
    "Alert on saturation",
    "Publish summary",
    "Failover runbook",
    "Load-test limits",
    "Review escalation",
];
const CHANNELS: [&str; 3] = ["status-page", "slack", "email"];
const ACTIONS: [&str; 6] = [
    "Add a guard to the deploy pipeline",
    "Alert on saturation, not only on errors",
    "Publish the customer-facing summary",
    "Write a runbook for the failover",
    "Load-test the new connection limits",
    "Review on-call escalation paths",
];

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let compact = args.iter().any(|a| a == "--compact");
    args.retain(|a| a != "--compact");
    let (Some(dir), Some(Ok(count)), None) = (
        args.first(),
        args.get(1).map(|n| n.parse::<usize>()),
        args.get(2),
    ) else {
        eprintln!("usage: synth DIR N [--compact]");
        return ExitCode::from(2);
    };
    let texts = if compact { Texts::COMPACT } else { Texts::FULL };
    match generate(Path::new(dir), count, &texts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("synth: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The words records are made of.
struct Texts {
    events: &'static [&'static str; 8],
    updates: &'static [&'static str; 4],
    actions: &'static [&'static str; 6],
    /// Summary, impact, handover note, and the optional fields
    /// (detection time, channels, priorities, links) in full sentences.
    full: bool,
}

impl Texts {
    const FULL: Texts = Texts {
        events: &EVENTS,
        updates: &UPDATES,
        actions: &ACTIONS,
        full: true,
    };
    const COMPACT: Texts = Texts {
        events: &SHORT_EVENTS,
        updates: &SHORT_UPDATES,
        actions: &SHORT_ACTIONS,
        full: false,
    };
}

fn generate(dir: &Path, count: usize, texts: &Texts) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q"])?;
    }
    git(dir, &["config", "user.name", "Synth Bench"])?;
    git(dir, &["config", "user.email", "synth@example.com"])?;
    // No background `git gc --auto` repacking while a benchmark runs.
    git(dir, &["config", "gc.auto", "0"])?;
    let people = roster_keys();
    std::fs::write(dir.join("people.yaml"), roster(&people))?;
    let mut rng = Lcg(0x5eed_2025);
    let per_year = count.div_ceil(YEARS.len()).max(1);
    for (index, year) in (0..count).map(|i| (i, YEARS[i / per_year])) {
        let id = format!("INC-{year}-{:05}", index % per_year + 1);
        let folder: PathBuf = dir.join("incidents").join(year.to_string());
        std::fs::create_dir_all(&folder)?;
        let text = record(&mut rng, &id, year, &people, texts);
        std::fs::write(folder.join(format!("{id}.yaml")), text)?;
    }
    git(dir, &["add", "-A"])?;
    git(
        dir,
        &["commit", "-q", "-m", &format!("synth: {count} records")],
    )
}

fn git(dir: &Path, args: &[&str]) -> std::io::Result<()> {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "git {} failed",
            args.join(" ")
        )))
    }
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indexes below `n`.
    fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let mut chosen = Vec::with_capacity(k);
        while chosen.len() < k {
            let i = self.below(n);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen
    }
}

fn roster_keys() -> Vec<String> {
    (0..PEOPLE)
        .map(|i| format!("{}.{}", FIRST[i % 20], LAST[(i / 20) % 10]))
        .collect()
}

fn roster(people: &[String]) -> String {
    let mut out = String::from("# Synthetic roster for benchmarks.\n");
    for (i, key) in people.iter().enumerate() {
        let (first, last) = key.split_once('.').unwrap_or((key, ""));
        let name = format!("{} {}", capitalise(first), capitalise(last));
        let team = TEAMS[i % TEAMS.len()];
        let _ = write!(
            out,
            "{key}:\n  name: {name}\n  contact: \"@{key}\"\n  email: {key}@example.com\n  team: {team}\n"
        );
    }
    out
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn at(start: Timestamp, minutes: i64) -> Timestamp {
    start + SignedDuration::from_mins(minutes)
}

fn day(ts: Timestamp) -> jiff::civil::Date {
    ts.to_zoned_datetime(TimeZone::UTC).date()
}

/// One record. Every time lies inside the incident's span, every shift
/// hands over to someone new, and the roles each severity requires are
/// held from the start, so `rolecall check` finds no error.
fn record(rng: &mut Lcg, id: &str, year: i16, people: &[String], texts: &Texts) -> String {
    let severity = match rng.below(20) {
        0..=1 => 1,
        2..=6 => 2,
        7..=13 => 3,
        _ => 4,
    };
    let resolved = rng.below(100) < 97;
    let new_year = jiff::civil::date(year, 1, 1).to_zoned_datetime(TimeZone::UTC);
    let new_year = new_year.map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp());
    let start = at(new_year, int(rng.below(360 * 24 * 60)));
    let minutes = int(60 + rng.below(180));
    let end = at(start, minutes);
    let who = rng.distinct(8, people.len());
    let person = |i: usize| people[who[i]].as_str();
    let service = *rng.pick(&SERVICES);
    let status = if resolved {
        "resolved"
    } else {
        *rng.pick(&["investigating", "identified", "monitoring"])
    };

    let mut out = String::new();
    let _ = writeln!(out, "id: {id}");
    let _ = writeln!(out, "title: {service} {}", rng.pick(&SYMPTOMS));
    let _ = writeln!(out, "severity: SEV{severity}\nstatus: {status}");
    let _ = writeln!(out, "started_at: {start}");
    if texts.full {
        let _ = writeln!(out, "detected_at: {}", at(start, 2));
    }
    if resolved {
        let _ = writeln!(out, "resolved_at: {end}");
    }
    let (share, other) = (1 + rng.below(40), rng.pick(&SERVICES));
    if texts.full {
        let _ = writeln!(
            out,
            "summary: |\n  A change to `{service}` went out at the start of the window and\n  \
             requests began to fail; rolling it back restored service.\n\
             impact: About {share}% of requests to {service} failed.\n\
             services: [{service}, {other}]"
        );
    } else {
        let _ = writeln!(
            out,
            "summary: A bad deploy, rolled back.\nimpact: {share}% of requests failed.\nservices: [{service}]"
        );
    }
    out.push_str("roles:\n");
    for (role, (a, b)) in [("incident_manager", (0, 1)), ("tech_lead", (2, 3))] {
        let from = at(start, minutes * (2 + i64::from(b == 3)) / 5);
        let note = if texts.full {
            "|\n        Rollback is done; page the vendor if errors rise again."
        } else {
            "Rolled back."
        };
        let _ = writeln!(
            out,
            "  {role}:\n    - owner: {}\n    - owner: {}\n      from: {from}\n      handover: {note}\n      \
             acknowledged_at: {}",
            person(a),
            person(b),
            at(from, 3)
        );
    }
    if severity <= 3 {
        let _ = writeln!(out, "  communications_manager: {}", person(4));
        let _ = writeln!(out, "  postmortem_owner: {}", person(5));
    }
    let _ = writeln!(
        out,
        "responders:\n  - person: {}\n    role: domain_expert\n  - person: {}\n    role: {}",
        person(6),
        person(7),
        rng.pick(&["customer_support", "technical_support"])
    );
    out.push_str("communications:\n  updates:\n");
    for k in 0..12 {
        let _ = writeln!(
            out,
            "    - at: {}",
            at(start, 5 + (minutes - 10) * int(k) / 11)
        );
        if k % 4 == 0 {
            let channel = rng.pick(&CHANNELS);
            if texts.full {
                let _ = writeln!(out, "      channel: {channel}");
            }
        }
        let _ = writeln!(out, "      summary: {}", texts.updates[k / 3]);
    }
    out.push_str("timeline:\n");
    for (k, event) in (0i64..).zip(texts.events) {
        let _ = writeln!(
            out,
            "  - at: {}\n    event: {event}",
            at(start, minutes * k / 7)
        );
    }
    out.push_str("actions:\n");
    for k in 0..3 {
        let _ = writeln!(
            out,
            "  - title: {}\n    owner: {}\n    due: {}\n    status: {}",
            rng.pick(texts.actions),
            person(k * 2),
            day(at(start, 60 * 24 * (7 + 7 * int(k)))),
            if resolved && rng.below(30) > 0 {
                "done"
            } else {
                "open"
            },
        );
        let priority = rng.pick(&["high", "medium", "low"]);
        if texts.full {
            let _ = writeln!(out, "    priority: {priority}");
        }
        if k == 0 && texts.full {
            let _ = writeln!(out, "    link: https://tracker.example.com/{id}");
        }
    }
    if resolved {
        let _ = writeln!(
            out,
            "postmortem:\n  meeting_at: {}\n  status: {}",
            at(end, 60 * 24),
            if rng.below(20) > 0 {
                "done"
            } else {
                "scheduled"
            }
        );
    }
    if texts.full {
        let _ = writeln!(
            out,
            "links:\n  - title: Incident channel\n    url: https://chat.example.com/{}\n  \
             - title: Dashboard\n    url: https://metrics.example.com/d/{service}",
            id.to_ascii_lowercase()
        );
    }
    out
}
