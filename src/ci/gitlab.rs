//! The GitLab CI configuration: merge requests run `check --changed-since`
//! and publish a Code Quality report (and `render --check` when
//! `ROLECALL_RENDER_CHECK` is `"true"`); pushes to the default branch
//! render, commit and push the documents, or propose them in a merge
//! request. The `notify` and `remind` jobs follow, commented out until the
//! webhook variable exists.

use std::fmt::Write as _;

use super::{RENDER_BRANCH, RenderVia, commented};

const HEADER: &str = r#"# rolecall: check incident records in merge requests; render and commit
# their documents on the default branch. Written by `rolecall init`; see the
# README's "Use it in CI".

variables:
  # "true" also fails merge requests whose committed documents are not
  # current (`rolecall render --check`). Off by default: the render job
  # brings the documents up to date after the merge, and a fix made in
  # GitLab's web editor cannot run `rolecall render`.
  ROLECALL_RENDER_CHECK: "false"
"#;

const TEMPLATE: &str = r#"
# rolecall is built from source once per revision of its repository and
# kept in the job cache.
.rolecall:
  image: rust:1
  cache:
    key: rolecall-bin
    paths:
      - .rolecall/
  before_script:
    - |
      rev=$(git ls-remote "$ROLECALL_GIT_URL" HEAD | awk '$2 == "HEAD" { print $1 }')
      if [ ! -x .rolecall/bin/rolecall ] || [ "$(cat .rolecall/rev 2>/dev/null)" != "$rev" ]; then
        cargo install --locked --force --git "$ROLECALL_GIT_URL" --rev "$rev" --root .rolecall
        echo "$rev" > .rolecall/rev
      fi
    - export PATH="$PWD/.rolecall/bin:$PATH"

rolecall-check:
  extends: .rolecall
  stage: test
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  variables:
    GIT_DEPTH: "0"
  script:
    - target="origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
    - git fetch --quiet origin "+refs/heads/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:refs/remotes/$target"
    - rolecall check --format gitlab --changed-since "$target" > gl-code-quality-report.json || true
    - rolecall check --changed-since "$target"
    - if [ "$ROLECALL_RENDER_CHECK" = "true" ]; then rolecall render --check; fi
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json

# Pushing needs a project access token with write_repository in the CI/CD
# variable ROLECALL_PUSH_TOKEN (the job token cannot push).
rolecall-render:
  extends: .rolecall
  stage: deploy
  rules:
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  resource_group: rolecall-render
  script:
    - git checkout -B "$CI_COMMIT_BRANCH" "$CI_COMMIT_SHA"
    - git config user.name "rolecall"
    - git config user.email "rolecall@noreply.invalid"
    - rolecall render
    - |
      if [ "$(git rev-parse HEAD)" = "$CI_COMMIT_SHA" ]; then
        echo "the documents are current"
        exit 0
      fi
      # The clone URL with the push token in place of the job token.
      case "$CI_REPOSITORY_URL" in
        *@*) remote="${CI_REPOSITORY_URL%%://*}://rolecall:${ROLECALL_PUSH_TOKEN}@${CI_REPOSITORY_URL#*@}" ;;
        *) remote="$CI_REPOSITORY_URL" ;;
      esac
"#;

/// The configuration for a rolecall built from `url`.
pub fn configuration(url: &str, render_via: RenderVia) -> String {
    let mut out = String::from(HEADER);
    let _ = writeln!(out, "  ROLECALL_GIT_URL: \"{url}\"");
    out.push_str(TEMPLATE);
    match render_via {
        RenderVia::Push => {
            out.push_str("      git push -o ci.skip \"$remote\" \"HEAD:$CI_COMMIT_BRANCH\"\n");
        }
        RenderVia::PullRequest => {
            let _ = writeln!(
                out,
                "      git push --force -o merge_request.create -o merge_request.target=\"$CI_COMMIT_BRANCH\" \\\n        -o merge_request.title=\"Render incident documents\" \"$remote\" \"HEAD:refs/heads/{RENDER_BRANCH}\""
            );
        }
    }
    out.push_str(NOTIFY_HOW);
    out.push_str(&commented(NOTIFY_JOBS, 0));
    out
}

/// How to turn the notification jobs on.
const NOTIFY_HOW: &str = "\n# Notifications: add the masked CI/CD variable ROLECALL_WEBHOOK, uncomment the block below and schedule a pipeline for remind.\n";

/// The notification jobs, commented out until the webhook exists: `notify`
/// on pushes to the default branch (not a new branch's first push, whose
/// before-sha is all zeros) and `remind` in scheduled pipelines.
const NOTIFY_JOBS: &str = r#"rolecall-notify:
  extends: .rolecall
  stage: deploy
  rules:
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_BEFORE_SHA != "0000000000000000000000000000000000000000"
  variables:
    GIT_DEPTH: "0"
  script:
    - rolecall notify --since "$CI_COMMIT_BEFORE_SHA" --until "$CI_COMMIT_SHA" --docs-url "$CI_PROJECT_URL/-/blob/$CI_DEFAULT_BRANCH"

rolecall-remind:
  extends: .rolecall
  stage: deploy
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
  script:
    - rolecall remind --docs-url "$CI_PROJECT_URL/-/blob/$CI_DEFAULT_BRANCH"
"#;
