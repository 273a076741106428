//! Who a person of the export is in rolecall: the roster key whose email
//! or name matches, else a key made from the email's local part or the
//! name (`Alice Smith` → `alice-smith`), which `check` then reports when
//! a roster exists and lacks it.

use crate::model::Roster;

/// Maps the export's people onto roster keys.
pub struct People<'a> {
    pub roster: Option<&'a Roster>,
}

impl People<'_> {
    /// The key for a person the export names by `name` and maybe `email`;
    /// `None` when it gives neither.
    pub fn key(&self, name: Option<&str>, email: Option<&str>) -> Option<String> {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(roster) = self.roster {
            let by_email = email.and_then(|e| {
                roster.people.values().find(|p| {
                    p.email
                        .as_deref()
                        .is_some_and(|pe| pe.eq_ignore_ascii_case(e))
                })
            });
            let by_name = || {
                name.and_then(|n| {
                    roster.people.values().find(|p| {
                        p.key.eq_ignore_ascii_case(n)
                            || p.name
                                .as_deref()
                                .is_some_and(|pn| pn.eq_ignore_ascii_case(n))
                    })
                })
            };
            if let Some(person) = by_email.or_else(by_name) {
                return Some(person.key.clone());
            }
        }
        let local = email.and_then(|e| e.split('@').next());
        local.or(name).map(slug).filter(|k| !k.is_empty())
    }
}

/// Lowercase letters and digits, runs of anything else as one `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(64);
    out
}
