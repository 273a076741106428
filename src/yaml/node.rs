//! Parsing YAML text into a tree of [`Node`]s that keep their source position.
//!
//! serde-saphyr does the parsing (and rejects duplicate keys and
//! over-budget documents); the size limit, UTF-8 and the checks in
//! the `guard` module come first, so those problems are reported plainly.
//! Most records take a quick path to the same tree: the `block` module's
//! line reader, or else the `fast` module's walk over the parser's events.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Spanned};

/// Largest record rolecall reads (SPEC §8).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Deepest nesting of collections rolecall accepts (SPEC §8).
pub const MAX_DEPTH: usize = 64;

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// The start of a file, where findings about a missing key sit.
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// A scalar as YAML typed it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
}

/// One node of a YAML document.
#[derive(Clone, Debug)]
pub enum Node {
    Scalar(Scalar),
    Seq(Vec<SNode>),
    Map(Vec<(SNode, SNode)>),
}

/// A node with the place it was written and, for scalars, its byte range.
#[derive(Clone, Debug)]
pub struct SNode {
    pub node: Node,
    pub pos: Pos,
    pub bytes: Option<(usize, usize)>,
}

impl SNode {
    /// The scalar's text exactly as written in `source` (for numbers and
    /// booleans used where text is expected), or its parsed value.
    pub fn raw_text<'s>(&self, source: &'s str) -> Option<&'s str> {
        let (start, len) = self.bytes?;
        source.get(start..start + len)
    }

    /// A short name for the kind of node, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match &self.node {
            Node::Scalar(Scalar::Null) => "nothing",
            Node::Scalar(Scalar::Bool(_)) => "a boolean",
            Node::Scalar(Scalar::Int(_) | Scalar::Float(_)) => "a number",
            Node::Scalar(Scalar::Str(_)) => "text",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }

    /// The key text when this node is used as a mapping key.
    pub fn key_text(&self) -> String {
        match &self.node {
            Node::Scalar(Scalar::Str(s)) => s.clone(),
            Node::Scalar(Scalar::Int(i)) => i.to_string(),
            Node::Scalar(Scalar::Bool(b)) => b.to_string(),
            Node::Scalar(Scalar::Float(f)) => f.to_string(),
            Node::Scalar(Scalar::Null) => "~".to_owned(),
            Node::Seq(_) | Node::Map(_) => "(complex key)".to_owned(),
        }
    }
}

/// Why a text is not a YAML document rolecall can read: always a `syntax`
/// finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
}

impl ParseFailure {
    pub(super) fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        ParseFailure {
            pos: Pos { line, column },
            message: message.into(),
            help: None,
        }
    }

    pub(super) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Parses one YAML document from raw file bytes.
///
/// Returns `Ok(None)` for a document that holds no content at all (an empty
/// file or only comments); callers decide whether that is allowed.
pub fn parse(bytes: &[u8]) -> Result<Option<SNode>, ParseFailure> {
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The line reader takes no tabs and stops short of the nesting limit,
    // so of the guard's checks only the conflict markers concern it.
    super::guard::conflict_markers(text)?;
    if let Some(root) = super::block::parse(text) {
        return Ok(Some(root));
    }
    let shape = super::guard::check(text)?;
    if super::guard::only_comments(text) {
        return Ok(None);
    }
    if let Some(root) = super::fast::parse(text) {
        return Ok(Some(root));
    }
    let shallow = shape
        .max_nesting()
        .is_some_and(|nesting| nesting <= SHALLOW_NESTING);
    if shallow {
        parse_here(text).map(Some)
    } else {
        parse_on_big_stack(text).map(Some)
    }
}

/// Stack for the parser's thread. The parser recurses once per nesting
/// level; at the 64 levels a record may use, an unoptimised build needs more
/// than the 2 MiB that test and rayon threads get.
const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Nesting that the parser handles on the calling thread. An unoptimised
/// build needs about 40 KiB of stack a level, so this fits a 2 MiB test or
/// rayon thread with room to spare; records nest about 10 levels, and only
/// deeper documents pay for a thread of their own.
const SHALLOW_NESTING: usize = 16;

/// Runs the parser on the calling thread; a panic in it is a finding, not
/// a crash, as on [`parse_on_big_stack`]'s thread.
fn parse_here(text: &str) -> Result<SNode, ParseFailure> {
    std::panic::catch_unwind(|| parse_text(text)).unwrap_or_else(|_| Err(parser_failed()))
}

/// Runs the parser on a thread of its own with [`PARSER_STACK_BYTES`], so
/// it is safe whichever thread calls it (and a panic in it is a finding,
/// not a crash).
fn parse_on_big_stack(text: &str) -> Result<SNode, ParseFailure> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("yaml-parser".to_owned())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || parse_text(text));
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| Err(parser_failed())),
            Err(_) => parse_text(text),
        }
    })
}

fn parser_failed() -> ParseFailure {
    ParseFailure::at(1, 1, "the YAML parser failed on this file")
}

pub(super) fn parse_text(text: &str) -> Result<SNode, ParseFailure> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        budget: Some(budget()),
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
        },
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, options) {
        Ok(root) => Ok(root.into()),
        Err(error) => Err(describe(&error)),
    }
}

