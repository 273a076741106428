//! The configuration in effect: rolecall's built-in role catalogue and
//! severities, with the repository's `rolecall.yaml` merged over them.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Serialize;

use super::is_valid_key;
use super::time::{Day, Span};
use super::timezone::Zone;
use crate::finding::{Code, Finding};
use crate::yaml::{At, Fields, Pos, Reader, SNode};

/// The built-in configuration, also what `init` writes as comments.
pub const DEFAULTS_YAML: &str = include_str!("defaults.yaml");

/// When a role becomes required.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RequiredFrom {
    /// From `started_at`.
    Declared,
    /// From `resolved_at`, once the incident is resolved.
    Resolved,
}

impl RequiredFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            RequiredFrom::Declared => "declared",
            RequiredFrom::Resolved => "resolved",
        }
    }
}

/// One role of the catalogue.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RoleDef {
    /// The key records use (`tech_lead`).
    #[schemars(skip)]
    pub key: String,
    /// Display name.
    pub name: String,
    /// One owner at a time (listed under `roles`) or any number of
    /// people (listed under `responders`). Default: true.
    #[schemars(default = "default_true")]
    pub exclusive: bool,
    /// When the role must have an owner. Default: declared.
    #[schemars(default = "default_declared")]
    pub required_from: RequiredFrom,
    /// The role this one reports to.
    pub reports_to: Option<At<String>>,
    /// One sentence on what the role is for.
    pub summary: Option<String>,
    /// What the holder does.
    #[serde(default)]
    pub responsibilities: Vec<String>,
}

fn default_true() -> bool {
    true
}
fn default_declared() -> RequiredFrom {
    RequiredFrom::Declared
}

/// What a severity demands.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SeverityDef {
    #[schemars(skip)]
    pub key: String,
    /// Roles that must have an owner.
    #[serde(default)]
    pub required_roles: Vec<At<String>>,
    /// How often the communications manager publishes an update.
    pub update_every: Option<Span>,
    /// Business days after resolution by which the postmortem is due.
    pub postmortem_within_days: Option<u32>,
    /// How long a required role may wait for its first owner before it
    /// counts as vacant. Default: 15m.
    #[schemars(with = "Option<Span>")]
    pub assign_within: Span,
    /// How long a handover may wait for the new owner's acknowledgement
    /// before it is reported. Default: 15m.
    #[schemars(with = "Option<Span>")]
    pub ack_within: Span,
}

/// The default of `assign_within` and `ack_within`.
pub const DEFAULT_WITHIN: Span = Span(jiff::SignedDuration::from_mins(15));

/// `rolecall.yaml`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields, default, title = "rolecall configuration")]
pub struct Config {
    /// Folder where records are read.
    pub incidents: String,
    /// Folder where documents are written.
    pub output: String,
    /// Folder where template overrides are looked up.
    pub templates: String,
    /// The roster file.
    pub people: String,
    /// The role catalogue; keys are what records use.
    pub roles: IndexMap<String, RoleDef>,
    /// Severities and what they require.
    pub severities: IndexMap<String, SeverityDef>,
    /// Pairs of roles one person should not hold at the same time.
    pub separate_roles: Vec<Vec<At<String>>>,
    /// Days skipped when counting business days.
    pub holidays: Vec<Day>,
    /// IANA time zone of people whose roster entry names none (for
    /// off-hours). Default: UTC.
    #[schemars(with = "Option<Zone>")]
    pub timezone: Zone,
    /// Whether `render` writes `insights.md` into the output folder.
    pub insights: bool,
    /// Whether `render` writes `calendar.ics` into the output folder.
    pub calendar: bool,
}

const CONFIG_KEYS: &[&str] = &[
    "incidents",
    "output",
    "templates",
    "people",
    "roles",
    "severities",
    "separate_roles",
    "holidays",
    "timezone",
    "insights",
    "calendar",
];
const ROLE_KEYS: &[&str] = &[
    "name",
    "exclusive",
    "required_from",
    "reports_to",
    "summary",
    "responsibilities",
];
const SEVERITY_KEYS: &[&str] = &[
    "required_roles",
    "update_every",
    "postmortem_within_days",
    "assign_within",
    "ack_within",
];

impl Default for Config {
    fn default() -> Config {
        Config::builtin()
    }
}

impl Config {
    /// The built-in configuration.
    pub fn builtin() -> Config {
        let mut reader = Reader::new("(built-in configuration)", DEFAULTS_YAML);
        let parsed = crate::yaml::parse(DEFAULTS_YAML.as_bytes()).ok().flatten();
        let empty = Config {
            incidents: "incidents".into(),
            output: "incidents".into(),
            templates: "templates".into(),
            people: "people.yaml".into(),
            roles: IndexMap::new(),
            severities: IndexMap::new(),
            separate_roles: Vec::new(),
            holidays: Vec::new(),
            timezone: Zone::utc(),
            insights: false,
            calendar: false,
        };
        match parsed {
            Some(root) => merge(&mut reader, empty.clone(), &root).unwrap_or(empty),
            None => empty,
        }
    }

