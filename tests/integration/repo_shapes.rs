//! The repository-shape matrix (issue 13, point 8): the bundled records
//! (this repository's `incidents/` records and `people.yaml`) rendered and
//! re-rendered in every shape of repository rolecall meets in the field,
//! one test per shape so a failure is named.
//!
//! Each shape goes through the same flow ([`render_and_rerender`]): the
//! user's staged, unstaged and untracked work is set up, an edit of the
//! records is committed with git (one retitled, one added, one deleted, so
//! the render creates, updates and removes documents), then `render`,
//! `render --check` and a second `render` run. After each render the
//! repository must be sound ([`assert_repository_sound`]) and the render
//! must have done what it does in an ordinary repository. A shape rolecall
//! refuses must be refused with exit 2, by name, and the repository left
//! byte for byte as it was ([`assert_refused`]).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tempfile::TempDir;
use walkdir::WalkDir;

use crate::harness::{ROLECALL, Run, isolated};

/// Commit dates, for git and rolecall alike: runs are reproducible.
const DATE: &str = "@1795262400 +0000";

const IDENTITY: [(&str, &str); 6] = [
    ("GIT_AUTHOR_NAME", "Test User"),
    ("GIT_AUTHOR_EMAIL", "test@example.com"),
    ("GIT_COMMITTER_NAME", "Test User"),
    ("GIT_COMMITTER_EMAIL", "test@example.com"),
    ("GIT_AUTHOR_DATE", DATE),
    ("GIT_COMMITTER_DATE", DATE),
];

/// The user's own work, outside the documents (at the top, which every
/// sparse cone includes).
const TRACKED: &str = "tracked.txt";
const STAGED: &str = "staged.txt";
const UNTRACKED: &str = "scratch.txt";

/// The record the committed edit adds (a copy of the second bundled one).
const ADDED: &str = "INC-2026-099";

/// Words a refusal of a split index may name it by.
const SPLIT_INDEX: &[&str] = &["split index", "split-index", "splitindex"];
/// Words a refusal of a sparse checkout or sparse index may name it by.
const SPARSE: &[&str] = &[
    "sparse index",
    "sparse-index",
    "index.sparse",
    "sparse checkout",
    "sparse-checkout",
    "sparsecheckout",
];

// ------------------------------------------------------------- the shapes

/// Where the documents go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Beside the records, in `incidents/` (the default).
    Beside,
    /// In `docs/` (`output: docs` in `rolecall.yaml`).
    Separate,
}

impl Layout {
    fn output(self) -> &'static str {
        match self {
            Layout::Beside => "incidents",
            Layout::Separate => "docs",
        }
    }
}

/// A repository of some shape holding the bundled records, in a temporary
/// folder: `src` is the first repository made, `work` the folder rolecall
/// runs in (`src` itself, or a clone or work tree of it).
struct Shape {
    /// Stops the gpg agent of a throwaway `GNUPGHOME` (dropped first).
    agent: Option<GpgAgent>,
    dir: TempDir,
    work: PathBuf,
    layout: Layout,
    /// Environment for git and rolecall beyond the identity.
    env: Vec<(&'static str, PathBuf)>,
}

impl Shape {
    /// `src`: a new repository (`git init -b main` plus `init`) holding the
    /// bundled records and `extra` files, committed.
    fn with_records(layout: Layout, init: &[&str], extra: &[(&str, &str)]) -> Shape {
        let shape = Shape::unborn_with(layout, init, extra);
        shape.git(&["commit", "-q", "-m", "add the records"]);
        shape
    }

    /// [`Shape::with_records`], then rendered: rolecall committed the
    /// documents, as in a repository that has used rolecall for a while.
    fn rendered(layout: Layout, extra: &[(&str, &str)]) -> Shape {
        let shape = Shape::with_records(layout, &[], extra);
        let run = shape.rolecall(&["render"]);
        run.code(0);
        assert!(committed_line(&run.stdout).is_some(), "{}", run.stdout);
        shape
    }

    /// `src` with the bundled records staged, and no commit yet.
    fn unborn(layout: Layout) -> Shape {
        Shape::unborn_with(layout, &[], &[])
    }

