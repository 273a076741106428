//! Adoption in CI (issue 15): the CI files `rolecall init` writes and the
//! repository's own `action.yml`, each checked by the validator of the
//! tool that reads it (`check-jsonschema` with GitHub's and GitLab's
//! schemas), then read for what they do; the action's shell steps run for
//! real the way a runner runs them.
//!
//! The validators come from `.ci/run`'s virtual environment (or the folder
//! `ROLECALL_CI_TOOLS` names). Without them a test says so and passes,
//! except in CI (`CI` set), where a missing tool fails it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::{Project, Run};

/// The folder of the outside tools the tests run.
fn tools_dir() -> PathBuf {
    std::env::var_os("ROLECALL_CI_TOOLS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/venv/bin"),
        PathBuf::from,
    )
}

/// The outside tool `name`, or `None` (after saying so) outside CI.
pub fn tool(name: &str) -> Option<PathBuf> {
    let path = tools_dir().join(name);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing: .ci/run installs it",
        path.display()
    );
    eprintln!(
        "skipped: {} is missing (install it as .ci/run does)",
        path.display()
    );
    None
}

/// `check-jsonschema --builtin-schema SCHEMA FILE`.
fn validate(schema: &str, file: &Path) -> Option<Run> {
    let program = tool("check-jsonschema")?;
    let output = Command::new(program)
        .args(["--builtin-schema", schema])
        .arg(file)
        .output()
        .expect("run check-jsonschema");
    Some(Run::from_output(&output))
}

#[track_caller]
fn assert_valid(schema: &str, file: &Path) {
    if let Some(run) = validate(schema, file) {
        assert_eq!(
            run.code,
            0,
            "{} against {schema}:\n{}{}",
            file.display(),
            run.stdout,
            run.stderr
        );
    }
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("YAML")
}

/// Runs `rolecall init sub ARGS` in a new project; the project and what
/// init printed.
fn init(args: &[&str]) -> (Project, Run) {
    let project = Project::new();
    let mut all = vec!["init", "sub"];
    all.extend_from_slice(args);
    let run = project.run(&all);
    run.code(0);
    (project, run)
}

/// The lines around each block init writes commented out.
const BEGIN: &str = "# >>> rolecall notify";
const END: &str = "# <<< rolecall notify";

/// `text` with its commented blocks turned on, as a user uncomments them:
/// between the marker lines, the `# ` after each line's indentation goes
/// (a bare `#` becomes an empty line). The result and the number of blocks.
pub fn uncommented(text: &str) -> (String, usize) {
    let mut out = String::new();
    let mut blocks = 0;
    let mut inside = false;
    for line in text.lines() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        if body == BEGIN {
            assert!(!inside, "a block opens inside a block:\n{text}");
            inside = true;
            blocks += 1;
        } else if body == END {
            assert!(inside, "a block closes that never opened:\n{text}");
            inside = false;
        } else if inside && body == "#" {
            out.push('\n');
        } else if inside {
            let code = body
                .strip_prefix("# ")
                .unwrap_or_else(|| panic!("a line in a block is not commented: {line:?}"));
            out.push_str(indent);
            out.push_str(code);
            out.push('\n');
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!inside, "a block is never closed:\n{text}");
    (out, blocks)
}

const WORKFLOW: &str = "sub/.github/workflows/rolecall.yml";
const GITLAB: &str = "sub/.gitlab-ci.yml";

/// Every GitHub variant: action or git install, push or pull request.
const GITHUB_VARIANTS: &[&[&str]] = &[
    &[],
    &["--action", "my-org/rolecall@v1"],
    &["--action", "my-org/rolecall@v1", "--render-via", "pr"],
    &["--install-from", "https://example.com/rolecall.git"],
    &[
        "--install-from",
        "https://example.com/rolecall.git",
        "--render-via",
        "pr",
    ],
];

#[test]
fn every_init_workflow_passes_githubs_workflow_schema() {
    for args in GITHUB_VARIANTS {
        let (project, _) = init(args);
        assert_valid("vendor.github-workflows", &project.abs(WORKFLOW));
        assert!(!project.exists(GITLAB), "{args:?}");
    }
}

