//! `rolecall render` against hostile records, template overrides and
//! files it does not own: whatever a record or a repository holds, the
//! documents keep the structure their templates intend (SPEC §6.2), template
//! errors name the file and line (§6.1), and nothing is written that should
//! not be (§6 step 3).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use rolecall::render::markers;

use crate::harness::{CLEAN_RECORD, PEOPLE, Project};
use crate::render_docs::{documents, listing, render};

/// Everything a record can put in a document, made to break it. No roster,
/// so person names are free text too.
const HOSTILE_RECORD: &str = r#"title: "Pipes | stars * under_scores _ [x](javascript:alert(1)) <script>alert(1)</script> `code` ``more``"
severity: SEV2
status: resolved
started_at: 2026-11-20T09:00:00Z
resolved_at: 2026-11-20T09:40:00Z
summary: |
  Before the markers.
  <!-- rolecall:end summary -->
  <!-- rolecall:begin timeline -->
  <div>
  Unclosed div with [a link](javascript:alert(2)) and **bold**.

  ## A heading inside
impact: "100% | of <b>users</b>"
services: ["svc | <b>x</b>", "`tick"]
roles:
  incident_manager:
    - owner: alice
    - owner: "Mallory | *x* <script>alert(5)</script>"
      from: 2026-11-20T09:20:00Z
      handover: |
        <!-- rolecall:end roles -->
        <script>alert(3)</script>
  tech_lead: bob
  communications_manager: carol
  postmortem_owner: "dave`"
responders:
  - person: "zed [z](javascript:alert(6))"
    role: domain_expert
communications:
  updates:
    - at: 2026-11-20T09:30:00Z
      channel: "status | page"
      summary: "Posted\nupdate | pipe"
timeline:
  - at: 2026-11-20T09:05:00Z
    event: "first line\nsecond | line"
actions:
  - title: "Fix <script>x</script> | now"
    owner: bob
    link: "javascript:alert(4)"
links:
  - title: "Dashboard [1]"
    url: "javascript:alert(1)"
postmortem:
  status: pending
"#;

const HOSTILE_TITLE: &str = "Pipes | stars * under_scores _ [x](javascript:alert(1)) <script>alert(1)</script> `code` ``more``";

/// The cells of each row (header first) of each table in `text`.
fn tables(text: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => tables.push(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some(table) = tables.last_mut() {
                    table.push(Vec::new());
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::TableCell) => {
                let row = tables.last_mut().and_then(|t| t.last_mut());
                if let (Some(row), Some(c)) = (row, cell.take()) {
                    row.push(c);
                }
            }
            _ => {}
        }
    }
    tables
}

/// The text of every heading, with its level.
fn headings(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((level as usize, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, heading)) = current.as_mut() {
                    heading.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => found.extend(current.take()),
            _ => {}
        }
    }
    found
}

/// No raw `<script>` or `<div>`, no `javascript:` link or image, and every
/// table row as wide as its header.
#[track_caller]
fn assert_structure_intact(path: &str, text: &str) {
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match &event {
            Event::Html(html) | Event::InlineHtml(html) => {
                let html = html.to_ascii_lowercase();
                assert!(
                    !html.contains("<script") && !html.contains("<div"),
                    "{path}: raw HTML {html:?} survived in\n{text}"
                );
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let dest = dest_url.trim().to_ascii_lowercase();
                assert!(
                    !dest.starts_with("javascript:"),
                    "{path}: link to {dest_url} survived in\n{text}"
                );
            }
            _ => {}
        }
    }
    for table in tables(text) {
        let width = table[0].len();
        for row in &table {
            assert_eq!(row.len(), width, "{path}: row {row:?} in\n{text}");
        }
    }
}

