//! rolecall's integration tests: the real binary against real folders and
//! git repositories in temporary directories.

mod harness;

mod check_codes;
mod check_formats;
mod check_inputs;
mod commit_git;
mod render_docs;
mod render_safety;
