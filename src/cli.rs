//! The command line (clap derive types only) and its conversion into the
//! plain option structs the commands take.

use std::path::PathBuf;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

mod authoring;
mod candidates;
mod insights;
mod integrations;
mod setup;

pub use authoring::*;
use candidates::{incident_ids, person_keys, role_keys};
pub use insights::*;
pub use integrations::*;
pub use setup::*;

use crate::model::{Instant, Span};

/// Incident response as code: check that every incident role has an owner,
/// render briefing documents for the people in those roles, and commit them.
#[derive(Debug, Parser)]
#[command(
    name = "rolecall",
    version,
    about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run as if rolecall was started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Read the configuration from FILE instead of rolecall.yaml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more about what is happening.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every incident record and report findings.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Render the briefing documents and commit them.
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderArgs),
    /// Show every incident with its role owners, updates and postmortem.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Write a new incident record.
    #[command(after_help = NEW_EXAMPLES)]
    New(NewArgs),
    /// Hand a role over to someone else: edit the record, render, commit.
    #[command(after_help = HANDOVER_EXAMPLES)]
    Handover(HandoverArgs),
    /// Give a vacant role its first owner, or add a responder.
    #[command(after_help = ASSIGN_EXAMPLES)]
    Assign(AssignArgs),
    /// Append a communications update.
    #[command(after_help = UPDATE_EXAMPLES)]
    Update(UpdateArgs),
    /// Append a timeline event.
    #[command(after_help = LOG_EXAMPLES)]
    Log(LogArgs),
    /// Change an incident's status or severity (logged on the timeline).
    #[command(after_help = SET_EXAMPLES)]
    Set(SetArgs),
    /// Resolve an incident: status, `resolved_at` and a timeline event.
    #[command(after_help = RESOLVE_EXAMPLES)]
    Resolve(ResolveArgs),
    /// Acknowledge a handover: `acknowledged_at` on the role's latest shift.
    #[command(after_help = ACK_EXAMPLES)]
    Ack(AckArgs),
    /// Add an action item, or mark one done.
    #[command(subcommand, after_help = ACTION_EXAMPLES)]
    Action(ActionCommand),
    /// List the action items of every incident.
    #[command(after_help = ACTIONS_EXAMPLES)]
    Actions(ActionsArgs),
    /// Show the role catalogue in effect.
    #[command(after_help = ROLES_EXAMPLES)]
    Roles(RolesArgs),
    /// How the team is doing: time to detect, assemble, mitigate, resolve; workload.
    #[command(after_help = STATS_EXAMPLES)]
    Stats(StatsArgs),
    /// Print an iCalendar feed of shifts, postmortem meetings and due dates.
    #[command(after_help = CALENDAR_EXAMPLES)]
    Calendar(CalendarArgs),
    /// Start a repository: configuration, roster, an example, a CI workflow.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// Print a JSON Schema (draft-07) of a file format.
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
    /// Work with the built-in templates.
    #[command(subcommand, after_help = TEMPLATES_EXAMPLES)]
    Templates(TemplatesCommand),
    /// Send what changed between two revisions to a webhook.
    #[command(after_help = NOTIFY_EXAMPLES)]
    Notify(NotifyArgs),
    /// Send what is late now to a webhook; exit 1 when something is.
    #[command(after_help = REMIND_EXAMPLES)]
    Remind(RemindArgs),
    /// Write records from a PagerDuty or incident.io export.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Print shell completions.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    #[command(after_help = MAN_EXAMPLES)]
    Man,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the built-in templates into DIR, for customising.
    #[command(after_help = TEMPLATES_EXAMPLES)]
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write them (created when missing).
    #[arg(value_name = "DIR")]
    pub target: PathBuf,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only incidents that are not resolved.
    #[arg(long)]
    pub open: bool,
    /// Treat this moment as now (RFC 3339).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub now: Option<Instant>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ActionsFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// Only actions that are still open.
    #[arg(long)]
    pub open: bool,
    /// Only actions owned by this person (roster key).
    #[arg(long, value_name = "PERSON")]
    pub owner: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ActionsFormat::Table)]
    pub format: ActionsFormat,
}

#[derive(Debug, Args)]
pub struct RolesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The incident's title (may start with `-`).
    #[arg(long, allow_hyphen_values = true)]
    pub title: String,
    /// One of the configured severities.
    #[arg(long)]
    pub severity: String,
    /// When the incident started (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub started_at: Option<Instant>,
    /// Assign a role: ROLE=PERSON (repeatable).
    #[arg(long = "role", value_name = "ROLE=PERSON", value_parser = parse_assignment)]
    pub roles: Vec<(String, String)>,
    /// Use this id instead of the next `INC-<year>-<NNN>`.
    #[arg(long)]
    pub id: Option<String>,
    /// Commit the new record.
    #[arg(long)]
    pub commit: bool,
    /// Author and committer of the commit, `Name <email>`.
    #[arg(long, value_name = "NAME <EMAIL>", requires = "commit")]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct HandoverArgs {
    /// The incident's id.
    #[arg(add = ArgValueCandidates::new(incident_ids))]
    pub id: String,
    /// The role handed over (an exclusive role, like `tech_lead`).
    #[arg(add = ArgValueCandidates::new(role_keys))]
    pub role: String,
    /// Who takes the role over (roster key).
    #[arg(long, value_name = "PERSON", add = ArgValueCandidates::new(person_keys))]
    pub to: String,
    /// When (RFC 3339; default: now).
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub at: Option<Instant>,
    /// What the outgoing owner passes on; becomes the shift's `handover`
    /// (Markdown; may start with `-`, may span lines).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const CHECK_EXAMPLES: &str = "\
