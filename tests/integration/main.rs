//! rolecall's integration tests: the real binary against real folders and
//! git repositories in temporary directories.

mod harness;

mod action_steps;
mod architecture;
mod bad_input;
mod check_ci_formats;
mod check_codes;
mod check_formats;
mod check_inputs;
mod ci_setup;
mod commands_authoring;
mod commands_reporting;
mod commit_git;
mod faults;
mod friction;
mod gitlab_jobs;
mod import;
mod index_order;
mod insights;
mod kill;
mod line_endings;
mod notify;
mod packs;
mod pre_commit;
mod render_cache;
mod render_docs;
mod render_safety;
mod repo_shapes;
mod schema;
mod signing;
mod uncommitted;
mod webhook;
mod yaml_scalars;
