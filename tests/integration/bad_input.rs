//! The bad-input cases of issue 7 (`tests/bad_input/`, listed in its
//! README): each runs through the real binary under a 1 GiB address-space
//! limit and a CPU-time limit, and must end with its expected finding or
//! error and an exit code of 0, 1 or 2, never a panic. Large and random
//! inputs are generated here rather than committed. The `properties` module
//! checks the shift rules against generated shift lists through the library.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use pulldown_cmark::{Event, Parser};
use serde_json::Value;

use rolecall::render::markers;

use crate::harness::{NOW, PEOPLE, Project};

/// The committed fixtures.
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_input");

/// Address space a run may use, in KiB (1 GiB).
const MEMORY_KIB: u32 = 1_048_576;
/// CPU seconds a run may use: each case needs a fraction of one, so hitting
/// this means unbounded work (the kernel then kills the process).
const CPU_SECONDS: u32 = 5;
/// Wall-clock bound, generous for a loaded machine running a debug build.
const WALL: Duration = Duration::from_secs(30);

/// A committed fixture's bytes.
fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(FIXTURES).join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// One finding as `--format json` reports it.
#[derive(Debug)]
struct Reported {
    code: String,
    file: String,
    line: u64,
    message: String,
}

/// What one limited run did.
#[derive(Debug)]
struct Limited {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Limited {
    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    fn code(&self, expected: i32) -> &Self {
        assert_ne!(self.code, 101, "rolecall panicked\n{}", self.stderr);
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The findings of a `--format json` run.
    fn findings(&self) -> Vec<Reported> {
        let report: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr));
        let text = |f: &Value, key: &str| f[key].as_str().unwrap_or_default().to_owned();
        report["findings"]
            .as_array()
            .expect("a findings array")
            .iter()
            .map(|f| Reported {
                code: text(f, "code"),
                file: text(f, "file"),
                line: f["line"].as_u64().expect("a line"),
                message: text(f, "message"),
            })
            .collect()
    }

    /// Asserts exactly one finding: its code, file and line exactly, its
    /// message by the words it must contain.
    #[track_caller]
    fn one_finding(&self, code: &str, file: &str, line: u64, words: &[&str]) {
        let findings = self.findings();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let found = &findings[0];
        assert_eq!(
            (found.code.as_str(), found.file.as_str(), found.line),
            (code, file, line),
            "{found:#?}"
        );
        for word in words {
            assert!(
                found.message.contains(word),
                "`{word}` not in {:?}",
                found.message
            );
        }
    }

    #[track_caller]
    fn no_findings(&self) {
        let findings = self.findings();
        assert!(findings.is_empty(), "{findings:#?}");
    }
}

