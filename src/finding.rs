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

impl Code {
    /// What the code means, in one line: SARIF's rule description.
    pub fn summary(self) -> &'static str {
        match self {
            Code::Syntax => "The file is not YAML rolecall can read.",
            Code::Schema => "A value has the wrong type or shape, or a key is missing or unknown.",
            Code::InvalidId => "The incident id breaks the id rule or differs from the file name.",
            Code::DuplicateId => "Two records share an incident id.",
            Code::MissingOwner => "A role the severity requires has no owner.",
            Code::VacantRole => "A required role had no owner for part of the incident.",
            Code::UnknownRole => "A role that is not in the role catalogue.",
            Code::ResponderInExclusiveRole => {
                "A responder entry names a role only one person may hold."
            }
            Code::UnknownPerson => "A person who is not in the roster.",
            Code::HandoverOrder => "Shifts of a role are out of order.",
            Code::HandoverOutOfRange => "A shift starts outside the incident.",
            Code::HandoverToSelf => "A role is handed to the person who already holds it.",
            Code::HandoverWithoutNote => "A handover passes nothing on.",
            Code::SamePerson => "One person holds two roles that must stay separate.",
            Code::StatusMismatch => "The status and the resolution time disagree.",
            Code::TimeOrder => "The incident's times are out of order.",
            Code::TimelineOrder => {
                "Timeline events or updates are out of order or outside the incident."
            }
            Code::UpdateGap => "Communications updates are further apart than the cadence.",
            Code::UpdateOverdue => "An open incident's next update is overdue.",
            Code::PostmortemDueLate => "The postmortem is due later than the severity allows.",
            Code::PostmortemOverdue => "A resolved incident's postmortem is past due.",
            Code::ActionOverdue => "An open action item is past its due date.",
            Code::UnacknowledgedHandover => {
                "A handover of an open incident was not acknowledged in time."
            }
            Code::AckBeforeHandover => "A shift is acknowledged before it starts.",
            Code::PostmortemMarkers => {
                "A postmortem's generated-section markers are broken, so render leaves it alone."
            }
        }
    }

    /// How to resolve a finding of this code: SARIF's rule help. A
    /// finding's own help line says it for the case at hand.
    pub fn help(self) -> &'static str {
        match self {
            Code::Syntax => {
                "Fix the YAML at the reported place: a duplicated key, a tab in indentation, a merge-conflict marker, text that is not UTF-8, an empty file, or a file over rolecall's size, depth or alias limits."
            }
            Code::Schema => {
                "Give the key the type the record format asks for (see `rolecall schema`); timestamps are RFC 3339, dates YYYY-MM-DD, durations like 30m; remove keys the format does not know."
            }
            Code::InvalidId => {
                "Use an id of 1-64 letters, digits, dots, underscores and dashes that starts with a letter or digit, and name the file after it (`INC-2026-014.yaml` holds `id: INC-2026-014`, or no `id` at all)."
            }
            Code::DuplicateId => "Give one of the two records a new id and rename its file.",
            Code::MissingOwner => {
                "Add the role under `roles` with an owner from the roster, or run `rolecall handover ID ROLE --to PERSON`."
            }
            Code::VacantRole => {
                "Start the role's first shift no later than the moment it became required, or record who held it then."
            }
            Code::UnknownRole => {
                "Use a role of the catalogue (`rolecall roles`) or add the role to `rolecall.yaml`; non-exclusive roles go under `responders`."
            }
            Code::ResponderInExclusiveRole => {
                "Move the person under `roles` as a shift of that role, or name a non-exclusive role."
            }
            Code::UnknownPerson => "Use a key of `people.yaml`, or add the person there.",
            Code::HandoverOrder => {
                "Order the shifts by `from`, and give every shift after the first a `from`."
            }
            Code::HandoverOutOfRange => {
                "Start the shift between the incident's `started_at` and its `resolved_at`, and not in the future."
            }
            Code::HandoverToSelf => "Remove the shift, or hand the role to someone else.",
            Code::HandoverWithoutNote => {
                "Write in the shift's `handover` what the incoming owner needs to know."
            }
            Code::SamePerson => {
                "Hand one of the two roles to someone else (see `separate_roles` in `rolecall.yaml`)."
            }
            Code::StatusMismatch => {
                "Set `resolved_at` when the status is `resolved`, or the status to `resolved` when there is a `resolved_at`."
            }
            Code::TimeOrder => {
                "Make `detected_at`, `mitigated_at` and `resolved_at` no earlier than `started_at`, and `mitigated_at` no later than `resolved_at`."
            }
            Code::TimelineOrder => {
                "Order the entries by `at`, within the incident's start and resolution."
            }
            Code::UpdateGap => "Post updates at least as often as the severity's `update_every`.",
            Code::UpdateOverdue => {
                "Post a communications update and record it under `communications.updates`."
            }
            Code::PostmortemDueLate => {
                "Bring `postmortem.due` within the severity's `postmortem_within_days` business days."
            }
            Code::PostmortemOverdue => {
                "Finish the postmortem and set `postmortem.status: done`, or agree a new due date."
            }
            Code::ActionOverdue => "Finish the action and mark it done, or agree a new due date.",
            Code::UnacknowledgedHandover => {
                "The incoming owner confirms with `rolecall ack ID ROLE`, which sets the shift's `acknowledged_at`; `ack_within` in `rolecall.yaml` sets how long that may take."
            }
            Code::AckBeforeHandover => {
                "Set `acknowledged_at` to a moment at or after the shift's `from`."
            }
            Code::PostmortemMarkers => {
                "Give every `<!-- rolecall:begin NAME -->` one matching `<!-- rolecall:end NAME -->`, without nesting or repeating a section; until then `rolecall render` leaves the file as it is."
            }
        }
    }
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
