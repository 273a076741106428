//! Markdown safety: the one place the project builds a `pulldown-cmark` parser, and the pure
//! functions that make record text safe to place in a rendered Markdown document — inline
//! escaping (titles, names, table cells), block sanitising (summary, impact, handover notes)
//! and one-line / Mermaid label cleaning.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

/// The Markdown extensions the project renders and checks with.
#[must_use]
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// A parser over `text` with [`parser_options`].
#[must_use]
pub fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(text, parser_options())
}

/// The byte ranges of `text` that hold raw HTML (block or inline), in
/// document order; HTML shown inside code is not among them.
pub fn html_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    parser(text)
        .into_offset_iter()
        .filter(|(event, range)| {
            matches!(event, Event::Html(_) | Event::InlineHtml(_)) && !range.is_empty()
        })
        .map(|(_, range)| range)
}

/// Characters treated as line breaks when text is flattened onto one line.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Newlines (`\r\n`, `\r`, `\n`, U+2028, U+2029, …) become single spaces; the result is trimmed.
/// No escaping is done.
#[must_use]
pub fn one_line(text: &str) -> String {
    flatten(text).into_owned()
}

/// [`one_line`], borrowing `text` when it has no line break.
fn flatten(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_line_break) {
        return Cow::Borrowed(text.trim());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        out.push(if is_line_break(c) { ' ' } else { c });
    }
    Cow::Owned(out.trim().to_owned())
}

/// Escapes record text for inline use (titles, names, timeline events): the result renders as
/// exactly the (flattened, trimmed) text on one line. Characters that can open emphasis, code,
/// links, raw HTML, entities or strikethrough, or split a table cell, are backslash-escaped
/// everywhere; characters that only matter at the start of a line (list markers, headings,
/// block quotes, ordered-list numbers) are escaped there. Other punctuation stays readable.
#[must_use]
pub fn escape_inline(text: &str) -> String {
    escape_inline_cow(text).into_owned()
}

/// [`escape_inline`], borrowing `text` when it needs no change (the common case), so callers
/// holding it already can keep what they have.
#[must_use]
pub fn escape_inline_cow(text: &str) -> Cow<'_, str> {
    if is_plain_inline(text) {
        return Cow::Borrowed(text);
    }
    let flat = flatten(text);
    let bytes = flat.as_bytes();
    let mut out = String::with_capacity(flat.len() + flat.len() / 4);
    let leading_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    // Every byte that changes is ASCII, so the runs between them are whole characters.
    let mut kept = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let at_start = i == 0 && matches!(b, b'-' | b'+' | b'=' | b'>' | b'#');
        let ends_number = i == leading_digits && leading_digits > 0 && matches!(b, b'.' | b')');
        if ESCAPED[usize::from(b)] || at_start || ends_number {
            out.push_str(&flat[kept..i]);
            out.push('\\');
            out.push(char::from(b));
            kept = i + 1;
        } else if b == 0 {
            out.push_str(&flat[kept..i]);
            // CommonMark replaces NUL with U+FFFD anyway; do it here so the output is honest.
            out.push('\u{FFFD}');
            kept = i + 1;
        }
    }
    out.push_str(&flat[kept..]);
    Cow::Owned(out)
}

/// The bytes [`escape_inline`] backslash-escapes wherever they are.
const ESCAPED: [bool; 256] = byte_set(b"\\`*_[]<>|#&~!$", false);

/// The bytes that keep text from being plain inline text wherever they are: those escaped,
/// and ASCII control characters (NUL is replaced, line breaks are flattened).
const NOT_PLAIN: [bool; 256] = byte_set(b"\\`*_[]<>|#&~!$\x7f", true);

/// A byte lookup table holding `bytes`, and the ASCII control characters if `controls`.
const fn byte_set(bytes: &[u8], controls: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    let mut c = 0;
    while controls && c < 0x20 {
        table[c] = true;
        c += 1;
    }
    table
}

/// Text that [`escape_inline`] would return unchanged: no character that
/// needs escaping anywhere, none that matters at the start, no line break,
/// no surrounding whitespace. The common case, checked without allocating.
fn is_plain_inline(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(first) = bytes.first() else {
        return true;
    };
    let leading_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    !bytes.iter().any(|&b| NOT_PLAIN[usize::from(b)])
        && !matches!(first, b'-' | b'+' | b'=' | b'>' | b'#')
        && !matches!(bytes.get(leading_digits), Some(b'.' | b')') if leading_digits > 0)
        && text.trim().len() == text.len()
        // The other line breaks (U+0085, U+2028, U+2029) are not ASCII.
        && (text.is_ascii() || !text.chars().any(is_line_break))
}

/// [`escape_inline`] for a table cell (`|` becomes `\|`). An empty cell stays empty; the
/// template decides on a placeholder.
#[must_use]
pub fn escape_cell(text: &str) -> String {
    escape_inline(text)
}