    fn unborn_with(layout: Layout, init: &[&str], extra: &[(&str, &str)]) -> Shape {
        let dir = tempfile::Builder::new()
            .prefix("rolecall-shape")
            .tempdir()
            .expect("temporary folder");
        let work = dir.path().join("src");
        fs::create_dir_all(&work).expect("src folder");
        let shape = Shape {
            agent: None,
            dir,
            work,
            layout,
            env: Vec::new(),
        };
        let mut args = vec!["init", "-q", "-b", "main"];
        args.extend_from_slice(init);
        shape.git(&args);
        copy_bundled(&shape.work, layout);
        for (rel, content) in extra {
            shape.write(rel, content.as_bytes());
        }
        shape.git(&["add", "-A"]);
        shape
    }

    /// Works from now on in `work`, a clone of `src` made with `args`
    /// (`url`: the source given as a `file://` URL, which `--depth` needs).
    fn cloned(mut self, args: &[&str], url: bool) -> Shape {
        let source = self.src();
        let source = if url {
            format!("file://{}", source.display())
        } else {
            source.display().to_string()
        };
        let mut all = vec!["clone", "-q"];
        all.extend_from_slice(args);
        all.extend([source.as_str(), "work"]);
        self.git_in(self.home(), &all);
        self.work = self.home().join("work");
        self
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }

    fn src(&self) -> PathBuf {
        self.home().join("src")
    }

    fn output(&self) -> &'static str {
        self.layout.output()
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.work.join(rel)
    }

    fn write(&self, rel: &str, content: &[u8]) {
        let path = self.abs(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
        fs::write(path, content).expect("write file");
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.abs(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// `program` in `dir`, isolated, with the identity, dates and `env`.
    fn command(&self, program: &str, dir: &Path) -> Command {
        let mut command = isolated(program, dir, self.home());
        command.envs(IDENTITY);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    fn git_run_in(&self, dir: &Path, args: &[&str]) -> Run {
        let output = self
            .command("git", dir)
            .args(args)
            .output()
            .expect("run git");
        Run::from_output(&output)
    }

    /// Runs git in `dir`; its stdout, panicking on failure.
    #[track_caller]
    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let run = self.git_run_in(dir, args);
        assert_eq!(
            run.code,
            0,
            "git {args:?} in {}: {}",
            dir.display(),
            run.stderr
        );
        run.stdout
    }

    #[track_caller]
    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.work, args)
    }

    fn git_run(&self, args: &[&str]) -> Run {
        self.git_run_in(&self.work, args)
    }

    fn rolecall(&self, args: &[&str]) -> Run {
        let output = self
            .command(ROLECALL, &self.work)
            .args(args)
            .output()
            .expect("run rolecall");
        Run::from_output(&output)
    }

    /// HEAD's commit, `None` on an unborn branch.
    fn head(&self) -> Option<String> {
        let run = self.git_run(&["rev-parse", "--verify", "-q", "HEAD"]);
        (run.code == 0).then(|| run.stdout.trim().to_owned())
    }

    fn git_path(&self, name: &str) -> PathBuf {
        let path = self.git(&["rev-parse", "--git-path", name]);
        self.work.join(path.trim())
    }

    /// The bundled records in the work tree, sorted (`incidents/…`).
    fn records(&self) -> Vec<String> {
        let mut records: Vec<String> = fs::read_dir(self.abs("incidents"))
            .expect("incidents folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|name| has_extension(name, &["yaml", "yml"]))
            .map(|name| format!("incidents/{name}"))
            .collect();
        records.sort();
        records
    }

    /// One staged change, one unstaged change and one untracked file, all
    /// outside the documents. On an unborn branch the tracked file is
    /// staged (there is no commit to hold it), then changed.
    fn add_user_work(&self) {
        self.write(TRACKED, b"tracked\n");
        self.git(&["add", TRACKED]);
        if self.head().is_some() {
            self.git(&["commit", "-q", "-m", "add tracked.txt", "--", TRACKED]);
        }
        self.write(STAGED, b"staged, not committed\n");
        self.git(&["add", STAGED]);
        self.write(TRACKED, b"tracked, then edited\n");
        self.write(UNTRACKED, b"untracked \xff bytes\n");
    }

    /// Commits, with git and only under `incidents/`, an edit of the
    /// records: the first retitled, the second copied as a new incident,
    /// the last deleted. The user's staged work stays staged.
    fn commit_an_edit(&self) {
        let records = self.records();
        assert!(records.len() >= 3, "three bundled records: {records:?}");
        let first = &records[0];
        self.write(first, &retitled(&self.read(first)));
        let second = &records[1];
        let stem = second
            .trim_start_matches("incidents/")
            .rsplit_once('.')
            .expect("an extension")
            .0;
        let copy = String::from_utf8(self.read(second))
            .expect("UTF-8 record")
            .replacen(&format!("id: {stem}"), &format!("id: {ADDED}"), 1);
        self.write(&format!("incidents/{ADDED}.yaml"), copy.as_bytes());
        fs::remove_file(self.abs(&records[records.len() - 1])).expect("delete a record");
        self.git(&["add", "-A", "--", "incidents"]);
        self.git(&["commit", "-q", "-m", "edit the records", "--", "incidents"]);
    }

    /// The paths HEAD's commit changed, relative to the output folder.
    fn committed_paths(&self) -> Vec<String> {
        let shown = self.git(&["show", "--name-only", "--format=", "HEAD"]);
        let prefix = format!("{}/", self.output());
        let mut paths: Vec<String> = shown
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.strip_prefix(&prefix)
                    .unwrap_or_else(|| panic!("{l} is outside {prefix}"))
                    .to_owned()
            })
            .collect();
        paths.sort();
        paths
    }
}

