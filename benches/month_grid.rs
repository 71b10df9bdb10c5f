//! "Smooth with 2,000 rows": one frame of the Monthly plan view (the month grid and the
//! actions under it) for a plan of 2,000 people in 100 regions, every month of every person
//! set; and the computation of all 2,000 people's funnels and phasing that the Funnel view
//! caches per change. A frame should stay well under 16 ms (60 frames a second).
//!
//! Run with `cargo bench --bench month_grid`.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use salesplan::domain::model::{Metric, UnitKind};
use salesplan::domain::period::Period;
use salesplan::i18n::Lang;
use salesplan::store::Store;
use salesplan::ui::SalesPlanApp;
use salesplan::ui::prefs::Prefs;

const REGIONS: usize = 100;
const PER_REGION: usize = 20;

fn big_plan(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("big.salesplan");
    Store::create_with(&path, &salesplan::demo::demo_plan(), |b| {
        let root = b.root()?;
        for r in 0..REGIONS {
            let region = b.add_node(root, UnitKind::Region, &format!("大区 {r:03}"))?;
            for p in 0..PER_REGION {
                let person =
                    b.add_node(region, UnitKind::Person, &format!("经理 {r:03}-{p:02}"))?;
                for m in 1..=12u8 {
                    let value = 8_000_000 + i64::from(m) * 10_000 + (r * PER_REGION + p) as i64;
                    b.set_target(
                        person,
                        None,
                        Period::Month(m),
                        Metric::ContractAmount,
                        value,
                    )?;
                }
            }
        }
        Ok(())
    })
    .expect("the benchmark plan is written");
    path
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = big_plan(dir.path());

    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(salesplan::ui::fonts::install)
        .build_eframe(|cc| {
            let prefs = Prefs {
                lang: Lang::Zh,
                ..Prefs::default()
            };
            SalesPlanApp::with_prefs(&cc.egui_ctx, prefs, Some(path.clone()))
        });
    h.run();
    h.get_all_by_label("月度计划")
        .next()
        .expect("the navigation entry")
        .click();
    h.run();
    c.bench_function("monthly view frame, 2,000 people", |b| b.iter(|| h.step()));

    let store = Store::open(&path).expect("the plan opens");
    let snap = store.snapshot().expect("a snapshot");
    let stats = salesplan::domain::stats::for_plan(&snap);
    c.bench_function("funnels and phasing of 2,000 people", |b| {
        b.iter(|| {
            salesplan::domain::plan_funnels::person_plans(
                &snap,
                &stats,
                salesplan::domain::plan_funnels::Basis::Stretch,
                1,
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
