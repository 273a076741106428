//! Tests of marker scanning and merging.

use super::*;
use proptest::prelude::*;
use std::fmt::Write as _;

/// A template-like render: manifest, then each section between blank lines.
fn render(sections: &[(&str, &str)]) -> String {
    let names: Vec<&str> = sections.iter().map(|(n, _)| *n).collect();
    let mut out = format!("# Postmortem\n{}\n", manifest_line(&names));
    for (name, content) in sections {
        write!(
            out,
            "\n{}\n{content}{}\n",
            begin_marker(name),
            end_marker(name)
        )
        .unwrap();
    }
    out
}

fn names_and_contents(text: &str) -> Vec<(&str, &str)> {
    sections(text)
        .unwrap()
        .iter()
        .map(|s| (s.name, s.content))
        .collect()
}

fn err(text: &str) -> String {
    sections(text).unwrap_err().to_string()
}

#[test]
fn finds_sections_with_ranges() {
    let doc = render(&[("summary", "S\n"), ("timeline", "")]);
    let found = sections(&doc).unwrap();
    assert_eq!(
        names_and_contents(&doc),
        [("summary", "S\n"), ("timeline", "")]
    );
    assert_eq!(found[0].line, 4);
    assert_eq!(
        &doc[found[0].begin.clone()],
        "<!-- rolecall:begin summary -->\n"
    );
    assert_eq!(
        &doc[found[1].end.clone()],
        "<!-- rolecall:end timeline -->\n"
    );
    assert_eq!(
        manifest_line(&["a", "b", "a", "Bad"]),
        "<!-- rolecall:sections a,b -->"
    );
}

#[test]
fn markers_in_code_are_ignored() {
    let doc = "```\n<!-- rolecall:begin a -->\n```\n\n`<!-- rolecall:end b -->`\n\n    <!-- rolecall:end c -->\n\n\
               ~~~md\n<!-- rolecall:end d -->\n~~~\n<!-- rolecall:begin e -->\nx\n<!-- rolecall:end e -->";
    assert_eq!(names_and_contents(doc), [("e", "x\n")]);
    // A comment that is not a rolecall marker, and a marker inside another HTML block.
    let doc =
        "<!-- note -->\n<div>\n<!-- rolecall:begin a -->\n</div>\n\n<!-- rolecall:end a -->\n";
    assert_eq!(names_and_contents(doc), [("a", "</div>\n\n")]);
}

#[test]
fn marker_errors_name_the_line() {
    let begin = |n| begin_marker(n) + "\n";
    let end = |n| end_marker(n) + "\n";
    assert_eq!(
        err(&format!("x\n{}y\n", begin("a"))),
        "line 2: `rolecall:begin a` has no matching `rolecall:end a`"
    );
    assert_eq!(
        err(&format!("\n\n{}", end("timeline"))),
        "line 3: `rolecall:end timeline` has no matching `rolecall:begin timeline`"
    );
    let mismatch = sections(&format!("{}{}", begin("a"), end("b"))).unwrap_err();
    let detail = Imbalance::Mismatched {
        open: "a".into(),
        open_line: 1,
    };
    assert_eq!(
        mismatch,
        MarkerError::Unbalanced {
            line: 2,
            name: "b".into(),
            detail
        }
    );
    let dup = format!("{}{}\n{}{}", begin("a"), end("a"), begin("a"), end("a"));
    assert_eq!(
        sections(&dup).unwrap_err(),
        MarkerError::Duplicate {
            line: 4,
            name: "a".into()
        }
    );
    let nested = format!("{}{}{}{}", begin("a"), begin("b"), end("b"), end("a"));
    assert_eq!(
        sections(&nested).unwrap_err(),
        MarkerError::Nested {
            line: 2,
            name: "b".into(),
            outer: "a".into()
        }
    );
    let manifests = format!("{}\n\n{}\n", manifest_line(&["a"]), manifest_line(&[]));
    assert_eq!(
        sections(&manifests).unwrap_err(),
        MarkerError::DuplicateManifest { line: 3 }
    );
    let inside = format!("{}{}\n{}", begin("a"), manifest_line(&["a"]), end("a"));
    assert_eq!(sections(&inside).unwrap_err().line(), 2);
    assert_eq!(
        err("<!-- rolecall:begin Time Line -->"),
        "line 1: malformed rolecall marker `<!-- rolecall:begin Time Line -->` (names are made of a-z, 0-9, `_` and `-`)"
    );
    assert!(merge(&begin("a"), &render(&[])).is_err());
    assert!(merge("", &begin("a")).is_err());
}

