//! The line reader's trees against the full parser's, on fixed, bundled
//! and generated documents.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::*;

/// The full path's tree, as text.
fn full(text: &str) -> String {
    format!("{:?}", super::super::library::parse_text(text).ok())
}

/// What the line reader reads passes the guard it skips (tabs, nesting).
fn passes_the_guard(text: &str) -> bool {
    super::super::guard::check(text).is_ok()
}

fn assert_same(text: &str) {
    let block = parse(text).unwrap_or_else(|| panic!("the line reader refused {text:?}"));
    assert_eq!(format!("{:?}", Some(block)), full(text), "{text:?}");
    assert!(passes_the_guard(text), "{text:?}");
}

#[test]
fn block_style_records_read_as_the_parser_reads_them() {
    for text in [
        "a: one\nb:\nc: x # hi\nd: |\n  lit\n  two\n\ne: |-\n  x\nf: [p, q]\nh: 'sq'\ni: {}\nj: []\n",
        "top:\n  a: x1\n  b:   \n  c:  # note\n  seq:\n    - x\n    -\n    - \n    -   y  \n  lit: |\n    one\n\n      two\n\n  # comment\n  after: v\n  last:\n",
        "a:\n  - k: |\n      text\n    j: z\n  -\n    m: n\nb: |\n  end",
        "a: x\n  # c\nb: y\n",
        "a: |\n  x\n\n\n",
        "a: |\n  x\n  \n   \n# c\nb: [ p ,q ]  # c\nc: {}\nd: \"\u{e9}\" # x\ne: -q\nf:  a  b  \n",
        "a:\n  - x\n  -   # c\n  - [a]\nb:\n  -\n  - y\n",
        "# leading comment\n\nid: INC-1\ntitle: C# and F# at 50% (of 2:1 ratio) ['a'] {b}\n",
        "t: it's \"quoted\" inside\nu: 'it''s'\nv: \"a # b\"\nw: 'x: y'\n",
        "\u{e9}t\u{e9}: caf\u{e9} \u{65e5}\u{672c}\nk: [caf\u{e9}, x]\n",
        "yes: no\nnull_ish: null\nt: true\nf: False\nn: ~\n",
        "deep:\n  a:\n    b:\n      - c:\n          - d\n",
        "s:\n  - a\n  - b\nafter: x\n",
        "l: |-\n  one\n\n  two\n\n\nm: |\n    indented more\n  # not a comment here\n",
        "a: 1\nb: 010\nc: 1_0\nd: [0x1F, 0o7, +0x1, .NaN, 1e3, 1.]\nf: -.inf\ne: 99999999999999999999999999999999999999999\n",
    ] {
        assert_same(text);
    }
}

#[test]
fn the_bundled_records_take_the_line_reader() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/incidents");
    let mut read = 0;
    for entry in std::fs::read_dir(folder).expect("incidents folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            assert_same(&std::fs::read_to_string(&path).expect("record"));
            read += 1;
        }
    }
    assert!(read >= 4, "{read} records");
}

#[test]
fn odd_documents_are_read_alike_or_left_to_the_parser() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_input");
    let mut texts: Vec<String> = std::fs::read_dir(fixtures)
        .expect("fixtures")
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .collect();
    texts.extend(
        [
            "a: --\nb: ---x\nc: -.\nd: .5x\ne: x:\n",
            "s:\n  -  a: x\n     b: y\n  -   c\n",
            "s:\n  - a #b: c\n  - http://x/y?q=1#frag\n",
            "a: [ ]\nb: [a b, c&d, e*f]\nc: [a,b]\n",
            "a: ''\nb: \"\"\nc: ' x '\n",
            "a:   \n  # only a comment below\nb: x\n",
            "a:\n  b: |\n   shallow\n  c: x\n",
            "k: v\n\n\n",
            "k: v\n...\n",
            "k: v\n  \n",
            "\u{e9}: [\u{e9}, \u{e9}\u{e9}] # \u{e9}\nx: \u{e9} # \u{e9}\n",
            "a: |-\n  x\n  ",
            "a: x\n#\n",
            "a:\n  -\n  -\n",
            "\u{a0}c: d\n=: x\n~x: y\n.x: y\nk: x :y\nl: x #\nm: 'a # b'\n",
            "\u{1f600}: \u{1f600} x\nk: [\u{1f600}, \u{ff21}]\n\u{ff21}\u{ff22}: |\n  \u{1f600}\n",
            "k: x\u{a0}\nl: \u{a0}x\n",
        ]
        .map(str::to_owned),
    );
    let mut read = 0;
    for text in &texts {
        if let Some(block) = parse(text) {
            assert_eq!(format!("{:?}", Some(block)), full(text), "{text:?}");
            assert!(passes_the_guard(text), "{text:?}");
            read += 1;
        }
    }
    assert!(read >= 10, "only {read} of {} read", texts.len());
}

