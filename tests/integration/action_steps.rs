//! The shell steps of the repository's `action.yml`, run the way a GitHub
//! runner runs a composite action: each `run:` through `bash -eo pipefail`
//! with its `env:` expressions filled in, `GITHUB_OUTPUT` read back into
//! the step's outputs and `if:` conditions honoured. The cache step is
//! played as a cache hit, with the binary under test where the cache
//! would restore it (the build itself runs in `pre_commit`, which installs
//! with the same `cargo install --path`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{CLEAN_RECORD, NOW, PEOPLE, Project, ROLECALL, Run};

/// What a run of the action left: the last step's result and every
/// step's outputs.
struct ActionRun {
    last: Run,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
}

fn action() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    serde_saphyr::from_str(&std::fs::read_to_string(path).expect("action.yml")).expect("YAML")
}

/// The value of one `${{ … }}` expression.
fn evaluate(
    expression: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let expression = expression.trim();
    if let Some(name) = expression.strip_prefix("inputs.") {
        return inputs[name].clone();
    }
    if let Some(rest) = expression.strip_prefix("steps.") {
        let (id, key) = rest.split_once(".outputs.").expect("steps.ID.outputs.KEY");
        return outputs
            .get(id)
            .and_then(|o| o.get(key))
            .cloned()
            .unwrap_or_default();
    }
    match expression {
        "github.action_ref" => "v1".to_owned(),
        "github.action_repository" => "my-org/rolecall".to_owned(),
        "runner.os" => "Linux".to_owned(),
        "runner.arch" => "X64".to_owned(),
        other => panic!("the test knows no expression `{other}`: teach it"),
    }
}

/// `text` with every `${{ … }}` replaced.
fn fill(
    text: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("a closed expression") + start;
        out.push_str(&evaluate(&rest[start + 3..end], inputs, outputs));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Whether a step's `if:` holds; the action compares with `!=` only.
fn holds(condition: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>) -> bool {
    let (left, right) = condition
        .split_once(" != ")
        .unwrap_or_else(|| panic!("the test knows no condition `{condition}`: teach it"));
    evaluate(left, &BTreeMap::new(), outputs) != right.trim().trim_matches('\'')
}

/// Runs the action's steps in `project` with `given` inputs and a cache
/// hit, stopping at the first failing step as a runner does.
fn run_action(project: &Project, given: &[(&str, &str)]) -> ActionRun {
    run_action_with(project, given, true)
}

/// [`run_action`], with a cache hit or a miss (then the install step builds
/// rolecall with cargo, into `target/pre-commit/` as `pre_commit` does).
fn run_action_with(project: &Project, given: &[(&str, &str)], cache_hit: bool) -> ActionRun {
    let action = action();
    let mut inputs = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().expect("inputs") {
        let default = spec["default"].as_str().unwrap_or_default().to_owned();
        inputs.insert(name.clone(), default);
    }
    for (name, value) in given {
        assert!(inputs.contains_key(*name), "the action has no input {name}");
        inputs.insert((*name).to_owned(), (*value).to_owned());
    }
    let runner = tempfile::tempdir().expect("runner folder");
    let runner_temp = runner.path().join("temp");
    std::fs::create_dir_all(&runner_temp).expect("RUNNER_TEMP");
    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut last = None;
    for (index, step) in action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .enumerate()
    {
        let id = step["id"].as_str().unwrap_or("").to_owned();
        if let Some(uses) = step["uses"].as_str() {
            assert!(uses.starts_with("actions/cache@"), "an unknown step {uses}");
            let path = PathBuf::from(fill(
                step["with"]["path"].as_str().expect("path"),
                &inputs,
                &outputs,
            ));
            if cache_hit {
                let bin = path.join("bin");
                std::fs::create_dir_all(&bin).expect("cached bin folder");
                std::fs::copy(ROLECALL, bin.join("rolecall")).expect("restore the binary");
            }
            outputs
                .entry(id)
                .or_default()
                .insert("cache-hit".to_owned(), cache_hit.to_string());
            continue;
        }
        if step["if"].as_str().is_some_and(|c| !holds(c, &outputs)) {
            continue;
        }
        let script = runner.path().join(format!("step-{index}.sh"));
        std::fs::write(&script, step["run"].as_str().expect("a run step")).expect("script");
        let output_file = runner.path().join(format!("output-{index}"));
        std::fs::write(&output_file, "").expect("GITHUB_OUTPUT");
        let dir = step["working-directory"].as_str().map_or_else(
            || project.path().to_owned(),
            |d| project.path().join(fill(d, &inputs, &outputs)),
        );
        let mut command = crate::harness::isolated("bash", &dir, project.path());
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("RUNNER_TEMP", &runner_temp);
        // cargo and rustup keep their homes, which the isolated HOME hides.
        let real_home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let cargo_home =
            std::env::var_os("CARGO_HOME").map_or_else(|| real_home.join(".cargo"), PathBuf::from);
        let rustup_home = std::env::var_os("RUSTUP_HOME")
            .map_or_else(|| real_home.join(".rustup"), PathBuf::from);
        command
            .env("CARGO_HOME", cargo_home)
            .env("RUSTUP_HOME", rustup_home)
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit"),
            );
        if let Some(env) = step["env"].as_object() {
            for (key, value) in env {
                command.env(key, fill(value.as_str().expect("text"), &inputs, &outputs));
            }
        }
        let run = Run::from_output(&command.output().expect("run bash"));
        let written = std::fs::read_to_string(&output_file).expect("read GITHUB_OUTPUT");
        for line in written.lines() {
            let (key, value) = line.split_once('=').expect("key=value");
            outputs
                .entry(id.clone())
                .or_default()
                .insert(key.to_owned(), value.to_owned());
        }
        let failed = run.code != 0;
        last = Some(run);
        if failed {
            break;
        }
    }
    ActionRun {
        last: last.expect("a step ran"),
        outputs,
    }
}

