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
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

mod file;
mod stamp;
mod text;

use super::{Document, DocumentPlan, Kind};
use crate::blob::BlobId;
use crate::load::{Record, Workspace};
use crate::sha1_digest::Sha1;
use stamp::Stamp;

/// The first line of the cache file; another first line means another
/// format, read as an empty cache.
const MAGIC: &str = "rolecall render cache 2";

/// A SHA-1 digest of a render's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key([u8; 20]);

/// SHA-1 of `parts`, each preceded by its length so that no two different
/// lists of parts digest alike. Also the templates' fingerprint.
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> [u8; 20] {
    let mut digest = Sha1::new();
    for part in parts {
        digest.update(&part.len().to_le_bytes());
        digest.update(part);
    }
    digest.finish()
}

impl Key {
    fn of(parts: &[&[u8]]) -> Key {
        Key(digest(parts.iter().copied()))
    }

    #[cfg(test)]
    fn hex(self) -> String {
        let mut hex = Vec::with_capacity(40);
        text::push_hex(&mut hex, &self.0);
        String::from_utf8(hex).unwrap_or_default()
    }

    fn parse(hex: &str) -> Option<Key> {
        text::parse_hex20(hex).map(Key)
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
    /// The blob id of its content.
    id: BlobId,
    stamp: Stamp,
}

/// What HEAD is known to hold of the documents, for [`RenderCache::current`]:
/// a document is current only when HEAD holds it as it is on disk, so that
/// documents a killed run wrote and did not commit are rendered, compared
/// and committed by the next.
#[derive(Clone, Copy, Debug)]
pub enum InHead<'a> {
    /// Outside git: the disk is all there is to compare with.
    Unchecked,
    /// HEAD's output folder is the tree [`RenderCache::committed_tree`]
    /// names: it holds every document of the cache as recorded.
    AsRecorded,
    /// HEAD's blobs by path below the project folder.
    Blobs(&'a HashMap<String, BlobId>),
    /// HEAD's output folder holds every document of the cache as recorded
    /// but these, by path below the project folder, each with the blob
    /// HEAD holds there (`None`: none).
    Changed(&'a HashMap<String, Option<BlobId>>),
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
    /// The id of the output folder's tree in the commit that held every
    /// document of the cache, exactly as recorded, and no other generated
    /// document, when the cache was saved.
    committed: Option<String>,
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
            committed: None,
            changed: false,
        };
        if let Ok(text) = fs::read_to_string(&cache.file)
            && cache.read(&text).is_none()
        {
            cache.incidents.clear();
            cache.index = None;
            cache.committed = None;
        }
        cache
    }

    /// The id of the output folder's tree in the commit the cache was
    /// saved after, when that commit held every document as recorded.
    pub fn committed_tree(&self) -> Option<&str> {
        self.committed.as_deref()
    }

    /// Every document the cache lists (current or not), with its blob id.
    pub fn documents(&self) -> impl Iterator<Item = (&str, BlobId)> {
        self.incidents
            .values()
            .chain(&self.index)
            .flat_map(|entry| &entry.documents)
            .map(|document| (document.path.as_str(), document.id))
    }

    /// Which of `only` (or every incident), and whether the index, are
    /// current: the key matches, every document's file is as stamped, and
    /// HEAD holds it so (as far as `in_head` tells).
    pub fn current(
        &self,
        workspace: &Workspace,
        keys: &Keys,
        only: &[String],
        in_head: InHead<'_>,
    ) -> Current {
        let root = &workspace.root;
        let incidents = keys
            .incidents
            .par_iter()
            .filter(|(_, id, _)| only.is_empty() || only.contains(id))
            .filter_map(|(path, id, key)| {
                let entry = self.incidents.get(path)?;
                let documents = self.trusted(root, entry, *key, Some(id), in_head)?;
                Some((path.clone(), documents))
            })
            .collect();
        let index = self
            .index
            .as_ref()
            .and_then(|entry| self.trusted(root, entry, keys.index, None, in_head))
            .and_then(|mut documents| documents.pop());
        Current { incidents, index }
    }

