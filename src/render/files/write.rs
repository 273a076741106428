//! Writing changes atomically, file by file, and putting every file back
//! when one of them fails.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Change, Previous, Stored};

/// What [`apply`] changed, for [`restore`] to put back: the changes made,
/// in order, and the folders created for new files.
#[derive(Debug, Default)]
pub struct Applied<'c> {
    changes: Vec<&'c Change>,
    /// Outermost first; only folders that did not exist before the run.
    created: Vec<PathBuf>,
}

/// Applies changes atomically, file by file; on any failure, everything
/// already changed is put back as it was (old contents known by id only
/// from `stored`) and the failing path is returned.
pub fn apply<'c>(
    root: &Path,
    changes: &'c [Change],
    stored: Stored<'_>,
) -> Result<Applied<'c>, (String, std::io::Error)> {
    let mut applied = Applied::default();
    for change in changes {
        if let Err(error) = apply_one(root, change, &mut applied.created) {
            restore(root, &applied, stored);
            return Err((change.path().to_owned(), error));
        }
        applied.changes.push(change);
    }
    Ok(applied)
}

/// Puts everything [`apply`] did back, newest first (also used when the
/// commit after writing fails): old contents return, in folders recreated
/// if a removal emptied them; new files go, and so do the folders made for
/// them, while any folder that was there before stays. Old contents known
/// by blob id only come from `stored`. Returns the paths that could not be
/// put back.
pub fn restore(root: &Path, applied: &Applied<'_>, stored: Stored<'_>) -> Vec<String> {
    let mut failed = Vec::new();
    for change in applied.changes.iter().rev() {
        let path = root.join(change.path());
        let put_back = |old: &[u8]| {
            path.parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|()| write_atomic(&path, old))
        };
        let result = match change {
            Change::Write {
                previous: Previous::Held(old),
                ..
            }
            | Change::Remove { previous: old, .. } => put_back(old),
            Change::Write {
                previous: Previous::Id(id),
                conversion,
                ..
            } => stored(*id).and_then(|old| put_back(&conversion.to_worktree(&old))),
            Change::Write {
                previous: Previous::Absent,
                ..
            } => match fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        };
        if result.is_err() {
            failed.push(change.path().to_owned());
        }
    }
    // Innermost first; one that holds something again (a restored file) stays.
    for dir in applied.created.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
    failed
}

/// Makes one change; folders it creates are added to `created`.
fn apply_one(root: &Path, change: &Change, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let path = root.join(change.path());
    refuse_symlinked_parents(root, &path)?;
    match change {
        Change::Write {
            content,
            conversion,
            ..
        } => {
            let content = content
                .as_ref()
                .ok_or_else(|| {
                    std::io::Error::other("its content was not kept (planned for a report only)")
                })?
                .content()?;
            if let Some(parent) = path.parent() {
                create_folders(parent, created)?;
            }
            write_atomic(&path, &conversion.to_worktree(&content))
        }
        Change::Remove { .. } => {
            #[cfg(debug_assertions)]
            injected_fault("remove")?;
            fs::remove_file(&path)?;
            remove_empty_parents(root, &path);
            crate::crash_points::reached("remove");
            Ok(())
        }
    }
}

/// Creates `dir` and its missing parents (like `create_dir_all`), adding
/// each folder it creates to `created`, outermost first.
fn create_folders(dir: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.is_dir()).collect();
    for folder in missing.into_iter().rev() {
        match fs::create_dir(folder) {
            Ok(()) => created.push(folder.to_path_buf()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && folder.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes through a temporary file in the same folder, then renames. The
/// result keeps the permissions of the file it replaces; a new file gets
/// the usual ones (`0666` less the umask), not the temporary file's `0600`.
pub fn write_atomic(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let existing = fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".rolecall-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir)?;
    if let Some(permissions) = existing {
        file.as_file().set_permissions(permissions)?;
    }
    // No fsync per file: like git, rolecall relies on the rename being
    // atomic; syncing each of tens of thousands of documents dominated the
    // time of a full render.
    file.write_all(content)?;
    #[cfg(debug_assertions)]
    injected_fault("write")?;
    crate::crash_points::reached("write-temporary");
    file.persist(path).map_err(|e| e.error)?;
    crate::crash_points::reached("write");
    Ok(())
}

/// Test-only fault injection, compiled into debug builds only (release
/// builds have none of it): with `ROLECALL_FAIL_WRITE_AT=N` in the
/// environment, the N-th file operation of the process fails with an
/// injected I/O error. Operations are counted from 1: every write through
/// [`write_atomic`] (failing once the temporary file is written, before it
/// replaces the target) and every removal by [`apply`]. The integration
/// tests (`tests/integration/faults.rs`) stop `render` at each operation in
/// turn and show that the repository is left as it was.
#[cfg(debug_assertions)]
fn injected_fault(operation: &str) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static OPERATIONS: AtomicUsize = AtomicUsize::new(0);
    let Some(at) = std::env::var("ROLECALL_FAIL_WRITE_AT")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
    else {
        return Ok(());
    };
    let count = OPERATIONS.fetch_add(1, Ordering::SeqCst) + 1;
    if count == at {
        return Err(std::io::Error::other(format!(
            "injected fault: file operation {count} ({operation}) failed (ROLECALL_FAIL_WRITE_AT={at})"
        )));
    }
    Ok(())
}

fn refuse_symlinked_parents(root: &Path, path: &Path) -> std::io::Result<()> {
    let mut current = PathBuf::from(root);
    let rel = path.strip_prefix(root).unwrap_or(path);
    for component in rel.components() {
        current.push(component);
        if fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(std::io::Error::other(format!(
                "{} is a symbolic link; rolecall does not write through links",
                current.display()
            )));
        }
    }
    Ok(())
}

/// Removes folders left empty by a removal, up to (not including) `root`.
fn remove_empty_parents(root: &Path, path: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests;
