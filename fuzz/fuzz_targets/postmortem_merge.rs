//! Merges a fresh postmortem render into an existing file. The input is
//! `existing NUL fresh`; without a NUL byte the whole input is both, and
//! merging a well-formed document with itself must give it back unchanged.
//! Merging must never panic, must keep every byte of `existing` that lies
//! outside its generated sections, and must give a file that the same
//! render merges into without change.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::render::markers::{self, Section};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match input.split_once('\0') {
        None => same_document(input),
        Some((existing, fresh)) => edited_document(existing, fresh),
    }
});

/// `merge(x, x)`: a fixed point once `x`'s manifest lists its sections.
fn same_document(text: &str) {
    let Ok(found) = markers::sections(text) else {
        assert!(
            markers::merge(text, text).is_err(),
            "merge accepted what sections refused"
        );
        return;
    };
    let merged = markers::merge(text, text).expect("a well-formed document merges with itself");
    if !text.contains("rolecall:sections") {
        assert_eq!(
            merged, text,
            "merge(x, x) changed a document without a manifest"
        );
    }
    let again = markers::merge(&merged, &merged).expect("the merged document is well-formed");
    assert_eq!(
        again, merged,
        "merge(x, x) is not a fixed point after one round"
    );
    let after: Vec<(&str, &str)> = markers::sections(&merged)
        .expect("the merged document is well-formed")
        .iter()
        .map(|s| (s.name, s.content))
        .collect();
    let before: Vec<(&str, &str)> = found.iter().map(|s| (s.name, s.content)).collect();
    assert_eq!(after, before, "merge(x, x) changed x's sections");
}

/// `merge(existing, fresh)`: what people wrote outside generated sections
/// survives, in order.
fn edited_document(existing: &str, fresh: &str) {
    let Ok(merged) = markers::merge(existing, fresh) else {
        return;
    };
    let again = markers::merge(&merged, fresh).expect("the merged document merges again");
    assert_eq!(
        again, merged,
        "merging the same render a second time changed the file"
    );
    let sections =
        markers::sections(existing).expect("merge succeeded, so existing is well-formed");
    let mut at = 0;
    for piece in outside(existing, &sections) {
        match merged[at..].find(piece) {
            Some(found) => at += found + piece.len(),
            None => panic!("text outside the sections was lost: {piece:?}"),
        }
    }
}

/// The text outside `sections`, in pieces, each without the manifest line
/// (which a merge may rewrite).
fn outside<'t>(text: &'t str, sections: &[Section<'_>]) -> Vec<&'t str> {
    let mut gaps = Vec::new();
    let mut start = 0;
    for section in sections {
        gaps.push(&text[start..section.begin.start]);
        start = section.end.end;
    }
    gaps.push(&text[start..]);
    gaps.into_iter()
        .flat_map(|gap| gap.split_inclusive('\n'))
        .filter(|line| !line.contains("rolecall:sections"))
        .collect()
}