/// Keeps only characters that are safe inside a Mermaid gantt task name: drops `:` `#` `;` `%`
/// brackets, quotes, backticks and control characters, flattens newlines, collapses whitespace.
/// Falls back to `-` when nothing is left.
#[must_use]
pub fn mermaid_label(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .filter(|c| {
            !c.is_control()
                && !matches!(c, ':' | '#' | ';' | '%' | '<' | '>' | '{' | '}')
                && !matches!(c, '[' | ']' | '(' | ')' | '"' | '`')
        })
        .collect();
    let label = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        "-".to_owned()
    } else {
        label
    }
}

/// Passes of the parse-and-fix loop in [`sanitize_block`] before it gives up and fences the text.
const MAX_PASSES: usize = 16;

/// Sanitises a block Markdown field (summary, impact, handover note) so it cannot disturb the
/// document it is placed in, keeping ordinary Markdown intact:
/// - CRLF/CR become LF, trailing whitespace is trimmed per line, leading and trailing blank lines
///   are dropped (no trailing newline: templates add line breaks);
/// - every `<` of raw HTML (blocks and inline) becomes `&lt;`, so no HTML block can swallow the
///   rest of the document; any remaining `<!--` (inside code) gets an invisible U+2060 after `<`,
///   so nothing can open or close a rolecall marker comment;
/// - links and images with a `javascript:`, `vbscript:` or `data:` destination become their
///   text, autolinks with one become plain text, and reference definitions with one are removed
///   (their references then read as plain text);
/// - an unclosed top-level fenced code block is closed.
///
/// Fixing one thing can change how the rest parses, so the text is re-parsed until clean.
#[must_use]
pub fn sanitize_block(text: &str) -> String {
    let mut doc = normalise_block(text);
    if cannot_be_unsafe(&doc) {
        return doc;
    }
    for _ in 0..MAX_PASSES {
        let edits = unsafe_spans(&doc);
        if edits.is_empty() {
            return doc.replace("<!--", "<\u{2060}!--");
        }
        doc = normalise_block(&apply_edits(&doc, edits));
    }
    // Not reached for any input we know of; stay safe regardless: show the text as code.
    let longest = doc.split(|c| c != '~').map(str::len).max().unwrap_or(0);
    let fence = "~".repeat(longest.max(2) + 1);
    format!("{fence}\n{doc}\n{fence}").replace("<!--", "<\u{2060}!--")
}

/// Whether [`unsafe_spans`] is sure to find nothing, so the parse can be skipped: raw HTML
/// (and every `<!--`) needs a `<`; a dangerous destination needs a `:`, or an entity (`&`) to
/// spell one; an unclosed fence needs a run of three backticks or tildes.
fn cannot_be_unsafe(doc: &str) -> bool {
    let mut fence = (0_u8, 0_usize);
    for &b in doc.as_bytes() {
        match b {
            b'<' | b':' | b'&' => return false,
            b'`' | b'~' => {
                fence = if fence.0 == b {
                    (b, fence.1 + 1)
                } else {
                    (b, 1)
                };
                if fence.1 == 3 {
                    return false;
                }
            }
            _ => fence = (0, 0),
        }
    }
    true
}

/// CRLF/CR to LF, per-line trailing whitespace trimmed, outer blank lines dropped.
fn normalise_block(text: &str) -> String {
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let mut out = String::with_capacity(text.len());
    // Blank lines count once a line follows them: none lead, none trail.
    let mut blank = 0;
    for line in text.split('\n').map(str::trim_end) {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.extend(std::iter::repeat_n('\n', blank + 1));
        }
        out.push_str(line);
        blank = 0;
    }
    out
}

/// Whether a link destination uses a scheme that runs code or embeds content.
fn is_dangerous_url(url: &str) -> bool {
    // Browsers ignore ASCII whitespace/control characters in schemes (`java\tscript:`).
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(16)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| scheme.starts_with(s))
}

/// An open link or image while walking the events.
struct LinkFrame {
    range: Range<usize>,
    link_type: LinkType,
    dangerous: bool,
    /// End of the last event inside the link text (or just after `[` / `![`).
    inner_end: usize,
}

