//! The jobs of the `.gitlab-ci.yml` that `rolecall init --ci gitlab`
//! writes, run the way a GitLab runner runs them: `before_script` and
//! `script` lines through `bash -eo pipefail` in a fresh clone of a real
//! (bare) origin, with GitLab's variables set. The job cache is played as a
//! hit: the binary under test sits in `.rolecall/bin` beside the revision
//! `git ls-remote` reports for `ROLECALL_GIT_URL`.

use serde_json::Value;

use crate::harness::{CLEAN_RECORD, PEOPLE, Project, ROLECALL, Run};
use crate::webhook::Receiver;

/// The configuration init writes with `args`, as YAML.
fn configuration(args: &[&str]) -> Value {
    let project = Project::new();
    let mut all = vec!["init", "sub", "--ci", "gitlab"];
    all.extend_from_slice(args);
    project.run(&all).code(0);
    serde_saphyr::from_str(&project.read("sub/.gitlab-ci.yml")).expect("YAML")
}

/// A bare origin whose `main` holds a roster and one clean record, inside
/// `project` (which is only the temporary folder here).
fn origin(project: &Project) {
    origin_with(project, CLEAN_RECORD);
}

/// The same origin with `record` as INC-1.
fn origin_with(project: &Project, record: &str) {
    project.git_ok(&["init", "-q", "--bare", "-b", "main", "origin.git"]);
    project.git_ok(&[
        "-C",
        "origin.git",
        "config",
        "receive.advertisePushOptions",
        "true",
    ]);
    project.git_ok(&["clone", "-q", "origin.git", "seed"]);
    project
        .file("seed/people.yaml", PEOPLE)
        .file("seed/incidents/INC-1.yaml", record);
    author(project, "seed");
    project.git_ok(&["-C", "seed", "add", "-A"]);
    project.git_ok(&["-C", "seed", "commit", "-q", "-m", "first record"]);
    project.git_ok(&["-C", "seed", "push", "-q", "origin", "HEAD:main"]);
}

fn author(project: &Project, dir: &str) {
    project.git_ok(&["-C", dir, "config", "user.name", "Test User"]);
    project.git_ok(&["-C", dir, "config", "user.email", "test@example.com"]);
}

/// Clones `branch` of the origin into `dir` as the runner does, with the
/// cached rolecall in place.
fn runner_clone(project: &Project, branch: &str, dir: &str) {
    project.git_ok(&["clone", "-q", "-b", branch, "origin.git", dir]);
    let bin = project.abs(&format!("{dir}/.rolecall/bin"));
    std::fs::create_dir_all(&bin).expect("cache folder");
    std::fs::copy(ROLECALL, bin.join("rolecall")).expect("cached binary");
    // A clone also lists refs/remotes/origin/HEAD: the revision is the
    // line of HEAD itself.
    let listed = project.git_ok(&["ls-remote", env!("CARGO_MANIFEST_DIR"), "HEAD"]);
    let rev = listed
        .lines()
        .find_map(|line| line.strip_suffix("\tHEAD"))
        .expect("a revision");
    project.file(&format!("{dir}/.rolecall/rev"), format!("{rev}\n"));
}

/// Runs job `name` of `config` in `dir` with GitLab's `variables`.
fn run_job(
    project: &Project,
    config: &Value,
    name: &str,
    dir: &str,
    variables: &[(&str, String)],
) -> Run {
    let job = &config[name];
    let template = &config[job["extends"].as_str().expect("extends")];
    let lines = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("a list of lines")
            .iter()
            .map(|l| l.as_str().expect("a line").to_owned())
            .collect()
    };
    let mut script = lines(&template["before_script"]);
    script.extend(lines(&job["script"]));
    let file = project.abs(&format!("{name}.sh"));
    std::fs::write(&file, script.join("\n")).expect("script");
    let mut command = crate::harness::isolated("bash", &project.abs(dir), project.path());
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file);
    for (key, value) in config["variables"].as_object().expect("variables") {
        command.env(key, value.as_str().expect("text"));
    }
    command.env("ROLECALL_GIT_URL", env!("CARGO_MANIFEST_DIR"));
    for (key, value) in variables {
        command.env(key, value);
    }
    Run::from_output(&command.output().expect("run bash"))
}

