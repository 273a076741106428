//! The iCalendar feed (SPEC §10.3): which events the records give — role
//! shifts of resolved incidents, postmortem meetings, postmortem and open
//! actions' due dates — and writing them as RFC 5545 text, with CRLF line
//! ends and lines folded at 75 octets. Written by hand: the format needs
//! little, and every byte stays under this module's control, so two runs
//! over the same records give the same bytes.
//!
//! Works from `model` only: `commands::calendar` prints the feed and
//! `render` writes it as `<output>/calendar.ics`.

use std::collections::HashSet;

use jiff::civil::Date;

use crate::model::record::{ActionStatus, IncidentKind};
use crate::model::{Config, Incident, Instant, Roster};

/// The feed's first two lines: how `render` knows the file is its own.
pub const CALENDAR_PREFIX: &str = "BEGIN:VCALENDAR\r\nPRODID:-//rolecall//";

/// How long a postmortem meeting lasts in the feed.
const MEETING_MINUTES: i64 = 30;

/// When an event happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// From one instant to another.
    Timed(Instant, Instant),
    /// All day.
    Day(Date),
}

/// One VEVENT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub when: When,
    pub summary: String,
    pub description: String,
    /// DTSTAMP: a moment taken from the record (never the clock), so the
    /// feed is the same on every run.
    pub stamp: Instant,
}

/// Whose events: everyone's, or one person's (`--person`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Audience<'a> {
    pub person: Option<&'a str>,
}

/// The events of `incidents`, in their order: per incident its shifts (role
/// by role), the postmortem meeting, the postmortem due date, then the due
/// dates of open actions. With a person: the shifts they held, the meetings
/// of incidents in which they held a role or responded, the due dates of
/// postmortems they own, and their open actions.
pub fn events(
    incidents: &[&Incident],
    config: &Config,
    roster: Option<&Roster>,
    audience: Audience<'_>,
) -> Vec<Event> {
    let mut out = Vec::new();
    let mut uids = HashSet::new();
    let name_of = |key: &str| {
        roster
            .and_then(|r| r.get(key))
            .map_or(key, |p| p.display_name())
            .to_owned()
    };
    let concerns = |key: &str| audience.person.is_none_or(|p| p == key);
    for incident in incidents {
        let id = &incident.id;
        let drill = if incident.kind == IncidentKind::Drill {
            " (drill)"
        } else {
            ""
        };
        let title = incident.title.value.as_str();
        let stamp = incident
            .resolved_at
            .as_ref()
            .map_or(incident.started_at.value, |at| {
                at.value.max(incident.started_at.value)
            });
        let mut push = |uid: String, when: When, summary: String| {
            out.push(Event {
                uid: unique(&mut uids, uid),
                when,
                summary: format!("{id}{drill}: {summary}"),
                description: title.to_owned(),
                stamp,
            });
        };
        let resolved = incident
            .resolved_at
            .as_ref()
            .filter(|_| incident.is_resolved())
            .map(|at| at.value);
        if let Some(resolved) = resolved {
            for role in &incident.roles {
                let key = role.key.value.as_str();
                let role_name = config.role(key).map_or(key, |r| r.name.as_str());
                for (n, shift) in role.shifts.iter().enumerate() {
                    let start = shift.start(incident);
                    let end = role
                        .shifts
                        .get(n + 1)
                        .map_or(resolved, |next| next.start(incident));
                    let owner = shift.owner.value.as_str();
                    if end > start && concerns(owner) {
                        push(
                            format!("{id}-shift-{key}-{}@rolecall", n + 1),
                            When::Timed(start, end),
                            format!("{role_name}: {}", name_of(owner)),
                        );
                    }
                }
            }
        }
        let postmortem = incident.postmortem.as_ref();
        if let Some(meeting) = postmortem.and_then(|p| p.meeting_at.as_ref())
            && audience.person.is_none_or(|p| takes_part(incident, p))
        {
            let start = meeting.value;
            let end = Instant(start.0 + jiff::SignedDuration::from_mins(MEETING_MINUTES));
            push(
                format!("{id}-postmortem-meeting@rolecall"),
                When::Timed(start, end),
                "postmortem meeting".to_owned(),
            );
        }
        let owner = incident
            .role("postmortem_owner")
            .and_then(|r| r.shifts.last())
            .map(|s| s.owner.value.as_str());
        if let Some(due) = incident.postmortem_due(config)
            && audience.person.is_none_or(|p| owner == Some(p))
        {
            push(
                format!("{id}-postmortem-due@rolecall"),
                When::Day(due.0),
                "postmortem due".to_owned(),
            );
        }
        for (n, action) in incident.actions.iter().enumerate() {
            let owner = action.owner.as_ref().map(|o| o.value.as_str());
            if let Some(due) = action.due.as_ref()
                && action.status == ActionStatus::Open
                && audience.person.is_none_or(|p| owner == Some(p))
            {
                push(
                    format!("{id}-action-{}@rolecall", n + 1),
                    When::Day(due.value.0),
                    format!("action due: {}", action.title),
                );
            }
        }
    }
    out
}

