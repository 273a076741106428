//! What the shell completes for an incident id, a role and a person: the
//! names in the project the shell is in.

use clap_complete::engine::CompletionCandidate;

/// The project in the current folder, for completing its names; nothing
/// when it cannot be read.
fn project() -> Option<crate::load::Workspace> {
    let here = std::env::current_dir().ok()?;
    crate::load::load_parsed(&crate::project_root::find(&here), None).ok()
}

/// Completions of an incident id: every record's id, its title as help.
pub(super) fn incident_ids() -> Vec<CompletionCandidate> {
    let Some(workspace) = project() else {
        return Vec::new();
    };
    workspace
        .records
        .iter()
        .map(|r| match &r.incident {
            Some(incident) => CompletionCandidate::new(&incident.id)
                .help(Some(incident.title.value.clone().into())),
            None => CompletionCandidate::new(&r.stem),
        })
        .collect()
}

/// Completions of a role: the catalogue's keys, their names as help.
pub(super) fn role_keys() -> Vec<CompletionCandidate> {
    let config = project().map_or_else(crate::model::Config::builtin, |w| w.config);
    config
        .roles
        .values()
        .map(|role| CompletionCandidate::new(&role.key).help(Some(role.name.clone().into())))
        .collect()
}

/// Completions of a person: the roster's keys, their names as help.
pub(super) fn person_keys() -> Vec<CompletionCandidate> {
    let Some(roster) = project().and_then(|w| w.roster) else {
        return Vec::new();
    };
    roster
        .keys()
        .map(|key| {
            let name = roster.get(key).map(|p| p.display_name().to_owned());
            CompletionCandidate::new(key).help(name.map(Into::into))
        })
        .collect()
}
