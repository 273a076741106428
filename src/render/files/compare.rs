//! Comparing planned documents with the disk: what changed, which generated
//! files are stale, and postmortems merged with what people wrote.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{
    Change, Changes, Compared, Comparison, ConflictError, Conversions, Hold, Previous, is_generated,
};
use crate::blob::{Blob, BlobId};
use crate::line_endings::Conversion;
use crate::render::{Document, DocumentPlan, Kind, markers};

/// Compares one document with the disk, taking its content: deflated into
/// the change when it differs (or dropped, with [`Hold::Path`]), freed when
/// it does not. `conversions` says how git converts it.
pub fn compare_document(
    root: &Path,
    document: &mut Document,
    hold: Hold,
    conversions: Conversions<'_>,
) -> Compared {
    let conversion = conversions(&document.path)?;
    compare_one(
        root,
        &document.path,
        document.kind,
        std::mem::take(&mut document.content),
        hold,
        conversion,
    )
}

/// The changes from `compared` (one per document of `plan`, in its order;
/// the first conflict in that order is returned) plus the removal of stale
/// generated documents in `scope`. `seen` lists the Markdown files below
/// the scope when a walk already found them; `None` walks the scope.
pub fn finish(
    root: &Path,
    plan: &DocumentPlan,
    compared: Vec<Compared>,
    scope: &[String],
    seen: Option<&[String]>,
) -> Result<Changes, ConflictError> {
    let mut changes = Changes::default();
    changes.changes.reserve_exact(
        compared
            .iter()
            .filter(|c| matches!(c, Ok(Comparison::Changed(_))))
            .count(),
    );
    for (result, document) in compared.into_iter().zip(&plan.documents) {
        match result? {
            Comparison::Changed(change) => changes.changes.push(*change),
            Comparison::Unchanged(id) => {
                changes.unchanged += 1;
                changes.on_disk.push((document.path.clone(), id));
            }
            Comparison::Skipped => changes.unchanged += 1,
        }
    }
    let planned: HashSet<&str> = plan.documents.iter().map(|d| d.path.as_str()).collect();
    for path in stale(root, scope, seen, &planned) {
        let previous = read(root, &path)?.unwrap_or_default();
        changes.changes.push(Change::Remove { path, previous });
    }
    changes.changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(changes)
}

fn read(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, ConflictError> {
    match fs::read(root.join(rel)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConflictError::Read {
            path: rel.to_owned(),
            source,
        }),
    }
}

fn compare_one(
    root: &Path,
    rel: &str,
    kind: Kind,
    fresh: String,
    hold: Hold,
    conversion: Conversion,
) -> Compared {
    let path = root.join(rel);
    if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(ConflictError::Symlink {
            path: rel.to_owned(),
        });
    }
    let deflated = |content: &[u8]| match hold {
        Hold::Content => Blob::new(content)
            .map(Some)
            .map_err(|source| ConflictError::Deflate {
                path: rel.to_owned(),
                source,
            }),
        Hold::Path => Ok(None),
    };
    let fresh = stored_text(conversion, fresh);
    let Some(existing) = read(root, rel)? else {
        return Ok(Comparison::Changed(Box::new(Change::Write {
            path: rel.to_owned(),
            content: deflated(fresh.as_bytes())?,
            previous: Previous::Absent,
            conversion,
        })));
    };
    if !is_generated(&existing) {
        return Err(ConflictError::Foreign {
            path: rel.to_owned(),
        });
    }
    // Compared as git stores them: a checkout with CRLF line endings holds
    // the same documents as one with LF.
    let stored = conversion.to_git(&existing);
    if *stored == *fresh.as_bytes() {
        // Merging a render into itself changes nothing: skip the merge.
        return Ok(Comparison::Unchanged(BlobId::of(&stored)));
    }
    let content = if kind == Kind::Postmortem {
        merge_postmortem(rel, &stored, &fresh)?
    } else {
        fresh.into_bytes()
    };
    if content == *stored {
        return Ok(Comparison::Unchanged(BlobId::of(&stored)));
    }
    // Known by id only when the repository's blob gives the file back.
    let previous = if conversion.to_worktree(&stored) == existing {
        Previous::Id(BlobId::of(&stored))
    } else {
        Previous::Held(existing)
    };
    Ok(Comparison::Changed(Box::new(Change::Write {
        path: rel.to_owned(),
        content: deflated(&content)?,
        previous,
        conversion,
    })))
}

