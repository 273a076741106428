//! Who a commit is by: [`Identity`] and [`CommitSignatures`], resolved from
//! `--author`, the `GIT_AUTHOR_*`/`GIT_COMMITTER_*` environment and git
//! configuration, in that order; and whether it is to be signed
//! (`commit.gpgsign`), decided here so that what cannot be signed is
//! refused before anything is written.

use std::fmt;

use git2::{Signature, Time};
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

use super::sign::{self, Signing};
use super::{GitError, Repository, git};

/// A person (and optionally a fixed time) to record in a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
    /// Fixed commit time (from `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE`); `None` means now.
    pub when: Option<ZonedDateTime>,
}

impl Identity {
    /// Parses `Name <email>` (the `--author` form).
    pub fn parse(value: &str) -> Result<Identity, GitError> {
        let invalid = || GitError::InvalidAuthor {
            value: value.to_owned(),
        };
        let (name, rest) = value.trim().split_once('<').ok_or_else(invalid)?;
        let email = rest.strip_suffix('>').ok_or_else(invalid)?.trim();
        let name = name.trim();
        let bad = |s: &str| s.is_empty() || s.contains(['<', '>', '\n']);
        if bad(name) || bad(email) {
            return Err(invalid());
        }
        Ok(Identity {
            name: name.to_owned(),
            email: email.to_owned(),
            when: None,
        })
    }

    /// The libgit2 signature for this identity.
    pub(super) fn signature(&self) -> Result<Signature<'static>, GitError> {
        match &self.when {
            None => Signature::now(&self.name, &self.email),
            Some(when) => {
                let time = Time::new(when.timestamp().as_second(), when.offset().seconds() / 60);
                Signature::new(&self.name, &self.email, &time)
            }
        }
        .map_err(git("create a commit signature"))
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

/// Author and committer of a commit, and how it is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitSignatures {
    pub author: Identity,
    pub committer: Identity,
    /// `None` for an unsigned commit.
    pub(super) signing: Option<Signing>,
}

impl CommitSignatures {
    /// Whether the commit will be signed.
    pub fn signed(&self) -> bool {
        self.signing.is_some()
    }
}

impl Repository {
    /// Resolves author and committer from `--author`, the `GIT_*` environment and git config,
    /// and how the commit is signed; refuses a signature rolecall cannot make.
    pub fn resolve_identity(
        &self,
        author_override: Option<&str>,
    ) -> Result<CommitSignatures, GitError> {
        let config = self
            .inner
            .config()
            .and_then(|mut c| c.snapshot())
            .map_err(git("read the git configuration"))?;
        let lookup = |key: &str| config.get_string(key).ok();
        let mut sigs = resolve_from(author_override, |key| std::env::var(key).ok(), lookup)?;
        let gpgsign = match config.get_bool("commit.gpgsign") {
            Ok(value) => value,
            Err(e) if e.code() == git2::ErrorCode::NotFound => false,
            Err(e) => {
                return Err(GitError::InvalidSetting {
                    key: "commit.gpgsign",
                    value: lookup("commit.gpgsign").unwrap_or_default(),
                    expected: "true or false",
                    reason: e.message().to_owned(),
                });
            }
        };
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        sigs.signing = sign::signing_from(gpgsign, lookup, &sigs.committer, home.as_deref())?;
        Ok(sigs)
    }
}

