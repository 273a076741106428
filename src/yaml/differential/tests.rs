//! The three readers compared on fixed documents and on generated records
//! written in many styles.

use proptest::prelude::*;

use super::*;

mod content;
mod styles;
use styles::write_document;

#[test]
fn records_in_block_style_take_the_line_reader() {
    let text = "title: x\nn: 010\nlist:\n  - a\n";
    let accepted = compare(text).expect("agree");
    assert!(accepted.block && accepted.events && accepted.library);
}

#[test]
fn anchors_and_tags_take_the_library() {
    for text in ["a: &n 1.5\nb: *n\n", "a: !!int \"12\"\n"] {
        let accepted = compare(text).expect("agree");
        assert_eq!(
            accepted,
            Accepted {
                library: true,
                ..Accepted::default()
            },
            "{text:?}"
        );
    }
}

/// Documents that once made the readers disagree, each with what went wrong.
#[test]
fn found_disagreements_stay_fixed() {
    for text in [
        // An empty folded scalar: its span is empty, and the library path
        // took it for an empty plain scalar (null) instead of text.
        "a: >2-\n\n\"b\": []\n",
        // Block scalars that spell numbers are text, not numbers.
        "a: >-\n  12\nb: |-\n  .inf\nc: [x]\n",
    ] {
        let accepted = compare(text).unwrap_or_else(|d| panic!("{text:?}\n{d:#?}"));
        assert!(accepted.events, "{text:?}");
    }
}

#[test]
fn the_fuzz_seeds_agree() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/yaml_readers");
    let mut seeds = 0;
    for entry in std::fs::read_dir(folder).expect("seeds folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("seed");
        let text = source(&bytes).expect("seeds are UTF-8");
        if let Err(disagreement) = compare(text) {
            panic!("{}: {disagreement:#?}", path.display());
        }
        seeds += 1;
    }
    assert!(seeds >= 10, "{seeds} seeds");
}

/// Default cases, small enough for `cargo test`; `PROPTEST_CASES` asks for
/// more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256)
}

proptest::proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Every generated document is YAML serde-saphyr reads, and each quick
    /// reader either declines it or builds the same tree.
    #[test]
    fn the_readers_agree_on_documents_in_every_style(
        doc in content::doc(),
        bits in proptest::collection::vec(any::<u8>(), 256),
    ) {
        let bytes = write_document(&doc, bits);
        let text = source(&bytes).expect("UTF-8");
        match compare(text) {
            Ok(accepted) => proptest::prop_assert!(
                accepted.library,
                "serde-saphyr refused {:?}: {:?}",
                text,
                read_library(text)
            ),
            Err(disagreement) => proptest::prop_assert!(false, "{:?}\n{:#?}", text, disagreement),
        }
    }
}

/// The property above would pass if the quick readers declined everything:
/// over a fixed sample, each of them reads a good share of the documents.
#[test]
fn the_quick_readers_take_their_share_of_generated_documents() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (content::doc(), proptest::collection::vec(any::<u8>(), 256));
    let (mut block, mut events, mut total) = (0, 0, 0);
    for _ in 0..300 {
        let (doc, bits) = strategy.new_tree(&mut runner).expect("tree").current();
        let bytes = write_document(&doc, bits);
        let text = source(&bytes).expect("UTF-8");
        let accepted = compare(text).unwrap_or_else(|d| panic!("{text:?}\n{d:#?}"));
        block += usize::from(accepted.block);

        events += usize::from(accepted.events);
        total += usize::from(accepted.library);
    }
    assert!(total > 250, "serde-saphyr read only {total} of 300");
    assert!(block > 40, "the line reader took {block} of 300");
    assert!(events > 150, "the event walk took {events} of 300");
}
