//! Byte-preserving edits of a record's text: appending a shift to a role
//! changes only the bytes of that role's entry, so comments, key order,
//! quoting and blank lines everywhere else stay exactly as they were.

use std::fmt::Write as _;

use crate::model::Instant;
use crate::yaml::write::{block_or_scalar, scalar};
use crate::yaml::{Node, Pos, SNode};

/// The shift a handover adds.
pub struct NewShift<'a> {
    pub owner: &'a str,
    pub from: Instant,
    pub note: Option<&'a str>,
}

/// Why the record's text could not be edited safely.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot edit {what} at line {line}: {reason}")]
pub struct EditError {
    pub what: String,
    pub line: usize,
    pub reason: String,
}

/// `source` with `shift` appended to `role`. `root` is `source` parsed.
pub fn append_shift(
    source: &str,
    root: &SNode,
    role: &str,
    shift: &NewShift<'_>,
) -> Result<String, EditError> {
    let lines = LineIndex::new(source);
    let Node::Map(top) = &root.node else {
        return Err(error("the record", 1, "it is not a mapping"));
    };
    let Some((roles_key, roles)) = top.iter().find(|(k, _)| k.key_text() == "roles") else {
        let block = format!("roles:\n  {role}:\n{}", shift_lines(shift, 4, 6));
        return Ok(append_at_end(source, &block));
    };
    let Node::Map(entries) = &roles.node else {
        return Err(error(
            "`roles`",
            roles_key.pos.line,
            "write it as a block mapping (one role per line) first",
        ));
    };
    if lines.char_at(source, roles.pos) == Some('{') {
        return Err(error(
            "`roles`",
            roles.pos.line,
            "it is a flow mapping `{…}`; write one role per line first",
        ));
    }
    let Some((key, value)) = entries.iter().find(|(k, _)| k.key_text() == role) else {
        return add_role(source, &lines, roles_key, entries, role, shift);
    };
    match &value.node {
        Node::Seq(items) => append_to_list(source, &lines, value, items, shift),
        Node::Scalar(_) => expand_shorthand(source, &lines, key, value, shift),
        Node::Map(_) => Err(error(
            &format!("`{role}`"),
            key.pos.line,
            "it is a mapping, not a person or a list of shifts",
        )),
    }
}

/// A role the record does not list yet goes after the last one, with the
/// new shift as its first.
fn add_role(
    source: &str,
    lines: &LineIndex,
    roles_key: &SNode,
    entries: &[(SNode, SNode)],
    role: &str,
    shift: &NewShift<'_>,
) -> Result<String, EditError> {
    let (last_key, _) = entries
        .last()
        .ok_or_else(|| error("`roles`", roles_key.pos.line, "it is empty"))?;
    let indent = last_key.pos.column - 1;
    let end = entry_end(source, lines, last_key.pos.line, indent);
    let block = format!(
        "{}{role}:\n{}",
        " ".repeat(indent),
        shift_lines(shift, indent + 2, indent + 4)
    );
    Ok(insert(source, end, &block))
}

/// `tech_lead: bob` → a two-shift list, the old owner's text kept as written.
fn expand_shorthand(
    source: &str,
    lines: &LineIndex,
    key: &SNode,
    value: &SNode,
    shift: &NewShift<'_>,
) -> Result<String, EditError> {
    let what = format!("`{}`", key.key_text());
    let (Some((key_start, key_len)), Some((value_start, value_len))) = (key.bytes, value.bytes)
    else {
        return Err(error(&what, key.pos.line, "its position is unknown"));
    };
    if value.pos.line != key.pos.line {
        return Err(error(
            &what,
            key.pos.line,
            "its owner is not on the same line",
        ));
    }
    let key_end = key_start + key_len;
    let value_end = value_start + value_len;
    let owner = source.get(value_start..value_end).unwrap_or_default();
    let dash = key.pos.column - 1 + 2;
    let rewritten = format!(":\n{}- owner: {owner}", " ".repeat(dash));
    let mut text = String::with_capacity(source.len() + 128);
    text.push_str(&source[..key_end]);
    text.push_str(&with_line_endings(&rewritten, source));
    text.push_str(&source[value_end..]);
    let line_end = lines.line_end(&text, key.pos.line + 1);
    Ok(insert(&text, line_end, &shift_lines(shift, dash, dash + 2)))
}

/// A block list of shifts: the new item goes after the last one.
fn append_to_list(
    source: &str,
    lines: &LineIndex,
    list: &SNode,
    items: &[SNode],
    shift: &NewShift<'_>,
) -> Result<String, EditError> {
    if lines.char_at(source, list.pos) == Some('[') {
        return Err(error(
            "the shift list",
            list.pos.line,
            "it is a flow list `[…]`; write one shift per line first",
        ));
    }
    let last_item = items
        .last()
        .ok_or_else(|| error("the shift list", list.pos.line, "it is empty"))?;
    let line = lines.line(source, last_item.pos.line);
    let key_col = last_item.pos.column - 1;
    let dash = line
        .get(..key_col)
        .and_then(|before| before.rfind('-'))
        .ok_or_else(|| {
            error(
                "the shift list",
                last_item.pos.line,
                "its items are not written as `- owner: …`",
            )
        })?;
    let end = entry_end(source, lines, last_item.pos.line, dash);
    Ok(insert(source, end, &shift_lines(shift, dash, key_col)))
}

