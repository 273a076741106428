//! Which files rolecall reads, by name: records are `*.yaml` and `*.yml`
//! in any letter case (`INC-1.YAML`), and the configuration and roster are
//! found under their name in another case or with the other extension
//! (`rolecall.YML`) when the exact name is absent, so no file a person
//! meant is skipped without a word.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Whether a file name is a record's: its extension is `yaml` or `yml`, in
/// any letter case.
pub fn is_record_name(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && (extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml"))
    })
}

/// Where the file meant by `path` is.
#[derive(Debug, PartialEq, Eq)]
pub enum Located {
    /// `path` itself, or the one file beside it whose name differs only in
    /// letter case or in `.yaml` against `.yml`.
    File(PathBuf),
    /// More than one such file (and not `path` itself): their names, sorted.
    Several(Vec<String>),
    /// None.
    Missing,
}

/// Finds the file meant by `path`, a YAML file's path.
pub fn locate(path: &Path) -> Result<Located> {
    if path.is_file() {
        return Ok(Located::File(path.to_owned()));
    }
    let (Some(folder), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
    else {
        return Ok(Located::Missing);
    };
    let wanted = variant_key(name);
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Located::Missing),
        Err(source) => {
            return Err(Error::Read {
                path: folder.to_owned(),
                source,
            });
        }
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: folder.to_owned(),
            source,
        })?;
        let Some(candidate) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if variant_key(&candidate) == wanted && entry.path().is_file() {
            found.push(candidate);
        }
    }
    found.sort();
    Ok(match found.len() {
        0 => Located::Missing,
        1 => Located::File(folder.join(&found[0])),
        _ => Located::Several(found),
    })
}

/// A file name with letter case and the `.yml` / `.yaml` difference taken
/// out.
fn variant_key(name: &str) -> String {
    let lower = name.to_lowercase();
    match lower.strip_suffix(".yml") {
        Some(stem) => format!("{stem}.yaml"),
        None => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_names_are_matched_without_case() {
        for name in ["a.yaml", "a.yml", "INC-1.YAML", "x.Yml", "b.c.yaml"] {
            assert!(is_record_name(name), "{name}");
        }
        for name in [".yaml", "a.md", "yaml", "a.yaml.bak", "a.yam", "a.ymlx"] {
            assert!(!is_record_name(name), "{name}");
        }
    }

    #[test]
    fn a_file_is_found_in_another_case_or_with_the_other_extension() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let wanted = dir.path().join("rolecall.yaml");
        assert_eq!(locate(&wanted).unwrap(), Located::Missing);
        fs::write(dir.path().join("rolecall.YML"), "").unwrap();
        assert_eq!(
            locate(&wanted).unwrap(),
            Located::File(dir.path().join("rolecall.YML"))
        );
        fs::write(dir.path().join("Rolecall.yaml"), "").unwrap();
        assert_eq!(
            locate(&wanted).unwrap(),
            Located::Several(vec!["Rolecall.yaml".to_owned(), "rolecall.YML".to_owned()])
        );
        fs::write(&wanted, "").unwrap();
        assert_eq!(locate(&wanted).unwrap(), Located::File(wanted.clone()));
        let missing_folder = dir.path().join("nowhere/people.yaml");
        assert_eq!(locate(&missing_folder).unwrap(), Located::Missing);
    }
}
