//! Git's line-ending rules for the files rolecall writes: `core.autocrlf`,
//! `core.eol` and the `text`, `crlf`, `eol` (and `binary`) attributes of a
//! path, read with libgit2 and handed out as plain data
//! ([`Conversion`]). Paths with a `filter` (whose driver is configured),
//! `ident` or `working-tree-encoding` attribute are refused: git would
//! convert them in ways rolecall does not reproduce.
//!
//! Asking libgit2 for one attribute of one path costs tens of system
//! calls, too many for tens of thousands of documents. So the attribute
//! files that can apply (system, global, `info/attributes`, and the
//! `.gitattributes` of each folder above the path, in the work tree and
//! the index) are first searched for the attribute names: libgit2 is asked
//! only for the names one of them mentions, and not at all where none does.
//! Where none of those files' patterns holds a `/`, git matches them with
//! file names only, so the answer for one name below the same files serves
//! every folder (a `README.md` is asked about once, not once per incident).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

mod staged;

use git2::{AttrCheckFlags, AttrValue};

use super::Repository;
use crate::line_endings::{Conversion, Eol, Unsupported};

/// Which attribute names an attribute file mentions (bits).
type Mentions = u8;
const TEXT: Mentions = 1;
const CRLF: Mentions = 2;
const EOL: Mentions = 4;
const FILTER: Mentions = 8;
const IDENT: Mentions = 16;
const ENCODING: Mentions = 32;
const ALL: Mentions = 63;

/// What the attribute files that apply to a path can do to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reach {
    /// The attribute names they mention.
    mentions: Mentions,
    /// Whether none of their patterns holds a `/`: git then compares the
    /// patterns with a path's file name only.
    by_name: bool,
}

impl Reach {
    /// Files that mention none of the names.
    const NONE: Reach = Reach {
        mentions: 0,
        by_name: true,
    };

    fn of(content: &[u8]) -> Reach {
        match mentions(content) {
            0 => Reach::NONE,
            mentions => Reach {
                mentions,
                by_name: names_only(content),
            },
        }
    }

    /// The reach of both (files mentioning nothing change nothing).
    fn and(self, other: Reach) -> Reach {
        if other.mentions == 0 {
            return self;
        }
        Reach {
            mentions: self.mentions | other.mentions,
            by_name: self.by_name && other.by_name,
        }
    }
}

/// The attribute names, with their bit.
const NAMES: [(&str, Mentions); 6] = [
    ("text", TEXT),
    ("crlf", CRLF),
    ("eol", EOL),
    ("filter", FILTER),
    ("ident", IDENT),
    ("working-tree-encoding", ENCODING),
];

/// `core.autocrlf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AutoCrlf {
    False,
    True,
    Input,
}

/// One attribute's state for a path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Attr {
    Set,
    Unset,
    Value(String),
    Unspecified,
}

impl Attr {
    fn of(value: AttrValue<'_>) -> Attr {
        match value {
            AttrValue::True => Attr::Set,
            AttrValue::False => Attr::Unset,
            AttrValue::String(s) => Attr::Value(s.to_owned()),
            AttrValue::Bytes(b) => Attr::Value(String::from_utf8_lossy(b).into_owned()),
            AttrValue::Unspecified => Attr::Unspecified,
        }
    }
}

/// The line-ending settings of one repository, answering for any path of
/// the project folder. Safe to share between threads.
pub struct LineEndingRules {
    workdir: PathBuf,
    /// The project folder relative to the work tree (`""` or `sub/`).
    prefix: String,
    autocrlf: AutoCrlf,
    /// What checkout writes for `text` without an `eol`: CRLF when
    /// `core.autocrlf=true`, or `core.eol=crlf` (or native on Windows).
    text_eol: Eol,
    /// The reach of the attribute files that apply to every path.
    global: Reach,
    state: Mutex<State>,
}