/// A merge request branch `feature` adding `record` as INC-2.
fn merge_request(project: &Project, record: &str) {
    project.git_ok(&["-C", "seed", "checkout", "-q", "-b", "feature"]);
    project.file("seed/incidents/INC-2.yaml", record);
    project.git_ok(&["-C", "seed", "add", "-A"]);
    project.git_ok(&["-C", "seed", "commit", "-q", "-m", "second record"]);
    project.git_ok(&["-C", "seed", "push", "-q", "origin", "feature"]);
}

fn mr_variables() -> Vec<(&'static str, String)> {
    vec![
        ("CI_PIPELINE_SOURCE", "merge_request_event".to_owned()),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main".to_owned()),
    ]
}

#[test]
fn the_check_job_reports_the_merge_requests_records_as_code_quality() {
    let config = configuration(&[]);
    let project = Project::new();
    // INC-1 on main already lacks its tech lead, and so does INC-2 of the
    // merge request: only INC-2 is the merge request's to report.
    let without_tech_lead = CLEAN_RECORD.replace("  tech_lead: bob\n", "");
    origin_with(&project, &without_tech_lead);
    merge_request(&project, &without_tech_lead);
    runner_clone(&project, "feature", "job");
    let run = run_job(&project, &config, "rolecall-check", "job", &mr_variables());
    run.code(1);
    assert!(run.stdout.contains("missing-owner"), "{}", run.stdout);
    let report_name = config["rolecall-check"]["artifacts"]["reports"]["codequality"]
        .as_str()
        .expect("a report");
    let report: Value =
        serde_json::from_str(&project.read(&format!("job/{report_name}"))).expect("JSON");
    let issues = report.as_array().expect("an array");
    assert_eq!(issues.len(), 1, "{report}");
    assert_eq!(issues[0]["check_name"], "missing-owner");
    assert_eq!(issues[0]["location"]["path"], "incidents/INC-2.yaml");
}

#[test]
fn the_check_job_passes_a_clean_merge_request() {
    let config = configuration(&[]);
    let project = Project::new();
    origin(&project);
    merge_request(&project, CLEAN_RECORD);
    runner_clone(&project, "feature", "job");
    let run = run_job(&project, &config, "rolecall-check", "job", &mr_variables());
    run.code(0);
    assert!(
        run.stdout.contains("checked 1 incident: 0 errors"),
        "{}",
        run.stdout
    );
    assert_eq!(project.read("job/gl-code-quality-report.json").trim(), "[]");
}

fn render_variables(project: &Project, dir: &str) -> Vec<(&'static str, String)> {
    let sha = project.git_ok(&["-C", dir, "rev-parse", "HEAD"]);
    vec![
        ("CI_PIPELINE_SOURCE", "push".to_owned()),
        ("CI_COMMIT_BRANCH", "main".to_owned()),
        ("CI_DEFAULT_BRANCH", "main".to_owned()),
        ("CI_COMMIT_SHA", sha.trim().to_owned()),
        (
            "CI_REPOSITORY_URL",
            project.abs("origin.git").display().to_string(),
        ),
        (
            "ROLECALL_PUSH_TOKEN",
            "unused-with-a-local-origin".to_owned(),
        ),
    ]
}

fn origin_files(project: &Project, branch: &str) -> String {
    project.git_ok(&["-C", "origin.git", "ls-tree", "-r", "--name-only", branch])
}

#[test]
fn the_render_job_pushes_the_documents_to_the_default_branch() {
    let config = configuration(&[]);
    let project = Project::new();
    origin(&project);
    let before = project.git_ok(&["-C", "origin.git", "rev-parse", "main"]);
    runner_clone(&project, "main", "job");
    // The runner checks out a detached HEAD.
    project.git_ok(&["-C", "job", "checkout", "-q", "--detach"]);
    let variables = render_variables(&project, "job");
    let run = run_job(&project, &config, "rolecall-render", "job", &variables);
    run.code(0);
    let files = origin_files(&project, "main");
    assert!(files.contains("incidents/README.md"), "{files}");
    assert!(files.contains("incidents/INC-1/"), "{files}");
    let parent = project.git_ok(&["-C", "origin.git", "rev-parse", "main^"]);
    assert_eq!(parent, before, "one documents commit on top of main");
    // A second run finds the documents current and pushes nothing.
    runner_clone(&project, "main", "again");
    let after = project.git_ok(&["-C", "origin.git", "rev-parse", "main"]);
    let variables = render_variables(&project, "again");
    let run = run_job(&project, &config, "rolecall-render", "again", &variables);
    run.code(0);
    assert!(
        run.stdout.contains("the documents are current"),
        "{}",
        run.stdout
    );
    assert_eq!(
        project.git_ok(&["-C", "origin.git", "rev-parse", "main"]),
        after
    );
}

