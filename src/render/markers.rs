//! Postmortem marker merging (SPEC §6.4): finding the generated sections of a Markdown document
//! (`<!-- rolecall:begin NAME -->` … `<!-- rolecall:end NAME -->`, each marker alone on its line,
//! markers in code ignored), the `<!-- rolecall:sections a,b -->` manifest of sections rolecall
//! generated, and merging a fresh render into a file people have edited: only what lies between
//! begin/end pairs is replaced; every other byte of the existing file is kept.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use pulldown_cmark::Event;

/// A generated section of a document. Line ranges include their line terminator (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    pub name: &'a str,
    /// 1-based line of the begin marker.
    pub line: usize,
    /// The begin marker line.
    pub begin: Range<usize>,
    /// Everything between the begin marker line and the end marker line.
    pub content_range: Range<usize>,
    /// The text of `content_range`.
    pub content: &'a str,
    /// The end marker line.
    pub end: Range<usize>,
}

/// Why begin and end markers do not pair up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imbalance {
    /// A begin marker whose section is never ended.
    MissingEnd,
    /// An end marker with no open section.
    MissingBegin,
    /// An end marker while a section of another name is open.
    Mismatched { open: String, open_line: usize },
}

/// A problem with a document's markers; the caller leaves the file untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerError {
    Unbalanced {
        line: usize,
        name: String,
        detail: Imbalance,
    },
    Duplicate {
        line: usize,
        name: String,
    },
    Nested {
        line: usize,
        name: String,
        outer: String,
    },
    DuplicateManifest {
        line: usize,
    },
    ManifestInSection {
        line: usize,
        section: String,
    },
    Malformed {
        line: usize,
        text: String,
    },
    /// Merged in, the section (or the manifest) would not read back as written: the text
    /// around it (say an unclosed code block) hides or changes its markers.
    Hidden {
        line: usize,
        name: String,
    },
}

impl MarkerError {
    /// The 1-based line the problem is on.
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            Self::Unbalanced { line, .. }
            | Self::Duplicate { line, .. }
            | Self::Nested { line, .. }
            | Self::DuplicateManifest { line }
            | Self::ManifestInSection { line, .. }
            | Self::Malformed { line, .. }
            | Self::Hidden { line, .. } => *line,
        }
    }

    /// What is wrong, without the line (for messages that give the line
    /// their own way, such as `path:line:`).
    #[must_use]
    pub fn problem(&self) -> String {
        match self {
            Self::Unbalanced { name, detail, .. } => imbalance_message(name, detail),
            Self::Duplicate { name, .. } => {
                format!("second `rolecall:begin {name}`; a section may appear only once")
            }
            Self::Nested { name, outer, .. } => format!(
                "`rolecall:begin {name}` inside the open section `{outer}`; sections cannot nest"
            ),
            Self::DuplicateManifest { .. } => {
                "second `rolecall:sections` manifest; there may be only one".to_owned()
            }
            Self::ManifestInSection { section, .. } => {
                format!("`rolecall:sections` manifest inside section `{section}`")
            }
            Self::Malformed { text, .. } => format!(
                "malformed rolecall marker `{text}` (names are made of a-z, 0-9, `_` and `-`)"
            ),
            Self::Hidden { name, .. } => format!(
                "the generated `{name}` would not stay a section here: the text around it \
                 (an unclosed code block or HTML block?) hides or changes its markers; close it"
            ),
        }
    }
}

impl std::fmt::Display for MarkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line(), self.problem())
    }
}

impl std::error::Error for MarkerError {}

fn imbalance_message(name: &str, detail: &Imbalance) -> String {
    match detail {
        Imbalance::MissingEnd => {
            format!("`rolecall:begin {name}` has no matching `rolecall:end {name}`")
        }
        Imbalance::MissingBegin => {
            format!("`rolecall:end {name}` has no matching `rolecall:begin {name}`")
        }
        Imbalance::Mismatched { open, open_line } => {
            format!(
                "`rolecall:end {name}` does not match the open `rolecall:begin {open}` (line {open_line})"
            )
        }
    }
}

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

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