struct State {
    repo: git2::Repository,
    /// The reach of each folder's `.gitattributes`, by repository-relative
    /// folder (`""` for the top).
    folders: HashMap<String, Reach>,
    /// Attributes found for a file name below the same attribute files
    /// (where they match by name only), by those folders and the name.
    by_name: HashMap<String, Attributes>,
    /// Whether the index may hold a `.gitattributes` (see
    /// [`staged::may_hold_attributes`]); read once, when a folder is first
    /// looked at.
    index_may_hold: Option<bool>,
}

/// `text`, `crlf`, `eol`, `filter`, `ident`, `working-tree-encoding`.
type Attributes = [Attr; 6];

impl Repository {
    /// The line-ending rules for the project folder `root`, or `None` when
    /// the repository has no work tree.
    pub fn line_ending_rules(self, root: &Path) -> Option<LineEndingRules> {
        let workdir = self.workdir()?.to_path_buf();
        let prefix = self.project_prefix(root);
        let config = self.inner.config().ok();
        let autocrlf = config.as_ref().map_or(AutoCrlf::False, read_autocrlf);
        let core_eol = config
            .as_ref()
            .and_then(|c| c.get_string("core.eol").ok())
            .map(|v| v.to_ascii_lowercase());
        let text_eol = match (autocrlf, core_eol.as_deref()) {
            (AutoCrlf::True, _) | (AutoCrlf::False, Some("crlf")) => Eol::Crlf,
            (AutoCrlf::False, None | Some("native")) if cfg!(windows) => Eol::Crlf,
            _ => Eol::Lf,
        };
        let global = global_reach(&self.inner, config.as_ref());
        Some(LineEndingRules {
            workdir,
            prefix,
            autocrlf,
            text_eol,
            global,
            state: Mutex::new(State {
                repo: self.inner,
                folders: HashMap::new(),
                by_name: HashMap::new(),
                index_may_hold: None,
            }),
        })
    }
}

fn read_autocrlf(config: &git2::Config) -> AutoCrlf {
    match config.get_bool("core.autocrlf") {
        Ok(true) => AutoCrlf::True,
        Ok(false) => AutoCrlf::False,
        Err(_) => match config.get_string("core.autocrlf") {
            Ok(value) if value.eq_ignore_ascii_case("input") => AutoCrlf::Input,
            _ => AutoCrlf::False,
        },
    }
}

/// The reach of the attribute files libgit2 reads for every path: the
/// system file, `core.attributesFile` (else the XDG one) and
/// `info/attributes`. Off Unix, where libgit2 looks for the system file in
/// places rolecall does not mirror, it is everything.
fn global_reach(repo: &git2::Repository, config: Option<&git2::Config>) -> Reach {
    if !cfg!(unix) {
        return Reach {
            mentions: ALL,
            by_name: false,
        };
    }
    let configured = config.and_then(|c| c.get_path("core.attributesfile").ok());
    let global = configured.or_else(|| {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(|xdg| PathBuf::from(xdg).join("git"))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/git")));
        base.map(|dir| dir.join("attributes"))
    });
    let files = [
        Some(PathBuf::from("/etc/gitattributes")),
        global,
        Some(repo.commondir().join("info/attributes")),
    ];
    files
        .iter()
        .flatten()
        .filter_map(|file| fs::read(file).ok())
        .fold(Reach::NONE, |reach, content| reach.and(Reach::of(&content)))
}

/// Whether no pattern of `content` (an attribute file) holds a `/` (a
/// quoted pattern counts as holding one).
fn names_only(content: &[u8]) -> bool {
    content.split(|&b| b == b'\n').all(|line| {
        let pattern = line
            .trim_ascii_start()
            .split(u8::is_ascii_whitespace)
            .next()
            .unwrap_or_default();
        match pattern.first() {
            None | Some(b'#') => true,
            Some(b'"') => false,
            Some(_) => !pattern.contains(&b'/'),
        }
    })
}

