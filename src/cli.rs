//! The command line (clap derive types only) and its conversion into the
//! plain option structs the commands take.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::Instant;

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
    /// Print a JSON Schema (draft-07) of a file format.
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
}

const CHECK_EXAMPLES: &str = "\
Examples:
  rolecall check
  rolecall check --format github --changed-since origin/main
  rolecall check --now 2026-11-20T12:00:00Z --strict";

const RENDER_EXAMPLES: &str = "\
Examples:
  rolecall render
  rolecall render --check
  rolecall render --dry-run --only INC-2026-014
  rolecall render --no-commit";

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
    /// Author and committer of the commit, "Name <email>".
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

/// Parses `--now` and `--at`.
pub fn parse_instant(text: &str) -> Result<Instant, String> {
    Instant::parse(text).map_err(|(message, help)| match help {
        Some(help) => format!("{message}; {help}"),
        None => message,
    })
}
