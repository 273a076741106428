//! The writer of the differential tests: it gives generated content
//! ([`Doc`]) one of many YAML styles, so the readers are compared on every
//! way a person might write the same record.

use std::fmt::Write as _;

use super::content::Doc;

/// How much of YAML a generated document uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    /// Block collections, plain and simply quoted scalars, comments: what
    /// the line reader takes.
    Plain,
    /// Every style the writer knows.
    Mixed,
    /// Flow and JSON collections only.
    Flow,
    /// Mixed, with anchors, aliases and tags everywhere.
    Properties,
}

/// Writes a [`Doc`] as YAML text, each choice of style taken from `bits`.
struct Writer {
    out: String,
    bits: Vec<u8>,
    at: usize,
    profile: Profile,
    next_anchor: usize,
    /// Anchors of nodes already written in full, which aliases may name.
    anchors: Vec<String>,
}

impl Writer {
    fn pick(&mut self, choices: u8) -> u8 {
        let bits = self.bits.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        bits % choices
    }

    fn chance(&mut self, one_in: u8) -> bool {
        self.pick(one_in) == 0
    }

    /// How often properties (anchors, aliases, tags) appear: one in this.
    fn properties_rate(&self) -> u8 {
        match self.profile {
            Profile::Plain => 0,
            Profile::Mixed | Profile::Flow => 8,
            Profile::Properties => 3,
        }
    }

    /// An alias to an earlier node, now and then.
    fn alias(&mut self) -> Option<String> {
        let rate = self.properties_rate();
        if rate == 0 || self.anchors.is_empty() || !self.chance(rate) {
            return None;
        }
        let index = usize::from(self.pick(u8::MAX)) % self.anchors.len();
        Some(format!("*{}", self.anchors[index]))
    }

    /// Properties for `doc` (an anchor, a tag that fits it, both, or
    /// none) as text ending in a space, and the anchor's name.
    fn properties(&mut self, doc: &Doc) -> (String, Option<String>) {
        let rate = self.properties_rate();
        if rate == 0 {
            return (String::new(), None);
        }
        let tag = self.chance(rate).then(|| self.tag_for(doc));
        let anchor = self.chance(rate).then(|| {
            self.next_anchor += 1;
            format!("a{}", self.next_anchor)
        });
        let mut parts: Vec<String> = anchor.iter().map(|a| format!("&{a}")).collect();
        parts.extend(tag);
        if self.chance(2) {
            parts.reverse();
        }
        let text = parts.iter().fold(String::new(), |mut text, part| {
            let _ = write!(text, "{part} ");
            text
        });
        (text, anchor)
    }

    fn tag_for(&mut self, doc: &Doc) -> String {
        let verbatim = self.chance(4);
        let name = match doc {
            Doc::Int(_) if self.chance(2) => "int",
            Doc::Float(_) if self.chance(2) => "float",
            Doc::Bool(_) if self.chance(2) => "bool",
            Doc::Null if self.chance(2) => "null",
            Doc::Text(_)
            | Doc::Word(_)
            | Doc::Int(_)
            | Doc::Float(_)
            | Doc::Bool(_)
            | Doc::Null => "str",
            Doc::Seq(_) => "seq",
            Doc::Map(_) => "map",
        };
        if verbatim {
            format!("!<tag:yaml.org,2002:{name}>")
        } else {
            format!("!!{name}")
        }
    }

    /// An anchor is named by aliases only once its node is complete.
    fn finish(&mut self, anchor: Option<String>) {
        self.anchors.extend(anchor);
    }

    /// A scalar's text, in a style that reads back as the same node
    /// wherever `flow` says it sits.
    fn scalar(&mut self, doc: &Doc, flow: bool) -> String {
        let text = match doc {
            Doc::Text(text) => text.clone(),
            Doc::Word(word) => (*word).to_owned(),
            Doc::Int(i) => match self.pick(4) {
                0 if *i >= 0 => format!("0x{i:x}"),
                1 if *i >= 0 => format!("0o{i:o}"),
                _ => i.to_string(),
            },
            Doc::Float(f) => match self.pick(3) {
                0 => format!("{f:e}"),
                _ => format!("{f:?}"),
            },
            Doc::Bool(b) => ["true", "True", "FALSE", "false"][usize::from(self.pick(4))].replace(
                if *b { "false" } else { "true" },
                if *b { "true" } else { "false" },
            ),
            Doc::Null => ["~", "null", "Null"][usize::from(self.pick(3))].to_owned(),
            Doc::Seq(_) | Doc::Map(_) => unreachable!("collections are not scalars"),
        };
        let typed = !matches!(doc, Doc::Text(_));
        if self.profile == Profile::Plain {
            return if plain_safe(&text, flow) && self.pick(4) > 0 {
                text
            } else if !text.contains(['"', '\\', '\n']) && self.chance(2) {
                format!("\"{text}\"")
            } else if !text.contains(['\n', '\t']) {
                single_quoted(&text)
            } else {
                self.double_quoted(&text)
            };
        }
        match self.pick(if typed { 6 } else { 3 }) {
            0 if !text.contains(['\n', '\t']) => single_quoted(&text),
            1 => self.double_quoted(&text),
            _ if plain_safe(&text, flow) => text,
            _ => self.double_quoted(&text),
        }
    }