/// Runs rolecall in `project` through `sh` with `ulimit -v` and `ulimit -t`
/// set, in an environment holding only what it needs.
fn run_limited(project: &Project, args: &[&str]) -> Limited {
    let script = format!("ulimit -v {MEMORY_KIB}; ulimit -t {CPU_SECONDS}; exec \"$0\" \"$@\"");
    let home = project.path().join(".home");
    let mut command = Command::new("/bin/sh");
    command
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .current_dir(project.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env(
            "GIT_CEILING_DIRECTORIES",
            project.path().parent().unwrap_or(project.path()),
        );
    let started = Instant::now();
    let output = command.output().expect("run rolecall through sh");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let Some(code) = output.status.code() else {
        panic!(
            "rolecall was killed ({:?}): over the memory or CPU limit?\n{stderr}",
            output.status
        );
    };
    assert!(elapsed < WALL, "took {elapsed:?}");
    Limited {
        code,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    }
}

/// `check --format json` under the limits.
fn check(project: &Project) -> Limited {
    run_limited(
        project,
        &[
            "check", "--now", NOW, "--color", "never", "--format", "json",
        ],
    )
}

/// A project with the harness roster and `content` as
/// `incidents/<name>.yaml`.
fn project_with(name: &str, content: impl AsRef<[u8]>) -> Project {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .file(&format!("incidents/{name}.yaml"), content);
    project
}

/// Every file under the project (outside `.home`), relative and
/// `/`-separated, with its bytes.
fn snapshot(project: &Project) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read folder") {
            let path = entry.expect("folder entry").path();
            let rel = path.strip_prefix(root).expect("inside the project");
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel == ".home" {
                continue;
            }
            let meta = fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                walk(root, &path, into);
            } else {
                into.insert(rel, fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(project.path(), project.path(), &mut files);
    files
}

/// `render --no-commit` refuses a record with errors and writes nothing.
#[track_caller]
fn render_refused(project: &Project) {
    let before = snapshot(project);
    let run = run_limited(project, &["render", "--no-commit", "--color", "never"]);
    run.code(1);
    assert_eq!(snapshot(project), before, "render wrote something");
}

/// A deterministic pseudo-random blob (xorshift64).
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn alias_bomb_is_a_syntax_finding() {
    let project = project_with("alias-bomb", fixture("alias-bomb.yaml"));
    let run = check(&project);
    run.code(1);
    run.one_finding(
        "syntax",
        "incidents/alias-bomb.yaml",
        5,
        &["aliases", "limit"],
    );
}

#[test]
fn two_mib_record_is_refused_before_parsing() {
    let mut text = String::from_utf8(fixture("crlf.yaml"))
        .expect("UTF-8")
        .replace('\r', "");
    text.push_str("timeline:\n");
    while text.len() < 2 * 1024 * 1024 {
        text.push_str(
            "  - at: 2026-11-20T09:00:00Z\n    event: padding to make the record large\n",
        );
    }
    let project = project_with("large", &text);
    let run = check(&project);
    run.code(1);
    run.one_finding("syntax", "incidents/large.yaml", 1, &["1 MiB"]);
}

#[test]
fn deep_flow_nesting_is_refused() {
    let depth = 100_000;
    let text = format!("title: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let project = project_with("flow", &text);
    let run = check(&project);
    run.code(1);
    run.one_finding("syntax", "incidents/flow.yaml", 1, &["nesting", "64"]);
}

#[test]
fn deep_block_nesting_is_refused() {
    let text = format!("title: x\nroles:\n  {}x\n", "- ".repeat(5_000));
    let project = project_with("block", &text);
    let run = check(&project);
    run.code(1);
    run.one_finding("syntax", "incidents/block.yaml", 3, &["nesting", "64"]);

    // Nesting by indentation: the 65th level is on line 65.
    let mut text = String::new();
    for level in 0..200 {
        text.push_str(&" ".repeat(level));
        text.push_str("k:\n");
    }
    let project = project_with("keys", &text);
    let run = check(&project);
    run.code(1);
    run.one_finding("syntax", "incidents/keys.yaml", 65, &["nesting"]);
}

#[test]
fn random_bytes_are_a_syntax_finding() {
    let bytes = random_bytes(4096);
    let valid = match std::str::from_utf8(&bytes) {
        Ok(_) => panic!("the blob should not be UTF-8"),
        Err(e) => e.valid_up_to(),
    };
    let line = bytes[..valid].split(|&b| b == b'\n').count();
    let project = project_with("random", &bytes);
    let run = check(&project);
    run.code(1);
    run.one_finding(
        "syntax",
        "incidents/random.yaml",
        u64::try_from(line).expect("small"),
        &["UTF-8"],
    );
}

#[test]
fn byte_order_mark_is_accepted() {
    let bytes = fixture("bom.yaml");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let run = check(&project_with("bom", bytes));
    run.code(0);
    run.no_findings();
}

#[test]
fn crlf_line_endings_are_accepted() {
    let bytes = fixture("crlf.yaml");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let project = project_with("crlf", bytes);
    let run = check(&project);
    run.code(0);
    run.no_findings();
    // A problem in a CRLF record still sits on its own line.
    let broken = String::from_utf8(fixture("crlf.yaml"))
        .expect("UTF-8")
        .replace("  tech_lead: bob", "\ttech_lead: bob");
    project.file("incidents/crlf.yaml", broken);
    let run = check(&project);
    run.code(1);
    run.one_finding("syntax", "incidents/crlf.yaml", 8, &["tab"]);
}

#[test]
fn empty_file_is_a_syntax_finding() {
    let run = check(&project_with("empty", fixture("empty.yaml")));
    run.code(1);
    run.one_finding("syntax", "incidents/empty.yaml", 1, &["empty"]);
}

#[test]
fn conflict_markers_are_a_syntax_finding_on_their_line() {
    let run = check(&project_with("conflict", fixture("conflict-markers.yaml")));
    run.code(1);
    run.one_finding("syntax", "incidents/conflict.yaml", 4, &["conflict"]);
}

#[cfg(unix)]
#[test]
fn symlinked_record_outside_the_repository_is_skipped() {
    let outside = tempfile::tempdir().expect("temporary folder");
    // Read, this would be a syntax finding.
    let target = outside.path().join("secret.yaml");
    fs::write(&target, "title: [never closed\n").expect("write outside");
    let project = Project::new();
    project.file("people.yaml", PEOPLE);
    std::os::unix::fs::symlink(&target, project.abs("incidents/linked.yaml")).expect("symlink");
    let run = check(&project);
    run.code(0);
    run.no_findings();
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(report["incidents"], 0);
    let verbose = run_limited(&project, &["check", "-v", "--now", NOW, "--color", "never"]);
    verbose.code(0);
    assert!(
        format!("{}{}", verbose.stdout, verbose.stderr).contains("incidents/linked.yaml"),
        "{verbose:?}"
    );
    // Nothing is written through the link either.
    render_leaves_target_alone(&project, &target);
}

/// `render --no-commit` with only a linked record renders no incident
/// (only the index) and leaves the link and its target as they were.
#[cfg(unix)]
fn render_leaves_target_alone(project: &Project, target: &Path) {
    let before = fs::read(target).expect("read target");
    let files_before = snapshot(project);
    let run = run_limited(project, &["render", "--no-commit", "--color", "never"]);
    run.code(0);
    assert!(run.stdout.contains("0 incidents"), "{run:?}");
    assert_eq!(fs::read(target).expect("read target"), before);
    let mut files_after = snapshot(project);
    assert!(files_after.remove("incidents/README.md").is_some());
    assert_eq!(files_after, files_before);
}

#[test]
fn ids_with_dot_dot_or_slash_are_invalid_and_never_rendered() {
    for (name, id) in [("id-dot-dot", "../x"), ("id-slash", "a/b")] {
        let project = project_with(name, fixture(&format!("{name}.yaml")));
        let run = check(&project);
        run.code(1);
        run.one_finding(
            "invalid-id",
            &format!("incidents/{name}.yaml"),
            1,
            &[id, "not a valid"],
        );
        render_refused(&project);
    }
}

#[test]
fn role_keys_with_dot_dot_or_slash_are_unknown_roles_and_never_rendered() {
    for (name, key) in [("role-key-dot-dot", "../x"), ("role-key-slash", "a/b")] {
        let project = project_with(name, fixture(&format!("{name}.yaml")));
        let run = check(&project);
        run.code(1);
        run.one_finding("unknown-role", &format!("incidents/{name}.yaml"), 7, &[key]);
        render_refused(&project);
    }
}

#[test]
fn role_key_with_dot_dot_in_the_configuration_is_a_schema_finding() {
    let project = project_with("clean", fixture("crlf.yaml"));
    project.file("rolecall.yaml", fixture("config-dot-dot.yaml"));
    let run = check(&project);
    run.code(1);
    run.one_finding("schema", "rolecall.yaml", 2, &["../x"]);
    render_refused(&project);
}

#[test]
fn person_keys_with_dot_dot_or_slash_are_unknown_people() {
    for (name, key, line) in [
        ("person-key-dot-dot", "../x", 7),
        ("person-key-slash", "/etc/passwd", 8),
    ] {
        let project = project_with(name, fixture(&format!("{name}.yaml")));
        let run = check(&project);
        run.code(1);
        run.one_finding(
            "unknown-person",
            &format!("incidents/{name}.yaml"),
            line,
            &[key, "roster"],
        );
        render_refused(&project);
    }
}

#[test]
fn person_keys_without_a_roster_are_only_text() {
    for name in ["person-key-dot-dot", "person-key-slash"] {
        let project = Project::new();
        project.file(
            &format!("incidents/{name}.yaml"),
            fixture(&format!("{name}.yaml")),
        );
        let run = check(&project);
        run.code(0);
        run.no_findings();
        let before = snapshot(&project);
        run_limited(&project, &["render", "--no-commit", "--color", "never"]).code(0);
        let after = snapshot(&project);
        let folder = format!("incidents/{name}/");
        for (path, bytes) in &after {
            match before.get(path) {
                Some(old) => assert_eq!(old, bytes, "{path} changed"),
                None => assert!(
                    path.starts_with(&folder) || path == "incidents/README.md",
                    "{path} written outside the incident's folder"
                ),
            }
        }
    }
}

#[test]
fn person_key_with_dot_dot_in_the_roster_is_a_schema_finding() {
    let project = project_with("clean", fixture("crlf.yaml"));
    project.file("people.yaml", fixture("people-dot-dot.yaml"));
    let run = check(&project);
    run.code(1);
    run.one_finding("schema", "people.yaml", 3, &["../evil"]);
    render_refused(&project);
}

/// Raw HTML from the record that must not reach a document as HTML.
const HOSTILE_HTML: &[&str] = &["<script", "<iframe", "<img", "<div", "<b>", "</td>"];

#[test]
fn marker_comments_and_raw_html_in_strings_stay_text() {
    let project = project_with("markers-and-html", fixture("markers-and-html.yaml"));
    let run = check(&project);
    run.code(0);
    run.no_findings();

    let before = snapshot(&project);
    run_limited(&project, &["render", "--no-commit", "--color", "never"]).code(0);
    let after = snapshot(&project);
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{path} changed or vanished");
    }
    let written: Vec<&String> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert!(!written.is_empty());
    for path in &written {
        assert!(
            path.starts_with("incidents/markers-and-html/") || *path == "incidents/README.md",
            "{path} written outside the output folder"
        );
    }

    let markdown = written
        .iter()
        .filter(|p| Path::new(p.as_str()).extension().is_some_and(|e| e == "md"));
    for path in markdown {
        let text = String::from_utf8(after[*path].clone()).expect("UTF-8 document");
        if let Err(error) = markers::sections(&text) {
            panic!("{path}: {error}\n{text}");
        }
        for event in Parser::new(&text) {
            if let Event::Html(html) | Event::InlineHtml(html) = event {
                for hostile in HOSTILE_HTML {
                    assert!(!html.contains(hostile), "{path}: raw HTML {html:?}\n{text}");
                }
            }
        }
    }
    let postmortem = String::from_utf8(after["incidents/markers-and-html/postmortem.md"].clone())
        .expect("UTF-8");
    let sections = markers::sections(&postmortem).expect("balanced markers");
    let names: Vec<&str> = sections.iter().map(|s| s.name).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(names.contains(&"summary"), "{names:?}");
    assert!(!names.contains(&"evil"), "{names:?}");
    // The summary's hostile markers stay inside the summary section, as text.
    let summary = sections
        .iter()
        .find(|s| s.name == "summary")
        .expect("summary");
    assert!(summary.content.contains("rolecall:end summary"));
}

/// The README lists every committed fixture.
#[test]
fn readme_lists_every_fixture() {
    let readme = String::from_utf8(fixture("README.md")).expect("UTF-8");
    for entry in fs::read_dir(FIXTURES).expect("fixture folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name != "README.md" {
            assert!(
                readme.contains(&format!("`{name}`")),
                "{name} missing from the README"
            );
        }
    }
}

