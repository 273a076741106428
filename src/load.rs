//! Loading a repository: the configuration, the roster and every record,
//! each parsed with positions. Problems in the files become `syntax` and
//! `schema` findings; only I/O failures are errors.

mod files;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::finding::{Code, Finding};
use crate::model::{Config, Incident, Roster, record};
use crate::rel_path::relative;
use crate::yaml::{self, Pos, Reader};

pub use files::{Located, is_record_name, locate};

/// One record file and what could be read from it.
#[derive(Debug)]
pub struct Record {
    /// Relative to the project folder, `/`-separated.
    pub path: String,
    pub stem: String,
    /// The file's text as the parser read it ([`source_text`]): the byte
    /// ranges of its nodes index into this. Empty when the workspace was
    /// loaded with [`Sources::Drop`].
    pub source: String,
    /// `None` when the file has `syntax` or `schema` findings.
    pub incident: Option<Incident>,
}

/// Everything `check` and `render` work from.
#[derive(Debug)]
pub struct Workspace {
    /// The project folder (`-C`), where relative paths start.
    pub root: PathBuf,
    pub config: Config,
    /// The configuration file that was read, relative to `root`.
    pub config_file: Option<String>,
    pub roster: Option<Roster>,
    pub records: Vec<Record>,
    /// `syntax` and `schema` findings of loading.
    pub findings: Vec<Finding>,
    /// The configuration or roster has errors: records were not checked.
    pub setup_failed: bool,
    /// Symbolic links skipped during discovery (for `-v`).
    pub skipped_links: Vec<String>,
    /// The documents (Markdown, and `.ics` calendars) discovery passed on its way (relative to `root`,
    /// sorted; links and hidden entries left out): where `render` looks for
    /// stale documents when they sit beside the records.
    pub markdown: Vec<String>,
}

impl Workspace {
    /// The folder records are read from.
    pub fn incidents_dir(&self) -> PathBuf {
        self.root.join(&self.config.incidents)
    }

    /// The folder documents are written to.
    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.config.output)
    }

    /// Records that were read without problems.
    pub fn incidents(&self) -> impl Iterator<Item = (&Record, &Incident)> {
        self.records
            .iter()
            .filter_map(|r| r.incident.as_ref().map(|i| (r, i)))
    }
}

/// The configuration and roster every load reads first, with their
/// findings.
struct Setup {
    config: Config,
    config_file: Option<String>,
    roster: Option<Roster>,
    findings: Vec<Finding>,
    /// The configuration or roster has errors: records are read but not
    /// checked.
    failed: bool,
}

impl Setup {
    fn read(root: &Path, config_path: Option<&Path>) -> Result<Setup> {
        let mut findings = Vec::new();
        let (config, config_file, config_ok) = load_config(root, config_path, &mut findings)?;
        let (roster, roster_ok) = load_roster(root, &config, &mut findings)?;
        Ok(Setup {
            config,
            config_file,
            roster,
            findings,
            failed: !(config_ok && roster_ok),
        })
    }

    /// The workspace of these records; their findings count only when the
    /// setup is sound.
    fn workspace(
        self,
        root: &Path,
        loaded: Vec<(Record, Vec<Finding>)>,
        found: Found,
    ) -> Workspace {
        let Setup {
            config,
            config_file,
            roster,
            mut findings,
            failed,
        } = self;
        let mut records = Vec::with_capacity(loaded.len());
        for (record, found) in loaded {
            if !failed {
                // With the setup broken, records are not checked at all.
                findings.extend(found);
            }
            records.push(record);
        }
        Workspace {
            root: root.to_owned(),
            config,
            config_file,
            roster,
            records,
            findings,
            setup_failed: failed,
            skipped_links: found.links,
            markdown: found.markdown,
        }
    }
}

/// Whether the records' text stays in the workspace after parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sources {
    /// Kept, for commands that edit records or digest their text.
    Keep,
    /// Dropped as soon as each record is parsed: the commands that only
    /// read the parsed records (findings show their lines by reading the
    /// file again) hold no text they no longer need.
    Drop,
}

