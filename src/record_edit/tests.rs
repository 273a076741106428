use super::*;
use crate::model::Instant;
use proptest::prelude::*;
use std::fmt::Write as _;

fn shift(note: Option<&'static str>) -> NewShift<'static> {
    NewShift {
        owner: "carol",
        from: Instant::parse("2026-11-20T10:30:00Z").unwrap(),
        note,
    }
}

fn edit(source: &str, role: &str, note: Option<&'static str>) -> String {
    let mut editor = Editor::new(source);
    editor.append_shift(role, &shift(note)).unwrap();
    editor.into_text()
}

fn event(text: &str) -> Vec<Field> {
    vec![
        Field::new("at", Value::Raw("2026-11-20T10:30:00Z".to_owned())),
        Field::new("event", Value::Text(text.to_owned())),
    ]
}

fn appended(source: &str, path: &[&str], fields: &[Field]) -> String {
    let mut editor = Editor::new(source);
    editor.append_item(path, fields).unwrap();
    editor.into_text()
}

fn set(source: &str, path: &[Step<'_>], field: &Field, after: &[&str]) -> String {
    let mut editor = Editor::new(source);
    editor.set(path, field, after).unwrap();
    editor.into_text()
}

#[test]
fn shorthand_becomes_a_two_shift_list() {
    let source = "# top\nroles:\n  tech_lead: \"bob\"   # primary\n  im: x\nafter: 1\n";
    assert_eq!(
        edit(source, "tech_lead", Some("Off shift.")),
        "# top\nroles:\n  tech_lead:\n    - owner: \"bob\"   # primary\n    - owner: carol\n      from: 2026-11-20T10:30:00Z\n      handover: Off shift.\n  im: x\nafter: 1\n"
    );
}

#[test]
fn a_shift_list_gets_a_new_item_after_its_last_one() {
    let source = "roles:\n  im:\n    - owner: alice\n    - owner: bob\n      from: 2026-11-20T10:00:00Z\n      handover: |\n        line one\n\n        line two\n\n  # a comment\n  tl: x\n";
    let edited = edit(source, "im", Some("two\nlines"));
    assert_eq!(
        edited,
        "roles:\n  im:\n    - owner: alice\n    - owner: bob\n      from: 2026-11-20T10:00:00Z\n      handover: |\n        line one\n\n        line two\n    - owner: carol\n      from: 2026-11-20T10:30:00Z\n      handover: |-\n        two\n        lines\n\n  # a comment\n  tl: x\n"
    );
}

#[test]
fn a_missing_role_is_added_under_roles() {
    let source = "roles:\n  im: alice\ntimeline: []\n";
    assert_eq!(
        edit(source, "tl", None),
        "roles:\n  im: alice\n  tl:\n    - owner: carol\n      from: 2026-11-20T10:30:00Z\ntimeline: []\n"
    );
}

#[test]
fn a_new_item_lines_its_keys_up_with_the_others() {
    let source =
        "roles:\n  im:\n  -   owner: alice\n  -   owner: bob\n      from: 2026-11-20T10:00:00Z\n";
    assert_eq!(
        edit(source, "im", None),
        format!("{source}  -   owner: carol\n      from: 2026-11-20T10:30:00Z\n")
    );
}

#[test]
fn a_new_list_copies_the_indentless_style_of_its_siblings() {
    let source = "roles:\n  im:\n  - owner: alice\n  tl: bob\n";
    assert_eq!(
        edit(source, "tl", None),
        "roles:\n  im:\n  - owner: alice\n  tl:\n  - owner: bob\n  - owner: carol\n    from: 2026-11-20T10:30:00Z\n"
    );
}

#[test]
fn crlf_files_stay_crlf() {
    let source = "roles:\r\n  im: alice\r\nx: 1\r\n";
    let edited = edit(source, "im", None);
    assert!(!edited.replace("\r\n", "").contains('\n'), "{edited:?}");
}

#[test]
fn flow_lists_are_refused() {
    let source = "roles:\n  im: [{owner: alice}]\n";
    let mut editor = Editor::new(source);
    assert!(editor.append_shift("im", &shift(None)).is_err());
    assert_eq!(editor.text(), source);
}

#[test]
fn an_empty_flow_list_becomes_a_block_list() {
    let source = "title: x\ntimeline: []   # none yet\nactions: []\n";
    assert_eq!(
        appended(source, &["timeline"], &event("Paged.")),
        "title: x\ntimeline:   # none yet\n  - at: 2026-11-20T10:30:00Z\n    event: Paged.\nactions: []\n"
    );
}

#[test]
fn a_missing_list_is_created_with_the_keys_above_it() {
    let source = "title: x\n# the end\n";
    let fields = [Field::new(
        "summary",
        Value::Text("Investigating.".to_owned()),
    )];
    assert_eq!(
        appended(source, &["communications", "updates"], &fields),
        "title: x\ncommunications:\n  updates:\n    - summary: Investigating.\n# the end\n"
    );
    let source = "title: x\ncommunications:\n  update_every: 30m\n";
    assert_eq!(
        appended(source, &["communications", "updates"], &fields),
        "title: x\ncommunications:\n  update_every: 30m\n  updates:\n    - summary: Investigating.\n"
    );
}

#[test]
fn an_item_goes_after_the_last_one_and_its_continuation_lines() {
    let source = "timeline:\n- at: 2026-11-20T09:00:00Z\n  event: >\n    folded\n    text\n\n# after\nactions: []\n";
    assert_eq!(
        appended(source, &["timeline"], &event("x: y")),
        "timeline:\n- at: 2026-11-20T09:00:00Z\n  event: >\n    folded\n    text\n- at: 2026-11-20T10:30:00Z\n  event: \"x: y\"\n\n# after\nactions: []\n"
    );
}

#[test]
fn set_replaces_a_value_in_place_keeping_its_comment() {
    let source = "title: x\nstatus: investigating   # for now\nstarted_at: 2026-11-20T09:00:00Z\n";
    let field = Field::new("status", Value::Raw("resolved".to_owned()));
    assert_eq!(
        set(source, &[], &field, &[]),
        "title: x\nstatus: resolved   # for now\nstarted_at: 2026-11-20T09:00:00Z\n"
    );
}

#[test]
fn set_adds_a_missing_key_after_the_one_named() {
    let source = "title: x\nstarted_at: 2026-11-20T09:00:00Z\nsummary: |\n  text\nroles: {}\n";
    let field = Field::new("resolved_at", Value::Raw("2026-11-20T11:00:00Z".to_owned()));
    assert_eq!(
        set(source, &[], &field, &["detected_at", "started_at"]),
        "title: x\nstarted_at: 2026-11-20T09:00:00Z\nresolved_at: 2026-11-20T11:00:00Z\nsummary: |\n  text\nroles: {}\n"
    );
    let source = "title: x\nresolved_at:\nsummary: y\n";
    assert_eq!(
        set(source, &[], &field, &[]),
        "title: x\nresolved_at: 2026-11-20T11:00:00Z\nsummary: y\n"
    );
}

#[test]
fn set_reaches_an_item_of_a_list() {
    let source = "actions:\n  - title: a\n    owner: bob\n  - title: b\n    status: open\n";
    let done = Field::new("status", Value::Raw("done".to_owned()));
    assert_eq!(
        set(source, &[Step::Key("actions"), Step::Item(0)], &done, &[]),
        "actions:\n  - title: a\n    owner: bob\n    status: done\n  - title: b\n    status: open\n"
    );
    assert_eq!(
        set(source, &[Step::Key("actions"), Step::Last], &done, &[]),
        "actions:\n  - title: a\n    owner: bob\n  - title: b\n    status: done\n"
    );
}

#[test]
fn set_refuses_flow_mappings_and_block_values() {
    let field = Field::new("status", Value::Raw("done".to_owned()));
    for source in [
        "actions:\n  - {title: a, status: open}\n",
        "actions:\n  - title: a\n    status: |\n      open\n",
    ] {
        let mut editor = Editor::new(source);
        let path = [Step::Key("actions"), Step::Item(0)];
        assert!(editor.set(&path, &field, &[]).is_err(), "{source}");
        assert_eq!(editor.text(), source);
    }
}

// ------------------------------------------------------------ properties

/// Records whose layout varies: comments, blank lines, indentation of
/// lists and mappings, a trailing line ending or none.
fn layout() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "# a comment\n", "\n", "# x: y\n\n"]),
        prop::sample::select(vec![0usize, 2, 4]),
        prop::sample::select(vec![2usize, 4]),
        prop::sample::select(vec!["", "   # note"]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(comment, dash, step, trailing, with_timeline, eol)| {
            let d = " ".repeat(dash);
            let s = " ".repeat(step);
            let mut text = format!(
                "{comment}title: 'A: b'{trailing}\nstatus: investigating{trailing}\nstarted_at: 2026-11-20T09:00:00Z\n{comment}roles:\n{s}tech_lead: bob{trailing}\n{s}incident_manager:\n{s}{d}- owner: alice\n{s}{d}  from: 2026-11-20T09:00:00Z\n{comment}"
            );
            if with_timeline {
                let _ = write!(
                    text,
                    "timeline:\n{d}- at: 2026-11-20T09:05:00Z{trailing}\n{d}  event: >\n{d}    folded\n\n"
                );
            }
            let _ = write!(text, "actions:\n{d}- title: Fix it\n{d}  owner: bob{trailing}\n{comment}links: []");
            if eol {
                text.push('\n');
            }
            text
        })
}