/// Shift lists made up at random, checked through the library: where
/// `handover-order` and `handover-to-self` are reported must follow from
/// the shifts alone.
mod properties {
    use std::fmt::Write as _;

    use proptest::prelude::*;

    use rolecall::check::{self, Rules};
    use rolecall::finding::Code;
    use rolecall::load;
    use rolecall::model::{Config, Instant};

    const OWNERS: [&str; 3] = ["alice", "bob", "carol"];
    const ROLES: [&str; 2] = ["incident_manager", "tech_lead"];

    /// One generated shift: an owner and `from` in minutes after the start
    /// (negative: before it).
    #[derive(Clone, Debug)]
    struct GenShift {
        owner: usize,
        from: Option<i64>,
    }

    /// Shifts in any order, some without `from`.
    fn shuffled() -> impl Strategy<Value = Vec<GenShift>> {
        prop::collection::vec(
            (0..OWNERS.len(), prop::option::weighted(0.85, -30i64..240)),
            1..7,
        )
        .prop_map(|shifts| {
            shifts
                .into_iter()
                .map(|(owner, from)| GenShift { owner, from })
                .collect()
        })
    }

    /// Shifts with strictly increasing `from` (the first may have none).
    fn increasing() -> impl Strategy<Value = Vec<GenShift>> {
        (
            prop::collection::btree_set(1i64..600, 1..7),
            prop::collection::vec(0..OWNERS.len(), 7),
            any::<bool>(),
        )
            .prop_map(|(times, owners, first_from)| {
                times
                    .into_iter()
                    .zip(owners)
                    .enumerate()
                    .map(|(i, (from, owner))| GenShift {
                        owner,
                        from: (i > 0 || first_from).then_some(from),
                    })
                    .collect()
            })
    }

