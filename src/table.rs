//! Plain-text tables for the reporting commands: columns padded to their
//! widest cell, an optional bold header when colour is on. Cells are shown
//! on one line with control characters escaped, so text from a record can
//! neither break a row nor send escape sequences to the terminal.

use std::fmt::Write as _;

/// A table of text cells, printed with aligned columns.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        self.rows
            .push(cells.iter().map(|cell| one_line(cell.as_ref())).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text; `color` makes the header bold.
    pub fn render(&self, color: bool) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate().take(columns) {
                if i + 1 == columns {
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
                }
            }
            out.trim_end().to_owned()
        };
        let mut text = String::new();
        let header = line(&self.header);
        if color {
            let _ = writeln!(text, "\x1b[1m{header}\x1b[0m");
        } else {
            text.push_str(&header);
            text.push('\n');
        }
        for row in &self.rows {
            text.push_str(&line(row));
            text.push('\n');
        }
        text
    }
}

/// `text` on one line: line breaks and tabs as `\n`, `\r`, `\t`, other
/// control characters as `\u{…}`.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn cells_stay_on_one_line_without_escape_sequences() {
        let mut table = Table::new(&["title"]);
        table.row(&["two\nlines \u{1b}[31mred"]);
        assert_eq!(table.render(false), "title\ntwo\\nlines \\u{1b}[31mred\n");
    }

    #[test]
    fn columns_align_to_the_widest_cell() {
        let mut table = Table::new(&["id", "title"]);
        table.row(&["INC-1", "a"]);
        table.row(&["X", "bb"]);
        assert_eq!(table.render(false), "id     title\nINC-1  a\nX      bb\n");
    }
}
