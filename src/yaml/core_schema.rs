//! The YAML 1.2 core schema, decided in one place for every reader: what a
//! plain scalar's text means (null, a boolean, an integer, a float or text),
//! which tags rolecall understands, and how a typed value is spelled when it
//! is used as text.
//!
//! serde-saphyr's own typing is wider than the core schema (it reads `1_0`,
//! `0b11` and `+0x10` as numbers, and `010` as a float), so the library
//! path re-types plain scalars here too; the three readers then agree by
//! construction on types and are compared on everything else.

use std::borrow::Cow;

/// A scalar as the YAML 1.2 core schema types it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
}

/// What a plain (unquoted, untagged) scalar means.
pub(super) fn resolve_plain(text: Cow<'_, str>) -> Scalar {
    typed(&text).unwrap_or_else(|| Scalar::Str(text.into_owned()))
}

/// The null, boolean or number that plain `text` spells; `None` for text.
pub(super) fn typed(text: &str) -> Option<Scalar> {
    let first = text.as_bytes().first().copied();
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Some(Scalar::Null),
        "true" | "True" | "TRUE" => Some(Scalar::Bool(true)),
        "false" | "False" | "FALSE" => Some(Scalar::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Some(Scalar::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => Some(Scalar::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => Some(Scalar::Float(f64::NAN)),
        _ if !first.is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')) => None,
        _ => integer(text).or_else(|| float(text)),
    }
}

/// `[-+]?[0-9]+` (decimal, leading zeros allowed), `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn integer(text: &str) -> Option<Scalar> {
    // serde-saphyr leaves hexadecimal and octal spellings past `u64` as
    // text, and so does rolecall: no record needs them as numbers.
    let within_u64 =
        |scalar: &Scalar| matches!(scalar, Scalar::Int(value) if u64::try_from(*value).is_ok());
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16, false).filter(within_u64);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8, false).filter(within_u64);
    }
    match text.as_bytes().first() {
        Some(b'-') => digits(&text[1..], 10, true),
        Some(b'+') => digits(&text[1..], 10, false),
        _ => digits(text, 10, false),
    }
}

/// An integer of `radix` digits; one too large for [`Scalar::Int`] is
/// still a number, kept as the nearest float.
fn digits(digits: &str, radix: u32, negative: bool) -> Option<Scalar> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if let Ok(value) = i128::from_str_radix(digits, radix) {
        return Some(Scalar::Int(if negative { -value } else { value }));
    }
    let value = digits
        .chars()
        .filter_map(|c| c.to_digit(radix))
        .fold(0.0, |value, digit| {
            value * f64::from(radix) + f64::from(digit)
        });
    Some(Scalar::Float(if negative { -value } else { value }))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn float(text: &str) -> Option<Scalar> {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let run = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = run(i);
    i += whole;
    let mut fraction = 0;
    if bytes.get(i) == Some(&b'.') {
        fraction = run(i + 1);
        i += 1 + fraction;
    }
    if whole == 0 && fraction == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1 + usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
        let exponent = run(i);
        if exponent == 0 {
            return None;
        }
        i += exponent;
    }
    if i != bytes.len() {
        return None;
    }
    text.parse().ok().map(Scalar::Float)
}

/// Whether plain `text` spells exactly `scalar` (NaN spells NaN).
pub(super) fn spells(text: &str, scalar: &Scalar) -> bool {
    match (typed(text), scalar) {
        (Some(Scalar::Float(a)), Scalar::Float(b)) => {
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
        }
        (Some(typed), scalar) => typed == *scalar,
        (None, Scalar::Str(s)) => s == text,
        (None, _) => false,
    }
}

/// How a typed value reads as text when its own spelling is not at hand
/// (an alias to a quoted `!!int "12"`, say): `12`, `1.5`, `true`, `.inf`.
pub(super) fn spelling(scalar: &Scalar) -> String {
    match scalar {
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) if f.is_nan() => ".nan".to_owned(),
        Scalar::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.to_owned(),
        Scalar::Float(f) => format!("{f:?}"),
        Scalar::Str(s) => s.clone(),
    }
}

