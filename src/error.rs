//! The errors that stop rolecall from doing its job, and the exit code each
//! maps to (SPEC §4 and §9.5): 1 when the repository's content is at fault,
//! 2 when the environment or the command line is.

use std::path::PathBuf;

use crate::git::GitError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("could not write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("no incidents folder at {}", path.display())]
    NoIncidents { path: PathBuf },

    #[error("{0}")]
    Usage(String),

    #[error(transparent)]
    Git(#[from] GitError),

    /// A webhook post failed (after its tries); the message says why.
    #[error("{0}")]
    Webhook(String),

    /// Git would convert a document in a way rolecall does not reproduce
    /// (an unsupported repository setup).
    #[error("{0}; nothing was written")]
    Unsupported(#[from] crate::line_endings::Unsupported),

    /// Content problems already reported (findings, template errors,
    /// broken markers, foreign files); the message is a summary.
    #[error("{0}")]
    Content(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Content(_) => 1,
            _ => 2,
        }
    }

    /// A help line for errors whose fix is not obvious from the message.
    pub fn help(&self) -> Option<String> {
        match self {
            Error::NoIncidents { .. } => Some(
                "run rolecall from the repository's top folder (or pass -C DIR), set `incidents:` in rolecall.yaml, or start one with `rolecall init`"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