/// Loads the project at `root`, keeping every record's text.
/// `config_path` is `--config`.
pub fn load(root: &Path, config_path: Option<&Path>) -> Result<Workspace> {
    load_with(root, config_path, Sources::Keep)
}

/// Loads the project at `root` without keeping the records' text.
pub fn load_parsed(root: &Path, config_path: Option<&Path>) -> Result<Workspace> {
    load_with(root, config_path, Sources::Drop)
}

fn load_with(root: &Path, config_path: Option<&Path>, sources: Sources) -> Result<Workspace> {
    let setup = Setup::read(root, config_path)?;
    let incidents_dir = root.join(&setup.config.incidents);
    let found = if incidents_dir.is_dir() {
        discover(root, &incidents_dir)?
    } else if setup.failed {
        // A broken configuration may name another folder: report its
        // findings rather than a folder that may not be the right one.
        Found::default()
    } else {
        return Err(Error::NoIncidents {
            path: incidents_dir,
        });
    };
    let loaded: Vec<(Record, Vec<Finding>)> = found
        .records
        .par_iter()
        .map(|(rel, abs)| {
            let (mut record, findings) = read_record(rel, abs, &setup.config, setup.failed)?;
            if sources == Sources::Drop {
                record.source = String::new();
            }
            Ok((record, findings))
        })
        .collect::<Result<_>>()?;
    Ok(setup.workspace(root, loaded, found))
}

/// Loads the project at `root` with the records given as files held in
/// memory (paths relative to `root`, and bytes) instead of discovered on
/// disk, as `notify` reads a revision; the configuration and roster are
/// read from disk as [`load`] reads them.
pub fn load_files(
    root: &Path,
    config_path: Option<&Path>,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Workspace> {
    let setup = Setup::read(root, config_path)?;
    let loaded = files
        .into_iter()
        .map(|(rel, bytes)| {
            let stem = Path::new(&rel)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            read_bytes(&rel, &stem, bytes, &setup.config, setup.failed)
        })
        .collect();
    Ok(setup.workspace(root, loaded, Found::default()))
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })
}

pub fn load_config(
    root: &Path,
    explicit: Option<&Path>,
    findings: &mut Vec<Finding>,
) -> Result<(Config, Option<String>, bool)> {
    let path = match explicit {
        Some(p) => root.join(p),
        None => match files::locate(&root.join("rolecall.yaml"))? {
            Located::File(path) => path,
            Located::Missing => return Ok((Config::builtin(), None, true)),
            Located::Several(names) => {
                findings.push(several(
                    root,
                    root,
                    &names,
                    "configuration file",
                    "rolecall.yaml",
                ));
                return Ok((Config::builtin(), None, false));
            }
        },
    };
    let bytes = read_file(&path)?;
    let rel = relative(root, &path);
    let root_node = match parse_into(&rel, &bytes, findings) {
        Parsed::Document(node) => node,
        // Every key is optional: an empty file is the defaults.
        Parsed::Empty => return Ok((Config::builtin(), Some(rel), true)),
        Parsed::Broken => return Ok((Config::builtin(), Some(rel), false)),
    };
    let text = source_text(&bytes);
    let mut reader = Reader::new(&rel, &text);
    let config = Config::read(&mut reader, &root_node);
    findings.append(&mut reader.findings);
    Ok(match config {
        Some(config) => (config, Some(rel), true),
        None => (Config::builtin(), Some(rel), false),
    })
}

