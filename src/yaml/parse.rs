//! The one place that chooses how a text is read.
//!
//! serde-saphyr (the `library` module) is the reference; the size limit,
//! UTF-8 and the checks in the `guard` module come first, so those problems
//! are reported plainly. Most records take a quick path to the same tree:
//! the `block` module's line reader, or else the `fast` module's walk over
//! the parser's events.

use super::node::{MAX_BYTES, ParseFailure, SNode};
use super::{block, fast, guard, library, syntax_hint};

/// Parses one YAML document from raw file bytes.
///
/// Returns `Ok(None)` for a document that holds no content at all (an empty
/// file or only comments); callers decide whether that is allowed.
pub fn parse(bytes: &[u8]) -> Result<Option<SNode>, ParseFailure> {
    read(source(bytes)?)
}

/// The text the readers see: within the size limit, UTF-8, without a
/// byte-order mark. Byte ranges in the tree index into it.
pub(super) fn source(bytes: &[u8]) -> Result<&str, ParseFailure> {
    if bytes.len() > MAX_BYTES {
        return Err(ParseFailure::at(
            1,
            1,
            format!(
                "file is {} bytes, more than the limit of {MAX_BYTES} bytes (1 MiB)",
                bytes.len()
            ),
        )
        .help("split the record, or move long text into linked documents"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        ParseFailure::at(line, column, "file is not valid UTF-8").help("save the file as UTF-8")
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The choice of reader, made here only: the line reader, else (past the
/// guard) the event walk, else serde-saphyr. Each quick reader declines
/// what it is not sure of; the `differential` module proves that whatever
/// they accept, they read as serde-saphyr does.
fn read(text: &str) -> Result<Option<SNode>, ParseFailure> {
    // The line reader takes no tabs and stops short of the nesting limit,
    // so of the guard's checks only the conflict markers concern it.
    guard::conflict_markers(text)?;
    if let Some(root) = block::parse(text) {
        return Ok(Some(root));
    }
    let shape = guard::check(text)?;
    if guard::only_comments(text) {
        return Ok(None);
    }
    if let Some(root) = fast::parse(text) {
        return Ok(Some(root));
    }
    library::parse(text, shape.max_nesting())
        .map(Some)
        .map_err(|failure| syntax_hint::explain(text, failure))
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.split(|&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Node, Pos};

    #[test]
    fn long_comment_blocks_before_a_list_item_are_fine() {
        let text = format!(
            "timeline:\n{}  - at: 2026-11-20T09:14:00Z\n    event: x\n",
            "  # note\n".repeat(200)
        );
        assert!(parse(text.as_bytes()).is_ok());
    }

    fn fail(text: &str) -> ParseFailure {
        match parse(text.as_bytes()) {
            Err(f) => f,
            Ok(n) => panic!("expected a failure, got {n:?}"),
        }
    }

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let root = parse(b"a: 1\nb:\n  c: x\n").unwrap().unwrap();
        let Node::Map(entries) = &root.node else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.pos, Pos { line: 2, column: 1 });
        let Node::Map(inner) = &entries[1].1.node else {
            panic!("not a map")
        };
        assert_eq!(inner[0].1.pos, Pos { line: 3, column: 6 });
    }

    #[test]
    fn duplicate_key_is_reported_on_second_occurrence() {
        let f = fail("a: 1\nb:\n  c: 2\n  c: 3\n");
        assert_eq!((f.pos.line, f.message.as_str()), (4, "duplicate key `c`"));
    }

    #[test]
    fn parser_messages_do_not_repeat_the_position() {
        let f = fail("a: 1\nb: 2\n  c: 3\n");
        assert_eq!(f.pos, Pos { line: 3, column: 4 });
        assert!(!f.message.contains("line"), "{}", f.message);
        assert_eq!(
            super::library::without_position("x at line 2"),
            "x at line 2"
        );
        assert_eq!(
            super::library::without_position("x at line 2, column 10"),
            "x"
        );
    }

    #[test]
    fn conflict_markers_are_found_on_their_line() {
        let f = fail("a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> x\n");
        assert_eq!(f.pos.line, 2);
        assert!(f.message.contains("merge-conflict"));
    }

    #[test]
    fn empty_and_comment_only_files_have_no_document() {
        for text in ["", "\n \n", "# nothing\n", "\u{feff}---\n# x\n...\n"] {
            assert!(matches!(parse(text.as_bytes()), Ok(None)), "{text:?}");
        }
        assert!(
            fail("# x\n<<<<<<< HEAD\n")
                .message
                .contains("merge-conflict")
        );
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(fail(&text).message.contains("nesting"));
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&" ".repeat(i * 2));
            text.push_str("k:\n");
        }
        assert!(fail(&text).message.contains("nesting"));
    }

    #[test]
    fn parser_depth_breach_reads_plainly() {
        // 40 block levels and 40 flow levels pass the guard one by one;
        // together they breach the parser's depth budget.
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        text.push_str(&" ".repeat(40));
        text.push_str("k: ");
        text.push_str(&"[".repeat(40));
        text.push_str(&"]".repeat(40));
        text.push('\n');
        let f = fail(&text);
        assert_eq!(f.message, "nesting deeper than 64 levels");
        assert!(!f.message.contains('{'), "no debug dump: {f:?}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        use std::fmt::Write as _;
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            let items = vec![format!("*{prev}"); 10].join(", ");
            let _ = writeln!(text, "{name}: &{name} [{items}]");
            prev = name;
        }
        let f = fail(&text);
        assert!(f.message.contains("limit"), "{f:?}");
        // The replay limit trips (on the first line that expands past it),
        // long before the node budget would.
        assert!(f.message.contains("aliases"), "{f:?}");
        assert_eq!(f.pos.line, 4, "{f:?}");
        assert!(
            f.help.as_deref().is_some_and(|h| h.contains("10,000")),
            "{f:?}"
        );
    }

    #[test]
    fn ordinary_aliases_still_expand() {
        let mut text =
            String::from("base: &base {owner: alice, from: 2026-11-20T09:00:00Z}\nlist:\n");
        for _ in 0..90 {
            text.push_str("  - *base\n");
        }
        let root = parse(text.as_bytes()).unwrap().unwrap();
        let Node::Map(entries) = &root.node else {
            panic!("not a map")
        };
        let Node::Seq(items) = &entries[1].1.node else {
            panic!("not a list")
        };
        assert_eq!(items.len(), 90);
    }

    #[test]
    fn non_utf8_is_refused_with_its_line() {
        let bytes = b"a: 1\nb: \xff\n";
        let f = parse(bytes).unwrap_err();
        assert_eq!(
            (f.pos.line, f.message.as_str()),
            (2, "file is not valid UTF-8")
        );
    }

    #[test]
    fn yaml_1_1_booleans_stay_text() {
        let root = parse(b"n: no\n").unwrap().unwrap();
        let Node::Map(entries) = &root.node else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.kind(), "text");
        assert_eq!(entries[0].1.kind(), "text");
    }
}
