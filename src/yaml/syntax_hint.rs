//! Help for a YAML syntax error a person can act on: the parser stops where
//! the text stopped making sense, which for an unclosed quote can be many
//! lines after the quote was opened. This finds the opening and says so,
//! and gives every syntax error a help line.

use super::node::{ParseFailure, Pos};
use crate::finding::Code;

/// `failure` (from reading `text`) placed and explained for a person.
pub(super) fn explain(text: &str, mut failure: ParseFailure) -> ParseFailure {
    if failure.code != Code::Syntax {
        return failure;
    }
    if let Some((line, column)) = unclosed_quote_before(text, failure.pos.line) {
        let stopped = failure.pos.line;
        failure.pos = Pos { line, column };
        failure.message = format!(
            "unclosed quote: the string that starts here runs on to line {stopped}, where the parser gave up"
        );
        failure.help = Some(
            "close the quote on this line; for text over several lines, write `key: |` and the text indented below it"
                .to_owned(),
        );
        return failure;
    }
    if failure.help.is_none() {
        failure.help = Some(hint(&failure.message).to_owned());
    }
    failure
}

/// A help line for the parser's message.
fn hint(message: &str) -> &'static str {
    if message.contains("mapping values are not allowed") {
        "a `key:` where a value was expected: indent this line like its siblings, or quote a value that contains `: `"
    } else if message.contains("unclosed quote") || message.contains("quoted scalar") {
        "close the quote, or write `'` inside single quotes as `''` and `\"` inside double quotes as `\\\"`"
    } else if message.contains("indent") || message.contains("expected") {
        "check this line's indentation against the lines above: keys of one mapping line up, list items start with `- `"
    } else {
        "check the quoting and indentation of this line and the one above"
    }
}

/// The line and column (1-based) of the last quote opened before line
/// `stopped` that nothing closes before that line.
fn unclosed_quote_before(text: &str, stopped: usize) -> Option<(usize, usize)> {
    let mut found = None;
    let mut offset = 0;
    let mut stopped_at = text.len();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index + 1 >= stopped {
            stopped_at = offset;
            break;
        }
        if let Some((column, byte)) = unclosed_value_quote(line) {
            found = Some((index + 1, column, offset + byte));
        }
        offset += line.len();
    }
    let (line, column, quote_at) = found?;
    let quote = text[quote_at..].chars().next()?;
    let between = text.get(quote_at + 1..stopped_at)?;
    (!closes(quote, between)).then_some((line, column))
}

/// Whether `text` holds the quote that ends a string opened with `quote`.
fn closes(quote: char, text: &str) -> bool {
    if quote == '"' {
        let mut escaped = false;
        text.chars().any(|c| {
            let close = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            close
        })
    } else {
        text.replace("''", "").contains('\'')
    }
}

/// The column (1-based) and byte index of a value's opening quote that
/// the line leaves open.
fn unclosed_value_quote(line: &str) -> Option<(usize, usize)> {
    let line = line.trim_end_matches(['\n', '\r']);
    if line.trim_start().starts_with('#') {
        return None;
    }
    let value_at = value_start(line)?;
    let quote = line[value_at..]
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')?;
    let rest = &line[value_at + 1..];
    (!closes(quote, rest)).then(|| (line[..value_at].chars().count() + 1, value_at))
}

/// Where the value of a `key: value` or `- value` line starts (byte index).
fn value_start(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let body = &line[indent..];
    if let Some(item) = body.strip_prefix("- ") {
        let inner = indent + 2 + (item.len() - item.trim_start().len());
        // `- key: "…`: the value after the key.
        return value_after_key(line, inner).or(Some(inner));
    }
    value_after_key(line, indent)
}

fn value_after_key(line: &str, from: usize) -> Option<usize> {
    let body = &line[from..];
    if body.starts_with(['"', '\'']) {
        return None;
    }
    let colon = body.find(": ")?;
    let after = from + colon + 2;
    Some(after + (line[after..].len() - line[after..].trim_start().len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(line: usize, message: &str) -> ParseFailure {
        ParseFailure::at(line, 13, message)
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        let text = "title: x\nsummary: \"Card payments failed\nstatus: open\ntimeline:\n  - event: \"ok\"\n";
        let explained = explain(text, failure(5, "invalid trailing content"));
        assert_eq!(
            explained.pos,
            Pos {
                line: 2,
                column: 10
            }
        );
        assert!(
            explained.message.contains("line 5"),
            "{}",
            explained.message
        );
        assert!(explained.help.unwrap().contains("close the quote"));
    }

    #[test]
    fn closed_quotes_and_escapes_are_not_taken_for_open_ones() {
        let text = "a: \"one \\\" two\"\nb: 'it''s'\n- 'x'\nc: \"x\" # \"\nd: e\n";
        let explained = explain(
            text,
            failure(5, "mapping values are not allowed in this context"),
        );
        assert_eq!(explained.pos.line, 5);
        assert!(explained.help.unwrap().contains("indent this line"));
    }

    #[test]
    fn a_quote_in_a_list_item_is_found_too() {
        let text = "timeline:\n  - event: 'Vendor says\n  - event: ok\n";
        let explained = explain(text, failure(3, "x"));
        assert_eq!(
            explained.pos,
            Pos {
                line: 2,
                column: 12
            }
        );
    }

    #[test]
    fn a_quoted_string_over_several_lines_that_closes_is_not_blamed() {
        let text = "a: \"one\n  two\"\nb: c\n  d: e\n";
        let explained = explain(
            text,
            failure(4, "mapping values are not allowed in this context"),
        );
        assert_eq!(explained.pos.line, 4);
    }

    #[test]
    fn every_syntax_error_gets_a_help_line() {
        let explained = explain("a: b\n", failure(1, "something odd"));
        assert!(explained.help.is_some());
    }
}
