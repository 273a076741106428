//! Killed renders (issue 13): a `render` killed at any instant — at each of
//! its steps through the debug-build crash points (`ROLECALL_KILL_AT=N`
//! aborts the process at its N-th step), and by SIGKILL, SIGTERM or SIGINT
//! after random delays — is repaired by the next `render`. After it:
//! `render --check` passes, HEAD's tree is the one a clean render makes,
//! `git status` shows only the user's own work (intact), `git fsck --full`
//! is clean, and no temporary file or lock is left.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{CLEAN_RECORD, HANDED_OVER, PEOPLE, Project};

/// Whether the crash points are compiled into the binary under test.
fn crash_points_compiled_in() -> bool {
    if cfg!(debug_assertions) {
        return true;
    }
    eprintln!("skipped: the crash points exist only in debug builds");
    false
}

/// A record of incident `n` (`INC-2026-1NN`), handed over when `n` is odd.
fn record(n: usize, title: &str) -> String {
    let base = if n % 2 == 1 {
        HANDED_OVER
    } else {
        CLEAN_RECORD
    };
    base.replace("Clean record", &format!("{title} {n}"))
}

fn id(n: usize) -> String {
    format!("INC-2026-{:03}", 100 + n)
}

/// A repository whose next `render` creates, updates and removes
/// documents: `count` incidents rendered and committed, then every one
/// renamed, the handover of the first undone (its note goes), the second
/// dropped and one added; plus the user's staged, unstaged and untracked
/// work, which every run must leave alone.
fn scenario(count: usize) -> Project {
    let project = Project::git();
    project.file("people.yaml", PEOPLE);
    for n in 1..=count {
        project.record(&id(n), &record(n, "Incident"));
    }
    project.file("tracked.txt", "tracked\n");
    project.commit_all("records");
    project.run(&["render"]).code(0);
    for n in 1..=count {
        project.record(&id(n), &record(n, "Renamed"));
    }
    project.record(&id(1), &CLEAN_RECORD.replace("Clean record", "Undone"));
    fs::remove_file(project.abs(&format!("incidents/{}.yaml", id(2)))).expect("drop a record");
    project.record(&id(count + 1), &record(count + 1, "Added"));
    project.commit_all("rename, undo a handover, drop one, add one");
    add_user_work(&project);
    project
}

fn add_user_work(project: &Project) {
    project.file("notes.txt", "staged notes\n");
    project.git_ok(&["add", "notes.txt"]);
    project.file("tracked.txt", "tracked, then edited\n");
    project.file("scratch.txt", "untracked\n");
}

/// A fresh copy of `template` (work tree and `.git`).
fn copy(template: &Project) -> Project {
    let project = Project::new();
    let status = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", template.path().display()))
        .arg(project.path())
        .status()
        .expect("cp");
    assert!(status.success(), "copy the scenario");
    project
}

/// What a clean render of `template` leaves: HEAD's tree and `git status`.
struct Expected {
    tree: String,
    status: String,
}

fn expected(template: &Project) -> Expected {
    let clean = copy(template);
    clean.run(&["render"]).code(0);
    assert_no_leftovers(&clean, "a clean render");
    Expected {
        tree: clean.git_ok(&["rev-parse", "HEAD^{tree}"]),
        status: status(&clean),
    }
}

fn status(project: &Project) -> String {
    project.git_ok(&["status", "--porcelain", "--untracked-files=all"])
}

#[track_caller]
fn assert_no_leftovers(project: &Project, what: &str) {
    assert_eq!(
        project.leftovers(),
        Vec::<String>::new(),
        "{what}: temporaries or locks left"
    );
}

/// The next `render` repairs whatever the killed run left, and then
/// everything is as after a clean render.
#[track_caller]
fn assert_repaired(project: &Project, expected: &Expected, base: &str, what: &str) {
    let repair = project.run(&["render"]);
    assert_eq!(repair.code, 0, "{what}: the next render\n{}", repair.stderr);
    let check = project.run(&["render", "--check"]);
    assert_eq!(
        check.code, 0,
        "{what}: render --check after the repair\n{}",
        check.stdout
    );
    assert_eq!(
        project.git_ok(&["rev-parse", "HEAD^{tree}"]),
        expected.tree,
        "{what}: HEAD's tree is not a clean render's\n{}{}",
        repair.stdout,
        project.git_ok(&["show", "--stat", "--format=%s", "HEAD"])
    );
    assert_eq!(
        project
            .git_ok(&["rev-list", "--count", &format!("{base}..HEAD")])
            .trim(),
        "1",
        "{what}: one render commit"
    );
    assert_eq!(status(project), expected.status, "{what}: git status");
    assert_eq!(project.read("tracked.txt"), "tracked, then edited\n");
    assert_eq!(project.read("scratch.txt"), "untracked\n");
    assert_eq!(project.git_ok(&["show", ":notes.txt"]), "staged notes\n");
    let (code, out, err) = project.git_run(&["fsck", "--full", "--strict", "--no-dangling"]);
    assert!(
        code == 0 && !out.contains("error") && !err.contains("error"),
        "{what}: git fsck\n{out}{err}"
    );
    assert_no_leftovers(project, what);
}

