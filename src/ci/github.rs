//! The GitHub Actions workflow: pull requests run `check --format github
//! --changed-since` (and `render --check` when the workflow's
//! `ROLECALL_RENDER_CHECK` is `"true"`); pushes to the default branch
//! render, commit and push the documents, or propose them in a pull
//! request. The `notify` and scheduled `remind` jobs follow, commented out
//! with their `schedule:` trigger until the webhook secret exists.

use std::fmt::Write as _;

use super::{Install, RENDER_BRANCH, RenderVia, Setup, commented};

const HEADER: &str = r#"# rolecall: check incident records in pull requests; render and commit their
# documents on the default branch. Written by `rolecall init`; see the
# README's "Use it in CI".
name: rolecall

on:
  pull_request:
  push:
"#;

/// The explanation above each commented notification block.
const NOTIFY_HOW: &str = "  # Notifications: add the Actions secret ROLECALL_WEBHOOK, then uncomment both rolecall notify blocks.\n";

/// The `remind` job's trigger, commented out with the jobs.
const SCHEDULE: &str = "  schedule:\n    - cron: \"*/30 * * * *\" # remind every 30 minutes\n";

const SETTINGS: &str = r#"
env:
  # "true" also fails pull requests whose committed documents are not
  # current (`rolecall render --check`). Off by default: the render job
  # brings the documents up to date after the merge, and a fix made in
  # GitHub's web editor cannot run `rolecall render`.
  ROLECALL_RENDER_CHECK: "false"

permissions:
  contents: read

jobs:
"#;

const IDENTITY: &str = r#"      - name: Set the identity of the documents' commit
        run: |
          git config user.name "rolecall"
          git config user.email "rolecall@users.noreply.github.com"
"#;

const PUSH: &str = r#"      - name: Push the documents
        run: git push origin "HEAD:$GITHUB_REF_NAME"
"#;

/// The workflow for `setup`.
pub fn workflow(setup: &Setup) -> String {
    let mut out = String::from(HEADER);
    out.push_str(NOTIFY_HOW);
    out.push_str(&commented(SCHEDULE, 2));
    out.push_str(SETTINGS);
    out.push_str(
        "  check:\n    if: github.event_name == 'pull_request'\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n",
    );
    let mut steps = Steps::new(&setup.install);
    steps.rolecall(
        "Check the changed records",
        None,
        "check",
        "--format github --changed-since origin/${{ github.base_ref }}",
    );
    steps.rolecall(
        "Check the documents are current",
        Some("env.ROLECALL_RENDER_CHECK == 'true'"),
        "render",
        "--check",
    );
    out.push_str(&steps.text);

    out.push_str("\n  render:\n    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch\n    runs-on: ubuntu-latest\n");
    out.push_str("    # One render at a time; a push made meanwhile waits and renders after.\n    concurrency:\n      group: rolecall-render-${{ github.ref }}\n      cancel-in-progress: false\n");
    out.push_str("    permissions:\n      contents: write\n");
    if setup.render_via == RenderVia::PullRequest {
        out.push_str("      pull-requests: write\n");
    }
    out.push_str("    steps:\n      - uses: actions/checkout@v4\n");
    out.push_str(IDENTITY);
    let mut steps = Steps::new(&setup.install);
    steps.rolecall("Render and commit the documents", None, "render", "");
    out.push_str(&steps.text);
    match setup.render_via {
        RenderVia::Push => out.push_str(PUSH),
        RenderVia::PullRequest => out.push_str(&open_pull_request()),
    }
    out.push('\n');
    out.push_str(NOTIFY_HOW);
    out.push_str(&commented(&notification_jobs(&setup.install), 2));
    out
}

/// Where the notifications link the documents: the default branch, which
/// the render job keeps current.
const DOCS_URL: &str =
    "--docs-url \"${{ github.server_url }}/${{ github.repository }}/blob/${{ github.ref_name }}\"";

