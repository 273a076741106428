//! `rolecall notify`: the events between the records at two revisions (or
//! a revision and the work tree), posted to a webhook; and the sending that
//! `remind` shares.

use std::time::Duration;

use crate::cli::{NotifyArgs, NotifyFormat, SendArgs};
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::git::Repository;
use crate::http::{self, Post};
use crate::load::{self, Workspace};
use crate::model::{Incident, Instant};
use crate::notify::{self, Event, Format, Setting};

/// How long to wait before the second try; it doubles before the third.
const BACKOFF: Duration = Duration::from_millis(500);

/// Where and how to send, without the command line's types.
pub struct Delivery {
    pub webhook: Option<String>,
    pub format: Format,
    pub secret_env: Option<String>,
    pub dry_run: bool,
    pub timeout: Duration,
    pub docs_url: Option<String>,
}

impl Delivery {
    pub fn new(args: &SendArgs) -> Delivery {
        Delivery {
            webhook: args.webhook.clone().filter(|w| !w.trim().is_empty()),
            format: match args.format {
                NotifyFormat::Slack => Format::Slack,
                NotifyFormat::Json => Format::Json,
            },
            secret_env: args.secret_env.clone(),
            dry_run: args.dry_run,
            timeout: args.timeout.0.unsigned_abs(),
            docs_url: args.docs_url.clone().filter(|u| !u.trim().is_empty()),
        }
    }
}

pub fn run(context: &Context, args: &NotifyArgs) -> Result<u8> {
    let delivery = Delivery::new(&args.send);
    let now = args.now.unwrap_or_else(|| Instant(jiff::Timestamp::now()));
    let work_tree = load::load(&context.root, context.config.as_deref())?;
    let repo = Repository::discover(&context.root)?
        .ok_or_else(|| Error::Usage("notify needs a git repository".to_owned()))?;
    let before = at_revision(context, &repo, &work_tree, &args.since)?;
    let after = match &args.until {
        Some(rev) => at_revision(context, &repo, &work_tree, rev)?,
        None => work_tree,
    };
    for (side, workspace) in [("--since", &before), ("the later side", &after)] {
        let broken = workspace.records.iter().filter(|r| r.incident.is_none());
        for record in broken {
            eprintln!(
                "warning: {} at {side} has errors and is left out; run `rolecall check`",
                record.path
            );
        }
    }
    let setting = Setting {
        config: &after.config,
        roster: after.roster.as_ref(),
        now,
        docs_url: delivery.docs_url.as_deref(),
    };
    let events = notify::changes(&incidents(&before), &incidents(&after), &setting);
    deliver(context, &delivery, &events, &setting)?;
    Ok(0)
}

/// The records as the commit `rev` holds them, read with the work tree's
/// configuration and roster.
fn at_revision(
    context: &Context,
    repo: &Repository,
    work_tree: &Workspace,
    rev: &str,
) -> Result<Workspace> {
    let prefix = repo.project_prefix(&context.root);
    let folder = crate::rel_path::relative(
        &context.root,
        &context.root.join(&work_tree.config.incidents),
    );
    let folder = if folder == "." { String::new() } else { folder };
    let files = repo.files_at(rev, &format!("{prefix}{folder}"), load::is_record_name)?;
    let files = files
        .into_iter()
        .filter_map(|(path, bytes)| path.strip_prefix(&prefix).map(|p| (p.to_owned(), bytes)))
        .collect();
    load::load_files(&context.root, context.config.as_deref(), files)
}

#[allow(clippy::needless_pass_by_value)] // the shape `map_err` hands over
fn webhook(error: http::HttpError) -> Error {
    Error::Webhook(error.to_string())
}

fn incidents(workspace: &Workspace) -> Vec<&Incident> {
    workspace.incidents().map(|(_, i)| i).collect()
}

/// Prints or posts the events: nothing to post when there are none.
pub fn deliver(
    context: &Context,
    delivery: &Delivery,
    events: &[Event],
    setting: &Setting<'_>,
) -> Result<()> {
    if events.is_empty() {
        if !delivery.dry_run {
            context.output.say("nothing to send");
        }
        return Ok(());
    }
    let body = match delivery.format {
        Format::Slack => notify::slack(events, setting),
        Format::Json => notify::json(events),
    };
    let secret = match &delivery.secret_env {
        Some(name) => match std::env::var(name) {
            Ok(secret) if !secret.is_empty() => Some(secret),
            _ => {
                return Err(Error::Usage(format!(
                    "--secret-env {name}: the environment variable {name} is not set (or empty)"
                )));
            }
        },
        None => None,
    };
    if delivery.dry_run {
        crate::print(&body);
        crate::print("\n");
        return Ok(());
    }
    let url = delivery.webhook.as_deref().ok_or_else(|| {
        Error::Usage(
            "no webhook to send to: pass --webhook URL or set ROLECALL_WEBHOOK (or use --dry-run)"
                .to_owned(),
        )
    })?;
    http::check_url(url).map_err(webhook)?;
    let mut headers = Vec::new();
    if let Some(secret) = secret {
        headers.push((
            "X-Rolecall-Signature",
            crate::digest::signature(secret.as_bytes(), body.as_bytes()),
        ));
    }
    let delivered = http::post(&Post {
        url,
        body: body.as_bytes(),
        headers,
        content_type: "application/json",
        timeout: delivery.timeout,
        backoff: BACKOFF,
    })
    .map_err(webhook)?;
    for event in events {
        context.output.say(&event.text);
    }
    let tries = if delivered.tries == 1 {
        String::new()
    } else {
        format!(", after {} tries", delivered.tries)
    };
    context.output.say(&format!(
        "sent {} to the webhook (it answered {}{tries})",
        crate::report::plural(events.len(), "event"),
        delivered.status
    ));
    Ok(())
}
