//! The three readers compared on fixed documents and on generated records
//! written in many styles.

use super::*;

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
