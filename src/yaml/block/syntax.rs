//! The line reader's tests on raw text: which characters it reads as the
//! parser does, and where keys, items, values and comments start.

/// Whether every character is one the line reader reads as the parser does:
/// printable, with `\n` as the only line break and no tabs.
pub(super) fn plain_characters(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
        let refused = match b {
            // C1 controls, NEL included.
            0xc2 => (0x80..=0x9f).contains(&next(1)),
            // Line and paragraph separators.
            0xe2 => next(1) == 0x80 && matches!(next(2), 0xa8 | 0xa9),
            // A byte-order mark inside the text, and the non-characters.
            0xef => (next(1) == 0xbb && next(2) == 0xbf) || (next(1) == 0xbf && next(2) >= 0xbe),
            b'\n' | 0x20..=0x7e | 0x80..=0xff => false,
            _ => true,
        };
        if refused {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a line's content is a sequence item.
pub(super) fn is_item(body: &str) -> bool {
    body == "-" || body.starts_with("- ")
}

/// The plain key of a `key: value` or `key:` line, or `None` when the text
/// is not one (or not one the line reader reads).
pub(super) fn split_key(body: &str) -> Option<&str> {
    let bytes = body.as_bytes();
    if b"-?:,[]{}#&*!|>'\"%@` ".contains(bytes.first()?) {
        return None;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' if bytes[i - 1] == b' ' => return None,
            b':' => {
                let key = &body[..i];
                return (matches!(bytes.get(i + 1), None | Some(b' '))
                    && !key.ends_with(' ')
                    && key.len() <= 1024)
                    .then_some(key);
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether what follows a value on its line is nothing, or a comment after
/// a space.
pub(super) fn ends_clean(rest: &str) -> bool {
    let comment = rest.trim_start_matches(' ');
    comment.is_empty() || (comment.starts_with('#') && comment.len() < rest.len())
}

pub(super) fn skip_spaces(text: &str, from: usize, end: usize) -> usize {
    from + text.as_bytes()[from.min(end)..end]
        .iter()
        .take_while(|&&b| b == b' ')
        .count()
}
