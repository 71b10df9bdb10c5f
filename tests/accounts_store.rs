//! The key-account battle plan in the store (domain §6): matrix cells tracking opportunities,
//! dated stage moves, the sales plans derived from the matrix, goal cards — exact to the fen,
//! one undoable change each, bad input refused with nothing written.

use salesplan::domain::battle::{
    self, ActualSource, CellFields, ContactFields, GoalKind, GoalUnit, ProbabilitySource,
};
use salesplan::domain::model::{CustomerId, DealStatus, NodeId, PlanSnapshot, ProductId};
use salesplan::domain::money::Money;
use salesplan::domain::period::parse_date;
use salesplan::domain::ratio::Ratio;
use salesplan::store::accounts::AccountChange;
use salesplan::store::{CustomerFields, Store, StoreError};

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    (dir, store)
}

fn wan(n: i64) -> Money {
    Money::from_wan(n).unwrap()
}

fn person(snap: &PlanSnapshot, name: &str) -> NodeId {
    snap.nodes.iter().find(|n| n.name == name).unwrap().id
}

fn product(snap: &PlanSnapshot, name: &str) -> ProductId {
    snap.products.iter().find(|p| p.name == name).unwrap().id
}

fn customer(snap: &PlanSnapshot, name: &str) -> CustomerId {
    snap.customers.iter().find(|c| c.name == name).unwrap().id
}

fn day(s: &str) -> jiff::civil::Date {
    parse_date(s).unwrap()
}

#[test]
fn the_demo_battle_plan_adds_up_exactly() {
    let (_dir, store) = demo();
    let snap = store.snapshot().unwrap();
    let zhang = person(&snap, "张伟");
    let plans = battle::sales_plans(&snap, Some(zhang));
    // Weighted: 500万 × 70% + 400万 × 20% + 400万 × 10% + 1,000万 × 30% for the open cells,
    // and the two signed projects at 100% (300万 + 80万) = 1,150万. Planned: only the open
    // cells closing in 2026 (770万); the signed ones were signed in 2024 and 2025.
    assert_eq!(plans.total.cells, 6);
    assert_eq!(plans.total.potential, wan(2_680));
    assert_eq!(plans.total.weighted, wan(1_150));
    assert_eq!(plans.total.planned, wan(770));
    assert_eq!(plans.target, Some(wan(1_000)));
    assert_eq!(plans.gap, Some(wan(230)));
    assert_eq!(plans.total.people, 16);
    assert_eq!(plans.total.budget, wan(37));
    // The product plan, the line plan and the customer plan each add up to the matrix.
    for rows in [
        plans.by_product.iter().map(|(_, r)| r).collect::<Vec<_>>(),
        plans.by_customer.iter().map(|(_, r)| r).collect(),
        plans.by_line.iter().map(|(_, r, _)| r).collect(),
    ] {
        let sum = |f: fn(&battle::PlanRow) -> Money| rows.iter().map(|r| f(r)).sum::<Money>();
        assert_eq!(sum(|r| r.potential), plans.total.potential);
        assert_eq!(sum(|r| r.weighted), plans.total.weighted);
        assert_eq!(sum(|r| r.planned), plans.total.planned);
    }
    // 仁和医院: the 1,000万 custom project at stage 3 (300万 planned) and the signed
    // integration project in delivery.
    let renhe = customer(&snap, "仁和医院");
    let row = &plans
        .by_customer
        .iter()
        .find(|(c, _)| *c == renhe)
        .unwrap()
        .1;
    assert_eq!(
        (row.cells, row.planned, row.weighted),
        (2, wan(300), wan(600))
    );
    // The matrix's planned amount is what the funnel nets as the expected pipeline.
    let stats = salesplan::domain::stats::for_plan(&snap);
    let plan = salesplan::domain::plan_funnels::person_plans(
        &snap,
        &stats,
        salesplan::domain::plan_funnels::Basis::Committed,
        1,
    )
    .into_iter()
    .find(|p| p.person == zhang)
    .unwrap();
    let f = plan.funnel.unwrap();
    assert_eq!(
        f.pipeline_expected,
        Ratio::from_integer(i128::from(wan(770).fen()))
    );
    assert_eq!(f.deals, 3);
    // The board: six cards at stages 1, 2, 3, 5, 7, 8.
    let board = battle::pipeline_by_stage(&snap, Some(zhang));
    let counts: Vec<u32> = board.iter().map(|c| c.count).collect();
    assert_eq!(counts, vec![1, 1, 1, 0, 1, 0, 1, 1, 0]);
    assert_eq!(board[4].weighted, wan(350));
    // The goal card as drafted: targets set, nothing achieved in 2026 yet.
    let card = battle::goal_card(&snap, zhang);
    let kinds: Vec<GoalKind> = card.iter().map(|g| g.kind).collect();
    assert_eq!(
        kinds,
        vec![
            GoalKind::NewAccounts,
            GoalKind::ContractAmount,
            GoalKind::Implementation,
            GoalKind::Renewal,
            GoalKind::Custom
        ]
    );
    assert_eq!(card[0].target, Some(Ratio::from_integer(4)));
    assert_eq!(card[1].target, Some(Ratio::from_integer(1_000_000_000)));
    assert!(card[1].target_from_plan);
    assert_eq!(card[2].target, Some(Ratio::percent(98)));
    assert_eq!(card[4].attainment, Ratio::new(1, 3));
}

