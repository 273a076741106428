//! Tests of `eol`.

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
    assert_eq!(mentions(b"*.png -diff\n# text eol\n"), 0);
    assert_eq!(mentions(b"context.md  text=auto\r\n"), TEXT);
    assert_eq!(mentions(b"*.md eol=crlf\n"), EOL);
    assert_eq!(mentions(b"*.png binary\n*.bat -crlf\n"), TEXT | CRLF);
    assert_eq!(mentions(b"*.md !text\n"), TEXT);
    assert_eq!(mentions(b"*.png -diff\n[attr]mine -diff\n"), ALL);
    assert_eq!(mentions(b"*.md filter=lfs ident\n"), FILTER | IDENT);
    assert_eq!(mentions(b"*.txt working-tree-encoding=UTF-16\n"), ENCODING);
}

#[test]
fn patterns_without_a_slash_match_by_name() {
    assert!(names_only(b"# a/comment\n* text=auto\n\n*.md eol=crlf\r\n"));
    assert!(!names_only(b"docs/*.md -text\n"));
    assert!(!names_only(b"  /top.md -text\n"));
    assert!(!names_only(b"\"with space.md\" -text\n"));
    let by_name = Reach::of(b"*.md text\n");
    let by_path = Reach::of(b"docs/*.md text\n");
    assert!(by_name.and(Reach::of(b"*.png -diff\n")).by_name);
    assert!(!by_name.and(by_path).by_name);
    assert_eq!(Reach::of(b"docs/*.png -diff\n"), Reach::NONE);
}

#[test]
fn a_name_is_asked_about_once_below_the_same_attribute_files() {
    let (tmp, repo) = init_with_commit();
    fs::write(tmp.path().join(".gitattributes"), "*.md eol=crlf\n").expect("write");
    fs::create_dir_all(tmp.path().join("b/sub")).expect("folder");
    fs::write(tmp.path().join("b/.gitattributes"), "x.md -text\n").expect("write");
    let rules = repo.line_ending_rules(tmp.path()).expect("work tree");
    for path in ["a/x.md", "c/x.md", "a/y.md", "b/x.md", "b/sub/x.md"] {
        rules.conversion(path).expect("conversion");
    }
    let state = rules.state.lock().expect("state");
    let mut keys: Vec<&str> = state.by_name.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["\0b\0x.md", "\0x.md", "\0y.md"]);
    drop(state);
    assert_eq!(rules.conversion("d/x.md"), Ok(Conversion::Text(Eol::Crlf)));
    assert_eq!(rules.conversion("b/sub/x.md"), Ok(Conversion::None));
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