#[test]
fn every_init_gitlab_configuration_passes_gitlabs_schema() {
    for args in [
        &["--ci", "gitlab"][..],
        &[
            "--ci",
            "gitlab",
            "--install-from",
            "https://gitlab.example.com/tools/rolecall.git",
            "--render-via",
            "pr",
        ],
    ] {
        let (project, _) = init(args);
        assert_valid("vendor.gitlab-ci", &project.abs(GITLAB));
        assert!(!project.exists(WORKFLOW), "{args:?}");
    }
}

/// The webhook a notification step reads.
const WEBHOOK_SECRET: &str = "${{ secrets.ROLECALL_WEBHOOK }}";

/// The rolecall command line of a step, as `command args` of the action
/// or the text of `run:`.
fn command_line(step: &Value) -> String {
    step["run"].as_str().map_or_else(
        || {
            format!(
                "rolecall {} {}",
                step["with"]["command"].as_str().expect("a command"),
                step["with"]["args"].as_str().unwrap_or_default()
            )
        },
        str::to_owned,
    )
}

#[test]
fn the_workflows_notification_jobs_are_off_and_pass_the_schema_when_turned_on() {
    for args in GITHUB_VARIANTS {
        let (project, _) = init(args);
        let text = project.read(WORKFLOW);
        let off = yaml(&text);
        assert!(off["on"]["schedule"].is_null(), "{args:?}");
        assert!(off["jobs"]["notify"].is_null() && off["jobs"]["remind"].is_null());
        assert_eq!(
            text.matches(
                "# Notifications: add the Actions secret ROLECALL_WEBHOOK, then uncomment"
            )
            .count(),
            2,
            "{text}"
        );
        let (on, blocks) = uncommented(&text);
        assert_eq!(blocks, 2, "{text}");
        project.file(WORKFLOW, &on);
        assert_valid("vendor.github-workflows", &project.abs(WORKFLOW));
        let workflow = yaml(&on);
        assert_eq!(workflow["on"]["schedule"][0]["cron"], "*/30 * * * *");
        let notify = &workflow["jobs"]["notify"];
        let condition = notify["if"].as_str().expect("a condition");
        for part in [
            "github.event_name == 'push'",
            "github.ref_name == github.event.repository.default_branch",
            "github.event.before != '0000000000000000000000000000000000000000'",
        ] {
            assert!(condition.contains(part), "{condition}");
        }
        let notify_steps = steps(&workflow, "notify");
        assert_eq!(notify_steps[0]["with"]["fetch-depth"], 0);
        let sending = step(notify_steps, "Send what the push changed");
        assert_eq!(sending["env"]["ROLECALL_WEBHOOK"], WEBHOOK_SECRET);
        let docs = "--docs-url \"${{ github.server_url }}/${{ github.repository }}/blob/${{ github.ref_name }}\"";
        assert_eq!(
            command_line(sending),
            format!(
                "rolecall notify --since \"${{{{ github.event.before }}}}\" --until \"${{{{ github.sha }}}}\" {docs}"
            )
        );
        assert_eq!(
            workflow["jobs"]["remind"]["if"],
            "github.event_name == 'schedule'"
        );
        let reminding = step(steps(&workflow, "remind"), "Remind of what is late");
        assert_eq!(reminding["env"]["ROLECALL_WEBHOOK"], WEBHOOK_SECRET);
        assert_eq!(command_line(reminding), format!("rolecall remind {docs}"));
        // Installed the way the other jobs install rolecall.
        for job in ["notify", "remind"] {
            let job_steps = steps(&workflow, job);
            if args.contains(&"--install-from") {
                step(job_steps, "Install rolecall");
            } else {
                let action = args.get(1).copied().unwrap_or("OWNER/REPO@REF");
                assert_eq!(job_steps.last().expect("a step")["uses"], action, "{job}");
            }
        }
    }
}

