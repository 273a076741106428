//! The bodies a webhook receives: rolecall's own JSON
//! (`{"events": [...]}`), or a Slack incoming-webhook message with blocks:
//! per incident, its headline, what happened, who holds each role now and
//! links to its documents.

use serde_json::{Value, json as value};

use super::{Event, Setting};

/// Which body to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Slack,
    Json,
}

/// Slack accepts at most 50 blocks; each incident takes five.
const MAX_INCIDENTS: usize = 9;
/// Slack's limit on a section's text.
const MAX_TEXT: usize = 3000;
/// Slack's limit on a section's fields.
const MAX_FIELDS: usize = 10;

/// `{"events": [...]}`, one line.
pub fn json(events: &[Event]) -> String {
    value!({ "events": events }).to_string()
}

/// A Slack incoming-webhook message, one line.
pub fn slack(events: &[Event], setting: &Setting<'_>) -> String {
    let mut groups: Vec<(&str, Vec<&Event>)> = Vec::new();
    for event in events {
        match groups.iter_mut().find(|(id, _)| *id == event.incident) {
            Some((_, group)) => group.push(event),
            None => groups.push((&event.incident, vec![event])),
        }
    }
    let mut blocks = Vec::new();
    for (_, group) in groups.iter().take(MAX_INCIDENTS) {
        incident_blocks(group, setting, &mut blocks);
    }
    if groups.len() > MAX_INCIDENTS {
        let more = groups.len() - MAX_INCIDENTS;
        blocks.push(value!({
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": format!("… and {more} more incidents")}],
        }));
    }
    let ids: Vec<&str> = groups.iter().map(|(id, _)| *id).collect();
    let fallback = format!(
        "rolecall: {} {} ({})",
        events.len(),
        if events.len() == 1 { "event" } else { "events" },
        ids.join(", ")
    );
    value!({ "text": fallback, "blocks": blocks }).to_string()
}

/// The five blocks of one incident's events (all about the same incident,
/// the last one describing it as it is now).
fn incident_blocks(group: &[&Event], setting: &Setting<'_>, blocks: &mut Vec<Value>) {
    let now = group[group.len() - 1];
    let headline = format!("{} · {} · {}", now.incident, now.severity, now.status);
    let headline = match (setting.docs_url, now.documents.first()) {
        (Some(_), Some(overview)) => format!("<{overview}|{}>", escape(&headline)),
        _ => escape(&headline),
    };
    blocks.push(section(&format!("*{headline}*\n{}", escape(&now.title))));
    let lines: Vec<String> = group
        .iter()
        .map(|e| format!("• {}", escape(&e.text)))
        .collect();
    blocks.push(section(&lines.join("\n")));
    let fields: Vec<Value> = now
        .roles
        .iter()
        .take(MAX_FIELDS)
        .map(|(role, person)| {
            let who = person
                .as_deref()
                .map_or_else(|| "_vacant_".to_owned(), |p| escape(&setting.person(p)));
            value!({"type": "mrkdwn", "text": format!("*{}*\n{who}", escape(&setting.role_name(role)))})
        })
        .collect();
    if fields.is_empty() {
        blocks.push(section("_no role holders yet_"));
    } else {
        blocks.push(value!({"type": "section", "fields": fields}));
    }
    let mut documents: Vec<&str> = Vec::new();
    for event in group {
        for document in &event.documents {
            if !documents.contains(&document.as_str()) {
                documents.push(document);
            }
        }
    }
    let anchors: Vec<String> = documents
        .iter()
        .map(|d| {
            let label = d.rsplit('/').take(2).collect::<Vec<_>>();
            let label = if label.first() == Some(&"README.md") {
                "overview".to_owned()
            } else {
                label
                    .first()
                    .copied()
                    .unwrap_or(d)
                    .trim_end_matches(".md")
                    .to_owned()
            };
            if setting.docs_url.is_some() {
                format!("<{d}|{}>", escape(&label))
            } else {
                format!("`{}`", escape(d))
            }
        })
        .collect();
    blocks.push(value!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": anchors.join(" · ")}],
    }));
    blocks.push(value!({"type": "divider"}));
}

fn section(text: &str) -> Value {
    let text: String = if text.chars().count() > MAX_TEXT {
        let mut cut: String = text.chars().take(MAX_TEXT - 1).collect();
        cut.push('…');
        cut
    } else {
        text.to_owned()
    };
    value!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

/// Text in Slack's `mrkdwn`: `&`, `<` and `>` escaped, as Slack asks.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