#[test]
fn merge_replaces_sections_and_keeps_everything_else() {
    let old = render(&[("summary", "old summary\n"), ("timeline", "- 10:00 old\n")]);
    let fresh = render(&[("summary", "new summary\n"), ("timeline", "- 10:00 new\n")]);
    assert_eq!(merge(&fresh, &fresh).unwrap(), fresh);
    let edited = format!(
        "Person notes  \n{}\nMore, with trailing space \t\n\n",
        old.replace(
            "\n\n<!-- rolecall:begin timeline",
            "\n\n## Between\r\n\n<!-- rolecall:begin timeline"
        )
    );
    let merged = merge(&edited, &fresh).unwrap();
    let expected = format!(
        "Person notes  \n{}\nMore, with trailing space \t\n\n",
        fresh.replace(
            "\n\n<!-- rolecall:begin timeline",
            "\n\n## Between\r\n\n<!-- rolecall:begin timeline"
        )
    );
    assert_eq!(merged, expected);
    // A CRLF file keeps CRLF, including inside regenerated sections.
    let crlf = old.replace('\n', "\r\n");
    assert_eq!(merge(&crlf, &fresh).unwrap(), fresh.replace('\n', "\r\n"));
    // Sections the template dropped stay as they are.
    let fewer = render(&[("summary", "new summary\n")]);
    let merged = merge(&old, &fewer).unwrap();
    assert_eq!(
        names_and_contents(&merged),
        [("summary", "new summary\n"), ("timeline", "- 10:00 old\n")]
    );
}

#[test]
fn deleted_sections_stay_deleted() {
    let old = render(&[("summary", "S\n"), ("timeline", "T\n"), ("actions", "A\n")]);
    let start = old.find("<!-- rolecall:begin timeline").unwrap();
    let end = old.find("<!-- rolecall:begin actions").unwrap();
    let edited = format!("{}{}", &old[..start], &old[end..]);
    let fresh = render(&[
        ("summary", "S2\n"),
        ("timeline", "T2\n"),
        ("actions", "A2\n"),
    ]);
    let merged = merge(&edited, &fresh).unwrap();
    assert_eq!(
        names_and_contents(&merged),
        [("summary", "S2\n"), ("actions", "A2\n")]
    );
    let again = merge(&merged, &fresh).unwrap();
    assert_eq!(again, merged);
    // A newer template without the section still records it as deleted.
    let fresh2 = render(&[("summary", "S3\n"), ("actions", "A3\n")]);
    let merged2 = merge(&merge(&merged, &fresh2).unwrap(), &fresh).unwrap();
    assert_eq!(
        names_and_contents(&merged2),
        [("summary", "S2\n"), ("actions", "A2\n")]
    );
    assert!(merged2.contains("<!-- rolecall:sections summary,timeline,actions -->\n"));
}

#[test]
fn new_sections_go_to_the_template_position() {
    let old = render(&[("summary", "S\n"), ("actions", "A\n")]);
    let fresh = render(&[
        ("intro", "I\n"),
        ("summary", "S\n"),
        ("timeline", "T\n"),
        ("roles", "R\n"),
        ("actions", "A\n"),
    ]);
    let merged = merge(&old, &fresh).unwrap();
    let names: Vec<&str> = names_and_contents(&merged)
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(names, ["intro", "summary", "timeline", "roles", "actions"]);
    assert!(merged.contains("<!-- rolecall:sections summary,actions,intro,timeline,roles -->\n"));
    assert_eq!(merge(&merged, &fresh).unwrap(), merged);
    // A hand-written file without markers gets the sections (and the manifest) at the end.
    let merged = merge("# Notes\nmine", &fresh).unwrap();
    assert!(merged.starts_with("# Notes\nmine\n\n<!-- rolecall:sections intro,summary,timeline,roles,actions -->\n<!-- rolecall:begin intro -->\nI\n"));
    assert_eq!(names_and_contents(&merged).len(), 5);
    // Old file without manifest: the manifest is added before its first section.
    let bare = "x\n<!-- rolecall:begin summary -->\nS\n<!-- rolecall:end summary -->";
    let merged = merge(bare, &render(&[("summary", "S\n"), ("roles", "R\n")])).unwrap();
    assert_eq!(
        merged,
        "x\n<!-- rolecall:sections summary,roles -->\n<!-- rolecall:begin summary -->\nS\n<!-- rolecall:end summary -->\n\n<!-- rolecall:begin roles -->\nR\n<!-- rolecall:end roles -->\n"
    );
}

