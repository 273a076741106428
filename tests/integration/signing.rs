//! Signed commits (issue 13): with `commit.gpgsign=true`, rolecall's
//! commits are signed by real gpg or ssh-keygen and pass `git
//! verify-commit`; what it cannot sign is refused before anything is
//! written; a signing program that fails leaves the repository as it was.
//!
//! These tests need `gpg` (Debian: gnupg) and `ssh-keygen` (Debian:
//! openssh-client); without them they fail, they do not skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::harness::{CLEAN_RECORD, Project, Run};

/// A throwaway gpg home with one key, for "Test User <test@example.com>"
/// (the identity `Project::git` configures); its agent is stopped on drop.
struct GpgHome {
    dir: TempDir,
}

impl GpgHome {
    fn new() -> GpgHome {
        // Short, so the agent's socket path fits.
        let dir = tempfile::Builder::new()
            .prefix("rcgpg")
            .tempdir_in("/tmp")
            .expect("gpg home");
        let home = GpgHome { dir };
        home.gpg(&[
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Test User <test@example.com>",
            "ed25519",
            "sign",
            "never",
        ]);
        home
    }

    fn path(&self) -> &str {
        self.dir.path().to_str().expect("a UTF-8 path")
    }

    /// Runs gpg in this home; panics (naming the package) when it cannot.
    fn gpg(&self, args: &[&str]) -> String {
        let output = Command::new("gpg")
            .args(args)
            .env("GNUPGHOME", self.dir.path())
            .output()
            .expect("gpg must be installed to test signing (Debian package gnupg)");
        assert!(
            output.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The fingerprint of the key.
    fn fingerprint(&self) -> String {
        let listing = self.gpg(&["--list-secret-keys", "--with-colons"]);
        listing
            .lines()
            .find_map(|line| line.strip_prefix("fpr:"))
            .map(|rest| rest.trim_matches(':').to_owned())
            .expect("a fingerprint")
    }
}

impl Drop for GpgHome {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.dir.path())
            .status();
    }
}

