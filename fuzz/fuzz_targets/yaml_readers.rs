//! Reads arbitrary bytes with rolecall's three YAML readers (the line
//! reader, the event walk and serde-saphyr) and fails when a quick reader
//! accepts the text but builds another tree than serde-saphyr's: other
//! values, positions or byte ranges, or a tree where serde-saphyr refuses.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::yaml::differential;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = differential::source(data) else {
        return;
    };
    if let Err(disagreement) = differential::compare(text) {
        panic!(
            "the {} reader disagrees with serde-saphyr on {text:?}\n--- {0}\n{}\n--- serde-saphyr\n{}",
            disagreement.reader, disagreement.quick, disagreement.library
        );
    }
});