fn clean_project() -> Project {
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", CLEAN_RECORD);
    project.commit_all("a record");
    project
}

#[test]
fn the_action_runs_check_with_its_arguments() {
    let project = clean_project();
    let run = run_action(&project, &[("args", &format!("--now {NOW} --format json"))]);
    run.last.code(0);
    let report: Value = serde_json::from_str(&run.last.stdout).expect("a JSON report");
    assert_eq!(report["incidents"], 1);
    assert_eq!(run.outputs["run"]["exit-code"], "0");
    // The binary is cached by the runner, the action's ref and a digest of
    // its source.
    let key = &run.outputs["source"]["key"];
    let digest = key
        .strip_prefix("path-v1-")
        .unwrap_or_else(|| panic!("{key}"));
    assert!(
        digest.len() == 16 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
        "{key}"
    );
}

#[test]
fn the_action_fails_with_rolecalls_exit_code() {
    let project = clean_project();
    project.record("INC-2", &CLEAN_RECORD.replace("  tech_lead: bob\n", ""));
    let run = run_action(
        &project,
        &[("args", &format!("--now {NOW} --format github"))],
    );
    run.last.code(1);
    assert!(
        run.last
            .stdout
            .contains("::error file=incidents/INC-2.yaml"),
        "{}",
        run.last.stdout
    );
    assert_eq!(run.outputs["run"]["exit-code"], "1");
}

#[test]
fn quoted_arguments_stay_one_word() {
    let project = clean_project();
    let run = run_action(
        &project,
        &[
            ("command", "render"),
            ("args", "--message \"Render the incident documents\""),
        ],
    );
    run.last.code(0);
    assert_eq!(
        project.git_ok(&["log", "-1", "--format=%s"]),
        "Render the incident documents\n"
    );
}

#[test]
fn the_action_writes_a_sarif_log_to_a_file_in_a_subfolder() {
    let project = Project::git();
    project.file("ops/people.yaml", PEOPLE).file(
        "ops/incidents/INC-1.yaml",
        CLEAN_RECORD.replace("  tech_lead: bob\n", ""),
    );
    let run = run_action(
        &project,
        &[
            ("args", "--format sarif"),
            ("working-directory", "ops"),
            ("output-file", "rolecall.sarif"),
        ],
    );
    run.last.code(1);
    assert_eq!(run.last.stdout, "");
    let log: Value = serde_json::from_str(&project.read("ops/rolecall.sarif")).expect("SARIF");
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "ops/incidents/INC-1.yaml");
}

#[test]
fn the_action_refuses_a_command_it_does_not_run() {
    let project = clean_project();
    let run = run_action(&project, &[("command", "new")]);
    run.last.code(2);
    assert!(
        run.last
            .stdout
            .contains("::error title=rolecall::command must be check, render, notify or remind"),
        "{}",
        run.last.stdout
    );
    assert!(!run.outputs.contains_key("run"), "rolecall ran");
}

#[test]
fn a_ref_input_keys_the_cache_by_that_ref() {
    let project = clean_project();
    let run = run_action(
        &project,
        &[("ref", "0123abcd"), ("args", &format!("--now {NOW}"))],
    );
    run.last.code(0);
    assert_eq!(run.outputs["source"]["key"], "ref-0123abcd");
}

#[test]
fn on_a_cache_miss_the_action_builds_rolecall_from_its_own_files() {
    let project = clean_project();
    let run = run_action_with(&project, &[("args", &format!("--now {NOW}"))], false);
    run.last.code(0);
    assert!(
        run.last.stdout.contains("checked 1 incident: 0 errors"),
        "{}",
        run.last.stdout
    );
    assert_eq!(run.outputs["run"]["exit-code"], "0");
}

#[test]
fn the_action_runs_notify_and_remind() {
    let project = clean_project();
    project.record("INC-2", &CLEAN_RECORD.replace("INC-1", "INC-2"));
    project.commit_all("a second record");
    let run = run_action(
        &project,
        &[
            ("command", "notify"),
            (
                "args",
                &format!("--since HEAD~1 --until HEAD --format json --dry-run --now {NOW}"),
            ),
        ],
    );
    run.last.code(0);
    let body: Value = serde_json::from_str(&run.last.stdout).expect("the payload");
    // Only the new record's events: what the commit changed.
    let events = body["events"].as_array().expect("events");
    assert!(events.iter().all(|e| e["incident"] == "INC-2"), "{body}");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["declared", "update-posted", "resolved"], "{body}");
    // Nothing is late in the clean records, so remind succeeds.
    let run = run_action(
        &project,
        &[
            ("command", "remind"),
            ("args", &format!("--now {NOW} --dry-run")),
        ],
    );
    run.last.code(0);
    assert_eq!(run.outputs["run"]["exit-code"], "0");
}