/// Resolves the signatures from `--author`, environment (`env`) and git config (`config`) lookups.
/// Empty values count as unset. `--author` also becomes the committer unless `GIT_COMMITTER_*` is set.
fn resolve_from(
    author_override: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
    config: impl Fn(&str) -> Option<String>,
) -> Result<CommitSignatures, GitError> {
    let env = |key: &str| env(key).filter(|v| !v.trim().is_empty());
    let config = |key: &str| config(key).filter(|v| !v.trim().is_empty());
    let mut author = match author_override {
        Some(value) => Identity::parse(value)?,
        None => Identity {
            name: env("GIT_AUTHOR_NAME")
                .or_else(|| config("author.name"))
                .or_else(|| config("user.name"))
                .ok_or(GitError::MissingIdentity)?,
            email: env("GIT_AUTHOR_EMAIL")
                .or_else(|| config("author.email"))
                .or_else(|| config("user.email"))
                .or_else(|| env("EMAIL"))
                .ok_or(GitError::MissingIdentity)?,
            when: None,
        },
    };
    let from_override = |field: &str| author_override.is_some().then(|| field.to_owned());
    let committer = Identity {
        name: env("GIT_COMMITTER_NAME")
            .or_else(|| from_override(&author.name))
            .or_else(|| config("committer.name"))
            .or_else(|| config("user.name"))
            .unwrap_or_else(|| author.name.clone()),
        email: env("GIT_COMMITTER_EMAIL")
            .or_else(|| from_override(&author.email))
            .or_else(|| config("committer.email"))
            .or_else(|| config("user.email"))
            .or_else(|| env("EMAIL"))
            .unwrap_or_else(|| author.email.clone()),
        when: env("GIT_COMMITTER_DATE")
            .map(|v| parse_date("GIT_COMMITTER_DATE", &v))
            .transpose()?,
    };
    author.when = env("GIT_AUTHOR_DATE")
        .map(|v| parse_date("GIT_AUTHOR_DATE", &v))
        .transpose()?;
    Ok(CommitSignatures {
        author,
        committer,
        signing: None,
    })
}

/// Parses git's raw date form `[@]<unix seconds> [<+hhmm>]` or an RFC 3339 date.
fn parse_date(var: &'static str, value: &str) -> Result<ZonedDateTime, GitError> {
    let invalid = || GitError::InvalidDate {
        var,
        value: value.to_owned(),
    };
    let raw = value.trim();
    let raw = raw.strip_prefix('@').unwrap_or(raw);
    let (seconds, offset) = raw.split_once(' ').unwrap_or((raw, "+0000"));
    if let Ok(seconds) = seconds.parse::<i64>() {
        let offset = parse_hhmm(offset.trim()).ok_or_else(invalid)?;
        let at = Timestamp::from_second(seconds).map_err(|_| invalid())?;
        return Ok(at.to_zoned_datetime(TimeZone::fixed(offset)));
    }
    let at: Timestamp = value.trim().parse().map_err(|_| invalid())?;
    let offset = match Pieces::parse(value.trim()).map_err(|_| invalid())?.offset() {
        Some(PiecesOffset::Numeric(numeric)) => numeric.offset(),
        _ => Offset::UTC,
    };
    Ok(at.to_zoned_datetime(TimeZone::fixed(offset)))
}

