//! Insights (SPEC §10.2): how the team is doing, computed from the records
//! alone — time to detect, assemble, mitigate and resolve; postmortems and
//! actions; grouped overall, by severity, by service and by month; and who
//! carried the load. Pure: the caller picks the incidents and the clock.
//!
//! Works from `model` only; `commands::stats` prints it and
//! `render::context::insights` turns it into `insights.md`.

mod metric;
pub mod sheet;
pub mod workload;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::config::RequiredFrom;
use crate::model::record::{ActionStatus, IncidentKind, PostmortemStatus};
use crate::model::{Config, Incident, Instant, Roster};
pub use metric::{Metric, nearest_rank};
pub use workload::{PersonLoad, RoleLoad};

/// The role whose requirement makes a postmortem required.
const POSTMORTEM_OWNER: &str = "postmortem_owner";

/// Which incidents count: drills never; the others when they started in
/// `[since, until)` and match the severities and services asked for.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub since: Option<Instant>,
    pub until: Option<Instant>,
    /// Any of these (empty: every severity).
    pub severities: Vec<String>,
    /// Any of these (empty: every incident, with services or without).
    pub services: Vec<String>,
    /// Only resolved incidents (for `insights.md`, which uses no clock).
    pub resolved_only: bool,
}

impl Selection {
    pub fn includes(&self, incident: &Incident) -> bool {
        let started = incident.started_at.value;
        incident.kind == IncidentKind::Incident
            && self.since.is_none_or(|since| started >= since)
            && self.until.is_none_or(|until| started < until)
            && (self.severities.is_empty() || self.severities.contains(&incident.severity.value))
            && (self.services.is_empty()
                || incident.services.iter().any(|s| self.services.contains(s)))
            && (!self.resolved_only || incident.is_resolved())
    }
}

/// Everything `stats` reports (the JSON shape of SPEC §10.2).
#[derive(Clone, Debug, Serialize)]
pub struct Insights {
    pub incidents: usize,
    pub open: usize,
    pub overall: Group,
    /// In the configuration's order of severities.
    pub by_severity: IndexMap<String, Group>,
    pub by_service: BTreeMap<String, Group>,
    /// `YYYY-MM` of `started_at` in UTC.
    pub by_month: BTreeMap<String, Group>,
    pub people: Vec<PersonLoad>,
    /// Incidents per (severity, month), for charts.
    #[serde(skip)]
    pub severity_months: BTreeMap<(String, String), usize>,
}

/// The figures of one group of incidents.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub count: usize,
    pub time_to_detect: Metric,
    pub time_to_assemble: Metric,
    pub time_to_mitigate: Metric,
    pub time_to_resolve: Metric,
    pub postmortems: Postmortems,
    pub actions: Actions,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Postmortems {
    /// Incidents whose severity requires a postmortem owner.
    pub required: usize,
    /// Of those, the ones with `postmortem.status: done`.
    pub done: usize,
    /// Of those, resolved, not done and due before now's UTC date; `None`
    /// without a clock.
    pub overdue: Option<usize>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Actions {
    pub total: usize,
    pub done: usize,
    pub open: usize,
    /// Open actions due before now's UTC date; `None` without a clock.
    pub overdue: Option<usize>,
}

/// What one incident contributes to every group it is in.
struct Facts {
    detect: Option<f64>,
    assemble: Option<f64>,
    mitigate: Option<f64>,
    resolve: Option<f64>,
    postmortems: Postmortems,
    actions: Actions,
}

/// The insights of `incidents` (already selected). `now` ends open shifts
/// and decides what is overdue; without it, nothing is called overdue and
/// open incidents' last shifts are left out.
pub fn compute(
    incidents: &[&Incident],
    config: &Config,
    roster: Option<&Roster>,
    now: Option<Instant>,
) -> Insights {
    let facts: Vec<Facts> = incidents
        .iter()
        .map(|incident| facts(incident, config, now))
        .collect();
    let mut by_severity: IndexMap<String, Vec<usize>> = config
        .severities
        .keys()
        .map(|key| (key.clone(), Vec::new()))
        .collect();
    let mut by_service: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut severity_months: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, incident) in incidents.iter().enumerate() {
        by_severity
            .entry(incident.severity.value.clone())
            .or_default()
            .push(i);
        let mut services: Vec<&String> = incident.services.iter().collect();
        services.sort();
        services.dedup();
        for service in services {
            by_service.entry(service.clone()).or_default().push(i);
        }
        let month = incident.started_at.value.utc_date().strftime("%Y-%m");
        by_month.entry(month.to_string()).or_default().push(i);
        *severity_months
            .entry((incident.severity.value.clone(), month.to_string()))
            .or_default() += 1;
    }
    let group = |members: &[usize]| Group::of(members.iter().map(|&i| &facts[i]), now.is_some());
    let all: Vec<usize> = (0..incidents.len()).collect();
    Insights {
        incidents: incidents.len(),
        open: incidents.iter().filter(|i| !i.is_resolved()).count(),
        overall: group(&all),
        by_severity: by_severity
            .iter()
            .filter(|(_, members)| !members.is_empty())
            .map(|(key, members)| (key.clone(), group(members)))
            .collect(),
        by_service: by_service
            .iter()
            .map(|(key, members)| (key.clone(), group(members)))
            .collect(),
        by_month: by_month
            .iter()
            .map(|(key, members)| (key.clone(), group(members)))
            .collect(),
        people: workload::people(incidents, config, roster, now),
        severity_months,
    }
}

