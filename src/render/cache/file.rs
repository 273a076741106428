//! The render cache's file: one line per incident (`incident <key>
//! <record path>`) and for the index (`index <key>`), one line per document
//! below it (`doc <kind> <blob id> <stamp> <path>`), after the format's
//! first line, the project folder and the tree the documents were last
//! committed in (`committed <tree id>`).

use std::fs;
use std::io::Write as _;
use std::path::Path;

use super::stamp::Stamp;
use super::text::{parse_hex20, push_hex};
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
                    let mut fields = rest.splitn(9, ' ');
                    let mut field = || fields.next();
                    let kind = kind_from_word(field()?)?;
                    let id = BlobId(parse_hex20(field()?)?);
                    let stamp: [&str; 6] =
                        [field()?, field()?, field()?, field()?, field()?, field()?];
                    let path = field()?;
                    target.as_mut()?.documents.push(CachedDocument {
                        path: path.to_owned(),
                        kind,
                        id,
                        stamp: Stamp::parse(&stamp)?,
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
        // Bytes, not `fmt`: a line per document, and every path is UTF-8.
        let mut text: Vec<u8> = Vec::new();
        let mut line = |parts: &[&[u8]]| {
            for part in parts {
                text.extend_from_slice(part);
            }
            text.push(b'\n');
        };
        line(&[MAGIC.as_bytes()]);
        line(&[b"root ", self.root.as_bytes()]);
        if let Some(tree) = &self.committed {
            line(&[b"committed ", tree.as_bytes()]);
        }
        if let Some(index) = &self.index {
            text.extend_from_slice(b"index ");
            push_hex(&mut text, &index.key.0);
            text.push(b'\n');
            write_documents(&mut text, &index.documents);
        }
        let mut entries: Vec<(&String, &Entry)> = self.incidents.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (path, entry) in entries {
            text.extend_from_slice(b"incident ");
            push_hex(&mut text, &entry.key.0);
            text.push(b' ');
            text.extend_from_slice(path.as_bytes());
            text.push(b'\n');
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
        file.write_all(&text)?;
        crate::crash_points::reached("cache-temporary");
        file.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

fn write_documents(text: &mut Vec<u8>, documents: &[CachedDocument]) {
    for document in documents {
        text.extend_from_slice(b"doc ");
        text.extend_from_slice(kind_word(document.kind).as_bytes());
        text.push(b' ');
        push_hex(text, &document.id.0);
        text.push(b' ');
        document.stamp.push_fields(text);
        text.push(b' ');
        text.extend_from_slice(document.path.as_bytes());
        text.push(b'\n');
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
