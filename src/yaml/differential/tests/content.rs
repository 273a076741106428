//! What the differential tests generate before it is written: a record's
//! content as a tree of texts, words, numbers, lists and mappings.

use proptest::prelude::*;

/// A document's content, before it is given a style.
#[derive(Clone, Debug)]
pub(super) enum Doc {
    Text(String),
    /// A spelling whose meaning depends on the schema: `010`, `.inf`, `yes`.
    Word(&'static str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    Seq(Vec<Doc>),
    Map(Vec<(String, Doc)>),
}

const WORDS: &[&str] = &[
    "010",
    "1_0",
    "0x1F",
    "0o17",
    "0b11",
    "+0x10",
    ".inf",
    "-.Inf",
    "+.INF",
    ".NaN",
    "-.nan",
    "1e3",
    "1.",
    ".5",
    "+12",
    "-0",
    "99999999999999999999999999999999999999999",
    "yes",
    "no",
    "On",
    "~",
    "null",
    "NULL",
    "True",
    "FALSE",
    "2026-11-20T09:14:00Z",
    "2026-12-04",
    "30m",
    "-",
    "--",
    "-x",
    "a:b",
    "a :b",
    "x#y",
    "http://x/y?q=1#z",
    "C# and F#",
    "50%",
    "@alice",
    "!important",
    "&amp",
    "*star",
    "'quoted'",
    "\"dq\"",
    "...",
    "---",
    "<<",
    "=",
];

pub(super) fn doc() -> impl Strategy<Value = Doc> {
    use proptest::prelude::*;
    let text = "[a-zA-Z0-9 :#'\"\\\\,\\[\\]{}&*!|>%@`.\t\n\u{e9}\u{65e5}-]{0,14}";
    let leaf = prop_oneof![
        4 => text.prop_map(Doc::Text),
        1 => "[A-Za-z][a-z0-9 ./-]{0,10}".prop_map(Doc::Text),
        2 => proptest::sample::select(WORDS).prop_map(Doc::Word),
        1 => any::<i64>().prop_map(Doc::Int),
        1 => (-1e6f64..1e6).prop_map(Doc::Float),
        1 => any::<bool>().prop_map(Doc::Bool),
        1 => Just(Doc::Null),
    ];
    leaf.prop_recursive(5, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Doc::Seq),
            proptest::collection::btree_map("[a-z][a-z0-9_]{0,6}( [a-z]{1,3})?", inner, 0..5)
                .prop_map(|entries| Doc::Map(entries.into_iter().collect())),
        ]
    })
}
