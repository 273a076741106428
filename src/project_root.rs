//! Which folder is the project when rolecall starts somewhere inside it,
//! found the way git finds its work tree: walking up from where it started.

use std::path::{Path, PathBuf};

/// The project folder for a run started in `start`: the nearest folder at
/// or above it holding a `rolecall.yaml` (or a spelling `load` accepts);
/// else `start` itself when it has the incidents folder; else the top of
/// the git work tree around it; else `start`.
pub fn find(start: &Path) -> PathBuf {
    for folder in start.ancestors() {
        if has_configuration(folder) {
            return folder.to_owned();
        }
    }
    if start.join("incidents").is_dir() {
        return start.to_owned();
    }
    crate::git::Repository::discover(start)
        .ok()
        .flatten()
        .and_then(|repo| repo.workdir().map(Path::to_owned))
        .map_or_else(|| start.to_owned(), |top| strip_trailing(&top))
}

fn has_configuration(folder: &Path) -> bool {
    matches!(
        crate::load::locate(&folder.join("rolecall.yaml")),
        Ok(crate::load::Located::File(_) | crate::load::Located::Several(_))
    )
}

/// libgit2 ends a work tree's path with a separator; `Path` comparisons
/// and joins do not need it.
fn strip_trailing(path: &Path) -> PathBuf {
    path.components().collect()
}
