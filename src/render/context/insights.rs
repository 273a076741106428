//! What `insights.md.tera` sees: the insights of SPEC §10.2 as table rows
//! of ready-made text, and the series of its Mermaid charts.

use serde::Serialize;

use crate::insights::{Insights, sheet};

/// The `insights` value of the template.
#[derive(Clone, Debug, Serialize)]
pub struct InsightsView {
    pub incidents: usize,
    pub open: usize,
    /// Whether overdue figures were counted (only with a clock: `stats`).
    pub overdue_counted: bool,
    pub groups: Vec<GroupRow>,
    pub people: Vec<PersonRow>,
    /// Months that have incidents, oldest first, as a Mermaid axis:
    /// `"2026-10", "2026-11"`.
    pub months: String,
    /// The severities, bottom of each stacked bar first: `SEV1, SEV2`.
    pub stack_order: String,
    /// One bar series per severity, each the incidents per month of that
    /// severity and every one before it: drawn over each other, largest
    /// first, they read as one stacked bar per month.
    pub stacked: Vec<SeverityBars>,
    /// Months with a median time to resolve (an axis, like `months`), and
    /// those medians in minutes (`90, 42.5`); empty when there are none.
    pub resolve_months: String,
    pub resolve_medians: String,
    /// Incidents per service, for the pie.
    pub services: Vec<Slice>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupRow {
    /// `overall`, `severity`, `service` or `month`.
    pub kind: &'static str,
    pub key: String,
    pub count: usize,
    pub detect: String,
    pub assemble: String,
    pub mitigate: String,
    pub resolve: String,
    pub resolve_p90: String,
    /// DORA band of the median time to resolve.
    pub band: &'static str,
    pub postmortems: String,
    pub actions: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonRow {
    pub person: String,
    pub role: String,
    pub incidents: usize,
    pub on_shift: String,
    pub off_hours: String,
    pub handovers_given: usize,
    pub handovers_received: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeverityBars {
    /// The severities this series adds up (`SEV1`, `SEV1 + SEV2`, …).
    pub label: String,
    /// The bar heights, one per month: `3, 5`.
    pub counts: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Slice {
    pub name: String,
    pub count: usize,
}

impl InsightsView {
    pub fn new(insights: &Insights) -> InsightsView {
        let groups = sheet::groups(insights)
            .into_iter()
            .map(|(kind, key, g)| GroupRow {
                kind,
                key: key.to_owned(),
                count: g.count,
                detect: sheet::duration(g.time_to_detect.median),
                assemble: sheet::duration(g.time_to_assemble.median),
                mitigate: sheet::duration(g.time_to_mitigate.median),
                resolve: sheet::duration(g.time_to_resolve.median),
                resolve_p90: sheet::duration(g.time_to_resolve.p90),
                band: sheet::band(g),
                postmortems: sheet::postmortems_cell(&g.postmortems),
                actions: sheet::actions_cell(&g.actions),
            })
            .collect();
        let people = insights
            .people
            .iter()
            .flat_map(|p| {
                p.roles.iter().map(|(role, load)| PersonRow {
                    person: p.person.clone(),
                    role: role.clone(),
                    incidents: load.incidents,
                    on_shift: sheet::duration(Some(load.minutes)),
                    off_hours: sheet::duration(Some(load.off_hours_minutes)),
                    handovers_given: load.handovers_given,
                    handovers_received: load.handovers_received,
                })
            })
            .collect();
        let months: Vec<String> = insights.by_month.keys().cloned().collect();
        let severities: Vec<&String> = insights.by_severity.keys().collect();
        // Per severity, per month: how many incidents.
        let per_month = |severity: &str| -> Vec<usize> {
            months
                .iter()
                .map(|month| count_of(insights, severity, month))
                .collect()
        };
        let mut stacked = Vec::new();
        let mut running = vec![0; months.len()];
        let mut label = String::new();
        for severity in &severities {
            for (total, n) in running.iter_mut().zip(per_month(severity)) {
                *total += n;
            }
            if !label.is_empty() {
                label.push_str(" + ");
            }
            label.push_str(severity);
            stacked.push(SeverityBars {
                label: label.clone(),
                counts: list(running.iter().map(ToString::to_string)),
            });
        }
        stacked.reverse();
        let (resolve_months, resolve_medians): (Vec<String>, Vec<String>) = insights
            .by_month
            .iter()
            .filter_map(|(month, g)| {
                g.time_to_resolve
                    .median
                    .map(|m| (format!("\"{month}\""), sheet::number(m)))
            })
            .unzip();
        InsightsView {
            incidents: insights.incidents,
            open: insights.open,
            overdue_counted: insights.overall.actions.overdue.is_some(),
            groups,
            people,
            months: list(months.iter().map(|m| format!("\"{m}\""))),
            stack_order: list(severities.iter().map(|s| (*s).clone())),
            stacked,
            resolve_months: resolve_months.join(", "),
            resolve_medians: resolve_medians.join(", "),
            services: insights
                .by_service
                .iter()
                .map(|(name, g)| Slice {
                    name: name.clone(),
                    count: g.count,
                })
                .collect(),
        }
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// Incidents of `severity` that started in `month`.
fn count_of(insights: &Insights, severity: &str, month: &str) -> usize {
    insights
        .severity_months
        .get(&(severity.to_owned(), month.to_owned()))
        .copied()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::InsightsView;
    use crate::model::{Config, Incident, record};
    use crate::yaml::Reader;

    fn incident(severity: &str, started: &str, services: &str) -> Incident {
        let text = format!(
            "title: t\nseverity: {severity}\nstatus: resolved\nstarted_at: {started}\nresolved_at: {started}\nservices: [{services}]\n"
        );
        let root = crate::yaml::parse(text.as_bytes()).unwrap().unwrap();
        let mut reader = Reader::new("x.yaml", &text);
        record::read(&mut reader, &root, "x", &Config::builtin()).unwrap()
    }

    #[test]
    fn bars_stack_severities_as_running_totals_largest_first() {
        let incidents = [
            incident("SEV1", "2026-10-01T00:00:00Z", "a"),
            incident("SEV3", "2026-10-02T00:00:00Z", "a, b"),
            incident("SEV3", "2026-11-01T00:00:00Z", "b"),
            incident("SEV2", "2026-11-02T00:00:00Z", "b"),
        ];
        let refs: Vec<&Incident> = incidents.iter().collect();
        let insights = crate::insights::compute(&refs, &Config::builtin(), None, None);
        let view = InsightsView::new(&insights);
        assert_eq!(view.months, "\"2026-10\", \"2026-11\"");
        assert_eq!(view.stack_order, "SEV1, SEV2, SEV3");
        let bars: Vec<(&str, &str)> = view
            .stacked
            .iter()
            .map(|s| (s.label.as_str(), s.counts.as_str()))
            .collect();
        assert_eq!(
            bars,
            [
                ("SEV1 + SEV2 + SEV3", "2, 2"),
                ("SEV1 + SEV2", "1, 1"),
                ("SEV1", "1, 0"),
            ]
        );
        // Every incident resolved at its start: medians of 0 minutes.
        assert_eq!(view.resolve_medians, "0, 0");
        let slices: Vec<(&str, usize)> = view
            .services
            .iter()
            .map(|s| (s.name.as_str(), s.count))
            .collect();
        assert_eq!(slices, [("a", 2), ("b", 3)]);
        assert!(!view.overdue_counted);
    }
}
