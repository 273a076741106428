//! Postmortem marker merging (SPEC §6.4): finding the generated sections of a Markdown document
//! (`<!-- rolecall:begin NAME -->` … `<!-- rolecall:end NAME -->`, each marker alone on its line,
//! markers in code ignored), the `<!-- rolecall:sections a,b -->` manifest of sections rolecall
//! generated, and merging a fresh render into a file people have edited: only what lies between
//! begin/end pairs is replaced; every other byte of the existing file is kept.
//!
//! Scanning lives in `scan`, merging in `merge`, and the problems either
//! can find in `error`.

use std::ops::Range;

mod error;
mod merge;
mod scan;

pub use error::{Imbalance, MarkerError};
pub use merge::merge;
use scan::parse;
pub use scan::{begin_marker, end_marker, manifest_line};

/// A generated section of a document. Line ranges include their line terminator (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    pub name: &'a str,
    /// 1-based line of the begin marker.
    pub line: usize,
    /// The begin marker line.
    pub begin: Range<usize>,
    /// Everything between the begin marker line and the end marker line.
    pub content_range: Range<usize>,
    /// The text of `content_range`.
    pub content: &'a str,
    /// The end marker line.
    pub end: Range<usize>,
}
/// Parses a document into its generated sections, in document order; an error describes the
/// first problem, with its line.
///
/// # Errors
/// Unbalanced, duplicated, nested or malformed markers; a duplicated or misplaced manifest.
pub fn sections(text: &str) -> Result<Vec<Section<'_>>, MarkerError> {
    parse(text).map(|doc| doc.sections)
}

#[cfg(test)]
mod tests;
