//! What a record implies beyond what it says: positions of its keys, when
//! a role is required, when the next update and the postmortem are due,
//! and when each shift starts.

use super::{Incident, RoleAssignment, Shift, Status, Update};
use crate::model::config::{self, Config};
use crate::model::time::{Day, Instant, Span};
use crate::yaml::Pos;

impl Incident {
    /// Where a top-level key was written, or line 1 when it is absent.
    pub fn pos_of(&self, key: &str) -> Pos {
        self.key_pos
            .iter()
            .find(|(k, _)| k == key)
            .map_or(Pos::START, |&(_, p)| p)
    }

    pub fn is_resolved(&self) -> bool {
        self.status.value == Status::Resolved
    }

    pub fn role(&self, key: &str) -> Option<&RoleAssignment> {
        self.roles.iter().find(|r| r.key.value == key)
    }

    /// The cadence of updates: the record's own, else the severity's.
    pub fn update_every(&self, config: &Config) -> Option<Span> {
        self.communications
            .as_ref()
            .and_then(|c| c.update_every.as_ref().map(|s| s.value))
            .or_else(|| config.severity(&self.severity).and_then(|s| s.update_every))
    }

    /// When a role required `from` this point becomes required: the start,
    /// or (for `resolved`) the resolution — never before the start; `None`
    /// while that moment has not come.
    pub fn required_since(&self, from: config::RequiredFrom) -> Option<Instant> {
        match from {
            config::RequiredFrom::Declared => Some(self.started_at.value),
            config::RequiredFrom::Resolved => self
                .resolved_at
                .as_ref()
                .filter(|_| self.is_resolved())
                .map(|at| at.value.max(self.started_at.value)),
        }
    }

    /// While the incident is open and has a cadence: the last update (or
    /// the start, whichever is later) plus the cadence.
    pub fn next_update_due(&self, config: &Config) -> Option<Instant> {
        if self.is_resolved() {
            return None;
        }
        let cadence = self.update_every(config)?;
        let last = self
            .updates()
            .iter()
            .map(|u| u.at.value)
            .fold(self.started_at.value, Instant::max);
        Some(Instant(last.0 + cadence.0))
    }

    pub fn updates(&self) -> &[Update] {
        self.communications.as_ref().map_or(&[], |c| &c.updates)
    }

    /// When the postmortem is due: the record's date, else resolution plus
    /// the severity's business days.
    pub fn postmortem_due(&self, config: &Config) -> Option<Day> {
        if let Some(due) = self.postmortem.as_ref().and_then(|p| p.due.as_ref()) {
            return Some(due.value);
        }
        self.default_postmortem_due(config)
    }

    /// The severity's business-day limit applied to `resolved_at`.
    pub fn default_postmortem_due(&self, config: &Config) -> Option<Day> {
        let resolved = self.resolved_at.as_ref()?;
        let days = config.severity(&self.severity)?.postmortem_within_days?;
        let date = crate::model::time::add_business_days(
            resolved.utc_date(),
            days,
            &config.holiday_dates(),
        );
        Some(Day(date))
    }
}
impl Shift {
    /// When this shift starts: its `from`, or the incident's start.
    pub fn start(&self, incident: &Incident) -> Instant {
        self.from
            .as_ref()
            .map_or(incident.started_at.value, |f| f.value)
    }
}
