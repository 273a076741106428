//! Who carries the load: per person and exclusive role, the length of
//! their shifts, the part of it outside business hours in their time
//! zone, and the handovers they gave and received.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::model::{Config, Incident, Instant, Roster};

/// Business hours, in the person's time zone: Monday to Friday, from
/// 08:00 until 19:00.
const OPENS: i8 = 8;
const CLOSES: i8 = 19;

/// One person's load over the incidents counted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonLoad {
    pub person: String,
    /// The roster's name, when there is one.
    pub name: Option<String>,
    /// The zone off-hours were counted in.
    pub timezone: String,
    /// Incidents in which the person held an exclusive role.
    pub incidents: usize,
    pub minutes: f64,
    pub off_hours_minutes: f64,
    /// By role key, in key order.
    pub roles: BTreeMap<String, RoleLoad>,
    pub handovers_given: usize,
    pub handovers_received: usize,
}

/// One person's load in one role.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RoleLoad {
    pub incidents: usize,
    pub minutes: f64,
    pub off_hours_minutes: f64,
    pub handovers_given: usize,
    pub handovers_received: usize,
}

/// Seconds and incident indices gathered before they become minutes.
#[derive(Default)]
struct Tally {
    seconds: i64,
    off_hours_seconds: i64,
    incidents: BTreeSet<usize>,
    given: usize,
    received: usize,
}

/// The load of everyone who held an exclusive role in `incidents`, in
/// person-key order. A shift ends at the next shift's start, else at
/// `resolved_at`, else at `now`; an open incident's last shift is left
/// out when there is no `now`.
pub fn people(
    incidents: &[&Incident],
    config: &Config,
    roster: Option<&Roster>,
    now: Option<Instant>,
) -> Vec<PersonLoad> {
    let mut tallies: BTreeMap<&str, BTreeMap<&str, Tally>> = BTreeMap::new();
    let zone_of = |person: &str| {
        roster
            .and_then(|r| r.get(person))
            .and_then(|p| p.timezone.as_ref())
            .unwrap_or(&config.timezone)
    };
    for (index, incident) in incidents.iter().enumerate() {
        let resolved = incident
            .resolved_at
            .as_ref()
            .filter(|_| incident.is_resolved())
            .map(|at| at.value);
        for assignment in &incident.roles {
            let role = assignment.key.value.as_str();
            let shifts = &assignment.shifts;
            for (i, shift) in shifts.iter().enumerate() {
                let person = shift.owner.value.as_str();
                let start = shift.start(incident);
                let end = shifts
                    .get(i + 1)
                    .map(|next| next.start(incident))
                    .or(resolved)
                    .or(now);
                let tally = tallies.entry(person).or_default().entry(role).or_default();
                tally.incidents.insert(index);
                if i > 0 {
                    tally.received += 1;
                    let giver = shifts[i - 1].owner.value.as_str();
                    tallies
                        .entry(giver)
                        .or_default()
                        .entry(role)
                        .or_default()
                        .given += 1;
                }
                let Some(end) = end.filter(|&end| end > start) else {
                    continue;
                };
                let tally = tallies.entry(person).or_default().entry(role).or_default();
                tally.seconds += end.0.duration_since(start.0).as_secs();
                tally.off_hours_seconds += off_hours(start.0, end.0, &zone_of(person).tz).as_secs();
            }
        }
    }
    tallies
        .into_iter()
        .map(|(person, roles)| {
            let mut all = BTreeSet::new();
            let mut load = PersonLoad {
                person: person.to_owned(),
                name: roster
                    .and_then(|r| r.get(person))
                    .and_then(|p| p.name.clone()),
                timezone: zone_of(person).name.clone(),
                incidents: 0,
                minutes: 0.0,
                off_hours_minutes: 0.0,
                roles: BTreeMap::new(),
                handovers_given: 0,
                handovers_received: 0,
            };
            for (role, tally) in roles {
                all.extend(tally.incidents.iter().copied());
                let role_load = RoleLoad {
                    incidents: tally.incidents.len(),
                    minutes: minutes(tally.seconds),
                    off_hours_minutes: minutes(tally.off_hours_seconds),
                    handovers_given: tally.given,
                    handovers_received: tally.received,
                };
                load.minutes += role_load.minutes;
                load.off_hours_minutes += role_load.off_hours_minutes;
                load.handovers_given += tally.given;
                load.handovers_received += tally.received;
                load.roles.insert(role.to_owned(), role_load);
            }
            load.incidents = all.len();
            load
        })
        .collect()
}