    /// Reads `rolecall.yaml` over the built-in defaults; findings go to
    /// `reader`. `None` when the file has errors.
    pub fn read(reader: &mut Reader<'_>, root: &SNode) -> Option<Config> {
        let config = merge(reader, Config::builtin(), root)?;
        validate(reader, &config);
        (!reader.failed()).then_some(config)
    }

    pub fn role(&self, key: &str) -> Option<&RoleDef> {
        self.roles.get(key)
    }

    pub fn severity(&self, key: &str) -> Option<&SeverityDef> {
        self.severities.get(key)
    }

    pub fn holiday_dates(&self) -> Vec<jiff::civil::Date> {
        self.holidays.iter().map(|d| d.0).collect()
    }
}

fn merge(r: &mut Reader<'_>, mut config: Config, root: &SNode) -> Option<Config> {
    let fields = r.fields(Pos::START, root, "the configuration", CONFIG_KEYS)?;
    for (key, target) in [
        ("incidents", &mut config.incidents),
        ("output", &mut config.output),
        ("templates", &mut config.templates),
        ("people", &mut config.people),
    ] {
        if let Some(Some(value)) = r.optional(&fields, key, Reader::name) {
            *target = value.value;
        }
    }
    if let Some((pos, node)) = fields.get("roles") {
        for (key, value) in r.entries(pos, node, "roles").unwrap_or_default() {
            if let Some(role) = read_role(r, &key, value) {
                config.roles.insert(key.value.clone(), role);
            }
        }
    }
    if let Some((pos, node)) = fields.get("severities") {
        for (key, value) in r.entries(pos, node, "severities").unwrap_or_default() {
            if let Some(severity) = read_severity(r, &key, value) {
                config.severities.insert(key.value.clone(), severity);
            }
        }
    }
    if let Some(Some(pairs)) = r.optional(&fields, "separate_roles", |r, pos, node| {
        r.list(pos, node, "separate_roles", |r, pos, item| {
            r.list(pos, item, "a pair of roles", |r, pos, role| {
                r.name(pos, role).map(|v| At::new(v, pos))
            })
        })
    }) {
        config.separate_roles = pairs.value;
    }
    if let Some(Some(days)) = r.optional(&fields, "holidays", |r, pos, node| {
        r.list(pos, node, "holidays", Reader::day)
    }) {
        config.holidays = days.value;
    }
    if let Some(Some(zone)) = r.optional(&fields, "timezone", Reader::zone) {
        config.timezone = zone.value;
    }
    for (key, target) in [
        ("insights", &mut config.insights),
        ("calendar", &mut config.calendar),
    ] {
        if let Some(Some(value)) = r.optional(&fields, key, Reader::boolean) {
            *target = value.value;
        }
    }
    Some(config)
}

fn read_role(r: &mut Reader<'_>, key: &At<String>, node: &SNode) -> Option<RoleDef> {
    if !is_valid_key(&key.value) {
        r.schema(
            key.pos,
            format!("role key `{}` is not a valid key", key.value),
            Some(KEY_RULE.to_owned()),
        );
    }
    let f: Fields<'_> = r.fields(key.pos, node, "a role", ROLE_KEYS)?;
    let name = r.required(&f, "name", "a role", Reader::name);
    let exclusive = r.optional(&f, "exclusive", Reader::boolean);
    let required_from = r.optional(&f, "required_from", |r, pos, node| {
        r.choice(pos, node, "required_from", &["declared", "resolved"])
    });
    let reports_to = r.optional(&f, "reports_to", Reader::name);
    let summary = r.optional(&f, "summary", Reader::text);
    let responsibilities = r.optional(&f, "responsibilities", |r, pos, node| {
        r.list(pos, node, "responsibilities", Reader::text)
    });
    Some(RoleDef {
        key: key.value.clone(),
        name: name?.value,
        exclusive: exclusive?.is_none_or(|e| e.value),
        required_from: match required_from?.as_deref().map(String::as_str) {
            Some("resolved") => RequiredFrom::Resolved,
            _ => RequiredFrom::Declared,
        },
        reports_to: reports_to?,
        summary: summary?.map(|s| s.value),
        responsibilities: responsibilities?.map(|v| v.value).unwrap_or_default(),
    })
}

