//! `invalid-id` and `duplicate-id`.

use std::collections::HashMap;

use super::Subject;
use crate::finding::{Code, Finding};
use crate::load::Workspace;
use crate::model::config::KEY_RULE;
use crate::model::is_valid_key;
use crate::yaml::Pos;

/// The id breaks the id rule, or differs from the file stem (on the `id`
/// key, or line 1 when there is none).
pub fn invalid_id(subject: &mut Subject<'_>, stem: &str) {
    let incident = subject.incident;
    let pos = incident.written_id.as_ref().map_or(Pos::START, |i| i.pos);
    let id = &incident.id;
    if !is_valid_key(id) {
        let what = if incident.written_id.is_some() {
            "id"
        } else {
            "file name"
        };
        subject
            .push(
                Code::InvalidId,
                pos,
                format!("{what} `{id}` is not a valid incident id"),
            )
            .help = Some(KEY_RULE.to_owned());
    } else if id != stem {
        subject
            .push(
                Code::InvalidId,
                pos,
                format!("id `{id}` differs from the file name `{stem}`"),
            )
            .help = Some(format!(
            "rename the file to `{id}.yaml`, or set `id: {stem}`"
        ));
    }
}

/// Records sharing an id: reported on the later one in path order, naming
/// the first.
pub fn duplicates(workspace: &Workspace) -> Vec<Finding> {
    let mut first: HashMap<&str, &str> = HashMap::new();
    let mut findings = Vec::new();
    for (record, incident) in workspace.incidents() {
        match first.get(incident.id.as_str()) {
            None => {
                first.insert(&incident.id, &record.path);
            }
            Some(&earlier) => {
                let pos = incident.written_id.as_ref().map_or(Pos::START, |i| i.pos);
                let mut finding = Finding::new(
                    Code::DuplicateId,
                    &record.path,
                    pos,
                    format!("id `{}` is already used by {earlier}", incident.id),
                )
                .help("every incident needs its own id; rename one of the records");
                finding.related = Some(earlier.to_owned());
                findings.push(finding);
            }
        }
    }
    findings
}
