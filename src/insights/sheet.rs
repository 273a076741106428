//! Insights as text for people and spreadsheets: the human tables (with
//! the DORA band of the median time to resolve) and the CSV sheets, one by
//! group and one by person (for on-call pay).

use std::fmt::Write as _;

use super::{Actions, Group, Insights, Metric, Postmortems, dora_band};
use crate::table::Table;

/// Each group with its kind (`overall`, `severity`, `service`, `month`)
/// and key, in report order.
pub fn groups(insights: &Insights) -> Vec<(&'static str, &str, &Group)> {
    let mut all = vec![("overall", "all", &insights.overall)];
    all.extend(
        insights
            .by_severity
            .iter()
            .map(|(k, g)| ("severity", k.as_str(), g)),
    );
    all.extend(
        insights
            .by_service
            .iter()
            .map(|(k, g)| ("service", k.as_str(), g)),
    );
    all.extend(
        insights
            .by_month
            .iter()
            .map(|(k, g)| ("month", k.as_str(), g)),
    );
    all
}

/// A duration in minutes the way records write durations (`1h30m`,
/// `4m30s`), rounded to the second; `-` when there is none.
pub fn duration(minutes: Option<f64>) -> String {
    minutes.map_or_else(
        || "-".to_owned(),
        |m| {
            #[allow(clippy::cast_possible_truncation)]
            // minutes of incidents are far from i64's end
            let seconds = (m * 60.0).round() as i64;
            crate::model::time::compact_duration(jiff::SignedDuration::from_secs(seconds))
        },
    )
}

/// The band of a group's median time to resolve, `-` without one.
pub fn band(group: &Group) -> &'static str {
    group.time_to_resolve.median.map_or("-", dora_band)
}

/// `done/required`, with the overdue ones when there are any.
pub fn postmortems_cell(p: &Postmortems) -> String {
    with_overdue(format!("{}/{}", p.done, p.required), p.overdue)
}

/// `done/total`, with the overdue ones when there are any.
pub fn actions_cell(a: &Actions) -> String {
    with_overdue(format!("{}/{}", a.done, a.total), a.overdue)
}

fn with_overdue(text: String, overdue: Option<usize>) -> String {
    match overdue {
        Some(n) if n > 0 => format!("{text} ({n} overdue)"),
        _ => text,
    }
}

/// The human report: a summary line, the groups table, the people table.
pub fn human(insights: &Insights, color: bool) -> String {
    let noun = if insights.incidents == 1 {
        "incident"
    } else {
        "incidents"
    };
    let mut text = format!(
        "{} {noun} counted, {} open\n\n",
        insights.incidents, insights.open
    );
    let mut table = Table::new(&[
        "GROUP",
        "INCIDENTS",
        "DETECT",
        "ASSEMBLE",
        "MITIGATE",
        "RESOLVE",
        "RESOLVE P90",
        "DORA",
        "POSTMORTEMS",
        "ACTIONS",
    ]);
    for (kind, key, group) in groups(insights) {
        let name = if kind == "overall" {
            "overall".to_owned()
        } else {
            format!("{kind} {key}")
        };
        table.row(&[
            name,
            group.count.to_string(),
            duration(group.time_to_detect.median),
            duration(group.time_to_assemble.median),
            duration(group.time_to_mitigate.median),
            duration(group.time_to_resolve.median),
            duration(group.time_to_resolve.p90),
            band(group).to_owned(),
            postmortems_cell(&group.postmortems),
            actions_cell(&group.actions),
        ]);
    }
    text.push_str(&table.render(color));
    text.push_str("\ntimes are medians from `started_at`; DORA: the band of the median time to resolve (elite < 1h, high < 1d, medium < 1w, low beyond)\n");
    if !insights.people.is_empty() {
        let mut people = Table::new(&[
            "PERSON",
            "ROLE",
            "INCIDENTS",
            "ON SHIFT",
            "OFF-HOURS",
            "HANDOVERS GIVEN",
            "RECEIVED",
        ]);
        for person in &insights.people {
            for (role, load) in &person.roles {
                people.row(&[
                    person.person.clone(),
                    role.clone(),
                    load.incidents.to_string(),
                    duration(Some(load.minutes)),
                    duration(Some(load.off_hours_minutes)),
                    load.handovers_given.to_string(),
                    load.handovers_received.to_string(),
                ]);
            }
        }
        text.push('\n');
        text.push_str(&people.render(color));
    }
    text
}

