//! The one Tera wrapper: built-in templates embedded in the binary, the
//! repository's overrides loaded over them, the project's filters
//! registered once, and Tera's errors turned into messages that name the
//! template file, line and column.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{ArgFromValue, Kwargs, State, Tera, TeraResult};
pub use tera::{Context, Value};
use walkdir::WalkDir;

use super::{markdown, time_format};
use crate::model::{Instant, Roster};

/// The built-in templates: (name, source).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "index.md.tera",
        include_str!("../../templates/index.md.tera"),
    ),
    (
        "incident.md.tera",
        include_str!("../../templates/incident.md.tera"),
    ),
    (
        "brief.md.tera",
        include_str!("../../templates/brief.md.tera"),
    ),
    (
        "handover.md.tera",
        include_str!("../../templates/handover.md.tera"),
    ),
    (
        "postmortem.md.tera",
        include_str!("../../templates/postmortem.md.tera"),
    ),
    (
        "insights.md.tera",
        include_str!("../../templates/insights.md.tera"),
    ),
    (
        "record.yaml.tera",
        include_str!("../../templates/record.yaml.tera"),
    ),
];

/// A template problem: which file, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {file}{}: {message}", location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct TemplateError {
    /// The template's path (`templates/brief.md.tera`), or `(built-in) brief.md.tera`.
    pub file: String,
    pub location: Option<(usize, usize)>,
    pub message: String,
}

/// Compiled templates, ready to render in parallel.
pub struct Templates {
    tera: Tera,
    origins: Origins,
    /// SHA-1 of every template's name and source, for the render cache.
    fingerprint: [u8; 20],
}

/// Where each template came from, for naming it in errors.
struct Origins {
    /// Names of templates that came from the repository.
    overrides: Vec<String>,
    /// The repository's templates folder.
    folder: String,
}