#[test]
fn anything_else_goes_another_way() {
    for text in [
        "a: &x b\nc: *x\n",
        "a: !!str b\n",
        "<<: {a: b}\n",
        "a: x1\na: x2\n",
        "true: x\n",
        "'a': x\n",
        "a: {b: c}\n",
        "a: [b\n",
        "a: [b,]\n",
        "a: [\"b\"]\n",
        "a: x\n---\nb: y\n",
        "---\na: x\n",
        "a: plain\n  continued\n",
        "a: >\n  folded\n",
        "a: |+\n  kept\n",
        "a: |2\n  x\n",
        "a: |\n\n  x\n",
        "a: \"esc\\\"aped\"\n",
        "a: 'open\n  line'\n",
        "a: b: c\n",
        "a: tab\there\n",
        "a: crlf\r\n",
        "a:\n- indentless\n",
        "- root\n- list\n",
        "root scalar\n",
        "a:\n  - - nested\n",
        "a: - x\n",
        "a:b: c\n",
        "a #b: c\n",
        "key : x\n",
        "a: x\n b: y\n",
        "a:\n    b: x\n  c: y\n",
        "a: \u{85}\n",
        "a: \"x\"y\n",
    ] {
        assert!(parse(text).is_none(), "{text:?}");
    }
    let many = (0..40).fold(String::new(), |mut text, i| {
        let _ = writeln!(text, "k{i}: v");
        text
    });
    assert_same(&many);
    assert!(parse(&format!("{many}k3: again\n")).is_none());
    let nested = (0..60).fold(String::new(), |mut text, depth| {
        let _ = writeln!(text, "{}k:", "  ".repeat(depth));
        text
    });
    assert!(parse(&nested).is_none(), "nesting near the limit");
}

/// A value in the subset this module reads, with the spelling choices
/// a person might make.
#[derive(Clone, Debug)]
enum Value {
    Plain(String),
    Single(String),
    Double(String),
    Literal(Vec<String>, bool),
    Flow(Vec<String>),
    Null,
    Map(Vec<(String, Value)>),
    Seq(Vec<Value>),
}

fn value() -> impl Strategy<Value = Value> {
    let plain = "[A-Za-z][A-Za-z0-9 .,;:#()/'\"!&*%@?-]{0,20}".prop_map(|text| {
        let mut text = text
            .replace(" #", " x")
            .replace(": ", "x ")
            .trim_end()
            .to_owned();
        if text.ends_with(':') {
            text.push('x');
        }
        Value::Plain(text)
    });
    let line = "( {0,3}[A-Za-z#:'\"-][A-Za-z0-9 #:'\"-]{0,12}| {0,4})";
    let leaf = prop_oneof![
        4 => plain,
        1 => "[A-Za-z0-9 #:\"-]{0,10}".prop_map(Value::Single),
        1 => "[A-Za-z0-9 #:'-]{0,10}".prop_map(Value::Double),
        1 => ("[A-Za-z][A-Za-z0-9 #:-]{0,12}", proptest::collection::vec(line, 0..4), any::<bool>())
            .prop_map(|(first, rest, strip)| Value::Literal(std::iter::once(first).chain(rest).collect(), strip)),
        1 => proptest::collection::vec("[a-z][a-z0-9.-]{0,6}", 0..4).prop_map(Value::Flow),
        1 => Just(Value::Null),
    ];
    leaf.prop_recursive(5, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..4).prop_map(Value::Seq),
            proptest::collection::btree_map("[a-z][a-z_]{0,7}", inner, 1..5)
                .prop_map(|entries| Value::Map(entries.into_iter().collect())),
        ]
    })
}

/// How the text around the values is spelled: extra spaces after a
/// colon or dash, trailing comments, comment and blank lines.
#[derive(Clone, Debug)]
struct Spelling(Vec<u8>);

impl Spelling {
    fn pick(&mut self, choices: u8) -> u8 {
        let bits = self.0.pop().unwrap_or(0);
        bits % choices
    }
}