fn read_severity(r: &mut Reader<'_>, key: &At<String>, node: &SNode) -> Option<SeverityDef> {
    if !is_valid_key(&key.value) {
        r.schema(
            key.pos,
            format!("severity `{}` is not a valid key", key.value),
            Some(KEY_RULE.to_owned()),
        );
    }
    let f = r.fields(key.pos, node, "a severity", SEVERITY_KEYS)?;
    let required_roles = r.optional(&f, "required_roles", |r, pos, node| {
        r.list(pos, node, "required_roles", |r, pos, item| {
            r.name(pos, item).map(|v| At::new(v, pos))
        })
    });
    let update_every = r.optional(&f, "update_every", Reader::span);
    let within = r.optional(&f, "postmortem_within_days", Reader::count);
    let assign_within = r.optional(&f, "assign_within", Reader::span);
    let ack_within = r.optional(&f, "ack_within", Reader::span);
    Some(SeverityDef {
        key: key.value.clone(),
        required_roles: required_roles?.map(|v| v.value).unwrap_or_default(),
        update_every: update_every?.map(|v| v.value),
        postmortem_within_days: within?.map(|v| v.value),
        assign_within: assign_within?.map_or(DEFAULT_WITHIN, |v| v.value),
        ack_within: ack_within?.map_or(DEFAULT_WITHIN, |v| v.value),
    })
}

/// The rule keys (ids, roles, people) follow, as a help line.
pub const KEY_RULE: &str =
    "keys are 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit";

/// Cross-references inside the configuration.
fn validate(r: &mut Reader<'_>, config: &Config) {
    let role_keys: Vec<&str> = config.roles.keys().map(String::as_str).collect();
    let unknown = |name: &str| {
        let help = crate::suggest::did_you_mean(name, role_keys.iter().copied())
            .unwrap_or_else(|| format!("known roles: {}", role_keys.join(", ")));
        (format!("unknown role `{name}`"), help)
    };
    let mut findings = Vec::new();
    for role in config.roles.values() {
        if let Some(boss) = &role.reports_to
            && !config.roles.contains_key(&boss.value)
        {
            let (message, help) = unknown(&boss.value);
            findings.push((
                boss.pos,
                format!("{message} in `reports_to` of `{}`", role.key),
                help,
            ));
        }
    }
    for severity in config.severities.values() {
        for role in &severity.required_roles {
            if !config.roles.contains_key(&role.value) {
                let (message, help) = unknown(&role.value);
                findings.push((
                    role.pos,
                    format!("{} requires {message}", severity.key),
                    help,
                ));
            }
        }
    }
    for pair in &config.separate_roles {
        for role in pair {
            if !config.roles.contains_key(&role.value) {
                let (message, help) = unknown(&role.value);
                findings.push((role.pos, format!("separate_roles names {message}"), help));
            }
        }
    }
    for (pos, message, help) in findings {
        r.push(Finding::new(Code::Schema, r.file, pos, message).help(help));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_configuration_reads_cleanly() {
        let root = crate::yaml::parse(DEFAULTS_YAML.as_bytes())
            .unwrap()
            .unwrap();
        let mut reader = Reader::new("defaults.yaml", DEFAULTS_YAML);
        let config = Config::read(&mut reader, &root);
        assert!(reader.findings.is_empty(), "{:?}", reader.findings);
        let config = config.unwrap();
        assert_eq!(config.roles.len(), 7);
        assert_eq!(config.severities["SEV1"].required_roles.len(), 4);
        assert!(config.severities["SEV4"].update_every.is_none());
        assert_eq!(
            config.roles["postmortem_owner"].required_from,
            RequiredFrom::Resolved
        );
    }

    #[test]
    fn a_configured_role_replaces_only_its_entry() {
        let text = "roles:\n  tech_lead:\n    name: Technical lead\n  scribe:\n    name: Scribe\n";
        let root = crate::yaml::parse(text.as_bytes()).unwrap().unwrap();
        let mut reader = Reader::new("rolecall.yaml", text);
        let config = Config::read(&mut reader, &root).unwrap();
        assert_eq!(config.roles["tech_lead"].name, "Technical lead");
        assert!(config.roles["tech_lead"].reports_to.is_none());
        assert!(config.roles["scribe"].exclusive);
        assert_eq!(config.roles["incident_manager"].name, "Incident manager");
    }

    #[test]
    fn unknown_references_are_reported_on_their_line() {
        let text = "severities:\n  SEV5:\n    required_roles: [incident_manger]\n";
        let root = crate::yaml::parse(text.as_bytes()).unwrap().unwrap();
        let mut reader = Reader::new("rolecall.yaml", text);
        assert!(Config::read(&mut reader, &root).is_none());
        assert_eq!(reader.findings[0].line, 3);
        assert_eq!(
            reader.findings[0].help.as_deref(),
            Some("did you mean `incident_manager`?")
        );
    }
}
