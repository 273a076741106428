//! Typed reading of a [`SNode`] tree: every wrong type, missing or unknown
//! key and malformed value becomes a `schema` finding at its line, and
//! reading carries on so one run reports them all.

use std::borrow::Cow;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

use super::node::{Node, Pos, SNode, Scalar};
use crate::finding::{Code, Finding};
use crate::suggest;

/// A value with the place it was written: the key for a mapping field, the
/// item for a list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> At<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        At { value, pos }
    }
}

impl<T> Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize> Serialize for At<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for At<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// The mapping entries of one node, looked up by key.
pub struct Fields<'n> {
    /// The key or list item that holds the mapping (line 1 for a file's
    /// top level): where a missing key is reported.
    pub pos: Pos,
    entries: Vec<(String, Pos, &'n SNode)>,
}

impl<'n> Fields<'n> {
    /// The value of `key` and the key's position.
    pub fn get(&self, key: &str) -> Option<(Pos, &'n SNode)> {
        self.entries
            .iter()
            .find(|(k, ..)| k == key)
            .map(|&(_, pos, node)| (pos, node))
    }

    /// Every entry in file order: key text, key position, value.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Pos, &'n SNode)> {
        self.entries
            .iter()
            .map(|(k, pos, node)| (k.as_str(), *pos, *node))
    }

    /// Where `key` sits, or where the mapping starts when it is absent.
    pub fn pos_of(&self, key: &str) -> Pos {
        self.get(key).map_or(self.pos, |(pos, _)| pos)
    }
}

/// Reads typed values out of nodes of one file, collecting `schema` findings.
pub struct Reader<'s> {
    pub file: &'s str,
    pub source: &'s str,
    pub findings: Vec<Finding>,
}

impl<'s> Reader<'s> {
    pub fn new(file: &'s str, source: &'s str) -> Self {
        Reader {
            file,
            source,
            findings: Vec::new(),
        }
    }

    /// Records a `schema` finding.
    pub fn schema(&mut self, pos: Pos, message: impl Into<String>, help: Option<String>) {
        self.findings
            .push(Finding::new(Code::Schema, self.file, pos, message).maybe_help(help));
    }

    /// Records a finding of any code.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Whether any schema problem was found so far.
    pub fn failed(&self) -> bool {
        !self.findings.is_empty()
    }