impl Templates {
    /// The built-in templates with overrides from `dir` (relative to
    /// `root`), filters bound to `roster`.
    pub fn load(
        root: &Path,
        dir: &str,
        roster: Option<&Roster>,
    ) -> Result<Templates, TemplateError> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        register_filters(&mut tera, roster);
        let mut sources: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|&(n, s)| (n.to_owned(), s.to_owned()))
            .collect();
        let mut overrides = Vec::new();
        for (name, path) in override_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&path).map_err(|e| TemplateError {
                file: format!("{dir}/{name}"),
                location: None,
                message: format!("cannot read: {e}"),
            })?;
            sources.retain(|(n, _)| n != &name);
            sources.push((name.clone(), text));
            overrides.push(name);
        }
        let origins = Origins {
            overrides,
            folder: dir.to_owned(),
        };
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| origins.describe(&e))?;
        let fingerprint = super::cache::digest(
            sources
                .iter()
                .flat_map(|(name, source)| [name.as_bytes(), source.as_bytes()]),
        );
        Ok(Templates {
            tera,
            origins,
            fingerprint,
        })
    }

    /// A digest of every template in effect (names and sources): equal
    /// fingerprints render alike.
    pub fn fingerprint(&self) -> [u8; 20] {
        self.fingerprint
    }

    /// Whether a template of this name exists (for per-role and
    /// per-severity overrides).
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name` with `context`, normalising whitespace so output is
    /// lint-clean whatever the template's spacing: no trailing spaces, no
    /// runs of blank lines, exactly one final newline.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.render_after("", name, context)
    }

    /// `header`, then [`Templates::render`]'s text, in one string allocated
    /// to its exact length (documents are held until they are written).
    pub fn render_after(
        &self,
        header: &str,
        name: &str,
        context: &Context,
    ) -> Result<String, TemplateError> {
        let text = self
            .tera
            .render(name, context)
            .map_err(|e| self.origins.describe(&e))?;
        let mut out = String::with_capacity(header.len() + text.len() + 1);
        out.push_str(header);
        tidy_into(&text, &mut out);
        out.shrink_to_fit();
        Ok(out)
    }

    /// Renders without tidying (the record template: YAML).
    pub fn render_raw(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera
            .render(name, context)
            .map_err(|e| self.origins.describe(&e))
    }

    /// The file name a user sees for template `name`.
    pub fn display_name(&self, name: &str) -> String {
        self.origins.display_name(name)
    }
}

impl Origins {
    fn display_name(&self, name: &str) -> String {
        if self.overrides.iter().any(|o| o == name) {
            format!("{}/{name}", self.folder)
        } else {
            format!("templates/{name} (built-in)")
        }
    }

    fn describe(&self, error: &tera::Error) -> TemplateError {
        match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let span = report.span();
                TemplateError {
                    file: self.display_name(report.filename()),
                    location: Some((span.start_line, span.start_col + 1)),
                    message: report.message().to_owned(),
                }
            }
            _ => {
                let mut message = error.to_string();
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    message.push_str(": ");
                    message.push_str(&cause.to_string());
                    source = cause.source();
                }
                TemplateError {
                    file: format!("{}/", self.folder),
                    location: None,
                    message,
                }
            }
        }
    }
}

/// Override templates under `dir`: (template name, path), `/`-separated
/// names relative to `dir`, only `*.tera` files, sorted.
fn override_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut found: Vec<(String, PathBuf)> = WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".tera"))
        .map(|e| (crate::rel_path::relative(dir, e.path()), e.into_path()))
        .collect();
    found.sort();
    found
}

/// Trims trailing spaces, collapses blank-line runs, ends with one newline.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    tidy_into(text, &mut out);
    out
}

/// [`tidy`], appending to `out`.
fn tidy_into(text: &str, out: &mut String) {
    let start = out.len();
    let mut blank_run = 0;
    let mut in_fence = false;
    for line in text.lines() {
        // Most lines end in a visible ASCII character and start with a letter, `#`, `|`
        // or `-`: the Unicode-aware trims are only needed otherwise.
        let line = match line.as_bytes().last() {
            Some(b) if b.is_ascii_graphic() => line,
            _ => line.trim_end(),
        };
        let fence = match line.as_bytes().first() {
            Some(b) if b.is_ascii_graphic() => line,
            _ => line.trim_start(),
        };
        if fence.starts_with("```") || fence.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if line.is_empty() && !in_fence {
            blank_run += 1;
            if blank_run > 1 || out.len() == start {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out[start..].ends_with("\n\n") {
        out.pop();
    }
    if out.len() == start {
        out.push('\n');
    }
}

fn register_filters(tera: &mut Tera, roster: Option<&Roster>) {
    tera.register_filter("inline", |x: &Value, _: Kwargs, _: &State| {
        escaped(x, markdown::escape_inline_cow)
    });
    tera.register_filter("cell", |x: &Value, _: Kwargs, _: &State| {
        let cell = escaped(x, markdown::escape_inline_cow)?;
        Ok(if cell.as_str() == Some("") {
            Value::from("—")
        } else {
            cell
        })
    });
    tera.register_filter("block", |x: &str, _: Kwargs, _: &State| {
        markdown::sanitize_block(x)
    });
    tera.register_filter("mermaid", |x: &str, _: Kwargs, _: &State| {
        markdown::mermaid_label(x)
    });
    tera.register_filter("url", |x: &str, _: Kwargs, _: &State| safe_url(x));
    tera.register_filter(
        "link",
        |x: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let text = kwargs.get::<String>("text")?.unwrap_or_default();
            Ok(link(x, &text))
        },
    );
    tera.register_filter("utc", |x: &str, _: Kwargs, _: &State| utc(x));
    tera.register_filter("duration", |x: Value, _: Kwargs, _: &State| duration(&x));
    let people = Arc::new(People::new(roster));
    let one = Arc::clone(&people);
    tera.register_filter(
        "person",
        move |x: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let contact = kwargs.get::<bool>("contact")?.unwrap_or(true);
            let key = <&str as ArgFromValue>::from_value(x)?;
            Ok(one.shown(x, key, contact))
        },
    );
    tera.register_filter(
        "people",
        move |x: Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let contact = kwargs.get::<bool>("contact")?.unwrap_or(true);
            let keys: Vec<(&Value, &str)> = x
                .as_array()
                .map(|a| a.iter().filter_map(|v| Some((v, v.as_str()?))).collect())
                .unwrap_or_default();
            Ok(match keys.as_slice() {
                [] => Value::from("nobody"),
                &[(x, key)] => people.shown(x, key, contact),
                keys => Value::from(
                    keys.iter()
                        .map(|&(_, key)| people.text(key, contact))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            })
        },
    );
}

/// A string filter's result: `x` itself when `escape` left its text as it
/// was (no copy), else the new text. Non-strings are refused as `&str`
/// arguments are.
fn escaped(x: &Value, escape: fn(&str) -> Cow<'_, str>) -> TeraResult<Value> {
    let text = <&str as ArgFromValue>::from_value(x)?;
    Ok(match escape(text) {
        Cow::Borrowed(_) => x.clone(),
        Cow::Owned(text) => Value::from(text),
    })
}

/// People as documents show them, escaped once per render rather than on
/// every mention: the roster's name, with or without the contact handle.
struct People {
    /// Roster key → (without contact, with contact).
    shown: HashMap<String, (Value, Value)>,
}

impl People {
    fn new(roster: Option<&Roster>) -> People {
        let roster = roster.cloned().unwrap_or_default();
        let shown = roster
            .keys()
            .map(|key| {
                let without = Value::from(person(&roster, key, false));
                let with = Value::from(person(&roster, key, true));
                (key.to_owned(), (without, with))
            })
            .collect();
        People { shown }
    }

    /// What [`person`] gives for `key`, the text of `x`.
    fn shown(&self, x: &Value, key: &str, contact: bool) -> Value {
        match self.shown.get(key) {
            Some((without, with)) => if contact { with } else { without }.clone(),
            None => match markdown::escape_inline_cow(key) {
                Cow::Borrowed(_) => x.clone(),
                Cow::Owned(text) => Value::from(text),
            },
        }
    }