/// The tags of the core schema (and the non-specific `!`, which makes a
/// scalar text), as the parser resolves them. Any other tag is refused.
pub(super) fn is_core_tag(tag: &str) -> bool {
    tag == "!"
        || tag.strip_prefix("tag:yaml.org,2002:").is_some_and(|name| {
            matches!(
                name,
                "str" | "int" | "float" | "bool" | "null" | "map" | "seq"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Scalar {
        resolve_plain(Cow::Borrowed(text))
    }

    #[test]
    fn integers_are_decimal_octal_or_hexadecimal() {
        for (text, value) in [
            ("0", 0),
            ("-0", 0),
            ("12", 12),
            ("+12", 12),
            ("-12", -12),
            ("010", 10),
            ("-010", -10),
            ("0o10", 8),
            ("0x10", 16),
            ("0xfF", 255),
        ] {
            assert_eq!(read(text), Scalar::Int(value), "{text}");
        }
    }

    #[test]
    fn spellings_outside_the_core_schema_are_text() {
        for text in [
            "1_0", "1_000.5", "0b11", "+0x10", "-0o7", "0X10", "0O7", "0x", "0o8", "0x_1", "1e",
            ".e3", "1.5.5", "inf", "nan", "-.nan", "+.nan", ".iNf", "yes", "no", "on", "Off", "y",
            "TRUe", "nULL", "1 2", " 1", "1.0f", "0x1g", "--1", "+-1", "1e+", "e3", ".", "+", "-",
        ] {
            assert_eq!(read(text), Scalar::Str(text.to_owned()), "{text}");
        }
    }

    #[test]
    fn floats_follow_the_core_pattern() {
        for (text, value) in [
            ("1.5", 1.5),
            ("1.", 1.0),
            (".5", 0.5),
            ("+.5", 0.5),
            ("-1.5e-3", -0.0015),
            ("1e3", 1000.0),
            ("1E+3", 1000.0),
            ("0.", 0.0),
            ("00.5", 0.5),
            (".inf", f64::INFINITY),
            ("+.INF", f64::INFINITY),
            ("-.Inf", f64::NEG_INFINITY),
        ] {
            assert_eq!(read(text), Scalar::Float(value), "{text}");
        }
        assert!(matches!(read(".NaN"), Scalar::Float(f) if f.is_nan()));
        assert!(matches!(read("1e999"), Scalar::Float(f) if f.is_infinite()));
    }

    #[test]
    fn decimals_too_large_for_i128_are_still_numbers() {
        let digits = "1".repeat(45);
        assert!(matches!(read(&digits), Scalar::Float(f) if f > 1e44));
        let hex = format!("0x{}", "f".repeat(17));
        assert_eq!(
            read(&hex),
            Scalar::Str(hex.clone()),
            "as serde-saphyr has it"
        );
        assert_eq!(read("0xffffffffffffffff"), Scalar::Int(u64::MAX.into()));
    }

    #[test]
    fn null_and_booleans_are_the_core_words() {
        for text in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(read(text), Scalar::Null, "{text}");
        }
        for (text, value) in [("true", true), ("True", true), ("FALSE", false)] {
            assert_eq!(read(text), Scalar::Bool(value), "{text}");
        }
    }

    #[test]
    fn spelling_round_trips_through_the_schema() {
        for scalar in [
            Scalar::Int(-7),
            Scalar::Float(1.5),
            Scalar::Float(1e300),
            Scalar::Float(f64::NEG_INFINITY),
            Scalar::Float(f64::NAN),
            Scalar::Bool(false),
            Scalar::Null,
        ] {
            assert!(spells(&spelling(&scalar), &scalar), "{scalar:?}");
        }
        assert!(spells("1.50", &Scalar::Float(1.5)));
        assert!(!spells("*n", &Scalar::Float(1.5)));
        assert!(!spells("\"12\"", &Scalar::Int(12)));
        assert!(!spells("12", &Scalar::Float(12.0)));
    }

    #[test]
    fn only_core_tags_are_understood() {
        for tag in ["!", "tag:yaml.org,2002:int", "tag:yaml.org,2002:str"] {
            assert!(is_core_tag(tag), "{tag}");
        }
        for tag in [
            "!foo",
            "tag:yaml.org,2002:binary",
            "tag:yaml.org,2002:timestamp",
            "tag:yaml.org,2002:set",
            "tag:example.com,2026:int",
        ] {
            assert!(!is_core_tag(tag), "{tag}");
        }
    }
}