/// Whether `person` held a role in the incident or responded to it.
fn takes_part(incident: &Incident, person: &str) -> bool {
    incident
        .roles
        .iter()
        .flat_map(|r| &r.shifts)
        .any(|s| s.owner.value == person)
        || incident.responders.iter().any(|r| r.person.value == person)
}

/// `uid`, or (when two records share an id) the same with a number added.
fn unique(seen: &mut HashSet<String>, uid: String) -> String {
    if seen.insert(uid.clone()) {
        return uid;
    }
    let (local, domain) = uid.split_once('@').unwrap_or((&uid, "rolecall"));
    let mut n = 2;
    loop {
        let candidate = format!("{local}-{n}@{domain}");
        if seen.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// The feed as RFC 5545 text.
pub fn write(events: &[Event]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "PRODID:-//rolecall//incident calendar//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:rolecall",
    ] {
        content_line(&mut out, line);
    }
    for event in events {
        content_line(&mut out, "BEGIN:VEVENT");
        content_line(&mut out, &format!("UID:{}", escape(&event.uid)));
        content_line(&mut out, &format!("DTSTAMP:{}", stamp(event.stamp)));
        match event.when {
            When::Timed(start, end) => {
                content_line(&mut out, &format!("DTSTART:{}", stamp(start)));
                content_line(&mut out, &format!("DTEND:{}", stamp(end)));
            }
            When::Day(day) => {
                content_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", date(day)));
                let next = day.tomorrow().unwrap_or(day);
                content_line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(next)));
                content_line(&mut out, "TRANSP:TRANSPARENT");
            }
        }
        content_line(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
        content_line(
            &mut out,
            &format!("DESCRIPTION:{}", escape(&event.description)),
        );
        content_line(&mut out, "END:VEVENT");
    }
    content_line(&mut out, "END:VCALENDAR");
    out
}

/// `20261120T091400Z`.
fn stamp(at: Instant) -> String {
    at.0.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// `20261120`.
fn date(day: Date) -> String {
    day.strftime("%Y%m%d").to_string()
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line
/// breaks escaped; other control characters dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded (RFC 5545 §3.1): no line longer than
/// 75 octets before its CRLF, continuation lines starting with a space,
/// never splitting a UTF-8 character.
fn content_line(out: &mut String, line: &str) {
    let mut limit = 75;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > limit {
            out.push_str("\r\n ");
            // The leading space counts toward the next line's 75.
            limit = 74;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        content_line(&mut out, line);
        out
    }

    #[test]
    fn short_lines_are_left_alone() {
        assert_eq!(folded("BEGIN:VEVENT"), "BEGIN:VEVENT\r\n");
        let exact = "X".repeat(75);
        assert_eq!(folded(&exact), format!("{exact}\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets() {
        let line = format!("SUMMARY:{}", "a".repeat(200));
        let text = folded(&line);
        for physical in text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        // Unfolding (dropping CRLF + space) gives the line back.
        assert_eq!(text.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let line = format!("SUMMARY:{}", "é".repeat(80));
        let text = folded(&line);
        for physical in text.split("\r\n") {
            assert!(physical.len() <= 75);
        }
        assert_eq!(text.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a, b; c\\d\r\ne\u{7}"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn a_shared_uid_gets_a_number() {
        let mut seen = HashSet::new();
        assert_eq!(unique(&mut seen, "x@rolecall".into()), "x@rolecall");
        assert_eq!(unique(&mut seen, "x@rolecall".into()), "x-2@rolecall");
        assert_eq!(unique(&mut seen, "x@rolecall".into()), "x-3@rolecall");
    }
}
