//! Paths as rolecall names them in findings, documents and commits:
//! relative to a root folder and `/`-separated on every platform. A leaf:
//! loading, rendering and git all use it.

use std::path::Path;

/// `path` relative to `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // A clean Unix path is already in this form; this runs for every file
    // of a large output folder.
    if cfg!(unix)
        && let Some(text) = rel.to_str()
        && text.split('/').all(|part| !part.is_empty() && part != ".")
    {
        return text.to_owned();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn relative_paths_are_slash_separated_and_clean() {
        let root = Path::new("/repo");
        let cases = [
            ("/repo/incidents/a.yaml", "incidents/a.yaml"),
            ("/repo/incidents//b.yaml", "incidents/b.yaml"),
            ("/repo/./incidents/c.yaml", "incidents/c.yaml"),
            ("/repo", ""),
        ];
        for (path, expected) in cases {
            let got = relative(root, Path::new(path));
            assert_eq!(got, expected, "{path}");
        }
    }
}