    /// A mapping with only `known` keys; unknown keys are reported with a
    /// did-you-mean and ignored.
    pub fn fields<'n>(
        &mut self,
        pos: Pos,
        node: &'n SNode,
        what: &str,
        known: &[&str],
    ) -> Option<Fields<'n>> {
        let Node::Map(entries) = &node.node else {
            self.wrong_type(pos, node, what, "a mapping");
            return None;
        };
        let mut fields = Fields {
            pos,
            entries: Vec::with_capacity(entries.len()),
        };
        for (key, value) in entries {
            let name = self.key(key);
            if known.contains(&name.as_str()) {
                fields.entries.push((name, key.pos, value));
            } else {
                let help = suggest::did_you_mean(&name, known.iter().copied())
                    .or_else(|| Some(format!("{what} takes: {}", known.join(", "))));
                self.schema(key.pos, format!("unknown key `{name}` in {what}"), help);
            }
        }
        Some(fields)
    }

    /// A mapping with arbitrary keys (roles, people, severities): each
    /// entry's key text, key position and value.
    pub fn entries<'n>(
        &mut self,
        pos: Pos,
        node: &'n SNode,
        what: &str,
    ) -> Option<Vec<(At<String>, &'n SNode)>> {
        let Node::Map(entries) = &node.node else {
            self.wrong_type(pos, node, what, "a mapping");
            return None;
        };
        Some(
            entries
                .iter()
                .map(|(k, v)| (At::new(self.key(k), k.pos), v))
                .collect(),
        )
    }

    /// A list, each item read with `read` at the item's position.
    pub fn list<T>(
        &mut self,
        pos: Pos,
        node: &SNode,
        what: &str,
        mut read: impl FnMut(&mut Self, Pos, &SNode) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Node::Seq(items) = &node.node else {
            if matches!(node.node, Node::Scalar(Scalar::Null)) {
                return Some(Vec::new());
            }
            self.wrong_type(pos, node, what, "a list");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match read(self, item.pos, item) {
                Some(value) => out.push(value),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// An optional field: `Some(None)` when absent, `None` when present but bad.
    pub fn optional<T>(
        &mut self,
        fields: &Fields<'_>,
        key: &str,
        read: impl FnOnce(&mut Self, Pos, &SNode) -> Option<T>,
    ) -> Option<Option<At<T>>> {
        match fields.get(key) {
            None => Some(None),
            Some((pos, node)) => read(self, pos, node).map(|v| Some(At::new(v, pos))),
        }
    }

    /// A required field, reported missing at the mapping's start.
    pub fn required<T>(
        &mut self,
        fields: &Fields<'_>,
        key: &str,
        what: &str,
        read: impl FnOnce(&mut Self, Pos, &SNode) -> Option<T>,
    ) -> Option<At<T>> {
        if let Some((pos, node)) = fields.get(key) {
            return read(self, pos, node).map(|v| At::new(v, pos));
        }
        self.schema(
            fields.pos,
            format!("{what} is missing the required key `{key}`"),
            None,
        );
        None
    }

    /// A mapping key's text: a number or boolean as it is spelled.
    fn key(&self, key: &SNode) -> String {
        key.as_text(self.source)
            .map_or_else(|| key.key_text(), Cow::into_owned)
    }

    /// Text: a string scalar, or a number or boolean as it is spelled
    /// (through an alias, the anchored scalar's spelling).
    pub fn text(&mut self, pos: Pos, node: &SNode) -> Option<String> {
        if let Some(text) = node.as_text(self.source) {
            return Some(text.into_owned());
        }
        self.wrong_type(pos, node, "this value", "text");
        None
    }

    /// Text that must not be blank (names, ids, person keys).
    pub fn name(&mut self, pos: Pos, node: &SNode) -> Option<String> {
        let text = self.text(pos, node)?;
        if text.trim().is_empty() {
            self.schema(pos, "expected a name, found empty text", None);
            return None;
        }
        Some(text.trim().to_owned())
    }

    /// One of a fixed set of words, with a did-you-mean.
    pub fn choice(
        &mut self,
        pos: Pos,
        node: &SNode,
        what: &str,
        options: &[&str],
    ) -> Option<String> {
        let text = self.text(pos, node)?;
        if options.contains(&text.as_str()) {
            return Some(text);
        }
        let help = suggest::did_you_mean(&text, options.iter().copied())
            .unwrap_or_else(|| format!("use one of: {}", options.join(", ")));
        self.schema(pos, format!("unknown {what} `{text}`"), Some(help));
        None
    }

    /// A boolean.
    pub fn boolean(&mut self, pos: Pos, node: &SNode) -> Option<bool> {
        if let Node::Scalar(Scalar::Bool(b)) = node.node {
            return Some(b);
        }
        let help = matches!(node.node, Node::Scalar(Scalar::Str(_))).then(|| {
            "YAML 1.2 booleans are `true` and `false`; `yes`, `no`, `on` and `off` are text"
                .to_owned()
        });
        self.wrong_type_help(pos, node, "this value", "true or false", help);
        None
    }

    /// A whole number from 0 to `u32::MAX`.
    pub fn count(&mut self, pos: Pos, node: &SNode) -> Option<u32> {
        let expected = "a whole number of 0 or more";
        let help = match &node.node {
            Node::Scalar(Scalar::Int(i)) if *i >= 0 => {
                if let Ok(n) = u32::try_from(*i) {
                    return Some(n);
                }
                let text = node.as_text(self.source).unwrap_or_default();
                self.schema(
                    pos,
                    format!("`{text}` is too large here: the most is {}", u32::MAX),
                    None,
                );
                return None;
            }
            Node::Scalar(Scalar::Float(f)) if f.fract() == 0.0 && (0.0..=1e9).contains(f) => Some(
                format!("write it without a decimal point or exponent: `{f}`"),
            ),
            Node::Scalar(Scalar::Str(text))
                if text.contains('_')
                    && text.replace('_', "").bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(format!(
                    "YAML 1.2 numbers have no `_` separators: write `{}`",
                    text.replace('_', "")
                ))
            }
            _ => None,
        };
        self.wrong_type_help(pos, node, "this value", expected, help);
        None
    }

    /// Reports that `node` is not of the `expected` kind.
    pub fn wrong_type(&mut self, pos: Pos, node: &SNode, what: &str, expected: &str) {
        self.wrong_type_help(pos, node, what, expected, None);
    }

    fn wrong_type_help(
        &mut self,
        pos: Pos,
        node: &SNode,
        what: &str,
        expected: &str,
        help: Option<String>,
    ) {
        let found = node.describe(self.source);
        self.schema(
            pos,
            format!("{what} should be {expected}, found {found}"),
            help,
        );
    }
}
