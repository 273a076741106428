//! The clap types of `init` and its examples.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to start in (default: the current folder).
    #[arg(value_name = "DIR")]
    pub target: Option<PathBuf>,
    /// Which CI to write a configuration for.
    #[arg(long, value_enum, default_value_t = CiArg::Github)]
    pub ci: CiArg,
    /// The rolecall action the GitHub workflow uses (default: the
    /// placeholder OWNER/REPO@REF, to replace).
    #[arg(long, value_name = "OWNER/REPO@REF", conflicts_with = "install_from")]
    pub action: Option<String>,
    /// Build rolecall in CI with `cargo install --git URL` (at the commit
    /// the URL's HEAD names) instead of using the action.
    #[arg(long, value_name = "URL")]
    pub install_from: Option<String>,
    /// How the render job publishes the documents on the default branch:
    /// push them, or open a pull request (for a protected branch).
    #[arg(long, value_enum, default_value_t = RenderViaArg::Push)]
    pub render_via: RenderViaArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiArg {
    /// A GitHub Actions workflow, `.github/workflows/rolecall.yml`.
    Github,
    /// A GitLab CI configuration, `.gitlab-ci.yml`.
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderViaArg {
    Push,
    /// A pull request (GitHub) or merge request (GitLab).
    Pr,
}

pub(super) const INIT_EXAMPLES: &str = "\
Examples:
  rolecall init
  rolecall init incident-records --action my-org/rolecall@v1
  rolecall init --ci gitlab --install-from https://gitlab.example.com/tools/rolecall.git --render-via pr";
