//! The one HTTP client of rolecall: posting a body to a webhook. Every try
//! has a timeout; a 5xx answer or a refused connection is tried again (three
//! tries in all, waiting longer each time); anything else is final. The
//! only module that names `ureq`, and only `notify` and `remind` use it
//! (`tests/integration/architecture.rs`): `check` and `render` never touch
//! the network.

use std::io::ErrorKind;
use std::time::Duration;

/// How many times a post is tried before giving up.
pub const TRIES: u32 = 3;

/// One POST to make.
pub struct Post<'a> {
    pub url: &'a str,
    pub body: &'a [u8],
    /// Header names and values besides `Content-Type`.
    pub headers: Vec<(&'static str, String)>,
    pub content_type: &'static str,
    /// The limit on each try, from connecting to reading the answer.
    pub timeout: Duration,
    /// The wait before the second try; it doubles before each later one.
    pub backoff: Duration,
}

/// A post the server accepted (2xx, or a redirect it answered with).
#[derive(Debug, PartialEq, Eq)]
pub struct Delivered {
    pub status: u16,
    /// Tries it took, 1 to [`TRIES`].
    pub tries: u32,
}

/// Why a post did not go through.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("`{url}` is not a webhook address rolecall can post to: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("the webhook answered {status}{}", detail(body))]
    Rejected { status: u16, body: String },
    #[error("the webhook did not answer within {}s", timeout.as_secs_f64())]
    TimedOut { timeout: Duration },
    #[error("could not post to the webhook after {tries} tries: {last}")]
    GaveUp { tries: u32, last: String },
}

fn detail(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        String::new()
    } else {
        let short: String = body.chars().take(200).collect();
        format!(": {short}")
    }
}

/// What one try gave.
enum Try {
    Done(u16),
    /// Worth another try: a 5xx or a refused connection.
    Again(String),
    Final(HttpError),
}

/// Posts, trying again on a 5xx or a refused connection.
pub fn post(request: &Post<'_>) -> Result<Delivered, HttpError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(request.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("rolecall/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut wait = request.backoff;
    let mut last = String::new();
    for attempt in 1..=TRIES {
        match try_once(&agent, request) {
            Try::Done(status) => {
                return Ok(Delivered {
                    status,
                    tries: attempt,
                });
            }
            Try::Final(error) => return Err(error),
            Try::Again(reason) => last = reason,
        }
        if attempt < TRIES {
            std::thread::sleep(wait);
            wait = wait.saturating_mul(2);
        }
    }
    Err(HttpError::GaveUp { tries: TRIES, last })
}

fn try_once(agent: &ureq::Agent, request: &Post<'_>) -> Try {
    let mut builder = agent
        .post(request.url)
        .header("Content-Type", request.content_type);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value.as_str());
    }
    match builder.send(request.body) {
        Ok(mut response) => {
            let status = response.status().as_u16();
            if status < 400 {
                return Try::Done(status);
            }
            let body = response
                .body_mut()
                .with_config()
                .limit(4096)
                .read_to_string()
                .unwrap_or_default();
            if status >= 500 {
                Try::Again(format!("the webhook answered {status}{}", detail(&body)))
            } else {
                Try::Final(HttpError::Rejected { status, body })
            }
        }
        Err(error) => classify(error, request),
    }
}

fn classify(error: ureq::Error, request: &Post<'_>) -> Try {
    match error {
        ureq::Error::Timeout(_) => Try::Final(HttpError::TimedOut {
            timeout: request.timeout,
        }),
        ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => {
            Try::Final(HttpError::TimedOut {
                timeout: request.timeout,
            })
        }
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            Try::Again(format!("connection refused ({io})"))
        }
        ureq::Error::ConnectionFailed => Try::Again("the connection failed".to_owned()),
        ureq::Error::BadUri(reason) => Try::Final(HttpError::BadUrl {
            url: request.url.to_owned(),
            reason,
        }),
        ureq::Error::Http(http) => Try::Final(HttpError::BadUrl {
            url: request.url.to_owned(),
            reason: http.to_string(),
        }),
        other => Try::Final(HttpError::GaveUp {
            tries: 1,
            last: other.to_string(),
        }),
    }
}

/// Checks a webhook address before anything is sent: `http://` or
/// `https://` with a host.
pub fn check_url(url: &str) -> Result<(), HttpError> {
    let bad = |reason: &str| HttpError::BadUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("it must start with https:// or http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Err(bad("it names no host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_addresses_with_a_host_are_accepted() {
        assert!(check_url("https://hooks.slack.com/services/T0/B0/x").is_ok());
        assert!(check_url("http://127.0.0.1:8080/hook").is_ok());
        let error = check_url("hooks.slack.com/x").expect_err("no scheme");
        assert!(error.to_string().contains("https://"), "{error}");
        assert!(check_url("https:///path").is_err());
    }

    #[test]
    fn a_rejection_shows_the_start_of_the_answer() {
        let error = HttpError::Rejected {
            status: 404,
            body: "no_service\n".to_owned(),
        };
        assert_eq!(error.to_string(), "the webhook answered 404: no_service");
        let error = HttpError::Rejected {
            status: 400,
            body: String::new(),
        };
        assert_eq!(error.to_string(), "the webhook answered 400");
    }
}