/// Copies this repository's records (`incidents/**/*.yaml`, `*.yml`),
/// `people.yaml` and `rolecall.yaml` (when there is one) into `dest`. The
/// documents beside the records are left: rolecall renders them.
fn copy_bundled(dest: &Path, layout: Layout) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let incidents = root.join("incidents");
    let hidden = |e: &walkdir::DirEntry| e.file_name().to_string_lossy().starts_with('.');
    for entry in WalkDir::new(&incidents)
        .into_iter()
        .filter_entry(|e| !hidden(e))
    {
        let entry = entry.expect("walk the bundled incidents");
        let is_record = entry
            .path()
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml");
        if entry.file_type().is_file() && is_record {
            let rel = entry.path().strip_prefix(root).expect("inside");
            let to = dest.join(rel);
            fs::create_dir_all(to.parent().expect("a parent")).expect("create folder");
            fs::copy(entry.path(), to).expect("copy a record");
        }
    }
    fs::copy(root.join("people.yaml"), dest.join("people.yaml")).expect("copy the roster");
    let mut config = fs::read_to_string(root.join("rolecall.yaml")).unwrap_or_default();
    if layout == Layout::Separate {
        config.push_str("\noutput: docs\n");
    }
    if !config.is_empty() {
        fs::write(dest.join("rolecall.yaml"), config).expect("write the configuration");
    }
}

/// Whether `name` ends in `.` and one of `extensions`.
fn has_extension(name: &str, extensions: &[&str]) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| extensions.iter().any(|x| e == *x))
}

/// `record` with ` (renamed)` at the end of its `title:` line, line
/// ending kept.
fn retitled(record: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(record.to_vec()).expect("UTF-8 record");
    let mut out = String::with_capacity(text.len() + 10);
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && line.starts_with("title: ") {
            let body = line.trim_end_matches(['\r', '\n']);
            out.push_str(body);
            out.push_str(" (renamed)");
            out.push_str(&line[body.len()..]);
            done = true;
        } else {
            out.push_str(line);
        }
    }
    assert!(done, "the record has a title line");
    out.into_bytes()
}

// ------------------------------------------------------- what is checked

/// What the user sees of the repository: status, both diffs, the
/// untracked file's bytes, and what `git fsck` says of it.
#[derive(Debug, PartialEq, Eq)]
struct Observed {
    status: String,
    unstaged: String,
    staged: String,
    untracked: Vec<u8>,
    fsck: String,
}

fn observe(shape: &Shape) -> Observed {
    let fsck = shape.git_run(&[
        "fsck",
        "--full",
        "--strict",
        "--no-dangling",
        "--no-progress",
    ]);
    Observed {
        status: shape.git(&["status", "--porcelain", "--untracked-files=all"]),
        unstaged: shape.git(&["diff"]),
        staged: shape.git(&["diff", "--cached"]),
        untracked: shape.read(UNTRACKED),
        fsck: format!("exit {}\n{}{}", fsck.code, fsck.stdout, fsck.stderr),
    }
}

