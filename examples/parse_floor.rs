//! The read-and-parse floor that `rolecall check` is measured against.
//!
//! `cargo run --release --example parse_floor -- DIR [value|tree]` walks
//! `DIR/incidents` for `*.yaml` and `*.yml` files, reads each one and parses
//! it with serde-saphyr, and does nothing else. `value` (the default) parses
//! into a plain `serde_json::Value`; `tree` uses `rolecall::yaml::parse`, the
//! spanned tree with the input limits that `check` builds. Files are parsed
//! in parallel with rayon, as `check` does (`RAYON_NUM_THREADS=1` for one
//! core). Prints the number of files and the bytes read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: parse_floor DIR [value|tree]");
        return ExitCode::from(2);
    };
    let tree = match args.get(1).map(String::as_str) {
        None | Some("value") => false,
        Some("tree") => true,
        Some(other) => {
            eprintln!("parse_floor: unknown mode `{other}` (value or tree)");
            return ExitCode::from(2);
        }
    };
    let files = record_files(&Path::new(dir).join("incidents"));
    let parsed: Result<Vec<usize>, String> = files
        .par_iter()
        .map(|path| parse_file(path, tree))
        .collect();
    match parsed {
        Ok(sizes) => {
            let bytes: usize = sizes.iter().sum();
            println!("parsed {} files, {bytes} bytes", sizes.len());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("parse_floor: {error}");
            ExitCode::FAILURE
        }
    }
}

fn record_files(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect()
}

/// Reads and parses one file; returns its size.
fn parse_file(path: &Path, tree: bool) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if tree {
        rolecall::yaml::parse(&bytes).map_err(|f| format!("{}: {}", path.display(), f.message))?;
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_saphyr::from_str::<serde_json::Value>(text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(bytes.len())
}
