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

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    /// Names mentioned by the attribute files that apply to every path.
    global: Mentions,
    state: Mutex<State>,
}

struct State {
    repo: git2::Repository,
    /// Names mentioned by each folder's `.gitattributes`, by
    /// repository-relative folder (`""` for the top).
    folders: HashMap<String, Mentions>,
}

impl Repository {
    /// The line-ending rules for the project folder `root`, or `None` when
    /// the repository has no work tree.
    pub fn line_ending_rules(self, root: &Path) -> Option<LineEndingRules> {
        let workdir = self.workdir()?.to_path_buf();
        let prefix = project_prefix(&workdir, root);
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
        let global = global_mentions(&self.inner, config.as_ref());
        Some(LineEndingRules {
            workdir,
            prefix,
            autocrlf,
            text_eol,
            global,
            state: Mutex::new(State {
                repo: self.inner,
                folders: HashMap::new(),
            }),
        })
    }
}

/// `root` relative to the work tree, as a path prefix (`""` at its top).
fn project_prefix(workdir: &Path, root: &Path) -> String {
    let (Ok(root), Ok(workdir)) = (root.canonicalize(), workdir.canonicalize()) else {
        return String::new();
    };
    match root.strip_prefix(&workdir) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            format!("{}/", crate::load::relative(Path::new(""), rel))
        }
        _ => String::new(),
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

