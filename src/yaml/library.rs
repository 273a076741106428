//! The reference path to the spanned tree: serde-saphyr parses the text
//! (and rejects duplicate keys and over-budget documents), and its values,
//! tags and spans become [`SNode`]s. Plain scalars are typed by the
//! `core_schema` module, as the quick readers type them; a tag outside the
//! core schema is refused.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::options::NonFiniteFloatPolicy;
use serde_saphyr::{Budget, Spanned, Tagged};

use super::core_schema;
use super::node::{MAX_BYTES, MAX_DEPTH, Node, ParseFailure, Pos, SNode, Scalar};

/// Stack for the parser's thread. The parser recurses once per nesting
/// level; at the 64 levels a record may use, an unoptimised build needs more
/// than the 2 MiB that test and rayon threads get.
const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Nesting that the parser handles on the calling thread. An unoptimised
/// build needs about 40 KiB of stack a level, so this fits a 2 MiB test or
/// rayon thread with room to spare; records nest about 10 levels, and only
/// deeper documents pay for a thread of their own.
const SHALLOW_NESTING: usize = 16;

/// Values that aliases may expand into, in all: far more than any record
/// needs, and reached in milliseconds by an alias bomb (the node budget
/// alone would let it build 100,000 values first).
const MAX_REPLAYED_EVENTS: usize = 10_000;

/// Parses `text` (which has passed the guard) on a stack deep enough for
/// `nesting` levels: the calling thread's when that is known to be
/// shallow, else a thread of its own. A panic in the parser is a failure,
/// not a crash.
pub(super) fn parse(text: &str, nesting: Option<usize>) -> Result<SNode, ParseFailure> {
    if nesting.is_some_and(|nesting| nesting <= SHALLOW_NESTING) {
        return std::panic::catch_unwind(|| parse_text(text))
            .unwrap_or_else(|_| Err(parser_failed()));
    }
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

/// Parses `text` on the calling thread.
pub(super) fn parse_text(text: &str) -> Result<SNode, ParseFailure> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        budget: Some(budget()),
        non_finite_float_policy: NonFiniteFloatPolicy::PassThrough,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
        },
    };
    match serde_saphyr::from_str_with_options::<RawSpanned>(text, options) {
        Ok(root) => Convert { text }.node(root),
        Err(error) => Err(describe(&error)),
    }
}

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
pub(super) fn without_position(message: &str) -> &str {
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

/// A node as serde-saphyr gives it: with its tag and the places it was
/// used (`referenced`) and written (`defined`, which differs for an alias).
type RawSpanned = Spanned<Tagged<RawNode>>;

/// What serde-saphyr builds; converted into [`SNode`] right away.
enum RawNode {
    Scalar(Scalar),
    Seq(Vec<RawSpanned>),
    Map(Vec<(RawSpanned, RawSpanned)>),
}

/// The conversion of serde-saphyr's tree, which needs the source text to
/// type numbers as they are written.
struct Convert<'t> {
    text: &'t str,
}

impl Convert<'_> {
    fn node(&self, spanned: RawSpanned) -> Result<SNode, ParseFailure> {
        let Spanned {
            value: Tagged(value, tag),
            referenced,
            defined,
        } = spanned;
        let pos = Pos {
            line: to_usize(referenced.line()),
            column: to_usize(referenced.column()),
        };
        if let Some(tag) = tag.as_deref().filter(|tag| !core_schema::is_core_tag(tag)) {
            return Err(unknown_tag(pos, tag));
        }
        let bytes = range(referenced);
        let node = match value {
            RawNode::Scalar(scalar) => {
                let written = range(defined);
                // The library types only plain scalars (quoted and block
                // ones are text); where it made a number, the core schema
                // has the last word, from the text as written.
                let spelled = written.and_then(|(start, len)| self.text.get(start..start + len));
                let scalar = match (scalar, spelled) {
                    (Scalar::Int(_) | Scalar::Float(_), Some(spelled)) if tag.is_none() => {
                        core_schema::resolve_plain(spelled.into())
                    }
                    (scalar, _) => scalar,
                };
                return Ok(SNode {
                    node: Node::Scalar(scalar),
                    pos,
                    bytes,
                    anchored: written.filter(|_| written != bytes),
                });
            }
            RawNode::Seq(items) => Node::Seq(
                items
                    .into_iter()
                    .map(|item| self.node(item))
                    .collect::<Result<_, _>>()?,
            ),
            RawNode::Map(entries) => Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Ok((self.node(k)?, self.node(v)?)))
                    .collect::<Result<_, ParseFailure>>()?,
            ),
        };
        Ok(SNode {
            node,
            pos,
            bytes: None,
            anchored: None,
        })
    }
}

/// The byte range of a location's span.
fn range(location: serde_saphyr::Location) -> Option<(usize, usize)> {
    let span = location.span();
    span.byte_offset()
        .zip(span.byte_len())
        .map(|(o, l)| (to_usize(o), to_usize(l)))
}

fn unknown_tag(pos: Pos, tag: &str) -> ParseFailure {
    let shown = match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(name) => format!("!!{name}"),
        None => tag.to_owned(),
    };
    ParseFailure::schema(pos, format!("unknown tag `{shown}`")).help(
        "rolecall reads the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map); remove the tag or use one of them",
    )
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
