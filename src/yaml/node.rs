//! The spanned tree of a YAML document: every node keeps the place it was
//! written, so every finding can point at its line. A leaf of `yaml/`: the
//! readers build this tree, and the tree knows none of them.

use std::borrow::Cow;

use super::core_schema;
pub use super::core_schema::Scalar;
use crate::finding::Code;
pub use crate::finding::Pos;

/// Largest record rolecall reads (SPEC §8).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Deepest nesting of collections rolecall accepts (SPEC §8).
pub const MAX_DEPTH: usize = 64;

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
    /// Where the node is used: for a node an alias repeats, the alias.
    pub pos: Pos,
    /// A scalar's bytes at `pos` (the alias `*a` for a repeated one).
    pub bytes: Option<(usize, usize)>,
    /// For a scalar an alias repeats: the bytes of the scalar the anchor
    /// names, which spell its value.
    pub anchored: Option<(usize, usize)>,
}

impl SNode {
    /// The scalar as text: a string as it is, a number or boolean as it is
    /// spelled in `source` (`1.50`, `0x1F`), or in its plain form when it
    /// is not spelled there (a quoted `!!int "12"` reads `12`). `None` for
    /// nothing and for collections.
    pub fn as_text<'s>(&'s self, source: &'s str) -> Option<Cow<'s, str>> {
        let Node::Scalar(scalar) = &self.node else {
            return None;
        };
        match scalar {
            Scalar::Null => None,
            Scalar::Str(text) => Some(Cow::Borrowed(text)),
            typed => {
                let (start, len) = self.anchored.or(self.bytes)?;
                Some(match source.get(start..start + len) {
                    Some(written) if core_schema::spells(written, typed) => Cow::Borrowed(written),
                    _ => Cow::Owned(core_schema::spelling(typed)),
                })
            }
        }
    }

    /// A short name for the kind of node, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match &self.node {
            Node::Scalar(Scalar::Null) => "nothing",
            Node::Scalar(Scalar::Bool(_)) => "a boolean",
            Node::Scalar(Scalar::Int(_)) => "a whole number",
            Node::Scalar(Scalar::Float(_)) => "a floating-point number",
            Node::Scalar(Scalar::Str(_)) => "text",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }

    /// [`Self::kind`] with the value as written, for scalars: "the whole
    /// number `-1`", "the floating-point number `1e3`", "the text `1_0`".
    pub fn describe(&self, source: &str) -> String {
        match (&self.node, self.as_text(source)) {
            (Node::Scalar(Scalar::Bool(_)), Some(text)) => format!("the boolean `{text}`"),
            (Node::Scalar(_), Some(text)) if text.chars().count() <= 40 && !text.contains('\n') => {
                let kind = self.kind();
                let kind = kind.strip_prefix("a ").unwrap_or(kind);
                format!("the {kind} `{text}`")
            }
            _ => self.kind().to_owned(),
        }
    }

    /// The key text when this node is used as a mapping key, without the
    /// source: prefer [`Self::as_text`], which keeps a number's spelling.
    pub fn key_text(&self) -> String {
        match &self.node {
            Node::Scalar(Scalar::Str(s)) => s.clone(),
            Node::Scalar(Scalar::Null) => "~".to_owned(),
            Node::Scalar(typed) => core_schema::spelling(typed),
            Node::Seq(_) | Node::Map(_) => "(complex key)".to_owned(),
        }
    }
}

/// Why a text is not a YAML document rolecall can read: a `syntax` finding,
/// or a `schema` one for YAML that parses but that rolecall does not take
/// (a tag outside the core schema).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub code: Code,
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
}

impl ParseFailure {
    pub(super) fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        ParseFailure {
            code: Code::Syntax,
            pos: Pos { line, column },
            message: message.into(),
            help: None,
        }
    }

    pub(super) fn schema(pos: Pos, message: impl Into<String>) -> Self {
        ParseFailure {
            code: Code::Schema,
            pos,
            message: message.into(),
            help: None,
        }
    }

    pub(super) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
