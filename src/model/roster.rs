//! `people.yaml`: the people who can hold roles, keyed as records name them.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Serialize;

use super::config::KEY_RULE;
use super::is_valid_key;
use super::timezone::Zone;
use crate::yaml::{Pos, Reader, SNode};

/// One person of the roster.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Person {
    /// The key records use (`alice`).
    #[schemars(skip)]
    pub key: String,
    /// Full name, shown in documents.
    pub name: Option<String>,
    /// Chat handle, like `@alice`.
    pub contact: Option<String>,
    pub email: Option<String>,
    pub team: Option<String>,
    /// IANA time zone for off-hours counting; default: the configuration's.
    pub timezone: Option<Zone>,
}

impl Person {
    /// How documents show this person: the name, or the key.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// The roster, in file order.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
#[serde(transparent)]
#[schemars(title = "rolecall people")]
pub struct Roster {
    pub people: IndexMap<String, Person>,
}

const PERSON_KEYS: &[&str] = &["name", "contact", "email", "team", "timezone"];

impl Roster {
    /// Reads `people.yaml`; `None` when it has errors.
    pub fn read(r: &mut Reader<'_>, root: &SNode) -> Option<Roster> {
        let mut roster = Roster::default();
        for (key, node) in r.entries(Pos::START, root, "the roster")? {
            if !is_valid_key(&key.value) {
                r.schema(
                    key.pos,
                    format!("person key `{}` is not a valid key", key.value),
                    Some(KEY_RULE.to_owned()),
                );
                continue;
            }
            let Some(fields) = r.fields(key.pos, node, "a person", PERSON_KEYS) else {
                continue;
            };
            let name = r.optional(&fields, "name", Reader::name);
            let contact = r.optional(&fields, "contact", Reader::text);
            let email = r.optional(&fields, "email", Reader::text);
            let team = r.optional(&fields, "team", Reader::text);
            let timezone = r.optional(&fields, "timezone", Reader::zone);
            let (Some(name), Some(contact), Some(email), Some(team), Some(timezone)) =
                (name, contact, email, team, timezone)
            else {
                continue;
            };
            let person = Person {
                key: key.value.clone(),
                name: name.map(|v| v.value),
                contact: contact.map(|v| v.value),
                email: email.map(|v| v.value),
                team: team.map(|v| v.value),
                timezone: timezone.map(|v| v.value),
            };
            roster.people.insert(key.value, person);
        }
        (!r.failed()).then_some(roster)
    }

    pub fn get(&self, key: &str) -> Option<&Person> {
        self.people.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.people.keys().map(String::as_str)
    }
}
