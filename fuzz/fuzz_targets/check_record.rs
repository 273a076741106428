//! Loads arbitrary bytes as an incident record with the built-in
//! configuration and the bundled roster, checks it, and builds the view the
//! templates render from. Nothing here may panic, whatever the bytes.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rolecall::check::{self, Rules};
use rolecall::load;
use rolecall::model::{Config, Instant, Roster};
use rolecall::render::context::IncidentView;
use rolecall::yaml::{self, Reader};

static CONFIG: LazyLock<Config> = LazyLock::new(Config::builtin);

/// The example roster, so person references are checked against one.
static ROSTER: LazyLock<Roster> = LazyLock::new(|| {
    let text = include_str!("../../people.yaml");
    let root = yaml::parse(text.as_bytes())
        .expect("people.yaml parses")
        .expect("people.yaml has content");
    let mut reader = Reader::new("people.yaml", text);
    Roster::read(&mut reader, &root).expect("people.yaml is a valid roster")
});

/// A fixed now, so a run is reproducible.
static NOW: LazyLock<Instant> =
    LazyLock::new(|| Instant::parse("2026-11-21T12:00:00Z").expect("valid timestamp"));

fuzz_target!(|data: &[u8]| {
    // The raw-bytes path: size limit, UTF-8, the guard and the parser.
    let _ = yaml::parse(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (record, _findings) =
        load::read_source("incidents/INC-2026-001.yaml", "INC-2026-001", text, &CONFIG);
    let Some(incident) = &record.incident else {
        return;
    };
    for roster in [None, Some(&*ROSTER)] {
        let rules = Rules {
            config: &CONFIG,
            roster,
            now: *NOW,
        };
        let findings = check::check_record(&rules, &record, incident);
        for finding in &findings {
            assert!(finding.line >= 1 && finding.column >= 1, "{finding:?}");
        }
        let _ = IncidentView::new(incident, &CONFIG, roster);
    }
});
