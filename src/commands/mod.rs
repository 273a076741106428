//! One file per subcommand, each wiring the stages together; this file
//! dispatches and holds what they share (the project folder, printing).

mod check;
mod render;
mod schema;

use std::io::IsTerminal as _;
use std::path::PathBuf;

use crate::cli::{Cli, ColorChoice, Command, GlobalArgs};
use crate::error::{Error, Result};

/// Runs the parsed command; the exit code on success.
pub fn dispatch(cli: Cli) -> Result<u8> {
    let context = Context::new(&cli.global)?;
    match cli.command {
        Command::Check(args) => check::run(&context, &args),
        Command::Render(args) => render::run(&context, &args),
        Command::Schema(args) => schema::run(args.kind),
    }
}

/// What every command gets from the global options.
pub struct Context {
    /// The project folder (`-C`, or the current folder).
    pub root: PathBuf,
    pub config: Option<PathBuf>,
    pub output: Output,
}

impl Context {
    fn new(global: &GlobalArgs) -> Result<Context> {
        let cwd = std::env::current_dir().map_err(|source| Error::Read {
            path: ".".into(),
            source,
        })?;
        let root = match &global.dir {
            Some(dir) => cwd.join(dir),
            None => cwd,
        };
        if !root.is_dir() {
            return Err(Error::Usage(format!(
                "-C {}: no such folder",
                root.display()
            )));
        }
        Ok(Context {
            root,
            config: global.config.clone(),
            output: Output::new(global),
        })
    }
}

/// Verbosity and colour of what rolecall prints.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub quiet: bool,
    pub verbose: bool,
    /// Colour on stdout.
    pub color: bool,
    /// Colour on stderr.
    pub color_err: bool,
}

impl Output {
    pub fn new(global: &GlobalArgs) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Output {
            quiet: global.quiet,
            verbose: global.verbose,
            color: decide(std::io::stdout().is_terminal()),
            color_err: decide(std::io::stderr().is_terminal()),
        }
    }

    /// Prints an error that stopped the command, with its help.
    pub fn error(&self, error: &Error) {
        let (red, bold, reset) = if self.color_err {
            ("\x1b[1;31m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let mut text = format!("{red}error{reset}{bold}: {error}{reset}\n");
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(&format!("  caused by: {cause}\n"));
            source = cause.source();
        }
        if let Some(help) = error.help() {
            text.push_str(&format!("  help: {help}\n"));
        }
        eprint!("{text}");
    }

    /// A progress note, shown with `-v`.
    pub fn note(&self, text: &str) {
        if self.verbose {
            eprintln!("{text}");
        }
    }

    /// A normal message on stdout, hidden by `-q`.
    pub fn say(&self, text: &str) {
        if !self.quiet {
            crate::print(text);
            if !text.ends_with('\n') {
                crate::print("\n");
            }
        }
    }
}
