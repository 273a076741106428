use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(rolecall::run(std::env::args_os()))
}