#[allow(clippy::cast_precision_loss)] // seconds of shifts fit an f64 exactly
fn minutes(seconds: i64) -> f64 {
    seconds as f64 / 60.0
}

/// The part of `[start, end)` outside business hours in `tz`, in elapsed
/// time: a night that a clock change makes an hour longer counts an hour
/// more.
pub fn off_hours(start: Timestamp, end: Timestamp, tz: &TimeZone) -> SignedDuration {
    if end <= start {
        return SignedDuration::ZERO;
    }
    let total = end.duration_since(start);
    let last = end.to_zoned_datetime(tz.clone()).date();
    let mut day = start.to_zoned_datetime(tz.clone()).date();
    let mut business = SignedDuration::ZERO;
    while day <= last {
        if let Some((opens, closes)) = business_hours(day, tz) {
            let from = opens.max(start);
            let until = closes.min(end);
            if until > from {
                business += until.duration_since(from);
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    total - business
}

/// When business hours open and close on `day` in `tz`; `None` at the
/// weekend.
fn business_hours(day: Date, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return None;
    }
    let at = |hour: i8| {
        day.at(hour, 0, 0, 0)
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp())
    };
    Some((at(OPENS)?, at(CLOSES)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn off(start: &str, end: &str, zone: &str) -> i64 {
        let tz = crate::model::Zone::parse(zone).unwrap().tz;
        off_hours(ts(start), ts(end), &tz).as_mins()
    }

    #[test]
    fn a_weekday_evening_is_off_hours_after_seven() {
        // Friday 2026-11-20, UTC: 18:00-21:00 is one hour in, two out.
        assert_eq!(
            off("2026-11-20T18:00:00Z", "2026-11-20T21:00:00Z", "UTC"),
            120
        );
    }

    #[test]
    fn a_night_across_midnight_is_all_off_hours() {
        assert_eq!(
            off("2026-11-18T22:00:00Z", "2026-11-19T06:00:00Z", "UTC"),
            480
        );
    }

    #[test]
    fn the_weekend_is_off_hours_all_day() {
        // Saturday 09:00 to Monday 09:00: 47 hours out, Monday's first in.
        assert_eq!(
            off("2026-11-21T09:00:00Z", "2026-11-23T09:00:00Z", "UTC"),
            47 * 60
        );
    }

    #[test]
    fn business_hours_follow_the_persons_zone() {
        // 07:30-08:30 UTC on a Wednesday is 08:30-09:30 in Berlin (UTC+1):
        // all inside; in UTC half of it is before eight.
        assert_eq!(
            off(
                "2026-11-18T07:30:00Z",
                "2026-11-18T08:30:00Z",
                "Europe/Berlin"
            ),
            0
        );
        assert_eq!(
            off("2026-11-18T07:30:00Z", "2026-11-18T08:30:00Z", "UTC"),
            30
        );
    }

    #[test]
    fn the_night_the_clocks_go_back_lasts_an_hour_longer() {
        // Berlin leaves summer time on Sunday 2026-10-25 at 03:00 local.
        // Saturday 20:00 local (18:00Z) to Sunday 08:00 local (07:00Z) is
        // thirteen hours of elapsed time, every one of them off-hours.
        assert_eq!(
            off(
                "2026-10-24T18:00:00Z",
                "2026-10-25T07:00:00Z",
                "Europe/Berlin"
            ),
            13 * 60
        );
        // Monday 07:00Z is 08:00 local after the change: business hours
        // start then, so Sunday 23:00Z-Monday 08:00Z has 8 hours out.
        assert_eq!(
            off(
                "2026-10-25T23:00:00Z",
                "2026-10-26T08:00:00Z",
                "Europe/Berlin"
            ),
            8 * 60
        );
    }

    #[test]
    fn an_empty_or_reversed_span_has_no_off_hours() {
        assert_eq!(
            off("2026-11-20T18:00:00Z", "2026-11-20T18:00:00Z", "UTC"),
            0
        );
        assert_eq!(
            off("2026-11-20T18:00:00Z", "2026-11-20T17:00:00Z", "UTC"),
            0
        );
    }
}