#[test]
fn the_gitlab_notification_jobs_are_off_and_pass_the_schema_when_turned_on() {
    for args in [
        &["--ci", "gitlab"][..],
        &["--ci", "gitlab", "--render-via", "pr"],
    ] {
        let (project, _) = init(args);
        let text = project.read(GITLAB);
        let off = yaml(&text);
        assert!(off["rolecall-notify"].is_null() && off["rolecall-remind"].is_null());
        assert!(
            text.contains("\n# Notifications: add the masked CI/CD variable ROLECALL_WEBHOOK, uncomment the block below and schedule a pipeline for remind.\n# >>> rolecall notify\n"),
            "{text}"
        );
        let (on, blocks) = uncommented(&text);
        assert_eq!(blocks, 1, "{text}");
        project.file(GITLAB, &on);
        assert_valid("vendor.gitlab-ci", &project.abs(GITLAB));
        let config = yaml(&on);
        let notify = &config["rolecall-notify"];
        assert_eq!(notify["extends"], ".rolecall");
        assert_eq!(notify["variables"]["GIT_DEPTH"], "0");
        assert_eq!(
            notify["rules"][0]["if"],
            "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_BEFORE_SHA != \"0000000000000000000000000000000000000000\""
        );
        assert_eq!(
            notify["script"][0],
            "rolecall notify --since \"$CI_COMMIT_BEFORE_SHA\" --until \"$CI_COMMIT_SHA\" --docs-url \"$CI_PROJECT_URL/-/blob/$CI_DEFAULT_BRANCH\""
        );
        let remind = &config["rolecall-remind"];
        assert_eq!(remind["extends"], ".rolecall");
        assert_eq!(
            remind["rules"][0]["if"],
            "$CI_PIPELINE_SOURCE == \"schedule\""
        );
        assert_eq!(
            remind["script"][0],
            "rolecall remind --docs-url \"$CI_PROJECT_URL/-/blob/$CI_DEFAULT_BRANCH\""
        );
    }
}

#[test]
fn uncommenting_refuses_a_block_it_cannot_turn_on() {
    let (on, blocks) =
        uncommented("a: 1\n  # >>> rolecall notify\n  # b: 2\n  #\n  # <<< rolecall notify\n");
    assert_eq!((on.as_str(), blocks), ("a: 1\n  b: 2\n\n", 1));
    for broken in [
        "# >>> rolecall notify\nb: 2\n# <<< rolecall notify\n",
        "# >>> rolecall notify\n# b: 2\n",
        "# <<< rolecall notify\n",
    ] {
        assert!(
            std::panic::catch_unwind(|| uncommented(broken)).is_err(),
            "{broken:?}"
        );
    }
}

#[test]
fn the_repositorys_action_passes_githubs_action_schema() {
    let action = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    assert_valid("vendor.github-actions", &action);
    let action = yaml(&std::fs::read_to_string(&action).expect("action.yml"));
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["command", "args", "ref"] {
        assert!(action["inputs"][input].is_object(), "no input {input}");
    }
}

#[test]
fn the_validators_reject_broken_files() {
    // The checks above can fail: a workflow job without `runs-on`, a GitLab
    // job with an unknown key and an action without `runs` are refused.
    let project = Project::new();
    project.file(
        "workflow.yml",
        "on: push\njobs:\n  a:\n    steps:\n      - run: true\n",
    );
    project.file("gitlab.yml", "job:\n  script: [true]\n  scirpt: [true]\n");
    project.file("action.yml", "name: a\ndescription: b\n");
    for (schema, file) in [
        ("vendor.github-workflows", "workflow.yml"),
        ("vendor.gitlab-ci", "gitlab.yml"),
        ("vendor.github-actions", "action.yml"),
    ] {
        if let Some(run) = validate(schema, &project.abs(file)) {
            assert_eq!(run.code, 1, "{file} passed {schema}: {}", run.stdout);
        }
    }
}

/// The steps of job `name`.
fn steps<'a>(workflow: &'a Value, name: &str) -> &'a [Value] {
    workflow["jobs"][name]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job {name} has no steps"))
}

fn step<'a>(steps: &'a [Value], name: &str) -> &'a Value {
    steps
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name:?} in {steps:?}"))
}

