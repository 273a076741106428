//! In-process stages with criterion: parsing one record, loading and
//! checking the bundled examples, rendering their documents in memory, and
//! holding rendered documents as blobs (hashed and deflated).
//! Whole commands on large synthetic repositories are timed by
//! `bench/run.sh` (hyperfine); see BENCHMARKS.md.
//!
//! `cargo bench --bench stages`

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

use rolecall::blob::Blob;
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
    // 2,000 documents as a render holds them: the bundled ones, repeated.
    let plan = rolecall::render::plan(&workspace, &templates, &[]).expect("render");
    let documents: Vec<&[u8]> = plan
        .documents
        .iter()
        .map(|d| d.content.as_bytes())
        .cycle()
        .take(2000)
        .collect();
    c.bench_function("hold 2,000 rendered documents as blobs", |b| {
        b.iter(|| {
            for content in &documents {
                std::hint::black_box(Blob::new(content).expect("deflate"));
            }
        });
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