fn load_roster(
    root: &Path,
    config: &Config,
    findings: &mut Vec<Finding>,
) -> Result<(Option<Roster>, bool)> {
    let wanted = root.join(&config.people);
    let path = match files::locate(&wanted)? {
        Located::File(path) => path,
        Located::Missing => return Ok((None, true)),
        Located::Several(names) => {
            let name = wanted.file_name().map(|n| n.to_string_lossy().into_owned());
            let folder = wanted.parent().unwrap_or(root);
            findings.push(several(
                root,
                folder,
                &names,
                "roster",
                name.as_deref().unwrap_or("people.yaml"),
            ));
            return Ok((None, false));
        }
    };
    let bytes = read_file(&path)?;
    let rel = relative(root, &path);
    let root_node = match parse_into(&rel, &bytes, findings) {
        Parsed::Document(node) => node,
        // A roster file without people: nobody can hold a role yet.
        Parsed::Empty => return Ok((Some(Roster::default()), true)),
        Parsed::Broken => return Ok((None, false)),
    };
    let text = source_text(&bytes);
    let mut reader = Reader::new(&rel, &text);
    let roster = Roster::read(&mut reader, &root_node);
    findings.append(&mut reader.findings);
    let ok = roster.is_some();
    Ok((roster, ok))
}

/// A finding for two or more files in `folder` that could each be the
/// `what` (named `name`, in another letter case or with the other
/// extension); it sits on the first of them, relative to `root`.
fn several(root: &Path, folder: &Path, names: &[String], what: &str, name: &str) -> Finding {
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let rel = relative(root, &folder.join(&names[0]));
    Finding::new(
        Code::Schema,
        &rel,
        Pos::START,
        format!("more than one {what}: {}", listed.join(", ")),
    )
    .help(format!("keep one of them, named `{name}`"))
}

/// What parsing one file gave.
enum Parsed {
    /// The document; its byte ranges index into [`source_text`].
    Document(yaml::SNode),
    /// Only blank lines and comments.
    Empty,
    /// Not YAML rolecall can read: a `syntax` finding was recorded.
    Broken,
}

/// Parses bytes, turning a failure into a `syntax` finding.
fn parse_into(rel: &str, bytes: &[u8], findings: &mut Vec<Finding>) -> Parsed {
    match yaml::parse(bytes) {
        Ok(Some(node)) => Parsed::Document(node),
        Ok(None) => Parsed::Empty,
        Err(failure) => {
            findings.push(
                Finding::new(failure.code, rel, failure.pos, failure.message)
                    .maybe_help(failure.help),
            );
            Parsed::Broken
        }
    }
}

/// A file's text as the parser reads it: lossily decoded, without a
/// byte-order mark, so the nodes' byte ranges index into it.
pub fn source_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned()
}

/// [`source_text`] of bytes read from a file, reusing their buffer when
/// they are UTF-8 (as records are) instead of copying them.
fn into_source_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            text
        }
        Err(error) => source_text(error.as_bytes()),
    }
}

fn read_record(
    rel: &str,
    abs: &Path,
    config: &Config,
    setup_failed: bool,
) -> Result<(Record, Vec<Finding>)> {
    let bytes = read_file(abs)?;
    let stem = Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(read_bytes(rel, &stem, bytes, config, setup_failed))
}

/// Reads a record from text held in memory (a record `new` or `handover`
/// is about to write), exactly as [`load`] would read it from disk.
pub fn read_source(rel: &str, stem: &str, text: &str, config: &Config) -> (Record, Vec<Finding>) {
    read_bytes(rel, stem, text.as_bytes().to_vec(), config, false)
}

fn read_bytes(
    rel: &str,
    stem: &str,
    bytes: Vec<u8>,
    config: &Config,
    setup_failed: bool,
) -> (Record, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut incident = None;
    let parsed = parse_into(rel, &bytes, &mut findings);
    let source = into_source_text(bytes);
    match parsed {
        Parsed::Document(node) if !setup_failed => {
            let mut reader = Reader::new(rel, &source);
            incident = record::read(&mut reader, &node, stem, config);
            findings = reader.findings;
        }
        Parsed::Empty => findings.push(
            Finding::new(Code::Syntax, rel, Pos::START, "file is empty").help(
                "write the record's keys (title, severity, status, started_at), or delete the file",
            ),
        ),
        Parsed::Document(_) | Parsed::Broken => {}
    }
    (
        Record {
            path: rel.to_owned(),
            stem: stem.to_owned(),
            source,
            incident,
        },
        findings,
    )
}