#[test]
fn a_hostile_record_cannot_break_the_documents() {
    let project = Project::new();
    project.record("INC-666", HOSTILE_RECORD);
    render(&project, &[]).code(0);
    let docs = documents(&project);
    assert!(docs.len() > 5, "{:?}", docs.keys());
    for (path, text) in &docs {
        assert_structure_intact(path, text);
    }

    // The index keeps its eight columns, the title sits in one cell as written.
    let index = tables(&docs["incidents/README.md"]);
    assert_eq!(index.len(), 1);
    assert!(index[0].iter().all(|row| row.len() == 8), "{index:?}");
    assert_eq!(index[0][1][1], HOSTILE_TITLE);

    // Titles read literally in headings.
    let overview = &docs["incidents/INC-666/README.md"];
    assert_eq!(
        headings(overview)[0],
        (1, format!("INC-666: {HOSTILE_TITLE}"))
    );
    assert!(
        headings(overview).contains(&(2, "A heading inside".to_owned())),
        "the summary's own Markdown still renders"
    );
    assert!(overview.contains("- 2026-11-20 09:05 UTC: first line second \\| line\n"));

    // The timeline event keeps to one row of two cells.
    let postmortem = &docs["incidents/INC-666/postmortem.md"];
    let timeline = tables(postmortem)
        .into_iter()
        .find(|t| t[0] == ["Time (UTC)", "Event"])
        .expect("timeline table");
    assert_eq!(
        timeline[1..],
        [vec![
            "2026-11-20 09:05 UTC".to_owned(),
            "first line second | line".to_owned()
        ]]
    );

    // The markers the record smuggled in are text; the real ones pair up.
    let names: Vec<&str> = markers::sections(postmortem)
        .expect("balanced markers")
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        names,
        [
            "metadata",
            "summary",
            "timeline",
            "roles",
            "communications",
            "actions",
            "trigger",
            "resolution"
        ]
    );

    // And the file merges cleanly on the next render.
    let again = render(&project, &[]);
    again.code(0);
    assert!(again.stdout.contains(" 0 written"), "{}", again.stdout);
}

#[test]
fn an_unclosed_fence_in_a_block_field_cannot_swallow_a_marker() {
    let project = Project::new();
    let record = CLEAN_RECORD.replace(
        "roles:\n",
        "summary: |\n  ```\n  unclosed\nimpact: |\n  ~~~~\n  also unclosed\nroles:\n",
    );
    project.file("people.yaml", PEOPLE).record("INC-1", &record);
    render(&project, &[]).code(0);
    let postmortem = project.read("incidents/INC-1/postmortem.md");
    assert_eq!(markers::sections(&postmortem).expect("markers").len(), 8);
    let again = render(&project, &[]);
    again.code(0);
    assert!(again.stdout.contains(" 0 written"), "{}", again.stdout);
}

// ---------------------------------------------------------------- templates

/// A project with a SEV2 and a SEV4 record and a roster.
fn two_severities() -> Project {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", CLEAN_RECORD)
        .record(
            "INC-2",
            "title: Small one\nseverity: SEV4\nstatus: resolved\n\
             started_at: 2026-11-19T09:00:00Z\nresolved_at: 2026-11-19T09:10:00Z\n\
             roles:\n  incident_manager: erin\n  tech_lead: bob\n",
        );
    project
}

#[test]
fn overrides_replace_templates_globally_per_role_and_per_severity() {
    let project = two_severities();
    project
        .file(
            "templates/index.md.tera",
            "# Our incidents\n\n{% for i in incidents %}- {{ i.id }}\n{% endfor %}",
        )
        .file(
            "templates/brief/tech_lead.md.tera",
            "{% include \"brief.md.tera\" %}\n\n## House rules\n\nCustom notes for the {{ role.name }}.\n",
        )
        .file(
            "templates/postmortem/SEV4.md.tera",
            "<!-- rolecall:sections notes -->\n# Quick review: {{ incident.id }}\n\n\
             <!-- rolecall:begin notes -->\n{{ incident.title | inline }}\n<!-- rolecall:end notes -->\n",
        );
    render(&project, &[]).code(0);

    let index = project.read("incidents/README.md");
    assert_eq!(
        index.split_once('\n').expect("header").1,
        "# Our incidents\n\n- INC-1\n- INC-2\n"
    );
    for id in ["INC-1", "INC-2"] {
        let brief = project.read(&format!("incidents/{id}/briefs/tech_lead.md"));
        assert!(
            brief.contains(&format!("# Tech lead brief: {id}\n")),
            "{brief}"
        );
        assert!(
            brief.ends_with("## House rules\n\nCustom notes for the Tech lead.\n"),
            "{brief}"
        );
        let other = project.read(&format!("incidents/{id}/briefs/incident_manager.md"));
        assert!(!other.contains("House rules"), "{other}");
    }
    let small = project.read("incidents/INC-2/postmortem.md");
    assert!(small.contains("# Quick review: INC-2\n"), "{small}");
    assert!(!small.contains("## Root cause"), "{small}");
    let big = project.read("incidents/INC-1/postmortem.md");
    assert!(big.contains("## Root cause"), "{big}");
}