    fn double_quoted(&mut self, text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' if self.chance(2) => out.push_str("\\t"),
                '/' if self.chance(3) => out.push_str("\\/"),
                'A' if self.chance(2) => out.push_str("\\x41"),
                c if !c.is_ascii() && self.chance(2) => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// A whole line ending: nothing, or a comment after a space.
    fn line_end(&mut self) {
        if self.profile != Profile::Flow && self.chance(5) {
            let comment = if self.chance(2) { " # note" } else { "    #c" };
            self.out.push_str(comment);
        }
        self.out.push('\n');
    }

    /// Comment and blank lines before an entry at column `indent`.
    fn between(&mut self, indent: usize) {
        if self.profile == Profile::Flow {
            return;
        }
        if self.chance(8) {
            self.out.push('\n');
        }
        if self.chance(6) {
            let pad = usize::from(self.pick(u8::try_from(indent + 1).unwrap_or(u8::MAX)));
            let _ = writeln!(self.out, "{}# comment: {{not yaml}}", " ".repeat(pad));
        }
    }

    /// A key of a mapping.
    fn key(&mut self, key: &str, flow: bool) -> String {
        if self.profile == Profile::Plain && plain_safe(key, flow) {
            return key.to_owned();
        }
        match self.pick(6) {
            0 => single_quoted(key),
            1 => self.double_quoted(key),
            _ if plain_safe(key, flow) => key.to_owned(),
            _ => self.double_quoted(key),
        }
    }

    /// `doc` inline: a scalar or a flow collection, `json` for JSON style.
    fn flow(&mut self, doc: &Doc, json: bool) {
        if let Some(alias) = self.alias() {
            self.out.push_str(&alias);
            return;
        }
        let (properties, anchor) = if json {
            (String::new(), None)
        } else {
            self.properties(doc)
        };
        self.out.push_str(&properties);
        self.flow_bare(doc, json);
        self.finish(anchor);
    }

    /// [`Self::flow`] without properties of its own.
    fn flow_bare(&mut self, doc: &Doc, json: bool) {
        let comma = [", ", ",", " , "][usize::from(self.pick(3))];
        let space = if self.chance(3) { " " } else { "" };
        match doc {
            Doc::Seq(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(comma);
                    }
                    self.flow(item, json);
                }
                self.out.push_str(space);
                self.out.push(']');
            }
            Doc::Map(entries) => {
                self.out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(comma);
                    }
                    let key = if json {
                        self.double_quoted(key)
                    } else {
                        self.key(key, true)
                    };
                    self.out.push_str(&key);
                    let colon = if json && self.chance(2) { ":" } else { ": " };
                    self.out.push_str(colon);
                    self.flow(value, json);
                }
                self.out.push_str(space);
                self.out.push('}');
            }
            Doc::Text(text) if json => {
                let quoted = self.double_quoted(text);
                self.out.push_str(&quoted);
            }
            Doc::Word(word) if json => {
                let quoted = self.double_quoted(word);
                self.out.push_str(&quoted);
            }
            scalar => {
                let text = self.scalar(scalar, true);
                self.out.push_str(&text);
            }
        }
    }

    /// `doc` after `key:` or `-` (the cursor right after it), through the
    /// end of its last line; `indent` is the column of the key or dash.
    fn block(&mut self, doc: &Doc, indent: usize, in_map: bool) {
        if let Some(alias) = self.alias() {
            let _ = write!(self.out, " {alias}");
            self.line_end();
            return;
        }
        let (properties, anchor) = self.properties(doc);
        let collection = matches!(doc, Doc::Seq(items) if !items.is_empty())
            || matches!(doc, Doc::Map(entries) if !entries.is_empty());
        let flow = match self.profile {
            Profile::Flow => true,
            Profile::Plain => false,
            Profile::Mixed | Profile::Properties => self.chance(4),
        };
        if !collection || flow {
            let block_scalar = matches!(doc, Doc::Text(_)) && self.profile != Profile::Flow;
            if block_scalar && self.chance(3) {
                if let Doc::Text(text) = doc {
                    self.out.push(' ');
                    self.out.push_str(&properties);
                    self.block_scalar(text, indent, in_map);
                }
            } else if matches!(doc, Doc::Null) && properties.is_empty() && self.chance(2) {
                self.line_end();
            } else {
                self.out.push(' ');
                self.out.push_str(&properties);
                let json = self.chance(3);
                self.flow_bare(doc, json);
                self.line_end();
            }
            self.finish(anchor);
            return;
        }
        self.out
            .push_str(if properties.is_empty() { "" } else { " " });
        self.out.push_str(properties.trim_end());
        self.line_end();
        let step = 1 + usize::from(self.pick(4));
        match doc {
            Doc::Seq(items) => {
                let at = if in_map && self.profile != Profile::Plain && self.chance(2) {
                    indent
                } else {
                    indent + step
                };
                self.sequence(items, at);
            }
            Doc::Map(entries) => self.mapping(entries, indent + step, false),
            _ => unreachable!("only collections nest"),
        }
        self.finish(anchor);
    }

    /// A literal or folded block scalar: the header (the cursor after the
    /// properties), then the content lines.
    fn block_scalar(&mut self, text: &str, indent: usize, in_map: bool) {
        let plain = self.profile == Profile::Plain;
        let style = if plain {
            "|"
        } else {
            ["|", ">"][usize::from(self.pick(2))]
        };
        let chomp = ["", "-", "+"][usize::from(self.pick(if plain { 2 } else { 3 }))];
        let explicit = in_map && !plain && self.chance(3);
        let step = if plain {
            2
        } else {
            1 + usize::from(self.pick(3))
        };
        let lines: Vec<&str> = text.split('\n').collect();
        let first = lines.iter().find(|l| !l.trim_matches(' ').is_empty());
        // Without an indentation indicator the first line with content sets
        // the indentation, so it must not start with a space.
        let explicit = explicit || first.is_some_and(|l| l.starts_with(' '));
        if explicit && !in_map {
            // The indicator is relative to a sequence item's own column,
            // which this writer does not track: quote the text instead.
            let quoted = self.double_quoted(text);
            let _ = write!(self.out, "{quoted}");
            self.line_end();
            return;
        }
        self.out.push_str(style);
        if explicit {
            let _ = write!(self.out, "{step}");
        }
        self.out.push_str(chomp);
        self.line_end();
        let pad = " ".repeat(indent + step);
        for line in lines {
            if line.trim_matches(' ').is_empty() {
                self.out.push('\n');
            } else {
                let _ = writeln!(self.out, "{pad}{line}");
            }
        }
    }

    fn mapping(&mut self, entries: &[(String, Doc)], indent: usize, after_dash: bool) {
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 || !after_dash {
                self.between(indent);
                self.out.push_str(&" ".repeat(indent));
            }
            let key = self.key(key, false);
            self.out.push_str(&key);
            self.out.push(':');
            self.block(value, indent, true);
        }
    }

    fn sequence(&mut self, items: &[Doc], indent: usize) {
        for item in items {
            self.between(indent);
            self.out.push_str(&" ".repeat(indent));
            self.out.push('-');
            let compact = matches!(item, Doc::Map(entries) if !entries.is_empty())
                && self.chance(2)
                && self.profile != Profile::Flow;
            match item {
                Doc::Map(entries) if compact => {
                    let gap = 1 + usize::from(self.pick(3));
                    self.out.push_str(&" ".repeat(gap));
                    self.mapping(entries, indent + 1 + gap, true);
                }
                _ => self.block(item, indent, false),
            }
        }
    }

    /// The whole document.
    fn document(&mut self, doc: &Doc) {
        if self.chance(5) {
            self.out.push_str("# a record\n");
        }
        let marker = self.profile != Profile::Plain && self.chance(4);
        if marker {
            self.out.push_str("---\n");
        }
        match doc {
            Doc::Map(entries) if !entries.is_empty() && self.profile != Profile::Flow => {
                self.mapping(entries, 0, false);
            }
            Doc::Seq(items) if !items.is_empty() && self.profile != Profile::Flow => {
                self.sequence(items, 0);
            }
            root => {
                let json = self.profile == Profile::Flow && self.chance(2);
                self.flow(root, json);
                self.out.push('\n');
            }
        }
        if marker && self.chance(2) {
            self.out.push_str("...\n");
        }
    }
}

fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Whether `text` reads back as itself written plain, in block or flow
/// context (conservatively: some safe texts are quoted anyway).
fn plain_safe(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let awkward = "-?:,[]{}#&*!|>'\"%@` \t.".contains(first)
        || text.ends_with([' ', ':'])
        || text.contains(['\n', '\t'])
        || text.contains(": ")
        || text.contains(" #")
        || (flow && text.contains([',', '[', ']', '{', '}', ':']));
    !awkward
}

/// A generated document as the bytes of a file: in its profile's styles,
/// maybe with CRLF line ends and a byte-order mark.
pub(super) fn write_document(doc: &Doc, bits: Vec<u8>) -> Vec<u8> {
    let profile = [
        Profile::Plain,
        Profile::Plain,
        Profile::Mixed,
        Profile::Flow,
        Profile::Properties,
    ][usize::from(bits[0] % 5)];
    let mut writer = Writer {
        out: String::new(),
        bits,
        at: 1,
        profile,
        next_anchor: 0,
        anchors: Vec::new(),
    };
    // The line reader reads a mapping at the root only.
    let wrapped;
    let doc = match doc {
        Doc::Map(entries) if !entries.is_empty() => doc,
        _ if profile == Profile::Plain => {
            wrapped = Doc::Map(vec![("root".to_owned(), doc.clone())]);
            &wrapped
        }
        _ => doc,
    };
    writer.document(doc);
    let mut text = std::mem::take(&mut writer.out);
    if profile != Profile::Plain && writer.chance(5) {
        text = text.replace('\n', "\r\n");
    }
    let mut bytes = Vec::new();
    if writer.chance(6) {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    bytes.extend_from_slice(text.as_bytes());
    bytes
}
