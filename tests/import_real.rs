//! The real data sets import completely, with exact figures: the CRM pipeline (people with
//! manager and region, products with their series as product line, accounts as customers,
//! all 8,800 opportunities) and four years of Superstore orders as history.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use salesplan::domain::model::{DealStatus, UnitKind};
use salesplan::domain::money::Money;
use salesplan::domain::org::OrgTree;
use salesplan::domain::ratio::Ratio;
use salesplan::domain::stats::pipeline_stats;
use salesplan::exchange::fields::ImportKind;
use salesplan::exchange::pipeline::{self, SourceInput};
use salesplan::exchange::source::ReadOptions;
use salesplan::store::import::ImportOutcome;
use salesplan::store::{NewPlan, Store};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn empty_plan(dir: &Path) -> Store {
    Store::create(
        &dir.join("plan.salesplan"),
        &NewPlan {
            name: "CRM".into(),
            organisation: "".into(),
            fiscal_year: 2017,
            fiscal_start_month: 1,
            company: "Company".into(),
            version_name: "Draft".into(),
            channels: ["Direct".into(), "Distribution".into(), "E-commerce".into()],
        },
    )
    .unwrap()
}

fn import(store: &mut Store, kind: ImportKind, file: &str) -> ImportOutcome {
    let cancel = AtomicBool::new(false);
    let table = SourceInput::File(fixture(file))
        .read(&ReadOptions::default(), &|_| {}, &cancel)
        .unwrap();
    let settings = pipeline::initial_settings(store, kind, &table);
    let prepared = pipeline::prepare(store, &table, &settings, kind, &|_| {}, &cancel).unwrap();
    assert!(
        prepared.problems.is_empty(),
        "{file}: {:?}",
        &prepared.problems[..prepared.problems.len().min(5)]
    );
    pipeline::write(store, &table, &settings, &prepared, false, &|_| {}, &cancel).unwrap()
}

fn crm_plan(dir: &Path) -> Store {
    let mut store = empty_plan(dir);
    let people = import(&mut store, ImportKind::People, "crm/sales_teams.csv");
    assert_eq!(
        (
            people.inserted,
            people.created.get("region"),
            people.created.get("team")
        ),
        (35, Some(&3), Some(&6))
    );
    let products = import(&mut store, ImportKind::Products, "crm/products.csv");
    assert_eq!(
        (products.inserted, products.created.get("product_line")),
        (7, Some(&3))
    );
    let customers = import(&mut store, ImportKind::Customers, "crm/accounts.csv");
    assert_eq!(customers.inserted, 85);
    let opps = import(
        &mut store,
        ImportKind::Opportunities,
        "crm/sales_pipeline.csv",
    );
    assert_eq!(opps.inserted, 8_800);
    // Every opportunity's person, product and account were already there.
    assert!(opps.created.is_empty(), "{:?}", opps.created);
    store
}

#[test]
fn the_crm_data_set_imports_completely_with_exact_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let store = crm_plan(dir.path());
    let snap = store.snapshot().unwrap();
    let tree = OrgTree::new(&snap.nodes);

    // Region → manager's team → account manager.
    let anna = snap
        .nodes
        .iter()
        .find(|n| n.name == "Anna Snelling")
        .unwrap();
    assert_eq!(anna.kind, UnitKind::Person);
    let team = tree.get(anna.parent.unwrap()).unwrap();
    assert_eq!(
        (team.name.as_str(), team.kind),
        ("Dustin Brinkmann", UnitKind::Team)
    );
    let region = tree.get(team.parent.unwrap()).unwrap();
    assert_eq!(
        (region.name.as_str(), region.kind),
        ("Central", UnitKind::Region)
    );
    assert_eq!(snap.people().count(), 35);

    // Products by series; "GTXPro" in the pipeline is the product "GTX Pro".
    let line_of = |product: &str| {
        let p = snap.products.iter().find(|p| p.name == product).unwrap();
        snap.line(p.line).unwrap().name.clone()
    };
    assert_eq!(line_of("GTX Pro"), "GTX");
    assert_eq!(line_of("MG Advanced"), "MG");
    assert_eq!(
        snap.products
            .iter()
            .find(|p| p.name == "GTX Pro")
            .unwrap()
            .list_price,
        Money::parse("4821").unwrap()
    );
    let gtx_pro = snap
        .products
        .iter()
        .find(|p| p.name == "GTX Pro")
        .unwrap()
        .id;
    assert_eq!(
        snap.opportunities
            .iter()
            .filter(|o| o.product == Some(gtx_pro))
            .count(),
        1_480
    );
    assert_eq!(snap.customers.len(), 85);
    assert_eq!(
        snap.opportunities
            .iter()
            .filter(|o| o.customer.is_none())
            .count(),
        1_425
    );

    let stats = pipeline_stats(&snap.opportunities, &snap.stage_events, 6);
    let c = &stats.company;
    assert_eq!((c.won, c.lost, c.open), (4_238, 2_473, 2_089));
    assert_eq!(c.win_rate, Ratio::new(4_238, 4_238 + 2_473));
    assert_eq!(c.won_value, Money::parse("10,005,534").unwrap());
    // 10,005,534 / 4,238 = 2,360.909…
    assert_eq!(c.average_won_money(), Some(Money::from_fen(236_091)));
    assert_eq!(c.cycles, 4_238);
    assert_eq!(c.cycle_days_median, Some(Ratio::from_integer(57)));
    assert_eq!(c.cycle_days_mean, Ratio::new(109_726, 2_119));

    let person = |name: &str| {
        let id = snap.nodes.iter().find(|n| n.name == name).unwrap().id;
        let s = &stats.by_person[&Some(id)];
        (s.won, s.lost, s.open)
    };
    assert_eq!(person("Anna Snelling"), (208, 128, 112));
    assert_eq!(person("Boris Faz"), (101, 52, 57));
    assert_eq!(person("Cassey Cress"), (163, 98, 85));
    // Five people of the team list have no deals at all.
    assert_eq!(stats.by_person.len(), 30);
    assert_eq!(
        snap.opportunities
            .iter()
            .filter(|o| o.status == DealStatus::Open && o.stage == 1)
            .count(),
        500
    );
}

