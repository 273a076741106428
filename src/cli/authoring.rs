//! The clap types of the live-incident commands (`assign`, `update`, `log`,
//! `set`, `resolve`, `ack`, `action`) and their examples.

use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCandidates;

use super::candidates::{incident_ids, person_keys, role_keys};
use super::{CommitArgs, parse_instant};
use crate::model::Instant;

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// The role (exclusive: its first owner; non-exclusive: a responder).
    #[arg(add = ArgValueCandidates::new(role_keys))]
    pub role: String,
    /// Who takes the role (roster key).
    #[arg(add = ArgValueCandidates::new(person_keys))]
    pub person: String,
    /// When the shift starts (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub at: Option<Instant>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// What was said (may start with `-`).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub summary: String,
    /// Where it was said (`status-page`, `#incident`, …).
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,
    /// When (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub at: Option<Instant>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// What happened (may start with `-`).
    #[arg(value_name = "TEXT", allow_hyphen_values = true)]
    pub text: String,
    /// When (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub at: Option<Instant>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).args(["status", "severity"])))]
pub struct SetArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// The new status (investigating, identified, monitoring; `rolecall
    /// resolve` resolves).
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// The new severity (one of the configured ones).
    #[arg(long, value_name = "SEVERITY")]
    pub severity: Option<String>,
    /// When the change is logged (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub at: Option<Instant>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// When it was resolved (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub at: Option<Instant>,
    /// The timeline event logged (default: "Incident resolved.").
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub event: Option<String>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Args)]
pub struct AckArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// The role whose latest shift is acknowledged.
    #[arg(add = ArgValueCandidates::new(role_keys))]
    pub role: String,
    /// When (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub at: Option<Instant>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Add an action item.
    #[command(after_help = ACTION_EXAMPLES)]
    Add(ActionAddArgs),
    /// Mark the N-th action item (1-based, as `rolecall actions` counts) done.
    #[command(after_help = ACTION_EXAMPLES)]
    Done(ActionDoneArgs),
}

#[derive(Debug, Args)]
pub struct ActionAddArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// What is to be done (may start with `-`).
    #[arg(value_name = "TITLE", allow_hyphen_values = true)]
    pub title: String,
    /// Who owns it (roster key).
    #[arg(long, value_name = "PERSON", add = ArgValueCandidates::new(person_keys))]
    pub owner: String,
    /// When it is due (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
    /// high, medium or low.
    #[arg(long, value_name = "PRIORITY")]
    pub priority: Option<String>,
    /// A link to the tracker.
    #[arg(long, value_name = "URL")]
    pub link: Option<String>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Args)]
pub struct ActionDoneArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// Which action item (1-based, in record order).
    #[arg(value_name = "N")]
    pub number: usize,
    #[command(flatten)]
    pub commit: CommitArgs,
}

pub(super) const ASSIGN_EXAMPLES: &str = "\
Examples:
  rolecall assign INC-2026-014 tech_lead bob
  rolecall assign INC-2026-014 domain_expert frank --at 2026-11-20T09:30:00Z";

pub(super) const UPDATE_EXAMPLES: &str = "\
Examples:
  rolecall update INC-2026-014 --summary \"Investigating elevated checkout errors.\" --channel status-page";

pub(super) const LOG_EXAMPLES: &str = "\
Examples:
  rolecall log INC-2026-014 \"Rolled back checkout-api to v412.\"
  rolecall log INC-2026-014 \"Vendor confirms the outage.\" --at 2026-11-20T10:05:00Z";

pub(super) const SET_EXAMPLES: &str = "\
Examples:
  rolecall set INC-2026-014 --status identified
  rolecall set INC-2026-014 --severity SEV1";

pub(super) const RESOLVE_EXAMPLES: &str = "\
Examples:
  rolecall resolve INC-2026-014
  rolecall resolve INC-2026-014 --at 2026-11-20T11:02:00Z --event \"Error rate back to normal.\"";

pub(super) const ACK_EXAMPLES: &str = "\
Examples:
  rolecall ack INC-2026-014 incident_manager";

pub(super) const ACTION_EXAMPLES: &str = "\
Examples:
  rolecall action add INC-2026-014 \"Add a pool-size guard\" --owner bob --due 2026-12-04 --priority high
  rolecall action done INC-2026-014 1";
