//! Importing history from incident tools: reading an export (`pagerduty`,
//! `incidentio`: serde shapes of their public APIs, unknown fields
//! ignored), mapping each incident to a [`Draft`] of a record, and writing
//! the draft as YAML text (`text`). Pure: the command reads the file,
//! re-reads and checks every text, and writes the records.
//!
//! Imports `model`, `yaml` (the scalar writers) and `suggest` only.

mod incidentio;
mod pagerduty;
mod people;
#[cfg(test)]
mod tests;
mod text;

use crate::model::{Config, Instant};

pub use people::People;
pub use text::to_yaml;

/// Which tool the export comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    PagerDuty,
    IncidentIo,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::PagerDuty => "PagerDuty",
            Tool::IncidentIo => "incident.io",
        }
    }

    /// The urgency (PagerDuty) or severity name (incident.io) → severity
    /// map used when `--severity-map` is not given.
    pub fn default_severity_map(self) -> &'static str {
        match self {
            Tool::PagerDuty => "high=SEV2,low=SEV4",
            Tool::IncidentIo => "critical=SEV1,major=SEV2,minor=SEV3",
        }
    }
}

/// A record to write, as the export describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub id: String,
    /// Where it came from, for the comment at the top of the file.
    pub origin: String,
    pub title: String,
    pub severity: String,
    pub resolved: bool,
    pub started_at: Instant,
    pub detected_at: Option<Instant>,
    pub resolved_at: Option<Instant>,
    pub summary: Option<String>,
    pub services: Vec<String>,
    /// Exclusive roles and their shifts, in catalogue order.
    pub roles: Vec<(String, Vec<DraftShift>)>,
    /// Non-exclusive roles: person and role.
    pub responders: Vec<(String, String)>,
    pub timeline: Vec<(Instant, String)>,
    /// Title and address.
    pub links: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DraftShift {
    pub owner: String,
    /// `None` for a first shift that starts with the incident.
    pub from: Option<Instant>,
    pub handover: Option<String>,
    pub acknowledged_at: Option<Instant>,
}

/// What an import makes of an export.
#[derive(Debug, Default)]
pub struct Imported {
    pub drafts: Vec<Draft>,
    /// Things left out, one line each (a declined incident, a role the
    /// catalogue lacks).
    pub notes: Vec<String>,
}

/// What the mapping needs besides the export.
pub struct Mapping<'a> {
    pub config: &'a Config,
    pub people: People<'a>,
    /// Source word (lowercase) → severity key.
    pub severities: Vec<(String, String)>,
}

/// An export that cannot be imported: the message names the JSON path.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

/// Reads `bytes` (the export of `tool`) into drafts.
pub fn import(tool: Tool, bytes: &[u8], mapping: &Mapping<'_>) -> Result<Imported, ImportError> {
    match tool {
        Tool::PagerDuty => pagerduty::import(bytes, mapping),
        Tool::IncidentIo => incidentio::import(bytes, mapping),
    }
}

/// Parses `--severity-map high=SEV2,low=SEV4` against the configured
/// severities.
pub fn severity_map(text: &str, config: &Config) -> Result<Vec<(String, String)>, ImportError> {
    let mut map = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((from, to)) = pair.split_once('=') else {
            return Err(ImportError(format!(
                "--severity-map: expected FROM=SEVERITY pairs like `high=SEV2`, found `{pair}`"
            )));
        };
        let (from, to) = (from.trim(), to.trim());
        if config.severity(to).is_none() {
            let help =
                crate::suggest::did_you_mean(to, config.severities.keys().map(String::as_str))
                    .unwrap_or_else(|| {
                        let known: Vec<&str> =
                            config.severities.keys().map(String::as_str).collect();
                        format!("the severities are {}", known.join(", "))
                    });
            return Err(ImportError(format!(
                "--severity-map: `{to}` is not a configured severity; {help}"
            )));
        }
        map.push((from.to_lowercase(), to.to_owned()));
    }
    Ok(map)
}

impl Mapping<'_> {
    /// The severity for a source word (urgency or severity name): the map,
    /// else the word itself when it is a configured severity.
    fn severity(&self, word: &str, path: &str) -> Result<String, ImportError> {
        if let Some((_, to)) = self
            .severities
            .iter()
            .find(|(from, _)| *from == word.to_lowercase())
        {
            return Ok(to.clone());
        }
        if self.config.severity(word).is_some() {
            return Ok(word.to_owned());
        }
        Err(ImportError(format!(
            "{path}: `{word}` has no severity; map it with --severity-map, like `--severity-map {}=SEV3`",
            word.to_lowercase()
        )))
    }
}

/// Parses a timestamp of the export at `path`.
fn instant(text: &str, path: &str) -> Result<Instant, ImportError> {
    Instant::parse(text).map_err(|(message, _)| ImportError(format!("{path}: {message}")))
}

/// Deserializes `bytes`, naming the JSON path of a missing or mistyped
/// field.
fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ImportError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let at = if inner.line() > 0 {
            format!(" (line {}, column {})", inner.line(), inner.column())
        } else {
            String::new()
        };
        let message = inner.to_string();
        // serde_json ends its message with the position; it is said once.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        if path == "." {
            ImportError(format!("{message}{at}"))
        } else {
            ImportError(format!("{path}: {message}{at}"))
        }
    })
}
