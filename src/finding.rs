//! A finding: one problem `check` reports, with its stable code, severity and
//! the place in a file it is about. A leaf: loading, the model and the
//! rules all produce findings, so this module imports nothing of the crate.

use std::fmt;

use serde::Serialize;

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// The start of a file, where findings about a missing key sit.
    pub const START: Pos = Pos { line: 1, column: 1 };
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Whether a finding fails the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident => $name:literal, $severity:ident;)*) => {
        /// The stable finding codes of SPEC §4.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in the order of SPEC §4's table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as users and scripts see it.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity this code always has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }
        }
    };
}

codes! {
    Syntax => "syntax", Error;
    Schema => "schema", Error;
    InvalidId => "invalid-id", Error;
    DuplicateId => "duplicate-id", Error;
    MissingOwner => "missing-owner", Error;
    VacantRole => "vacant-role", Error;
    UnknownRole => "unknown-role", Error;
    ResponderInExclusiveRole => "responder-in-exclusive-role", Error;
    UnknownPerson => "unknown-person", Error;
    HandoverOrder => "handover-order", Error;
    HandoverOutOfRange => "handover-out-of-range", Error;
    HandoverToSelf => "handover-to-self", Error;
    HandoverWithoutNote => "handover-without-note", Warning;
    UnacknowledgedHandover => "unacknowledged-handover", Warning;
    AckBeforeHandover => "ack-before-handover", Error;
    SamePerson => "same-person", Warning;
    StatusMismatch => "status-mismatch", Error;
    TimeOrder => "time-order", Error;
    TimelineOrder => "timeline-order", Warning;
    UpdateGap => "update-gap", Warning;
    UpdateOverdue => "update-overdue", Warning;
    PostmortemDueLate => "postmortem-due-late", Warning;
    PostmortemOverdue => "postmortem-overdue", Warning;
    ActionOverdue => "action-overdue", Warning;
    PostmortemMarkers => "postmortem-markers", Error;
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Repository-relative, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// Another file this finding depends on (the first record of a
    /// `duplicate-id`), so `--changed-since` can keep it.
    #[serde(skip)]
    pub related: Option<String>,
}

impl Finding {
    pub fn new(code: Code, file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.severity(),
            file: file.to_owned(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            message: message.into(),
            help: None,
            related: None,
        }
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Order of SPEC §4: file, line, column, code.
    pub fn sort_key(&self) -> (&str, usize, usize, &'static str) {
        (&self.file, self.line, self.column, self.code.as_str())
    }
}
