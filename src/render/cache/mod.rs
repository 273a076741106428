//! The render cache: which incidents' documents are on disk exactly as the
//! current inputs would render them, so `render` neither renders nor
//! compares them again.
//!
//! It lives in the git folder (`rolecall/render-cache`), never in the work
//! tree. An incident is trusted only when its key — a digest of its record,
//! the templates, the configuration, the roster and the rolecall build —
//! is the one stored, and every one of its documents still has the file
//! status (size, modification and change times, inode) the cache saw after
//! a run wrote or confirmed it. Anything else, a missing or unreadable cache
//! included, means "render it": the cache can make a run slower, never
//! wrong.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

mod stamp;

use super::{Document, DocumentPlan, Kind};
use crate::load::{Record, Workspace};
use stamp::Stamp;

/// The first line of the cache file; another first line means another
/// format, read as an empty cache.
const MAGIC: &str = "rolecall render cache 1";

/// A SHA-1 digest of a render's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key([u8; 20]);

/// SHA-1 of `parts`, each preceded by its length so that no two different
/// lists of parts digest alike. Also the templates' fingerprint.
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> [u8; 20] {
    let mut digest = sha1_smol::Sha1::new();
    for part in parts {
        digest.update(&part.len().to_le_bytes());
        digest.update(part);
    }
    digest.digest().bytes()
}

impl Key {
    fn of(parts: &[&[u8]]) -> Key {
        Key(digest(parts.iter().copied()))
    }

    fn hex(self) -> String {
        self.0.iter().fold(String::with_capacity(40), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
    }

    fn parse(hex: &str) -> Option<Key> {
        if hex.len() != 40 {
            return None;
        }
        let mut bytes = [0u8; 20];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Key(bytes))
    }
}

/// The keys of one run: one per incident, and one for the index.
pub struct Keys {
    /// `(record path, incident id, key)` in the workspace's order.
    incidents: Vec<(String, String, Key)>,
    index: Key,
}

impl Keys {
    /// Digests the inputs of every incident of `workspace`. `None` when the
    /// running rolecall cannot be identified (its own file's size and
    /// time), since a rebuilt rolecall may render differently.
    pub fn new(workspace: &Workspace, templates_fingerprint: [u8; 20]) -> Option<Keys> {
        let build = build_identity()?;
        let config = serde_json::to_vec(&workspace.config).ok()?;
        let roster = serde_json::to_vec(&workspace.roster).ok()?;
        // The project folder is not part of the key: the cache file names it.
        let inputs = Key::of(&[
            MAGIC.as_bytes(),
            build.as_bytes(),
            &templates_fingerprint,
            &config,
            &roster,
        ]);
        let records: Vec<(&Record, &str)> = workspace
            .incidents()
            .map(|(record, incident)| (record, incident.id.as_str()))
            .collect();
        let incidents: Vec<(String, String, Key)> = records
            .par_iter()
            .map(|(record, id)| {
                let key = Key::of(&[&inputs.0, record.path.as_bytes(), record.source.as_bytes()]);
                (record.path.clone(), (*id).to_owned(), key)
            })
            .collect();
        let index = Key(digest(
            std::iter::once(inputs.0.as_slice())
                .chain(incidents.iter().map(|(_, _, key)| key.0.as_slice())),
        ));
        Some(Keys { incidents, index })
    }
}

/// `rolecall <version>` and the size and modification time of the running
/// executable, so a rebuilt binary never trusts its predecessor's cache.
fn build_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let stamp = Stamp::of(&exe)?;
    Some(format!(
        "rolecall {} {} {}.{}",
        env!("CARGO_PKG_VERSION"),
        stamp.size,
        stamp.mtime.0,
        stamp.mtime.1
    ))
}

/// A document the cache vouches for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CachedDocument {
    path: String,
    kind: Kind,
    stamp: Stamp,
}

/// One incident's (or the index's) key and documents.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    key: Key,
    documents: Vec<CachedDocument>,
}

/// What a run need not render: documents known to be on disk as they
/// would be rendered now.
#[derive(Debug, Default)]
pub struct Current {
    /// By record path.
    incidents: HashMap<String, Vec<Document>>,
    index: Option<Document>,
}