#[test]
fn importing_the_same_files_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = crm_plan(dir.path());
    let before = store.snapshot().unwrap();
    for (kind, file) in [
        (ImportKind::People, "crm/sales_teams.csv"),
        (ImportKind::Products, "crm/products.csv"),
        (ImportKind::Customers, "crm/accounts.csv"),
        (ImportKind::Opportunities, "crm/sales_pipeline.csv"),
    ] {
        let again = import(&mut store, kind, file);
        assert_eq!((again.inserted, again.updated), (0, 0), "{file}");
        assert!(again.created.is_empty(), "{file}");
    }
    assert_eq!(store.snapshot().unwrap(), before);
    // An import is one undo step.
    let label = store.undo_label().unwrap().unwrap();
    assert_eq!(label.key, "change.import");
}

#[test]
fn an_import_is_undone_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = empty_plan(dir.path());
    let before = store.snapshot().unwrap();
    import(&mut store, ImportKind::People, "crm/sales_teams.csv");
    assert_eq!(store.snapshot().unwrap().people().count(), 35);
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap(), before);
}

#[test]
fn four_years_of_superstore_orders_import_as_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = empty_plan(dir.path());
    let outcome = import(&mut store, ImportKind::History, "superstore/orders.csv");
    assert_eq!(outcome.inserted, 9_994);
    assert_eq!(outcome.created.get("customer"), Some(&793));
    assert_eq!(outcome.created.get("product_line"), Some(&3));
    let snap = store.snapshot().unwrap();
    // Sales with more than two decimals are rounded to the fen, half away from zero.
    let totals: Vec<(i32, i64, u64)> = snap
        .history
        .iter()
        .map(|h| (h.year, h.total.fen(), h.contracts))
        .collect();
    assert_eq!(
        totals,
        vec![
            (2014, 48_424_756, 1_993),
            (2015, 47_053_246, 2_102),
            (2016, 60_920_586, 2_587),
            (2017, 73_321_519, 3_312)
        ]
    );
    let furniture = snap
        .lines
        .iter()
        .find(|l| l.name == "Furniture")
        .unwrap()
        .id;
    let y2014 = &snap.history[0];
    assert_eq!(
        y2014
            .by_line
            .iter()
            .find(|(l, _)| *l == furniture)
            .unwrap()
            .1,
        Money::from_fen(15_719_289)
    );
    let growth = salesplan::domain::history::year_over_year(&snap.history);
    assert_eq!(growth[3].2, Ratio::new(73_321_519 - 60_920_586, 60_920_586));
    // (73,321,519 / 48,424,756)^(1/3) − 1 = 0.1482981…
    assert_eq!(
        salesplan::domain::history::cagr(&snap.history),
        Ratio::new(148_298, 1_000_000)
    );
    let weights =
        salesplan::domain::history::seasonality(&snap.history, &snap.plan.fiscal_year).unwrap();
    assert_eq!(weights.iter().sum::<i64>(), 4 * 100_000_000);
    // Each year's 12 months split 100,000,000 by largest remainder, summed over the 4 years
    // (checked independently from the CSV with Python's exact fractions).
    assert_eq!(
        weights,
        [
            15_843_237, 10_014_075, 36_249_239, 24_452_266, 26_678_266, 26_262_581, 25_741_681,
            27_321_596, 54_649_633, 33_574_939, 61_573_287, 57_639_200
        ]
    );
    // The history step of the target derivation from these four years.
    use salesplan::domain::derivation::{HistoryInputs, HistoryMethod, history_step};
    let years: Vec<(i32, Money)> = snap.history.iter().map(|h| (h.year, h.total)).collect();
    let cagr = history_step(&HistoryInputs {
        years: years.clone(),
        method: HistoryMethod::Cagr,
    })
    .unwrap();
    assert_eq!(cagr.cagr, Ratio::new(148_298, 1_000_000));
    // 73,321,519 × 1.148298 = 84,194,953.624662 fen → 84,194,954 fen.
    assert_eq!(cagr.target, Money::from_fen(84_194_954));
    let trend = history_step(&HistoryInputs {
        years,
        method: HistoryMethod::Trend,
    })
    .unwrap();
    // Least squares: 8,855,762.9 fen a year, 79,569,434 fen at 2018.
    assert_eq!(trend.trend_slope, Ratio::new(88_557_629, 10));
    assert_eq!(trend.trend_next, Some(Money::from_fen(79_569_434)));
    assert_eq!(trend.target, Money::from_fen(79_569_434));

    // Again: nothing changes (rows are keyed by their Row ID).
    let again = import(&mut store, ImportKind::History, "superstore/orders.csv");
    assert_eq!(
        (again.inserted, again.updated, again.unchanged),
        (0, 0, 9_994)
    );
}

