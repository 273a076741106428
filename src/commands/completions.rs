//! `rolecall completions` and `rolecall man`: generated from the clap
//! definition, so they never drift from the real flags. The completion
//! script calls rolecall back for each completion (`COMPLETE=<shell>`), so
//! it completes the repository's incident ids, role keys and people too.

use std::fmt::Write as _;

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

/// One page, `rolecall(1)`: `clap_mangen`'s sections, except that the
/// commands are listed here by name instead of as `rolecall-check(1)` and
/// the like, pages that are not installed.
pub fn man() -> Result<u8> {
    let mut command = Cli::command();
    command.build();
    let page = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    let written = page
        .render_title(&mut out)
        .and_then(|()| page.render_name_section(&mut out))
        .and_then(|()| page.render_synopsis_section(&mut out))
        .and_then(|()| page.render_description_section(&mut out))
        .and_then(|()| page.render_options_section(&mut out))
        .and_then(|()| {
            out.extend_from_slice(commands_section(&command).as_bytes());
            page.render_version_section(&mut out)
        });
    written.map_err(|source| Error::Write {
        path: "standard output".into(),
        source,
    })?;
    crate::print(&String::from_utf8_lossy(&out));
    Ok(0)
}

/// `.SH COMMANDS`: every subcommand (and theirs) with its one-line about.
fn commands_section(command: &clap::Command) -> String {
    let mut roff = String::from(".SH COMMANDS\n");
    let mut add = |name: &str, about: String| {
        let _ = write!(
            roff,
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_escape(name),
            roff_escape(&about)
        );
    };
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("rolecall {}", sub.get_name());
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        add(&name, about);
        for inner in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            let about = inner
                .get_about()
                .map(ToString::to_string)
                .unwrap_or_default();
            add(&format!("{name} {}", inner.get_name()), about);
        }
    }
    let _ = write!(
        roff,
        ".PP\n{}\n",
        roff_escape("Each command's --help shows its options and examples.")
    );
    roff
}

/// Text as roff reads it literally.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
