//! Merging a fresh render into a file people have edited: only what lies
//! between begin/end pairs is replaced, sections the template gained are
//! inserted, and the result is read back to prove the next merge finds
//! the same sections.

use std::collections::HashMap;
use std::ops::Range;

use super::Section;
use super::error::MarkerError;
use super::scan::{line_text, manifest_line, parse};

/// The line terminator ending `range` (a line range), or the document's first one, or `\n`.
pub(super) fn eol_of<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
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
pub(super) fn with_eol(text: &str, eol: &str) -> String {
    if eol == "\n" {
        text.to_owned()
    } else {
        text.replace("\r\n", "\n").replace('\n', eol)
    }
}
/// A section of `fresh` as a block of lines ending in `eol`, ready to insert.
pub(super) fn section_block(fresh: &str, section: &Section<'_>, eol: &str) -> String {
    let end_line = line_text(fresh, section.end.clone());
    let body = fresh
        .get(section.begin.start..section.end.start)
        .unwrap_or_default();
    with_eol(&format!("{body}{end_line}\n"), eol)
}
/// New sections of `fresh` to insert, grouped by anchor: `Some(name)` after that existing
/// section, `None` before the first existing section (or at the end when there is none).
pub(super) fn new_section_groups<'f>(
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
pub(super) fn insertion_eol<'t>(
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
pub(super) fn insertion(
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
/// (a template problem), as from [`sections`](super::sections).
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
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}
/// Checks that `merged` reads back as intended: exactly the `expected` sections (name, content,
/// line in the existing file) and the manifest, so a file whose own text would swallow a
/// generated section (an unclosed code block before it, a list around it) is refused rather
/// than written in a form the next merge could not read, or would extend again.
pub(super) fn read_back(
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
