//! The one-way rules of ARCHITECTURE.md, checked by reading the sources:
//! lower stages never import higher ones, and each foreign crate stays
//! behind the one module that owns it. A rule broken by a new `use` fails
//! here with the file and the line.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// One source file: its path below `src/` and its non-test code, with
/// comments blanked (line numbers kept).
struct Source {
    path: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found: Vec<Source> = WalkDir::new(&src)
        .into_iter()
        .map(|e| e.expect("walk src/"))
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .filter(|e| e.file_name() != "tests.rs" && !is_test_helper(&src, e.path()))
        .map(|e| {
            let path = relative(&src, e.path());
            let text = fs::read_to_string(e.path()).expect("read a source file");
            Source {
                path,
                code: without_comments(without_tests(&text)),
            }
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(found.len() > 40, "found the sources: {}", found.len());
    found
}

/// Whether `path` is a unit-test helper (a file below a `tests/` folder).
fn is_test_helper(src: &Path, path: &Path) -> bool {
    path.strip_prefix(src)
        .is_ok_and(|rel| rel.components().any(|c| c.as_os_str() == "tests"))
}

fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).expect("below src/").into();
    rel.to_string_lossy().replace('\\', "/")
}

/// The code before a `#[cfg(test)] mod tests` block.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |at| &text[..at])
}

