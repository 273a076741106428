//! YAML read as YAML means it (issue 13, point 5): aliases are their
//! values, tags follow the YAML 1.2 core schema, `.inf` is text where text
//! is expected, numbers in `rolecall.yaml` are core-schema numbers with
//! messages that say what was found, and record, configuration and roster
//! files are found whatever the case of their extension.

use crate::harness::{CLEAN_RECORD, PEOPLE, Project};

/// `rolecall render --no-commit`, which must succeed.
fn render(project: &Project) {
    project.run(&["render", "--no-commit"]).code(0);
}

/// A clean record with `extra` lines added at the top level.
fn record_with(extra: &str) -> String {
    format!("{CLEAN_RECORD}{extra}")
}

#[test]
fn an_alias_to_a_number_is_its_value_where_text_is_expected() {
    let project = Project::new();
    project.file("people.yaml", PEOPLE).record(
        "INC-1",
        &record_with("summary: &n 1.50\nimpact: *n\ntimeline:\n  - at: 2026-11-20T09:05:00Z\n    event: &yes true\n  - at: 2026-11-20T09:06:00Z\n    event: *yes\n"),
    );
    let run = project.check(&[]);
    run.code(0);
    assert!(!run.stdout.contains("*n"), "{}", run.stdout);
    render(&project);
    let overview = project.read("incidents/INC-1/README.md");
    assert_eq!(overview.matches("1.50").count(), 2, "{overview}");
    assert!(
        !overview.contains("*n") && !overview.contains("*yes"),
        "{overview}"
    );
    assert_eq!(overview.matches("true").count(), 2, "{overview}");
}

#[test]
fn an_alias_to_a_numeric_person_key_names_that_person() {
    let project = Project::new();
    let people = format!("{PEOPLE}1001:\n  name: Frank Ito\n");
    let record = CLEAN_RECORD.replace(
        "  postmortem_owner: dave\n",
        "  postmortem_owner: &p 1001\nactions:\n  - title: Add a guard\n    owner: *p\n",
    );
    project
        .file("people.yaml", &people)
        .record("INC-1", &record);
    let run = project.check(&["--format", "json"]);
    run.code(0);
    assert!(!run.stdout.contains("unknown-person"), "{}", run.stdout);
    render(&project);
    let postmortem = project.read("incidents/INC-1/postmortem.md");
    assert!(
        postmortem.contains("Add a guard (Frank Ito"),
        "{postmortem}"
    );
}