/// Record files: the path relative to the project folder, and on disk.
type RecordPaths = Vec<(String, PathBuf)>;

/// What the walk for records found below the incidents folder.
#[derive(Default)]
struct Found {
    records: RecordPaths,
    /// Links to records, skipped.
    links: Vec<String>,
    /// Markdown files, relative to the project folder.
    markdown: Vec<String>,
}

impl Found {
    fn extend(&mut self, other: Found) {
        self.records.extend(other.records);
        self.links.extend(other.links);
        self.markdown.extend(other.markdown);
    }
}

/// Record files under `dir`, sorted by path: `*.yaml` and `*.yml` in any
/// letter case ([`is_record_name`]), no hidden
/// entries, no symbolic links followed. The skipped links and the Markdown
/// files seen on the way come along.
fn discover(root: &Path, dir: &Path) -> Result<Found> {
    let read_error = |path: &Path, source: std::io::Error| Error::Read {
        path: path.to_owned(),
        source,
    };
    // The folder's entries are walked in parallel: when documents are
    // written beside the records, it holds a folder per incident.
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| read_error(dir, e))? {
        let entry = entry.map_err(|e| read_error(dir, e))?;
        if !is_hidden(&entry.file_name()) {
            entries.push(entry.path());
        }
    }
    entries.sort();
    let walked: Vec<Found> = entries
        .par_iter()
        .map(|entry| discover_below(root, entry))
        .collect::<Result<_>>()?;
    let mut found = Found::default();
    for part in walked {
        found.extend(part);
    }
    found.records.sort();
    found.markdown.sort();
    Ok(found)
}

/// Records at or below `path` (a file or folder, not followed when it is a
/// link), the links to records skipped, and the Markdown files.
fn discover_below(root: &Path, path: &Path) -> Result<Found> {
    let mut found = Found::default();
    let walker = WalkDir::new(path)
        .follow_links(false)
        .follow_root_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().map_or_else(|| path.to_owned(), Path::to_owned);
            Error::Read {
                path,
                source: e.into(),
            }
        })?;
        let name = entry.file_name().to_string_lossy();
        let is_record = is_record_name(&name);
        if entry.path_is_symlink() {
            if is_record {
                found.links.push(relative(root, entry.path()));
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if is_record {
            found
                .records
                .push((relative(root, entry.path()), entry.into_path()));
        } else if name.ends_with(".md") || name.ends_with(".ics") {
            found.markdown.push(relative(root, entry.path()));
        }
    }
    Ok(found)
}

/// Whether a folder entry is hidden: neither discovery nor the search for
/// stale documents looks at or below one.
pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = "title: Checkout errors\nseverity: SEV3\nstatus: resolved\n\
        started_at: 2026-03-01T10:00:00Z\nresolved_at: 2026-03-01T11:00:00Z\n\
        roles:\n  incident_manager: alice\n  tech_lead: bob\n";

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("incidents")).unwrap();
        fs::write(dir.path().join("incidents/INC-2026-001.yaml"), RECORD).unwrap();
        dir
    }

    #[test]
    fn load_keeps_the_text_and_load_parsed_drops_it() {
        let dir = project();
        let kept = load(dir.path(), None).unwrap();
        assert_eq!(kept.records[0].source, RECORD);
        let parsed = load_parsed(dir.path(), None).unwrap();
        assert_eq!(parsed.records[0].source, "");
        assert_eq!(parsed.records[0].source.capacity(), 0);
        // The parsed record and the findings are the same either way.
        assert_eq!(
            parsed.records[0].incident.as_ref().map(|i| &i.title),
            kept.records[0].incident.as_ref().map(|i| &i.title)
        );
        assert_eq!(parsed.findings.len(), kept.findings.len());
    }
}
