//! The clap types of `notify`, `remind` and `import` and their examples.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{parse_instant, parse_span};
use crate::model::{Instant, Span};

#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// Compare the records from this revision on.
    #[arg(long, value_name = "REV")]
    pub since: String,
    /// Up to this revision (default: the work tree).
    #[arg(long, value_name = "REV")]
    pub until: Option<String>,
    /// The moment of changes a record does not date, such as a new status
    /// (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub now: Option<Instant>,
    #[command(flatten)]
    pub send: SendArgs,
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Treat this moment as now (RFC 3339).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub now: Option<Instant>,
    #[command(flatten)]
    pub send: SendArgs,
}

/// Where and how `notify` and `remind` send.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The webhook to post to.
    #[arg(
        long,
        env = "ROLECALL_WEBHOOK",
        value_name = "URL",
        hide_env_values = true
    )]
    pub webhook: Option<String>,
    /// The body: a Slack message with blocks, or rolecall's JSON events.
    #[arg(long, value_enum, default_value_t = NotifyFormat::Slack)]
    pub format: NotifyFormat,
    /// Sign the body with the secret in this environment variable
    /// (header `X-Rolecall-Signature: sha256=<hex HMAC-SHA256>`).
    #[arg(long, value_name = "NAME")]
    pub secret_env: Option<String>,
    /// Print the body instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Give up on a try after this long (like `10s`, `1m`).
    #[arg(long, env = "ROLECALL_TIMEOUT", value_name = "DURATION", default_value = "10s", value_parser = parse_span)]
    pub timeout: Span,
    /// Where the rendered documents can be read, such as
    /// `https://github.com/org/repo/blob/main`; links follow it.
    #[arg(long, env = "ROLECALL_DOCS_URL", value_name = "URL")]
    pub docs_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The tool the export comes from.
    #[arg(value_enum)]
    pub tool: ImportTool,
    /// The export: a JSON file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Urgency (PagerDuty) or severity name (incident.io) to severity:
    /// `high=SEV2,low=SEV4` (default for PagerDuty) or
    /// `critical=SEV1,major=SEV2,minor=SEV3` (default for incident.io).
    #[arg(long, value_name = "FROM=SEV,…")]
    pub severity_map: Option<String>,
    /// List the records that would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportTool {
    Pagerduty,
    Incidentio,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NotifyFormat {
    Slack,
    Json,
}

pub(super) const NOTIFY_EXAMPLES: &str = "\
Examples:
  rolecall notify --since HEAD~1 --dry-run
  rolecall notify --since origin/main --webhook https://hooks.slack.com/services/T0/B0/XXXX
  ROLECALL_WEBHOOK=https://example.com/hook rolecall notify --since v1 --until v2 --format json --secret-env HOOK_SECRET";

pub(super) const REMIND_EXAMPLES: &str = "\
Examples:
  rolecall remind --dry-run
  rolecall remind --now 2026-11-20T12:00:00Z --format json --webhook https://example.com/hook";

pub(super) const IMPORT_EXAMPLES: &str = "\
Examples:
  rolecall import pagerduty pagerduty-export.json --dry-run
  rolecall import pagerduty pagerduty-export.json --severity-map high=SEV1,low=SEV3
  rolecall import incidentio incidents.json";
