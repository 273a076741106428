//! Signed commits, as git makes them when `commit.gpgsign` is set: the
//! commit object is built as text, the signing program (gpg, or ssh-keygen
//! for `gpg.format=ssh`) signs that text, and the signature goes into the
//! commit's `gpgsig` header. What cannot be signed is refused when the
//! identity is resolved, before any file is written.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::{Commit, Oid, Signature, Tree};

use super::{GitError, Identity, Repository, git};

/// How rolecall signs its commits in this repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Signing {
    /// `gpg.format=openpgp` (the default): `<program> --status-fd=2 -bsau <key>`.
    OpenPgp { program: String, key: String },
    /// `gpg.format=ssh`: `<program> -Y sign -n git -f <key file>`.
    Ssh { program: String, key_file: PathBuf },
}

/// How commits are to be signed: `None` unless `gpgsign` (`commit.gpgsign`)
/// is set; else from the other settings `config` looks up (empty values
/// count as unset), with `committer` as gpg's default key and `home` for a
/// key file under `~/`. Refuses, naming it, what rolecall cannot sign with.
pub(super) fn signing_from(
    gpgsign: bool,
    config: impl Fn(&str) -> Option<String>,
    committer: &Identity,
    home: Option<&Path>,
) -> Result<Option<Signing>, GitError> {
    if !gpgsign {
        return Ok(None);
    }
    let config = |key: &str| config(key).filter(|v| !v.trim().is_empty());
    let refuse = |reason: String| Err(GitError::CannotSign { reason });
    let format = config("gpg.format").unwrap_or_else(|| "openpgp".to_owned());
    match format.as_str() {
        "openpgp" => Ok(Some(Signing::OpenPgp {
            program: config("gpg.openpgp.program")
                .or_else(|| config("gpg.program"))
                .unwrap_or_else(|| "gpg".to_owned()),
            key: config("user.signingkey").unwrap_or_else(|| committer.to_string()),
        })),
        "ssh" => {
            let Some(key) = config("user.signingkey") else {
                return refuse(if config("gpg.ssh.defaultKeyCommand").is_some() {
                    "user.signingkey is not set, and keys from gpg.ssh.defaultKeyCommand are not supported; set user.signingkey to your key file".to_owned()
                } else {
                    "gpg.format is ssh but user.signingkey is not set; set it to your key file (`git config user.signingkey ~/.ssh/id_ed25519.pub`)".to_owned()
                });
            };
            if key.starts_with("key::") || key.starts_with("ssh-") {
                return refuse(
                    "user.signingkey is a literal ssh key (signing through an ssh agent is not supported); set it to the key's file instead".to_owned(),
                );
            }
            let key_file = match (key.strip_prefix("~/"), home) {
                (Some(rest), Some(home)) => home.join(rest),
                _ => PathBuf::from(&key),
            };
            if !key_file.is_file() {
                return refuse(format!(
                    "user.signingkey names `{key}`, which is not a file"
                ));
            }
            Ok(Some(Signing::Ssh {
                program: config("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".to_owned()),
                key_file,
            }))
        }
        "x509" => refuse(
            "gpg.format x509 (signing with gpgsm) is not supported; rolecall signs with openpgp or ssh".to_owned(),
        ),
        other => refuse(format!(
            "gpg.format `{other}` is not a format git knows (openpgp, x509 or ssh)"
        )),
    }
}

impl Signing {
    /// The program and its arguments, as git runs them.
    fn command(&self) -> (&str, Vec<&std::ffi::OsStr>) {
        match self {
            Signing::OpenPgp { program, key } => (
                program,
                vec!["--status-fd=2".as_ref(), "-bsau".as_ref(), key.as_ref()],
            ),
            Signing::Ssh { program, key_file } => (
                program,
                vec![
                    "-Y".as_ref(),
                    "sign".as_ref(),
                    "-n".as_ref(),
                    "git".as_ref(),
                    "-f".as_ref(),
                    key_file.as_os_str(),
                ],
            ),
        }
    }

