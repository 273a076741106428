//! Tests of `markdown`.

use super::*;
use proptest::prelude::*;
use pulldown_cmark::HeadingLevel;

fn events(text: &str) -> Vec<Event<'_>> {
    parser(text).collect()
}

/// What `escape_inline(s)` must render as.
fn flattened(s: &str) -> String {
    one_line(s).replace('\0', "\u{FFFD}")
}

fn text_of(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|e| {
            if let Event::Text(t) = e {
                Some(t.as_ref())
            } else {
                None
            }
        })
        .collect()
}

/// No raw HTML, no dangerous link, and a following heading still parses.
fn assert_contained(block: &str) {
    assert!(!block.contains("<!--"), "{block:?}");
    let doc = format!("{block}\n\n## After\n");
    let evs = events(&doc);
    for e in &evs {
        assert!(
            !matches!(e, Event::Html(_) | Event::InlineHtml(_)),
            "raw HTML {e:?} in {block:?}"
        );
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = e {
            assert!(
                !is_dangerous_url(dest_url),
                "dangerous link {dest_url:?} in {block:?}"
            );
        }
    }
    let n = evs.len();
    assert!(n >= 3, "{doc:?}");
    assert!(
        matches!(
            &evs[n - 3],
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            })
        ) && matches!(&evs[n - 2], Event::Text(t) if t.as_ref() == "After")
            && matches!(&evs[n - 1], Event::End(TagEnd::Heading(HeadingLevel::H2))),
        "heading swallowed: {doc:?}"
    );
}

#[test]
fn escape_inline_examples() {
    assert_eq!(
        escape_inline("  *a* [b](c)\r\n<x>  "),
        r"\*a\* \[b\](c) \<x\>"
    );
    assert_eq!(escape_inline("# 1. a|b\u{2028}c"), r"\# 1. a\|b c");
    assert_eq!(escape_inline("1. first"), r"1\. first");
    assert_eq!(escape_inline("- item"), r"\- item");
    assert_eq!(escape_inline("a-b: c."), "a-b: c.");
    assert_eq!(
        escape_inline("<javascript:alert(1)>"),
        r"\<javascript:alert(1)\>"
    );
    assert_eq!(escape_inline("été &amp; \\"), r"été \&amp; \\");
    assert_eq!(escape_cell("   \n "), "");
    let evs = events("<b>x</b> ");
    assert!(evs.iter().any(|e| matches!(e, Event::InlineHtml(_))));
    assert_eq!(
        text_of(&events(&escape_inline("<b>x</b> *y*"))),
        "<b>x</b> *y*"
    );
}

#[test]
fn one_line_and_mermaid_label() {
    assert_eq!(one_line(" a\r\nb\rc\nd\u{2029}e "), "a b c d e");
    assert_eq!(one_line("*a*"), "*a*");
    assert_eq!(
        mermaid_label("DB: failover #2; (see <a>) \"x\" `y` {z} [w] 50%\n next"),
        "DB failover 2 see a x y z w 50 next"
    );
    assert_eq!(mermaid_label(" :#;\n "), "-");
    assert_eq!(mermaid_label("Page on-call, ack"), "Page on-call, ack");
}

#[test]
fn sanitize_keeps_ordinary_markdown() {
    let md = "Customers saw **errors**:\n\n- API `5xx` rate\n- [status](https://status.example.com)\n\n```sh\necho <ok>\n```\n\n> quoted *text*";
    assert_eq!(sanitize_block(md), md);
    assert_eq!(sanitize_block("\r\n\r\na  \r\nb\t\r\n\r\n"), "a\nb");
    assert_eq!(
        sanitize_block("see <https://x.example>"),
        "see <https://x.example>"
    );
    assert_eq!(sanitize_block("1 < 2 and a<b"), "1 < 2 and a<b");
}

#[test]
fn sanitize_neutralises_html_and_markers() {
    assert_eq!(
        sanitize_block("<!-- rolecall:end timeline -->"),
        "&lt;!-- rolecall:end timeline -->"
    );
    assert_eq!(
        sanitize_block("<script>\nalert(1)"),
        "&lt;script>\nalert(1)"
    );
    assert_eq!(
        sanitize_block("a <b onclick=x>b</b>"),
        "a &lt;b onclick=x>b&lt;/b>"
    );
    assert_eq!(sanitize_block("`<!--` x"), "`<\u{2060}!--` x");
    for s in [
        "<pre>\nx",
        "<?php",
        "<!DOCTYPE",
        "<![CDATA[",
        "<style>",
        "<div>\n```",
        "<textarea>",
        "<x-y>\n",
    ] {
        assert_contained(&sanitize_block(s));
    }
}

