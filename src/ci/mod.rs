//! The CI files `rolecall init` writes: a GitHub Actions workflow or a
//! GitLab CI configuration that checks records in reviews and renders
//! documents on the default branch, with notification jobs to uncomment.
//! Pure text from plain options; nothing here touches the disk.

mod github;
mod gitlab;

pub use github::workflow as github_workflow;
pub use gitlab::configuration as gitlab_configuration;

/// The action a workflow uses until the user names the real one; the
/// README says what to put there.
pub const ACTION_PLACEHOLDER: &str = "OWNER/REPO@REF";

/// The git URL a GitLab configuration installs from until the user names
/// the real one.
pub const GIT_URL_PLACEHOLDER: &str = "https://github.com/OWNER/REPO.git";

/// Where CI gets rolecall from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Install {
    /// rolecall's own composite action, `OWNER/REPO@REF`.
    Action(String),
    /// `cargo install --git URL` at the commit the URL's HEAD names.
    Git(String),
}

/// How the render job on the default branch publishes its commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderVia {
    /// Push the commit to the default branch.
    Push,
    /// Push it to the `rolecall/render` branch and open a pull (or merge)
    /// request, for a protected default branch.
    PullRequest,
}

/// The branch the render job proposes its commit on with
/// [`RenderVia::PullRequest`].
pub const RENDER_BRANCH: &str = "rolecall/render";

/// The comment lines that open and close a block `init` writes commented
/// out: the notification jobs and their trigger, off until the webhook
/// secret exists. Between them every line is the YAML with `# ` in front.
pub const NOTIFY_BEGIN: &str = "# >>> rolecall notify";
/// See [`NOTIFY_BEGIN`].
pub const NOTIFY_END: &str = "# <<< rolecall notify";

/// `yaml` (lines indented by at least `indent` spaces) commented out
/// between the markers, each `# ` placed after the first `indent` spaces.
fn commented(yaml: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = format!("{pad}{NOTIFY_BEGIN}\n");
    for line in yaml.lines() {
        if line.trim().is_empty() {
            out.push_str(&pad);
            out.push_str("#\n");
        } else {
            let rest = line.strip_prefix(pad.as_str()).unwrap_or(line);
            out.push_str(&pad);
            out.push_str("# ");
            out.push_str(rest);
            out.push('\n');
        }
    }
    out.push_str(&pad);
    out.push_str(NOTIFY_END);
    out.push('\n');
    out
}

/// What the CI file is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup {
    pub install: Install,
    pub render_via: RenderVia,
}

/// Checks `OWNER/REPO@REF` (a path below the repository is allowed, as
/// GitHub allows actions in subfolders).
pub fn parse_action(text: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "`{text}` is not an action reference: expected OWNER/REPO@REF, like my-org/rolecall@v1"
        )
    };
    let (path, reference) = text.split_once('@').ok_or_else(bad)?;
    let parts: Vec<&str> = path.split('/').collect();
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    let ref_ok = !reference.is_empty()
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if parts.len() >= 2 && parts.iter().all(|p| word(p)) && ref_ok {
        Ok(text.to_owned())
    } else {
        Err(bad())
    }
}

/// Checks a git URL for `--install-from`: no spaces, quotes or other bytes
/// a shell or YAML would read specially.
pub fn parse_git_url(text: &str) -> Result<String, String> {
    let safe = |b: u8| b.is_ascii_alphanumeric() || b"-_.~/:@%+=".contains(&b);
    let has_scheme = ["https://", "http://", "ssh://", "git://", "file://"]
        .iter()
        .any(|scheme| text.starts_with(scheme));
    if has_scheme && text.bytes().all(safe) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not a git URL rolecall can write into a CI file: expected \
             https://, ssh://, git:// or file:// followed by letters, digits and - _ . ~ / : @ % + ="
        ))
    }
}

#[cfg(test)]
mod tests;
