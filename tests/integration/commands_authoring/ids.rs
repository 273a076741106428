//! `new` numbers records so that two branches do not both take the same
//! `INC-<year>-<NNN>`: ids on every local and remote-tracking branch count.

use crate::harness::{PEOPLE, Project, isolated};

fn new(project: &Project, title: &str) -> String {
    let run = project.run(&[
        "new",
        "--title",
        title,
        "--severity",
        "SEV4",
        "--started-at",
        "2026-11-21T11:30:00Z",
        "--role",
        "incident_manager=alice",
        "--commit",
    ]);
    run.code(0);
    let created = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("created incidents/"))
        .unwrap_or_else(|| panic!("no record created: {}", run.stdout));
    created.trim_end_matches(".yaml").to_owned()
}

#[test]
fn new_skips_ids_taken_on_other_local_branches() {
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .file("incidents/.gitkeep", "");
    project.commit_all("start");
    project.git_ok(&["switch", "-q", "-c", "checkout-outage"]);
    assert_eq!(new(&project, "On the branch"), "INC-2026-001");
    project.git_ok(&["switch", "-q", "main"]);
    assert!(!project.exists("incidents/INC-2026-001.yaml"));
    // main does not have INC-2026-001, but the branch does.
    assert_eq!(new(&project, "On main"), "INC-2026-002");
    // Merging both gives no add/add conflict on a record (the generated
    // index both rendered may conflict; `rolecall render` rewrites it).
    project.git_run(&["merge", "-q", "--no-edit", "checkout-outage"]);
    let conflicted = project.git_ok(&["diff", "--name-only", "--diff-filter=U"]);
    assert!(!conflicted.contains(".yaml"), "{conflicted}");
    assert!(project.exists("incidents/INC-2026-001.yaml"));
    assert!(project.exists("incidents/INC-2026-002.yaml"));
}

#[test]
fn an_explicit_id_taken_on_another_branch_is_refused() {
    let project = Project::git();
    project
        .file("people.yaml", PEOPLE)
        .file("incidents/.gitkeep", "");
    project.commit_all("start");
    project.git_ok(&["switch", "-q", "-c", "elsewhere"]);
    project.file(
        "incidents/PAY-7.yaml",
        "title: Elsewhere\nseverity: SEV4\nstatus: investigating\nstarted_at: 2026-11-21T10:00:00Z\n",
    );
    project.commit_all("a record on another branch");
    project.git_ok(&["switch", "-q", "main"]);
    let run = project.run(&[
        "new",
        "--title",
        "Mine",
        "--severity",
        "SEV4",
        "--id",
        "PAY-7",
    ]);
    run.code(2);
    assert!(
        run.stderr
            .contains("another branch has a record with the id PAY-7"),
        "{}",
        run.stderr
    );
    assert!(!project.exists("incidents/PAY-7.yaml"));
}

#[test]
fn new_skips_ids_taken_on_remote_tracking_branches() {
    let project = Project::git();
    project.file("people.yaml", PEOPLE);
    project.commit_all("start");
    // A colleague's clone pushes a record on a branch of its own.
    let remote = project.path().join(".home/remote.git");
    let remote_text = remote.to_str().expect("utf-8 path");
    project.git_ok(&["init", "-q", "--bare", remote_text]);
    project.git_ok(&["remote", "add", "origin", remote_text]);
    project.git_ok(&["push", "-q", "origin", "main"]);
    let colleague = project.path().join(".home/colleague");
    let git = |dir: &std::path::Path, args: &[&str]| {
        let output = isolated("git", dir, project.path())
            .args(args)
            .output()
            .expect("git");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    git(
        project.path(),
        &["clone", "-q", remote_text, colleague.to_str().unwrap()],
    );
    std::fs::create_dir_all(colleague.join("incidents")).unwrap();
    std::fs::write(
        colleague.join("incidents/INC-2026-007.yaml"),
        "title: Elsewhere\nseverity: SEV4\nstatus: investigating\nstarted_at: 2026-11-21T10:00:00Z\n",
    )
    .unwrap();
    git(
        &colleague,
        &[
            "-c",
            "user.name=C",
            "-c",
            "user.email=c@example.com",
            "switch",
            "-q",
            "-c",
            "search-outage",
        ],
    );
    git(&colleague, &["add", "-A"]);
    git(
        &colleague,
        &[
            "-c",
            "user.name=C",
            "-c",
            "user.email=c@example.com",
            "commit",
            "-q",
            "-m",
            "record",
        ],
    );
    git(&colleague, &["push", "-q", "origin", "search-outage"]);
    project.git_ok(&["fetch", "-q", "origin"]);
    let branches = project.git_ok(&["branch", "-r"]);
    assert!(branches.contains("origin/search-outage"), "{branches}");
    assert_eq!(new(&project, "After the fetch"), "INC-2026-008");
}