    fn shift_list() -> impl Strategy<Value = Vec<GenShift>> {
        prop_oneof![shuffled(), increasing()]
    }

    /// `2026-11-20T09:00:00Z` plus `minutes`.
    fn at(minutes: i64) -> String {
        let base = Instant::parse("2026-11-20T09:00:00Z").expect("timestamp");
        let shifted = base.0 + jiff::SignedDuration::from_mins(minutes);
        shifted.to_string()
    }

    /// The record text, and the line of each shift of each role.
    fn record(roles: &[Vec<GenShift>]) -> (String, Vec<Vec<usize>>) {
        let mut text = String::from(
            "title: Generated shifts\nseverity: SEV2\nstatus: investigating\n\
             started_at: 2026-11-20T09:00:00Z\nroles:\n",
        );
        let mut lines = Vec::new();
        for (key, shifts) in ROLES.iter().zip(roles) {
            writeln!(text, "  {key}:").unwrap();
            let mut role_lines = Vec::new();
            for shift in shifts {
                role_lines.push(text.lines().count() + 1);
                writeln!(text, "    - owner: {}", OWNERS[shift.owner]).unwrap();
                if let Some(from) = shift.from {
                    writeln!(text, "      from: {}", at(from)).unwrap();
                }
                text.push_str("      handover: Passed on.\n");
            }
            lines.push(role_lines);
        }
        (text, lines)
    }

