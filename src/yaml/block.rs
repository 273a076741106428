//! The quickest way to the spanned tree, for records written in plain block
//! style: one pass over the lines, without the parser's events.
//!
//! It reads a strict subset of YAML: a root mapping; block mappings with
//! plain keys; block sequences indented under their key; plain scalars and
//! one-line quoted scalars (double-quoted ones without escapes); literal
//! block scalars (`|` and `|-`); one-line flow sequences of plain scalars;
//! `[]`, `{}` and comments. Anything else, and anything it is not sure of,
//! gives `None`, and the `fast` module's event-based path reads the text.
//! Values, positions and byte ranges follow the parser's conventions; the
//! `differential` module's tests and fuzz target compare its trees with
//! serde-saphyr's.

use std::borrow::Cow;
use std::cell::Cell;

use serde_saphyr::granit_parser::ScalarStyle;

use super::fast::{MAX_NODES, resolve};
use super::mapping_keys::MappingKeys;
use syntax::{ends_clean, is_item, plain_characters, skip_spaces, split_key};

mod syntax;
use super::node::{MAX_DEPTH, Node, Pos, SNode, Scalar};

/// The tree of `text`, or `None` when another path must read it.
pub(super) fn parse(text: &str) -> Option<SNode> {
    if !plain_characters(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        text,
        at: 0,
        number: 1,
        nodes: 0,
        depth: 0,
        column: Cell::new((0, 0, 0)),
    };
    let first = reader.peek().ok()??;
    if first.indent != 0 || is_item(reader.body(first)) {
        return None;
    }
    let root = reader.mapping(0, first, first.start)?;
    match reader.peek().ok()? {
        None => Some(root),
        Some(_) => None,
    }
}

/// One line of the text: byte offsets of its start and of its end (the
/// `\n` or the end of the text), its indentation and its 1-based number.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    indent: usize,
    number: usize,
}

impl Line {
    fn is_blank(self) -> bool {
        self.start + self.indent == self.end
    }
}

/// A line the reader leaves to the other paths.
struct Refused;

/// A cursor over the lines; every method returns `None` to give up.
struct Reader<'t> {
    text: &'t str,
    /// Start of the current line.
    at: usize,
    /// Number of the current line.
    number: usize,
    nodes: usize,
    depth: usize,
    /// The last position's line start, byte and character column.
    column: Cell<(usize, usize, usize)>,
}

impl<'t> Reader<'t> {
    /// The current line, blank and comment lines included.
    fn current(&self) -> Option<Line> {
        let rest = self
            .text
            .as_bytes()
            .get(self.at..)
            .filter(|r| !r.is_empty())?;
        let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let indent = rest[..len].iter().take_while(|&&b| b == b' ').count();
        Some(Line {
            start: self.at,
            end: self.at + len,
            indent,
            number: self.number,
        })
    }

    fn advance(&mut self, line: Line) {
        self.at = line.end + 1;
        self.number = line.number + 1;
    }

    /// The next line with content, past blank and comment lines (`None` at
    /// the end of the text), or a line to give up on (a document marker).
    fn peek(&mut self) -> Result<Option<Line>, Refused> {
        while let Some(line) = self.current() {
            let body = self.body(line);
            if body.is_empty() || body.starts_with('#') {
                self.advance(line);
                continue;
            }
            if line.indent == 0 && (body.starts_with("---") || body.starts_with("...")) {
                return Err(Refused);
            }
            return Ok(Some(line));
        }
        Ok(None)
    }