#[test]
fn the_filters_do_what_the_template_docs_say() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", CLEAN_RECORD)
        .file(
            "templates/index.md.tera",
            r#"# Filters

- {{ "a|b *c* <d>" | inline }}
- {{ "" | cell }}
- {{ "x <b>y</b> [z](javascript:1)" | block }}
- {{ "https://e.example/a b" | url }} {{ "javascript:alert(1)" | url }}
- {{ "https://e.example" | link(text="Site [1]") }} {{ "javascript:x" | link(text="Evil") }}
- {{ "2026-11-20T10:14:00+01:00" | utc }}
- {{ 6480 | duration }}, {{ "2h30m" | duration }}
- {{ "alice" | person }}, {{ "alice" | person(contact=false) }}, {{ "zoe" | person }}
- {{ ["alice", "bob"] | people(contact=false) }}; {{ [] | people }}
- {{ "DB: x #2" | mermaid }}
"#,
        );
    render(&project, &[]).code(0);
    let index = project.read("incidents/README.md");
    assert_eq!(
        index.split_once('\n').expect("header").1,
        r"# Filters

- a\|b \*c\* \<d\>
- —
- x &lt;b>y&lt;/b> z
- https://e.example/a%20b #
- [Site \[1\]](<https://e.example>) Evil
- 2026-11-20 09:14 UTC
- 1 h 48 min, 2 h 30 min
- Alice Smith (@alice), Alice Smith, zoe
- Alice Smith, Bob Jones; nobody
- DB x 2
"
    );
}

/// Renders with one broken template: exit 1 naming `file:line`, and the
/// project exactly as it was (rendered or not).
#[track_caller]
fn assert_template_error(file: &str, source: &str, line: usize, already_rendered: bool) {
    let project = two_severities();
    if already_rendered {
        render(&project, &[]).code(0);
        project.record("INC-1", &CLEAN_RECORD.replace("Clean record", "Renamed"));
    }
    project.file(file, source);
    let before = listing(&project);
    let run = render(&project, &[]);
    run.code(1);
    let place = format!("{file}:{line}:");
    assert!(
        run.stderr.contains(&place),
        "{place} not in\n{}",
        run.stderr
    );
    assert_eq!(listing(&project), before, "something was written");
}

#[test]
fn a_template_syntax_error_names_the_file_and_line_and_writes_nothing() {
    let source = "# {{ role.name }}\n\n{{ role.name | }}\n";
    assert_template_error("templates/brief/tech_lead.md.tera", source, 3, false);
    assert_template_error("templates/brief/tech_lead.md.tera", source, 3, true);
}

#[test]
fn an_undefined_variable_names_the_file_and_line_and_writes_nothing() {
    let source = "# Incidents\n\n{{ incidents | length }}\n{{ no_such_thing }}\n";
    assert_template_error("templates/index.md.tera", source, 4, false);
    assert_template_error("templates/index.md.tera", source, 4, true);
    let source = "# Review\n\n{{ incident.no_such_field }}\n";
    assert_template_error("templates/postmortem/SEV4.md.tera", source, 3, false);
}

#[test]
fn a_template_that_breaks_the_postmortem_markers_is_refused() {
    let source = "# Review\n\n<!-- rolecall:begin notes -->\n{{ incident.title }}\n";
    let project = two_severities();
    project.file("templates/postmortem/SEV4.md.tera", source);
    let before = listing(&project);
    let run = render(&project, &[]);
    run.code(1);
    assert!(
        run.stderr.contains("templates/postmortem/SEV4.md.tera"),
        "{}",
        run.stderr
    );
    assert_eq!(listing(&project), before);
}