#[test]
fn aliases_to_mappings_and_lists_are_read_where_records_take_them() {
    let project = Project::new();
    let record = record_with(
        "actions:\n  - &guard\n    title: Add a guard\n    owner: bob\n  - *guard\nservices: &s [checkout-api]\nlinks:\n  - {title: Services, url: *s}\n",
    );
    project.file("people.yaml", PEOPLE).record("INC-1", &record);
    let run = project.check(&[]);
    run.code(1);
    // The alias to a list is read as the list it is, which a link's url
    // cannot be: a schema finding on the alias, not the text `*s`.
    assert!(
        run.stdout
            .contains("this value should be text, found a list"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("INC-1.yaml:25:"), "{}", run.stdout);
    let fixed = record.replace("url: *s", "url: https://example.com/services");
    project.record("INC-1", &fixed);
    project.check(&[]).code(0);
    render(&project);
    let postmortem = project.read("incidents/INC-1/postmortem.md");
    assert_eq!(postmortem.matches("Add a guard").count(), 2, "{postmortem}");
}

#[test]
fn tagged_scalars_are_their_core_schema_values() {
    let project = Project::new();
    let record = CLEAN_RECORD
        .replace("channel: status-page", "channel: !!str 12")
        .replace("summary: Investigating.", "summary: !!int \"12\"")
        + "impact: !!float 1.50\n";
    project
        .file("people.yaml", PEOPLE)
        .file(
            "rolecall.yaml",
            "severities:\n  SEV2:\n    required_roles: [incident_manager]\n    postmortem_within_days: !!int \"4\"\nroles:\n  scribe:\n    name: Scribe\n    exclusive: !!bool \"false\"\n",
        )
        .record("INC-1", &record);
    project.check(&[]).code(0);
    render(&project);
    let postmortem = project.read("incidents/INC-1/postmortem.md");
    assert!(postmortem.contains("UTC (12): 12"), "{postmortem}");
    assert!(postmortem.contains("1.50"), "{postmortem}");
    // Resolved on Friday 2026-11-20, due four business days later.
    assert!(postmortem.contains("| Due | 2026-11-26 |"), "{postmortem}");
    let roles = project.run(&["roles"]);
    assert!(roles.stdout.contains("scribe"), "{}", roles.stdout);
}

#[test]
fn an_unknown_tag_is_a_schema_finding_on_its_line() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .record(
            "INC-1",
            &CLEAN_RECORD.replace("title: Clean record", "title: !secret Clean record"),
        )
        .record("INC-2", &record_with("impact: !!binary aGVsbG8=\n"));
    let run = project.check(&[]);
    run.code(1);
    assert!(
        run.stdout.contains("error[schema]: unknown tag `!secret`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("INC-1.yaml:1:"), "{}", run.stdout);
    assert!(
        run.stdout.contains("error[schema]: unknown tag `!!binary`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("INC-2.yaml:18:"), "{}", run.stdout);
    assert!(!run.stdout.contains("syntax"), "{}", run.stdout);
}

#[test]
fn infinity_and_nan_are_text_in_text_fields() {
    let project = Project::new();
    let record = CLEAN_RECORD.replace("title: Clean record", "title: .inf")
        + "summary: -.inf\nimpact: .NaN\n";
    project.file("people.yaml", PEOPLE).record("INC-1", &record);
    let run = project.check(&[]);
    run.code(0);
    assert!(!run.stdout.contains("syntax"), "{}", run.stdout);
    render(&project);
    let overview = project.read("incidents/INC-1/README.md");
    assert!(overview.contains("# INC-1: .inf\n"), "{overview}");
    assert!(overview.contains(".NaN"), "{overview}");
    assert!(overview.contains(".inf"), "{overview}");
}

#[test]
fn configuration_numbers_follow_the_core_schema() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .file(
            "rolecall.yaml",
            "severities:\n  SEV2:\n    required_roles: [incident_manager]\n    postmortem_within_days: 010\n  SEV3:\n    postmortem_within_days: 0o10\n  SEV4:\n    postmortem_within_days: 0x10\n",
        )
        .record("INC-1", CLEAN_RECORD);
    project.check(&[]).code(0);
    render(&project);
    // 010 is ten business days after Friday 2026-11-20, not eight.
    let postmortem = project.read("incidents/INC-1/postmortem.md");
    assert!(postmortem.contains("| Due | 2026-12-04 |"), "{postmortem}");
}

#[test]
fn configuration_numbers_outside_the_core_schema_say_what_they_are() {
    let project = Project::new();
    project.file(
        "rolecall.yaml",
        "severities:\n  SEV1:\n    postmortem_within_days: 1_0\n  SEV2:\n    postmortem_within_days: 1e3\n  SEV3:\n    postmortem_within_days: -1\n  SEV4:\n    postmortem_within_days: 99999999999\n    update_every: 010\n",
    );
    let run = project.check(&[]);
    run.code(1);
    let out = &run.stdout;
    for expected in [
        "rolecall.yaml:3:5",
        "should be a whole number of 0 or more, found the text `1_0`",
        "YAML 1.2 numbers have no `_` separators: write `10`",
        "rolecall.yaml:5:5",
        "found the floating-point number `1e3`",
        "write it without a decimal point or exponent: `1000`",
        "rolecall.yaml:7:5",
        "found the whole number `-1`",
        "rolecall.yaml:9:5",
        "`99999999999` is too large here",
        "rolecall.yaml:10:5",
        "`010` is not a duration",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }
    assert!(!out.contains("found a number"), "{out}");
}

#[test]
fn records_with_upper_case_extensions_are_read() {
    let project = Project::new();
    project
        .file("people.yaml", PEOPLE)
        .file("incidents/INC-1.YAML", CLEAN_RECORD)
        .file("incidents/2026/INC-2.Yml", CLEAN_RECORD);
    let run = project.check(&[]);
    run.code(0);
    assert!(run.stdout.contains("checked 2 incidents"), "{}", run.stdout);
    render(&project);
    assert!(project.exists("incidents/INC-1/README.md"));
    assert!(project.exists("incidents/INC-2/README.md"));
    let index = project.read("incidents/README.md");
    assert!(
        index.contains("INC-1") && index.contains("INC-2"),
        "{index}"
    );
}

#[test]
fn configuration_and_roster_are_found_in_another_case() {
    let project = Project::new();
    let record = CLEAN_RECORD
        .replace("severity: SEV2", "severity: SEV9")
        .replace("tech_lead: bob", "tech_lead: zed");
    project
        .file(
            "rolecall.YAML",
            "severities:\n  SEV9:\n    required_roles: [incident_manager]\n",
        )
        .file("people.YML", format!("{PEOPLE}zed:\n  name: Zed Oduya\n"))
        .record("INC-1", &record);
    let run = project.check(&[]);
    run.code(0);
    render(&project);
    let overview = project.read("incidents/INC-1/README.md");
    assert!(overview.contains("Zed Oduya"), "{overview}");
    // Without them, the severity and the person are unknown.
    std::fs::remove_file(project.abs("rolecall.YAML")).expect("remove");
    std::fs::remove_file(project.abs("people.YML")).expect("remove");
    project.check(&[]).code(1);
}

#[test]
fn two_spellings_of_the_configuration_are_reported_not_guessed() {
    let project = Project::new();
    project
        .file("rolecall.yml", "holidays: [2026-12-25]\n")
        .file("rolecall.YAML", "holidays: []\n")
        .file("People.yaml", PEOPLE)
        .file("people.yml", PEOPLE)
        .record("INC-1", CLEAN_RECORD);
    let run = project.check(&[]);
    run.code(1);
    assert!(
        run.stdout
            .contains("more than one configuration file: `rolecall.YAML`, `rolecall.yml`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("keep one of them, named `rolecall.yaml`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("more than one roster: `People.yaml`, `people.yml`"),
        "{}",
        run.stdout
    );
}