const METRICS: [&str; 4] = [
    "time_to_detect",
    "time_to_assemble",
    "time_to_mitigate",
    "time_to_resolve",
];

/// One row per group: its kind and key, the count, every metric's four
/// figures (minutes), postmortems and actions. RFC 4180, CRLF line ends.
pub fn csv_by_group(insights: &Insights) -> String {
    let mut header = vec!["group".to_owned(), "key".to_owned(), "count".to_owned()];
    for metric in METRICS {
        for figure in ["count", "mean", "median", "p90"] {
            header.push(format!("{metric}_{figure}"));
        }
    }
    for name in [
        "postmortems_required",
        "postmortems_done",
        "postmortems_overdue",
        "actions_total",
        "actions_done",
        "actions_open",
        "actions_overdue",
    ] {
        header.push(name.to_owned());
    }
    let mut rows = vec![header];
    for (kind, key, g) in groups(insights) {
        let mut row = vec![kind.to_owned(), key.to_owned(), g.count.to_string()];
        for metric in [
            &g.time_to_detect,
            &g.time_to_assemble,
            &g.time_to_mitigate,
            &g.time_to_resolve,
        ] {
            row.extend(metric_cells(metric));
        }
        let p = &g.postmortems;
        let a = &g.actions;
        row.extend([
            p.required.to_string(),
            p.done.to_string(),
            optional(p.overdue),
            a.total.to_string(),
            a.done.to_string(),
            a.open.to_string(),
            optional(a.overdue),
        ]);
        rows.push(row);
    }
    csv(&rows)
}

/// One row per person and role: the sheet for on-call pay.
pub fn csv_by_person(insights: &Insights) -> String {
    let mut rows = vec![
        [
            "person",
            "name",
            "timezone",
            "role",
            "incidents",
            "minutes",
            "off_hours_minutes",
            "handovers_given",
            "handovers_received",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for person in &insights.people {
        for (role, load) in &person.roles {
            rows.push(vec![
                person.person.clone(),
                person.name.clone().unwrap_or_default(),
                person.timezone.clone(),
                role.clone(),
                load.incidents.to_string(),
                number(load.minutes),
                number(load.off_hours_minutes),
                load.handovers_given.to_string(),
                load.handovers_received.to_string(),
            ]);
        }
    }
    csv(&rows)
}

fn metric_cells(metric: &Metric) -> [String; 4] {
    let figure = |v: Option<f64>| v.map(number).unwrap_or_default();
    [
        metric.count.to_string(),
        figure(metric.mean),
        figure(metric.median),
        figure(metric.p90),
    ]
}

fn optional(value: Option<usize>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Minutes with at most two decimals, no trailing zeros (`4.5`, `120`).
pub fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn csv(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        let _ = write!(out, "{}\r\n", cells.join(","));
    }
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_records() {
        assert_eq!(duration(None), "-");
        assert_eq!(duration(Some(90.0)), "1h30m");
        assert_eq!(duration(Some(4.5)), "4m30s");
        assert_eq!(duration(Some(0.0)), "0m");
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(120.0), "120");
        assert_eq!(number(4.5), "4.5");
        assert_eq!(number(1.0 / 3.0), "0.33");
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("alice"), "alice");
        assert_eq!(field("Smith, Alice"), "\"Smith, Alice\"");
        assert_eq!(field("a \"b\""), "\"a \"\"b\"\"\"");
    }
}