/// The attribute names `content` (an attribute file) sets, unsets or
/// resets on any line; a macro definition may set any of them, and the
/// built-in `binary` macro unsets `text`.
fn mentions(content: &[u8]) -> Mentions {
    let mut bits = 0;
    for line in content.split(|&b| b == b'\n') {
        let mut tokens = line
            .split(u8::is_ascii_whitespace)
            .filter(|token| !token.is_empty());
        match tokens.next() {
            None => continue,
            Some(pattern) if pattern.starts_with(b"#") => continue,
            Some(pattern) if pattern.starts_with(b"[attr]") => return ALL,
            Some(_) => {}
        }
        for token in tokens {
            let token = token
                .strip_prefix(b"-")
                .or(token.strip_prefix(b"!"))
                .unwrap_or(token);
            let name = token.split(|&b| b == b'=').next().unwrap_or_default();
            if name == b"binary" {
                bits |= TEXT;
            }
            if let Some((_, bit)) = NAMES.iter().find(|(known, _)| known.as_bytes() == name) {
                bits |= bit;
            }
        }
    }
    bits
}

impl LineEndingRules {
    /// How git converts the file at `rel` (relative to the project folder).
    pub fn conversion(&self, rel: &str) -> Result<Conversion, Unsupported> {
        let path = format!("{}{rel}", self.prefix);
        let refuse = |reason: String| Unsupported {
            path: path.clone(),
            reason,
        };
        let mut state = self
            .state
            .lock()
            .map_err(|_| refuse("an earlier attribute lookup failed".to_owned()))?;
        let (folders, name) = path.rsplit_once('/').unwrap_or(("", &path));
        // The folders whose `.gitattributes` reach the path, then its name.
        let mut key = String::new();
        let mut reach = self.global;
        let mut folder = String::new();
        for part in std::iter::once("").chain(folders.split('/').filter(|n| !n.is_empty())) {
            if !part.is_empty() && !folder.is_empty() {
                folder.push('/');
            }
            folder.push_str(part);
            let found = state.folder_reach(&self.workdir, &folder);
            if found.mentions != 0 {
                key.push_str(&folder);
                key.push('\0');
            }
            reach = reach.and(found);
        }
        key.push_str(name);
        let cached = reach.by_name.then(|| state.by_name.get(&key)).flatten();
        let attrs = if let Some(attrs) = cached {
            attrs.clone()
        } else {
            let attrs = state.attributes(&path, reach.mentions).map_err(|e| {
                refuse(format!(
                    "could not read its git attributes: {}",
                    e.message()
                ))
            })?;
            if reach.by_name {
                state.by_name.insert(key, attrs.clone());
            }
            attrs
        };
        let [text, crlf, eol, filter, ident, encoding] = attrs;
        if ident == Attr::Set {
            return Err(refuse(unsupported("ident", "would expand `$Id$` in it")));
        }
        if let Attr::Value(driver) = &filter
            && filter_configured(&state.repo, driver)
        {
            return Err(refuse(unsupported(
                &format!("filter={driver}"),
                &format!("would pass it through the configured filter `{driver}`"),
            )));
        }
        if let Attr::Value(encoding) = &encoding
            && !matches!(encoding.to_ascii_uppercase().as_str(), "UTF-8" | "UTF8")
        {
            return Err(refuse(unsupported(
                &format!("working-tree-encoding={encoding}"),
                &format!("would re-encode it as {encoding}"),
            )));
        }
        Ok(decide(&text, &crlf, &eol, self.autocrlf, self.text_eol))
    }
}

fn unsupported(attribute: &str, effect: &str) -> String {
    format!(
        "the git attribute `{attribute}` applies to it, and git {effect}; rolecall writes \
         documents only where git changes nothing but line endings: unset it for the \
         documents in .gitattributes (e.g. `*.md -{name}`)",
        name = attribute.split('=').next().unwrap_or(attribute)
    )
}

/// Whether git has a filter driver `driver` to run (git ignores a
/// `filter` attribute naming no configured driver).
fn filter_configured(repo: &git2::Repository, driver: &str) -> bool {
    let Ok(config) = repo.config() else {
        return true;
    };
    ["clean", "smudge", "process"]
        .iter()
        .any(|key| config.get_entry(&format!("filter.{driver}.{key}")).is_ok())
        || config
            .get_bool(&format!("filter.{driver}.required"))
            .unwrap_or(false)
}