#[test]
fn each_person_in_the_crm_data_gets_a_funnel_from_their_own_rates() {
    use salesplan::domain::person_funnel::{Source, person_funnel, plan_inputs, team_totals};
    let dir = tempfile::tempdir().unwrap();
    let store = crm_plan(dir.path());
    let snap = store.snapshot().unwrap();
    let stats = salesplan::domain::stats::for_plan(&snap);
    let target = Money::parse("1,000,000").unwrap();
    let funnel = |name: &str| {
        let id = snap.nodes.iter().find(|n| n.name == name).unwrap().id;
        let inputs = plan_inputs(&snap, &stats, id, target, Money::ZERO).unwrap();
        (inputs.clone(), person_funnel(&inputs).unwrap())
    };
    // Checked independently from the CSV: won, engaging and lost deals per agent; lost deals
    // carry no stage, so stage 1 → 2 converts (won + engaging) / (won + engaging + lost) and
    // the later steps convert every deal that reached them.
    let (inputs, anna) = funnel("Anna Snelling");
    assert_eq!(inputs.deal_size, Money::parse("1,322.38").unwrap());
    assert_eq!(inputs.deal_size_source, Source::Own);
    assert_eq!(inputs.model.steps[0].rate, Ratio::new(265, 393).unwrap());
    assert!(inputs.model.steps.iter().all(|s| s.source == Source::Own));
    // 1,000,000 / 1,322.38 → 757 deals; 757 / (265/393) → 1,123 leads.
    assert_eq!(anna.deals, 757);
    assert_eq!(anna.leads, 1_123);
    let counts: Vec<i64> = anna.stages.iter().map(|s| s.count).collect();
    assert_eq!(counts, vec![1_123, 757, 757, 757, 757, 757]);
    assert_eq!(anna.bids, Some(757));
    // Two visits per opportunity at each stage: (1,123 + 5 × 757) × 2.
    assert_eq!(anna.visits, 9_816);
    // 10 visits a week over 260 working days of 2017.
    assert_eq!(anna.capacity, 520);
    assert!(anna.overloaded);

    let (_, boris) = funnel("Boris Faz");
    assert_eq!(
        (boris.deal_size, boris.deals, boris.leads),
        (Money::parse("2,590.41").unwrap(), 387, 515)
    );
    let (_, cassey) = funnel("Cassey Cress");
    assert_eq!(
        (cassey.deal_size, cassey.deals, cassey.leads),
        (Money::parse("2,763.74").unwrap(), 362, 506)
    );

    // Someone without deals of their own gets the company's rates and deal size.
    let (inputs, carl) = funnel("Carl Lin");
    assert_eq!(inputs.deal_size_source, Source::Company);
    assert_eq!(inputs.deal_size, Money::from_fen(236_091));
    assert_eq!(
        inputs.model.steps[0].rate,
        Ratio::new(5_827, 8_300).unwrap()
    );
    assert_eq!((carl.deals, carl.leads), (424, 604));

    // The team's figures are the sums of the people's whole numbers.
    let t = team_totals([&anna, &boris, &cassey, &carl]);
    assert_eq!(
        (t.deals, t.leads),
        (757 + 387 + 362 + 424, 1_123 + 515 + 506 + 604)
    );
}
