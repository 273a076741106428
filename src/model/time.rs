//! Timestamps, dates and durations as records write them, and counting
//! business days.

use std::fmt::{self, Write as _};

use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

use crate::yaml::{Pos, Reader, SNode};

/// An instant, written in RFC 3339 with an offset; shown in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub Timestamp);

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

/// A length of time written like `30m`, `1h`, `2h30m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span(pub SignedDuration);

impl Instant {
    /// Parses RFC 3339 with an offset. Without an offset the error's help
    /// shows the value read as UTC.
    pub fn parse(text: &str) -> Result<Instant, (String, Option<String>)> {
        let text = text.trim();
        if let Ok(ts) = text.parse::<Timestamp>()
            && looks_rfc3339(text)
        {
            return Ok(Instant(ts));
        }
        if let Ok(dt) = text.parse::<jiff::civil::DateTime>()
            && (looks_rfc3339(text) || text.contains(' '))
            && let Ok(zoned) = dt.to_zoned_datetime(TimeZone::UTC)
        {
            let fixed = Instant(zoned.timestamp()).to_string();
            return Err((
                format!("timestamp `{text}` has no UTC offset"),
                Some(format!("add the offset, for UTC write `{fixed}`")),
            ));
        }
        Err((
            format!("`{text}` is not an RFC 3339 timestamp"),
            Some("write it like `2026-11-20T09:14:00Z` or `2026-11-20T10:14:00+01:00`".to_owned()),
        ))
    }

    /// The UTC calendar date of this instant.
    pub fn utc_date(self) -> Date {
        self.0.to_zoned_datetime(TimeZone::UTC).date()
    }
}

fn looks_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 19 && matches!(bytes.get(10), Some(b'T' | b't' | b' '))
}

impl Day {
    pub fn parse(text: &str) -> Result<Day, (String, Option<String>)> {
        let text = text.trim();
        match text.parse::<Date>() {
            Ok(date) if text.len() == 10 => Ok(Day(date)),
            _ => Err((
                format!("`{text}` is not a date"),
                Some("write dates as `YYYY-MM-DD`, like `2026-12-04`".to_owned()),
            )),
        }
    }
}

impl Span {
    /// Parses `30m`, `1h`, `2h30m`, `1d`, `90s`.
    pub fn parse(text: &str) -> Result<Span, (String, Option<String>)> {
        let bad = || {
            (
                format!("`{text}` is not a duration"),
                Some("write durations like `30m`, `1h` or `2h30m` (units d, h, m, s)".to_owned()),
            )
        };
        let mut total: i64 = 0;
        let mut number: Option<i64> = None;
        for c in text.trim().chars() {
            if let Some(digit) = c.to_digit(10) {
                let n = number
                    .unwrap_or(0)
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(i64::from(digit)));
                number = Some(n.ok_or_else(bad)?);
                continue;
            }
            let unit = match c {
                'd' => 86_400,
                'h' => 3_600,
                'm' => 60,
                's' => 1,
                _ => return Err(bad()),
            };
            let n = number.take().ok_or_else(bad)?;
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(bad)?;
        }
        if number.is_some() || total == 0 {
            return Err(bad());
        }
        Ok(Span(SignedDuration::from_secs(total)))
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%dT%H:%M:%SZ"))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&compact_duration(self.0))
    }
}

/// `2h30m`, `45m`, `3d4h`: the way records write durations.
pub fn compact_duration(duration: SignedDuration) -> String {
    let mut secs = duration.as_secs().unsigned_abs();
    if secs == 0 {
        return "0m".to_owned();
    }
    let mut out = String::new();
    if duration.is_negative() {
        out.push('-');
    }
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            let _ = write!(out, "{}{unit}", secs / size);
            secs %= size;
        }
    }
    out
}

macro_rules! string_serialize {
    ($($ty:ty => $name:literal, $schema:tt;)*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
        impl JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    )*};
}

string_serialize! {
    Instant => "Timestamp", {
        "type": "string",
        "format": "date-time",
        "description": "RFC 3339 timestamp with an offset, like 2026-11-20T09:14:00Z"
    };
    Day => "Date", {
        "type": "string",
        "format": "date",
        "description": "A date, YYYY-MM-DD"
    };
    Span => "Duration", {
        "type": "string",
        "pattern": "^([0-9]+[dhms])+$",
        "description": "A duration like 30m, 1h or 2h30m"
    };
}

/// A parsed value, or a message and an optional help line.
type ParseResult<T> = Result<T, (String, Option<String>)>;

/// Readers for the time types, reporting `schema` findings.
impl Reader<'_> {
    pub fn instant(&mut self, pos: Pos, node: &SNode) -> Option<Instant> {
        self.parsed(pos, node, Instant::parse)
    }
    pub fn day(&mut self, pos: Pos, node: &SNode) -> Option<Day> {
        self.parsed(pos, node, Day::parse)
    }
    pub fn span(&mut self, pos: Pos, node: &SNode) -> Option<Span> {
        self.parsed(pos, node, Span::parse)
    }

    fn parsed<T>(
        &mut self,
        pos: Pos,
        node: &SNode,
        parse: fn(&str) -> ParseResult<T>,
    ) -> Option<T> {
        let text = self.text(pos, node)?;
        match parse(&text) {
            Ok(value) => Some(value),
            Err((message, help)) => {
                self.schema(pos, message, help);
                None
            }
        }
    }
}

/// The date `days` business days after `date`: counting starts the day after,
/// skipping Saturdays, Sundays and `holidays` (SPEC §9.4).
pub fn add_business_days(date: Date, days: u32, holidays: &[Date]) -> Date {
    let mut current = date;
    let mut left = days;
    while left > 0 {
        match current.tomorrow() {
            Ok(next) => current = next,
            Err(_) => return current,
        }
        let weekend = matches!(current.weekday(), Weekday::Saturday | Weekday::Sunday);
        if !weekend && !holidays.contains(&current) {
            left -= 1;
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_without_offset_suggests_utc() {
        let (message, help) = Instant::parse("2026-11-20T11:02:00").unwrap_err();
        assert!(message.contains("no UTC offset"));
        assert_eq!(
            help.unwrap(),
            "add the offset, for UTC write `2026-11-20T11:02:00Z`"
        );
    }

    #[test]
    fn offsets_are_normalised_to_utc() {
        let at = Instant::parse("2026-11-20T10:14:00+01:00").unwrap();
        assert_eq!(at.to_string(), "2026-11-20T09:14:00Z");
    }

    #[test]
    fn durations_round_trip() {
        for text in ["30m", "1h", "2h30m", "1d", "45s"] {
            assert_eq!(Span::parse(text).unwrap().to_string(), text);
        }
        assert!(Span::parse("30").is_err());
        assert!(Span::parse("m").is_err());
        assert!(Span::parse("0m").is_err());
        assert!(Span::parse("99999999999999999999d").is_err());
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let friday = jiff::civil::date(2026, 11, 20);
        assert_eq!(
            add_business_days(friday, 3, &[]),
            jiff::civil::date(2026, 11, 25)
        );
        let holidays = [jiff::civil::date(2026, 11, 23)];
        assert_eq!(
            add_business_days(friday, 3, &holidays),
            jiff::civil::date(2026, 11, 26)
        );
    }

    #[test]
    fn dates_are_strict() {
        assert!(Day::parse("2026-12-04").is_ok());
        assert!(Day::parse("2026-12-4").is_err());
        assert!(Day::parse("04/12/2026").is_err());
    }
}