/// After a render: `git fsck --full --strict` clean, `git status` exactly
/// as before (so every committed document's index entry and file match
/// the commit), the user's staged and unstaged changes and untracked file
/// as they were.
#[track_caller]
fn assert_repository_sound(before: &Observed, after: &Observed) {
    assert_eq!(after.fsck, "exit 0\n", "git fsck --full --strict");
    assert_eq!(after.status, before.status, "git status --porcelain");
    assert_eq!(after.staged, before.staged, "git diff --cached");
    assert_eq!(after.unstaged, before.unstaged, "git diff");
    assert_eq!(after.untracked, before.untracked, "the untracked file");
}

/// The repository byte for byte: refs, the index file(s), the work tree,
/// the objects and every file name under the git folders. Taken without
/// running any git command that could write.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    refs: String,
    head: Vec<u8>,
    index: BTreeMap<String, Vec<u8>>,
    work_tree: BTreeMap<String, Vec<u8>>,
    objects: String,
    git_files: Vec<String>,
}

fn fingerprint(shape: &Shape) -> Fingerprint {
    let git_dir = shape.git_path("");
    let common = shape
        .work
        .join(shape.git(&["rev-parse", "--git-common-dir"]).trim());
    let mut index = BTreeMap::new();
    for folder in [&git_dir, &common] {
        for entry in fs::read_dir(folder).expect("git folder") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "index" || name.starts_with("sharedindex.") {
                let bytes = fs::read(entry.path()).expect("read an index file");
                index.insert(entry.path().display().to_string(), bytes);
            }
        }
    }
    let git_files = WalkDir::new(&common)
        .into_iter()
        .map(|e| e.expect("walk the git folder").path().display().to_string())
        .collect();
    Fingerprint {
        refs: shape.git(&["for-each-ref", "--format=%(refname) %(objectname)"]),
        head: fs::read(git_dir.join("HEAD")).expect("read HEAD"),
        index,
        work_tree: files(&shape.work),
        objects: shape.git(&["count-objects", "-v"]),
        git_files,
    }
}

/// Every file below `dir` but `.git`, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .map(|e| e.expect("walk the work tree"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (rel.display().to_string(), fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// A refusal: exit 2, a message naming the setting (one of `names`), and
/// the repository as it was.
#[track_caller]
fn assert_refused(shape: &Shape, run: &Run, untouched: &Fingerprint, names: &[&str]) {
    run.code(2);
    let message = run.stderr.to_lowercase();
    assert!(
        names.iter().any(|n| message.contains(&n.to_lowercase())),
        "the refusal names the setting ({names:?}): {}",
        run.stderr
    );
    assert_eq!(&fingerprint(shape), untouched, "the repository changed");
}

/// What a render did: its summary line and the paths it committed
/// (relative to the output folder).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    summary: String,
    committed: Vec<String>,
}

fn summary_line(run: &Run) -> String {
    run.stdout
        .lines()
        .find(|l| l.starts_with("rendered "))
        .unwrap_or_else(|| panic!("no summary line: {}", run.stdout))
        .to_owned()
}

/// The written, unchanged and removed counts of a summary line
/// (`rendered 45 documents for 12 incidents: 3 written, 42 unchanged, 1 removed`).
fn counts(summary: &str) -> (usize, usize, usize) {
    let (_, tail) = summary.split_once(": ").expect("a summary line");
    let numbers: Vec<usize> = tail
        .split(", ")
        .map(|part| {
            let (n, _) = part.split_once(' ').expect("a count");
            n.parse().expect("a number")
        })
        .collect();
    assert_eq!(numbers.len(), 3, "{summary}");
    (numbers[0], numbers[1], numbers[2])
}

fn committed_line(stdout: &str) -> Option<&str> {
    stdout.lines().find(|l| l.starts_with("committed "))
}

/// What a shape is expected to do.
#[derive(Clone, Copy)]
enum Expect {
    Supported,
    /// Either supported, or refused naming one of these words.
    SupportedOrRefused(&'static [&'static str]),
    /// Refused with this message.
    Refused(&'static str),
}

