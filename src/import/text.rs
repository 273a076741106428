//! A draft as the text of a record file, every value written through the
//! YAML writers that read back as exactly what they were given.

use std::fmt::Write as _;

use super::Draft;
use crate::yaml::write::{block_or_scalar, scalar};

/// The record file for `draft`, with a comment saying where it came from.
pub fn to_yaml(draft: &Draft, tool_command: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported from {} by `rolecall import {tool_command}`.",
        one_line(&draft.origin)
    );
    let _ = writeln!(out, "title: {}", scalar(&draft.title));
    let _ = writeln!(out, "severity: {}", scalar(&draft.severity));
    let status = if draft.resolved {
        "resolved"
    } else {
        "investigating"
    };
    let _ = writeln!(out, "status: {status}");
    let _ = writeln!(out, "started_at: {}", draft.started_at);
    if let Some(at) = draft.detected_at {
        let _ = writeln!(out, "detected_at: {at}");
    }
    if let Some(at) = draft.resolved_at {
        let _ = writeln!(out, "resolved_at: {at}");
    }
    if let Some(summary) = &draft.summary {
        let _ = writeln!(out, "summary:{}", block_or_scalar(summary, 0));
    }
    if !draft.services.is_empty() {
        out.push_str("services:\n");
        for service in &draft.services {
            let _ = writeln!(out, "  - {}", scalar(service));
        }
    }
    if !draft.roles.is_empty() {
        out.push_str("roles:\n");
        for (role, shifts) in &draft.roles {
            let _ = writeln!(out, "  {role}:");
            for shift in shifts {
                let _ = writeln!(out, "    - owner: {}", scalar(&shift.owner));
                if let Some(from) = shift.from {
                    let _ = writeln!(out, "      from: {from}");
                }
                if let Some(note) = &shift.handover {
                    let _ = writeln!(out, "      handover:{}", block_or_scalar(note, 6));
                }
                if let Some(at) = shift.acknowledged_at {
                    let _ = writeln!(out, "      acknowledged_at: {at}");
                }
            }
        }
    }
    if !draft.responders.is_empty() {
        out.push_str("responders:\n");
        for (person, role) in &draft.responders {
            let _ = writeln!(out, "  - person: {}", scalar(person));
            let _ = writeln!(out, "    role: {}", scalar(role));
        }
    }
    if !draft.timeline.is_empty() {
        out.push_str("timeline:\n");
        for (at, event) in &draft.timeline {
            let _ = writeln!(out, "  - at: {at}");
            let _ = writeln!(out, "    event:{}", block_or_scalar(event, 4));
        }
    }
    if !draft.links.is_empty() {
        out.push_str("links:\n");
        for (title, url) in &draft.links {
            let _ = writeln!(out, "  - title: {}", scalar(title));
            let _ = writeln!(out, "    url: {}", scalar(url));
        }
    }
    out
}

/// Text safe inside a comment line.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}