// ---------------------------------------------------------------- ownership

#[test]
fn a_foreign_file_at_a_generated_path_stops_the_render() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", CLEAN_RECORD)
        .file("incidents/INC-1/briefs/tech_lead.md", "# My own notes\n");
    let before = listing(&project);
    let run = render(&project, &[]);
    run.code(1);
    assert!(
        run.stderr.contains("incidents/INC-1/briefs/tech_lead.md"),
        "{}",
        run.stderr
    );
    assert_eq!(listing(&project), before);
}

#[test]
fn stale_documents_are_removed_and_people_s_files_are_left_alone() {
    let project = Project::new();
    let record = format!("{CLEAN_RECORD}responders:\n  - person: erin\n    role: domain_expert\n");
    project.file("people.yaml", PEOPLE).record("INC-1", &record);
    render(&project, &[]).code(0);
    let brief = "incidents/INC-1/briefs/domain_expert.md";
    assert!(project.exists(brief));
    let own = [
        ("incidents/notes.md", "# Team notes\n"),
        ("incidents/INC-1/notes.md", "Our notes.\n"),
        (
            "incidents/INC-1/briefs/extra.md",
            "An extra brief we wrote.\n",
        ),
        ("incidents/INC-1/briefs/draft.txt", "not Markdown\n"),
    ];
    for (path, text) in own {
        project.file(path, text);
    }

    project.record("INC-1", CLEAN_RECORD);
    let check = project.run(&["render", "--check"]);
    check.code(1);
    assert!(
        check.stdout.contains(&format!("would remove {brief}")),
        "{}",
        check.stdout
    );
    let run = render(&project, &[]);
    run.code(0);
    assert!(run.stdout.contains(" 1 removed"), "{}", run.stdout);
    assert!(!project.exists(brief));
    for (path, text) in own {
        assert_eq!(project.read(path), text, "{path}");
    }
}

#[test]
fn stale_documents_are_found_in_a_configured_output_folder_and_hidden_ones_left_alone() {
    // Beside the records, stale documents come from the walk that found the
    // records; in an output folder of their own, from a walk of that folder.
    for output in ["incidents", "docs/incidents"] {
        let project = Project::new();
        let record =
            format!("{CLEAN_RECORD}responders:\n  - person: erin\n    role: domain_expert\n");
        project
            .file("people.yaml", PEOPLE)
            .file("rolecall.yaml", format!("output: {output}\n"))
            .record("INC-1", &record);
        render(&project, &[]).code(0);
        let brief = format!("{output}/INC-1/briefs/domain_expert.md");
        let hidden = format!("{output}/INC-1/.drafts/domain_expert.md");
        project.file(&hidden, project.read(&brief));

        project.record("INC-1", CLEAN_RECORD);
        let run = render(&project, &[]);
        run.code(0);
        assert!(
            run.stdout.contains(" 1 removed"),
            "{output}: {}",
            run.stdout
        );
        assert!(!project.exists(&brief), "{output}");
        assert!(project.exists(&hidden), "{output}");
    }
}

#[test]
fn a_record_with_errors_blocks_rendering() {
    let project = Project::new();
    let broken = CLEAN_RECORD.replace("  tech_lead: bob\n", "");
    project
        .file("people.yaml", PEOPLE)
        .record("INC-1", CLEAN_RECORD)
        .record("INC-2", &broken);
    let before = listing(&project);
    let run = render(&project, &[]);
    run.code(1);
    assert!(run.stderr.contains("missing-owner"), "{}", run.stderr);
    assert_eq!(listing(&project), before);

    // Also once documents exist: none changes.
    project.record("INC-2", CLEAN_RECORD);
    render(&project, &[]).code(0);
    project.record("INC-1", &CLEAN_RECORD.replace("Clean record", "Renamed"));
    project.record("INC-2", &broken);
    let before = listing(&project);
    render(&project, &[]).code(1);
    assert_eq!(listing(&project), before);
}