    /// Signs `payload` (the commit object's text) and returns the armoured
    /// signature, without its final newline.
    fn sign(&self, payload: &[u8]) -> Result<String, GitError> {
        let (program, args) = self.command();
        let failed = |reason: String, stderr: &[u8]| GitError::SigningFailed {
            program: program.to_owned(),
            reason,
            stderr: program_messages(stderr),
        };
        let mut child = Command::new(program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(format!("could not be started ({e})"), b""))?;
        let mut stdin = child.stdin.take();
        // Fed from another thread: the program may write to stderr before it has read everything.
        let output = std::thread::scope(|scope| {
            scope.spawn(move || stdin.as_mut().map(|s| s.write_all(payload)));
            child.wait_with_output()
        })
        .map_err(|e| failed(format!("could not be run ({e})"), b""))?;
        if !output.status.success() {
            return Err(failed(
                format!("failed ({})", output.status),
                &output.stderr,
            ));
        }
        let (armour, created) = match self {
            Signing::OpenPgp { .. } => (
                "-----BEGIN PGP SIGNATURE-----",
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .any(|line| line.starts_with("[GNUPG:] SIG_CREATED ")),
            ),
            Signing::Ssh { .. } => ("-----BEGIN SSH SIGNATURE-----", true),
        };
        match String::from_utf8(output.stdout) {
            Ok(signature) if created && signature.starts_with(armour) => {
                Ok(signature.trim_end().to_owned())
            }
            _ => Err(failed("gave no signature".to_owned(), &output.stderr)),
        }
    }
}