/// The `notify` job (each push to the default branch sends what it changed;
/// a new branch's all-zero `before` names no commit) and the scheduled
/// `remind` job (it fails while something is late).
fn notification_jobs(install: &Install) -> String {
    let mut out = String::from(
        "  notify:\n    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch && github.event.before != '0000000000000000000000000000000000000000'\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n",
    );
    let mut steps = Steps::new(install);
    steps.rolecall(
        "Send what the push changed",
        None,
        "notify",
        &format!(
            "--since \"${{{{ github.event.before }}}}\" --until \"${{{{ github.sha }}}}\" {DOCS_URL}"
        ),
    );
    steps.webhook();
    out.push_str(&steps.text);
    out.push_str(
        "\n  remind:\n    if: github.event_name == 'schedule'\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    );
    let mut steps = Steps::new(install);
    steps.rolecall("Remind of what is late", None, "remind", DOCS_URL);
    steps.webhook();
    out.push_str(&steps.text);
    out
}

/// The step that proposes the render's commit when the default branch is
/// protected: the commit goes to one branch, force-pushed, with one open
/// pull request for it.
fn open_pull_request() -> String {
    format!(
        r#"      - name: Propose the documents in a pull request
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          BRANCH: {RENDER_BRANCH}
        run: |
          if [ "$(git rev-parse HEAD)" = "$GITHUB_SHA" ]; then
            echo "the documents are current"
            exit 0
          fi
          git push --force origin "HEAD:refs/heads/$BRANCH"
          open=$(gh pr list --head "$BRANCH" --state open --json number --jq length)
          if [ "$open" = "0" ]; then
            gh pr create --base "$GITHUB_REF_NAME" --head "$BRANCH" \
              --title "Render incident documents" \
              --body "rolecall rendered the documents of the records at $GITHUB_SHA."
          fi
"#
    )
}

/// A job's rolecall steps: `uses:` steps of the action, or the install
/// steps once followed by `run:` steps.
struct Steps<'a> {
    install: &'a Install,
    installed: bool,
    text: String,
}

impl<'a> Steps<'a> {
    fn new(install: &'a Install) -> Steps<'a> {
        Steps {
            install,
            installed: false,
            text: String::new(),
        }
    }

    /// Gives the last step the webhook secret as `ROLECALL_WEBHOOK`.
    fn webhook(&mut self) {
        self.text.push_str(
            "        env:\n          ROLECALL_WEBHOOK: ${{ secrets.ROLECALL_WEBHOOK }}\n",
        );
    }

    fn rolecall(&mut self, name: &str, condition: Option<&str>, command: &str, args: &str) {
        match self.install {
            Install::Action(action) => {
                let _ = writeln!(self.text, "      - name: {name}");
                if let Some(condition) = condition {
                    let _ = writeln!(self.text, "        if: {condition}");
                }
                let _ = writeln!(
                    self.text,
                    "        uses: {action}\n        with:\n          command: {command}"
                );
                if !args.is_empty() {
                    let _ = writeln!(self.text, "          args: {args}");
                }
            }
            Install::Git(url) => {
                if !self.installed {
                    self.text.push_str(&install_steps(url));
                    self.installed = true;
                }
                let _ = writeln!(self.text, "      - name: {name}");
                if let Some(condition) = condition {
                    let _ = writeln!(self.text, "        if: {condition}");
                }
                let args = args.replace(
                    "origin/${{ github.base_ref }}",
                    "\"origin/$GITHUB_BASE_REF\"",
                );
                let line = format!("rolecall {command} {args}");
                let _ = writeln!(self.text, "        run: {}", line.trim_end());
            }
        }
    }
}

/// `cargo install --git URL` at the commit its HEAD names, the binary
/// cached by that commit and the runner's system.
fn install_steps(url: &str) -> String {
    format!(
        r#"      - name: Find rolecall's revision
        id: rolecall-rev
        run: echo "rev=$(git ls-remote '{url}' HEAD | awk '$2 == "HEAD" {{ print $1 }}')" >> "$GITHUB_OUTPUT"
      - name: Restore rolecall from the cache
        id: rolecall-cache
        uses: actions/cache@v4
        with:
          path: ~/.rolecall
          key: rolecall-${{{{ runner.os }}}}-${{{{ runner.arch }}}}-${{{{ steps.rolecall-rev.outputs.rev }}}}
      - name: Install rolecall
        if: steps.rolecall-cache.outputs.cache-hit != 'true'
        env:
          REV: ${{{{ steps.rolecall-rev.outputs.rev }}}}
        run: cargo install --locked --git '{url}' --rev "$REV" --root ~/.rolecall
      - name: Put rolecall on the PATH
        run: echo "$HOME/.rolecall/bin" >> "$GITHUB_PATH"
"#
    )
}
