//! Byte-preserving edits of a record's text, the one place rolecall changes
//! a record: append an item to a list, set a key in a mapping, turn a
//! shorthand `key: value` into a one-item list. Each edit changes only the
//! bytes it is about, so comments, key order, quoting and blank lines
//! everywhere else stay exactly as they were; new lines copy the record's
//! own indentation (the `style` module).

mod shift;
mod style;
mod text;

#[cfg(test)]
mod tests;

pub use shift::NewShift;

use style::Style;
use text::{LineIndex, entry_end, insert, item_end, replace};

use crate::yaml::write::{block_or_scalar, scalar};
use crate::yaml::{Node, SNode, Scalar};

/// Why the record's text could not be edited safely.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot edit {what} at line {line}: {reason}")]
pub struct EditError {
    pub what: String,
    pub line: usize,
    pub reason: String,
}

fn error(what: &str, line: usize, reason: &str) -> EditError {
    EditError {
        what: what.to_owned(),
        line,
        reason: reason.to_owned(),
    }
}

/// A value rolecall writes, and how it is spelled.
#[derive(Clone, Debug)]
pub enum Value {
    /// Written as given: timestamps, dates, words of a fixed set.
    Raw(String),
    /// One line of text, plain where that reads back, quoted otherwise.
    Text(String),
    /// Text that may span lines (Markdown): a literal block when it does.
    Block(String),
}

impl Value {
    /// What follows `key:` for a key at column `indent` (0-based).
    fn after_colon(&self, indent: usize) -> String {
        match self {
            Value::Raw(raw) => format!(" {raw}"),
            Value::Text(text) => format!(" {}", scalar(text)),
            Value::Block(text) => block_or_scalar(text, indent),
        }
    }
}

/// One `key: value` of an item or mapping.
#[derive(Clone, Debug)]
pub struct Field {
    pub key: String,
    pub value: Value,
}

impl Field {
    pub fn new(key: &str, value: Value) -> Field {
        Field {
            key: key.to_owned(),
            value,
        }
    }
}

/// One step from the top of the record to a mapping.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    /// The value of a mapping key.
    Key(&'a str),
    /// The n-th (0-based) item of a list.
    Item(usize),
    /// The last item of a list.
    Last,
}

/// A record's text and the edits made to it so far; every edit reads the
/// text again, so edits compose.
#[derive(Clone, Debug)]
pub struct Editor {
    text: String,
}