#[test]
fn the_render_job_in_merge_request_mode_pushes_a_branch() {
    let config = configuration(&["--render-via", "pr"]);
    let project = Project::new();
    origin(&project);
    let before = project.git_ok(&["-C", "origin.git", "rev-parse", "main"]);
    runner_clone(&project, "main", "job");
    let variables = render_variables(&project, "job");
    let run = run_job(&project, &config, "rolecall-render", "job", &variables);
    run.code(0);
    assert_eq!(
        project.git_ok(&["-C", "origin.git", "rev-parse", "main"]),
        before
    );
    let files = origin_files(&project, "rolecall/render");
    assert!(files.contains("incidents/README.md"), "{files}");
}

/// The configuration with its commented notification jobs turned on.
fn configuration_with_notifications() -> Value {
    let project = Project::new();
    project.run(&["init", "sub", "--ci", "gitlab"]).code(0);
    let (on, blocks) = crate::ci_setup::uncommented(&project.read("sub/.gitlab-ci.yml"));
    assert_eq!(blocks, 1);
    serde_saphyr::from_str(&on).expect("YAML")
}

#[test]
fn the_notify_job_sends_what_the_push_changed_to_the_webhook() {
    let config = configuration_with_notifications();
    let project = Project::new();
    origin(&project);
    let before = project.git_ok(&["-C", "origin.git", "rev-parse", "main"]);
    project.file(
        "seed/incidents/INC-2.yaml",
        CLEAN_RECORD.replace("Clean record", "Second record"),
    );
    project.git_ok(&["-C", "seed", "add", "-A"]);
    project.git_ok(&["-C", "seed", "commit", "-q", "-m", "second record"]);
    project.git_ok(&["-C", "seed", "push", "-q", "origin", "HEAD:main"]);
    runner_clone(&project, "main", "job");
    let receiver = Receiver::start(&[]);
    let mut variables = render_variables(&project, "job");
    variables.push(("CI_COMMIT_BEFORE_SHA", before.trim().to_owned()));
    variables.push((
        "CI_PROJECT_URL",
        "https://gitlab.example.com/ops/incidents".to_owned(),
    ));
    variables.push(("ROLECALL_WEBHOOK", receiver.url.clone()));
    let run = run_job(&project, &config, "rolecall-notify", "job", &variables);
    run.code(0);
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{}{}", run.stdout, run.stderr);
    let body = String::from_utf8_lossy(&requests[0].body).into_owned();
    assert!(body.contains("INC-2 declared"), "{body}");
    assert!(!body.contains("INC-1"), "INC-1 did not change: {body}");
    assert!(
        body.contains(
            "https://gitlab.example.com/ops/incidents/-/blob/main/incidents/INC-2/README.md"
        ),
        "{body}"
    );
}

#[test]
fn the_remind_job_sends_what_is_late_and_fails() {
    let config = configuration_with_notifications();
    let project = Project::new();
    // Open since November with no update and no communications manager.
    let late = CLEAN_RECORD
        .replace("status: resolved", "status: investigating")
        .replace("resolved_at: 2026-11-20T09:40:00Z\n", "")
        .replace("  communications_manager: carol\n", "");
    origin_with(&project, &late);
    runner_clone(&project, "main", "job");
    let receiver = Receiver::start(&[]);
    let variables = vec![
        ("CI_PIPELINE_SOURCE", "schedule".to_owned()),
        ("CI_DEFAULT_BRANCH", "main".to_owned()),
        (
            "CI_PROJECT_URL",
            "https://gitlab.example.com/ops/incidents".to_owned(),
        ),
        ("ROLECALL_WEBHOOK", receiver.url.clone()),
    ];
    let run = run_job(&project, &config, "rolecall-remind", "job", &variables);
    run.code(1);
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{}{}", run.stdout, run.stderr);
    let body = String::from_utf8_lossy(&requests[0].body).into_owned();
    assert!(
        body.contains("role communications_manager has no owner"),
        "{body}"
    );
}