/// Values that aliases may expand into, in all: far more than any record
/// needs, and reached in milliseconds by an alias bomb (the node budget
/// alone would let it build 100,000 values first).
const MAX_REPLAYED_EVENTS: usize = 10_000;

pub(super) fn budget() -> Budget {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_events = 200_000;
    // Long comment blocks before a list item are normal in hand-kept records.
    budget.max_buffered_comment_events = 4_096;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 100_000;
    budget.max_total_scalar_bytes = MAX_BYTES * 2;
    budget.flow_nesting_limit = MAX_DEPTH;
    budget
}

/// Turns a parser error into a one-line message at its location.
fn describe(error: &serde_saphyr::Error) -> ParseFailure {
    let (line, column) = error
        .location()
        .map(|l| (to_usize(l.line()), to_usize(l.column())))
        .filter(|&(l, _)| l > 0)
        .unwrap_or((1, 1));
    let full = error.without_snippet().to_string();
    let mut message = full
        .lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_owned();
    for prefix in ["error: ", "Error: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            message = rest.to_owned();
        }
    }
    if let Some(idx) = message.find(": ").filter(|_| message.starts_with("line ")) {
        message = message[idx + 2..].to_owned();
    }
    message = without_position(&message).to_owned();
    let mut failure = ParseFailure::at(line, column, message.clone());
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(key)
            .trim();
        failure.message = format!("duplicate key `{key}`");
        failure.help = Some(format!(
            "`{key}` is already set earlier in this mapping; keep one of them"
        ));
    } else if message.starts_with("multiple YAML documents") {
        "more than one YAML document in the file".clone_into(&mut failure.message);
        failure.help = Some("a file holds one record: remove the `---` line, or move the second record to its own file".to_owned());
    } else if let Some((message, help)) = over_budget(&message) {
        failure.message = message;
        failure.help = Some(help.to_owned());
    } else if message.contains("tab") {
        failure.help =
            Some("indent with spaces; YAML does not allow tabs in indentation".to_owned());
    }
    failure
}

/// A readable message and help for a breach of the parser's budget (its
/// own wording is a Rust debug dump such as `Depth { depth: 65 }`).
fn over_budget(message: &str) -> Option<(String, &'static str)> {
    let lower = message.to_lowercase();
    if !(lower.contains("budget") || lower.contains("limit") || lower.contains("exceeded")) {
        return None;
    }
    Some(if lower.contains("depth") {
        (
            format!("nesting deeper than {MAX_DEPTH} levels"),
            "records never need this much nesting; flatten the structure",
        )
    } else if lower.contains("replay") {
        (
            "aliases expand beyond rolecall's limit".to_owned(),
            "aliases may expand into at most 10,000 values in all; write the values out instead",
        )
    } else if lower.contains("alias") || lower.contains("anchor") {
        (
            "aliases expand beyond rolecall's limit".to_owned(),
            "records may use at most 1,000 aliases and anchors; write the values out instead",
        )
    } else {
        (
            "document exceeds rolecall's size limits".to_owned(),
            "records may hold at most 100,000 values, counting every value an alias repeats; split the record or use fewer aliases",
        )
    })
}

/// The parser's message without a trailing ` at line 3, column 9`: the
/// finding carries the position already.
fn without_position(message: &str) -> &str {
    let Some(idx) = message.rfind(" at line ") else {
        return message;
    };
    let rest = &message[idx + " at line ".len()..];
    let is_position = rest.split_once(", column ").is_some_and(|(line, column)| {
        !line.is_empty()
            && !column.is_empty()
            && line
                .chars()
                .chain(column.chars())
                .all(|c| c.is_ascii_digit())
    });
    if is_position {
        &message[..idx]
    } else {
        message
    }
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
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

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What serde-saphyr builds; converted into [`SNode`] right away.
enum RawNode {
    Scalar(Scalar),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

impl From<Spanned<RawNode>> for SNode {
    fn from(spanned: Spanned<RawNode>) -> Self {
        let loc = spanned.referenced;
        let pos = Pos {
            line: to_usize(loc.line()),
            column: to_usize(loc.column()),
        };
        let span = loc.span();
        let bytes = span
            .byte_offset()
            .zip(span.byte_len())
            .map(|(o, l)| (to_usize(o), to_usize(l)));
        let node = match spanned.value {
            RawNode::Scalar(s) => Node::Scalar(s),
            RawNode::Seq(items) => Node::Seq(items.into_iter().map(SNode::from).collect()),
            RawNode::Map(entries) => Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (SNode::from(k), SNode::from(v)))
                    .collect(),
            ),
        };
        let bytes = if matches!(node, Node::Scalar(_)) {
            bytes
        } else {
            None
        };
        SNode { node, pos, bytes }
    }
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Null))
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Int(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Int(v.into())))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Int(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Str(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Str(v)))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Scalar::Str(
            String::from_utf8_lossy(v).into_owned(),
        )))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = access.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = access.next_key()? {
            let value = access.next_value()?;
            entries.push((key, value));
        }
        Ok(RawNode::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(without_position("x at line 2"), "x at line 2");
        assert_eq!(without_position("x at line 2, column 10"), "x");
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