enum Marker<'a> {
    Begin(&'a str),
    End(&'a str),
    Manifest(Vec<&'a str>),
}

/// Reads a marker from a whole line (without terminator). `None`: not a rolecall marker;
/// `Some(Err(()))`: a rolecall marker with bad arguments.
fn parse_marker(line: &str) -> Option<Result<Marker<'_>, ()>> {
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
struct Manifest<'a> {
    names: Vec<&'a str>,
    marker: Range<usize>,
}

struct Document<'a> {
    sections: Vec<Section<'a>>,
    manifest: Option<Manifest<'a>>,
}

/// Byte ranges of the document's lines, each including its `\n`.
fn line_ranges(text: &str) -> Vec<Range<usize>> {
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
fn line_text(text: &str, range: Range<usize>) -> &str {
    let line = text.get(range).unwrap_or_default();
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

fn unbalanced(line: usize, name: &str, detail: Imbalance) -> MarkerError {
    MarkerError::Unbalanced {
        line,
        name: name.to_owned(),
        detail,
    }
}

/// Indices of the lines that hold raw HTML: markers count only there, never in code.
fn html_lines(text: &str, lines: &[Range<usize>]) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    for (event, range) in super::markdown::parser(text).into_offset_iter() {
        if matches!(event, Event::Html(_) | Event::InlineHtml(_)) && !range.is_empty() {
            let first = lines.partition_point(|l| l.end <= range.start);
            let last = lines.partition_point(|l| l.end < range.end);
            found.extend(first..=last);
        }
    }
    found
}

fn parse(text: &str) -> Result<Document<'_>, MarkerError> {
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

/// Parses a document into its generated sections, in document order; an error describes the
/// first problem, with its line.
///
/// # Errors
/// Unbalanced, duplicated, nested or malformed markers; a duplicated or misplaced manifest.
pub fn sections(text: &str) -> Result<Vec<Section<'_>>, MarkerError> {
    parse(text).map(|doc| doc.sections)
}

/// The line terminator ending `range` (a line range), or the document's first one, or `\n`.
fn eol_of<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
    let line = text.get(range.clone()).unwrap_or_default();
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else if text
        .split_once('\n')
        .is_some_and(|(first, _)| first.ends_with('\r'))
    {
        "\r\n"
    } else {
        "\n"
    }
}

/// `text` with its line breaks converted to `eol`.
fn with_eol(text: &str, eol: &str) -> String {
    if eol == "\n" {
        text.to_owned()
    } else {
        text.replace("\r\n", "\n").replace('\n', eol)
    }
}

/// A section of `fresh` as a block of lines ending in `eol`, ready to insert.
fn section_block(fresh: &str, section: &Section<'_>, eol: &str) -> String {
    let end_line = line_text(fresh, section.end.clone());
    let body = fresh
        .get(section.begin.start..section.end.start)
        .unwrap_or_default();
    with_eol(&format!("{body}{end_line}\n"), eol)
}

/// New sections of `fresh` to insert, grouped by anchor: `Some(name)` after that existing
/// section, `None` before the first existing section (or at the end when there is none).
fn new_section_groups<'f>(
    present: &HashMap<&str, &Section<'_>>,
    generated_before: &[&str],
    fresh: &'f [Section<'f>],
) -> Vec<(Option<&'f str>, Vec<&'f Section<'f>>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Section<'_>>)> = Vec::new();
    let mut anchor = None;
    for section in fresh {
        if present.contains_key(section.name) {
            anchor = Some(section.name);
        } else if !generated_before.contains(&section.name) {
            match groups.last_mut() {
                Some((last, members)) if *last == anchor => members.push(section),
                _ => groups.push((anchor, vec![section])),
            }
        }
    }
    groups
}

