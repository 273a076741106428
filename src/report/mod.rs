//! Findings as people and machines read them: rustc-style diagnostics,
//! one JSON document, or GitHub Actions workflow commands (SPEC §4); the
//! formats CI tools read (SPEC §10.5) have a module each.

mod gitlab;
mod sarif;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

use crate::finding::{Finding, Severity};

/// How `check` prints its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    /// GitHub workflow commands (annotations); paths relative to the
    /// repository, where GitHub looks for the files.
    Github,
    /// SARIF 2.1.0 for code scanning; paths relative to the repository.
    Sarif,
    /// A GitLab Code Quality report; paths relative to the repository.
    Gitlab,
}

impl Format {
    /// Whether finding paths must be relative to the repository's top
    /// folder rather than to the folder rolecall runs in.
    pub fn wants_repository_paths(self) -> bool {
        matches!(self, Format::Github | Format::Sarif | Format::Gitlab)
    }
}

/// What was checked, for the summary line and the JSON document.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub incidents: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Why records were not checked, when they were not.
    pub skipped_reason: Option<String>,
}

impl Summary {
    pub fn new(incidents: usize, findings: &[Finding]) -> Summary {
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        Summary {
            incidents,
            errors,
            warnings: findings.len() - errors,
            skipped_reason: None,
        }
    }

    /// `checked 12 incidents: 2 errors, 1 warning`.
    pub fn line(&self) -> String {
        let mut line = format!(
            "checked {}: {}, {}",
            plural(self.incidents, "incident"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        );
        if let Some(reason) = &self.skipped_reason {
            let _ = write!(line, " ({reason})");
        }
        line
    }
}

/// `1 error`, `2 errors`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Renders findings and the summary in `format`. `root` is where finding
/// paths start (to show source lines); `color` styles human output.
pub fn render(
    format: Format,
    findings: &[Finding],
    summary: &Summary,
    root: &Path,
    color: bool,
) -> String {
    match format {
        Format::Human => human(findings, summary, root, color),
        Format::Json => json(findings, summary),
        Format::Github => github(findings, summary),
        Format::Sarif => sarif::log(findings),
        Format::Gitlab => gitlab::report(findings),
    }
}

fn human(findings: &[Finding], summary: &Summary, root: &Path, color: bool) -> String {
    let mut sources: HashMap<String, Option<String>> = HashMap::new();
    let mut out = diagnostics(findings, color, |file| {
        sources
            .entry(file.to_owned())
            .or_insert_with(|| {
                std::fs::read(root.join(file))
                    .ok()
                    .map(|b| crate::load::source_text(&b))
            })
            .clone()
    });
    out.push_str(&summary.line());
    out.push('\n');
    out
}

/// Findings as rustc-style diagnostics, each showing its source line from
/// `source_of(file)` with a caret (or only the location when there is no
/// source), then its help.
pub fn diagnostics(
    findings: &[Finding],
    color: bool,
    mut source_of: impl FnMut(&str) -> Option<String>,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for finding in findings {
        let source = source_of(&finding.file);
        let level = match finding.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level
            .primary_title(finding.message.as_str())
            .id(finding.code.as_str());
        let line_text = source
            .as_deref()
            .and_then(|s| s.lines().nth(finding.line.saturating_sub(1)));
        let mut group = match line_text {
            Some(text) => {
                let text = text.trim_end_matches('\r');
                title.element(
                    Snippet::source(text)
                        .line_start(finding.line)
                        .path(finding.file.as_str())
                        .annotation(AnnotationKind::Primary.span(token_span(text, finding.column))),
                )
            }
            None => title.element(
                Snippet::<annotate_snippets::Annotation<'_>>::source("").path(format!(
                    "{}:{}:{}",
                    finding.file, finding.line, finding.column
                )),
            ),
        };
        if let Some(help) = &finding.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// The byte range of the token that starts at `column` (1-based, in
/// characters): up to a `:` that ends a key, or the end of the word.
fn token_span(line: &str, column: usize) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let rest_trimmed = rest.strip_prefix("- ").unwrap_or(rest);
    let offset = rest.len() - rest_trimmed.len();
    let len = rest_trimmed
        .find(": ")
        .or_else(|| rest_trimmed.strip_suffix(':').map(str::len))
        .unwrap_or_else(|| rest_trimmed.trim_end().len());
    let end = start + offset + len.max(1);
    start..end.min(line.len()).max(start)
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    incidents: usize,
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
}

fn json(findings: &[Finding], summary: &Summary) -> String {
    let report = JsonReport {
        version: 1,
        incidents: summary.incidents,
        errors: summary.errors,
        warnings: summary.warnings,
        findings,
    };
    let mut text =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

fn github(findings: &[Finding], summary: &Summary) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&f.file),
            f.line,
            f.column,
            escape_property(f.code.as_str()),
            escape_data(&message)
        );
    }
    out.push_str(&summary.line());
    out.push('\n');
    out
}

/// Escaping of a workflow command's message, as GitHub documents it.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property values.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping_follows_the_documented_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn token_span_covers_a_key() {
        assert_eq!(token_span("  tech_lead: bob", 3), 2..11);
        assert_eq!(token_span("roles:", 1), 0..5);
        assert_eq!(token_span("    - owner: carol", 5), 4..11);
        assert_eq!(token_span("", 1), 0..0);
    }

    #[test]
    fn summary_pluralises() {
        let summary = Summary {
            incidents: 1,
            errors: 2,
            warnings: 1,
            skipped_reason: None,
        };
        assert_eq!(summary.line(), "checked 1 incident: 2 errors, 1 warning");
    }
}