/// The flow every shape goes through (see the module comment). Returns
/// what the first render did, or `None` when the shape was refused.
fn render_and_rerender(shape: &Shape, expect: Expect) -> Option<Outcome> {
    shape.add_user_work();
    if shape.head().is_some() {
        shape.commit_an_edit();
    }
    let before = observe(shape);
    let head_before = shape.head();
    let untouched = fingerprint(shape);
    let run = shape.rolecall(&["render"]);
    match expect {
        Expect::Refused(message) => {
            assert_refused(shape, &run, &untouched, &[message]);
            return None;
        }
        Expect::SupportedOrRefused(names) if run.code == 2 => {
            assert_refused(shape, &run, &untouched, names);
            return None;
        }
        _ => {}
    }
    run.code(0);
    assert!(
        committed_line(&run.stdout).is_some(),
        "a commit: {}",
        run.stdout
    );
    assert_repository_sound(&before, &observe(shape));
    match &head_before {
        Some(parent) => assert_eq!(&shape.git(&["rev-parse", "HEAD~1"]).trim(), parent),
        None => assert_eq!(shape.git(&["rev-list", "--count", "HEAD"]).trim(), "1"),
    }
    let outcome = Outcome {
        summary: summary_line(&run),
        committed: shape.committed_paths(),
    };
    shape.rolecall(&["render", "--check"]).code(0);

    let head = shape.head();
    let again = shape.rolecall(&["render"]);
    again.code(0);
    let summary = summary_line(&again);
    let (written, _, removed) = counts(&summary);
    assert!(
        written == 0 && removed == 0,
        "a second render changes nothing: {summary}"
    );
    assert!(committed_line(&again.stdout).is_none(), "{}", again.stdout);
    assert_eq!(shape.head(), head);
    assert_repository_sound(&before, &observe(shape));
    Some(outcome)
}

/// What the flow does in an ordinary repository of `layout` (the
/// reference every other shape is held to), worked out once.
fn plain(layout: Layout) -> &'static Outcome {
    static BESIDE: OnceLock<Outcome> = OnceLock::new();
    static SEPARATE: OnceLock<Outcome> = OnceLock::new();
    let cell = match layout {
        Layout::Beside => &BESIDE,
        Layout::Separate => &SEPARATE,
    };
    cell.get_or_init(|| {
        render_and_rerender(&Shape::rendered(layout, &[]), Expect::Supported)
            .expect("an ordinary repository is supported")
    })
}

/// The flow, then the render held to what it does in an ordinary
/// repository: the same documents written, unchanged, removed, committed.
fn assert_like_plain(shape: &Shape, expect: Expect) {
    if let Some(outcome) = render_and_rerender(shape, expect) {
        assert_eq!(
            &outcome,
            plain(shape.layout),
            "as in an ordinary repository"
        );
    }
}

// -------------------------------------------------------------- the tests

#[test]
fn shape_plain_repository() {
    let outcome = plain(Layout::Beside);
    let (written, unchanged, removed) = counts(&outcome.summary);
    assert!(
        written > 0 && unchanged > 0 && removed > 0,
        "the edit makes the render create, update, keep and remove documents: {}",
        outcome.summary
    );
    assert!(outcome.committed.contains(&"README.md".to_owned()));
    assert!(
        outcome
            .committed
            .iter()
            .any(|p| p.starts_with(&format!("{ADDED}/"))),
        "the new incident's documents: {outcome:?}"
    );
}

#[test]
fn shape_autocrlf() {
    let shape = Shape::rendered(Layout::Beside, &[]).cloned(&["-c", "core.autocrlf=true"], false);
    assert_crlf_checkout(&shape);
    assert_like_plain(&shape, Expect::Supported);
}

#[test]
fn shape_gitattributes_eol_crlf() {
    let shape = Shape::rendered(Layout::Beside, &[(".gitattributes", "* text eol=crlf\n")])
        .cloned(&[], false);
    assert_crlf_checkout(&shape);
    assert_like_plain(&shape, Expect::Supported);
}

/// The clone checked the records and documents out with CRLF endings.
#[track_caller]
fn assert_crlf_checkout(shape: &Shape) {
    for rel in [shape.records()[0].clone(), "incidents/README.md".to_owned()] {
        assert!(
            shape.read(&rel).windows(2).any(|w| w == b"\r\n"),
            "{rel} is checked out with CRLF"
        );
    }
}

