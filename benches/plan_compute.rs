//! Computing the plan of the whole organisation (docs/performance.md), on the large demo plan
//! (2,000 people): every person's funnel and time phasing (target: under 50 ms), and the
//! confidence simulation, 10,000 runs for each of the 2,000 people (target: under 1 s on
//! 2 cores).
//!
//! Run with `cargo bench --bench plan_compute`.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use salesplan::domain::confidence;
use salesplan::domain::plan_funnels::{self, Basis};
use salesplan::store::Store;

fn bench(c: &mut Criterion) {
    let path = common::large_plan();
    let store = Store::open_read_only(&path).expect("the large plan opens");
    let snap = store.snapshot().expect("a snapshot");
    let stats = salesplan::domain::stats::for_plan(&snap);
    let plans = plan_funnels::person_plans(&snap, &stats, Basis::Stretch, 1);
    assert_eq!(plans.len(), 2_000, "every person has a plan");

    c.bench_function("funnels and phasing, 2,000 people", |b| {
        b.iter(|| plan_funnels::person_plans(&snap, &stats, Basis::Stretch, 1))
    });

    let sims = plan_funnels::all_sim_inputs(
        &snap,
        &plans,
        confidence::DEFAULT_RUNS,
        confidence::DEFAULT_SEED,
    );
    assert_eq!(sims.len(), 2_000);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    c.bench_function("confidence, 10,000 runs × 2,000 people", |b| {
        b.iter(|| confidence::simulate_all(&sims, &cancel, &|_| {}))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