    /// The entry's documents, when its key is `key`, every file is as
    /// stamped and older than the cache file, and HEAD holds it.
    fn trusted(
        &self,
        root: &Path,
        entry: &Entry,
        key: Key,
        incident: Option<&str>,
        in_head: InHead<'_>,
    ) -> Option<Vec<Document>> {
        let written = self.written?;
        if entry.key != key {
            return None;
        }
        entry
            .documents
            .iter()
            .map(|cached| {
                let held = match in_head {
                    InHead::Unchecked | InHead::AsRecorded => true,
                    InHead::Blobs(blobs) => blobs.get(&cached.path) == Some(&cached.id),
                    InHead::Changed(changed) => changed
                        .get(&cached.path)
                        .is_none_or(|held| *held == Some(cached.id)),
                };
                let fresh = held
                    && cached.stamp.mtime < written
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
    /// documents are all on disk as planned (none of them in `pending`,
    /// each with its blob id in `ids`) gets its key and fresh stamps; the
    /// others are forgotten, and so are records that no longer exist.
    /// Incidents the run left out (`--only`) keep their entries.
    /// `committed` is the output folder's tree in the commit that now holds
    /// every document of `plan` and no other generated one, if the run
    /// made sure of that; it is kept only when the cache then lists every
    /// document of the plan.
    #[allow(clippy::too_many_arguments)]
    pub fn update(
        &mut self,
        root: &Path,
        keys: &Keys,
        plan: &DocumentPlan,
        current: &Current,
        pending: &HashSet<&str>,
        ids: &HashMap<&str, BlobId>,
        committed: Option<String>,
    ) {
        let mut by_incident: HashMap<&str, Vec<&Document>> = HashMap::new();
        let mut index = None;
        for document in &plan.documents {
            match &document.incident {
                Some(id) => by_incident.entry(id).or_default().push(document),
                None if document.kind == Kind::Index => index = Some(document),
                None => {}
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
            .map(|&(path, key, documents)| {
                (path, settled_entry(root, key, documents, pending, ids))
            })
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
            self.index = index
                .and_then(|document| settled_entry(root, keys.index, &[document], pending, ids));
            self.changed = true;
        }
        let listed: HashSet<&str> = self.documents().map(|(path, _)| path).collect();
        let committed = committed.filter(|_| {
            plan.documents
                .iter()
                .all(|d| listed.contains(d.path.as_str()))
        });
        if self.committed != committed {
            self.committed = committed;
            self.changed = true;
        }
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
    ids: &HashMap<&str, BlobId>,
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
                id: *ids.get(document.path.as_str())?,
                stamp: Stamp::of(&root.join(&document.path))?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Entry { key, documents })
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
            "{MAGIC}\nroot {}\nincident {} incidents/a.yaml\ndoc brief {} 1 2 3 4 5 6 out/A/briefs/x y.md\n",
            root.display(),
            Key::of(&[b"a"]).hex(),
            BlobId::of(b"x")
        );
        fs::write(folder.join("render-cache"), &good).expect("write");
        let cache = RenderCache::open(dir.path(), &root);
        let entry = &cache.incidents["incidents/a.yaml"];
        assert_eq!(entry.documents[0].path, "out/A/briefs/x y.md");
        assert_eq!(entry.documents[0].stamp.inode, 6);
        assert_eq!(entry.documents[0].id, BlobId::of(b"x"));
        for damaged in [
            good.replace(MAGIC, "rolecall render cache 0"),
            good.replace("root ", "root /elsewhere"),
            good.replace("doc brief", "doc leaflet"),
            good.replace(" 5 6 ", " 5 x "),
            good.replace(&BlobId::of(b"x").to_string(), "not-an-id"),
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
                id: BlobId::of(b"generated\n"),
                stamp,
            }],
        };
        let cache = |written| RenderCache {
            file: dir.path().join("render-cache"),
            root: String::new(),
            written,
            incidents: HashMap::new(),
            index: None,
            committed: None,
            changed: false,
        };
        let later = (stamp.mtime.0 + 1, 0);
        let trusted =
            cache(Some(later)).trusted(dir.path(), &entry, key, Some("X"), InHead::Unchecked);
        assert_eq!(trusted.map(|d| d.len()), Some(1));
        // Written in the cache file's own tick, or after: not trusted.
        for written in [Some(stamp.mtime), Some((stamp.mtime.0 - 1, 0)), None] {
            assert!(
                cache(written)
                    .trusted(dir.path(), &entry, key, Some("X"), InHead::Unchecked)
                    .is_none()
            );
        }
        // Another key, or another file status: not trusted either.
        let other = Key::of(&[b"other"]);
        assert!(
            cache(Some(later))
                .trusted(dir.path(), &entry, other, Some("X"), InHead::Unchecked)
                .is_none()
        );
        // HEAD holding another content, or nothing: not trusted.
        let mut blobs = HashMap::new();
        let held = |blobs: &HashMap<String, BlobId>| {
            cache(Some(later))
                .trusted(dir.path(), &entry, key, Some("X"), InHead::Blobs(blobs))
                .is_some()
        };
        assert!(!held(&blobs));
        blobs.insert("doc.md".to_owned(), BlobId::of(b"committed before\n"));
        assert!(!held(&blobs));
        blobs.insert("doc.md".to_owned(), BlobId::of(b"generated\n"));
        assert!(held(&blobs));
        fs::write(dir.path().join("doc.md"), "edited\n").expect("write");
        assert!(
            cache(Some(later))
                .trusted(dir.path(), &entry, key, Some("X"), InHead::Unchecked)
                .is_none()
        );
    }
}
