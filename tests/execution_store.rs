//! Execution (domain §8) on fixed data: the demo plan with the first quarter's actuals
//! imported from `tests/fixtures/actuals_2026q1.csv`. Plan against actual exact to the fen,
//! the funnel attribution adding up to the gap exactly, the re-forecast spreading exactly, the
//! at-risk flag, and review meetings with their actions and undo.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use salesplan::domain::attribution::{self, Method, Unattributable};
use salesplan::domain::forecast;
use salesplan::domain::model::{Metric, NodeId, PlanSnapshot};
use salesplan::domain::org::OrgTree;
use salesplan::domain::period::{Period, parse_date};
use salesplan::domain::ratio::Ratio;
use salesplan::domain::reviews::{FollowUpFields, FollowUpStatus, MeetingKind, ReviewFields};
use salesplan::domain::targets::TargetTable;
use salesplan::domain::variance::{self, ActualSource, Bands, Dimension, RowKey, Status, Window};
use salesplan::exchange::fields::ImportKind;
use salesplan::exchange::pipeline::{self, SourceInput};
use salesplan::exchange::source::ReadOptions;
use salesplan::store::Store;
use salesplan::store::reviews::ReviewChange;

const WAN: i64 = 1_000_000;

fn import_actuals(store: &mut Store) {
    let cancel = AtomicBool::new(false);
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/actuals_2026q1.csv");
    let table = SourceInput::File(file)
        .read(&ReadOptions::default(), &|_| {}, &cancel)
        .unwrap();
    let kind = ImportKind::Actuals;
    let settings = pipeline::initial_settings(store, kind, &table);
    let prepared = pipeline::prepare(store, &table, &settings, kind, &|_| {}, &cancel).unwrap();
    assert!(prepared.problems.is_empty());
    pipeline::write(store, &table, &settings, &prepared, false, &|_| {}, &cancel).unwrap();
}

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    import_actuals(&mut store);
    (dir, store)
}

fn person(snap: &PlanSnapshot, name: &str) -> NodeId {
    snap.nodes.iter().find(|n| n.name == name).unwrap().id
}

/// 李娜's first quarter planned by hand: 100万, 1 deal and 10 leads a month.
fn plan_li_na_by_hand(store: &mut Store) -> NodeId {
    let li = person(&store.snapshot().unwrap(), "李娜");
    for m in 1..=3 {
        for (metric, v) in [
            (Metric::ContractAmount, 100 * WAN),
            (Metric::Deals, 1),
            (Metric::Leads, 10),
        ] {
            store
                .set_target(li, None, Period::Month(m), metric, Some(v))
                .unwrap();
        }
    }
    li
}

