//! The large demo plan (`salesplan demo --scale large`), written at a small shape so the test
//! stays quick: the same generator, every part present and consistent, the same file every time.

use std::collections::{BTreeMap, HashSet};

use salesplan::demo::large::{
    ACTUAL_MONTHS, ACTUALS_PER_PERSON, CUSTOMERS_PER_PERSON, OPPORTUNITIES_PER_PERSON, Shape,
    create_large,
};
use salesplan::domain::model::{DealStatus, Metric, PlanSnapshot};
use salesplan::domain::money::Money;
use salesplan::domain::period::Period;
use salesplan::store::Store;

const SHAPE: Shape = Shape {
    regions: 2,
    branches: 2,
    per_branch: 3,
};

fn write(dir: &std::path::Path, name: &str) -> PlanSnapshot {
    let path = dir.join(name);
    let seen = std::cell::Cell::new(0.0f32);
    let store = create_large(&path, SHAPE, &|p| {
        assert!(p >= seen.get(), "progress goes forward");
        seen.set(p);
    })
    .expect("the large demo is written");
    assert_eq!(seen.get(), 1.0, "progress reaches the end");
    assert!(Store::check(&path).is_ok());
    store.snapshot().expect("a snapshot")
}

fn target(s: &PlanSnapshot, node: i64, period: Period) -> Option<i64> {
    s.targets
        .iter()
        .find(|t| {
            t.node.0 == node
                && t.line.is_none()
                && t.period == period
                && t.metric == Metric::ContractAmount
        })
        .map(|t| t.value)
}

#[test]
fn every_part_is_there_and_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "large.salesplan");
    let people: Vec<_> = s.people().collect();
    assert_eq!(people.len(), 12);
    let names: HashSet<_> = people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names.len(),
        12,
        "people's names are unique, so imports can name them"
    );
    // Four levels: company, region, branch, person.
    let depth = |mut id| {
        let mut d = 1;
        while let Some(parent) = s.nodes.iter().find(|n| n.id == id).and_then(|n| n.parent) {
            id = parent;
            d += 1;
        }
        d
    };
    assert!(people.iter().all(|p| depth(p.id) == 4));
    assert_eq!(s.customers.len(), 12 * CUSTOMERS_PER_PERSON);
    assert_eq!(s.opportunities.len(), 12 * OPPORTUNITIES_PER_PERSON);
    let per_person: usize = ACTUALS_PER_PERSON.iter().map(|(_, n)| n).sum();
    assert_eq!(per_person, 500);
    let rows: u64 = s.actuals.iter().map(|a| a.rows).sum();
    assert_eq!(rows, 12 * 500);
    assert!(s.actuals.iter().all(|a| a.year == 2026));
    assert_eq!(s.history.len(), 3, "three years of history");

    // Stage history: every opportunity starts at stage 1, moves forward in time, and ends at
    // its stage.
    let mut moves: BTreeMap<i64, Vec<(u8, jiff::civil::Date)>> = BTreeMap::new();
    for e in &s.stage_events {
        moves
            .entry(e.opportunity.0)
            .or_default()
            .push((e.stage, e.date));
    }
    for o in &s.opportunities {
        let m = &moves[&o.id.0];
        assert_eq!(m[0].0, 1);
        assert_eq!(m.last().unwrap().0, o.stage);
        assert!(m.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
        if o.status == DealStatus::Won {
            assert!(m.iter().any(|(stage, _)| *stage == 6));
        }
    }
    assert!(s.opportunities.iter().any(|o| o.status == DealStatus::Open));
    assert!(s.opportunities.iter().any(|o| o.status == DealStatus::Lost));

    // Targets: each person's months add up to the year; the company is the sum of its people.
    let mut company = 0;
    for p in &people {
        let year = target(&s, p.id.0, Period::Year).unwrap();
        let months: i64 = (1..=12)
            .map(|m| target(&s, p.id.0, Period::Month(m)).unwrap())
            .sum();
        assert_eq!(months, year);
        company += year;
    }
    let root = s.nodes.iter().find(|n| n.parent.is_none()).unwrap();
    assert_eq!(target(&s, root.id.0, Period::Year), Some(company));
    let lines: i64 = s
        .targets
        .iter()
        .filter(|t| t.node == root.id && t.line.is_some() && t.period == Period::Year)
        .map(|t| t.value)
        .sum();
    assert_eq!(lines, company);

    // Every view has something: the matrix, actions, goals, contacts, expenses, contracts.
    assert!(!s.matrix.is_empty());
    assert_eq!(s.actions.len(), 12 * 24);
    assert_eq!(s.goals.len(), 12 * 3);
    assert_eq!(s.contacts.len(), 12 * CUSTOMERS_PER_PERSON);
    assert_eq!(s.receivables.contracts.len(), 12 * 3);
    assert!(!s.signed.is_empty());
    assert!(
        s.actual_cells
            .iter()
            .all(|c| (1..=ACTUAL_MONTHS).contains(&c.month))
    );
    assert!(s.expenses.actuals.len() == 12 * usize::from(ACTUAL_MONTHS));
    assert_eq!(
        s.derivations[0].1.override_target.as_ref().unwrap().target,
        Money::from_fen(company)
    );
}