/// Where and what to insert for one group of new sections (see [`new_section_groups`]).
/// The line terminator of inserted sections: the one of the place they go.
fn insertion_eol<'t>(
    existing: &'t str,
    anchor: Option<&Section<'_>>,
    first: Option<&Section<'_>>,
) -> &'t str {
    match (anchor, first) {
        (Some(anchor), _) => eol_of(existing, &anchor.end),
        (None, Some(first)) => eol_of(existing, &first.begin),
        (None, None) => eol_of(existing, &(0..0)),
    }
}

fn insertion(
    existing: &str,
    fresh: &str,
    anchor: Option<&Section<'_>>,
    first: Option<&Section<'_>>,
    members: &[&Section<'_>],
    manifest: Option<String>,
) -> (Range<usize>, String) {
    let blocks = |eol: &str| {
        members
            .iter()
            .map(|m| section_block(fresh, m, eol))
            .collect::<Vec<_>>()
    };
    let eol = insertion_eol(existing, anchor, first);
    if let Some(anchor) = anchor {
        let ends_line = existing
            .get(anchor.end.clone())
            .is_some_and(|l| l.ends_with('\n'));
        let mut text = if ends_line {
            String::new()
        } else {
            eol.to_owned()
        };
        for block in blocks(eol) {
            text.push_str(eol);
            text.push_str(&block);
        }
        (anchor.end.end..anchor.end.end, text)
    } else if let Some(first) = first {
        let text = blocks(eol).into_iter().map(|block| block + eol).collect();
        (first.begin.start..first.begin.start, text)
    } else {
        let mut text = match existing {
            "" => String::new(),
            _ if existing.ends_with('\n') => eol.to_owned(),
            _ => eol.repeat(2),
        };
        if let Some(manifest) = manifest {
            text.push_str(&manifest);
            text.push_str(eol);
        }
        text.push_str(&blocks(eol).join(eol));
        (existing.len()..existing.len(), text)
    }
}

/// Merges a fresh render into the existing file: the content between each begin/end pair of
/// `existing` is replaced by the content of the same-named pair in `fresh`; every byte outside
/// generated sections is kept. Sections `fresh` no longer has are kept untouched. Sections new
/// in `fresh` are inserted after the nearest preceding section (in `fresh`'s order) that
/// `existing` has, else before `existing`'s first section, else at the end of the file; unless
/// `existing`'s manifest names them (generated before, so a person deleted them). The manifest
/// becomes the union of the old one and `fresh`'s sections (added before the first section
/// if `existing` had none and `fresh` has one).
///
/// # Errors
/// Any marker problem in `existing` (the file must then be left untouched) or in `fresh`
/// (a template problem), as from [`sections`].
pub fn merge(existing: &str, fresh: &str) -> Result<String, MarkerError> {
    let old = parse(existing)?;
    let new = parse(fresh)?;
    let present: HashMap<&str, &Section<'_>> = old.sections.iter().map(|s| (s.name, s)).collect();
    let generated_before: Vec<&str> = match &old.manifest {
        Some(manifest) => manifest.names.clone(),
        None => old.sections.iter().map(|s| s.name).collect(),
    };
    let mut union = generated_before.clone();
    let fresh_names = new.manifest.iter().flat_map(|m| m.names.iter().copied());
    for name in fresh_names.chain(new.sections.iter().map(|s| s.name)) {
        if !union.contains(&name) {
            union.push(name);
        }
    }

    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // What each section of the result must read back as, and the line of `existing` it is at.
    let mut expected: Vec<(&str, String, usize)> = Vec::new();
    for section in &old.sections {
        let mut content = section.content.to_owned();
        if let Some(fresh_section) = new.sections.iter().find(|f| f.name == section.name)
            && fresh_section.content != section.content
        {
            let eol = eol_of(existing, &section.begin);
            content = with_eol(fresh_section.content, eol);
            edits.push((section.content_range.clone(), content.clone()));
        }
        expected.push((section.name, content, section.line));
    }
    let mut manifest_at_end = None;
    match (&old.manifest, old.sections.first()) {
        (Some(manifest), _) if manifest.names != union => {
            edits.push((manifest.marker.clone(), manifest_line(&union)));
        }
        (None, Some(first)) if new.manifest.is_some() => {
            let text = manifest_line(&union) + eol_of(existing, &first.begin);
            edits.push((first.begin.start..first.begin.start, text));
        }
        (None, None) if new.manifest.is_some() => manifest_at_end = Some(manifest_line(&union)),
        _ => {}
    }
    let mut manifest_expected = old.manifest.is_some() || new.manifest.is_some();
    for (anchor, members) in new_section_groups(&present, &generated_before, &new.sections) {
        let anchor = anchor.and_then(|name| present.get(name).copied());
        let first = old.sections.first();
        let (range, text) = insertion(
            existing,
            fresh,
            anchor,
            first,
            &members,
            manifest_at_end.take(),
        );
        let line = line_at(existing, range.start);
        let eol = insertion_eol(existing, anchor, first);
        for member in &members {
            expected.push((member.name, with_eol(member.content, eol), line));
        }
        edits.push((range, text));
    }
    manifest_expected &= manifest_at_end.is_none();

    edits.sort_by_key(|(range, _)| range.start); // stable: same-place insertions keep their order
    let mut out = String::with_capacity(existing.len() + fresh.len());
    let mut pos = 0;
    for (range, replacement) in edits {
        out.push_str(existing.get(pos..range.start).unwrap_or_default());
        out.push_str(&replacement);
        pos = range.end.max(pos);
    }
    out.push_str(existing.get(pos..).unwrap_or_default());
    read_back(
        &out,
        &expected,
        manifest_expected.then_some(union.as_slice()),
    )?;
    Ok(out)
}

/// The 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// Checks that `merged` reads back as intended: exactly the `expected` sections (name, content,
/// line in the existing file) and the manifest, so a file whose own text would swallow a
/// generated section (an unclosed code block before it, a list around it) is refused rather
/// than written in a form the next merge could not read, or would extend again.
fn read_back(
    merged: &str,
    expected: &[(&str, String, usize)],
    manifest: Option<&[&str]>,
) -> Result<(), MarkerError> {
    let hidden = |name: &str, line: usize| MarkerError::Hidden {
        line,
        name: name.to_owned(),
    };
    let first_line = expected.iter().map(|(_, _, line)| *line).min().unwrap_or(1);
    let doc = parse(merged).map_err(|_| {
        let (name, line) = expected
            .iter()
            .map(|(name, _, line)| (*name, *line))
            .min_by_key(|&(_, line)| line)
            .unwrap_or(("rolecall:sections", first_line));
        hidden(name, line)
    })?;
    for (name, content, line) in expected {
        let found = doc.sections.iter().find(|s| s.name == *name);
        if found.is_none_or(|s| s.content != content) {
            return Err(hidden(name, *line));
        }
    }
    if doc.sections.len() != expected.len() {
        let extra = doc
            .sections
            .iter()
            .find(|s| !expected.iter().any(|(name, _, _)| *name == s.name));
        return Err(hidden(
            extra.map_or("rolecall:sections", |s| s.name),
            first_line,
        ));
    }
    if let Some(names) = manifest
        && doc
            .manifest
            .is_none_or(|m| manifest_line(&m.names) != manifest_line(names))
    {
        return Err(hidden("rolecall:sections", first_line));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write as _;

    /// A template-like render: manifest, then each section between blank lines.
    fn render(sections: &[(&str, &str)]) -> String {
        let names: Vec<&str> = sections.iter().map(|(n, _)| *n).collect();
        let mut out = format!("# Postmortem\n{}\n", manifest_line(&names));
        for (name, content) in sections {
            write!(
                out,
                "\n{}\n{content}{}\n",
                begin_marker(name),
                end_marker(name)
            )
            .unwrap();
        }
        out
    }

    fn names_and_contents(text: &str) -> Vec<(&str, &str)> {
        sections(text)
            .unwrap()
            .iter()
            .map(|s| (s.name, s.content))
            .collect()
    }

    fn err(text: &str) -> String {
        sections(text).unwrap_err().to_string()
    }

    #[test]
    fn finds_sections_with_ranges() {
        let doc = render(&[("summary", "S\n"), ("timeline", "")]);
        let found = sections(&doc).unwrap();
        assert_eq!(
            names_and_contents(&doc),
            [("summary", "S\n"), ("timeline", "")]
        );
        assert_eq!(found[0].line, 4);
        assert_eq!(
            &doc[found[0].begin.clone()],
            "<!-- rolecall:begin summary -->\n"
        );
        assert_eq!(
            &doc[found[1].end.clone()],
            "<!-- rolecall:end timeline -->\n"
        );
        assert_eq!(
            manifest_line(&["a", "b", "a", "Bad"]),
            "<!-- rolecall:sections a,b -->"
        );
    }

    #[test]
    fn markers_in_code_are_ignored() {
        let doc = "```\n<!-- rolecall:begin a -->\n```\n\n`<!-- rolecall:end b -->`\n\n    <!-- rolecall:end c -->\n\n\
                   ~~~md\n<!-- rolecall:end d -->\n~~~\n<!-- rolecall:begin e -->\nx\n<!-- rolecall:end e -->";
        assert_eq!(names_and_contents(doc), [("e", "x\n")]);
        // A comment that is not a rolecall marker, and a marker inside another HTML block.
        let doc =
            "<!-- note -->\n<div>\n<!-- rolecall:begin a -->\n</div>\n\n<!-- rolecall:end a -->\n";
        assert_eq!(names_and_contents(doc), [("a", "</div>\n\n")]);
    }

    #[test]
    fn marker_errors_name_the_line() {
        let begin = |n| begin_marker(n) + "\n";
        let end = |n| end_marker(n) + "\n";
        assert_eq!(
            err(&format!("x\n{}y\n", begin("a"))),
            "line 2: `rolecall:begin a` has no matching `rolecall:end a`"
        );
        assert_eq!(
            err(&format!("\n\n{}", end("timeline"))),
            "line 3: `rolecall:end timeline` has no matching `rolecall:begin timeline`"
        );
        let mismatch = sections(&format!("{}{}", begin("a"), end("b"))).unwrap_err();
        let detail = Imbalance::Mismatched {
            open: "a".into(),
            open_line: 1,
        };
        assert_eq!(
            mismatch,
            MarkerError::Unbalanced {
                line: 2,
                name: "b".into(),
                detail
            }
        );
        let dup = format!("{}{}\n{}{}", begin("a"), end("a"), begin("a"), end("a"));
        assert_eq!(
            sections(&dup).unwrap_err(),
            MarkerError::Duplicate {
                line: 4,
                name: "a".into()
            }
        );
        let nested = format!("{}{}{}{}", begin("a"), begin("b"), end("b"), end("a"));
        assert_eq!(
            sections(&nested).unwrap_err(),
            MarkerError::Nested {
                line: 2,
                name: "b".into(),
                outer: "a".into()
            }
        );
        let manifests = format!("{}\n\n{}\n", manifest_line(&["a"]), manifest_line(&[]));
        assert_eq!(
            sections(&manifests).unwrap_err(),
            MarkerError::DuplicateManifest { line: 3 }
        );
        let inside = format!("{}{}\n{}", begin("a"), manifest_line(&["a"]), end("a"));
        assert_eq!(sections(&inside).unwrap_err().line(), 2);
        assert_eq!(
            err("<!-- rolecall:begin Time Line -->"),
            "line 1: malformed rolecall marker `<!-- rolecall:begin Time Line -->` (names are made of a-z, 0-9, `_` and `-`)"
        );
        assert!(merge(&begin("a"), &render(&[])).is_err());
        assert!(merge("", &begin("a")).is_err());
    }

    #[test]
    fn merge_replaces_sections_and_keeps_everything_else() {
        let old = render(&[("summary", "old summary\n"), ("timeline", "- 10:00 old\n")]);
        let fresh = render(&[("summary", "new summary\n"), ("timeline", "- 10:00 new\n")]);
        assert_eq!(merge(&fresh, &fresh).unwrap(), fresh);
        let edited = format!(
            "Person notes  \n{}\nMore, with trailing space \t\n\n",
            old.replace(
                "\n\n<!-- rolecall:begin timeline",
                "\n\n## Between\r\n\n<!-- rolecall:begin timeline"
            )
        );
        let merged = merge(&edited, &fresh).unwrap();
        let expected = format!(
            "Person notes  \n{}\nMore, with trailing space \t\n\n",
            fresh.replace(
                "\n\n<!-- rolecall:begin timeline",
                "\n\n## Between\r\n\n<!-- rolecall:begin timeline"
            )
        );
        assert_eq!(merged, expected);
        // A CRLF file keeps CRLF, including inside regenerated sections.
        let crlf = old.replace('\n', "\r\n");
        assert_eq!(merge(&crlf, &fresh).unwrap(), fresh.replace('\n', "\r\n"));
        // Sections the template dropped stay as they are.
        let fewer = render(&[("summary", "new summary\n")]);
        let merged = merge(&old, &fewer).unwrap();
        assert_eq!(
            names_and_contents(&merged),
            [("summary", "new summary\n"), ("timeline", "- 10:00 old\n")]
        );
    }

    #[test]
    fn deleted_sections_stay_deleted() {
        let old = render(&[("summary", "S\n"), ("timeline", "T\n"), ("actions", "A\n")]);
        let start = old.find("<!-- rolecall:begin timeline").unwrap();
        let end = old.find("<!-- rolecall:begin actions").unwrap();
        let edited = format!("{}{}", &old[..start], &old[end..]);
        let fresh = render(&[
            ("summary", "S2\n"),
            ("timeline", "T2\n"),
            ("actions", "A2\n"),
        ]);
        let merged = merge(&edited, &fresh).unwrap();
        assert_eq!(
            names_and_contents(&merged),
            [("summary", "S2\n"), ("actions", "A2\n")]
        );
        let again = merge(&merged, &fresh).unwrap();
        assert_eq!(again, merged);
        // A newer template without the section still records it as deleted.
        let fresh2 = render(&[("summary", "S3\n"), ("actions", "A3\n")]);
        let merged2 = merge(&merge(&merged, &fresh2).unwrap(), &fresh).unwrap();
        assert_eq!(
            names_and_contents(&merged2),
            [("summary", "S2\n"), ("actions", "A2\n")]
        );
        assert!(merged2.contains("<!-- rolecall:sections summary,timeline,actions -->\n"));
    }

    #[test]
    fn new_sections_go_to_the_template_position() {
        let old = render(&[("summary", "S\n"), ("actions", "A\n")]);
        let fresh = render(&[
            ("intro", "I\n"),
            ("summary", "S\n"),
            ("timeline", "T\n"),
            ("roles", "R\n"),
            ("actions", "A\n"),
        ]);
        let merged = merge(&old, &fresh).unwrap();
        let names: Vec<&str> = names_and_contents(&merged)
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(names, ["intro", "summary", "timeline", "roles", "actions"]);
        assert!(
            merged.contains("<!-- rolecall:sections summary,actions,intro,timeline,roles -->\n")
        );
        assert_eq!(merge(&merged, &fresh).unwrap(), merged);
        // A hand-written file without markers gets the sections (and the manifest) at the end.
        let merged = merge("# Notes\nmine", &fresh).unwrap();
        assert!(merged.starts_with("# Notes\nmine\n\n<!-- rolecall:sections intro,summary,timeline,roles,actions -->\n<!-- rolecall:begin intro -->\nI\n"));
        assert_eq!(names_and_contents(&merged).len(), 5);
        // Old file without manifest: the manifest is added before its first section.
        let bare = "x\n<!-- rolecall:begin summary -->\nS\n<!-- rolecall:end summary -->";
        let merged = merge(bare, &render(&[("summary", "S\n"), ("roles", "R\n")])).unwrap();
        assert_eq!(
            merged,
            "x\n<!-- rolecall:sections summary,roles -->\n<!-- rolecall:begin summary -->\nS\n<!-- rolecall:end summary -->\n\n<!-- rolecall:begin roles -->\nR\n<!-- rolecall:end roles -->\n"
        );
    }

    #[test]
    fn sections_the_file_would_swallow_are_refused() {
        let fresh = render(&[("summary", "S\n")]);
        // An unclosed fence at the end: appended sections would be code, and every later
        // merge would append them again.
        let error = merge("notes\n```\ncode\n", &fresh).unwrap_err();
        assert_eq!(
            error,
            MarkerError::Hidden {
                line: 4,
                name: "summary".into()
            }
        );
        assert!(error.problem().contains("unclosed code block"));
        // A section inside a list item: fresh content indented as code in `fresh` is HTML
        // there, and would end the section early.
        let existing = "- item\n\n  <!-- rolecall:begin a -->\n  old\n  <!-- rolecall:end a -->\n";
        let fresh = "<!-- rolecall:begin a -->\n    <!-- rolecall:end a -->\nnew\n<!-- rolecall:end a -->\n";
        assert_eq!(sections(fresh).unwrap().len(), 1);
        assert_eq!(merge(existing, fresh).unwrap_err().line(), 3);
        // A manifest that repeats names is rewritten without the repeats.
        let doubled = "<!-- rolecall:sections a,a,b -->\n<!-- rolecall:begin c -->\n<!-- rolecall:end c -->\n";
        assert_eq!(
            merge(doubled, doubled).unwrap(),
            doubled.replace("a,a,b -->", "a,b,c -->")
        );
        // Code that is closed is fine.
        let merged = merge("notes\n```\ncode\n```\n", &render(&[("summary", "S\n")])).unwrap();
        assert_eq!(names_and_contents(&merged), [("summary", "S\n")]);
    }

    const NAMES: [&str; 4] = ["summary", "timeline", "roles", "actions"];

    fn person_text() -> impl Strategy<Value = String> {
        let tokens = prop::sample::select(vec![
            "\n",
            "\r\n",
            " ",
            "    ",
            "\t",
            "`",
            "<",
            ">",
            "-->",
            "<div>",
            "<pre>",
            "</pre>",
            "<?",
            "<!X",
            "[x]",
            "*",
            "|",
            "# ",
            "- ",
            "1. ",
            "> ",
            "\\",
            "&",
            "===",
            "---",
            "a",
            "rolecall:begin summary",
            "é",
            "\n\n",
        ]);
        let piece = prop_oneof![3 => tokens.prop_map(str::to_owned), 1 => any::<char>().prop_map(String::from)];
        prop::collection::vec(piece, 0..30)
            .prop_map(|v| v.concat())
            .prop_filter("no comments or fences", |p| {
                !p.contains("<!--") && !p.contains("```") && !p.contains("~~~")
            })
    }

    /// A rendered document with person text `p[i]` before the manifest, between and after sections.
    fn with_person_text(p: &[String], contents: &[String]) -> String {
        let mut out = format!("{}\n{}\n", p[0], manifest_line(&NAMES));
        for (i, (name, content)) in NAMES.iter().zip(contents).enumerate() {
            let (begin, end) = (begin_marker(name), end_marker(name));
            write!(out, "{}\n{begin}\n{content}{end}\n", p[i + 1]).unwrap();
        }
        out + &p[NAMES.len() + 1]
    }

    proptest! {
        #[test]
        fn person_text_survives_merges(
            p in prop::collection::vec(person_text(), NAMES.len() + 2),
            old in prop::collection::vec("([a-z .*_-]{0,12}\n){0,3}", NAMES.len()),
            new in prop::collection::vec("([a-z .*_-]{0,12}\n){0,3}", NAMES.len()),
        ) {
            let blank = vec![String::new(); NAMES.len() + 2];
            let fresh = with_person_text(&blank, &new);
            let edited = with_person_text(&p, &old);
            let merged = merge(&edited, &fresh).unwrap();
            prop_assert_eq!(&merged, &with_person_text(&p, &new));
            prop_assert_eq!(names_and_contents(&merged), names_and_contents(&fresh));
        }
    }
}