/// `after` is `before` with one stretch of bytes replaced; that stretch
/// (old and new) is returned.
fn changed_stretch<'a>(before: &'a str, after: &'a str) -> (&'a str, &'a str) {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (
        &before[prefix..before.len() - suffix],
        &after[prefix..after.len() - suffix],
    )
}

fn reparse(text: &str) -> SNode {
    crate::yaml::parse(text.as_bytes()).unwrap().unwrap()
}

/// The value at a dotted path, `n` for list items.
fn at<'n>(node: &'n SNode, path: &str) -> &'n SNode {
    path.split('.').fold(node, |node, step| match &node.node {
        Node::Map(entries) => {
            &entries
                .iter()
                .find(|(k, _)| k.key_text() == step)
                .unwrap()
                .1
        }
        Node::Seq(items) => &items[step.parse::<usize>().unwrap()],
        Node::Scalar(_) => panic!("{step}: not a collection"),
    })
}

fn text_at(node: &SNode, path: &str) -> String {
    match &at(node, path).node {
        Node::Scalar(Scalar::Str(s)) => s.clone(),
        other => panic!("{path}: {other:?}"),
    }
}

proptest! {
    #[test]
    fn appending_an_event_only_inserts_whole_lines(source in layout(), text in "[a-zA-Z :#'\"-]{1,20}") {
        let after = appended(&source, &["timeline"], &event(&text));
        let (old, new) = changed_stretch(&source, &after);
        // Nothing was removed, except a missing final line ending that an
        // insertion at the end supplies.
        prop_assert!(old.is_empty(), "removed {old:?}");
        prop_assert!(new.contains("event:"), "{new:?}");
        let root = reparse(&after);
        let Node::Seq(items) = &at(&root, "timeline").node else { panic!("not a list") };
        let last = items.len() - 1;
        prop_assert_eq!(text_at(&root, &format!("timeline.{last}.event")), text);
        prop_assert_eq!(text_at(&root, "title"), "A: b");
        prop_assert_eq!(text_at(&root, "actions.0.owner"), "bob");
    }

    #[test]
    fn a_handover_changes_only_the_roles_lines(source in layout(), role in prop::sample::select(vec!["tech_lead", "incident_manager", "postmortem_owner"])) {
        let after = edit(&source, role, Some("two\nlines"));
        let (old, new) = changed_stretch(&source, &after);
        prop_assert!(!old.contains('\n'), "removed a line: {old:?}");
        prop_assert!(new.contains("owner: carol"), "{new:?}");
        let root = reparse(&after);
        let Node::Seq(shifts) = &at(&root, &format!("roles.{role}")).node else { panic!("not a list") };
        let last = shifts.len() - 1;
        prop_assert_eq!(text_at(&root, &format!("roles.{role}.{last}.handover")), "two\nlines");
        // The shorthand's owner stays the first shift's, whichever role changed.
        prop_assert_eq!(text_at(&root, if role == "tech_lead" { "roles.tech_lead.0.owner" } else { "roles.tech_lead" }), "bob");
        prop_assert_eq!(text_at(&root, "title"), "A: b");
    }

    #[test]
    fn setting_a_value_replaces_only_that_value(source in layout(), status in prop::sample::select(vec!["resolved", "monitoring"])) {
        let after = set(&source, &[], &Field::new("status", Value::Raw(status.to_owned())), &[]);
        let (old, new) = changed_stretch(&source, &after);
        prop_assert!("investigating".contains(old), "{old:?}");
        prop_assert!(status.contains(new), "{new:?}");
        prop_assert_eq!(text_at(&reparse(&after), "status"), status);
    }

    #[test]
    fn marking_an_action_done_only_inserts_one_line(source in layout()) {
        let path = [Step::Key("actions"), Step::Item(0)];
        let after = set(&source, &path, &Field::new("status", Value::Raw("done".to_owned())), &[]);
        let (old, new) = changed_stretch(&source, &after);
        prop_assert!(old.is_empty());
        prop_assert_eq!(new.trim(), "status: done");
        prop_assert_eq!(text_at(&reparse(&after), "actions.0.status"), "done");
    }

    #[test]
    fn a_new_nested_list_only_inserts_lines(source in layout(), summary in "[a-zA-Z :#'-]{1,16}") {
        let fields = [
            Field::new("at", Value::Raw("2026-11-20T10:30:00Z".to_owned())),
            Field::new("summary", Value::Text(summary.clone())),
        ];
        let after = appended(&source, &["communications", "updates"], &fields);
        let (old, new) = changed_stretch(&source, &after);
        prop_assert!(old.is_empty(), "removed {old:?}");
        prop_assert!(new.contains("communications:"), "{new:?}");
        let root = reparse(&after);
        prop_assert_eq!(text_at(&root, "communications.updates.0.summary"), summary);
        prop_assert_eq!(text_at(&root, "actions.0.title"), "Fix it");
    }
}