/// Byte ranges of `doc` to replace, with their replacements, for one sanitising pass.
fn unsafe_spans(doc: &str) -> Vec<(Range<usize>, String)> {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let parser = parser(doc);
    for (_, def) in parser.reference_definitions().iter() {
        if is_dangerous_url(&def.dest) {
            // Without its definition, a reference link is plain text.
            edits.push((def.span.clone(), String::new()));
        }
    }
    let mut depth = 0usize;
    let mut links: Vec<LinkFrame> = Vec::new();
    for (event, range) in parser.into_offset_iter() {
        if let (Some(top), false) = (links.last_mut(), matches!(event, Event::End(_))) {
            top.inner_end = top.inner_end.max(range.end);
        }
        match event {
            Event::Start(tag) => {
                match &tag {
                    Tag::CodeBlock(CodeBlockKind::Fenced(_)) if depth == 0 => {
                        if let Some(fence) = unclosed_fence(doc, range.clone()) {
                            edits.push((doc.len()..doc.len(), format!("\n{fence}")));
                        }
                    }
                    Tag::Link {
                        link_type,
                        dest_url,
                        ..
                    }
                    | Tag::Image {
                        link_type,
                        dest_url,
                        ..
                    } => {
                        let prefix = if matches!(tag, Tag::Image { .. }) {
                            2
                        } else {
                            1
                        };
                        links.push(LinkFrame {
                            range: range.clone(),
                            link_type: *link_type,
                            dangerous: is_dangerous_url(dest_url),
                            inner_end: range.start + prefix,
                        });
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if matches!(end, TagEnd::Link | TagEnd::Image)
                    && let Some(frame) = links.pop()
                {
                    if let Some(parent) = links.last_mut() {
                        parent.inner_end = parent.inner_end.max(frame.range.end);
                    }
                    if frame.dangerous {
                        edits.extend(neutralise_link(doc, &frame));
                    }
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let html = doc.get(range.clone()).unwrap_or_default();
                edits.extend(
                    html.match_indices('<')
                        .map(|(i, _)| (range.start + i..range.start + i + 1, "&lt;".to_owned())),
                );
            }
            _ => {}
        }
    }
    edits
}

/// The edits that take a dangerous link or image out, keeping its text: `[text](javascript:…)`
/// becomes `text` (an empty `#` link would still be a link, and a broken one at that).
fn neutralise_link(doc: &str, frame: &LinkFrame) -> Vec<(Range<usize>, String)> {
    let range = frame.range.clone();
    match frame.link_type {
        // `<javascript:…>`: escape the `<` so it is plain text.
        LinkType::Autolink | LinkType::Email => {
            vec![(range.start..range.start + 1, "&lt;".to_owned())]
        }
        LinkType::Inline => unwrap_inline_link(doc, frame).unwrap_or_else(|| {
            // Unexpected shape: show the whole link as literal text.
            let source = doc.get(range.clone()).unwrap_or_default();
            vec![(range, escape_keeping_lines(source))]
        }),
        // Reference links take their destination from a definition, removed separately.
        _ => Vec::new(),
    }
}

/// For `[text](dest)` or `![text](dest)`: the edits removing everything but `text`.
fn unwrap_inline_link(doc: &str, frame: &LinkFrame) -> Option<Vec<(Range<usize>, String)>> {
    let range = frame.range.clone();
    let close = frame.inner_end + doc.get(frame.inner_end..range.end)?.find(']')?;
    let tail = doc.get(close + 1..range.end)?;
    let opener = doc.get(range.start..)?;
    let prefix = if opener.starts_with("![") {
        2
    } else if opener.starts_with('[') {
        1
    } else {
        return None;
    };
    (tail.starts_with('(') && tail.ends_with(')')).then(|| {
        vec![
            (range.start..range.start + prefix, String::new()),
            (close..range.end, String::new()),
        ]
    })
}

/// Backslash-escapes ASCII punctuation, keeping line breaks.
fn escape_keeping_lines(text: &str) -> String {
    text.split('\n')
        .map(escape_inline)
        .collect::<Vec<_>>()
        .join("\n")
}

/// For a top-level fenced code block spanning `range`: the closing fence it lacks, if any.
fn unclosed_fence(doc: &str, range: Range<usize>) -> Option<String> {
    let block = doc.get(range)?.trim_start_matches(' ');
    let fence_char = block.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let count = block.chars().take_while(|&c| c == fence_char).count();
    let mut lines = block.trim_end_matches('\n').split('\n');
    lines.next();
    let closed = lines.next_back().is_some_and(|last| {
        let unindented = last.trim_start_matches(' ');
        let run = unindented.chars().take_while(|&c| c == fence_char).count();
        last.len() - unindented.len() <= 3
            && run >= count
            && unindented
                .get(run..)
                .is_some_and(|rest| rest.trim_matches([' ', '\t']).is_empty())
    });
    (!closed).then(|| fence_char.to_string().repeat(count))
}

/// Applies non-overlapping edits (the first of overlapping ones wins; the loop catches the rest).
fn apply_edits(doc: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(doc.len() + edits.len() * 4);
    let mut pos = 0;
    for (range, replacement) in edits {
        if range.start < pos {
            continue;
        }
        out.push_str(doc.get(pos..range.start).unwrap_or_default());
        out.push_str(&replacement);
        pos = range.end;
    }
    out.push_str(doc.get(pos..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests;