#[test]
fn plan_against_actual_is_exact_by_person_unit_line_and_customer() {
    let (_dir, mut store) = setup();
    let li = plan_li_na_by_hand(&mut store);
    let snap = store.snapshot().unwrap();
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let inputs = variance::Inputs::new(&snap, &tree, &table);
    let root = tree.root().unwrap().id;
    let bands = Bands::default();
    let q1 = Window::ToDate(3);

    let people = variance::table(&inputs, Metric::ContractAmount, Dimension::Person, root);
    assert_eq!(people.source, ActualSource::Actuals);
    let row = |t: &variance::VarianceTable, key: RowKey| {
        t.rows.iter().find(|r| r.key == key).unwrap().series
    };
    // 李娜: 100万 + 150万 signed against 300万 planned: −50万, 83.33%, behind.
    let f = row(&people, RowKey::Node(li)).figures(q1, &bands);
    assert_eq!(f.plan, Some(300 * WAN));
    assert_eq!(f.actual, 250 * WAN);
    assert_eq!(f.variance, Some(-50 * WAN));
    assert_eq!(f.attainment, Ratio::new(5, 6));
    assert_eq!(f.variance_rate, Ratio::new(-1, 6));
    assert_eq!(f.status, Status::Behind);
    // By month: nothing in January, 100万 in February, 150万 in March.
    let s = row(&people, RowKey::Node(li));
    assert_eq!(&s.actual[..4], &[0, 100 * WAN, 150 * WAN, 0]);
    // The April contract of 张伟 is outside the first quarter but in the year.
    let zhang = person(&snap, "张伟");
    let z = row(&people, RowKey::Node(zhang));
    assert_eq!(z.figures(q1, &bands).actual, 300 * WAN);
    assert_eq!(z.figures(Window::Year, &bands).actual, 380 * WAN);
    // Everyone: 300 + 250 + 90 + 0 + 60 = 700万 in the quarter, 780万 in the year.
    assert_eq!(people.total.figures(q1, &bands).actual, 700 * WAN);
    assert_eq!(people.total.figures(Window::Year, &bands).actual, 780 * WAN);
    // The people's plans add up to the total's.
    let sum: i64 = people
        .rows
        .iter()
        .map(|r| r.series.figures(Window::Year, &bands).plan.unwrap_or(0))
        .sum();
    assert_eq!(people.total.figures(Window::Year, &bands).plan, Some(sum));

    // Units: 华东大区 is 张伟 and 李娜.
    let units = variance::table(&inputs, Metric::ContractAmount, Dimension::Unit, root);
    let east = person(&snap, "华东大区");
    let e = row(&units, RowKey::Node(east)).figures(q1, &bands);
    assert_eq!(e.actual, 550 * WAN);
    let li_plan = row(&people, RowKey::Node(li))
        .figures(q1, &bands)
        .plan
        .unwrap();
    let zhang_plan = z.figures(q1, &bands).plan.unwrap();
    assert_eq!(e.plan, Some(li_plan + zhang_plan));

    // Product lines: each contract's product line.
    let lines = variance::table(&inputs, Metric::ContractAmount, Dimension::Line, root);
    let line = |name: &str| snap.lines.iter().find(|l| l.name == name).unwrap().id;
    let year = |key| row(&lines, key).figures(Window::Year, &bands).actual;
    assert_eq!(year(RowKey::Line(line("定制软件"))), 300 * WAN);
    assert_eq!(year(RowKey::Line(line("ERP 套件"))), 240 * WAN);
    assert_eq!(year(RowKey::Line(line("CRM 云"))), 240 * WAN);

    // Customers: 汇通证券 signed 100万 in February.
    let customers = variance::table(&inputs, Metric::ContractAmount, Dimension::Customer, root);
    let huitong = snap
        .customers
        .iter()
        .find(|c| c.name == "汇通证券")
        .unwrap()
        .id;
    assert_eq!(
        row(&customers, RowKey::Customer(huitong)).actual[1],
        100 * WAN
    );

    // Counts: 李娜's 24 leads against 30, deals 2 against 3.
    let leads = variance::table(&inputs, Metric::Leads, Dimension::Person, li);
    let f = leads.total.figures(q1, &bands);
    assert_eq!((f.plan, f.actual), (Some(30), 24));
    assert_eq!(f.attainment, Ratio::new(4, 5));
    // A person's scope holds only their own actuals.
    let mine = variance::table(&inputs, Metric::ContractAmount, Dimension::Person, li);
    assert_eq!(mine.total.figures(Window::Year, &bands).actual, 250 * WAN);
}

#[test]
fn the_attribution_splits_the_gap_exactly() {
    let (_dir, mut store) = setup();
    let li = plan_li_na_by_hand(&mut store);
    let snap = store.snapshot().unwrap();
    let stats = salesplan::domain::stats::for_plan(&snap);
    let a = attribution::plan_attribution(&snap, &stats, Window::ToDate(3));
    let mine = a.people.iter().find(|p| p.person == li).unwrap();
    let e = mine.result.as_ref().unwrap();
    // Plan: 30 leads × 10% × 100万 = 300万. Actual: 24 leads × 1/12 × 125万 = 250万.
    assert_eq!(e.gap, -50 * WAN);
    assert_eq!(e.method, Method::Lmdi);
    // L(250万, 300万) = −50万 ÷ ln(5/6); volume = L·ln(24/30), conversion = L·ln((1/12)/(1/10))
    // = −50万 exactly, deal size = L·ln(125/100) = −volume; to the fen by largest remainder.
    assert_eq!(e.volume, -61_195_054);
    assert_eq!(e.conversion, -50 * WAN);
    assert_eq!(e.deal_size, 61_195_054);
    assert_eq!(e.volume + e.conversion + e.deal_size, e.gap);
    // Every person's and the team's effects add up to their gaps.
    for p in &a.people {
        let e = p.result.as_ref().unwrap();
        assert_eq!(e.volume + e.conversion + e.deal_size, e.gap, "{}", p.name);
    }
    let t = a.total.as_ref().unwrap();
    assert_eq!(t.volume + t.conversion + t.deal_size, t.gap);
    // 刘洋 signed nothing: the sequential split, volume and conversion only.
    let liu = a.people.iter().find(|p| p.name == "刘洋").unwrap();
    let e = liu.result.as_ref().unwrap();
    assert_eq!(e.method, Method::Sequential);
    assert_eq!(e.deal_size, 0);
    assert_eq!(e.actual.revenue, 0);
}