fn write_value(out: &mut String, value: &Value, indent: usize, spelling: &mut Spelling) {
    let pad = " ".repeat(indent);
    match value {
        Value::Map(entries) => {
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 || !out.ends_with("- ") {
                    out.push_str(&pad);
                }
                out.push_str(key);
                out.push(':');
                write_after(out, value, indent, spelling);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 || !out.ends_with("- ") {
                    out.push_str(&pad);
                }
                out.push('-');
                match item {
                    Value::Map(_) => {
                        out.push(' ');
                        write_value(out, item, indent + 2, spelling);
                    }
                    _ => write_after(out, item, indent, spelling),
                }
            }
        }
        _ => unreachable!("scalars are written after their key or dash"),
    }
}

/// A value after `key:` or `-`, then the end of its line.
fn write_after(out: &mut String, value: &Value, indent: usize, spelling: &mut Spelling) {
    let space = " ".repeat(1 + usize::from(spelling.pick(4) == 0));
    let comment = if spelling.pick(5) == 0 {
        "  # note"
    } else {
        ""
    };
    match value {
        Value::Plain(text) => {
            let _ = writeln!(out, "{space}{text}{comment}");
        }
        Value::Single(text) => {
            let _ = writeln!(out, "{space}'{}'{comment}", text.replace('\'', "''"));
        }
        Value::Double(text) => {
            let _ = writeln!(out, "{space}\"{text}\"{comment}");
        }
        Value::Flow(items) => {
            let _ = writeln!(
                out,
                "{space}[{}]{comment}",
                items.join(if spelling.pick(2) == 0 { ", " } else { " ,  " })
            );
        }
        Value::Null => {
            let _ = writeln!(
                out,
                "{}",
                if spelling.pick(3) == 0 {
                    "   # nothing"
                } else {
                    ""
                }
            );
        }
        Value::Literal(lines, strip) => {
            let _ = writeln!(out, "{space}|{}", if *strip { "-" } else { "" });
            let inner = " ".repeat(indent + 2 + usize::from(spelling.pick(3) == 0));
            for line in lines {
                if line.trim().is_empty() && spelling.pick(2) == 0 {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{inner}{line}");
                }
            }
        }
        Value::Map(_) | Value::Seq(_) => {
            out.push_str(if spelling.pick(4) == 0 {
                "  # below\n"
            } else {
                "\n"
            });
            if spelling.pick(4) == 0 {
                let _ = writeln!(
                    out,
                    "{}# a comment line",
                    " ".repeat(usize::from(spelling.pick(3)) * 2)
                );
            }
            write_value(out, value, indent + 2, spelling);
        }
    }
    if spelling.pick(6) == 0 {
        out.push('\n');
    }
}

proptest::proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every document in the subset is read, and read as the parser
    /// reads it.
    #[test]
    fn the_line_reader_agrees_with_the_parser(
        entries in proptest::collection::btree_map("[a-z][a-z_]{0,7}", value(), 1..6),
        bits in proptest::collection::vec(any::<u8>(), 64),
    ) {
        let mut text = String::new();
        let root = Value::Map(entries.into_iter().collect());
        write_value(&mut text, &root, 0, &mut Spelling(bits));
        let block = parse(&text);
        proptest::prop_assert!(block.is_some(), "refused:\n{}", text);
        proptest::prop_assert_eq!(format!("{:?}", block), full(&text), "{}", text);
        proptest::prop_assert!(passes_the_guard(&text), "{}", text);
    }

    /// Whenever it reads a document a YAML emitter wrote, it reads it
    /// as the parser does.
    #[test]
    fn emitted_documents_read_alike(entries in proptest::collection::btree_map("[a-z ]{1,6}", value(), 0..5)) {
        let json: serde_json::Map<String, serde_json::Value> = entries
            .into_iter()
            .map(|(key, value)| (key, to_json(&value)))
            .collect();
        let text = serde_saphyr::to_string(&json).expect("serialise");
        if let Some(block) = parse(&text) {
            proptest::prop_assert_eq!(format!("{:?}", Some(block)), full(&text), "{}", text);
            proptest::prop_assert!(passes_the_guard(&text), "{}", text);
        }
    }
}

fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Plain(text) | Value::Single(text) | Value::Double(text) => text.clone().into(),
        Value::Literal(lines, _) => lines.join("\n").into(),
        Value::Flow(items) => items.clone().into(),
        Value::Null => serde_json::Value::Null,
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect(),
        Value::Seq(items) => items.iter().map(to_json).collect(),
    }
}