#[test]
fn sanitize_neutralises_dangerous_links() {
    assert_eq!(
        sanitize_block("see [*a*](javascript:alert(1) \"t\") now"),
        "see *a* now"
    );
    assert_eq!(sanitize_block("![i](data:image/png;base64,xx)"), "i");
    assert_eq!(sanitize_block("[a](JaVa&#9;Script:x)"), "a");
    assert_eq!(sanitize_block("[![i](javascript:a)](javascript:b)"), "i");
    assert_eq!(
        sanitize_block("<javascript:alert(1)>"),
        "&lt;javascript:alert(1)>"
    );
    assert_eq!(
        sanitize_block("[x][r]\n\n[r]: <vbscript:x> \"t\""),
        "[x][r]"
    );
    assert_eq!(
        sanitize_block("[ok](https://e.com) [ok2](/rel)"),
        "[ok](https://e.com) [ok2](/rel)"
    );
    for s in [
        "[![i](javascript:a)](javascript:b)",
        "> [q]:\n> javascript:y\n\n[q]",
        "[a\\]](javascript:x)",
    ] {
        assert_contained(&sanitize_block(s));
    }
}

#[test]
fn sanitize_closes_fences() {
    assert_eq!(
        sanitize_block("````rust\nfn x() {}\n```"),
        "````rust\nfn x() {}\n```\n````"
    );
    assert_eq!(sanitize_block("~~~"), "~~~\n~~~");
    assert_eq!(sanitize_block("```\na\n```"), "```\na\n```");
    for s in ["- ```\n  x", "> ```\n> x", "   ```\nx\n    ```"] {
        assert_contained(&sanitize_block(s));
    }
}

fn markdownish() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "\n",
        "\r\n",
        "\r",
        " ",
        "    ",
        "\t",
        "```",
        "~~~",
        "`",
        "<",
        ">",
        "<!--",
        "-->",
        "<script>",
        "<pre>",
        "</pre>",
        "<div>",
        "<?",
        "?>",
        "<![CDATA[",
        "<!X",
        "[",
        "]",
        "(",
        ")",
        "javascript:alert(1)",
        "JaVa\tScRiPt:x",
        "data:text/html,x",
        "https://e.com",
        "](",
        "![",
        "[x]: ",
        "*",
        "_",
        "|",
        "#",
        "- ",
        "1. ",
        "> ",
        "\\",
        "&",
        "&lt;",
        "&#106;",
        "---",
        "===",
        "\u{2028}",
        "\0",
        "é",
        "a",
        "b",
        "<a href=x>",
        "<https://x>",
        "<javascript:x>",
        "~~",
        "[ ] ",
        "|---|",
        "\n\n",
        "x@y.z",
    ]);
    let piece =
        prop_oneof![3 => tokens.prop_map(str::to_owned), 1 => any::<char>().prop_map(String::from)];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![markdownish(), any::<String>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn escape_inline_is_literal(s in any_text()) {
        let escaped = escape_inline(&s);
        let evs = events(&escaped);
        for e in &evs {
            prop_assert!(
                matches!(e, Event::Text(_) | Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)),
                "{:?} from {:?}", e, escaped
            );
        }
        prop_assert_eq!(text_of(&evs), flattened(&s));
    }

    #[test]
    fn escaped_cells_never_split(a in any_text(), b in any_text()) {
        let doc = format!("| h1 | h2 |\n| --- | --- |\n| {} | {} |\n", escape_cell(&a), escape_cell(&b));
        let mut cells: Vec<String> = Vec::new();
        let mut in_body = false;
        let mut current: Option<String> = None;
        for e in events(&doc) {
            match e {
                Event::End(TagEnd::TableHead) => in_body = true,
                Event::Start(Tag::TableCell) if in_body => current = Some(String::new()),
                Event::Text(t) => if let Some(c) = current.as_mut() { c.push_str(&t) },
                Event::End(TagEnd::TableCell) => cells.extend(current.take()),
                _ => {}
            }
        }
        prop_assert_eq!(cells, vec![flattened(&a), flattened(&b)], "{:?}", doc);
    }

    #[test]
    fn sanitized_blocks_are_contained(s in any_text()) {
        let clean = sanitize_block(&s);
        assert_contained(&clean);
        prop_assert!(!clean.ends_with('\n') && !clean.contains('\r'));
        prop_assert_eq!(sanitize_block(&clean), clean.clone());
    }

    #[test]
    fn skipping_the_parse_misses_nothing(s in prop_oneof![markdownish(), any_text()]) {
        let doc = normalise_block(&s);
        if cannot_be_unsafe(&doc) {
            prop_assert!(unsafe_spans(&doc).is_empty());
        }
        // The line-by-line form of the normalisation.
        let text = s.replace("\r\n", "\n").replace('\r', "\n");
        let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
        let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
        let last = lines.iter().rposition(|l| !l.is_empty()).map_or(first, |i| i + 1);
        prop_assert_eq!(doc, lines[first..last].join("\n"));
    }
}
