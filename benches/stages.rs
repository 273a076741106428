//! In-process stages with criterion: parsing one record, loading and
//! checking the bundled examples, and rendering their documents in memory.
//! Whole commands on large synthetic repositories are timed by
//! `bench/run.sh` (hyperfine); see BENCHMARKS.md.
//!
//! `cargo bench --bench stages`

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

use rolecall::model::Instant;
use rolecall::render::templates::Templates;

fn stages(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let record = std::fs::read(root.join("incidents/INC-2026-001.yaml")).expect("bundled record");
    let now = Instant(jiff::Timestamp::from_second(1_795_000_000).expect("a moment"));

    c.bench_function("parse one record", |b| {
        b.iter(|| rolecall::yaml::parse(std::hint::black_box(&record)));
    });
    c.bench_function("load and check the bundled examples", |b| {
        b.iter(|| {
            let workspace = rolecall::load::load(root, None).expect("load");
            rolecall::check::run(&workspace, now)
        });
    });
    let workspace = rolecall::load::load(root, None).expect("load");
    let templates = Templates::load(
        &workspace.root,
        &workspace.config.templates,
        workspace.roster.as_ref(),
    )
    .expect("templates");
    c.bench_function("render the bundled examples in memory", |b| {
        b.iter(|| rolecall::render::plan(&workspace, &templates, &[]).expect("render"));
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