impl Current {
    /// The documents of `record`'s incident, when all are current.
    pub fn incident(&self, record: &Record) -> Option<&[Document]> {
        self.incidents.get(&record.path).map(Vec::as_slice)
    }

    /// The index, when current.
    pub fn index(&self) -> Option<&Document> {
        self.index.as_ref()
    }

    /// How many incidents are current.
    pub fn incident_count(&self) -> usize {
        self.incidents.len()
    }

    fn has_incident(&self, record_path: &str) -> bool {
        self.incidents.contains_key(record_path)
    }
}

/// The cache of one project, as read at the start of a run.
pub struct RenderCache {
    file: PathBuf,
    root: String,
    /// The cache file's modification time. A document whose recorded
    /// modification time is not older may have been changed again within
    /// the same clock tick without its stamp showing it, so it is not
    /// trusted (git's "racily clean" rule).
    written: Option<(i64, u32)>,
    /// By record path.
    incidents: HashMap<String, Entry>,
    index: Option<Entry>,
    changed: bool,
}

impl RenderCache {
    /// The cache of the project at `root` kept in `git_dir`. A missing,
    /// unreadable or foreign file (another format, another project folder)
    /// is an empty cache.
    pub fn open(git_dir: &Path, root: &Path) -> RenderCache {
        let file = git_dir.join("rolecall").join("render-cache");
        let root = root
            .canonicalize()
            .unwrap_or_else(|_| root.to_owned())
            .to_string_lossy()
            .into_owned();
        let mut cache = RenderCache {
            written: Stamp::of(&file).map(|s| s.mtime),
            file,
            root,
            incidents: HashMap::new(),
            index: None,
            changed: false,
        };
        if let Ok(text) = fs::read_to_string(&cache.file)
            && cache.read(&text).is_none()
        {
            cache.incidents.clear();
            cache.index = None;
        }
        cache
    }

    /// Parses the file: `None` when it is not a cache of this project.
    fn read(&mut self, text: &str) -> Option<()> {
        let mut lines = text.lines();
        (lines.next()? == MAGIC).then_some(())?;
        (lines.next()?.strip_prefix("root ")? == self.root).then_some(())?;
        // Where documents of the entry being read go: an incident's, or the index's.
        let mut target: Option<&mut Entry> = None;
        for line in lines {
            let (tag, rest) = line.split_once(' ')?;
            match tag {
                "incident" => {
                    let (key, path) = rest.split_once(' ')?;
                    let entry = self.incidents.entry(path.to_owned()).or_insert(Entry {
                        key: Key::parse(key)?,
                        documents: Vec::new(),
                    });
                    target = Some(entry);
                }
                "index" => {
                    target = Some(self.index.insert(Entry {
                        key: Key::parse(rest)?,
                        documents: Vec::new(),
                    }));
                }
                "doc" => {
                    let fields: Vec<&str> = rest.splitn(8, ' ').collect();
                    let [kind, stamp @ .., path] = fields.as_slice() else {
                        return None;
                    };
                    target.as_mut()?.documents.push(CachedDocument {
                        path: (*path).to_owned(),
                        kind: kind_from_word(kind)?,
                        stamp: Stamp::parse(stamp)?,
                    });
                }
                _ => return None,
            }
        }
        Some(())
    }

    /// Which of `only` (or every incident), and whether the index, are
    /// current: the key matches and every document's file is as stamped.
    pub fn current(&self, workspace: &Workspace, keys: &Keys, only: &[String]) -> Current {
        let root = &workspace.root;
        let incidents = keys
            .incidents
            .par_iter()
            .filter(|(_, id, _)| only.is_empty() || only.contains(id))
            .filter_map(|(path, id, key)| {
                let entry = self.incidents.get(path)?;
                let documents = self.trusted(root, entry, *key, Some(id))?;
                Some((path.clone(), documents))
            })
            .collect();
        let index = self
            .index
            .as_ref()
            .and_then(|entry| self.trusted(root, entry, keys.index, None))
            .and_then(|mut documents| documents.pop());
        Current { incidents, index }
    }

