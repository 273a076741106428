//! The three readers side by side, for the differential tests and the fuzz
//! target: whatever the line reader or the event walk accepts, serde-saphyr
//! must read to the same tree (values, positions and byte ranges). Each
//! reader is called with the checks that come before it in `parse`, so a
//! reader that declines a text falls through exactly as it does there.
//!
//! Not part of rolecall's interface; public only so `fuzz/` can call it.

use super::node::{ParseFailure, SNode};
use super::{block, fast, guard, library};

/// The text the readers see, from a file's bytes: within the size limit,
/// UTF-8, without a byte-order mark.
pub fn source(bytes: &[u8]) -> Result<&str, ParseFailure> {
    super::parse::source(bytes)
}

/// The line reader's tree, when `parse` would take it.
pub fn read_block(text: &str) -> Option<SNode> {
    guard::conflict_markers(text).ok()?;
    block::parse(text)
}

/// The event walk's tree, when `parse` would take it.
pub fn read_events(text: &str) -> Option<SNode> {
    guard::check(text).ok()?;
    if guard::only_comments(text) {
        return None;
    }
    fast::parse(text)
}

/// serde-saphyr's reading, after the guard: the reference. `Ok(None)` for
/// a text without content.
pub fn read_library(text: &str) -> Result<Option<SNode>, ParseFailure> {
    let shape = guard::check(text)?;
    if guard::only_comments(text) {
        return Ok(None);
    }
    library::parse(text, shape.max_nesting()).map(Some)
}

/// Which readers accepted a text on which they all agree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accepted {
    pub block: bool,
    pub events: bool,
    /// serde-saphyr read a tree (it did not refuse the text, and the text
    /// was not empty).
    pub library: bool,
}

/// A quick reader that accepted a text and built another tree than
/// serde-saphyr's (or accepted what serde-saphyr refuses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// `block` or `events`.
    pub reader: &'static str,
    pub quick: String,
    pub library: String,
}

/// Reads `text` with all three readers and compares the trees.
pub fn compare(text: &str) -> Result<Accepted, Disagreement> {
    let reference = read_library(text);
    let expected = match &reference {
        Ok(Some(root)) => format!("{root:?}"),
        Ok(None) => "no document".to_owned(),
        Err(failure) => format!("refused: {failure:?}"),
    };
    let mut accepted = Accepted {
        library: matches!(reference, Ok(Some(_))),
        ..Accepted::default()
    };
    for (reader, tree) in [("block", read_block(text)), ("events", read_events(text))] {
        let Some(tree) = tree else { continue };
        let quick = format!("{tree:?}");
        if quick != expected {
            return Err(Disagreement {
                reader,
                quick,
                library: expected,
            });
        }
        match reader {
            "block" => accepted.block = true,
            _ => accepted.events = true,
        }
    }
    Ok(accepted)
}

#[cfg(test)]
mod tests;
