//! Writing YAML scalars into records rolecall edits or creates: plain when
//! that reads back as the same text, double-quoted otherwise.

/// `text` as a YAML scalar that reads back as exactly `text`.
pub fn scalar(text: &str) -> String {
    if is_plain_safe(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text that YAML reads back unchanged as a plain string.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    let reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];
    first.is_alphanumeric()
        && !text.ends_with(' ')
        && !reserved.contains(&text.to_lowercase().as_str())
        && text.parse::<f64>().is_err()
        && !text.contains(": ")
        && !text.contains(" #")
        && text.chars().all(|c| c.is_alphanumeric() || " -_.,()/'@+".contains(c))
}

/// A block literal (`|`) for multi-line text, indented by `indent` spaces;
/// a quoted scalar for one line. Returns what follows `key:`.
pub fn block_or_scalar(text: &str, indent: usize) -> String {
    let text = text.trim_end();
    if !text.contains('\n') {
        return format!(" {}", scalar(text));
    }
    let pad = " ".repeat(indent);
    let leading_space = text.starts_with(' ');
    let mut out = String::from(if leading_space { " |2" } else { " |" });
    for line in text.lines() {
        out.push('\n');
        if !line.trim().is_empty() {
            out.push_str(&pad);
            out.push_str(line.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Node, Scalar, parse};

    fn read_back(value: &str) -> String {
        let text = format!("k:{value}\n");
        let root = parse(text.as_bytes()).unwrap().unwrap();
        let Node::Map(entries) = root.node else { panic!("not a map") };
        match &entries[0].1.node {
            Node::Scalar(Scalar::Str(s)) => s.clone(),
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn scalars_read_back_unchanged() {
        for text in ["alice", "Checkout API returns 502", "yes", "1.5", "a: b", "# x", "x #y", "\"q\" \\ ", "tab\there", "ünï"] {
            assert_eq!(read_back(&format!(" {}", scalar(text))), text, "{text}");
        }
    }

    #[test]
    fn multi_line_text_becomes_a_block() {
        let value = block_or_scalar("first line\n\nsecond: line", 4);
        assert_eq!(read_back(&value.replace("\n    ", "\n  ")), "first line\n\nsecond: line\n");
    }
}