    /// The line past its indentation.
    fn body(&self, line: Line) -> &'t str {
        &self.text[line.start + line.indent..line.end]
    }

    /// The position of byte `at` of `line`. Columns count characters; the
    /// count carries on from the previous position on the same line, so a
    /// long line of flow items is not counted over and over.
    fn pos(&self, line: Line, at: usize) -> Pos {
        let (start, from, chars) = match self.column.get() {
            (start, from, chars) if start == line.start && from <= at => (start, from, chars),
            _ => (line.start, line.start, 0),
        };
        let before = &self.text[from..at];
        let chars = chars
            + if before.is_ascii() {
                before.len()
            } else {
                before.chars().count()
            };
        self.column.set((start, at, chars));
        Pos {
            line: line.number,
            column: chars + 1,
        }
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.count()?;
        (self.depth < MAX_DEPTH - 16).then_some(())
    }

    fn scalar(&mut self, scalar: Scalar, pos: Pos, start: usize, len: usize) -> Option<SNode> {
        self.count()?;
        Some(SNode {
            node: Node::Scalar(scalar),
            pos,
            bytes: Some((start, len)),
            anchored: None,
        })
    }

    /// A collection starting on `line`, which has content.
    fn block(&mut self, line: Line) -> Option<SNode> {
        if is_item(self.body(line)) {
            self.sequence(line)
        } else {
            self.mapping(line.indent, line, line.start + line.indent)
        }
    }

    /// A mapping whose keys sit at column `indent`, the first one at byte
    /// `key` of `line`.
    fn mapping(&mut self, indent: usize, line: Line, key: usize) -> Option<SNode> {
        self.enter()?;
        let pos = self.pos(line, key);
        let mut entries: Vec<(SNode, SNode)> = Vec::new();
        let mut keys = MappingKeys::default();
        let (mut line, mut key) = (line, key);
        loop {
            let (name, entry) = self.entry(line, key, indent)?;
            if keys.repeats(name, &entries) {
                return None;
            }
            entries.push(entry);
            let Some(next) = self.peek().ok()? else { break };
            if next.indent < indent {
                break;
            }
            if next.indent > indent {
                return None;
            }
            (line, key) = (next, next.start + indent);
        }
        self.depth -= 1;
        Some(SNode {
            node: Node::Map(entries),
            pos,
            bytes: None,
            anchored: None,
        })
    }

    /// One `key: value` entry of a mapping at column `indent`, with its key
    /// text (a plain key is written as it reads).
    fn entry(
        &mut self,
        line: Line,
        key: usize,
        indent: usize,
    ) -> Option<(&'t str, (SNode, SNode))> {
        let name = split_key(&self.text[key..line.end])?;
        let Scalar::Str(owned) = resolve(Cow::Borrowed(name), ScalarStyle::Plain)? else {
            return None;
        };
        if owned == "<<" {
            return None;
        }
        let key_node = self.scalar(Scalar::Str(owned), self.pos(line, key), key, name.len())?;
        let colon = key + name.len();
        let value = skip_spaces(self.text, colon + 1, line.end);
        let rest = &self.text[value..line.end];
        let value = if rest.is_empty() || rest.starts_with('#') {
            self.advance(line);
            match self.peek().ok()? {
                Some(next) if next.indent > indent => self.block(next)?,
                _ => self.scalar(Scalar::Null, self.pos(line, colon), colon, 0)?,
            }
        } else {
            self.inline(line, value, indent)?
        };
        Some((name, (key_node, value)))
    }

    /// A block sequence whose dashes sit at `line`'s indentation.
    fn sequence(&mut self, line: Line) -> Option<SNode> {
        self.enter()?;
        let indent = line.indent;
        let pos = self.pos(line, line.start + indent);
        let mut items = Vec::new();
        let mut line = line;
        loop {
            let after = skip_spaces(self.text, line.start + indent + 1, line.end);
            let rest = &self.text[after..line.end];
            let item = if rest.is_empty() || rest.starts_with('#') {
                self.advance(line);
                match self.peek().ok()? {
                    Some(next) if next.indent > indent => self.block(next)?,
                    _ => self.scalar(Scalar::Null, self.pos(line, line.end), line.end, 0)?,
                }
            } else if is_item(rest) {
                return None;
            } else if split_key(rest).is_some() {
                self.mapping(after - line.start, line, after)?
            } else {
                self.inline(line, after, indent)?
            };
            items.push(item);
            let Some(next) = self.peek().ok()? else { break };
            if next.indent < indent {
                break;
            }
            if next.indent > indent || !is_item(self.body(next)) {
                return None;
            }
            line = next;
        }
        self.depth -= 1;
        Some(SNode {
            node: Node::Seq(items),
            pos,
            bytes: None,
            anchored: None,
        })
    }

    /// A value that starts at byte `at` of `line`, inside a collection at
    /// column `indent`; nothing may follow it more indented.
    fn inline(&mut self, line: Line, at: usize, indent: usize) -> Option<SNode> {
        let rest = &self.text[at..line.end];
        let node = match rest.as_bytes()[0] {
            b'|' => return self.literal(line, at, indent),
            b'[' => self.flow_sequence(line, at)?,
            b'{' => {
                if !rest.starts_with("{}") || !ends_clean(&rest[2..]) {
                    return None;
                }
                self.enter()?;
                self.depth -= 1;
                SNode {
                    node: Node::Map(Vec::new()),
                    pos: self.pos(line, at),
                    bytes: None,
                    anchored: None,
                }
            }
            b'"' | b'\'' => self.quoted(line, at)?,
            _ => self.plain(line, at)?,
        };
        self.advance(line);
        match self.peek().ok()? {
            Some(next) if next.indent > indent => None,
            _ => Some(node),
        }
    }

    /// A plain scalar ending at a comment or the end of the line.
    fn plain(&mut self, line: Line, at: usize) -> Option<SNode> {
        let rest = &self.text[at..line.end];
        let first = rest.as_bytes()[0];
        let second = rest.as_bytes().get(1).copied().unwrap_or(b' ');
        if b"&*!%@`|>?:,[]{}#'\"".contains(&first) || (first == b'-' && second == b' ') {
            return None;
        }
        let text = rest
            .find(" #")
            .map_or(rest, |end| &rest[..end])
            .trim_end_matches(' ');
        if text.contains(": ") || text.ends_with(':') {
            return None;
        }
        let scalar = resolve(Cow::Borrowed(text), ScalarStyle::Plain)?;
        self.scalar(scalar, self.pos(line, at), at, text.len())
    }

    /// A quoted scalar that closes on its own line: single-quoted, or
    /// double-quoted without escapes.
    fn quoted(&mut self, line: Line, at: usize) -> Option<SNode> {
        let quote = self.text.as_bytes()[at];
        let inner = &self.text[at + 1..line.end];
        let (value, close) = if quote == b'"' {
            let close = inner.find(['"', '\\'])?;
            if inner.as_bytes()[close] == b'\\' {
                return None;
            }
            (inner[..close].to_owned(), close)
        } else {
            let mut value = String::new();
            let mut from = 0;
            loop {
                let close = from + inner[from..].find('\'')?;
                value.push_str(&inner[from..close]);
                if inner.as_bytes().get(close + 1) == Some(&b'\'') {
                    value.push('\'');
                    from = close + 2;
                } else {
                    break (value, close);
                }
            }
        };
        if !ends_clean(&inner[close + 1..]) {
            return None;
        }
        self.scalar(Scalar::Str(value), self.pos(line, at), at, close + 2)
    }

    /// A one-line flow sequence of plain scalars.
    fn flow_sequence(&mut self, line: Line, at: usize) -> Option<SNode> {
        self.enter()?;
        let bytes = self.text.as_bytes();
        let mut items = Vec::new();
        let mut i = skip_spaces(self.text, at + 1, line.end);
        if bytes.get(i) != Some(&b']') {
            loop {
                let start = i;
                while i < line.end && !matches!(bytes[i], b',' | b']') {
                    if b"[{}#'\":".contains(&bytes[i]) {
                        return None;
                    }
                    i += 1;
                }
                let text = self.text[start..i.min(line.end)].trim_end_matches(' ');
                let first = *text.as_bytes().first()?;
                if i == line.end || b"&*!%@`|>?-".contains(&first) {
                    return None;
                }
                let scalar = resolve(Cow::Borrowed(text), ScalarStyle::Plain)?;
                items.push(self.scalar(scalar, self.pos(line, start), start, text.len())?);
                if bytes[i] == b']' {
                    break;
                }
                i = skip_spaces(self.text, i + 1, line.end);
                if matches!(bytes.get(i), None | Some(b']')) {
                    return None;
                }
            }
        }
        if !ends_clean(&self.text[i + 1..line.end]) {
            return None;
        }
        self.depth -= 1;
        Some(SNode {
            node: Node::Seq(items),
            pos: self.pos(line, at),
            bytes: None,
            anchored: None,
        })
    }

    /// A literal block scalar (`|` or `|-`) whose header is at byte `at` of
    /// `line`, inside a collection at column `indent`.
    fn literal(&mut self, line: Line, at: usize, indent: usize) -> Option<SNode> {
        let strip = match self.text[at..line.end].trim_end_matches(' ') {
            "|" => false,
            "|-" => true,
            _ => return None,
        };
        self.advance(line);
        let first = self.current()?;
        let content = first.indent;
        if content <= indent || first.is_blank() {
            return None;
        }
        let start = first.start + content;
        let mut value = String::new();
        let mut empty = 0;
        let mut end = self.text.len();
        while let Some(line) = self.current() {
            let width = line.end - line.start;
            if line.is_blank() && width <= content {
                empty += 1;
            } else if line.indent < content {
                end = line.start + line.indent;
                break;
            } else {
                if line.start > first.start {
                    value.push('\n');
                }
                value.extend(std::iter::repeat_n('\n', empty));
                empty = 0;
                value.push_str(&self.text[line.start + content..line.end]);
            }
            self.advance(line);
        }
        if !strip {
            value.push('\n');
        }
        let node = self.scalar(
            Scalar::Str(value),
            self.pos(first, start),
            start,
            end - start,
        )?;
        match self.peek().ok()? {
            Some(next) if next.indent > indent => None,
            _ => Some(node),
        }
    }
}

#[cfg(test)]
mod tests;