/// Names mentioned by the attribute files libgit2 reads for every path:
/// the system file, `core.attributesFile` (else the XDG one) and
/// `info/attributes`. Off Unix, where libgit2 looks for the system file in
/// places rolecall does not mirror, every name counts as mentioned.
fn global_mentions(repo: &git2::Repository, config: Option<&git2::Config>) -> Mentions {
    if !cfg!(unix) {
        return ALL;
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
        .fold(0, |bits, content| bits | mentions(&content))
}

/// The attribute names `content` (an attribute file) mentions; a macro
/// definition or `binary` may set any or `text`, so they count for those.
fn mentions(content: &[u8]) -> Mentions {
    let has = |needle: &[u8]| content.windows(needle.len()).any(|w| w == needle);
    if has(b"[attr]") {
        return ALL;
    }
    let mut bits = NAMES
        .iter()
        .filter(|(name, _)| has(name.as_bytes()))
        .fold(0, |bits, (_, bit)| bits | bit);
    if has(b"binary") {
        bits |= TEXT | CRLF;
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
        let mut bits = self.global;
        let mut folder = String::new();
        let folders = path.rsplit_once('/').map_or("", |(folders, _)| folders);
        bits |= state.folder_mentions(&self.workdir, "");
        for name in folders.split('/').filter(|n| !n.is_empty()) {
            if !folder.is_empty() {
                folder.push('/');
            }
            folder.push_str(name);
            bits |= state.folder_mentions(&self.workdir, &folder);
        }
        let mut attrs: [Attr; 6] = std::array::from_fn(|_| Attr::Unspecified);
        for (slot, (name, bit)) in attrs.iter_mut().zip(NAMES) {
            if bits & bit != 0 {
                let value = state
                    .repo
                    .get_attr(Path::new(&path), name, AttrCheckFlags::FILE_THEN_INDEX)
                    .map_err(|e| {
                        refuse(format!(
                            "could not read its git attributes: {}",
                            e.message()
                        ))
                    })?;
                *slot = Attr::of(AttrValue::from_string(value));
            }
        }
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
    /// The names mentioned by `folder`'s `.gitattributes`, in the work
    /// tree or the index (libgit2 reads both).
    fn folder_mentions(&mut self, workdir: &Path, folder: &str) -> Mentions {
        if let Some(bits) = self.folders.get(folder) {
            return *bits;
        }
        let rel = if folder.is_empty() {
            ".gitattributes".to_owned()
        } else {
            format!("{folder}/.gitattributes")
        };
        let mut bits = fs::read(workdir.join(&rel)).map_or(0, |content| mentions(&content));
        // The repository keeps its index loaded: read from disk only once.
        let staged = self
            .repo
            .index()
            .ok()
            .and_then(|index| index.get_path(Path::new(&rel), 0));
        if let Some(entry) = staged {
            bits |= self
                .repo
                .find_blob(entry.id)
                // Unreadable: every name may be mentioned.
                .map_or(ALL, |blob| mentions(blob.content()));
        }
        self.folders.insert(folder.to_owned(), bits);
        bits
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
mod tests {
    use super::*;
    use crate::git::test_support::{git_in, init_with_commit};

    /// The repository at `dir`, opened after its configuration changed.
    fn reopened(dir: &Path) -> Repository {
        Repository::discover(dir).expect("discover").expect("repo")
    }

    fn value(v: &str) -> Attr {
        Attr::Value(v.to_owned())
    }

    #[test]
    fn git_s_rules_choose_the_conversion() {
        use Attr::{Set, Unset, Unspecified as U};
        let lf = Conversion::Text(Eol::Lf);
        let crlf = Conversion::Text(Eol::Crlf);
        let cases = [
            // text, crlf, eol, core.autocrlf, text eol → conversion
            (U, U, U, AutoCrlf::False, Eol::Lf, Conversion::None),
            (
                U,
                U,
                U,
                AutoCrlf::True,
                Eol::Crlf,
                Conversion::Auto(Eol::Crlf),
            ),
            (U, U, U, AutoCrlf::Input, Eol::Lf, Conversion::Auto(Eol::Lf)),
            (Set, U, U, AutoCrlf::False, Eol::Lf, lf),
            (Set, U, U, AutoCrlf::False, Eol::Crlf, crlf),
            (Set, U, value("crlf"), AutoCrlf::False, Eol::Lf, crlf),
            (U, U, value("crlf"), AutoCrlf::False, Eol::Lf, crlf),
            (U, U, value("lf"), AutoCrlf::True, Eol::Crlf, lf),
            (
                Unset,
                U,
                value("crlf"),
                AutoCrlf::True,
                Eol::Crlf,
                Conversion::None,
            ),
            (
                value("auto"),
                U,
                U,
                AutoCrlf::False,
                Eol::Crlf,
                Conversion::Auto(Eol::Crlf),
            ),
            (
                value("auto"),
                U,
                U,
                AutoCrlf::False,
                Eol::Lf,
                Conversion::Auto(Eol::Lf),
            ),
            (
                value("auto"),
                U,
                value("crlf"),
                AutoCrlf::False,
                Eol::Lf,
                Conversion::Auto(Eol::Crlf),
            ),
            // The legacy `crlf` attribute counts where `text` is silent.
            (U, Unset, U, AutoCrlf::True, Eol::Crlf, Conversion::None),
            (U, value("input"), U, AutoCrlf::False, Eol::Crlf, lf),
            (Set, Unset, U, AutoCrlf::False, Eol::Lf, lf),
        ];
        for (text, crlf_attr, eol, autocrlf, text_eol, expected) in cases {
            assert_eq!(
                decide(&text, &crlf_attr, &eol, autocrlf, text_eol),
                expected,
                "text={text:?} crlf={crlf_attr:?} eol={eol:?} {autocrlf:?} {text_eol:?}"
            );
        }
    }

    #[test]
    fn attribute_files_count_for_the_names_they_mention() {
        assert_eq!(mentions(b""), 0);
        assert_eq!(mentions(b"*.png -diff\n"), 0);
        assert_eq!(mentions(b"* text=auto\n"), TEXT);
        assert_eq!(mentions(b"*.md eol=crlf\n"), EOL | CRLF);
        assert_eq!(mentions(b"*.png binary\n"), TEXT | CRLF);
        assert_eq!(mentions(b"[attr]mine -diff\n"), ALL);
        assert_eq!(mentions(b"*.md filter=lfs ident\n"), FILTER | IDENT);
    }

    #[test]
    fn the_rules_read_attributes_of_nested_folders_and_the_configuration() {
        let (tmp, repo) = init_with_commit();
        git_in(tmp.path(), &["config", "core.autocrlf", "input"]);
        fs::create_dir_all(tmp.path().join("docs/deep")).expect("folder");
        fs::write(
            tmp.path().join("docs/deep/.gitattributes"),
            "*.md text eol=crlf\n",
        )
        .expect("write");
        fs::write(tmp.path().join("docs/.gitattributes"), "raw.md -text\n").expect("write");
        drop(repo);
        let rules = reopened(tmp.path()).line_ending_rules(&tmp.path().join("docs"));
        let rules = rules.expect("work tree");
        let conversion = |path: &str| rules.conversion(path).expect("conversion");
        assert_eq!(conversion("deep/a.md"), Conversion::Text(Eol::Crlf));
        assert_eq!(conversion("raw.md"), Conversion::None);
        assert_eq!(conversion("other.md"), Conversion::Auto(Eol::Lf));
        let top = reopened(tmp.path()).line_ending_rules(tmp.path());
        let top = top.expect("work tree");
        assert_eq!(top.conversion("top.md"), Ok(Conversion::Auto(Eol::Lf)));
        assert_eq!(
            top.conversion("docs/deep/b.md"),
            Ok(Conversion::Text(Eol::Crlf))
        );
    }

    #[test]
    fn ident_and_configured_filters_are_refused_by_name() {
        let (tmp, repo) = init_with_commit();
        fs::write(
            tmp.path().join(".gitattributes"),
            "id.md ident\nlfs.md filter=lfs\nfree.md filter=none\nutf16.md working-tree-encoding=UTF-16\n",
        )
        .expect("write");
        git_in(tmp.path(), &["config", "filter.lfs.clean", "cat"]);
        drop(repo);
        let rules = reopened(tmp.path()).line_ending_rules(tmp.path());
        let rules = rules.expect("work tree");
        let refused = |path: &str| rules.conversion(path).expect_err("refused").to_string();
        assert!(refused("id.md").contains("`ident`"), "{}", refused("id.md"));
        assert!(
            refused("lfs.md").contains("`filter=lfs`"),
            "{}",
            refused("lfs.md")
        );
        assert!(refused("utf16.md").contains("working-tree-encoding=UTF-16"));
        // A filter attribute naming no configured driver is ignored, as git does.
        assert_eq!(rules.conversion("free.md"), Ok(Conversion::None));
    }
}
