//! Checks on the raw text before the YAML parser sees it: merge-conflict
//! markers, tabs in indentation and absurd nesting. The parser
//! is vague (or silent) about these; here each is reported on the line and
//! column where it is, in one cheap pass.

use super::node::{MAX_DEPTH, ParseFailure};

/// Checks `text` (without a byte-order mark); the first problem found, or
/// how deep the document can nest.
pub(super) fn check(text: &str) -> Result<Shape, ParseFailure> {
    conflict_markers(text)?;
    let mut scan = Scan::default();
    for (index, line) in text.lines().enumerate() {
        scan.line(index + 1, line.strip_suffix('\r').unwrap_or(line))?;
    }
    Ok(scan.shape)
}

/// What the scan saw of a document's nesting, so the parser can be run
/// without a stack of its own when the document is shallow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Shape {
    /// Most block levels (indentation columns and dashes) open at once.
    pub block: usize,
    /// Most `[` and `{` open at once.
    pub flow: usize,
    /// An alias (`*name`) or explicit key (`? `) was seen: either can nest
    /// the parsed tree deeper than the text looks.
    pub indirect: bool,
}

impl Shape {
    /// An upper bound on the parser's nesting, `None` when aliases or
    /// explicit keys make it unknown. A block sequence may sit at its
    /// parent key's column (`key:` then `- item`), so each block level can
    /// hide one more.
    pub fn max_nesting(self) -> Option<usize> {
        (!self.indirect).then_some(2 * self.block + self.flow + 1)
    }
}

/// Fails on the first unresolved merge-conflict marker (`<<<<<<<`,
/// `=======`, `>>>>>>>`, or diff3's `|||||||`) at the start of a line.
pub(super) fn conflict_markers(text: &str) -> Result<(), ParseFailure> {
    let is_marker = |line: &str| {
        line.starts_with(['<', '>', '|', '='])
            && ["<<<<<<<", ">>>>>>>", "|||||||", "======="]
                .iter()
                .any(|m| {
                    line.strip_prefix(m)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\r']))
                })
    };
    let Some(index) = text.lines().position(is_marker) else {
        return Ok(());
    };
    Err(ParseFailure::at(index + 1, 1, "unresolved merge-conflict marker").help(
        "resolve the conflict: keep the lines you want and delete the `<<<<<<<`, `=======` and `>>>>>>>` lines",
    ))
}

/// Nothing but blank lines, comments and document markers.
pub(super) fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

fn too_deep(line: usize, column: usize) -> ParseFailure {
    ParseFailure::at(
        line,
        column,
        format!("nesting deeper than {MAX_DEPTH} levels"),
    )
    .help("records never need this much nesting; flatten the structure")
}

/// What one pass over the lines knows about where it is.
#[derive(Default)]
struct Scan {
    /// Open `[` and `{`.
    flow: usize,
    /// Inside a quoted scalar that runs over the line end.
    quote: Option<u8>,
    /// Lines indented more than this are the text of a block scalar or the
    /// continuation of a plain one: their whitespace is content.
    text_above: Option<usize>,
    /// Columns (0-based) of the open block collections.
    levels: Vec<usize>,
    /// The deepest nesting seen so far.
    shape: Shape,
}

