//! The command line (clap derive types only) and its conversion into the
//! plain option structs the commands take.

use std::path::PathBuf;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

mod authoring;
mod candidates;

pub use authoring::*;
use candidates::{incident_ids, person_keys, role_keys};

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
pub struct StatsArgs {
    /// Count incidents that started on or after this date (YYYY-MM-DD, UTC) or moment.
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    pub since: Option<Instant>,
    /// Count incidents that started before this date (YYYY-MM-DD, UTC) or moment.
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    pub until: Option<Instant>,
    /// Treat this moment as now (RFC 3339): it ends open shifts and decides what is overdue.
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
    pub now: Option<Instant>,
    /// Only incidents of this severity (repeatable).
    #[arg(long, value_name = "SEVERITY")]
    pub severity: Vec<String>,
    /// Only incidents that name this service (repeatable).
    #[arg(long, value_name = "SERVICE")]
    pub service: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Human)]
    pub format: StatsFormat,
    /// Which sheet `--format csv` writes.
    #[arg(long, value_enum, default_value_t = StatsSheet::Group)]
    pub by: StatsSheet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Human,
    Json,
    Csv,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatsSheet {
    /// One row per group: overall, each severity, service and month.
    Group,
    /// One row per person and role: shift minutes, off-hours, handovers.
    Person,
}

#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// Only what concerns this person (roster key): their shifts,
    /// meetings of postmortems they attend, what they owe.
    #[arg(long, value_name = "KEY")]
    pub person: Option<String>,
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
pub struct InitArgs {
    /// The folder to start in (default: the current folder).
    #[arg(value_name = "DIR")]
    pub target: Option<PathBuf>,
    /// Which CI to write a configuration for.
    #[arg(long, value_enum, default_value_t = CiArg::Github)]
    pub ci: CiArg,
    /// The rolecall action the GitHub workflow uses (default: the
    /// placeholder OWNER/REPO@REF, to replace).
    #[arg(long, value_name = "OWNER/REPO@REF", conflicts_with = "install_from")]
    pub action: Option<String>,
    /// Build rolecall in CI with `cargo install --git URL` (at the commit
    /// the URL's HEAD names) instead of using the action.
    #[arg(long, value_name = "URL")]
    pub install_from: Option<String>,
    /// How the render job publishes the documents on the default branch:
    /// push them, or open a pull request (for a protected branch).
    #[arg(long, value_enum, default_value_t = RenderViaArg::Push)]
    pub render_via: RenderViaArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiArg {
    /// A GitHub Actions workflow, `.github/workflows/rolecall.yml`.
    Github,
    /// A GitLab CI configuration, `.gitlab-ci.yml`.
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderViaArg {
    Push,
    /// A pull request (GitHub) or merge request (GitLab).
    Pr,
}

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

const STATS_EXAMPLES: &str = "\
Examples:
  rolecall stats
  rolecall stats --since 2026-01-01 --until 2026-07-01 --severity SEV1
  rolecall stats --format csv --by person --since 2026-11-01 --until 2026-12-01 > on-call.csv";

const CALENDAR_EXAMPLES: &str = "\
Examples:
  rolecall calendar > incidents.ics
  rolecall calendar --person alice > alice.ics";

const INIT_EXAMPLES: &str = "\
Examples:
  rolecall init
  rolecall init incident-records --action my-org/rolecall@v1
  rolecall init --ci gitlab --install-from https://gitlab.example.com/tools/rolecall.git --render-via pr";

const TEMPLATES_EXAMPLES: &str = "\
Examples:
  rolecall templates export templates
  rolecall templates export /tmp/rolecall-templates";

const NOTIFY_EXAMPLES: &str = "\
Examples:
  rolecall notify --since HEAD~1 --dry-run
  rolecall notify --since origin/main --webhook https://hooks.slack.com/services/T0/B0/XXXX
  ROLECALL_WEBHOOK=https://example.com/hook rolecall notify --since v1 --until v2 --format json --secret-env HOOK_SECRET";

const REMIND_EXAMPLES: &str = "\
Examples:
  rolecall remind --dry-run
  rolecall remind --now 2026-11-20T12:00:00Z --format json --webhook https://example.com/hook";

const IMPORT_EXAMPLES: &str = "\
Examples:
  rolecall import pagerduty pagerduty-export.json --dry-run
  rolecall import pagerduty pagerduty-export.json --severity-map high=SEV1,low=SEV3
  rolecall import incidentio incidents.json";

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
