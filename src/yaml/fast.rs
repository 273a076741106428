//! A quick way to the spanned tree for the documents records are: it is
//! built straight from the parser's events, without serde's per-node
//! `Spanned` machinery, which costs about as much again as parsing.
//!
//! It only handles what it can resolve exactly as the full path does (see
//! `library::parse_text`): one document of mappings, sequences and scalars with
//! string keys. Anything else (anchors, aliases, tags, merge keys, duplicate
//! keys, a parse error, a document near the limits) gives `None`, and the
//! full path reads the file and reports.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span};

use super::core_schema;
use super::mapping_keys::{MappingKeys, trim};
use super::node::{MAX_DEPTH, Node, Pos, SNode, Scalar};

/// Nodes the quick path builds at most; the full path's budget is larger,
/// so a document it would refuse never gets this far.
pub(super) const MAX_NODES: usize = 50_000;

/// The tree of `text`, or `None` when the full path must read it.
pub(super) fn parse(text: &str) -> Option<SNode> {
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    let mut documents = 0;
    let mut nodes = 0;
    for item in Parser::new_from_str_with_options(text, parser_options()) {
        let (event, span) = item.ok()?;
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, 0, None) => SNode {
                node: Node::Scalar(resolve(value, style)?),
                pos: pos(&span),
                bytes: span
                    .start
                    .byte_offset()
                    .zip(span.end.byte_offset())
                    .map(|(start, end)| (start, end.saturating_sub(start))),
                anchored: None,
            },
            Event::SequenceStart(_, 0, None) | Event::MappingStart(_, 0, None) => {
                nodes += 1;
                if stack.len() >= MAX_DEPTH - 16 || nodes > MAX_NODES {
                    return None;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                stack.push(Open {
                    pos: pos(&span),
                    items: Vec::new(),
                    entries: is_map.then(Vec::new),
                    keys: MappingKeys::default(),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop()?.close(),
            // Anchored or tagged nodes, aliases, anchors.
            _ if event.is_node() || matches!(event, Event::Anchor(..)) => return None,
            // Comments: presentation only.
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return None;
        }
        match stack.last_mut() {
            Some(open) => open.push(node)?,
            None if root.is_none() => root = Some(node),
            None => return None,
        }
    }
    if stack.is_empty() { root } else { None }
}

/// The parser's limits as the full path sets them from its budget, so a
/// document that parser refuses (too many comments to look past, say) is
/// refused here too.
fn parser_options() -> Options {
    let budget = super::library::budget();
    let mut options = Options::default();
    options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
    options.flow_nesting_limit = budget.flow_nesting_limit;
    options.block_nesting_limit = options.block_nesting_limit.max(budget.max_depth + 1);
    options.max_buffered_comment_events = budget.max_buffered_comment_events;
    options
}

/// A collection whose end has not been seen yet.
struct Open {
    pos: Pos,
    /// A sequence's items, or a mapping's keys and values in turn.
    items: Vec<SNode>,
    /// `Some` for a mapping.
    entries: Option<Vec<(SNode, SNode)>>,
    /// A mapping's keys, to find a repeated one.
    keys: MappingKeys,
}

impl Open {
    fn push(&mut self, node: SNode) -> Option<()> {
        let Some(entries) = &mut self.entries else {
            self.items.push(node);
            return Some(());
        };
        if let Some(key) = self.items.pop() {
            entries.push((key, node));
            return Some(());
        }
        let Node::Scalar(Scalar::Str(key)) = &node.node else {
            return None;
        };
        let key = trim(key);
        if key == "<<" || self.keys.repeats(key, entries) {
            return None;
        }
        // A key waits in `items` for its value.
        self.items.push(node);
        Some(())
    }

    fn close(self) -> SNode {
        let node = match self.entries {
            Some(entries) => Node::Map(entries),
            None => Node::Seq(self.items),
        };
        SNode {
            node,
            pos: self.pos,
            bytes: None,
            anchored: None,
        }
    }
}

fn pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// Types a scalar as the full path does: quoted and block scalars are
/// text, plain ones follow the core schema. `None` for a plain scalar with
/// padding the parser would trim first.
pub(super) fn resolve(value: Cow<'_, str>, style: ScalarStyle) -> Option<Scalar> {
    if style != ScalarStyle::Plain {
        return Some(Scalar::Str(value.into_owned()));
    }
    if trim(&value) != value {
        return None;
    }
    Some(core_schema::resolve_plain(value))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// Both paths' trees, as text.
    fn both(text: &str) -> (String, String) {
        let quick = format!("{:?}", parse(text));
        let full = format!("{:?}", super::super::library::parse_text(text).ok());
        (quick, full)
    }

    /// A mapping of `count` distinct keys.
    fn many_keys(count: usize) -> String {
        (0..count).fold(String::new(), |mut text, i| {
            let _ = writeln!(text, "k{i}: v");
            text
        })
    }

    #[test]
    fn records_take_the_quick_path_with_identical_trees() {
        for text in [
            "a: one\nb:\n  c: x\n",
            "title: Checkout 502s\nstarted_at: 2026-11-20T09:14:00Z\ndue: 2026-12-04\n",
            "summary: |\n  Card payments failed.\n\n  More text.\nimpact: >\n  folded\n  text\n",
            "services: [checkout-api, \"payments\", 'x''y']\nlinks: {a: b, c: d}\n",
            "roles:\n  lead:\n    - owner: alice\n    - owner: bob\n      from: 2026-11-20T10:30:00Z\n",
            "empty:\nnothing: ~\nyes: true\nno: no\nlist:\n- a\n- \n",
            "update_every: 30m\nmulti: plain text\n  that continues\n# comment\n",
            "crlf: a\r\nb: \"\u{e9}\\u00e9\"\r\n",
            "---\nk: v\n...\n",
            "k: \u{65e5}\u{672c} text # note\n",
            "'quoted key': v\n\"k2\": v\n",
            "- a\n- - b\n  - c\n",
            "scalar at root\n",
            "a: 1\nb: -1.5e3\nc: .inf\nd: 0x1F\ne: 1_000\nf: 010\ng: [.nan, -.INF, 0o7]\n",
            &many_keys(40),
        ] {
            assert!(parse(text).is_some(), "quick path refused {text:?}");
            let (quick, full) = both(text);
            assert_eq!(quick, full, "{text:?}");
        }
    }

    #[test]
    fn whatever_might_differ_goes_the_full_way() {
        for text in [
            "a: &x b\nc: *x\n",
            "a: !!str b\n",
            "<<: {a: 1}\n",
            "a: x1\na: x2\n",
            "a: x\n'a': y\n",
            "true: x\n",
            "[a]: x\n",
            "a: [b\n",
            "a: x\n---\nb: y\n",
            &format!("{}k3: again\n", many_keys(40)),
            &format!("a:\n{}- b\n", "# comment\n".repeat(5_000)),
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    /// Nested data with awkward text and numbers, as a YAML emitter writes it.
    fn tree() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let text = proptest::string::string_regex("[a-c0-9 .:\t\n\"'#,\\[\\]{}|>&*!%@`~-]{0,12}")
            .expect("regex");
        let leaf = prop_oneof![
            text.prop_map(serde_json::Value::String),
            any::<i32>().prop_map(serde_json::Value::from),
            any::<bool>().prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
        ];
        leaf.prop_recursive(6, 48, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::vec(("[a-z0-9 ]{0,6}", inner), 0..4)
                    .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Whenever the quick path gives a tree, it is the full path's.
        #[test]
        fn quick_and_full_paths_agree(value in tree()) {
            let text = serde_saphyr::to_string(&value).expect("serialise");
            if parse(&text).is_some() {
                let (quick, full) = both(&text);
                proptest::prop_assert_eq!(quick, full, "{}", text);
            }
        }
    }
}