    /// The entry's documents, when its key is `key` and every file is as
    /// stamped and older than the cache file.
    fn trusted(
        &self,
        root: &Path,
        entry: &Entry,
        key: Key,
        incident: Option<&str>,
    ) -> Option<Vec<Document>> {
        let written = self.written?;
        if entry.key != key {
            return None;
        }
        entry
            .documents
            .iter()
            .map(|cached| {
                let fresh = cached.stamp.mtime < written
                    && Stamp::of(&root.join(&cached.path)) == Some(cached.stamp);
                fresh.then(|| Document {
                    path: cached.path.clone(),
                    kind: cached.kind,
                    content: String::new(),
                    incident: incident.map(str::to_owned),
                })
            })
            .collect()
    }

    /// Records the outcome of a run: every incident of `plan` whose
    /// documents are all on disk as planned (none of them in `pending`)
    /// gets its key and fresh stamps; the others are forgotten, and so are
    /// records that no longer exist. Incidents the run left out
    /// (`--only`) keep their entries.
    pub fn update(
        &mut self,
        root: &Path,
        keys: &Keys,
        plan: &DocumentPlan,
        current: &Current,
        pending: &HashSet<&str>,
    ) {
        let mut by_incident: HashMap<&str, Vec<&Document>> = HashMap::new();
        let mut index = None;
        for document in &plan.documents {
            match &document.incident {
                Some(id) => by_incident.entry(id).or_default().push(document),
                None => index = Some(document),
            }
        }
        let planned: Vec<(&str, Key, &[&Document])> = keys
            .incidents
            .iter()
            .filter(|(path, _, _)| !current.has_incident(path))
            .filter_map(|(path, id, key)| {
                by_incident
                    .get(id.as_str())
                    .map(|docs| (path.as_str(), *key, docs.as_slice()))
            })
            .collect();
        let settled: Vec<(&str, Option<Entry>)> = planned
            .par_iter()
            .map(|&(path, key, documents)| (path, settled_entry(root, key, documents, pending)))
            .collect();
        let known: HashSet<&str> = keys.incidents.iter().map(|(p, _, _)| p.as_str()).collect();
        let before = self.incidents.len();
        self.incidents
            .retain(|path, _| known.contains(path.as_str()));
        self.changed |= self.incidents.len() != before;
        // Anything rendered this run is saved again, even when its entry
        // reads the same: a newer cache file is what lets documents written
        // just before the last one (in its clock tick) be trusted.
        self.changed |= !settled.is_empty();
        for (path, entry) in settled {
            match entry {
                Some(entry) => self.incidents.insert(path.to_owned(), entry),
                None => self.incidents.remove(path),
            };
        }
        if current.index().is_none() {
            self.index =
                index.and_then(|document| settled_entry(root, keys.index, &[document], pending));
            self.changed = true;
        }
    }