/// `text` as git stores it (templates render LF, so usually `text` itself).
fn stored_text(conversion: Conversion, text: String) -> String {
    let converted = match conversion.to_git(text.as_bytes()) {
        Cow::Owned(bytes) => Some(bytes),
        Cow::Borrowed(_) => None,
    };
    match converted {
        // Dropping CRs before LFs leaves UTF-8 valid.
        Some(bytes) => String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        None => text,
    }
}

/// The existing postmortem with its generated sections replaced; its first
/// line (the header) is always the fresh one.
/// `existing` (a postmortem as a file or blob holds it) with the generated
/// sections of `fresh`; every other byte of `existing` is kept.
pub fn merge_postmortem(rel: &str, existing: &[u8], fresh: &str) -> Result<Vec<u8>, ConflictError> {
    let text = String::from_utf8_lossy(existing);
    let fresh_header = fresh.split_inclusive('\n').next().unwrap_or("");
    let body = text.split_once('\n').map_or("", |(_, rest)| rest);
    let merged =
        markers::merge(body, fresh.get(fresh_header.len()..).unwrap_or("")).map_err(|e| {
            ConflictError::Markers {
                path: rel.to_owned(),
                line: e.line() + 1,
                message: e.problem(),
            }
        })?;
    Ok(format!("{fresh_header}{merged}").into_bytes())
}

/// Generated `.md` files in `scope` that the plan no longer produces, from
/// `seen` or else a walk of the scope.
fn stale(
    root: &Path,
    scope: &[String],
    seen: Option<&[String]>,
    planned: &HashSet<&str>,
) -> Vec<String> {
    let Some(seen) = seen else {
        return walk_stale(root, scope, planned);
    };
    let in_scope = |rel: &str| {
        scope.iter().any(|folder| {
            rel.strip_prefix(folder.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    seen.par_iter()
        .filter(|rel| !planned.contains(rel.as_str()) && in_scope(rel))
        .filter(|rel| first_line_is_generated(&root.join(rel)))
        .cloned()
        .collect()
}

/// [`stale`] by walking the scope, past hidden entries and without
/// following links. Each folder's entries are walked in parallel: an output
/// folder holds one folder per incident.
fn walk_stale(root: &Path, scope: &[String], planned: &HashSet<&str>) -> Vec<String> {
    let mut candidates: Vec<String> = scope
        .iter()
        .filter_map(|folder| fs::read_dir(root.join(folder)).ok())
        .flat_map(|entries| entries.filter_map(Result::ok))
        .filter(|entry| !crate::load::is_hidden(&entry.file_name()))
        .map(|entry| entry.path())
        .collect::<Vec<PathBuf>>()
        .par_iter()
        .flat_map_iter(|path| {
            WalkDir::new(path)
                .follow_links(false)
                .follow_root_links(false)
                .into_iter()
                .filter_entry(|entry| {
                    entry.depth() == 0 || !crate::load::is_hidden(entry.file_name())
                })
                .filter_map(Result::ok)
                .filter(|entry| {
                    entry.file_type().is_file()
                        && is_document_name(&entry.file_name().to_string_lossy())
                })
                .map(|entry| crate::rel_path::relative(root, entry.path()))
                .filter(|rel| !planned.contains(rel.as_str()))
                .collect::<Vec<_>>()
        })
        .filter(|rel| first_line_is_generated(&root.join(rel)))
        .collect();
    candidates.sort();
    candidates.dedup();
    candidates
}

/// The names rolecall's documents have: Markdown, and the calendar.
fn is_document_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e == "md" || e == "ics")
}

fn first_line_is_generated(path: &Path) -> bool {
    use std::io::Read as _;
    let mut buffer = [0u8; 64];
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    is_generated(&buffer[..filled])
}