/// Parses a `+hhmm`/`-hhmm` offset.
fn parse_hhmm(text: &str) -> Option<Offset> {
    let (sign, digits) = match text.split_at_checked(1)? {
        ("+", digits) => (1, digits),
        ("-", digits) => (-1, digits),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i32 = digits.parse().ok()?;
    Offset::from_seconds(sign * ((value / 100) * 3600 + (value % 100) * 60)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_support::{git_in, init, init_with_commit, put, sigs, write};

    #[test]
    fn resolve_identity_prefers_repository_config() {
        let (_tmp, repo) = init();
        let sigs = repo.resolve_identity(None);
        // GIT_AUTHOR_* in the test environment would legitimately win; only check without them.
        if std::env::var_os("GIT_AUTHOR_NAME").is_none()
            && std::env::var_os("GIT_AUTHOR_EMAIL").is_none()
        {
            let sigs = sigs.expect("identity");
            assert_eq!(sigs.author.to_string(), "Repo User <repo@example.com>");
        }
        let sigs = repo
            .resolve_identity(Some("Ada <ada@example.com>"))
            .expect("override");
        assert_eq!(sigs.author.to_string(), "Ada <ada@example.com>");
    }

    /// Lookup function over fixed key/value pairs.
    fn table(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    #[test]
    fn resolve_from_reports_a_missing_identity() {
        let err = resolve_from(None, table(&[]), table(&[])).expect_err("no identity");
        assert!(matches!(err, GitError::MissingIdentity));
        assert!(err.to_string().contains("git config user.name"));
        let err = resolve_from(
            None,
            table(&[("GIT_AUTHOR_NAME", "A")]),
            table(&[("user.name", "U")]),
        )
        .expect_err("no email");
        assert!(matches!(err, GitError::MissingIdentity));
        let err = resolve_from(
            None,
            table(&[("GIT_AUTHOR_NAME", "")]),
            table(&[("user.email", "u@x")]),
        )
        .expect_err("empty name");
        assert!(matches!(err, GitError::MissingIdentity));
    }

    #[test]
    fn resolve_from_uses_config_then_environment() {
        let config = table(&[("user.name", "U"), ("user.email", "u@x")]);
        let sigs = resolve_from(None, table(&[]), &config).expect("config");
        assert_eq!(
            (sigs.author.to_string(), sigs.committer.to_string()),
            ("U <u@x>".into(), "U <u@x>".into())
        );

        let env = table(&[("GIT_AUTHOR_NAME", "A"), ("GIT_AUTHOR_EMAIL", "a@x")]);
        let sigs = resolve_from(None, &env, &config).expect("env");
        assert_eq!(
            (sigs.author.to_string(), sigs.committer.to_string()),
            ("A <a@x>".into(), "U <u@x>".into())
        );

        let sigs = resolve_from(None, &env, table(&[])).expect("env only");
        assert_eq!(
            sigs.committer.to_string(),
            "A <a@x>",
            "committer falls back to the author"
        );

        let env = table(&[("GIT_COMMITTER_NAME", "C"), ("GIT_COMMITTER_EMAIL", "c@x")]);
        let sigs = resolve_from(None, &env, &config).expect("committer env");
        assert_eq!(
            (sigs.author.to_string(), sigs.committer.to_string()),
            ("U <u@x>".into(), "C <c@x>".into())
        );
    }

    #[test]
    fn resolve_from_author_override_sets_author_and_committer() {
        let config = table(&[("user.name", "U"), ("user.email", "u@x")]);
        let sigs = resolve_from(
            Some("  Ada Lovelace <ada@example.com> "),
            table(&[]),
            &config,
        )
        .expect("override");
        assert_eq!(sigs.author.name, "Ada Lovelace");
        assert_eq!(sigs.author.email, "ada@example.com");
        assert_eq!(sigs.committer, sigs.author);

        let env = table(&[("GIT_COMMITTER_NAME", "C")]);
        let sigs = resolve_from(Some("Ada <ada@x>"), &env, &config).expect("override + env");
        assert_eq!(sigs.committer.to_string(), "C <ada@x>");

        for bad in ["Ada", "Ada <>", "<ada@x>", "Ada <ada@x", "Ada <a<b@x>"] {
            let err = resolve_from(Some(bad), table(&[]), &config).expect_err(bad);
            assert!(matches!(err, GitError::InvalidAuthor { .. }), "{bad}");
            assert!(err.to_string().contains("\"Name <email>\""));
        }
    }

    #[test]
    fn resolve_from_reads_fixed_dates() {
        let config = table(&[("user.name", "U"), ("user.email", "u@x")]);
        let env = table(&[
            ("GIT_AUTHOR_DATE", "1700000000 +0130"),
            ("GIT_COMMITTER_DATE", "2024-05-01T12:00:00-07:00"),
        ]);
        let sigs = resolve_from(None, env, &config).expect("dates");
        let author = sigs.author.when.expect("author date");
        assert_eq!(
            (author.timestamp().as_second(), author.offset().seconds()),
            (1_700_000_000, 5400)
        );
        let committer = sigs.committer.when.expect("committer date");
        assert_eq!(committer.offset().seconds(), -7 * 3600);
        assert_eq!(committer.timestamp().as_second(), 1_714_590_000);

        let err = resolve_from(None, table(&[("GIT_AUTHOR_DATE", "yesterday")]), &config)
            .expect_err("bad date");
        assert!(matches!(
            err,
            GitError::InvalidDate {
                var: "GIT_AUTHOR_DATE",
                ..
            }
        ));
    }

    #[test]
    fn fixed_dates_reach_the_commit() {
        let (tmp, repo) = init_with_commit();
        let mut sigs = sigs();
        sigs.author.when = Some(parse_date("GIT_AUTHOR_DATE", "@1700000000 -0500").expect("date"));
        write(tmp.path(), "a.md", "a\n");
        repo.commit_paths(&[put("a.md", "a\n")], "dated", &sigs)
            .expect("commit")
            .expect("a commit");
        let dates = git_in(tmp.path(), &["log", "-1", "--format=%ad", "--date=raw"]);
        assert_eq!(dates.trim(), "1700000000 -0500");
    }
}