    /// Writes the cache when [`update`](Self::update) changed it
    /// (atomically: a temporary file, then a rename).
    pub fn save(&self) -> std::io::Result<()> {
        if !self.changed {
            return Ok(());
        }
        let folder = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder)?;
        let mut text = String::new();
        let _ = writeln!(text, "{MAGIC}\nroot {}", self.root);
        if let Some(index) = &self.index {
            let _ = writeln!(text, "index {}", index.key.hex());
            write_documents(&mut text, &index.documents);
        }
        let mut paths: Vec<&String> = self.incidents.keys().collect();
        paths.sort();
        for path in paths {
            let entry = &self.incidents[path];
            let _ = writeln!(text, "incident {} {path}", entry.key.hex());
            write_documents(&mut text, &entry.documents);
        }
        let mut file = tempfile::NamedTempFile::new_in(folder)?;
        file.write_all(text.as_bytes())?;
        file.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

/// An entry for documents that are all on disk as planned: `None` when one
/// has a pending change, or cannot be stamped, or its path cannot be stored
/// on one line.
fn settled_entry(
    root: &Path,
    key: Key,
    documents: &[&Document],
    pending: &HashSet<&str>,
) -> Option<Entry> {
    let documents = documents
        .iter()
        .map(|document| {
            if pending.contains(document.path.as_str()) || document.path.contains(['\n', '\r']) {
                return None;
            }
            Some(CachedDocument {
                path: document.path.clone(),
                kind: document.kind,
                stamp: Stamp::of(&root.join(&document.path))?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Entry { key, documents })
}

fn write_documents(text: &mut String, documents: &[CachedDocument]) {
    for document in documents {
        let _ = writeln!(
            text,
            "doc {} {} {}",
            kind_word(document.kind),
            document.stamp.fields(),
            document.path
        );
    }
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Index => "index",
        Kind::Overview => "overview",
        Kind::Brief => "brief",
        Kind::Handover => "handover",
        Kind::Postmortem => "postmortem",
    }
}

fn kind_from_word(word: &str) -> Option<Kind> {
    Some(match word {
        "index" => Kind::Index,
        "overview" => Kind::Overview,
        "brief" => Kind::Brief,
        "handover" => Kind::Handover,
        "postmortem" => Kind::Postmortem,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_hex() {
        let key = Key::of(&[b"record", b"bytes"]);
        assert_eq!(Key::parse(&key.hex()), Some(key));
        assert_eq!(Key::parse("zz"), None);
        assert_ne!(key, Key::of(&[b"recordb", b"ytes"]), "parts are delimited");
    }

    #[test]
    fn a_foreign_or_damaged_cache_reads_as_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("rolecall");
        fs::create_dir_all(&folder).expect("mkdir");
        let root = dir.path().canonicalize().expect("root");
        let good = format!(
            "{MAGIC}\nroot {}\nincident {} incidents/a.yaml\ndoc brief 1 2 3 4 5 6 out/A/briefs/x y.md\n",
            root.display(),
            Key::of(&[b"a"]).hex()
        );
        fs::write(folder.join("render-cache"), &good).expect("write");
        let cache = RenderCache::open(dir.path(), &root);
        let entry = &cache.incidents["incidents/a.yaml"];
        assert_eq!(entry.documents[0].path, "out/A/briefs/x y.md");
        assert_eq!(entry.documents[0].stamp.inode, 6);
        for damaged in [
            good.replace(MAGIC, "rolecall render cache 0"),
            good.replace("root ", "root /elsewhere"),
            good.replace("doc brief", "doc leaflet"),
            good.replace(" 5 6 ", " 5 x "),
            format!("{good}garbage\n"),
        ] {
            fs::write(folder.join("render-cache"), damaged).expect("write");
            let cache = RenderCache::open(dir.path(), &root);
            assert!(cache.incidents.is_empty() && cache.index.is_none());
        }
    }

    #[test]
    fn documents_not_older_than_the_cache_file_are_not_trusted() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("doc.md"), "generated\n").expect("write");
        let stamp = Stamp::of(&dir.path().join("doc.md")).expect("stamp");
        let key = Key::of(&[b"inputs"]);
        let entry = Entry {
            key,
            documents: vec![CachedDocument {
                path: "doc.md".to_owned(),
                kind: Kind::Brief,
                stamp,
            }],
        };
        let cache = |written| RenderCache {
            file: dir.path().join("render-cache"),
            root: String::new(),
            written,
            incidents: HashMap::new(),
            index: None,
            changed: false,
        };
        let later = (stamp.mtime.0 + 1, 0);
        let trusted = cache(Some(later)).trusted(dir.path(), &entry, key, Some("X"));
        assert_eq!(trusted.map(|d| d.len()), Some(1));
        // Written in the cache file's own tick, or after: not trusted.
        for written in [Some(stamp.mtime), Some((stamp.mtime.0 - 1, 0)), None] {
            assert!(
                cache(written)
                    .trusted(dir.path(), &entry, key, Some("X"))
                    .is_none()
            );
        }
        // Another key, or another file status: not trusted either.
        let other = Key::of(&[b"other"]);
        assert!(
            cache(Some(later))
                .trusted(dir.path(), &entry, other, Some("X"))
                .is_none()
        );
        fs::write(dir.path().join("doc.md"), "edited\n").expect("write");
        assert!(
            cache(Some(later))
                .trusted(dir.path(), &entry, key, Some("X"))
                .is_none()
        );
    }
}