#[test]
fn sections_the_file_would_swallow_are_refused() {
    let fresh = render(&[("summary", "S\n")]);
    // An unclosed fence at the end: appended sections would be code, and every later
    // merge would append them again.
    let error = merge("notes\n```\ncode\n", &fresh).unwrap_err();
    assert_eq!(
        error,
        MarkerError::Hidden {
            line: 4,
            name: "summary".into()
        }
    );
    assert!(error.problem().contains("unclosed code block"));
    // A section inside a list item: fresh content indented as code in `fresh` is HTML
    // there, and would end the section early.
    let existing = "- item\n\n  <!-- rolecall:begin a -->\n  old\n  <!-- rolecall:end a -->\n";
    let fresh =
        "<!-- rolecall:begin a -->\n    <!-- rolecall:end a -->\nnew\n<!-- rolecall:end a -->\n";
    assert_eq!(sections(fresh).unwrap().len(), 1);
    assert_eq!(merge(existing, fresh).unwrap_err().line(), 3);
    // A manifest that repeats names is rewritten without the repeats.
    let doubled =
        "<!-- rolecall:sections a,a,b -->\n<!-- rolecall:begin c -->\n<!-- rolecall:end c -->\n";
    assert_eq!(
        merge(doubled, doubled).unwrap(),
        doubled.replace("a,a,b -->", "a,b,c -->")
    );
    // Code that is closed is fine.
    let merged = merge("notes\n```\ncode\n```\n", &render(&[("summary", "S\n")])).unwrap();
    assert_eq!(names_and_contents(&merged), [("summary", "S\n")]);
}

const NAMES: [&str; 4] = ["summary", "timeline", "roles", "actions"];

fn person_text() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "\n",
        "\r\n",
        " ",
        "    ",
        "\t",
        "`",
        "<",
        ">",
        "-->",
        "<div>",
        "<pre>",
        "</pre>",
        "<?",
        "<!X",
        "[x]",
        "*",
        "|",
        "# ",
        "- ",
        "1. ",
        "> ",
        "\\",
        "&",
        "===",
        "---",
        "a",
        "rolecall:begin summary",
        "é",
        "\n\n",
    ]);
    let piece =
        prop_oneof![3 => tokens.prop_map(str::to_owned), 1 => any::<char>().prop_map(String::from)];
    prop::collection::vec(piece, 0..30)
        .prop_map(|v| v.concat())
        .prop_filter("no comments or fences", |p| {
            !p.contains("<!--") && !p.contains("```") && !p.contains("~~~")
        })
}

/// A rendered document with person text `p[i]` before the manifest, between and after sections.
fn with_person_text(p: &[String], contents: &[String]) -> String {
    let mut out = format!("{}\n{}\n", p[0], manifest_line(&NAMES));
    for (i, (name, content)) in NAMES.iter().zip(contents).enumerate() {
        let (begin, end) = (begin_marker(name), end_marker(name));
        write!(out, "{}\n{begin}\n{content}{end}\n", p[i + 1]).unwrap();
    }
    out + &p[NAMES.len() + 1]
}

proptest! {
    #[test]
    fn person_text_survives_merges(
        p in prop::collection::vec(person_text(), NAMES.len() + 2),
        old in prop::collection::vec("([a-z .*_-]{0,12}\n){0,3}", NAMES.len()),
        new in prop::collection::vec("([a-z .*_-]{0,12}\n){0,3}", NAMES.len()),
    ) {
        let blank = vec![String::new(); NAMES.len() + 2];
        let fresh = with_person_text(&blank, &new);
        let edited = with_person_text(&p, &old);
        let merged = merge(&edited, &fresh).unwrap();
        prop_assert_eq!(&merged, &with_person_text(&p, &new));
        prop_assert_eq!(names_and_contents(&merged), names_and_contents(&fresh));
    }
}