    /// [`People::shown`] as text.
    fn text<'a>(&'a self, key: &'a str, contact: bool) -> Cow<'a, str> {
        match self.shown.get(key) {
            Some((without, with)) => Cow::Borrowed(
                if contact { with } else { without }
                    .as_str()
                    .unwrap_or_default(),
            ),
            None => markdown::escape_inline_cow(key),
        }
    }
}

/// Whether `url` may become a link: an `http`, `https` or `mailto`
/// address, or a relative path.
fn is_safe_url(url: &str) -> bool {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let scheme_ok = ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s));
    let relative = !lower.contains(':') && !url.is_empty();
    scheme_ok || relative
}

/// A link destination that cannot run code or break out of `<…>`: only
/// `http`, `https` and `mailto` links and relative paths; anything else
/// becomes `#`.
fn safe_url(url: &str) -> String {
    if !is_safe_url(url) {
        return "#".to_owned();
    }
    url.trim()
        .chars()
        .flat_map(|c| match c {
            '<' => "%3C".chars().collect::<Vec<_>>(),
            '>' => "%3E".chars().collect(),
            ' ' => "%20".chars().collect(),
            c if c.is_control() => Vec::new(),
            c => vec![c],
        })
        .collect()
}

/// A whole Markdown link, `[text](<url>)`, with the text escaped; when the
/// address is not safe (see [`safe_url`]), only the text, so no dead or
/// dangerous link appears. Without text, the address is the text.
fn link(url: &str, text: &str) -> String {
    let shown = match markdown::escape_inline(text) {
        t if t.is_empty() => markdown::escape_inline(url),
        t => t,
    };
    let shown = if shown.is_empty() {
        "link".to_owned()
    } else {
        shown
    };
    if is_safe_url(url) {
        format!("[{shown}](<{}>)", safe_url(url))
    } else {
        shown
    }
}

/// `2026-11-20T09:14:00Z` → `2026-11-20 09:14 UTC`; anything else as is.
fn utc(text: &str) -> Value {
    if let Some(shown) = time_format::prose_of_rfc3339(text) {
        return Value::from(std::str::from_utf8(&shown).unwrap_or_default());
    }
    match Instant::parse(text) {
        Ok(at) => Value::from(time_format::prose(at)),
        Err(_) => Value::from(markdown::escape_inline(text)),
    }
}

/// Seconds (or a `2h30m` string) → `2 h 30 min`.
fn duration(value: &Value) -> String {
    let secs = value.as_i64().or_else(|| {
        value
            .as_str()
            .and_then(|s| crate::model::Span::parse(s).ok())
            .map(|s| s.0.as_secs())
    });
    let Some(secs) = secs else {
        return "—".to_owned();
    };
    let minutes = secs.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} d"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} min"));
    }
    parts.join(" ")
}

/// A person as documents show them: the roster's name (with contact), or
/// the key; escaped for inline Markdown.
fn person(roster: &Roster, key: &str, contact: bool) -> String {
    let Some(p) = roster.get(key) else {
        return markdown::escape_inline(key);
    };
    let name = markdown::escape_inline(p.display_name());
    match (&p.contact, contact) {
        (Some(handle), true) => format!("{name} ({})", markdown::escape_inline(handle)),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_collapses_blank_runs_and_trailing_space() {
        assert_eq!(tidy("\n\n# A  \n\n\n\nb\n\n"), "# A\n\nb\n");
    }

    #[test]
    fn tidy_keeps_blank_lines_inside_fences() {
        assert_eq!(tidy("```\na\n\n\nb\n```\n"), "```\na\n\n\nb\n```\n");
    }

    #[test]
    fn durations_read_like_prose() {
        assert_eq!(duration(&Value::from(6480_i64)), "1 h 48 min");
        assert_eq!(duration(&Value::from(90_000_i64)), "1 d 1 h");
        assert_eq!(duration(&Value::from(0_i64)), "0 min");
    }

    #[test]
    fn only_safe_links_survive() {
        assert_eq!(safe_url("javascript:alert(1)"), "#");
        assert_eq!(safe_url(" JavaScript:alert(1)"), "#");
        assert_eq!(
            safe_url("https://x.example/a b<c>"),
            "https://x.example/a%20b%3Cc%3E"
        );
        assert_eq!(safe_url("docs/runbook.md"), "docs/runbook.md");
    }

    #[test]
    fn links_keep_their_text_and_drop_unsafe_addresses() {
        assert_eq!(
            link("https://e.example/a b", "Dash [1]"),
            r"[Dash \[1\]](<https://e.example/a%20b>)"
        );
        assert_eq!(link("javascript:alert(1)", "Evil *x*"), r"Evil \*x\*");
        assert_eq!(link("docs/x.md", ""), "[docs/x.md](<docs/x.md>)");
        assert_eq!(link("", " "), "link");
    }

    #[test]
    fn timestamps_show_in_utc() {
        assert_eq!(
            utc("2026-11-20T10:14:00+01:00").as_str(),
            Some("2026-11-20 09:14 UTC")
        );
        assert_eq!(
            utc("2026-11-20T09:14:00Z").as_str(),
            Some("2026-11-20 09:14 UTC")
        );
        assert_eq!(utc("soon *ish*").as_str(), Some(r"soon \*ish\*"));
    }
}
