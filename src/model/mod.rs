//! The data rolecall works on: incident records, the roster, the
//! configuration with its role catalogue, and time values.
//!
//! Read from `yaml` trees, reporting through `finding`; never imports
//! `load`, `check`, `report`, `render`, `git`, `commit` or `commands`.

pub mod config;
pub mod record;
pub mod roster;
pub mod time;
pub mod timezone;

pub use config::{Config, RequiredFrom, RoleDef, SeverityDef};
pub use record::{Action, Incident, RoleAssignment, Shift, Status};
pub use roster::{Person, Roster};
pub use time::{Day, Instant, Span};
pub use timezone::Zone;

/// The rule for ids and for keys that may become path segments (SPEC §2):
/// 1–64 characters of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
pub fn is_valid_key(text: &str) -> bool {
    let mut chars = text.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    first_ok
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::is_valid_key;

    #[test]
    fn keys_cannot_become_paths() {
        for good in ["INC-2026-001", "a", "x.y_z-1"] {
            assert!(is_valid_key(good), "{good}");
        }
        for bad in [
            "",
            "../x",
            "a/b",
            ".hidden",
            "-x",
            "a b",
            &"a".repeat(65),
            "é",
        ] {
            assert!(!is_valid_key(bad), "{bad}");
        }
    }
}
