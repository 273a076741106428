//! Who holds which role: `missing-owner`, `vacant-role`, `unknown-role`,
//! `responder-in-exclusive-role`, `unknown-person` and `same-person`.

use super::{Rules, Subject};
use crate::finding::Code;
use crate::model::{Instant, RequiredFrom};
use crate::suggest;
use crate::yaml::{At, Pos};

pub fn check(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    catalogue(rules, subject);
    required(rules, subject);
    people(rules, subject);
    separation(rules, subject);
}

/// Role keys and responder roles must be in the catalogue, in the right list.
fn catalogue(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let config = rules.config;
    let known = || config.roles.keys().map(String::as_str);
    for role in &subject.incident.roles {
        let key = &role.key;
        match config.role(key) {
            None => {
                let help = suggest::did_you_mean(key, known()).unwrap_or_else(|| {
                    format!("known roles: {}", known().collect::<Vec<_>>().join(", "))
                });
                subject
                    .push(
                        Code::UnknownRole,
                        key.pos,
                        format!("unknown role `{}`", key.value),
                    )
                    .help = Some(help);
            }
            Some(def) if !def.exclusive => {
                subject
                    .push(
                        Code::UnknownRole,
                        key.pos,
                        format!("`{}` is not an exclusive role", key.value),
                    )
                    .help = Some(format!(
                    "list the people in `{}` under `responders`, with `role: {}`",
                    key.value, key.value
                ));
            }
            Some(_) => {}
        }
    }
    for responder in &subject.incident.responders {
        let role = &responder.role;
        match config.role(role) {
            None => {
                let help = suggest::did_you_mean(role, known()).unwrap_or_else(|| {
                    format!("known roles: {}", known().collect::<Vec<_>>().join(", "))
                });
                subject
                    .push(
                        Code::UnknownRole,
                        role.pos,
                        format!("unknown role `{}`", role.value),
                    )
                    .help = Some(help);
            }
            Some(def) if def.exclusive => {
                subject
                    .push(
                        Code::ResponderInExclusiveRole,
                        role.pos,
                        format!("`{}` is an exclusive role", role.value),
                    )
                    .help = Some(format!(
                    "give `{}` one owner under `roles`, not in `responders`",
                    role.value
                ));
            }
            Some(_) => {}
        }
    }
}

/// Required roles have an owner from the moment they are required.
fn required(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let incident = subject.incident;
    let Some(severity) = rules.config.severity(&incident.severity) else {
        return;
    };
    for key in &severity.required_roles {
        let Some(def) = rules.config.role(key) else {
            continue;
        };
        // Never before the start: a `resolved_at` before `started_at` is
        // `time-order`'s to report, not a vacancy.
        let Some(required_at) = incident.required_since(def.required_from) else {
            continue;
        };
        let assignment = incident.role(key);
        let Some(first) = assignment.and_then(|a| a.shifts.first()) else {
            let pos = incident.pos_of("roles");
            let finding = subject.push(
                Code::MissingOwner,
                pos,
                format!("role {} has no owner", key.value),
            );
            finding.help = Some(format!(
                "{} requires a {}; add `{}: <person>` under `roles`",
                incident.severity.value, def.name, key.value
            ));
            continue;
        };
        let starts = first.start(incident);
        // A first owner within `assign_within` of the requirement is in time.
        if starts.0.duration_since(required_at.0) > severity.assign_within.0 {
            let when = match def.required_from {
                RequiredFrom::Declared => "the incident started",
                RequiredFrom::Resolved => "the incident was resolved",
            };
            subject
                .push(
                    Code::VacantRole,
                    first.pos,
                    format!(
                        "role {} has no owner from {required_at} until {starts}",
                        key.value
                    ),
                )
                .help = Some(format!(
                "{} is required from when {when}; start the first shift at {required_at}",
                def.name
            ));
        }
    }
}

/// Every person reference names someone in the roster (when there is one).
fn people(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let Some(roster) = rules.roster else { return };
    let incident = subject.incident;
    let mut refs: Vec<&At<String>> = Vec::new();
    for role in &incident.roles {
        refs.extend(role.shifts.iter().map(|s| &s.owner));
    }
    refs.extend(incident.responders.iter().map(|r| &r.person));
    refs.extend(incident.actions.iter().filter_map(|a| a.owner.as_ref()));
    for person in refs {
        if roster.get(person).is_none() {
            let help = suggest::did_you_mean(person, roster.keys())
                .unwrap_or_else(|| "add them to the roster, or use a roster key".to_owned());
            subject
                .push(
                    Code::UnknownPerson,
                    person.pos,
                    format!("`{}` is not in the roster", person.value),
                )
                .help = Some(help);
        }
    }
}

/// One shift of a role: who, from when to when, and where it was written.
struct Held<'a> {
    owner: &'a str,
    start: Instant,
    end: Instant,
    pos: Pos,
}

fn holdings<'a>(subject: &Subject<'a>, key: &str, end: Instant) -> Vec<Held<'a>> {
    let incident = subject.incident;
    let Some(role) = incident.role(key) else {
        return Vec::new();
    };
    let starts: Vec<Instant> = role.shifts.iter().map(|s| s.start(incident)).collect();
    role.shifts
        .iter()
        .enumerate()
        .map(|(i, shift)| Held {
            owner: &shift.owner.value,
            start: starts[i],
            end: starts.get(i + 1).copied().unwrap_or(end).max(starts[i]),
            pos: shift.pos,
        })
        .collect()
}

/// One person holding two roles that should be kept apart, at one time.
fn separation(rules: &Rules<'_>, subject: &mut Subject<'_>) {
    let end = subject.end(rules.now);
    for pair in &rules.config.separate_roles {
        let [a, b] = pair.as_slice() else { continue };
        let first = holdings(subject, a, end);
        let second = holdings(subject, b, end);
        for x in &first {
            for y in &second {
                let overlap =
                    x.start < y.end && y.start < x.end || (x.start == y.start && x.end == y.end);
                if x.owner == y.owner && overlap {
                    // The shift that starts later; on a tie, the one written later.
                    let (later, later_role, other_role) = if (y.start, y.pos) >= (x.start, x.pos) {
                        (y, &b.value, &a.value)
                    } else {
                        (x, &a.value, &b.value)
                    };
                    subject
                        .push(
                            Code::SamePerson,
                            later.pos,
                            format!(
                                "{} holds {later_role} while also holding {other_role}",
                                later.owner
                            ),
                        )
                        .help = Some(format!(
                        "{} and {} should be different people",
                        a.value, b.value
                    ));
                }
            }
        }
    }
}
