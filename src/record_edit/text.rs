//! Positions in a record's text: line starts, where an entry's lines end,
//! and inserting whole lines while keeping the file's line endings.

use crate::yaml::Pos;

/// Byte offsets of line starts.
pub(super) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(super) fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub(super) fn count(&self) -> usize {
        self.starts.len()
    }

    /// Line `number` (1-based) without its line ending.
    pub(super) fn line<'s>(&self, source: &'s str, number: usize) -> &'s str {
        let start = self.start(source, number);
        let end = self.starts.get(number).map_or(source.len(), |&s| s - 1);
        source
            .get(start..end.max(start))
            .unwrap_or_default()
            .trim_end_matches('\r')
    }

    fn start(&self, source: &str, number: usize) -> usize {
        self.starts
            .get(number.saturating_sub(1))
            .copied()
            .unwrap_or(source.len())
    }

    /// The byte offset after line `number`'s line ending (or the end).
    pub(super) fn line_end(&self, source: &str, number: usize) -> usize {
        let start = self.start(source, number);
        source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i + 1)
    }

    /// The byte offset of `pos` (its column counts characters).
    pub(super) fn offset(&self, source: &str, pos: Pos) -> usize {
        let start = self.start(source, pos.line);
        let line = self.line(source, pos.line);
        start
            + line
                .char_indices()
                .nth(pos.column.saturating_sub(1))
                .map_or(line.len(), |(i, _)| i)
    }

    pub(super) fn char_at(&self, source: &str, pos: Pos) -> Option<char> {
        self.line(source, pos.line).chars().nth(pos.column - 1)
    }

    /// The 0-based column of the last `-` before `pos` on its line: the
    /// dash of the list item whose content starts at `pos`.
    pub(super) fn dash_before(&self, source: &str, pos: Pos) -> Option<usize> {
        let line = self.line(source, pos.line);
        let before: String = line.chars().take(pos.column - 1).collect();
        let dash = before.rfind('-')?;
        before[..dash].trim().is_empty().then_some(dash)
    }
}

/// The byte offset just after the last line of the mapping entry whose key
/// starts on `line` (1-based) at indentation `indent`: following lines that
/// are blank or indented deeper belong to it, and so do the items of an
/// indentless list (`- ` at the key's own indentation); trailing blank
/// lines do not.
pub(super) fn entry_end(source: &str, lines: &LineIndex, line: usize, indent: usize) -> usize {
    lines_end(source, lines, line, indent, true)
}

/// The byte offset just after the last line of the list item whose dash
/// sits on `line` at column `dash`.
pub(super) fn item_end(source: &str, lines: &LineIndex, line: usize, dash: usize) -> usize {
    lines_end(source, lines, line, dash, false)
}

fn lines_end(source: &str, lines: &LineIndex, line: usize, indent: usize, dashes: bool) -> usize {
    let mut end = lines.line_end(source, line);
    for number in line + 1..=lines.count() {
        let text = lines.line(source, number);
        if text.trim().is_empty() {
            continue;
        }
        let body = text.trim_start_matches(' ');
        let depth = text.len() - body.len();
        let indentless_item = dashes && depth == indent && (body == "-" || body.starts_with("- "));
        if depth < indent || (depth == indent && !indentless_item) {
            break;
        }
        end = lines.line_end(source, number);
    }
    end
}

/// Inserts `block` (whole lines, `\n`-ended) at `at`, the end of a line.
pub(super) fn insert(source: &str, at: usize, block: &str) -> String {
    let mut text = String::with_capacity(source.len() + block.len() + 2);
    text.push_str(&source[..at]);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(line_ending(source));
    }
    text.push_str(&with_line_endings(block, source));
    text.push_str(&source[at..]);
    text
}

/// `source` with the bytes `start..end` replaced by `with`.
pub(super) fn replace(source: &str, start: usize, end: usize, with: &str) -> String {
    let mut text = String::with_capacity(source.len() + with.len());
    text.push_str(&source[..start]);
    text.push_str(&with_line_endings(with, source));
    text.push_str(&source[end..]);
    text
}

fn line_ending(source: &str) -> &'static str {
    if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Keeps a CRLF file CRLF.
fn with_line_endings(block: &str, source: &str) -> String {
    if source.contains("\r\n") {
        block.replace('\n', "\r\n")
    } else {
        block.to_owned()
    }
}