#[test]
fn without_lead_actuals_the_attribution_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let snap = store.snapshot().unwrap();
    let stats = salesplan::domain::stats::for_plan(&snap);
    let a = attribution::plan_attribution(&snap, &stats, Window::ToDate(3));
    assert_eq!(a.total, Err(Unattributable::NoLeadActuals));
}

#[test]
fn the_re_forecast_spreads_what_is_left_exactly_and_flags_the_risk() {
    let (_dir, store) = setup();
    let snap = store.snapshot().unwrap();
    let stats = salesplan::domain::stats::for_plan(&snap);
    let li = person(&snap, "李娜");
    let f = forecast::forecast(&snap, &stats, 3, forecast::default_at_risk());
    let p = f.people.iter().find(|p| p.person == li).unwrap();
    // 1,000万 target − 250万 signed = 750万 over April–December.
    assert_eq!(p.target.fen(), 1_000 * WAN);
    assert_eq!(p.actual.fen(), 250 * WAN);
    assert_eq!(p.remaining.fen(), 750 * WAN);
    assert!(p.spread[..3].iter().all(|m| m.is_zero()));
    let spread: i64 = p.spread.iter().map(|m| m.fen()).sum();
    assert_eq!(spread, 750 * WAN);
    // Each month is its seasonality share of 750万, rounded down, with the fen left over going
    // to the largest remainders (checked here independently of the split code).
    let (weights, _) = salesplan::domain::plan_funnels::month_weights(&snap);
    let w: Vec<Ratio> = weights[3..].to_vec();
    let total_w = w
        .iter()
        .fold(Ratio::ZERO, |a, b| a.checked_add(*b).unwrap());
    let exact: Vec<Ratio> = w
        .iter()
        .map(|x| {
            x.checked_div(total_w)
                .unwrap()
                .checked_mul(Ratio::from_integer(750 * i128::from(WAN)))
                .unwrap()
        })
        .collect();
    let floors: Vec<i128> = exact.iter().map(|r| r.floor()).collect();
    let left = 750 * i128::from(WAN) - floors.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..9).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a]
            .checked_sub(Ratio::from_integer(floors[a]))
            .unwrap();
        let fb = exact[b]
            .checked_sub(Ratio::from_integer(floors[b]))
            .unwrap();
        fb.cmp(&fa).then(a.cmp(&b))
    });
    let mut expected = floors.clone();
    for &i in order.iter().take(left as usize) {
        expected[i] += 1;
    }
    let got: Vec<i128> = p.spread[3..].iter().map(|m| i128::from(m.fen())).collect();
    assert_eq!(got, expected);
    // Projected: 250万 signed, no open pipeline, and the run rate: 24 leads in 3 months = 8 a
    // month, over the months whose new leads can still close this year, at 10% and 100万.
    assert_eq!(p.pipeline.fen(), 0);
    assert_eq!(p.run_rate.leads_per_month, Ratio::from_integer(8));
    let run = 8 * i64::from(p.run_rate.months) * 10 * WAN;
    assert_eq!(p.run_rate.value.fen(), run);
    assert_eq!(p.projected.fen(), 250 * WAN + run);
    assert!(p.at_risk, "{} is below 90% of 1,000万", p.projected);
    // 张伟 counts his open pipeline (770万 expected) and is not at risk.
    let z = f.people.iter().find(|p| p.name == "张伟").unwrap();
    assert_eq!(z.pipeline.fen(), 770 * WAN);
    assert!(!z.at_risk);
    // The team adds up.
    let sum: i64 = f.people.iter().map(|p| p.projected.fen()).sum();
    assert_eq!(f.projected.fen(), sum);
    assert_eq!(
        f.spread.iter().map(|m| m.fen()).sum::<i64>(),
        f.remaining.fen()
    );
    assert!(f.at_risk);
    // With the threshold at 30% nobody is at risk but 刘洋 and 陈静 (no pipeline, few leads).
    let low = forecast::forecast(&snap, &stats, 3, Ratio::percent(30));
    let risky: Vec<&str> = low
        .people
        .iter()
        .filter(|p| p.at_risk)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(risky, ["刘洋", "陈静"]);
}