impl State {
    /// The attributes of `path` among `mentions`, from libgit2 (the others
    /// unspecified).
    fn attributes(&self, path: &str, mentions: Mentions) -> Result<Attributes, git2::Error> {
        let mut attrs: Attributes = std::array::from_fn(|_| Attr::Unspecified);
        for (slot, (name, bit)) in attrs.iter_mut().zip(NAMES) {
            if mentions & bit != 0 {
                let value =
                    self.repo
                        .get_attr(Path::new(path), name, AttrCheckFlags::FILE_THEN_INDEX)?;
                *slot = Attr::of(AttrValue::from_string(value));
            }
        }
        Ok(attrs)
    }

    /// The reach of `folder`'s `.gitattributes`, in the work tree and the
    /// index (libgit2 reads both).
    fn folder_reach(&mut self, workdir: &Path, folder: &str) -> Reach {
        if let Some(reach) = self.folders.get(folder) {
            return *reach;
        }
        let rel = if folder.is_empty() {
            ".gitattributes".to_owned()
        } else {
            format!("{folder}/.gitattributes")
        };
        let mut reach = fs::read(workdir.join(&rel)).map_or(Reach::NONE, |c| Reach::of(&c));
        // The repository keeps its index loaded once read; most indexes
        // hold no `.gitattributes` at all, and need not be loaded.
        let repo = &self.repo;
        let may_hold = *self
            .index_may_hold
            .get_or_insert_with(|| staged::may_hold_attributes(repo.path()));
        let staged = may_hold
            .then(|| repo.index().ok())
            .flatten()
            .and_then(|index| index.get_path(Path::new(&rel), 0));
        if let Some(entry) = staged {
            let unreadable = Reach {
                mentions: ALL,
                by_name: false,
            };
            let found = self
                .repo
                .find_blob(entry.id)
                .map_or(unreadable, |blob| Reach::of(blob.content()));
            reach = reach.and(found);
        }
        self.folders.insert(folder.to_owned(), reach);
        reach
    }
}

/// git's choice of conversion (`convert_attrs` in `convert.c`).
fn decide(text: &Attr, crlf: &Attr, eol: &Attr, autocrlf: AutoCrlf, text_eol: Eol) -> Conversion {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Action {
        Undefined,
        Binary,
        Text,
        Input,
        TextCrlf,
        Auto,
        AutoInput,
        AutoCrlf,
    }
    let check = |attr: &Attr| match attr {
        Attr::Set => Action::Text,
        Attr::Unset => Action::Binary,
        Attr::Value(v) if v == "input" => Action::Input,
        Attr::Value(v) if v == "auto" => Action::Auto,
        _ => Action::Undefined,
    };
    let mut action = check(text);
    if action == Action::Undefined {
        action = check(crlf);
    }
    if action != Action::Binary {
        let eol = match eol {
            Attr::Value(v) if v == "lf" => Some(Eol::Lf),
            Attr::Value(v) if v == "crlf" => Some(Eol::Crlf),
            _ => None,
        };
        action = match (action, eol) {
            (Action::Auto, Some(Eol::Lf)) => Action::AutoInput,
            (Action::Auto, Some(Eol::Crlf)) => Action::AutoCrlf,
            (_, Some(Eol::Lf)) => Action::Input,
            (_, Some(Eol::Crlf)) => Action::TextCrlf,
            (action, None) => action,
        };
    }
    match (action, autocrlf) {
        (Action::Binary, _) | (Action::Undefined, AutoCrlf::False) => Conversion::None,
        (Action::Text, _) => Conversion::Text(text_eol),
        (Action::Input, _) => Conversion::Text(Eol::Lf),
        (Action::TextCrlf, _) => Conversion::Text(Eol::Crlf),
        (Action::Auto, _) => Conversion::Auto(text_eol),
        (Action::AutoInput, _) | (Action::Undefined, AutoCrlf::Input) => Conversion::Auto(Eol::Lf),
        (Action::AutoCrlf, _) | (Action::Undefined, AutoCrlf::True) => Conversion::Auto(Eol::Crlf),
    }
}

#[cfg(test)]
mod tests;
