//! The clap types of `stats` and `calendar` and their examples.

use clap::{Args, ValueEnum};

use super::{parse_bound, parse_instant};
use crate::model::Instant;

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

pub(super) const STATS_EXAMPLES: &str = "\
Examples:
  rolecall stats
  rolecall stats --since 2026-01-01 --until 2026-07-01 --severity SEV1
  rolecall stats --format csv --by person --since 2026-11-01 --until 2026-12-01 > on-call.csv";

pub(super) const CALENDAR_EXAMPLES: &str = "\
Examples:
  rolecall calendar > incidents.ics
  rolecall calendar --person alice > alice.ics";
