//! `rolecall completions` and `rolecall man`: generated from the clap
//! definition, so they never drift from the real flags.

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Error, Result};

pub fn completions(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "rolecall", &mut out);
    crate::print(&String::from_utf8_lossy(&out));
    0
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
