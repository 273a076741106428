//! `rolecall completions` and `rolecall man`: generated from the clap
//! definition, so they never drift from the real flags. The completion
//! script calls rolecall back for each completion (`COMPLETE=<shell>`), so
//! it completes the repository's incident ids, role keys and people too.

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Error, Result};

pub fn completions(args: &CompletionsArgs) -> Result<u8> {
    let name = args.shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let Some(shell) = shells.completer(&name) else {
        return Err(Error::Usage(format!("no completions for {name}")));
    };
    let mut out = Vec::new();
    shell
        .write_registration("COMPLETE", "rolecall", "rolecall", "rolecall", &mut out)
        .map_err(|source| Error::Write {
            path: "standard output".into(),
            source,
        })?;
    crate::print(&String::from_utf8_lossy(&out));
    Ok(0)
}

pub fn man() -> Result<u8> {
    let command = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .map_err(|source| Error::Write {
            path: "standard output".into(),
            source,
        })?;
    crate::print(&String::from_utf8_lossy(&out));
    Ok(0)
}
