//! One file per subcommand, each wiring the stages together; this file
//! dispatches and holds what they share (the project folder, printing).
//!
//! The top of the house: a command may import every stage, and nothing but
//! `lib.rs` imports a command. A command that needs string surgery on a
//! record or its own git calls is missing a function in `record_edit` or
//! `git`, not a command-local helper.

mod ack;
mod action;
mod actions;
mod assign;
mod authoring;
mod calendar;
mod check;
mod completions;
mod handover;
mod import;
mod init;
mod log;
mod new;
mod notify;
mod remind;
pub mod render;
mod resolve;
mod roles;
mod schema;
mod set;
mod stats;
mod status;
mod templates;
mod update;

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;

use crate::cli::{Cli, ColorChoice, Command, GlobalArgs, TemplatesCommand};
use crate::error::{Error, Result};

/// Runs the parsed command; the exit code on success.
pub fn dispatch(cli: Cli) -> Result<u8> {
    let context = Context::new(&cli.global)?;
    match cli.command {
        Command::Check(args) => check::run(&context, &args),
        Command::Render(args) => render::run(&context, &args),
        Command::Status(args) => status::run(&context, &args),
        Command::New(args) => new::run(&context, &args),
        Command::Handover(args) => handover::run(&context, &args),
        Command::Assign(args) => assign::run(&context, &args),
        Command::Update(args) => update::run(&context, &args),
        Command::Log(args) => log::run(&context, &args),
        Command::Set(args) => set::run(&context, &args),
        Command::Resolve(args) => resolve::run(&context, &args),
        Command::Ack(args) => ack::run(&context, &args),
        Command::Action(command) => action::run(&context, &command),
        Command::Actions(args) => actions::run(&context, &args),
        Command::Roles(args) => roles::run(&context, &args),
        Command::Stats(args) => stats::run(&context, &args),
        Command::Calendar(args) => calendar::run(&context, &args),
        Command::Init(args) => init::run(&context, &args),
        Command::Schema(args) => Ok(schema::run(args.kind)),
        Command::Templates(TemplatesCommand::Export(args)) => templates::export(&context, &args),
        Command::Import(args) => import::run(&context, &args),
        Command::Notify(args) => notify::run(&context, &args),
        Command::Remind(args) => remind::run(&context, &args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
    }
}

/// The configuration alone (for commands that need no records); errors in
/// it are reported like `check` reports them.
pub fn load_config(context: &Context) -> Result<crate::model::Config> {
    let mut findings = Vec::new();
    let (config, _, ok) =
        crate::load::load_config(&context.root, context.config.as_deref(), &mut findings)?;
    if ok {
        return Ok(config);
    }
    let summary = crate::report::Summary::new(0, &findings);
    eprint!(
        "{}",
        crate::report::render(
            crate::report::Format::Human,
            &findings,
            &summary,
            &context.root,
            context.output.color_err
        )
    );
    Err(Error::Content("the configuration has errors".to_owned()))
}

/// Says on stderr when some records could not be read (they are left out).
/// The help for a `--severity` the configuration does not know: a
/// did-you-mean, else the list of severities.
pub fn severity_help(config: &crate::model::Config, given: &str) -> String {
    let names = config.severities.keys().map(String::as_str);
    crate::suggest::did_you_mean(given, names.clone()).unwrap_or_else(|| {
        format!(
            "the severities are {}",
            names.collect::<Vec<_>>().join(", ")
        )
    })
}

pub fn warn_unreadable(context: &Context, workspace: &crate::load::Workspace) {
    let unreadable = workspace
        .records
        .iter()
        .filter(|r| r.incident.is_none())
        .count();
    if workspace.setup_failed {
        eprintln!("warning: the configuration or roster has errors; run `rolecall check`");
    } else if unreadable > 0 && !context.output.quiet {
        eprintln!(
            "warning: left out {} with errors; run `rolecall check`",
            crate::report::plural(unreadable, "record")
        );
    }
}

/// `ROLE=PERSON` from the command line: an exclusive role of the catalogue
/// and, when there is a roster, a person in it.
pub fn validate_assignment(
    workspace: &crate::load::Workspace,
    role: &str,
    person: &str,
) -> Result<()> {
    if !authoring::known_role(workspace, role)?.exclusive {
        return Err(Error::Usage(format!(
            "`{role}` is not an exclusive role; list its people under `responders` in the record"
        )));
    }
    authoring::known_person(workspace, person)
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
        let start = match &global.dir {
            Some(dir) => cwd.join(dir),
            None => cwd,
        };
        if !start.is_dir() {
            return Err(Error::Usage(format!(
                "-C {}: no such folder",
                start.display()
            )));
        }
        let root = crate::project_root::find(&start);
        Ok(Context {
            root,
            config: global.config.clone(),
            output: Output::new(global),
        })
    }
}

/// Verbosity and colour of what rolecall prints.
#[derive(Clone, Copy, Debug)]
#[allow(clippy::struct_excessive_bools)]
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
            let cause_text = cause.to_string();
            if !text.contains(&cause_text) {
                let _ = writeln!(text, "  caused by: {cause_text}");
            }
            source = cause.source();
        }
        if let Some(help) = error.help() {
            let _ = writeln!(text, "  help: {help}");
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
