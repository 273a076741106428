//! The read-and-parse floors that `rolecall check` is measured against.
//!
//! `cargo run --release --example parse_floor -- DIR [value|events|tree]`
//! walks `DIR/incidents` for `*.yaml` and `*.yml` files, reads each one and
//! parses it, and does nothing else:
//!
//! - `value` (the default): serde-saphyr into a plain `serde_json::Value`;
//! - `events`: serde-saphyr's parser, every event pulled and dropped (the
//!   least any use of the library can do);
//! - `tree`: `rolecall::yaml::parse`, the spanned tree with the input limits
//!   that `check` builds (its line reader for block-style records).
//!
//! Files are parsed in parallel with rayon, as `check` does
//! (`RAYON_NUM_THREADS=1` for one core). Prints the number of files and the
//! bytes read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: parse_floor DIR [value|events|tree]");
        return ExitCode::from(2);
    };
    let mode = match args.get(1).map(String::as_str) {
        None | Some("value") => Mode::Value,
        Some("events") => Mode::Events,
        Some("tree") => Mode::Tree,
        Some(other) => {
            eprintln!("parse_floor: unknown mode `{other}` (value, events or tree)");
            return ExitCode::from(2);
        }
    };
    let files = record_files(&Path::new(dir).join("incidents"));
    let parsed: Result<Vec<usize>, String> = files
        .par_iter()
        .map(|path| parse_file(path, mode))
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

#[derive(Clone, Copy)]
enum Mode {
    Value,
    Events,
    Tree,
}

/// Reads and parses one file; returns its size.
fn parse_file(path: &Path, mode: Mode) -> Result<usize, String> {
    let failed = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| failed(&e))?;
    if let Mode::Tree = mode {
        rolecall::yaml::parse(&bytes).map_err(|f| failed(&f.message))?;
        return Ok(bytes.len());
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| failed(&e))?;
    if let Mode::Events = mode {
        for event in serde_saphyr::granit_parser::Parser::new_from_str(text) {
            event.map_err(|e| failed(&e))?;
        }
    } else {
        serde_saphyr::from_str::<serde_json::Value>(text).map_err(|e| failed(&e))?;
    }
    Ok(bytes.len())
}
