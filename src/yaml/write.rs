//! Writing YAML scalars into records rolecall edits or creates: plain when
//! that reads back as the same text, double-quoted otherwise, and literal
//! blocks (`|`) for multi-line text. Every choice is verified by parsing it
//! back, so what rolecall writes always reads as exactly what it was given.

use std::fmt::Write as _;

use super::{Node, Scalar, parse};

/// `text` as a YAML scalar that reads back as exactly `text`.
pub fn scalar(text: &str) -> String {
    if looks_plain_safe(text) && reads_back(&format!("k: {text}\n"), text) {
        return text.to_owned();
    }
    quoted(text)
}

/// `text` double-quoted, every character that needs it escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A cheap first filter: text that YAML might read back unchanged as a
/// plain string. [`reads_back`] has the final word.
fn looks_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let reserved = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    first.is_alphanumeric()
        && !text.ends_with(' ')
        && !reserved.contains(&text.to_lowercase().as_str())
        && text.parse::<f64>().is_err()
        && !text.contains(": ")
        && !text.contains(" #")
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " -_.,()/'@+".contains(c))
}

/// Whether `document` (one mapping, key `k`) parses with `k` holding the
/// string `expected`.
fn reads_back(document: &str, expected: &str) -> bool {
    let Ok(Some(root)) = parse(document.as_bytes()) else {
        return false;
    };
    let Node::Map(entries) = root.node else {
        return false;
    };
    matches!(entries.as_slice(), [(_, value)] if matches!(&value.node, Node::Scalar(Scalar::Str(s)) if s == expected))
}

/// What follows `key:` for a value that may span lines, the key sitting at
/// column `key_indent` (0-based): a literal block (`|`) indented two more
/// spaces for multi-line text, a scalar for one line. Reads back as exactly
/// `text`; where a block cannot say that (carriage returns, control
/// characters, more than one trailing line break), a quoted scalar does.
pub fn block_or_scalar(text: &str, key_indent: usize) -> String {
    let body = text.trim_end_matches('\n');
    if !body.contains('\n') || text.len() - body.len() > 1 {
        return format!(" {}", scalar(text));
    }
    let block = literal_block(text, body, key_indent + 2);
    let pad = " ".repeat(key_indent);
    if !text.contains(|c: char| c.is_control() && c != '\n' && c != '\t')
        && reads_back(&format!("{pad}k:{block}\n"), text)
    {
        return block;
    }
    format!(" {}", quoted(text))
}

/// `|` (or `|-` without a final line break, `|2` when the first line
/// starts with a space) and the lines of `body` indented by `indent`.
fn literal_block(text: &str, body: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from(" |");
    if body.starts_with(' ') {
        out.push('2');
    }
    if !text.ends_with('\n') {
        out.push('-');
    }
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The string `value` (what follows `k:`, the key at `indent`) reads as.
    fn read_back(value: &str, indent: usize) -> String {
        let text = format!("{}k:{value}\n", " ".repeat(indent));
        let root = parse(text.as_bytes()).unwrap().unwrap();
        let Node::Map(entries) = root.node else {
            panic!("not a map")
        };
        match &entries[0].1.node {
            Node::Scalar(Scalar::Str(s)) => s.clone(),
            other => panic!("not text: {other:?} in {text:?}"),
        }
    }

    #[test]
    fn scalars_read_back_unchanged() {
        let texts = [
            "alice",
            "Checkout API returns 502",
            "yes",
            "1.5",
            "a: b",
            "# x",
            "x #y",
            "\"q\" \\ ",
            "tab\there",
            "ünï",
            "0x1F",
            "1_000",
            "0o17",
            "0b101",
            "- leading dash",
            "",
            " x",
            "x ",
            "~",
            "null",
            "2026-11-20",
        ];
        for text in texts {
            assert_eq!(read_back(&format!(" {}", scalar(text)), 0), text, "{text}");
        }
    }

    #[test]
    fn plain_where_it_reads_back_and_quoted_where_yaml_would_type_it() {
        assert_eq!(
            scalar("Checkout API returns 502"),
            "Checkout API returns 502"
        );
        assert_eq!(scalar("0x1F"), "\"0x1F\"");
        assert_eq!(scalar("yes"), "\"yes\"");
    }

    #[test]
    fn multi_line_text_becomes_a_block_that_reads_back_exactly() {
        assert_eq!(
            block_or_scalar("first line\n\nsecond: line", 4),
            " |-\n      first line\n\n      second: line"
        );
        assert_eq!(
            read_back(&block_or_scalar("first line\n\nsecond: line", 4), 4),
            "first line\n\nsecond: line"
        );
        assert_eq!(read_back(&block_or_scalar("a\nb\n", 2), 2), "a\nb\n");
        assert_eq!(
            read_back(&block_or_scalar("  indented\nfirst", 2), 2),
            "  indented\nfirst"
        );
        assert_eq!(read_back(&block_or_scalar("a\n\n\n", 2), 2), "a\n\n\n");
        assert_eq!(read_back(&block_or_scalar("a\r\nb", 2), 2), "a\r\nb");
    }

    proptest! {
        #[test]
        fn any_scalar_reads_back(text in "[a-zA-Z0-9 :#\"'\\-_.,()/@+!&*?|>%`{}\\[\\]~=\n\t\\\\é]{0,12}") {
            prop_assert_eq!(read_back(&format!(" {}", scalar(&text)), 0), text);
        }

        #[test]
        fn any_note_reads_back(text in "[a-z :#\"'\\-|>\n\t ]{0,24}", indent in 0usize..8) {
            prop_assert_eq!(read_back(&block_or_scalar(&text, indent), indent), text);
        }
    }
}