Examples:
  rolecall check
  rolecall check --format github --changed-since origin/main
  rolecall check --format sarif > rolecall.sarif
  rolecall check --now 2026-11-20T12:00:00Z --strict";

const RENDER_EXAMPLES: &str = "\
Examples:
  rolecall render
  rolecall render --check
  rolecall render --dry-run --only INC-2026-014
  rolecall render --no-commit";

const STATUS_EXAMPLES: &str = "\
Examples:
  rolecall status
  rolecall status --open
  rolecall status --format json --now 2026-11-20T12:00:00Z";

const NEW_EXAMPLES: &str = "\
Examples:
  rolecall new --title \"Checkout API returns 502\" --severity SEV1 --role incident_manager=alice
  rolecall new --title \"Slow search\" --severity SEV3 --started-at 2026-11-20T09:14:00Z --commit";

const HANDOVER_EXAMPLES: &str = "\
Examples:
  rolecall handover INC-2026-014 incident_manager --to carol --note \"Rollback done; waiting on the vendor.\"
  rolecall handover INC-2026-014 tech_lead --to ines --at 2026-11-20T10:45:00Z --no-commit";

const ACTIONS_EXAMPLES: &str = "\
Examples:
  rolecall actions --open
  rolecall actions --owner bob --format csv > actions.csv";

const ROLES_EXAMPLES: &str = "\
Examples:
  rolecall roles
  rolecall roles --format json";

const TEMPLATES_EXAMPLES: &str = "\
Examples:
  rolecall templates export templates
  rolecall templates export /tmp/rolecall-templates";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  rolecall completions bash > ~/.local/share/bash-completion/completions/rolecall
  rolecall completions zsh > ~/.zfunc/_rolecall
  rolecall completions fish > ~/.config/fish/completions/rolecall.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  rolecall man > rolecall.1 && man ./rolecall.1";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  rolecall schema incident > rolecall.schema.json
  rolecall schema config";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Treat this moment as now (RFC 3339), for reproducible checks.
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub now: Option<Instant>,
    /// Count warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Only report records changed since the merge base of REV and HEAD.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
}

/// How a command that commits does it.
#[derive(Debug, Args)]
pub struct CommitArgs {
    /// Write the files but do not commit them.
    #[arg(long)]
    pub no_commit: bool,
    /// Author and committer of the commit, `"Name <email>"`.
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub author: Option<String>,
    /// Replace the commit message's subject.
    #[arg(long, short = 'm', value_name = "MSG")]
    pub message: Option<String>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Write nothing; exit 1 when any document would change, listing each.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Print what would be written, removed and committed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Render only this incident (repeatable); the index is still refreshed.
    #[arg(long, value_name = "ID")]
    pub only: Vec<String>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Github,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// A GitLab Code Quality report.
    Gitlab,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file format.
    #[arg(value_enum, default_value_t = SchemaKind::Incident)]
    pub kind: SchemaKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Incident,
    Config,
    People,
}

/// Answers a shell's completion request (`COMPLETE=<shell>` in the
/// environment, set by the script `rolecall completions` prints) and exits;
/// returns at once on any other run.
pub fn complete_from_env() {
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
}

/// Parses `--role ROLE=PERSON`.
pub fn parse_assignment(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((role, person)) if !role.trim().is_empty() && !person.trim().is_empty() => {
            Ok((role.trim().to_owned(), person.trim().to_owned()))
        }
        _ => Err(format!(
            "expected ROLE=PERSON, like incident_manager=alice, found `{text}`"
        )),
    }
}

/// Parses `--since` and `--until`: a date (midnight UTC) or a moment.
pub fn parse_bound(text: &str) -> Result<Instant, String> {
    if let Ok(day) = crate::model::Day::parse(text) {
        return day
            .0
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map(|z| Instant(z.timestamp()))
            .map_err(|e| e.to_string());
    }
    parse_instant(text).map_err(|_| {
        format!("`{text}` is not a date or timestamp; write it like `2026-11-01` or `2026-11-01T00:00:00Z`")
    })
}

/// Parses `--timeout`.
pub fn parse_span(text: &str) -> Result<Span, String> {
    Span::parse(text).map_err(|(message, help)| match help {
        Some(help) => format!("{message}; {help}"),
        None => message,
    })
}

/// Parses `--now` and `--at`.
pub fn parse_instant(text: &str) -> Result<Instant, String> {
    Instant::parse(text).map_err(|(message, help)| match help {
        Some(help) => format!("{message}; {help}"),
        None => message,
    })
}