impl Scan {
    fn line(&mut self, number: usize, line: &str) -> Result<(), ParseFailure> {
        if line.trim().is_empty() {
            return Ok(());
        }
        if self.flow > 0 || self.quote.is_some() {
            // Inside flow and quoted scalars tabs are separators like spaces.
            return self.scan(number, line, 0).map(|_| ());
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if self.text_above.is_some_and(|above| spaces > above) {
            return Ok(());
        }
        self.text_above = None;
        let rest = line[spaces..].trim_start_matches([' ', '\t']);
        if rest.starts_with('#') || (spaces == 0 && is_document_marker(line)) {
            return Ok(());
        }
        if line[spaces..].starts_with('\t') {
            return Err(ParseFailure::at(number, spaces + 1, "a tab in indentation")
                .help("indent with spaces; YAML does not allow tabs in indentation"));
        }
        let (dashes, start) = dash_columns(line, spaces);
        self.nest(number, &dashes, start)?;
        let keyed = self.scan(number, line, start)?;
        if self.text_above.is_some() && !keyed {
            // `- text`: its continuation lines only need to pass the dash.
            self.text_above = dashes.last().copied().or(Some(start));
        }
        Ok(())
    }

    /// One byte inside a quoted scalar: how many to move on (an escape,
    /// `\"` or `''`, takes two); a closing quote ends it.
    fn step_quoted(&mut self, quote: u8, c: u8, next: Option<u8>) -> usize {
        let escaped =
            (quote == b'"' && c == b'\\') || (quote == b'\'' && c == b'\'' && next == Some(b'\''));
        if escaped {
            return 2;
        }
        if c == quote {
            self.quote = None;
        }
        1
    }

    /// Opens block levels at the dashes and at the content column.
    fn nest(&mut self, number: usize, dashes: &[usize], start: usize) -> Result<(), ParseFailure> {
        let first = dashes.first().copied().unwrap_or(start);
        while self.levels.last().is_some_and(|&level| level >= first) {
            self.levels.pop();
        }
        for &column in dashes.iter().chain([&start]) {
            self.levels.push(column);
            if self.levels.len() > MAX_DEPTH {
                return Err(too_deep(number, column + 1));
            }
        }
        self.shape.block = self.shape.block.max(self.levels.len());
        Ok(())
    }

    /// Follows quotes, flow collections and comments from byte `start` of
    /// `line`; notes a block scalar or plain scalar that may continue on the
    /// next lines. Returns whether a mapping key was seen in block context.
    fn scan(&mut self, number: usize, line: &str, start: usize) -> Result<bool, ParseFailure> {
        // Bytes, not chars: every character that matters is ASCII, and no
        // byte of a multi-byte character is.
        let bytes = line.as_bytes();
        let mut node_start = self.quote.is_none();
        let (mut plain, mut keyed) = (false, false);
        let mut i = start;
        while i < bytes.len() {
            if let Some(quote) = self.quote {
                // Only the closing quote and escapes matter inside quotes.
                let Some(skip) = bytes[i..]
                    .iter()
                    .position(|&b| b == quote || (quote == b'"' && b == b'\\'))
                else {
                    break;
                };
                i += skip;
                i += self.step_quoted(quote, bytes[i], bytes.get(i + 1).copied());
                continue;
            }
            if !node_start && self.flow == 0 {
                // Inside plain text only a comment or a key's `:` matters.
                let Some(skip) = bytes[i..].iter().position(|&b| b == b'#' || b == b':') else {
                    break;
                };
                i += skip;
            }
            let c = bytes[i];
            let next = bytes.get(i + 1).copied();
            let after_space = i == start || matches!(bytes[i - 1], b' ' | b'\t');
            let separated = next.is_none_or(|n| {
                n == b' ' || n == b'\t' || (self.flow > 0 && matches!(n, b',' | b']' | b'}'))
            });
            match c {
                b'#' if after_space => break,
                b' ' | b'\t' => {}
                b'"' | b'\'' if node_start => {
                    self.quote = Some(c);
                    node_start = false;
                }
                b'[' | b'{' if node_start => {
                    self.flow += 1;
                    self.shape.flow = self.shape.flow.max(self.flow);
                    plain = false;
                    if self.flow > MAX_DEPTH {
                        return Err(too_deep(number, column_of(line, i)));
                    }
                }
                b']' | b'}' if self.flow > 0 => {
                    self.flow -= 1;
                    node_start = false;
                }
                b',' if self.flow > 0 => node_start = true,
                b'|' | b'>' if node_start && self.flow == 0 && is_block_header(&line[i + 1..]) => {
                    self.text_above = Some(start);
                    return Ok(keyed);
                }
                b'&' | b'!' | b'*' if node_start => {
                    i = skip_token(bytes, i);
                    node_start = c != b'*';
                    self.shape.indirect |= c == b'*';
                    continue;
                }
                b'-' | b'?' if node_start && separated => self.shape.indirect |= c == b'?',
                b':' if separated && !node_start => {
                    keyed |= self.flow == 0;
                    plain = false;
                    node_start = true;
                }
                _ if node_start => {
                    plain = self.flow == 0;
                    node_start = false;
                }
                _ => {}
            }
            i += 1;
        }
        if plain && self.flow == 0 && self.quote.is_none() {
            self.text_above = Some(start);
        }
        Ok(keyed)
    }
}

/// `---` or `...`, alone or followed by a space.
fn is_document_marker(line: &str) -> bool {
    ["---", "..."].iter().any(|m| {
        line.strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// The 0-based columns of the `- ` indicators that open a line, and the
/// column where its content starts (`- - a` opens two sequences).
fn dash_columns(line: &str, spaces: usize) -> (Vec<usize>, usize) {
    let mut dashes = Vec::new();
    let mut column = spaces;
    let bytes = line.as_bytes();
    while bytes.get(column) == Some(&b'-') && matches!(bytes.get(column + 1), Some(b' ') | None) {
        dashes.push(column);
        column += 1;
        while bytes.get(column) == Some(&b' ') {
            column += 1;
        }
    }
    (dashes, column)
}

/// What follows `|` or `>` makes a block scalar header: indicators, then
/// nothing or a comment.
fn is_block_header(rest: &str) -> bool {
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#')
}

/// The index after an anchor, tag or alias token.
fn skip_token(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b',' | b']' | b'}') {
        i += 1;
    }
    i
}

/// The 1-based character column of byte `offset` in `line`.
fn column_of(line: &str, offset: usize) -> usize {
    line[..offset].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(text: &str) -> ParseFailure {
        match check(text) {
            Err(f) => f,
            Ok(_) => panic!("expected a failure for {text:?}"),
        }
    }

    fn passes(text: &str) {
        if let Err(f) = check(text) {
            panic!("{text:?} failed: {f:?}");
        }
    }

    #[test]
    fn tabs_in_indentation_are_found_where_they_are() {
        for (text, line, column) in [
            ("\ta: 1\n", 1, 1),
            ("a: 1\n\tb: 2\n", 2, 1),
            ("a:\n \tb: 2\n", 2, 2),
            ("a:\n  - x\n  \t- y\n", 3, 3),
            ("a: |\n  text\n\tb: 1\n", 3, 1),
            ("a: text\n\tb: 1\n", 2, 1),
        ] {
            let f = fail(text);
            assert_eq!((f.pos.line, f.pos.column), (line, column), "{text:?}");
            assert!(f.message.contains("tab"));
        }
    }

    #[test]
    fn tabs_that_are_content_or_separators_pass() {
        passes("a: |\n  x\n  \ty\n\n  \tz\nb: 1\n");
        passes("- |\n  \tcode\n");
        passes("a: \"x\n\ty\"\n");
        passes("a: 'it''s\n\there'\n");
        passes("a: [1,\n\t2]\n");
        passes("a: {b: 1,\n\tc: 2}\n");
        passes("\t# comment\n# \t\na: 1\n");
        passes("a: plain text\n    \tcontinued\n");
        passes("- plain\n  \tcontinued\n");
        passes("a:\n  - b: x\n        \tmore\n");
        passes("a: x\t# comment\n");
        passes("a: 1\r\n\r\nb: 2\r\n");
    }

    #[test]
    fn block_nesting_counts_every_dash() {
        let f = fail(&format!("a:\n{}x\n", "- ".repeat(5_000)));
        assert_eq!(f.pos.line, 2);
        assert!(f.message.contains("nesting"));
        passes(&format!("a:\n{}x\n", "- ".repeat(40)));
    }

    #[test]
    fn block_scalar_text_does_not_nest() {
        let mut text = String::from("a: |\n");
        for i in 1..100 {
            text.push_str(&" ".repeat(i));
            text.push_str("x\n");
        }
        passes(&text);
    }

    #[test]
    fn flow_nesting_is_found_on_its_column() {
        let f = fail(&format!("a: {}\n", "[".repeat(100)));
        assert_eq!((f.pos.line, f.pos.column), (1, 4 + MAX_DEPTH));
        passes("a: text with [brackets [in [it]]]\n");
        passes("a: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n");
    }

    #[test]
    fn document_markers_and_anchors_are_understood() {
        passes("---\na: &x 1\nb: *x\n...\n");
        passes("a: &anchor\n  b: 1\n");
        passes("a: !!str |\n  \ttext\n");
    }

    /// Nested data with awkward text, as a YAML emitter writes it.
    fn tree() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let text = proptest::string::string_regex("[a-c \t\n\"'#:,\\[\\]{}|>&*!%@`-]{0,12}")
            .expect("regex");
        let leaf = prop_oneof![
            text.prop_map(serde_json::Value::String),
            any::<i32>().prop_map(serde_json::Value::from)
        ];
        leaf.prop_recursive(6, 48, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::vec(("[a-z]{1,6}", inner), 0..4)
                    .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    /// How deep a parsed tree nests: 1 for a scalar.
    fn depth(node: &crate::yaml::SNode) -> usize {
        use crate::yaml::Node;
        1 + match &node.node {
            Node::Scalar(_) => 0,
            Node::Seq(items) => items.iter().map(depth).max().unwrap_or(0),
            Node::Map(entries) => entries
                .iter()
                .map(|(k, v)| depth(k).max(depth(v)))
                .max()
                .unwrap_or(0),
        }
    }

    #[test]
    fn shape_bounds_the_nesting() {
        let record =
            "id: x\nroles:\n  lead:\n    - owner: a\n      note: |\n        text\nlist: [a, [b]]\n";
        let shape = check(record).unwrap();
        assert_eq!((shape.block, shape.flow, shape.indirect), (4, 2, false));
        let root = crate::yaml::parse(record.as_bytes()).unwrap().unwrap();
        assert!(depth(&root) <= shape.max_nesting().unwrap());
        assert_eq!(check("a: &x [1]\nb: *x\n").unwrap().max_nesting(), None);
        assert_eq!(check("? [a]\n: b\n").unwrap().max_nesting(), None);
        assert_eq!(check("a: '*x'\nb: x*\n").unwrap().max_nesting(), Some(3));
    }

    proptest::proptest! {
        /// Whatever a YAML emitter writes, the guard lets through, and the
        /// parsed tree nests no deeper than the guard's bound.
        #[test]
        fn emitted_yaml_passes_the_guard(value in tree()) {
            let text = serde_saphyr::to_string(&value).expect("serialise");
            let shape = check(&text);
            proptest::prop_assert!(shape.is_ok(), "{:?}\n{}", shape, text);
            let parsed = crate::yaml::parse(text.as_bytes());
            proptest::prop_assert!(parsed.is_ok(), "{:?}\n{}", parsed, text);
            if let (Ok(shape), Ok(Some(root))) = (shape, parsed) {
                let bound = shape.max_nesting().unwrap_or(usize::MAX);
                proptest::prop_assert!(depth(&root) <= bound, "{:?}\n{}", shape, text);
            }
        }
    }
}
