//! The render cache's file: one line per incident (`incident <key>
//! <record path>`) and for the index (`index <key>`), one line per document
//! below it (`doc <kind> <blob id> <stamp> <path>`), after the format's
//! first line, the project folder and the tree the documents were last
//! committed in (`committed <tree id>`).

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;

use super::stamp::Stamp;
use super::{CachedDocument, Entry, Key, MAGIC, RenderCache};
use crate::blob::BlobId;
use crate::render::Kind;

/// The name prefix of the cache's temporary files, next to it.
const TEMPORARY: &str = "render-cache.tmp";

impl RenderCache {
    /// Parses the file: `None` when it is not a cache of this project.
    pub(super) fn read(&mut self, text: &str) -> Option<()> {
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
                "committed" if target.is_none() && self.committed.is_none() => {
                    Key::parse(rest)?;
                    self.committed = Some(rest.to_owned());
                }
                "index" => {
                    target = Some(self.index.insert(Entry {
                        key: Key::parse(rest)?,
                        documents: Vec::new(),
                    }));
                }
                "doc" => {
                    let fields: Vec<&str> = rest.splitn(9, ' ').collect();
                    let [kind, id, stamp @ .., path] = fields.as_slice() else {
                        return None;
                    };
                    target.as_mut()?.documents.push(CachedDocument {
                        path: (*path).to_owned(),
                        kind: kind_from_word(kind)?,
                        id: BlobId(Key::parse(id)?.0),
                        stamp: Stamp::parse(stamp)?,
                    });
                }
                _ => return None,
            }
        }
        Some(())
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
        if let Some(tree) = &self.committed {
            let _ = writeln!(text, "committed {tree}");
        }
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
        // Temporaries a killed run left go first (one being written by a
        // concurrent run fails to replace the cache, which only costs time).
        if let Ok(entries) = fs::read_dir(folder) {
            for entry in entries.filter_map(Result::ok) {
                if entry.file_name().to_string_lossy().starts_with(TEMPORARY) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        let mut file = tempfile::Builder::new()
            .prefix(TEMPORARY)
            .tempfile_in(folder)?;
        file.write_all(text.as_bytes())?;
        crate::crash_points::reached("cache-temporary");
        file.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

fn write_documents(text: &mut String, documents: &[CachedDocument]) {
    for document in documents {
        let _ = writeln!(
            text,
            "doc {} {} {} {}",
            kind_word(document.kind),
            document.id,
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
        Kind::Insights => "insights",
        Kind::Calendar => "calendar",
    }
}

fn kind_from_word(word: &str) -> Option<Kind> {
    Some(match word {
        "index" => Kind::Index,
        "overview" => Kind::Overview,
        "brief" => Kind::Brief,
        "handover" => Kind::Handover,
        "postmortem" => Kind::Postmortem,
        "insights" => Kind::Insights,
        "calendar" => Kind::Calendar,
        _ => return None,
    })
}