/// `//` comments blanked out (doc comments name other modules freely);
/// string contents are left alone, which is good enough for `use` lines.
fn without_comments(code: &str) -> String {
    code.lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every line of `source` that names `needle`, as `path:line: text`.
fn mentions(source: &Source, needle: &str) -> Vec<String> {
    source
        .code
        .lines()
        .enumerate()
        .filter(|(_, line)| names(line, needle))
        .map(|(i, line)| format!("src/{}:{}: {}", source.path, i + 1, line.trim()))
        .collect()
}

/// Whether `line` names the path `needle` (`crate::git`, `git2`) as a
/// whole path segment.
fn names(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Whether a source path belongs to `module` (`git` is `git.rs`,
/// `git/…`).
fn within(path: &str, module: &str) -> bool {
    path == format!("{module}.rs") || path.starts_with(&format!("{module}/"))
}

/// The modules of the crate a stage may not import, stage by stage, lowest
/// first (ARCHITECTURE.md draws the same table).
const BELOW: &[(&str, &[&str])] = &[
    (
        "finding",
        &[
            "yaml", "model", "load", "check", "report", "render", "git", "commit", "commands",
        ],
    ),
    (
        "line_endings",
        &[
            "yaml", "model", "load", "check", "report", "render", "git", "commit", "commands",
        ],
    ),
    (
        "yaml",
        &[
            "model", "load", "check", "report", "render", "git", "commit", "commands",
        ],
    ),
    (
        "model",
        &[
            "load", "check", "report", "render", "git", "commit", "commands", "insights",
            "calendar",
        ],
    ),
    (
        "insights",
        &[
            "load", "check", "report", "render", "git", "commit", "commands", "calendar",
        ],
    ),
    (
        "calendar",
        &[
            "load", "check", "report", "render", "git", "commit", "commands", "insights",
        ],
    ),
    (
        "load",
        &["check", "report", "render", "git", "commit", "commands"],
    ),
    ("check", &["report", "render", "git", "commit", "commands"]),
    ("report", &["render", "git", "commit", "commands"]),
    ("render", &["check", "git", "commit", "commands"]),
    (
        "git",
        &[
            "yaml", "model", "load", "check", "report", "render", "commit", "commands",
        ],
    ),
    ("commit", &["check", "commands"]),
    (
        "notify",
        &[
            "load", "check", "report", "render", "git", "commit", "commands", "http",
        ],
    ),
    (
        "import",
        &[
            "load", "check", "report", "render", "git", "commit", "commands", "http",
        ],
    ),
    (
        "http",
        &[
            "yaml", "model", "load", "check", "report", "render", "git", "commit", "commands",
        ],
    ),
    (
        "ci",
        &[
            "finding", "yaml", "model", "load", "check", "report", "render", "git", "commit",
            "commands",
        ],
    ),
];

#[test]
fn lower_stages_never_import_higher_ones() {
    let sources = sources();
    let mut broken = Vec::new();
    for (stage, forbidden) in BELOW {
        let files: Vec<&Source> = sources.iter().filter(|s| within(&s.path, stage)).collect();
        assert!(!files.is_empty(), "the stage {stage} has sources");
        for source in files {
            for module in *forbidden {
                broken.extend(mentions(source, &format!("crate::{module}")));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the one-way rules:\n{}",
        broken.join("\n")
    );
}

#[test]
fn only_the_command_line_knows_the_commands() {
    let broken: Vec<String> = sources()
        .iter()
        .filter(|s| !within(&s.path, "commands") && s.path != "lib.rs")
        .flat_map(|s| mentions(s, "crate::commands"))
        .collect();
    assert!(
        broken.is_empty(),
        "commands/ is named below the command line:\n{}",
        broken.join("\n")
    );
}

/// Each foreign crate and the only place that may name it.
const CRATE_HOMES: &[(&str, &[&str])] = &[
    ("git2", &["git"]),
    ("tera", &["render/templates.rs"]),
    ("pulldown_cmark", &["render/markdown.rs"]),
    ("serde_saphyr", &["yaml"]),
    ("annotate_snippets", &["report/mod.rs"]),
    (
        "clap",
        &["cli.rs", "cli", "lib.rs", "commands/completions.rs"],
    ),
    (
        "clap_complete",
        &["cli.rs", "cli", "commands/completions.rs"],
    ),
    ("ureq", &["http.rs"]),
    ("hmac", &["digest.rs"]),
    ("sha2", &["digest.rs"]),
    ("sha1", &["sha1_digest.rs"]),
    ("serde_path_to_error", &["import/mod.rs"]),
];

#[test]
fn each_foreign_crate_stays_behind_its_module() {
    let sources = sources();
    let mut broken = Vec::new();
    for (name, homes) in CRATE_HOMES {
        for source in &sources {
            let at_home = homes
                .iter()
                .any(|home| source.path == *home || within(&source.path, home));
            if !at_home {
                broken.extend(
                    mentions(source, &format!("{name}::"))
                        .into_iter()
                        .chain(mentions(source, &format!("use {name}")))
                        .map(|line| format!("{name}: {line}")),
                );
            }
        }
    }
    assert!(
        broken.is_empty(),
        "foreign crates outside their module:\n{}",
        broken.join("\n")
    );
}

/// The commands that may reach the network; nothing else names the HTTP
/// module (SPEC: no network in `check` or `render`, ever).
const NETWORK_COMMANDS: &[&str] = &["commands/notify.rs", "commands/remind.rs"];

#[test]
fn only_notify_and_remind_reach_the_network() {
    let sources = sources();
    let users: Vec<&Source> = sources
        .iter()
        .filter(|s| !mentions(s, "crate::http").is_empty())
        .collect();
    assert!(
        users.iter().any(|s| s.path == "commands/notify.rs"),
        "notify posts through the HTTP module"
    );
    let broken: Vec<String> = users
        .iter()
        .filter(|s| !NETWORK_COMMANDS.contains(&s.path.as_str()))
        .flat_map(|s| mentions(s, "crate::http"))
        .collect();
    assert!(
        broken.is_empty(),
        "the HTTP module is named outside notify and remind:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_rule_reader_sees_a_broken_rule() {
    // The checks above pass only if they can fail: a line that breaks a
    // rule is found, one that only resembles it is not.
    let source = Source {
        path: "git/commit.rs".to_owned(),
        code: without_comments(
            "use crate::render::files;\n// crate::render in a comment\nuse crate::renderer;\n",
        ),
    };
    assert_eq!(
        mentions(&source, "crate::render"),
        ["src/git/commit.rs:1: use crate::render::files;"]
    );
    assert!(within("git/commit.rs", "git") && within("git.rs", "git"));
    assert!(!within("gitignore.rs", "git"));
    assert_eq!(
        without_tests("a\n#[cfg(test)]\nmod tests {\nuse crate::git;\n}"),
        "a\n"
    );
}

/// The sibling modules a folder's module imports: `super::x` and
/// `crate::<folder>::x` paths (also inside `super::{…}` lists) where `x` is
/// another module directly in the same folder.
fn sibling_imports(code: &str, folder: &str, siblings: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in [
        "super::".to_owned(),
        format!("crate::{}::", folder.replace('/', "::")),
    ] {
        for (at, _) in code.match_indices(&prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(list) => top_level_heads(list),
                None => vec![head(rest)],
            };
            found.extend(
                names
                    .into_iter()
                    .filter(|name| siblings.iter().any(|s| s == name))
                    .map(str::to_owned),
            );
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The first path segment of `path`.
fn head(path: &str) -> &str {
    let end = path
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(path.len());
    &path[..end]
}

/// The first segment of each item of a `{a, b::c, d::{e, f}}` list (`list`
/// starts after the opening brace).
fn top_level_heads(list: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = Some(0);
    for (i, c) in list.char_indices() {
        if let Some(start) = item_start.take() {
            let item = list[start..].trim_start();
            heads.push(head(item));
        }
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = Some(i + 1),
            _ => {}
        }
    }
    heads
}

/// A cycle in `edges` (module → the siblings it imports), as `a → b → a`.
fn find_cycle(edges: &std::collections::BTreeMap<String, Vec<String>>) -> Option<String> {
    fn visit(
        node: &str,
        edges: &std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle.join(" → "));
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

/// The import graph of the modules directly in `src/<folder>/`.
fn folder_graph(
    sources: &[Source],
    folder: &str,
) -> std::collections::BTreeMap<String, Vec<String>> {
    let module_of = |path: &str| -> Option<String> {
        let rest = path.strip_prefix(&format!("{folder}/"))?;
        match rest.split_once('/') {
            Some((name, "mod.rs")) => Some(name.to_owned()),
            Some(_) => None,
            None => rest
                .strip_suffix(".rs")
                .filter(|m| *m != "mod")
                .map(str::to_owned),
        }
    };
    let members: Vec<(String, &Source)> = sources
        .iter()
        .filter_map(|s| module_of(&s.path).map(|m| (m, s)))
        .collect();
    let siblings: Vec<String> = members.iter().map(|(m, _)| m.clone()).collect();
    members
        .iter()
        .map(|(module, source)| {
            let imports = sibling_imports(&source.code, folder, &siblings)
                .into_iter()
                .filter(|m| m != module)
                .collect();
            (module.clone(), imports)
        })
        .collect()
}

#[test]
fn no_folder_has_an_import_circle() {
    let sources = sources();
    let mut folders: Vec<String> = sources
        .iter()
        .filter_map(|s| s.path.rsplit_once('/').map(|(folder, _)| folder.to_owned()))
        .collect();
    folders.sort();
    folders.dedup();
    assert!(folders.iter().any(|f| f == "git") && folders.iter().any(|f| f == "yaml"));
    let circles: Vec<String> = folders
        .iter()
        .filter_map(|folder| {
            find_cycle(&folder_graph(&sources, folder)).map(|c| format!("{folder}/: {c}"))
        })
        .collect();
    assert!(
        circles.is_empty(),
        "modules that import each other:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_circle_finder_sees_a_circle() {
    let code = "use super::{GitError, commit::Planned, pack};\nuse crate::git::head::Head;\nsuper::index::x();";
    let siblings = ["commit", "pack", "head", "index", "objects"].map(str::to_owned);
    assert_eq!(
        sibling_imports(code, "git", &siblings),
        ["commit", "head", "index", "pack"]
    );
    let edges = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(find_cycle(&edges).as_deref(), Some("a → b → c → a"));
    let acyclic = [("a", vec!["b"]), ("b", vec![])]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect();
    assert_eq!(find_cycle(&acyclic), None);
}
