//! A small fluent harness: write files into a temporary project, run the
//! rolecall binary there, and look at what it printed and left behind.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;
use walkdir::WalkDir;

/// A temporary project folder.
pub struct Project {
    dir: TempDir,
}

/// What one run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// What a finished process printed and how it exited.
    pub fn from_output(output: &std::process::Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A record with every required role filled, resolved, for tests to vary.
pub const CLEAN_RECORD: &str = "\
title: Clean record
severity: SEV2
status: resolved
started_at: 2026-11-20T09:00:00Z
resolved_at: 2026-11-20T09:40:00Z
roles:
  incident_manager: alice
  tech_lead: bob
  communications_manager: carol
  postmortem_owner: dave
communications:
  updates:
    - at: 2026-11-20T09:30:00Z
      channel: status-page
      summary: Investigating.
postmortem:
  status: done
";

/// [`CLEAN_RECORD`] with the tech lead handed over from bob to erin, which
/// adds a handover note in a folder of its own.
pub const HANDED_OVER: &str = "\
title: Clean record
severity: SEV2
status: resolved
started_at: 2026-11-20T09:00:00Z
resolved_at: 2026-11-20T09:40:00Z
roles:
  incident_manager: alice
  tech_lead:
    - owner: bob
    - owner: erin
      from: 2026-11-20T09:20:00Z
      handover: Rollback started; watch the error rate.
  communications_manager: carol
  postmortem_owner: dave
communications:
  updates:
    - at: 2026-11-20T09:30:00Z
      channel: status-page
      summary: Investigating.
postmortem:
  status: done
";

pub const PEOPLE: &str = "\
alice:
  name: Alice Smith
  contact: \"@alice\"
bob:
  name: Bob Jones
carol:
  name: Carol White
dave:
  name: Dave Brown
erin:
  name: Erin Green
";

/// The `--now` tests use unless they say otherwise.
pub const NOW: &str = "2026-11-21T12:00:00Z";

impl Project {
    /// An empty project with an `incidents/` folder.
    pub fn new() -> Project {
        let dir = tempfile::Builder::new()
            .prefix("rolecall-test")
            .tempdir()
            .expect("temporary folder");
        fs::create_dir_all(dir.path().join("incidents")).expect("incidents folder");
        Project { dir }
    }

    /// A project that is also a git repository with an identity configured.
    pub fn git() -> Project {
        let project = Project::new();
        project.git_ok(&["init", "-q", "-b", "main"]);
        project.git_ok(&["config", "user.name", "Test User"]);
        project.git_ok(&["config", "user.email", "test@example.com"]);
        project
    }

    /// What a run may leave behind by mistake: rolecall's temporary files
    /// (`.rolecall-*.tmp`) anywhere, and in `.git` lock files (the run lock
    /// among them), journals and half-written index or cache files.
    pub fn leftovers(&self) -> Vec<String> {
        let mut found: Vec<String> = WalkDir::new(self.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name().to_string_lossy();
                let rel = e.path().strip_prefix(self.path()).unwrap_or(e.path());
                let in_git = rel.starts_with(".git");
                (name.starts_with(".rolecall-") && name.ends_with(".tmp"))
                    || (in_git && name.ends_with(".lock"))
                    || (in_git && name.contains("rolecall_"))
                    || (in_git && name.starts_with("index.new"))
                    || (in_git && name.starts_with("render-cache.tmp"))
            })
            .map(|e| e.path().display().to_string())
            .collect();
        found.sort();
        found
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn file(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folder");
        }
        fs::write(&path, content).expect("write file");
        self
    }

    /// Writes `incidents/<id>.yaml`.
    pub fn record(&self, id: &str, content: &str) -> &Self {
        self.file(&format!("incidents/{id}.yaml"), content)
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn read_bytes(&self, rel: &str) -> Vec<u8> {
        fs::read(self.dir.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.path().join(rel).exists()
    }

    pub fn abs(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs rolecall with `args` in the project folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Runs rolecall with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(args);
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("run rolecall");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// rolecall with `args` in the project folder, isolated from the user's
    /// git configuration, not yet started (for tests that spawn runs).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rolecall"));
        command.args(args).current_dir(self.dir.path());
        isolate(&mut command, self.dir.path());
        command
    }

    /// `rolecall check --now NOW --color never` plus `args`.
    pub fn check(&self, args: &[&str]) -> Run {
        let mut all = vec!["check", "--now", NOW, "--color", "never"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs git in the project; returns stdout, panics on failure.
    pub fn git_ok(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.git_run(args);
        assert_eq!(code, 0, "git {args:?} failed: {stderr}");
        stdout
    }

    /// Runs git in the project: exit code, stdout, stderr.
    pub fn git_run(&self, args: &[&str]) -> (i32, String, String) {
        let mut command = Command::new("git");
        command.args(args).current_dir(self.dir.path());
        isolate(&mut command, self.dir.path());
        let output = command.output().expect("run git");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Stages everything and commits.
    pub fn commit_all(&self, message: &str) {
        self.git_ok(&["add", "-A"]);
        self.git_ok(&["commit", "-q", "-m", message]);
    }
}

/// The rolecall binary under test.
pub const ROLECALL: &str = env!("CARGO_BIN_EXE_rolecall");

/// `program` to run in `dir`, isolated from the user's git configuration
/// like the harness's runs. `home` is the temporary folder the test works
/// in: HOME is its `.home`, and repository discovery stops above it.
pub fn isolated(program: impl AsRef<std::ffi::OsStr>, dir: &Path, home: &Path) -> Command {
    let mut command = Command::new(program);
    command.current_dir(dir);
    isolate(&mut command, home);
    command
}

/// Keeps the user's git configuration and colour settings out of tests.
fn isolate(command: &mut Command, home: &Path) {
    for key in [
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "NO_COLOR",
        "CLICOLOR_FORCE",
    ] {
        command.env_remove(key);
    }
    command
        .env("HOME", home.join(".home"))
        .env("XDG_CONFIG_HOME", home.join(".home/.config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CEILING_DIRECTORIES", home.parent().unwrap_or(home));
}