#[test]
fn the_action_workflow_checks_pull_requests_and_renders_the_default_branch() {
    let (project, run) = init(&["--action", "my-org/rolecall@v1"]);
    assert!(!run.stdout.contains("replace"), "{}", run.stdout);
    let workflow = yaml(&project.read(WORKFLOW));
    assert_eq!(
        workflow["jobs"]["check"]["if"],
        "github.event_name == 'pull_request'"
    );
    let check = steps(&workflow, "check");
    assert_eq!(
        check[0]["with"]["fetch-depth"], 0,
        "a full history for the merge base"
    );
    let records = step(check, "Check the changed records");
    assert_eq!(records["uses"], "my-org/rolecall@v1");
    assert_eq!(records["with"]["command"], "check");
    assert_eq!(
        records["with"]["args"],
        "--format github --changed-since origin/${{ github.base_ref }}"
    );
    // `render --check` runs only when the workflow's switch says so, and
    // the switch is off.
    let documents = step(check, "Check the documents are current");
    assert_eq!(documents["if"], "env.ROLECALL_RENDER_CHECK == 'true'");
    assert_eq!(
        (&documents["with"]["command"], &documents["with"]["args"]),
        (&Value::from("render"), &Value::from("--check"))
    );
    assert_eq!(workflow["env"]["ROLECALL_RENDER_CHECK"], "false");

    let render = &workflow["jobs"]["render"];
    assert!(
        render["if"].as_str().is_some_and(
            |c| c.contains("'push'") && c.contains("github.event.repository.default_branch")
        ),
        "{render}"
    );
    assert_eq!(
        render["concurrency"]["group"],
        "rolecall-render-${{ github.ref }}"
    );
    assert_eq!(render["concurrency"]["cancel-in-progress"], false);
    assert_eq!(render["permissions"]["contents"], "write");
    assert_eq!(workflow["permissions"]["contents"], "read");
    let render_steps = steps(&workflow, "render");
    let names: Vec<&str> = render_steps
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Set the identity of the documents' commit",
            "Render and commit the documents",
            "Push the documents"
        ]
    );
    let rendering = step(render_steps, "Render and commit the documents");
    assert_eq!(rendering["uses"], "my-org/rolecall@v1");
    assert_eq!(rendering["with"]["command"], "render");
    assert_eq!(
        step(render_steps, "Push the documents")["run"],
        "git push origin \"HEAD:$GITHUB_REF_NAME\""
    );
}

#[test]
fn without_an_action_the_workflow_holds_a_placeholder_and_init_says_so() {
    let (project, run) = init(&[]);
    let text = project.read(WORKFLOW);
    assert_eq!(text.matches("uses: OWNER/REPO@REF").count(), 5, "{text}");
    assert!(
        run.stdout
            .contains("next: in .github/workflows/rolecall.yml, replace OWNER/REPO@REF"),
        "{}",
        run.stdout
    );
}

#[test]
fn render_via_pr_proposes_the_documents_instead_of_pushing() {
    let (project, _) = init(&["--action", "o/r@v1", "--render-via", "pr"]);
    let workflow = yaml(&project.read(WORKFLOW));
    let render = &workflow["jobs"]["render"];
    assert_eq!(render["permissions"]["pull-requests"], "write");
    let render_steps = steps(&workflow, "render");
    assert!(
        render_steps
            .iter()
            .all(|s| s["name"] != "Push the documents")
    );
    let propose = step(render_steps, "Propose the documents in a pull request");
    assert_eq!(propose["env"]["BRANCH"], "rolecall/render");
    let script = propose["run"].as_str().expect("a script");
    assert!(
        script.contains("git push --force origin \"HEAD:refs/heads/$BRANCH\""),
        "{script}"
    );
    assert!(
        script.contains("gh pr create --base \"$GITHUB_REF_NAME\""),
        "{script}"
    );
}