/// What a signing program said on stderr, without gpg's status lines.
fn program_messages(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|line| !line.starts_with("[GNUPG:] "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

impl Repository {
    /// Writes the commit object (moving no ref), signed when `signing` says so.
    pub(super) fn create_commit(
        &self,
        signing: Option<&Signing>,
        (author, committer): (&Signature<'_>, &Signature<'_>),
        message: &str,
        tree: &Tree<'_>,
        parents: &[&Commit<'_>],
    ) -> Result<Oid, GitError> {
        let Some(signing) = signing else {
            return self
                .inner
                .commit(None, author, committer, message, tree, parents)
                .map_err(git("create the commit"));
        };
        let context = "create the signed commit";
        let buffer = self
            .inner
            .commit_create_buffer(author, committer, message, tree, parents)
            .map_err(git(context))?;
        let text = buffer.as_str().map_err(|_| GitError::Git {
            context: context.to_owned(),
            error: git2::Error::from_str("the commit is not valid UTF-8"),
        })?;
        let signature = signing.sign(text.as_bytes())?;
        self.inner
            .commit_signed(text, &signature, Some("gpgsig"))
            .map_err(git(context))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committer() -> Identity {
        Identity::parse("Ada <ada@example.com>").expect("identity")
    }

    fn decide(pairs: &[(&str, &str)], home: Option<&Path>) -> Result<Option<Signing>, GitError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        signing_from(
            true,
            |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
            &committer(),
            home,
        )
    }

    fn refusal(result: Result<Option<Signing>, GitError>) -> String {
        match result {
            Err(error @ GitError::CannotSign { .. }) => error.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn without_gpgsign_nothing_is_signed() {
        let signing = signing_from(false, |_| Some("x509".to_owned()), &committer(), None);
        assert_eq!(signing.expect("no signing"), None);
    }

    #[test]
    fn openpgp_defaults_to_gpg_and_the_committer() {
        assert_eq!(
            decide(&[], None).expect("signing"),
            Some(Signing::OpenPgp {
                program: "gpg".to_owned(),
                key: "Ada <ada@example.com>".to_owned()
            })
        );
        let chosen = decide(
            &[
                ("gpg.program", "/opt/gpg2"),
                ("user.signingkey", "ABCD1234"),
                ("gpg.format", "openpgp"),
            ],
            None,
        );
        assert_eq!(
            chosen.expect("signing"),
            Some(Signing::OpenPgp {
                program: "/opt/gpg2".to_owned(),
                key: "ABCD1234".to_owned()
            })
        );
        let chosen = decide(
            &[
                ("gpg.program", "/opt/gpg2"),
                ("gpg.openpgp.program", "gpg3"),
            ],
            None,
        );
        assert!(matches!(
            chosen.expect("signing"),
            Some(Signing::OpenPgp { program, .. }) if program == "gpg3"
        ));
    }

    #[test]
    fn ssh_signs_with_a_key_file() {
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(home.path().join(".ssh")).expect("mkdir");
        let key = home.path().join(".ssh/id_ed25519");
        std::fs::write(&key, "key").expect("write");
        let chosen = decide(
            &[
                ("gpg.format", "ssh"),
                ("user.signingkey", "~/.ssh/id_ed25519"),
            ],
            Some(home.path()),
        );
        assert_eq!(
            chosen.expect("signing"),
            Some(Signing::Ssh {
                program: "ssh-keygen".to_owned(),
                key_file: key.clone()
            })
        );
        let path = key.to_string_lossy().into_owned();
        let chosen = decide(
            &[
                ("gpg.format", "ssh"),
                ("user.signingkey", &path),
                ("gpg.ssh.program", "/usr/local/bin/ssh-keygen"),
            ],
            None,
        );
        assert!(matches!(
            chosen.expect("signing"),
            Some(Signing::Ssh { program, .. }) if program == "/usr/local/bin/ssh-keygen"
        ));
    }

    #[test]
    fn what_cannot_be_signed_is_refused_by_name() {
        let x509 = refusal(decide(&[("gpg.format", "x509")], None));
        assert!(x509.contains("x509"), "{x509}");
        assert!(x509.contains("--no-commit"), "{x509}");
        assert!(x509.contains("git config commit.gpgsign false"), "{x509}");
        let unknown = refusal(decide(&[("gpg.format", "pgp")], None));
        assert!(unknown.contains("`pgp`"), "{unknown}");
        let literal = refusal(decide(
            &[
                ("gpg.format", "ssh"),
                ("user.signingkey", "key::ssh-ed25519 AAAA"),
            ],
            None,
        ));
        assert!(literal.contains("literal ssh key"), "{literal}");
        let bare = refusal(decide(
            &[
                ("gpg.format", "ssh"),
                ("user.signingkey", "ssh-ed25519 AAAA"),
            ],
            None,
        ));
        assert!(bare.contains("literal ssh key"), "{bare}");
        let missing = refusal(decide(
            &[("gpg.format", "ssh"), ("user.signingkey", "/no/such/key")],
            None,
        ));
        assert!(missing.contains("`/no/such/key`"), "{missing}");
        let unset = refusal(decide(&[("gpg.format", "ssh")], None));
        assert!(unset.contains("user.signingkey is not set"), "{unset}");
        let command = refusal(decide(
            &[
                ("gpg.format", "ssh"),
                ("gpg.ssh.defaultKeyCommand", "ssh-add -L"),
            ],
            None,
        ));
        assert!(command.contains("gpg.ssh.defaultKeyCommand"), "{command}");
    }

    #[test]
    fn a_failing_program_reports_its_messages() {
        let signing = Signing::OpenPgp {
            program: "sh".to_owned(),
            key: "unused".to_owned(),
        };
        // `sh --status-fd=2 …` fails with a message of its own.
        let error = signing.sign(b"tree 0\n").expect_err("sh cannot sign");
        let text = error.to_string();
        assert!(
            text.starts_with("could not sign the commit: `sh` failed"),
            "{text}"
        );
        assert!(text.lines().count() > 1, "sh's message follows: {text}");
        let missing = Signing::Ssh {
            program: "/no/such/ssh-keygen".to_owned(),
            key_file: PathBuf::from("key"),
        };
        let text = missing.sign(b"").expect_err("no program").to_string();
        assert!(text.contains("could not be started"), "{text}");
    }

    #[test]
    fn status_lines_are_left_out_of_messages() {
        let stderr = b"[GNUPG:] KEY_CONSIDERED X 0\ngpg: signing failed: No secret key\n[GNUPG:] FAILURE sign 17\n";
        assert_eq!(
            program_messages(stderr),
            "gpg: signing failed: No secret key"
        );
    }
}
