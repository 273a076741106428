//! Numbers and hex digits as the cache file spells them, written and read
//! without `fmt`: the file has a line per document, and formatting each
//! field through `fmt` cost more than the rest of saving it.

/// Appends `bytes` as lower-case hex digits.
pub(super) fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &byte in bytes {
        out.extend_from_slice(&[
            DIGITS[usize::from(byte >> 4)],
            DIGITS[usize::from(byte & 0xf)],
        ]);
    }
}

/// The 20 bytes spelled by 40 hex digits (either case); `None` for
/// anything else.
pub(super) fn parse_hex20(hex: &str) -> Option<[u8; 20]> {
    let digits = hex.as_bytes();
    if digits.len() != 40 {
        return None;
    }
    let value = |digit: u8| {
        char::from(digit)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut bytes = [0u8; 20];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(bytes)
}

/// Appends `n` in decimal.
pub(super) fn push_unsigned(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        // `n % 10` is below ten.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Appends `n` in decimal, with a `-` when negative.
pub(super) fn push_signed(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_unsigned(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_hex_read_as_fmt_writes_them() {
        for n in [0, 7, 10, 99, 1_234_567_890, u64::MAX] {
            let mut text = Vec::new();
            push_unsigned(&mut text, n);
            assert_eq!(text, n.to_string().into_bytes());
        }
        for n in [0, -1, 42, i64::MIN, i64::MAX] {
            let mut text = Vec::new();
            push_signed(&mut text, n);
            assert_eq!(text, n.to_string().into_bytes());
        }
        let bytes: [u8; 20] = std::array::from_fn(|i| u8::try_from(i * 13).unwrap_or(0));
        let mut hex = Vec::new();
        push_hex(&mut hex, &bytes);
        let hex = String::from_utf8(hex).expect("hex digits");
        let expected = bytes.iter().fold(String::new(), |mut hex, b| {
            let _ = std::fmt::Write::write_fmt(&mut hex, format_args!("{b:02x}"));
            hex
        });
        assert_eq!(hex, expected);
        assert_eq!(parse_hex20(&hex), Some(bytes));
        assert_eq!(parse_hex20(&hex.to_uppercase()), Some(bytes));
        assert_eq!(parse_hex20(&hex[..38]), None);
        assert_eq!(parse_hex20(&format!("{}zz", &hex[..38])), None);
        assert_eq!(parse_hex20(&format!("{}+1", &hex[..38])), None);
    }
}