/// The lines of a new shift: `-` at `dash`, the keys at `keys` (as the
/// list's other items have them, however far after the dash that is).
/// A note is kept even on a role's first shift, so nothing typed is lost.
fn shift_lines(shift: &NewShift<'_>, dash: usize, keys: usize) -> String {
    let pad = " ".repeat(keys);
    let gap = " ".repeat(keys.saturating_sub(dash + 1).max(1));
    let mut text = format!("{}-{gap}owner: {}\n", " ".repeat(dash), scalar(shift.owner));
    let _ = writeln!(text, "{pad}from: {}", shift.from);
    if let Some(note) = shift.note.filter(|n| !n.trim().is_empty()) {
        let _ = writeln!(text, "{pad}handover:{}", block_or_scalar(note, keys));
    }
    text
}

/// The byte offset just after the last line belonging to an entry that
/// starts on `line` (1-based) at indentation `indent`: following lines that
/// are blank or indented deeper belong to it; trailing blank lines do not.
fn entry_end(source: &str, lines: &LineIndex, line: usize, indent: usize) -> usize {
    let mut end = lines.line_end(source, line);
    for number in line + 1..=lines.count() {
        let text = lines.line(source, number);
        if text.trim().is_empty() {
            continue;
        }
        let depth = text.len() - text.trim_start_matches(' ').len();
        if depth <= indent {
            break;
        }
        end = lines.line_end(source, number);
    }
    end
}

/// Inserts `block` (whole lines) at `at`, the end of a line.
fn insert(source: &str, at: usize, block: &str) -> String {
    let mut text = String::with_capacity(source.len() + block.len() + 1);
    text.push_str(&source[..at]);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(if source.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        });
    }
    text.push_str(&with_line_endings(block, source));
    text.push_str(&source[at..]);
    text
}

fn append_at_end(source: &str, block: &str) -> String {
    insert(source, source.len(), block)
}

/// Keeps a CRLF file CRLF.
fn with_line_endings(block: &str, source: &str) -> String {
    if source.contains("\r\n") {
        block.replace('\n', "\r\n")
    } else {
        block.to_owned()
    }
}

fn error(what: &str, line: usize, reason: &str) -> EditError {
    EditError {
        what: what.to_owned(),
        line,
        reason: reason.to_owned(),
    }
}

/// Byte offsets of line starts.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn count(&self) -> usize {
        self.starts.len()
    }

    /// Line `number` (1-based) without its line ending.
    fn line<'s>(&self, source: &'s str, number: usize) -> &'s str {
        let start = self.starts.get(number - 1).copied().unwrap_or(source.len());
        let end = self.starts.get(number).map_or(source.len(), |&s| s - 1);
        source
            .get(start..end.max(start))
            .unwrap_or_default()
            .trim_end_matches('\r')
    }

    /// The byte offset after line `number`'s line ending (or the end).
    fn line_end(&self, source: &str, number: usize) -> usize {
        let start = self.starts.get(number - 1).copied().unwrap_or(source.len());
        source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i + 1)
    }

    fn char_at(&self, source: &str, pos: Pos) -> Option<char> {
        self.line(source, pos.line).chars().nth(pos.column - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(note: Option<&'static str>) -> NewShift<'static> {
        NewShift {
            owner: "carol",
            from: Instant::parse("2026-11-20T10:30:00Z").unwrap(),
            note,
        }
    }

    fn edit(source: &str, role: &str, note: Option<&'static str>) -> String {
        let root = crate::yaml::parse(source.as_bytes()).unwrap().unwrap();
        append_shift(source, &root, role, &shift(note)).unwrap()
    }

    #[test]
    fn shorthand_becomes_a_two_shift_list() {
        let source = "# top\nroles:\n  tech_lead: \"bob\"   # primary\n  im: x\nafter: 1\n";
        assert_eq!(
            edit(source, "tech_lead", Some("Off shift.")),
            "# top\nroles:\n  tech_lead:\n    - owner: \"bob\"   # primary\n    - owner: carol\n      from: 2026-11-20T10:30:00Z\n      handover: Off shift.\n  im: x\nafter: 1\n"
        );
    }

    #[test]
    fn a_shift_list_gets_a_new_item_after_its_last_one() {
        let source = "roles:\n  im:\n    - owner: alice\n    - owner: bob\n      from: 2026-11-20T10:00:00Z\n      handover: |\n        line one\n\n        line two\n\n  # a comment\n  tl: x\n";
        let edited = edit(source, "im", Some("two\nlines"));
        assert_eq!(
            edited,
            "roles:\n  im:\n    - owner: alice\n    - owner: bob\n      from: 2026-11-20T10:00:00Z\n      handover: |\n        line one\n\n        line two\n    - owner: carol\n      from: 2026-11-20T10:30:00Z\n      handover: |-\n        two\n        lines\n\n  # a comment\n  tl: x\n"
        );
    }

    #[test]
    fn a_missing_role_is_added_under_roles() {
        let source = "roles:\n  im: alice\ntimeline: []\n";
        assert_eq!(
            edit(source, "tl", None),
            "roles:\n  im: alice\n  tl:\n    - owner: carol\n      from: 2026-11-20T10:30:00Z\ntimeline: []\n"
        );
    }

    #[test]
    fn a_new_item_lines_its_keys_up_with_the_others() {
        let source = "roles:\n  im:\n  -   owner: alice\n  -   owner: bob\n      from: 2026-11-20T10:00:00Z\n";
        assert_eq!(
            edit(source, "im", None),
            format!("{source}  -   owner: carol\n      from: 2026-11-20T10:30:00Z\n")
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let source = "roles:\r\n  im: alice\r\nx: 1\r\n";
        let edited = edit(source, "im", None);
        assert!(!edited.replace("\r\n", "").contains('\n'), "{edited:?}");
    }

    #[test]
    fn flow_lists_are_refused() {
        let source = "roles:\n  im: [{owner: alice}]\n";
        let root = crate::yaml::parse(source.as_bytes()).unwrap().unwrap();
        assert!(append_shift(source, &root, "im", &shift(None)).is_err());
    }
}