#[test]
fn install_from_builds_rolecall_from_git_with_a_cache() {
    let url = "https://example.com/rolecall.git";
    let (project, _) = init(&["--install-from", url]);
    let workflow = yaml(&project.read(WORKFLOW));
    for job in ["check", "render"] {
        let job_steps = steps(&workflow, job);
        let cache = step(job_steps, "Restore rolecall from the cache");
        assert_eq!(cache["uses"], "actions/cache@v4");
        assert_eq!(
            cache["with"]["key"],
            "rolecall-${{ runner.os }}-${{ runner.arch }}-${{ steps.rolecall-rev.outputs.rev }}"
        );
        let install = step(job_steps, "Install rolecall");
        assert_eq!(
            install["if"],
            "steps.rolecall-cache.outputs.cache-hit != 'true'"
        );
        assert_eq!(
            install["run"],
            format!("cargo install --locked --git '{url}' --rev \"$REV\" --root ~/.rolecall")
        );
        assert!(job_steps.iter().all(|s| s["uses"] != "OWNER/REPO@REF"));
    }
    let check = steps(&workflow, "check");
    assert_eq!(
        step(check, "Check the changed records")["run"],
        "rolecall check --format github --changed-since \"origin/$GITHUB_BASE_REF\""
    );
    assert_eq!(
        step(check, "Check the documents are current")["if"],
        "env.ROLECALL_RENDER_CHECK == 'true'"
    );
}

