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
        .filter(|e| e.file_name() != "tests.rs")
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
            "load", "check", "report", "render", "git", "commit", "commands",
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
    ("clap", &["cli.rs", "lib.rs", "commands/completions.rs"]),
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