impl Group {
    fn of<'f>(facts: impl Iterator<Item = &'f Facts>, clock: bool) -> Group {
        let facts: Vec<&Facts> = facts.collect();
        let metric = |pick: fn(&Facts) -> Option<f64>| {
            Metric::of(&facts.iter().filter_map(|f| pick(f)).collect::<Vec<_>>())
        };
        let overdue = |sum: usize| clock.then_some(sum);
        Group {
            count: facts.len(),
            time_to_detect: metric(|f| f.detect),
            time_to_assemble: metric(|f| f.assemble),
            time_to_mitigate: metric(|f| f.mitigate),
            time_to_resolve: metric(|f| f.resolve),
            postmortems: Postmortems {
                required: facts.iter().map(|f| f.postmortems.required).sum(),
                done: facts.iter().map(|f| f.postmortems.done).sum(),
                overdue: overdue(facts.iter().filter_map(|f| f.postmortems.overdue).sum()),
            },
            actions: Actions {
                total: facts.iter().map(|f| f.actions.total).sum(),
                done: facts.iter().map(|f| f.actions.done).sum(),
                open: facts.iter().map(|f| f.actions.open).sum(),
                overdue: overdue(facts.iter().filter_map(|f| f.actions.overdue).sum()),
            },
        }
    }
}

fn facts(incident: &Incident, config: &Config, now: Option<Instant>) -> Facts {
    let start = incident.started_at.value;
    let minutes = |end: Instant| {
        #[allow(clippy::cast_precision_loss)] // seconds of an incident fit an f64 exactly
        let seconds = end.0.duration_since(start.0).as_secs() as f64;
        seconds / 60.0
    };
    let resolved = incident
        .resolved_at
        .as_ref()
        .filter(|_| incident.is_resolved())
        .map(|at| at.value);
    let today = now.map(Instant::utc_date);
    let severity = config.severity(&incident.severity);
    let required =
        severity.is_some_and(|s| s.required_roles.iter().any(|r| r.value == POSTMORTEM_OWNER));
    let status = incident
        .postmortem
        .as_ref()
        .and_then(|p| p.status.as_ref())
        .map(|s| s.value);
    let done = required && status == Some(PostmortemStatus::Done);
    let overdue = today.map(|today| {
        usize::from(
            required
                && resolved.is_some()
                && !done
                && incident
                    .postmortem_due(config)
                    .is_some_and(|due| today > due.0),
        )
    });
    let open = incident
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Open);
    Facts {
        detect: incident.detected_at.as_ref().map(|at| minutes(at.value)),
        assemble: assembled_at(incident, config).map(minutes),
        mitigate: incident
            .mitigated_at
            .as_ref()
            .map(|at| at.value)
            .or(resolved)
            .map(minutes),
        resolve: resolved.map(minutes),
        postmortems: Postmortems {
            required: usize::from(required),
            done: usize::from(done),
            overdue,
        },
        actions: Actions {
            total: incident.actions.len(),
            done: incident
                .actions
                .iter()
                .filter(|a| a.status == ActionStatus::Done)
                .count(),
            open: open.clone().count(),
            overdue: today.map(|today| {
                open.filter(|a| a.due.as_ref().is_some_and(|due| today > due.value.0))
                    .count()
            }),
        },
    }
}

/// The first moment every role the severity requires from declaration has
/// an owner; `None` while one of them never had one.
fn assembled_at(incident: &Incident, config: &Config) -> Option<Instant> {
    let severity = config.severity(&incident.severity)?;
    let mut assembled = incident.started_at.value;
    for role in &severity.required_roles {
        let declared = config
            .role(&role.value)
            .is_some_and(|def| def.required_from == RequiredFrom::Declared);
        if !declared {
            continue;
        }
        let first = incident.role(&role.value)?.shifts.first()?;
        assembled = assembled.max(first.start(incident));
    }
    Some(assembled)
}

/// The DORA performance band of a median time to restore, in minutes:
/// elite under an hour, high under a day, medium under a week, low beyond.
pub fn dora_band(median_minutes: f64) -> &'static str {
    if median_minutes < 60.0 {
        "elite"
    } else if median_minutes < 24.0 * 60.0 {
        "high"
    } else if median_minutes < 7.0 * 24.0 * 60.0 {
        "medium"
    } else {
        "low"
    }
}

#[cfg(test)]
mod tests;
