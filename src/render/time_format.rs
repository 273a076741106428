//! Moments as documents show them, in UTC: `2026-11-20T09:14:00Z` in
//! views, `2026-11-20 09:14` in the role chart, `2026-11-20 09:14 UTC` in
//! prose. Four-digit years are written digit by digit (the common case,
//! thousands of times per render); any other year goes through `strftime`,
//! which these functions match.

use jiff::tz::Offset;

use crate::model::Instant;

/// `YYYY-MM-DDTHH:MM:SSZ`, or `None` when the year is not four digits.
fn digits(at: Instant) -> Option<[u8; 20]> {
    let dt = Offset::UTC.to_datetime(at.0);
    let year = u16::try_from(dt.year())
        .ok()
        .filter(|y| (1000..=9999).contains(y))?;
    let mut out = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, value: u16, width: usize| {
        let mut value = value;
        for i in (at..at + width).rev() {
            out[i] = b'0' + u8::try_from(value % 10).unwrap_or(0);
            value /= 10;
        }
    };
    put(0, year, 4);
    let two = |v: i8| u16::try_from(v).unwrap_or(0);
    put(5, two(dt.month()), 2);
    put(8, two(dt.day()), 2);
    put(11, two(dt.hour()), 2);
    put(14, two(dt.minute()), 2);
    put(17, two(dt.second()), 2);
    Some(out)
}

/// The text of `bytes`, which [`digits`] made of ASCII only.
fn text(bytes: &[u8]) -> String {
    std::str::from_utf8(bytes).unwrap_or_default().to_owned()
}

/// `2026-11-20T09:14:00Z`: how views hold moments.
pub fn rfc3339(at: Instant) -> String {
    match digits(at) {
        Some(d) => text(&d),
        None => at.to_string(),
    }
}

/// `2026-11-20 09:14`: Mermaid's `dateFormat`.
pub fn chart(at: Instant) -> String {
    match digits(at) {
        Some(mut d) => {
            d[10] = b' ';
            text(&d[..16])
        }
        None => at.0.strftime("%Y-%m-%d %H:%M").to_string(),
    }
}

/// `2026-11-20 09:14 UTC`: the `utc` filter.
pub fn prose(at: Instant) -> String {
    match digits(at) {
        Some(mut d) => {
            d[10] = b' ';
            d[16..].copy_from_slice(b" UTC");
            text(&d)
        }
        None => at.0.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// [`prose`] of the moment `text` names, read straight off the text when
/// it is the form views hold: `2026-11-20T09:14:00Z`, a real date and time
/// with a four-digit year. `None` otherwise: parse it instead.
pub fn prose_of_rfc3339(text: &str) -> Option<[u8; 20]> {
    let b = text.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:ddZ";
    if b.len() != shape.len()
        || !b.iter().zip(shape).all(|(&c, &s)| match s {
            b'd' => c.is_ascii_digit(),
            s => c == s,
        })
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range]
            .iter()
            .fold(0_u16, |n, &d| n * 10 + u16::from(d - b'0'))
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // Past 9998 jiff's range ends; a leap second is left to jiff as well.
    let real = (1000..=9998).contains(&year)
        && (1..=days).contains(&day)
        && number(11..13) <= 23
        && number(14..16) <= 59
        && number(17..19) <= 59;
    real.then(|| {
        let mut shown = *b"0000-00-00 00:00 UTC";
        shown[..16].copy_from_slice(&b[..16]);
        shown[10] = b' ';
        shown
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Instant {
        Instant::parse(text).expect("a valid moment")
    }

    #[test]
    fn match_strftime() {
        for text in [
            "2026-11-20T09:14:00Z",
            "2026-11-20T10:14:07+01:00",
            "1999-12-31T23:59:59-00:30",
            "1000-01-01T00:00:00Z",
            "9999-12-30T12:00:00Z",
            "0999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "2024-02-29T12:00:00Z",
        ] {
            let moment = at(text);
            assert_eq!(rfc3339(moment), moment.to_string(), "{text}");
            assert_eq!(
                chart(moment),
                moment.0.strftime("%Y-%m-%d %H:%M").to_string(),
                "{text}"
            );
            assert_eq!(
                prose(moment),
                moment.0.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                "{text}"
            );
        }
    }

    /// Whatever the text, the shortcut either declines or agrees with
    /// parsing it.
    #[test]
    fn reading_the_text_matches_parsing_it() {
        let mut texts = Vec::new();
        for year in [
            "0999", "1000", "1900", "2000", "2023", "2024", "2100", "9998", "9999",
        ] {
            for month in ["00", "01", "02", "04", "12", "13"] {
                for day in ["00", "01", "28", "29", "30", "31", "32"] {
                    for time in ["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60"] {
                        texts.push(format!("{year}-{month}-{day}T{time}Z"));
                    }
                }
            }
        }
        texts.extend(
            [
                "2026-11-20T09:14:00z",
                "2026-11-20t09:14:00Z",
                "2026-11-20 09:14:00Z",
                " 2026-11-20T09:14:00Z",
                "2026-11-20T09:14:00+00:00",
                "2026-11-20T09:14:00.5Z",
                "+2026-11-20T09:14:0Z",
            ]
            .map(str::to_owned),
        );
        let mut read = 0;
        for text in &texts {
            if let Some(shown) = prose_of_rfc3339(text) {
                read += 1;
                let parsed = Instant::parse(text).map(prose);
                assert_eq!(
                    Ok(String::from_utf8(shown.to_vec()).unwrap()),
                    parsed.map_err(|_| ()),
                    "{text}"
                );
            }
        }
        assert!(read > 100, "{read}");
    }
}
