//! Scanning a document for rolecall's marker comments: the marker syntax,
//! the lines that hold raw HTML (markers in code do not count), and the
//! generated sections and manifest a document holds.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use super::Section;
use super::error::{Imbalance, MarkerError, unbalanced};

/// The begin marker line for section `name` (without line terminator).
#[must_use]
pub fn begin_marker(name: &str) -> String {
    format!("<!-- rolecall:begin {name} -->")
}
/// The end marker line for section `name` (without line terminator).
#[must_use]
pub fn end_marker(name: &str) -> String {
    format!("<!-- rolecall:end {name} -->")
}
/// The manifest line recording the generated sections (without line terminator). Names that are
/// not valid section names are left out, as are repeats.
#[must_use]
pub fn manifest_line(names: &[&str]) -> String {
    let mut kept: Vec<&str> = Vec::with_capacity(names.len());
    for &name in names {
        if is_name(name) && !kept.contains(&name) {
            kept.push(name);
        }
    }
    if kept.is_empty() {
        "<!-- rolecall:sections -->".to_owned()
    } else {
        format!("<!-- rolecall:sections {} -->", kept.join(","))
    }
}
pub(super) fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}
pub(super) enum Marker<'a> {
    Begin(&'a str),
    End(&'a str),
    Manifest(Vec<&'a str>),
}
/// Reads a marker from a whole line (without terminator). `None`: not a rolecall marker;
/// `Some(Err(()))`: a rolecall marker with bad arguments.
pub(super) fn parse_marker(line: &str) -> Option<Result<Marker<'_>, ()>> {
    let comment = line.trim_matches([' ', '\t']);
    let inner = comment
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim_matches([' ', '\t']);
    let rest = inner.strip_prefix("rolecall:")?;
    let (keyword, args) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    let args = args.trim_matches([' ', '\t']);
    Some(match keyword {
        "begin" if is_name(args) => Ok(Marker::Begin(args)),
        "end" if is_name(args) => Ok(Marker::End(args)),
        "begin" | "end" => Err(()),
        "sections" if args.is_empty() => Ok(Marker::Manifest(Vec::new())),
        "sections" => {
            let list: Vec<&str> = args
                .split(',')
                .map(|n| n.trim_matches([' ', '\t']))
                .collect();
            if list.iter().all(|n| is_name(n)) {
                Ok(Marker::Manifest(list))
            } else {
                Err(())
            }
        }
        _ => return None,
    })
}
/// The manifest of a document: names and the byte range of the marker comment itself.
pub(super) struct Manifest<'a> {
    pub(super) names: Vec<&'a str>,
    pub(super) marker: Range<usize>,
}
pub(super) struct Document<'a> {
    pub(super) sections: Vec<Section<'a>>,
    pub(super) manifest: Option<Manifest<'a>>,
}
/// Byte ranges of the document's lines, each including its `\n`.
pub(super) fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices('\n') {
        lines.push(start..i + 1);
        start = i + 1;
    }
    if start < text.len() {
        lines.push(start..text.len());
    }
    lines
}
/// A line's text without its terminator (`\n` or `\r\n`).
pub(super) fn line_text(text: &str, range: Range<usize>) -> &str {
    let line = text.get(range).unwrap_or_default();
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}
/// Indices of the lines that hold raw HTML: markers count only there, never in code.
pub(super) fn html_lines(text: &str, lines: &[Range<usize>]) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    for range in crate::render::markdown::html_ranges(text) {
        let first = lines.partition_point(|l| l.end <= range.start);
        let last = lines.partition_point(|l| l.end < range.end);
        found.extend(first..=last);
    }
    found
}
pub(super) fn parse(text: &str) -> Result<Document<'_>, MarkerError> {
    let lines = line_ranges(text);
    let mut doc = Document {
        sections: Vec::new(),
        manifest: None,
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut open: Option<(&str, Range<usize>)> = None; // name, begin line
    for index in html_lines(text, &lines) {
        let Some(range) = lines.get(index).cloned() else {
            continue;
        };
        let (line, own_text) = (index + 1, line_text(text, range.clone()));
        let marker = match parse_marker(own_text) {
            None => continue,
            Some(Err(())) => {
                return Err(MarkerError::Malformed {
                    line,
                    text: own_text.trim().to_owned(),
                });
            }
            Some(Ok(marker)) => marker,
        };
        let open_name = open.as_ref().map(|(name, _)| (*name).to_owned());
        match (marker, open_name) {
            (Marker::Begin(name), Some(outer)) => {
                return Err(MarkerError::Nested {
                    line,
                    name: name.to_owned(),
                    outer,
                });
            }
            (Marker::Begin(name), None) => {
                if seen.insert(name, line).is_some() {
                    return Err(MarkerError::Duplicate {
                        line,
                        name: name.to_owned(),
                    });
                }
                open = Some((name, range));
            }
            (Marker::End(name), None) => {
                return Err(unbalanced(line, name, Imbalance::MissingBegin));
            }
            (Marker::End(name), Some(outer)) if outer != name => {
                let open_line = seen.get(outer.as_str()).copied().unwrap_or_default();
                return Err(unbalanced(
                    line,
                    name,
                    Imbalance::Mismatched {
                        open: outer,
                        open_line,
                    },
                ));
            }
            (Marker::End(name), Some(_)) => {
                let begin = open.take().map(|(_, begin)| begin).unwrap_or_default();
                let content_range = begin.end..range.start;
                let content = text.get(content_range.clone()).unwrap_or_default();
                let line = seen.get(name).copied().unwrap_or_default();
                doc.sections.push(Section {
                    name,
                    line,
                    begin,
                    content_range,
                    content,
                    end: range,
                });
            }
            (Marker::Manifest(_), Some(section)) => {
                return Err(MarkerError::ManifestInSection { line, section });
            }
            (Marker::Manifest(_), None) if doc.manifest.is_some() => {
                return Err(MarkerError::DuplicateManifest { line });
            }
            (Marker::Manifest(names), None) => {
                let trimmed = own_text.trim_start_matches([' ', '\t']);
                let start = range.start + (own_text.len() - trimmed.len());
                let marker = start..start + trimmed.trim_end_matches([' ', '\t']).len();
                doc.manifest = Some(Manifest { names, marker });
            }
        }
    }
    match open {
        Some((name, _)) => {
            let line = seen.get(name).copied().unwrap_or_default();
            Err(unbalanced(line, name, Imbalance::MissingEnd))
        }
        None => Ok(doc),
    }
}
