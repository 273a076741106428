//! IANA time zones, as the roster and the configuration name them, looked
//! up in the time zone database bundled into the binary (never the
//! machine's), so the same records give the same figures everywhere.

use std::sync::LazyLock;

use jiff::tz::{TimeZone, TimeZoneDatabase};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

use crate::yaml::{Pos, Reader, SNode};

static DATABASE: LazyLock<TimeZoneDatabase> = LazyLock::new(TimeZoneDatabase::bundled);

/// A named IANA time zone, like `Europe/Berlin`.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// The name as written.
    pub name: String,
    pub tz: TimeZone,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    /// Looks a name up; on failure, the message and a did-you-mean help.
    pub fn parse(name: &str) -> Result<Zone, (String, Option<String>)> {
        let name = name.trim();
        // jiff accepts any letter case; IANA names have one spelling.
        let known = DATABASE
            .available()
            .any(|n| n.as_str() == name || name == "UTC");
        match DATABASE.get(name) {
            Ok(tz) if known => Ok(Zone {
                name: name.to_owned(),
                tz,
            }),
            _ => {
                let names: Vec<String> = DATABASE
                    .available()
                    .map(|n| n.as_str().to_owned())
                    .collect();
                let help = crate::suggest::did_you_mean(name, names.iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        "write an IANA time zone name, like `Europe/Berlin` or `UTC`".to_owned()
                    });
                Err((
                    format!("`{name}` is not an IANA time zone name"),
                    Some(help),
                ))
            }
        }
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

impl JsonSchema for Zone {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TimeZone".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An IANA time zone name, like Europe/Berlin or UTC"
        })
    }
}

impl Reader<'_> {
    /// A time zone name, reported as a `schema` finding with a
    /// did-you-mean when the database does not know it.
    pub fn zone(&mut self, pos: Pos, node: &SNode) -> Option<Zone> {
        let text = self.text(pos, node)?;
        match Zone::parse(&text) {
            Ok(zone) => Some(zone),
            Err((message, help)) => {
                self.schema(pos, message, help);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Zone;

    #[test]
    fn iana_names_are_found_in_the_bundled_database() {
        assert_eq!(Zone::parse("Europe/Berlin").unwrap().name, "Europe/Berlin");
        assert_eq!(Zone::parse("UTC").unwrap().tz, jiff::tz::TimeZone::UTC);
    }

    #[test]
    fn a_misspelt_name_gets_a_did_you_mean() {
        let (message, help) = Zone::parse("Europe/Berln").unwrap_err();
        assert!(message.contains("`Europe/Berln` is not an IANA time zone name"));
        assert_eq!(help.as_deref(), Some("did you mean `Europe/Berlin`?"));
        let (_, help) = Zone::parse("europe/berlin").unwrap_err();
        assert_eq!(help.as_deref(), Some("did you mean `Europe/Berlin`?"));
        let (_, help) = Zone::parse("Mars/Olympus").unwrap_err();
        assert!(help.unwrap().contains("IANA time zone name"));
    }
}