#[test]
fn shape_split_index() {
    let shape = Shape::rendered(Layout::Beside, &[]);
    shape.git(&["update-index", "--split-index"]);
    let git_dir = shape.git_path("");
    let shared = fs::read_dir(&git_dir).expect("git folder").any(|e| {
        e.expect("entry")
            .file_name()
            .to_string_lossy()
            .starts_with("sharedindex.")
    });
    assert!(shared, "a shared index file");
    assert_like_plain(&shape, Expect::SupportedOrRefused(SPLIT_INDEX));
}

/// A rendered repository of `layout` with a folder outside the cone,
/// checked out sparsely (cone mode, sparse index) with `incidents` in it.
fn sparse(layout: Layout) -> Shape {
    let shape = Shape::rendered(layout, &[("archive/2025.md", "Older notes.\n")]);
    shape.git(&[
        "sparse-checkout",
        "set",
        "--cone",
        "--sparse-index",
        "incidents",
    ]);
    let listed = shape.git(&["ls-files", "--sparse"]);
    assert!(
        listed.lines().any(|l| l == "archive/"),
        "a sparse directory entry: {listed}"
    );
    assert!(!shape.abs("archive").exists());
    shape
}

#[test]
fn shape_sparse_index_documents_in_the_cone() {
    let shape = sparse(Layout::Beside);
    assert_like_plain(&shape, Expect::SupportedOrRefused(SPARSE));
}

#[test]
fn shape_sparse_index_documents_outside_the_cone() {
    let shape = sparse(Layout::Separate);
    let listed = shape.git(&["ls-files", "--sparse"]);
    assert!(
        listed.lines().any(|l| l == "docs/"),
        "docs/ is outside the cone: {listed}"
    );
    assert!(!shape.abs("docs").exists());
    assert_like_plain(&shape, Expect::SupportedOrRefused(SPARSE));
}

#[test]
fn shape_linked_worktree() {
    let mut shape = Shape::rendered(Layout::Beside, &[]);
    shape.git(&["worktree", "add", "-q", "../linked", "-b", "linked"]);
    let src = shape.src();
    let main = shape.git(&["rev-parse", "main"]);
    let main_status = shape.git(&["status", "--porcelain", "--untracked-files=all"]);
    shape.work = shape.home().join("linked");
    assert_like_plain(&shape, Expect::Supported);
    assert_eq!(
        shape.git_in(&src, &["rev-parse", "main"]),
        main,
        "main moved"
    );
    assert_eq!(
        shape.git_in(&src, &["status", "--porcelain", "--untracked-files=all"]),
        main_status,
        "the main work tree changed"
    );
}

#[test]
fn shape_bare_repository_with_worktree() {
    let mut shape = Shape::rendered(Layout::Beside, &[]);
    shape.git_in(shape.home(), &["clone", "-q", "--bare", "src", "bare.git"]);
    let bare = shape.home().join("bare.git");
    shape.git_in(&bare, &["worktree", "add", "-q", "../work", "main"]);
    shape.work = shape.home().join("work");
    assert_eq!(
        shape
            .git_in(&bare, &["rev-parse", "--is-bare-repository"])
            .trim(),
        "true"
    );
    assert_like_plain(&shape, Expect::Supported);
}

#[test]
fn shape_detached_head() {
    let shape = Shape::rendered(Layout::Beside, &[]);
    shape.git(&["checkout", "-q", "--detach"]);
    let main = shape.git(&["rev-parse", "main"]);
    assert_like_plain(&shape, Expect::Supported);
    assert_eq!(shape.git(&["rev-parse", "main"]), main, "main moved");
    assert_eq!(
        shape.git_run(&["symbolic-ref", "-q", "HEAD"]).code,
        1,
        "HEAD is detached"
    );
}