    /// The first shift whose `from` is missing or not after the start of
    /// the shift before it.
    fn first_out_of_order(shifts: &[GenShift]) -> Option<usize> {
        (1..shifts.len()).find(|&i| {
            let previous = shifts[i - 1].from.unwrap_or(0);
            shifts[i].from.is_none_or(|from| from <= previous)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn handover_findings_follow_from_the_shifts(
            roles in prop::collection::vec(shift_list(), ROLES.len()),
        ) {
            let (text, lines) = record(&roles);
            let config = Config::builtin();
            let (record, loading) = load::read_source("incidents/GEN-1.yaml", "GEN-1", &text, &config);
            prop_assert!(loading.is_empty(), "{loading:#?}\n{text}");
            let incident = record.incident.as_ref().expect("the record loads");
            let rules = Rules {
                config: &config,
                roster: None,
                now: Instant::parse("2026-12-31T00:00:00Z").expect("timestamp"),
            };
            let findings = check::check_record(&rules, &record, incident);
            let lines_of = |code: Code| {
                let mut found: Vec<usize> =
                    findings.iter().filter(|f| f.code == code).map(|f| f.line).collect();
                found.sort_unstable();
                found
            };

            let mut order = Vec::new();
            let mut to_self = Vec::new();
            for (shifts, role_lines) in roles.iter().zip(&lines) {
                order.extend(first_out_of_order(shifts).map(|i| role_lines[i]));
                to_self.extend(
                    (1..shifts.len())
                        .filter(|&i| shifts[i].owner == shifts[i - 1].owner)
                        .map(|i| role_lines[i]),
                );
            }
            order.sort_unstable();
            to_self.sort_unstable();
            prop_assert_eq!(lines_of(Code::HandoverOrder), order, "{}", text);
            prop_assert_eq!(lines_of(Code::HandoverToSelf), to_self, "{}", text);
        }
    }
}