#[test]
fn the_gitlab_configuration_checks_merge_requests_and_renders_the_default_branch() {
    let url = "https://gitlab.example.com/tools/rolecall.git";
    let (project, run) = init(&["--ci", "gitlab", "--install-from", url]);
    assert!(!run.stdout.contains("replace"), "{}", run.stdout);
    let config = yaml(&project.read(GITLAB));
    assert_eq!(config["variables"]["ROLECALL_GIT_URL"], url);
    assert_eq!(config["variables"]["ROLECALL_RENDER_CHECK"], "false");
    let check = &config["rolecall-check"];
    assert_eq!(
        check["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
    let report = check["artifacts"]["reports"]["codequality"]
        .as_str()
        .expect("a Code Quality report");
    let script: Vec<&str> = check["script"]
        .as_array()
        .expect("a script")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        script.contains(
            &format!(
                "rolecall check --format gitlab --changed-since \"$target\" > {report} || true"
            )
            .as_str()
        ),
        "{script:?}"
    );
    assert!(
        script.contains(&"rolecall check --changed-since \"$target\""),
        "{script:?}"
    );
    assert_eq!(check["artifacts"]["when"], "always");
    let render = &config["rolecall-render"];
    assert_eq!(
        render["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    );
    assert_eq!(render["resource_group"], "rolecall-render");
    let render_script = render["script"].to_string();
    assert!(render_script.contains("rolecall render"), "{render_script}");
    assert!(
        render_script.contains("HEAD:$CI_COMMIT_BRANCH"),
        "{render_script}"
    );
    // The install template builds once per revision and caches the binary.
    let template = &config[".rolecall"];
    assert_eq!(template["cache"]["paths"][0], ".rolecall/");
    assert!(
        template["before_script"][0].as_str().is_some_and(|s| s
            .contains("cargo install --locked --force --git \"$ROLECALL_GIT_URL\" --rev \"$rev\"")),
        "{template}"
    );
    // Merge-request mode pushes to a branch with GitLab's push options.
    let (project, _) = init(&["--ci", "gitlab", "--render-via", "pr"]);
    let text = project.read(GITLAB);
    assert!(text.contains("-o merge_request.create"), "{text}");
    assert!(text.contains("HEAD:refs/heads/rolecall/render"), "{text}");
}

#[test]
fn bad_init_flags_are_refused_before_anything_is_written() {
    for args in [
        &["--action", "not-an-action"][..],
        &["--action", "org/repo@v1; rm -rf /"],
        &["--ci", "gitlab", "--action", "org/repo@v1"],
        &["--install-from", "example.com/rolecall"],
        &["--install-from", "https://example.com/$(id)"],
        &[
            "--action",
            "org/repo@v1",
            "--install-from",
            "https://example.com/r.git",
        ],
        &["--ci", "circle"],
        &["--render-via", "email"],
    ] {
        let project = Project::new();
        let mut all = vec!["init", "sub"];
        all.extend_from_slice(args);
        let run = project.run(&all);
        run.code(2);
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
        assert!(!project.exists("sub"), "{args:?} wrote files");
    }
}

#[test]
fn the_readme_shows_what_init_writes() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let (project, _) = init(&["--action", "my-org/rolecall@v1"]);
    let workflow = project.read(WORKFLOW);
    assert!(
        readme.contains(&format!("```yaml\n{workflow}```\n")),
        "README's workflow differs from init's:\n{workflow}"
    );
    let (project, _) = init(&[
        "--ci",
        "gitlab",
        "--install-from",
        "https://gitlab.example.com/tools/rolecall.git",
    ]);
    let gitlab = project.read(GITLAB);
    assert!(
        readme.contains(&format!("```yaml\n{gitlab}```\n")),
        "README's GitLab configuration differs from init's:\n{gitlab}"
    );
    // rolecall is not on crates.io: no job may install it from there.
    assert!(!readme.contains("cargo install --locked rolecall"));
}

/// The shell scripts of a workflow or action: every `run:`, with each
/// `${{ … }}` expression replaced by a word, as GitHub fills it in.
fn github_scripts(file: &Value) -> Vec<String> {
    let mut steps: Vec<&Value> = Vec::new();
    if let Some(jobs) = file["jobs"].as_object() {
        for job in jobs.values() {
            steps.extend(job["steps"].as_array().into_iter().flatten());
        }
    }
    steps.extend(file["runs"]["steps"].as_array().into_iter().flatten());
    steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .map(|script| {
            let mut out = String::new();
            let mut rest = script;
            while let Some(start) = rest.find("${{") {
                out.push_str(&rest[..start]);
                let end = rest[start..].find("}}").expect("a closed expression") + start;
                out.push_str("filled");
                rest = &rest[end + 2..];
            }
            out.push_str(rest);
            out
        })
        .collect()
}

/// The shell script of each GitLab job: its template's `before_script`
/// and its own `script`, one line after another, as the runner runs them.
fn gitlab_scripts(file: &Value) -> Vec<String> {
    let object = file.as_object().expect("a mapping");
    let lines = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    object
        .values()
        .filter(|job| job["script"].is_array())
        .map(|job| {
            let mut script = job["extends"]
                .as_str()
                .map(|t| lines(&file[t]["before_script"]))
                .unwrap_or_default();
            script.extend(lines(&job["script"]));
            script.join("\n")
        })
        .collect()
}

/// `shellcheck -s bash` over `script`: what it says, when it says anything.
fn shellcheck(shellcheck: &Path, script: &str) -> Option<String> {
    let file = tempfile::NamedTempFile::new().expect("temporary file");
    std::fs::write(file.path(), script).expect("write the script");
    let output = Command::new(shellcheck)
        .args(["-s", "bash"])
        .arg(file.path())
        .output()
        .expect("run shellcheck");
    let run = Run::from_output(&output);
    (run.code != 0).then(|| format!("{}{}\n--- script\n{script}", run.stdout, run.stderr))
}

#[test]
fn every_shell_script_passes_shellcheck() {
    let Some(program) = tool("shellcheck") else {
        return;
    };
    let mut scripts = Vec::new();
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    scripts.extend(github_scripts(&yaml(&action)));
    for args in GITHUB_VARIANTS {
        let (project, _) = init(args);
        // With the notification jobs turned on: they hold scripts too.
        scripts.extend(github_scripts(&yaml(
            &uncommented(&project.read(WORKFLOW)).0,
        )));
    }
    for args in [
        &["--ci", "gitlab"][..],
        &["--ci", "gitlab", "--render-via", "pr"],
    ] {
        let (project, _) = init(args);
        scripts.extend(gitlab_scripts(&yaml(&uncommented(&project.read(GITLAB)).0)));
    }
    assert!(scripts.len() >= 20, "found {} scripts", scripts.len());
    let complaints: Vec<String> = scripts
        .iter()
        .filter_map(|script| shellcheck(&program, script))
        .collect();
    assert!(complaints.is_empty(), "{}", complaints.join("\n\n"));
    // shellcheck does complain, about an unquoted variable for one.
    assert!(shellcheck(&program, "rm $file\n").is_some());
}
