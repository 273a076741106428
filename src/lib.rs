//! rolecall runs incident response as code.
//!
//! Incident records are YAML files in a git repository. rolecall checks that
//! every incident role has an owner at every moment, renders Markdown
//! documents for the people in those roles, and commits exactly those
//! documents. Data flows one way: load → check → plan → write → commit.

pub mod blob;
pub mod calendar;
pub mod check;
pub mod ci;
pub mod cli;
pub mod commands;
pub mod commit;
pub mod crash_points;
pub mod digest;
pub mod error;
pub mod finding;
pub mod git;
pub mod http;
pub mod import;
pub mod insights;
pub mod line_endings;
pub mod load;
pub mod model;
pub mod notify;
pub mod project_root;
pub mod record_edit;
pub mod rel_path;
pub mod render;
pub mod report;
pub mod sha1_digest;
pub mod suggest;
pub mod table;
pub mod uncommitted;
pub mod yaml;

use std::ffi::OsString;
use std::io::Write as _;

use clap::Parser as _;

pub use error::{Error, Result};

/// Runs rolecall with the given arguments and returns the exit code:
/// 0 success, 1 the repository's content is at fault, 2 could not run.
pub fn run(args: impl IntoIterator<Item = OsString>) -> u8 {
    cli::complete_from_env();
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { 2 } else { 0 };
        }
    };
    let output = commands::Output::new(&cli.global);
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            output.error(&error);
            error.exit_code()
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`rolecall status | head`).
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