/// git in the project with extra environment (the harness's isolation, plus `env`).
fn git_env(project: &Project, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new("git")
        .args(args)
        .current_dir(project.path())
        .env("HOME", project.abs(".home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .envs(env.iter().copied())
        .output()
        .expect("run git");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A repository with one record committed (unsigned, by git).
fn project() -> Project {
    let project = Project::git();
    project.record("INC-2026-001", CLEAN_RECORD);
    project.commit_all("a record");
    project
}

/// Asserts that the run changed nothing: same HEAD, clean status, no documents.
#[track_caller]
fn unchanged(project: &Project, head: &str, run: &Run) {
    assert_eq!(
        project.git_ok(&["rev-parse", "HEAD"]),
        head,
        "{}",
        run.stderr
    );
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    assert!(!project.exists("incidents/INC-2026-001/README.md"));
    assert!(!project.exists("incidents/README.md"));
}

#[test]
fn gpg_signs_render_and_handover_commits() {
    let gpg = GpgHome::new();
    let project = project();
    project.git_ok(&["config", "commit.gpgsign", "true"]);
    let env = [("GNUPGHOME", gpg.path())];

    // The key is found from the committer's identity.
    project.run_env(&["render"], &env).code(0);
    let (verified, said) = git_env(&project, &["verify-commit", "-v", "HEAD"], &env);
    assert!(verified, "{said}");
    assert!(
        said.contains("Good signature from \"Test User <test@example.com>\""),
        "{said}"
    );
    let commit = project.git_ok(&["cat-file", "commit", "HEAD"]);
    assert!(
        commit.contains("\ngpgsig -----BEGIN PGP SIGNATURE-----\n"),
        "{commit}"
    );
    assert!(
        commit.contains("\n -----END PGP SIGNATURE-----\n\nrolecall: render"),
        "{commit}"
    );

    // Another command, with the key named by fingerprint.
    project.git_ok(&["config", "user.signingkey", &gpg.fingerprint()]);
    let args = [
        "handover",
        "INC-2026-001",
        "tech_lead",
        "--to",
        "erin",
        "--at",
        "2026-11-20T09:20:00Z",
    ];
    project.run_env(&args, &env).code(0);
    let (verified, said) = git_env(&project, &["verify-commit", "HEAD"], &env);
    assert!(verified, "{said}");
    assert_eq!(project.git_ok(&["rev-list", "--count", "HEAD"]).trim(), "3");
    assert_eq!(project.git_ok(&["status", "--porcelain"]), "");
    project.git_ok(&["fsck", "--full", "--strict"]);
}

#[test]
fn ssh_keygen_signs_with_a_key_file() {
    let keys = TempDir::new().expect("key folder");
    let key = keys.path().join("id_ed25519");
    let generated = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen must be installed to test signing (Debian package openssh-client)");
    assert!(generated.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    let allowed = keys.path().join("allowed_signers");
    std::fs::write(
        &allowed,
        format!("test@example.com namespaces=\"git\" {public}"),
    )
    .expect("allowed signers");

    let project = project();
    let path = |p: &Path| p.to_str().expect("a UTF-8 path").to_owned();
    project.git_ok(&["config", "commit.gpgsign", "true"]);
    project.git_ok(&["config", "gpg.format", "ssh"]);
    project.git_ok(&["config", "user.signingkey", &path(&key)]);
    project.git_ok(&["config", "gpg.ssh.allowedSignersFile", &path(&allowed)]);
    project.run(&["render"]).code(0);
    let (verified, said) = git_env(&project, &["verify-commit", "HEAD"], &[]);
    assert!(verified, "{said}");
    assert!(
        said.contains("Good \"git\" signature for test@example.com"),
        "{said}"
    );
    let commit = project.git_ok(&["cat-file", "commit", "HEAD"]);
    assert!(
        commit.contains("\ngpgsig -----BEGIN SSH SIGNATURE-----\n"),
        "{commit}"
    );
    project.git_ok(&["fsck", "--full", "--strict"]);
}

#[test]
fn what_cannot_be_signed_is_refused_before_writing() {
    let project = project();
    let head = project.git_ok(&["rev-parse", "HEAD"]);
    project.git_ok(&["config", "commit.gpgsign", "true"]);
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[("gpg.format", "x509")], "gpg.format x509"),
        (
            &[
                ("gpg.format", "ssh"),
                (
                    "user.signingkey",
                    "key::ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA",
                ),
            ],
            "literal ssh key",
        ),
        (
            &[("gpg.format", "ssh"), ("user.signingkey", "/no/such/key")],
            "`/no/such/key`, which is not a file",
        ),
    ];
    for (settings, named) in cases {
        for (key, value) in settings {
            project.git_ok(&["config", key, value]);
        }
        let run = project.run(&["render"]);
        run.code(2);
        assert!(run.stderr.contains(named), "{named}: {}", run.stderr);
        assert!(run.stderr.contains("--no-commit"), "{}", run.stderr);
        assert!(
            run.stderr.contains("git config commit.gpgsign false"),
            "{}",
            run.stderr
        );
        unchanged(&project, &head, &run);
        // (Not set in the first case: git exits 5 then.)
        project.git_run(&["config", "--unset-all", "user.signingkey"]);
    }

    // --no-commit never signs, so nothing is refused.
    project.git_ok(&["config", "gpg.format", "x509"]);
    project.run(&["render", "--no-commit"]).code(0);
    assert!(project.exists("incidents/INC-2026-001/README.md"));
    assert_eq!(project.git_ok(&["rev-parse", "HEAD"]), head);
}

#[test]
fn a_failing_signing_program_leaves_the_repository_as_it_was() {
    let gpg = GpgHome::new();
    let project = project();
    let head = project.git_ok(&["rev-parse", "HEAD"]);
    project.git_ok(&["config", "commit.gpgsign", "true"]);
    // A key this gpg home does not have.
    project.git_ok(&["config", "user.signingkey", "nobody@example.com"]);
    let run = project.run_env(&["render"], &[("GNUPGHOME", gpg.path())]);
    run.code(2);
    assert!(
        run.stderr
            .contains("could not sign the commit: `gpg` failed"),
        "{}",
        run.stderr
    );
    // gpg's own words, without its status lines.
    assert!(run.stderr.contains("gpg: "), "{}", run.stderr);
    assert!(!run.stderr.contains("[GNUPG:]"), "{}", run.stderr);
    unchanged(&project, &head, &run);

    // A program that cannot be started.
    let missing: PathBuf = gpg.dir.path().join("no-such-gpg");
    project.git_ok(&["config", "gpg.program", missing.to_str().expect("UTF-8")]);
    let run = project.run(&["render"]);
    run.code(2);
    assert!(
        run.stderr.contains("could not be started"),
        "{}",
        run.stderr
    );
    unchanged(&project, &head, &run);
}
