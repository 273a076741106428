//! Reading a record from its YAML tree: every key checked against the
//! shapes, every problem collected as a finding instead of stopping.

use super::{
    Action, ActionStatus, Communications, Incident, IncidentKind, Link, Postmortem,
    PostmortemStatus, Priority, Responder, RoleAssignment, Shift, Status, TimelineEvent, Update,
};
use crate::model::config::Config;
use crate::yaml::{At, Fields, Pos, Reader, SNode};

const RECORD_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "status",
    "kind",
    "started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "summary",
    "impact",
    "services",
    "roles",
    "responders",
    "communications",
    "timeline",
    "actions",
    "postmortem",
    "links",
];
/// Reads a record. `stem` is the file name without extension; `None` when
/// the record has `schema` findings (they are in `r`).
pub fn read(r: &mut Reader<'_>, root: &SNode, stem: &str, config: &Config) -> Option<Incident> {
    let f = r.fields(Pos::START, root, "an incident record", RECORD_KEYS)?;
    let severities: Vec<&str> = config.severities.keys().map(String::as_str).collect();
    let id = r.optional(&f, "id", Reader::text);
    let title = r.required(&f, "title", "the record", Reader::name);
    let severity = r.required(&f, "severity", "the record", |r, pos, node| {
        r.choice(pos, node, "severity", &severities)
    });
    let status = r.required(&f, "status", "the record", read_status);
    let started_at = r.required(&f, "started_at", "the record", Reader::instant);
    let kind = r.optional(&f, "kind", |r, pos, node| {
        read_word(
            r,
            pos,
            node,
            "kind",
            IncidentKind::NAMES,
            IncidentKind::from_word,
        )
    });
    let detected_at = r.optional(&f, "detected_at", Reader::instant);
    let mitigated_at = r.optional(&f, "mitigated_at", Reader::instant);
    let resolved_at = r.optional(&f, "resolved_at", Reader::instant);
    let summary = r.optional(&f, "summary", Reader::text);
    let impact = r.optional(&f, "impact", Reader::text);
    let services = r.optional(&f, "services", |r, pos, node| {
        r.list(pos, node, "services", Reader::name)
    });
    let roles = r.optional(&f, "roles", read_roles);
    let responders = r.optional(&f, "responders", |r, pos, node| {
        r.list(pos, node, "responders", read_responder)
    });
    let communications = r.optional(&f, "communications", read_communications);
    let timeline = r.optional(&f, "timeline", |r, pos, node| {
        r.list(pos, node, "timeline", read_event)
    });
    let actions = r.optional(&f, "actions", |r, pos, node| {
        r.list(pos, node, "actions", read_action)
    });
    let postmortem = r.optional(&f, "postmortem", read_postmortem);
    let links = r.optional(&f, "links", |r, pos, node| {
        r.list(pos, node, "links", read_link)
    });
    let key_pos = f.iter().map(|(k, pos, _)| (k.to_owned(), pos)).collect();
    let incident = Incident {
        id: id
            .as_ref()
            .and_then(|i| i.as_ref())
            .map_or_else(|| stem.to_owned(), |i| i.value.clone()),
        written_id: id?,
        title: title?,
        severity: severity?,
        status: status?,
        kind: kind?.map_or(IncidentKind::Incident, |k| k.value),
        started_at: started_at?,
        detected_at: detected_at?,
        mitigated_at: mitigated_at?,
        resolved_at: resolved_at?,
        summary: summary?.map(|s| s.value),
        impact: impact?.map(|s| s.value),
        services: list_value(services?),
        roles: list_value(roles?),
        responders: list_value(responders?),
        communications: communications?.map(|c| c.value),
        timeline: list_value(timeline?),
        actions: list_value(actions?),
        postmortem: postmortem?.map(|p| p.value),
        links: list_value(links?),
        key_pos,
    };
    (!r.failed()).then_some(incident)
}
/// One of an enum's words, with a did-you-mean when it is not.
fn read_word<T>(
    r: &mut Reader<'_>,
    pos: Pos,
    node: &SNode,
    what: &str,
    names: &[&str],
    from_word: fn(&str) -> Option<T>,
) -> Option<T> {
    r.choice(pos, node, what, names)
        .and_then(|word| from_word(&word))
}
fn read_status(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Status> {
    read_word(r, pos, node, "status", Status::NAMES, Status::from_word)
}
fn read_roles(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Vec<RoleAssignment>> {
    let mut roles = Vec::new();
    let mut ok = true;
    for (key, value) in r.entries(pos, node, "roles")? {
        let assignment = if let crate::yaml::Node::Seq(_) = value.node {
            r.list(key.pos, value, "a role's shifts", read_shift)
                .map(|shifts| RoleAssignment {
                    key: key.clone(),
                    shorthand: false,
                    shifts,
                })
        } else if let crate::yaml::Node::Map(_) = value.node {
            r.schema(
                key.pos,
                format!(
                    "role `{}` should be a person or a list of shifts, found a mapping",
                    key.value
                ),
                Some(format!(
                    "write `{}: alice`, or a list like `- owner: alice`",
                    key.value
                )),
            );
            None
        } else {
            r.name(key.pos, value).map(|owner| RoleAssignment {
                key: key.clone(),
                shorthand: true,
                shifts: vec![Shift {
                    owner: At::new(owner, value.pos),
                    from: None,
                    handover: None,
                    acknowledged_at: None,
                    pos: key.pos,
                }],
            })
        };
        match assignment {
            Some(a) => roles.push(a),
            None => ok = false,
        }
    }
    ok.then_some(roles)
}
fn read_shift(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Shift> {
    let f = r.fields(
        pos,
        node,
        "a shift",
        &["owner", "from", "handover", "acknowledged_at"],
    )?;
    let owner = r.required(&f, "owner", "a shift", Reader::name);
    let from = r.optional(&f, "from", Reader::instant);
    let handover = r.optional(&f, "handover", Reader::text);
    let acknowledged_at = r.optional(&f, "acknowledged_at", Reader::instant);
    Some(Shift {
        owner: owner?,
        from: from?,
        handover: handover?.map(|h| h.value).filter(|h| !h.trim().is_empty()),
        acknowledged_at: acknowledged_at?,
        pos,
    })
}
fn read_responder(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Responder> {
    let f = r.fields(pos, node, "a responder", &["person", "role"])?;
    let person = r.required(&f, "person", "a responder", Reader::name);
    let role = r.required(&f, "role", "a responder", Reader::name);
    Some(Responder {
        person: person?,
        role: role?,
        pos,
    })
}
fn read_communications(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Communications> {
    let f = r.fields(pos, node, "communications", &["update_every", "updates"])?;
    let update_every = r.optional(&f, "update_every", Reader::span);
    let updates = r.optional(&f, "updates", |r, pos, node| {
        r.list(pos, node, "updates", read_update)
    });
    Some(Communications {
        update_every: update_every?,
        updates: updates?.map(|u| u.value).unwrap_or_default(),
        pos,
    })
}
fn read_update(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Update> {
    let f = r.fields(pos, node, "an update", &["at", "channel", "summary"])?;
    let at = r.required(&f, "at", "an update", Reader::instant);
    let channel = r.optional(&f, "channel", Reader::text);
    let summary = r.required(&f, "summary", "an update", Reader::text);
    Some(Update {
        at: at?,
        channel: channel?.map(|c| c.value),
        summary: summary?.value,
        pos,
    })
}
fn read_event(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<TimelineEvent> {
    let f = r.fields(pos, node, "a timeline event", &["at", "event"])?;
    let at = r.required(&f, "at", "a timeline event", Reader::instant);
    let event = r.required(&f, "event", "a timeline event", Reader::text);
    Some(TimelineEvent {
        at: at?,
        event: event?.value,
        pos,
    })
}
fn read_action(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Action> {
    let f: Fields<'_> = r.fields(
        pos,
        node,
        "an action",
        &["title", "owner", "due", "status", "priority", "link"],
    )?;
    let title = r.required(&f, "title", "an action", Reader::name);
    let owner = r.optional(&f, "owner", Reader::name);
    let due = r.optional(&f, "due", Reader::day);
    let status = r.optional(&f, "status", |r, pos, node| {
        read_word(
            r,
            pos,
            node,
            "action status",
            ActionStatus::NAMES,
            ActionStatus::from_word,
        )
    });
    let priority = r.optional(&f, "priority", |r, pos, node| {
        read_word(
            r,
            pos,
            node,
            "priority",
            Priority::NAMES,
            Priority::from_word,
        )
    });
    let link = r.optional(&f, "link", Reader::text);
    Some(Action {
        title: title?.value,
        owner: owner?,
        due: due?,
        status: status?.map_or(ActionStatus::Open, |s| s.value),
        priority: priority?.map(|p| p.value),
        link: link?.map(|l| l.value),
        pos,
    })
}
fn read_postmortem(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Postmortem> {
    let f = r.fields(pos, node, "postmortem", &["due", "meeting_at", "status"])?;
    let due = r.optional(&f, "due", Reader::day);
    let meeting_at = r.optional(&f, "meeting_at", Reader::instant);
    let status = r.optional(&f, "status", |r, pos, node| {
        read_word(
            r,
            pos,
            node,
            "postmortem status",
            PostmortemStatus::NAMES,
            PostmortemStatus::from_word,
        )
    });
    Some(Postmortem {
        due: due?,
        meeting_at: meeting_at?,
        status: status?,
        pos,
    })
}
fn read_link(r: &mut Reader<'_>, pos: Pos, node: &SNode) -> Option<Link> {
    let f = r.fields(pos, node, "a link", &["title", "url"])?;
    let title = r.required(&f, "title", "a link", Reader::name);
    let url = r.required(&f, "url", "a link", Reader::name);
    Some(Link {
        title: title?.value,
        url: url?.value,
    })
}
fn list_value<T>(list: Option<At<Vec<T>>>) -> Vec<T> {
    list.map(|l| l.value).unwrap_or_default()
}