#[test]
fn shape_unborn_branch() {
    let shape = Shape::unborn(Layout::Beside);
    assert_eq!(shape.head(), None);
    let outcome = render_and_rerender(&shape, Expect::Supported).expect("rendered");
    assert!(
        outcome.summary.ends_with(" 0 unchanged, 0 removed"),
        "every document is new: {}",
        outcome.summary
    );
    let mut documents: Vec<String> = files(&shape.abs("incidents"))
        .into_keys()
        .filter(|p| has_extension(p, &["md", "ics"]))
        .collect();
    documents.sort();
    assert_eq!(
        outcome.committed, documents,
        "the root commit holds every document"
    );
    assert_eq!(
        shape.git(&["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
}

#[test]
fn shape_shallow_clone() {
    let shape = Shape::rendered(Layout::Beside, &[]).cloned(&["--depth", "1"], true);
    assert_eq!(
        shape.git(&["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );
    assert_like_plain(&shape, Expect::Supported);
    assert_eq!(
        shape.git(&["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );
}

#[test]
fn shape_alternates() {
    let shape = Shape::rendered(Layout::Beside, &[]).cloned(&["--shared"], false);
    assert!(shape.git_path("objects/info/alternates").exists());
    let src = shape.src();
    let shared = shape.git_in(&src, &["count-objects", "-v"]);
    assert_like_plain(&shape, Expect::Supported);
    assert_eq!(
        shape.git_in(&src, &["count-objects", "-v"]),
        shared,
        "objects were written into the shared repository"
    );
}

#[test]
fn shape_index_v4() {
    let shape = Shape::rendered(Layout::Beside, &[]);
    shape.git(&["update-index", "--index-version", "4"]);
    assert_eq!(index_version(&shape), 4);
    assert_like_plain(&shape, Expect::Supported);
    assert_eq!(index_version(&shape), 4, "the index keeps its version");
}

fn index_version(shape: &Shape) -> u32 {
    let index = fs::read(shape.git_path("index")).expect("read the index");
    u32::from_be_bytes(index[4..8].try_into().expect("a header"))
}

#[cfg(unix)]
#[test]
fn shape_fsmonitor() {
    use std::os::unix::fs::PermissionsExt as _;
    // git's built-in daemon is not available on every platform (not on
    // Linux with git 2.47): a hook that reports every path as changed.
    let shape = Shape::rendered(Layout::Beside, &[]);
    let hook = shape.home().join("fsmonitor-all");
    fs::write(&hook, "#!/bin/sh\nprintf 'rolecall-token\\0/\\0'\n").expect("write the hook");
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).expect("make it executable");
    shape.git(&["config", "core.fsmonitor", &hook.display().to_string()]);
    shape.git(&["config", "core.fsmonitorHookVersion", "2"]);
    shape.git(&["status", "--porcelain"]);
    let index = fs::read(shape.git_path("index")).expect("read the index");
    assert!(
        index.windows(4).any(|w| w == b"FSMN"),
        "the index has fsmonitor data"
    );
    assert_like_plain(&shape, Expect::Supported);
}

/// Stops the gpg agent that a throwaway `GNUPGHOME` started.
struct GpgAgent {
    home: PathBuf,
}

impl Drop for GpgAgent {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", &self.home)
            .output();
    }
}

#[test]
fn shape_commit_gpgsign() {
    let mut shape = Shape::rendered(Layout::Beside, &[]);
    let gnupg = shape.home().join("gnupg");
    fs::create_dir(&gnupg).expect("GNUPGHOME");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&gnupg, fs::Permissions::from_mode(0o700)).expect("private");
    }
    shape.agent = Some(GpgAgent {
        home: gnupg.clone(),
    });
    shape.env.push(("GNUPGHOME", gnupg));
    let key = shape
        .command("gpg", shape.home())
        .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
        .args([
            "--quick-gen-key",
            "Test User <test@example.com>",
            "ed25519",
            "sign",
            "never",
        ])
        .output()
        .expect("gpg is needed for this test");
    assert!(
        key.status.success(),
        "{}",
        String::from_utf8_lossy(&key.stderr)
    );
    shape.git(&["config", "user.signingkey", "test@example.com"]);
    shape.git(&["config", "commit.gpgsign", "true"]);
    assert_like_plain(&shape, Expect::Supported);
    let verified = shape.git_run(&["verify-commit", "HEAD"]);
    assert_eq!(
        verified.code, 0,
        "rolecall's commit is signed: {}",
        verified.stderr
    );
}

#[test]
fn shape_sha256() {
    let shape = Shape::with_records(Layout::Beside, &["--object-format=sha256"], &[]);
    assert_eq!(
        shape.git(&["rev-parse", "--show-object-format"]).trim(),
        "sha256"
    );
    render_and_rerender(
        &shape,
        Expect::Refused("SHA-256 repositories are not supported yet"),
    );
}