#[test]
fn the_same_file_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.salesplan");
    let b = write(dir.path(), "b.salesplan");
    assert_eq!(a.targets, b.targets);
    assert_eq!(a.opportunities, b.opportunities);
    assert_eq!(a.actual_cells, b.actual_cells);
    assert_eq!(
        a.people().map(|p| &p.name).collect::<Vec<_>>(),
        b.people().map(|p| &p.name).collect::<Vec<_>>()
    );
}

#[test]
fn customers_and_opportunities_are_found_by_id_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = write(dir.path(), "find.salesplan");
    let (c, o) = (s.customers[37].clone(), s.opportunities[401].clone());
    assert_eq!(s.customer(c.id), Some(&c));
    assert_eq!(s.opportunity(o.id), Some(&o));
    // Not sorted by id: still found.
    s.customers.reverse();
    s.opportunities.swap(0, 900);
    assert_eq!(s.customer(c.id), Some(&c));
    assert_eq!(s.opportunity(o.id), Some(&o));
    assert_eq!(
        s.customer(salesplan::domain::model::CustomerId(999_999)),
        None
    );
}

#[test]
fn an_opportunitys_stage_moves_are_found_by_binary_search() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "moves.salesplan");
    let mut checked = 0;
    for o in &s.opportunities {
        let linear: Vec<_> = s
            .stage_events
            .iter()
            .filter(|e| e.opportunity == o.id)
            .cloned()
            .collect();
        assert_eq!(s.stage_events_of(o.id), &linear[..], "{:?}", o.id);
        checked += usize::from(!linear.is_empty());
    }
    assert!(checked > 100, "opportunities with moves: {checked}");
    assert!(
        s.stage_events_of(salesplan::domain::model::OpportunityId(-5))
            .is_empty()
    );
    assert!(
        s.stage_events_of(salesplan::domain::model::OpportunityId(i64::MAX))
            .is_empty()
    );
}

#[test]
fn every_persons_simulation_draws_from_their_own_won_deals_else_the_companys() {
    use salesplan::domain::confidence::{DEFAULT_RUNS, DEFAULT_SEED};
    use salesplan::domain::person_funnel::MIN_WON_FOR_DEAL_SIZE;
    use salesplan::domain::plan_funnels::{self, Basis};
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "sims.salesplan");
    let stats = salesplan::domain::stats::for_plan(&s);
    let plans = plan_funnels::person_plans(&s, &stats, Basis::Stretch, 1);
    assert_eq!(plans.len(), 12);
    let won_stage = salesplan::domain::person_funnel::won_stage(&s);
    let won = |person: Option<salesplan::domain::model::NodeId>| -> Vec<Money> {
        s.opportunities
            .iter()
            .filter(|o| person.is_none_or(|p| o.person == Some(p)))
            .filter(|o| salesplan::domain::battle::signed(o, won_stage))
            .filter_map(|o| o.value)
            .collect()
    };
    let all = plan_funnels::all_sim_inputs(&s, &plans, DEFAULT_RUNS, DEFAULT_SEED);
    assert_eq!(all.len(), plans.iter().filter(|p| p.funnel.is_ok()).count());
    for (person, inputs) in &all {
        let own = won(Some(*person));
        let expected = if own.len() as u64 >= MIN_WON_FOR_DEAL_SIZE {
            own
        } else {
            won(None)
        };
        assert_eq!(inputs.history, expected, "{person:?}");
        let plan = plans.iter().find(|p| p.person == *person).unwrap();
        let one = plan_funnels::sim_inputs(&s, plan, DEFAULT_RUNS, DEFAULT_SEED).unwrap();
        assert_eq!(
            (one.history, one.leads),
            (inputs.history.clone(), inputs.leads)
        );
    }
    assert!(
        all.iter().any(|(_, i)| !i.history.is_empty()),
        "some spread"
    );
}
