//! What can be wrong with a document's markers, and how each problem is
//! told to the person who edited the file.

/// Why begin and end markers do not pair up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imbalance {
    /// A begin marker whose section is never ended.
    MissingEnd,
    /// An end marker with no open section.
    MissingBegin,
    /// An end marker while a section of another name is open.
    Mismatched { open: String, open_line: usize },
}
/// A problem with a document's markers; the caller leaves the file untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerError {
    Unbalanced {
        line: usize,
        name: String,
        detail: Imbalance,
    },
    Duplicate {
        line: usize,
        name: String,
    },
    Nested {
        line: usize,
        name: String,
        outer: String,
    },
    DuplicateManifest {
        line: usize,
    },
    ManifestInSection {
        line: usize,
        section: String,
    },
    Malformed {
        line: usize,
        text: String,
    },
    /// Merged in, the section (or the manifest) would not read back as written: the text
    /// around it (say an unclosed code block) hides or changes its markers.
    Hidden {
        line: usize,
        name: String,
    },
}
impl MarkerError {
    /// The 1-based line the problem is on.
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            Self::Unbalanced { line, .. }
            | Self::Duplicate { line, .. }
            | Self::Nested { line, .. }
            | Self::DuplicateManifest { line }
            | Self::ManifestInSection { line, .. }
            | Self::Malformed { line, .. }
            | Self::Hidden { line, .. } => *line,
        }
    }

    /// What is wrong, without the line (for messages that give the line
    /// their own way, such as `path:line:`).
    #[must_use]
    pub fn problem(&self) -> String {
        match self {
            Self::Unbalanced { name, detail, .. } => imbalance_message(name, detail),
            Self::Duplicate { name, .. } => {
                format!("second `rolecall:begin {name}`; a section may appear only once")
            }
            Self::Nested { name, outer, .. } => format!(
                "`rolecall:begin {name}` inside the open section `{outer}`; sections cannot nest"
            ),
            Self::DuplicateManifest { .. } => {
                "second `rolecall:sections` manifest; there may be only one".to_owned()
            }
            Self::ManifestInSection { section, .. } => {
                format!("`rolecall:sections` manifest inside section `{section}`")
            }
            Self::Malformed { text, .. } => format!(
                "malformed rolecall marker `{text}` (names are made of a-z, 0-9, `_` and `-`)"
            ),
            Self::Hidden { name, .. } => format!(
                "the generated `{name}` would not stay a section here: the text around it \
                 (an unclosed code block or HTML block?) hides or changes its markers; close it"
            ),
        }
    }
}
impl std::fmt::Display for MarkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line(), self.problem())
    }
}
impl std::error::Error for MarkerError {}
pub(super) fn imbalance_message(name: &str, detail: &Imbalance) -> String {
    match detail {
        Imbalance::MissingEnd => {
            format!("`rolecall:begin {name}` has no matching `rolecall:end {name}`")
        }
        Imbalance::MissingBegin => {
            format!("`rolecall:end {name}` has no matching `rolecall:begin {name}`")
        }
        Imbalance::Mismatched { open, open_line } => {
            format!(
                "`rolecall:end {name}` does not match the open `rolecall:begin {open}` (line {open_line})"
            )
        }
    }
}
pub(super) fn unbalanced(line: usize, name: &str, detail: Imbalance) -> MarkerError {
    MarkerError::Unbalanced {
        line,
        name: name.to_owned(),
        detail,
    }
}