#[test]
fn a_new_account_moves_through_the_stages_and_the_goal_card_follows() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let li = person(&snap, "李娜");
    let crm = product(&snap, "CRM 标准版");
    let erp = product(&snap, "ERP 标准版");
    store
        .apply_account_change(&AccountChange::AddCustomer(CustomerFields {
            name: "海川证券".into(),
            industry: "金融".into(),
            region: "深圳".into(),
            credit_rating: "A".into(),
            owner: Some(li),
        }))
        .unwrap();
    let snap = store.snapshot().unwrap();
    let haichuan = customer(&snap, "海川证券");
    let fields = CellFields {
        strategy: "先做移动端试点".into(),
        people: 2,
        budget: wan(6),
        potential: wan(200),
        close_month: Some(day("2026-10-01")),
        probability: None,
    };
    store
        .apply_account_change(&AccountChange::SetCell {
            customer: haichuan,
            product: crm,
            stage: 1,
            fields: fields.clone(),
            date: day("2026-02-02"),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let cell = snap.matrix.iter().find(|c| c.customer == haichuan).unwrap();
    let f = battle::cell_figures(&snap, cell);
    // A new card at stage 1 on the board, owned by the customer's owner; 200万 × 10%.
    assert_eq!((f.stage, f.status), (1, DealStatus::Open));
    assert_eq!((f.weighted, f.planned), (wan(20), wan(20)));
    assert_eq!(f.probability_source, ProbabilitySource::Stage);
    let opp = cell.opportunity.unwrap();
    let o = snap.opportunities.iter().find(|o| o.id == opp).unwrap();
    assert_eq!(o.person, Some(li));
    assert_eq!(o.close_date, Some(day("2026-10-31")));

    // Edited in place: stage 4 with a 60% probability of its own.
    store
        .apply_account_change(&AccountChange::SetCell {
            customer: haichuan,
            product: crm,
            stage: 4,
            fields: CellFields {
                probability: Some(Ratio::percent(60)),
                ..fields.clone()
            },
            date: day("2026-04-20"),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let cell = snap.matrix.iter().find(|c| c.customer == haichuan).unwrap();
    let f = battle::cell_figures(&snap, cell);
    assert_eq!((f.stage, f.weighted), (4, wan(120)));
    assert_eq!(f.probability_source, ProbabilitySource::Cell);
    // The move is recorded with its date.
    let events: Vec<(u8, String)> = snap
        .stage_events
        .iter()
        .filter(|e| e.opportunity == opp)
        .map(|e| (e.stage, e.date.to_string()))
        .collect();
    assert_eq!(
        events,
        vec![(1, "2026-02-02".into()), (4, "2026-04-20".into())]
    );

    // Signed on the board in July: a new key account and 200万 of contracts for 李娜.
    store
        .apply_account_change(&AccountChange::MoveOpportunity {
            id: opp,
            stage: 6,
            date: day("2026-07-01"),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let card = battle::goal_card(&snap, li);
    assert_eq!(card[0].actual, Some(Ratio::ONE));
    assert_eq!(card[0].source, ActualSource::FirstBusiness);
    assert_eq!(
        card[1].actual,
        Some(Ratio::from_integer(i128::from(wan(200).fen())))
    );
    assert_eq!(card[1].source, ActualSource::WonOpportunities);
    assert_eq!(card[1].attainment, Ratio::new(1, 5));
    let cell = snap.matrix.iter().find(|c| c.customer == haichuan).unwrap();
    let f = battle::cell_figures(&snap, cell);
    assert_eq!(
        (f.status, f.planned, f.probability),
        (DealStatus::Won, wan(200), Ratio::ONE)
    );

    // A second deal with the same customer fails in delivery; the first is delivered, then
    // not renewed.
    store
        .apply_account_change(&AccountChange::SetCell {
            customer: haichuan,
            product: erp,
            stage: 6,
            fields: CellFields {
                potential: wan(80),
                ..fields.clone()
            },
            date: day("2026-07-15"),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let second = snap
        .matrix
        .iter()
        .find(|c| c.customer == haichuan && c.product == erp)
        .unwrap()
        .opportunity
        .unwrap();
    for change in [
        AccountChange::MoveOpportunity {
            id: opp,
            stage: 7,
            date: day("2026-07-10"),
        },
        AccountChange::MoveOpportunity {
            id: second,
            stage: 7,
            date: day("2026-07-20"),
        },
        AccountChange::MoveOpportunity {
            id: opp,
            stage: 8,
            date: day("2026-09-30"),
        },
        AccountChange::LoseOpportunity {
            id: second,
            date: day("2026-10-12"),
        },
    ] {
        store.apply_account_change(&change).unwrap();
    }
    let snap = store.snapshot().unwrap();
    let card = battle::goal_card(&snap, li);
    // Implementation: one delivery went on to after-sales, one failed: 1 of 2.
    assert_eq!(card[2].counts, Some((1, 2)));
    assert_eq!(card[2].actual, Ratio::new(1, 2));
    // Contracts: both were signed (the failed one stays signed): 280万; still one new account.
    assert_eq!(
        card[1].actual,
        Some(Ratio::from_integer(i128::from(wan(280).fen())))
    );
    assert_eq!(card[0].actual, Some(Ratio::ONE));
    // Renewal: the after-sales period has not finished.
    assert_eq!(card[3].counts, Some((0, 0)));
    assert_eq!(card[3].actual, None);
    store
        .apply_account_change(&AccountChange::LoseOpportunity {
            id: opp,
            date: day("2026-12-01"),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let card = battle::goal_card(&snap, li);
    assert_eq!(card[3].counts, Some((0, 1)));
    assert_eq!(card[3].actual, Some(Ratio::ZERO));
    // A signed deal that later failed still counts as won in the statistics.
    let stats = salesplan::domain::stats::for_plan(&snap);
    let mine = &stats.by_person[&Some(li)];
    assert_eq!((mine.won, mine.lost), (2, 0));
    // Targets on the card: 3 new accounts, 90% implementation.
    for (kind, target) in [
        (GoalKind::NewAccounts, Ratio::from_integer(3)),
        (GoalKind::Implementation, Ratio::percent(90)),
    ] {
        store
            .apply_account_change(&AccountChange::SetGoal {
                person: li,
                kind,
                target: Some(target),
            })
            .unwrap();
    }
    let card = battle::goal_card(&store.snapshot().unwrap(), li);
    assert_eq!(card[0].attainment, Ratio::new(1, 3));
    assert_eq!(card[2].attainment, Ratio::new(5, 9));
}

#[test]
fn filling_a_cell_undoes_as_one_change() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let before = (snap.matrix.len(), snap.opportunities.len());
    let events_before = snap.stage_events.len();
    let c = customer(&snap, "汇通证券");
    let p = product(&snap, "ERP 企业版");
    store
        .apply_account_change(&AccountChange::SetCell {
            customer: c,
            product: p,
            stage: 2,
            fields: CellFields {
                potential: wan(200),
                ..CellFields::default()
            },
            date: day("2026-03-01"),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(
        (snap.matrix.len(), snap.opportunities.len()),
        (before.0 + 1, before.1 + 1)
    );
    // Clearing the cell takes its open card off the board too; undo brings both back.
    let id = snap.matrix.iter().find(|m| m.customer == c).unwrap().id;
    store
        .apply_account_change(&AccountChange::DeleteCell(id))
        .unwrap();
    assert_eq!(store.snapshot().unwrap().opportunities.len(), before.1);
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap().opportunities.len(), before.1 + 1);
    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!((snap.matrix.len(), snap.opportunities.len()), before);
    assert_eq!(snap.stage_events.len(), events_before);
}

#[test]
fn bad_battle_plan_input_is_refused_and_nothing_is_written() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let c = customer(&snap, "汇通证券");
    let p = product(&snap, "ERP 企业版");
    let zhang = person(&snap, "张伟");
    let undo = store.undo_label().unwrap();
    let cell = |stage: u8, fields: CellFields| AccountChange::SetCell {
        customer: c,
        product: p,
        stage,
        fields,
        date: day("2026-03-01"),
    };
    let refused = [
        cell(
            1,
            CellFields {
                probability: Some(Ratio::percent(120)),
                ..CellFields::default()
            },
        ),
        cell(
            1,
            CellFields {
                potential: Money::from_fen(-1),
                ..CellFields::default()
            },
        ),
        cell(0, CellFields::default()),
        cell(10, CellFields::default()),
        AccountChange::SetCell {
            customer: CustomerId(9_999),
            product: p,
            stage: 1,
            fields: CellFields::default(),
            date: day("2026-03-01"),
        },
        AccountChange::AddCustomer(CustomerFields {
            name: "瑞丰银行".into(),
            industry: String::new(),
            region: String::new(),
            credit_rating: String::new(),
            owner: None,
        }),
        AccountChange::AddContact {
            customer: c,
            fields: ContactFields::default(),
        },
        AccountChange::SetGoal {
            person: zhang,
            kind: GoalKind::NewAccounts,
            target: Some(Ratio::new(5, 2).unwrap()),
        },
        AccountChange::SetGoal {
            person: zhang,
            kind: GoalKind::Custom,
            target: Some(Ratio::ONE),
        },
        AccountChange::AddCustomGoal {
            person: zhang,
            name: "  ".into(),
            unit: GoalUnit::Count,
            target: Ratio::ONE,
            actual: None,
        },
        AccountChange::DeleteGoal(9_999),
        AccountChange::DeleteCell(9_999),
    ];
    for change in refused {
        let r = store.apply_account_change(&change);
        assert!(
            matches!(
                r,
                Err(StoreError::InvalidValue { .. }
                    | StoreError::Missing { .. }
                    | StoreError::DuplicateName { .. }
                    | StoreError::Org(_))
            ),
            "{change:?}: {r:?}"
        );
    }
    assert_eq!(store.snapshot().unwrap(), snap);
    assert_eq!(store.undo_label().unwrap(), undo);

    // A lost card cannot be moved by its cell.
    let renhe = customer(&snap, "仁和医院");
    let custom = product(&snap, "定制开发项目");
    let opp = snap
        .matrix
        .iter()
        .find(|m| m.customer == renhe && m.product == custom)
        .unwrap()
        .opportunity
        .unwrap();
    store
        .apply_account_change(&AccountChange::LoseOpportunity {
            id: opp,
            date: day("2026-05-05"),
        })
        .unwrap();
    let r = store.apply_account_change(&AccountChange::SetCell {
        customer: renhe,
        product: custom,
        stage: 4,
        fields: CellFields::default(),
        date: day("2026-05-06"),
    });
    assert!(matches!(r, Err(StoreError::InvalidValue { .. })), "{r:?}");
}

#[test]
fn customers_and_contacts_are_edited_and_deleted_with_everything_of_theirs() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let renhe = customer(&snap, "仁和医院");
    let before = snap.clone();
    store
        .apply_account_change(&AccountChange::AddContact {
            customer: renhe,
            fields: ContactFields {
                name: "孙丽".into(),
                title: "采购主管".into(),
                role: "商务".into(),
                phone: "021-5555 3088".into(),
                email: "sun.li@renhe.example".into(),
            },
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let contacts: Vec<&str> = snap
        .contacts
        .iter()
        .filter(|c| c.customer == renhe)
        .map(|c| c.fields.name.as_str())
        .collect();
    assert_eq!(contacts, vec!["赵磊", "孙丽"]);
    store
        .apply_account_change(&AccountChange::UpdateCustomer {
            id: renhe,
            fields: CustomerFields {
                name: "仁和医院（集团）".into(),
                industry: "医疗".into(),
                region: "上海".into(),
                credit_rating: "AA".into(),
                owner: None,
            },
        })
        .unwrap();
    assert_eq!(
        store.snapshot().unwrap().customers[12].name,
        "仁和医院（集团）"
    );
    // Deleting the customer removes its cells (the open card with them) and contacts; the
    // signed project and the history stay, without the customer.
    store
        .apply_account_change(&AccountChange::DeleteCustomer(renhe))
        .unwrap();
    let snap = store.snapshot().unwrap();
    assert!(snap.customers.iter().all(|c| c.id != renhe));
    assert!(snap.matrix.iter().all(|c| c.customer != renhe));
    assert!(snap.contacts.iter().all(|c| c.customer != renhe));
    assert_eq!(snap.opportunities.len(), before.opportunities.len() - 1);
    assert_eq!(snap.history, before.history);
    for _ in 0..3 {
        store.undo().unwrap();
    }
    assert_eq!(store.snapshot().unwrap(), before);
}