/// Killed at each of its steps in turn, the render of an update (files
/// written, replaced and removed, folders made and emptied, loose objects,
/// the index, the branch, the cache) is repaired by the next one. Of the
/// many file writes and removals, the first two of each kind and every
/// fourth after are checked, to keep the test short.
#[test]
fn a_render_killed_at_any_step_is_repaired_by_the_next() {
    if !crash_points_compiled_in() {
        return;
    }
    let template = scenario(2);
    let base = template.git_ok(&["rev-parse", "HEAD"]).trim().to_owned();
    let expected = expected(&template);
    let mut steps = Vec::new();
    for n in 1.. {
        let project = copy(&template);
        let run = project.run_env(&["render"], &[("ROLECALL_KILL_AT", &n.to_string())]);
        if run.code == 0 {
            break;
        }
        let step = run
            .stderr
            .lines()
            .find_map(|line| line.strip_prefix("rolecall: killed at crash point "))
            .unwrap_or_else(|| panic!("step {n}: not killed\n{}", run.stderr))
            .to_owned();
        assert_ne!(
            run.code, 2,
            "step {n}: a failure, not a kill\n{}",
            run.stderr
        );
        let kind = step.split(['(', ')']).nth(1).unwrap_or_default().to_owned();
        let seen = steps.iter().filter(|(k, _)| *k == kind).count();
        let repetitive = ["write", "write-temporary", "remove"].contains(&kind.as_str());
        if !repetitive || seen < 2 || seen % 4 == 0 {
            assert_repaired(&project, &expected, &base, &format!("killed at {step}"));
        }
        steps.push((kind, step));
        assert!(n < 200, "the render never finished");
    }
    for name in [
        "journal",
        "write-temporary",
        "write",
        "remove",
        "written",
        "blobs",
        "tree",
        "commit-object",
        "index-prepared",
        "index-lock",
        "index",
        "ref",
        "cache-temporary",
    ] {
        assert!(
            steps.iter().any(|(kind, _)| kind == name),
            "no kill at {name}: {steps:?}"
        );
    }
}

/// Killed while writing the packs of a large render (over 1,000 new
/// documents), the render leaves pack temporaries the next one removes.
#[test]
fn a_render_killed_while_packing_is_repaired_by_the_next() {
    if !crash_points_compiled_in() {
        return;
    }
    let template = Project::git();
    template.file("people.yaml", PEOPLE);
    for n in 1..=160 {
        template.record(&id(n), &record(n, "Incident"));
    }
    template.file("tracked.txt", "tracked\n");
    template.commit_all("records");
    add_user_work(&template);
    let base = template.git_ok(&["rev-parse", "HEAD"]).trim().to_owned();
    let expected = expected(&template);
    for step in ["pack-temporary", "pack"] {
        let project = copy(&template);
        let run = project.run_env(&["render"], &[("ROLECALL_KILL_AT", step)]);
        assert!(
            run.stderr.contains("killed at crash point"),
            "{step}: not killed\n{}",
            run.stderr
        );
        if step == "pack-temporary" {
            let pack = project.abs(".git/objects/pack");
            let temporaries = fs::read_dir(&pack)
                .expect("pack folder")
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().contains("_rolecall_"))
                .count();
            assert!(temporaries > 0, "{step}: the kill left no pack temporary");
        }
        assert_repaired(&project, &expected, &base, &format!("killed at {step}"));
    }
}

/// A small generator of pseudo-random numbers (xorshift), seeded so that
/// a failure can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

/// Sends `signal` to `pid` with kill(1).
fn signal(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .status();
}

/// The real binary, killed with SIGKILL, SIGTERM or SIGINT at random
/// instants of a render: each time, the next render repairs everything.
#[cfg(unix)]
#[test]
fn a_render_killed_by_a_signal_at_a_random_instant_is_repaired_by_the_next() {
    let template = scenario(24);
    let base = template.git_ok(&["rev-parse", "HEAD"]).trim().to_owned();
    let expected = expected(&template);
    // How long a whole render takes here, to spread the kills over it.
    let timed = copy(&template);
    let started = Instant::now();
    timed.run(&["render"]).code(0);
    let whole = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let seed = 0x5eed_0013_u64;
    let mut random = Random(seed);
    let mut killed = 0;
    for round in 0..15 {
        let name = ["KILL", "TERM", "INT"][round % 3];
        let project = copy(&template);
        let delay = Duration::from_micros(random.below(whole));
        let mut child = project
            .command(&["render"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start rolecall");
        std::thread::sleep(delay);
        signal(child.id(), name);
        let exit = child.wait().expect("wait");
        if exit.code().is_none() {
            killed += 1;
        }
        let what = format!("SIG{name} after {delay:?} (round {round}, seed {seed:#x}, {exit})");
        assert_repaired(&project, &expected, &base, &what);
    }
    assert!(
        killed >= 5,
        "only {killed} of 15 runs were stopped by the signal"
    );
}

/// Temporaries a killed run leaves stay until the next writing run, which
/// removes them; reading commands leave them alone.
#[test]
fn temporaries_of_a_killed_run_are_removed_by_the_next_run_only() {
    if !crash_points_compiled_in() {
        return;
    }
    let project = scenario(2);
    let run = project.run_env(&["render"], &[("ROLECALL_KILL_AT", "write-temporary:2")]);
    assert!(
        run.stderr.contains("killed at crash point"),
        "{}",
        run.stderr
    );
    let left = project.leftovers();
    assert!(
        left.iter()
            .any(|p| p.rsplit_once('.').is_some_and(|(_, ext)| ext == "tmp")),
        "the kill left a temporary: {left:?}"
    );
    // Reading commands leave them alone; the next writing run removes them.
    project.run(&["render", "--check"]).code(1);
    assert_eq!(project.leftovers(), left);
    project.run(&["render"]).code(0);
    assert_no_leftovers(&project, "after the next render");
    assert!(!Path::new(&left[0]).exists());
}