#[test]
fn a_review_records_variances_and_actions_with_undo() {
    let (_dir, mut store) = setup();
    let snap = store.snapshot().unwrap();
    let li = person(&snap, "李娜");
    let day = |s: &str| parse_date(s).unwrap();
    store
        .apply_review_change(&ReviewChange::AddReview(ReviewFields {
            kind: MeetingKind::Quarterly,
            held_on: day("2026-03-31"),
            title: "一季度经营分析会".into(),
            attendees: "王总, 张伟, 李娜".into(),
            causes: "线索不足".into(),
            decisions: "加大线索获取".into(),
        }))
        .unwrap();
    let review = store.snapshot().unwrap().reviews.reviews[0].id;
    store
        .apply_review_change(&ReviewChange::AddVariance {
            review,
            node: Some(li),
            metric: Metric::ContractAmount,
            window: Window::ToDate(3),
            plan: Some(300 * WAN),
            actual: 250 * WAN,
            note: "两个项目推迟".into(),
        })
        .unwrap();
    let action = |desc: &str, due: &str| FollowUpFields {
        description: desc.into(),
        owner: Some(li),
        due: Some(day(due)),
        status: FollowUpStatus::Open,
    };
    for (d, due) in [
        ("参加两场行业展会", "2026-05-31"),
        ("补足 20 条线索", "2026-04-30"),
    ] {
        store
            .apply_review_change(&ReviewChange::AddFollowUp {
                review,
                fields: action(d, due),
            })
            .unwrap();
    }
    let snap = store.snapshot().unwrap();
    let r = &snap.reviews;
    assert_eq!(r.variances.len(), 1);
    assert_eq!(r.variances[0].window, Window::ToDate(3));
    // Open actions across meetings, by due date.
    let open: Vec<&str> = r
        .open_follow_ups()
        .iter()
        .map(|f| f.fields.description.as_str())
        .collect();
    assert_eq!(open, ["补足 20 条线索", "参加两场行业展会"]);
    assert!(r.open_follow_ups()[0].overdue(day("2026-05-01")));
    // Done: it leaves the open list, with the day it closed.
    let first = r.open_follow_ups()[0].id;
    let mut done = action("补足 20 条线索", "2026-04-30");
    done.status = FollowUpStatus::Done;
    store
        .apply_review_change(&ReviewChange::UpdateFollowUp {
            id: first,
            fields: done,
            day: day("2026-04-28"),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.reviews.open_follow_ups().len(), 1);
    let f = snap
        .reviews
        .follow_ups
        .iter()
        .find(|f| f.id == first)
        .unwrap();
    assert_eq!(f.closed_on, Some(day("2026-04-28")));
    // Undo reopens it.
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap().reviews.open_follow_ups().len(), 2);
    // Deleting the meeting removes its variances and actions, in one step.
    store
        .apply_review_change(&ReviewChange::DeleteReview(review))
        .unwrap();
    let snap = store.snapshot().unwrap();
    assert!(snap.reviews.reviews.is_empty() && snap.reviews.follow_ups.is_empty());
    assert!(snap.reviews.variances.is_empty());
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap().reviews.follow_ups.len(), 2);
    // An action needs a description; nothing is written.
    let before = store.snapshot().unwrap().reviews;
    assert!(
        store
            .apply_review_change(&ReviewChange::AddFollowUp {
                review,
                fields: action("  ", "2026-04-30"),
            })
            .is_err()
    );
    assert!(
        store
            .apply_review_change(&ReviewChange::SetBands(Bands {
                on_track: Ratio::percent(90),
                watch: Ratio::percent(95),
            }))
            .is_err()
    );
    assert_eq!(store.snapshot().unwrap().reviews, before);
    // Bands and the at-risk threshold are kept in the plan.
    store
        .apply_review_change(&ReviewChange::SetBands(Bands {
            on_track: Ratio::percent(100),
            watch: Ratio::percent(90),
        }))
        .unwrap();
    store
        .apply_review_change(&ReviewChange::SetAtRisk(Ratio::percent(85)))
        .unwrap();
    let r = store.snapshot().unwrap().reviews;
    assert_eq!(r.bands.watch, Ratio::percent(90));
    assert_eq!(r.at_risk, Ratio::percent(85));
}