impl Editor {
    pub fn new(source: &str) -> Editor {
        Editor {
            text: source.to_owned(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    fn root(&self) -> Result<SNode, EditError> {
        match crate::yaml::parse(self.text.as_bytes()) {
            Ok(Some(root)) if matches!(root.node, Node::Map(_)) => Ok(root),
            Ok(_) => Err(error("the record", 1, "it is not a mapping")),
            Err(failure) => Err(error("the record", failure.pos.line, &failure.message)),
        }
    }

    /// Appends a mapping item made of `fields` to the list at `path` (mapping
    /// keys from the top), creating the list and the keys above it where
    /// they are missing.
    pub fn append_item(&mut self, path: &[&str], fields: &[Field]) -> Result<(), EditError> {
        let root = self.root()?;
        let source = self.text.as_str();
        let lines = LineIndex::new(source);
        let mut parent = &root;
        let mut parent_key: Option<&SNode> = None;
        for (depth, key) in path.iter().enumerate() {
            let rest = &path[depth..];
            let Node::Map(entries) = &parent.node else {
                return Err(not_a_mapping(parent_key, parent));
            };
            if parent_key.is_some_and(|k| parent.pos.line == k.pos.line) {
                return Err(flow(parent_key, parent, "mapping `{…}`"));
            }
            let Some((k, v)) = entries.iter().find(|(k, _)| k.key_text() == *key) else {
                let style = Style::near(source, &root, Some(parent));
                let indent = match (entries.first(), parent_key) {
                    (Some((first, _)), _) => first.pos.column - 1,
                    (None, Some(k)) => k.pos.column - 1 + style.step,
                    (None, None) => 0,
                };
                let at = match entries.last() {
                    Some((last, _)) => entry_end(source, &lines, last.pos.line, indent),
                    None => source.len(),
                };
                let block = nested(rest, indent, style, fields);
                self.text = insert(source, at, &block);
                return Ok(());
            };
            if depth + 1 < path.len() {
                if matches!(v.node, Node::Scalar(Scalar::Null)) {
                    let style = Style::near(source, &root, Some(parent));
                    let block = nested(&rest[1..], k.pos.column - 1 + style.step, style, fields);
                    self.text = insert(source, lines.line_end(source, k.pos.line), &block);
                    return Ok(());
                }
                parent = v;
                parent_key = Some(k);
                continue;
            }
            let style = Style::near(source, &root, Some(parent));
            self.text = append_to_value(source, &lines, k, v, style, fields)?;
            return Ok(());
        }
        Err(error("the record", 1, "no list was named"))
    }

    /// Sets `field` in the mapping at `path`: its value is replaced when the
    /// key is there, else the key goes after the first of `after` the
    /// mapping has (or after its last key).
    pub fn set(
        &mut self,
        path: &[Step<'_>],
        field: &Field,
        after: &[&str],
    ) -> Result<(), EditError> {
        let root = self.root()?;
        let source = self.text.as_str();
        let lines = LineIndex::new(source);
        let (target, target_key) = walk(&root, path)?;
        let Node::Map(entries) = &target.node else {
            return Err(not_a_mapping(target_key, target));
        };
        if lines.char_at(source, target.pos) == Some('{') {
            return Err(flow(target_key, target, "mapping `{…}`"));
        }
        let Some((first, _)) = entries.first() else {
            return Err(error(&what(target_key), target.pos.line, "it is empty"));
        };
        let indent = first.pos.column - 1;
        if let Some((k, v)) = entries.iter().find(|(k, _)| k.key_text() == field.key) {
            self.text = replace_value(source, &lines, k, v, field, indent)?;
            return Ok(());
        }
        let anchor = after
            .iter()
            .find_map(|name| entries.iter().find(|(k, _)| k.key_text() == *name))
            .or(entries.last())
            .map_or(target.pos.line, |(k, _)| k.pos.line);
        let at = entry_end(source, &lines, anchor, indent);
        let line = format!(
            "{}{}:{}\n",
            " ".repeat(indent),
            field.key,
            field.value.after_colon(indent)
        );
        self.text = insert(source, at, &line);
        Ok(())
    }

    /// Turns the one-line shorthand `key: value` at `path` into a list of
    /// one item, `- item_key: value`, the value's bytes (and a comment after
    /// it) kept as written.
    pub fn listify(&mut self, path: &[&str], item_key: &str) -> Result<(), EditError> {
        let root = self.root()?;
        let source = self.text.as_str();
        let steps: Vec<Step<'_>> = path.iter().map(|k| Step::Key(k)).collect();
        let (parent_steps, _) = steps.split_at(steps.len().saturating_sub(1));
        let (parent, _) = walk(&root, parent_steps)?;
        let Node::Map(entries) = &parent.node else {
            return Err(error("the record", parent.pos.line, "it is not a mapping"));
        };
        let name = path.last().copied().unwrap_or_default();
        let Some((key, value)) = entries.iter().find(|(k, _)| k.key_text() == name) else {
            return Err(error(
                &format!("`{name}`"),
                parent.pos.line,
                "it is missing",
            ));
        };
        let what = format!("`{name}`");
        let (Some((key_start, key_len)), Some((value_start, _))) = (key.bytes, value.bytes) else {
            return Err(error(&what, key.pos.line, "its position is unknown"));
        };
        if value.pos.line != key.pos.line || !matches!(value.node, Node::Scalar(_)) {
            return Err(error(
                &what,
                key.pos.line,
                "it is not a value on the key's line",
            ));
        }
        let style = Style::near(source, &root, Some(parent));
        let dash = key.pos.column - 1 + style.dash;
        let head = format!(
            ":\n{}-{}{item_key}: ",
            " ".repeat(dash),
            " ".repeat(style.gap)
        );
        self.text = replace(source, key_start + key_len, value_start, &head);
        Ok(())
    }
}

/// The node `path` leads to, with the key it is the value of.
fn walk<'n>(
    root: &'n SNode,
    path: &[Step<'_>],
) -> Result<(&'n SNode, Option<&'n SNode>), EditError> {
    let mut node = root;
    let mut key_of = None;
    for step in path {
        match (step, &node.node) {
            (Step::Key(name), Node::Map(entries)) => {
                let (k, v) = entries
                    .iter()
                    .find(|(k, _)| k.key_text() == *name)
                    .ok_or_else(|| error(&format!("`{name}`"), node.pos.line, "it is missing"))?;
                key_of = Some(k);
                node = v;
            }
            (Step::Item(n), Node::Seq(items)) => {
                node = items.get(*n).ok_or_else(|| {
                    error(
                        &what(key_of),
                        node.pos.line,
                        &format!("it has {} items, not {}", items.len(), n + 1),
                    )
                })?;
            }
            (Step::Last, Node::Seq(items)) => {
                node = items
                    .last()
                    .ok_or_else(|| error(&what(key_of), node.pos.line, "it is empty"))?;
            }
            _ => return Err(error(&what(key_of), node.pos.line, "it has another shape")),
        }
    }
    Ok((node, key_of))
}

fn what(key: Option<&SNode>) -> String {
    key.map_or_else(
        || "the record".to_owned(),
        |k| format!("`{}`", k.key_text()),
    )
}

fn not_a_mapping(key: Option<&SNode>, node: &SNode) -> EditError {
    error(
        &what(key),
        node.pos.line,
        &format!("it is {}, not a mapping", node.kind()),
    )
}

fn flow(key: Option<&SNode>, node: &SNode, shape: &str) -> EditError {
    error(
        &what(key),
        node.pos.line,
        &format!("it is a flow {shape}; write it one entry per line first"),
    )
}

/// The keys `keys` nested one under the other from `indent`, the last one
/// holding a list with one item made of `fields`.
fn nested(keys: &[&str], indent: usize, style: Style, fields: &[Field]) -> String {
    let mut out = String::new();
    let mut at = indent;
    for (i, key) in keys.iter().enumerate() {
        out.push_str(&" ".repeat(at));
        out.push_str(key);
        out.push_str(":\n");
        if i + 1 < keys.len() {
            at += style.step;
        }
    }
    let dash = at + style.dash;
    out.push_str(&item_lines(fields, dash, dash + 1 + style.gap));
    out
}

/// The lines of a list item: `-` at `dash`, the keys at `keys`.
fn item_lines(fields: &[Field], dash: usize, keys: usize) -> String {
    let pad = " ".repeat(keys);
    let gap = " ".repeat(keys.saturating_sub(dash + 1).max(1));
    let mut out = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i == 0 {
            out.push_str(&" ".repeat(dash));
            out.push('-');
            out.push_str(&gap);
        } else {
            out.push_str(&pad);
        }
        out.push_str(&field.key);
        out.push(':');
        out.push_str(&field.value.after_colon(keys));
        out.push('\n');
    }
    out
}

/// `source` with an item appended to the list `value` (the value of `key`).
fn append_to_value(
    source: &str,
    lines: &LineIndex,
    key: &SNode,
    value: &SNode,
    style: Style,
    fields: &[Field],
) -> Result<String, EditError> {
    let what = format!("`{}`", key.key_text());
    let key_col = key.pos.column - 1;
    match &value.node {
        Node::Scalar(Scalar::Null) => {
            let dash = key_col + style.dash;
            let block = item_lines(fields, dash, dash + 1 + style.gap);
            Ok(insert(source, lines.line_end(source, key.pos.line), &block))
        }
        Node::Seq(items) if value.pos.line == key.pos.line => {
            if !items.is_empty() {
                return Err(flow(Some(key), value, "list `[…]`"));
            }
            // `key: []` → `key:` and the new item below it.
            let open = lines.offset(source, value.pos);
            let close = source[open..]
                .find(']')
                .map(|i| open + i + 1)
                .ok_or_else(|| error(&what, key.pos.line, "its `[]` is not on one line"))?;
            let start = source[..open].trim_end_matches(' ').len();
            let text = replace(source, start, close, "");
            let lines = LineIndex::new(&text);
            let dash = key_col + style.dash;
            let block = item_lines(fields, dash, dash + 1 + style.gap);
            Ok(insert(&text, lines.line_end(&text, key.pos.line), &block))
        }
        Node::Seq(items) => {
            let last = items
                .last()
                .ok_or_else(|| error(&what, value.pos.line, "it is empty"))?;
            let dash = lines.dash_before(source, last.pos).ok_or_else(|| {
                error(
                    &what,
                    last.pos.line,
                    "its items do not start with `- ` on their line",
                )
            })?;
            let end = item_end(source, lines, last.pos.line, dash);
            let keys = last.pos.column - 1;
            Ok(insert(source, end, &item_lines(fields, dash, keys)))
        }
        _ => Err(error(
            &what,
            key.pos.line,
            &format!("it is {}, not a list", value.kind()),
        )),
    }
}

/// `source` with the value of `key` replaced by `field`'s value.
fn replace_value(
    source: &str,
    lines: &LineIndex,
    key: &SNode,
    value: &SNode,
    field: &Field,
    indent: usize,
) -> Result<String, EditError> {
    let what = format!("`{}`", field.key);
    if !matches!(value.node, Node::Scalar(_)) {
        return Err(error(
            &what,
            key.pos.line,
            &format!("it is {}, not a single value", value.kind()),
        ));
    }
    let new_value = field.value.after_colon(indent);
    if let Some((start, len)) = value.bytes.filter(|&(_, len)| len > 0) {
        let written = &source[start..start + len];
        if value.pos.line != key.pos.line
            || written.starts_with(['|', '>'])
            || written.contains('\n')
        {
            return Err(error(&what, key.pos.line, "its value spans lines"));
        }
        return Ok(replace(source, start, start + len, new_value.trim_start()));
    }
    // `key:` with nothing after it: the value goes after the colon.
    let (key_start, key_len) = key
        .bytes
        .ok_or_else(|| error(&what, key.pos.line, "its position is unknown"))?;
    let after_key = key_start + key_len;
    let line_end = lines.line_end(source, key.pos.line);
    let colon = source[after_key..line_end]
        .find(':')
        .map(|i| after_key + i + 1)
        .ok_or_else(|| error(&what, key.pos.line, "its colon was not found"))?;
    Ok(replace(source, colon, colon, &new_value))
}
