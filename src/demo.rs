//! The demo plan, built from the article's numbers (domain §4): a 5,000万 company target, five
//! account managers in two regions (1,000万 each), product lines A 40% / B 30% / C 30%, three
//! years of contract history averaging exactly 100万 a contract, a 10% win rate, customers in
//! finance, manufacturing and healthcare. Deterministic: the same file every time.

use std::path::Path;

pub mod large;

use crate::domain::actions::{ActionFields, ActionKind, ActionStatus, SupportKind};
use crate::domain::battle::{CellFields, ContactFields, GoalKind, GoalUnit};
use crate::domain::derivation::{
    Competitor, CycleInputs, DerivationInputs, EconomicPhase, HistoryInputs, HistoryMethod,
    LifeCycle, Override, SharePath, StrategyInputs,
};
use crate::domain::funnel::reverse_funnel;
use crate::domain::model::CustomerId;
use crate::domain::model::{FunnelDefaults, LineId, Metric, NodeId, ProductId, UnitKind};
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::{seasonality, split};
use crate::i18n::{self, Lang};
use crate::store::accounts::AccountChange;
use crate::store::{
    Bulk, CustomerFields, HistorySale, NewPlan, PersonFields, ProductFields, ProductLineFields,
    Result, Store, StoreError,
};

/// The demo's fiscal year.
pub const DEMO_YEAR: i32 = 2026;
/// The demo's company target: 5,000万元.
pub const DEMO_TARGET: Money = Money::from_fen(5_000_000_000);

const WAN: i64 = 1_000_000; // fen in 1万元

/// A small deterministic generator (SplitMix64), so the demo is identical on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1).max(1) as u64;
        lo + (self.next() % span) as i64
    }

    /// An index picked with the given weights.
    fn pick(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut roll = self.next() % total.max(1);
        for (i, &w) in weights.iter().enumerate() {
            if roll < u64::from(w) {
                return i;
            }
            roll -= u64::from(w);
        }
        weights.len().saturating_sub(1)
    }
}

/// Monthly pattern of the history (percent of a year's contracts): quiet around the Spring
/// Festival, busy at the end of each quarter and above all in December.
const MONTH_PATTERN: [u32; 12] = [5, 4, 8, 7, 7, 10, 7, 6, 10, 8, 9, 19];

struct Person {
    name: &'static str,
    email: &'static str,
    region: usize,
    /// Relative share of past contracts.
    history_weight: u32,
}

const REGIONS: [&str; 2] = ["华东大区", "华北大区"];

const PEOPLE: [Person; 5] = [
    Person {
        name: "张伟",
        email: "zhang.wei@example.com",
        region: 0,
        history_weight: 24,
    },
    Person {
        name: "李娜",
        email: "li.na@example.com",
        region: 0,
        history_weight: 19,
    },
    Person {
        name: "王强",
        email: "wang.qiang@example.com",
        region: 1,
        history_weight: 21,
    },
    Person {
        name: "刘洋",
        email: "liu.yang@example.com",
        region: 1,
        history_weight: 18,
    },
    Person {
        name: "陈静",
        email: "chen.jing@example.com",
        region: 1,
        history_weight: 18,
    },
];

struct Line {
    name: &'static str,
    code: &'static str,
    description: &'static str,
    share_percent: i64,
    products: [(&'static str, i64); 2],
    life_cycle: LifeCycle,
}

const LINES: [Line; 3] = [
    Line {
        name: "定制软件",
        code: "A",
        description: "高端创新：大型客户的定制开发与系统集成",
        share_percent: 40,
        products: [("定制开发项目", 0), ("系统集成服务", 300)],
        life_cycle: LifeCycle::Growth,
    },
    Line {
        name: "ERP 套件",
        code: "B",
        description: "大众市场：制造与流通企业的 ERP",
        share_percent: 30,
        products: [("ERP 标准版", 80), ("ERP 企业版", 200)],
        life_cycle: LifeCycle::Maturity,
    },
    Line {
        name: "CRM 云",
        code: "C",
        description: "大众市场：客户关系管理订阅",
        share_percent: 30,
        products: [("CRM 标准版", 30), ("CRM 移动版", 50)],
        life_cycle: LifeCycle::Introduction,
    },
];

/// (name, industry, region, credit rating, owner index into PEOPLE)
const CUSTOMERS: [(&str, &str, &str, &str, usize); 18] = [
    ("瑞丰银行", "金融", "上海", "A", 0),
    ("汇通证券", "金融", "上海", "A", 1),
    ("安泰保险", "金融", "北京", "A", 2),
    ("恒远信托", "金融", "北京", "B", 3),
    ("金桥农商银行", "金融", "天津", "B", 4),
    ("鼎盛基金", "金融", "杭州", "A", 0),
    ("宏达机械", "制造", "苏州", "B", 1),
    ("精工汽车零部件", "制造", "宁波", "A", 0),
    ("华美家电", "制造", "天津", "B", 2),
    ("远航船舶", "制造", "大连", "C", 3),
    ("联创电子", "制造", "无锡", "A", 1),
    ("天工钢铁", "制造", "唐山", "C", 4),
    ("仁和医院", "医疗", "上海", "A", 0),
    ("康宁医药", "医疗", "北京", "B", 2),
    ("安康医疗器械", "医疗", "南京", "B", 1),
    ("博济生物", "医疗", "石家庄", "C", 3),
    ("济民中医院", "医疗", "北京", "A", 4),
    ("同心体检", "医疗", "济南", "B", 2),
];

/// Contracts per history year; with the 100万 average the years total 3,200万, 3,800万 and
/// 4,400万 (growth of 18.75% and 15.79%).
const HISTORY: [(i32, i64); 3] = [(2023, 32), (2024, 38), (2025, 44)];

/// China's 2026 public holidays and make-up working days (调休), as a user would enter them.
const HOLIDAYS_2026: [(&str, bool, &str); 38] = [
    ("2026-01-01", true, "元旦"),
    ("2026-01-02", true, "元旦"),
    ("2026-01-03", true, "元旦"),
    ("2026-01-04", false, "元旦调休"),
    ("2026-02-14", false, "春节调休"),
    ("2026-02-15", true, "春节"),
    ("2026-02-16", true, "春节"),
    ("2026-02-17", true, "春节"),
    ("2026-02-18", true, "春节"),
    ("2026-02-19", true, "春节"),
    ("2026-02-20", true, "春节"),
    ("2026-02-21", true, "春节"),
    ("2026-02-22", true, "春节"),
    ("2026-02-23", true, "春节"),
    ("2026-02-28", false, "春节调休"),
    ("2026-04-04", true, "清明节"),
    ("2026-04-05", true, "清明节"),
    ("2026-04-06", true, "清明节"),
    ("2026-05-01", true, "劳动节"),
    ("2026-05-02", true, "劳动节"),
    ("2026-05-03", true, "劳动节"),
    ("2026-05-04", true, "劳动节"),
    ("2026-05-05", true, "劳动节"),
    ("2026-05-09", false, "劳动节调休"),
    ("2026-06-19", true, "端午节"),
    ("2026-06-20", true, "端午节"),
    ("2026-06-21", true, "端午节"),
    ("2026-09-20", false, "国庆节调休"),
    ("2026-09-25", true, "中秋节"),
    ("2026-09-26", true, "中秋节"),
    ("2026-09-27", true, "中秋节"),
    ("2026-10-01", true, "国庆节"),
    ("2026-10-02", true, "国庆节"),
    ("2026-10-03", true, "国庆节"),
    ("2026-10-04", true, "国庆节"),
    ("2026-10-05", true, "国庆节"),
    ("2026-10-06", true, "国庆节"),
    ("2026-10-07", true, "国庆节"),
];

/// The plan row of the demo.
pub fn demo_plan() -> NewPlan {
    NewPlan {
        name: format!("{DEMO_YEAR} 年度销售计划"),
        organisation: "云帆软件有限公司".to_owned(),
        fiscal_year: DEMO_YEAR,
        fiscal_start_month: 1,
        company: "云帆软件".to_owned(),
        version_name: format!("{DEMO_YEAR} 年度目标（草案）"),
        channels: ["直销".to_owned(), "分销".to_owned(), "电商".to_owned()],
    }
}

/// Writes the demo plan to a new file at `path`.
pub fn create_demo(path: &Path) -> Result<Store> {
    Store::create_with(path, &demo_plan(), fill_demo)
}

fn internal(what: &str) -> StoreError {
    StoreError::Sqlite {
        detail: format!("demo data: {what}"),
    }
}

/// Contract sizes for one year in whole 万: `count` values between 30万 and 300万 that add up to
/// exactly `count` × 100万.
fn contract_sizes(dice: &mut Dice, count: usize) -> Vec<i64> {
    let mut sizes: Vec<i64> = (0..count).map(|_| dice.between(35, 170)).collect();
    let target = count as i64 * 100;
    let mut diff = target - sizes.iter().sum::<i64>();
    // Move the total onto the target one 万 at a time, keeping every contract in range.
    while diff != 0 {
        let i = dice.between(0, count as i64 - 1) as usize;
        if diff > 0 && sizes[i] < 300 {
            sizes[i] += 1;
            diff -= 1;
        } else if diff < 0 && sizes[i] > 30 {
            sizes[i] -= 1;
            diff += 1;
        }
    }
    sizes
}

/// The article's funnel assumptions and the 2026 working-day calendar (both demos).
fn funnel_and_calendar(b: &Bulk) -> Result<FunnelDefaults> {
    let funnel = FunnelDefaults::default();
    b.set_funnel_defaults(&funnel)?;
    for (date, holiday, name) in HOLIDAYS_2026 {
        let d: jiff::civil::Date = date.parse().map_err(|_| internal(date))?;
        b.set_calendar_day(d, holiday, name)?;
    }
    Ok(funnel)
}

fn fill_demo(b: &Bulk) -> Result<()> {
    let mut dice = Dice(20_260_101);
    let root = b.root()?;

    // Organisation: two regions, five account managers.
    let regions: Vec<NodeId> = REGIONS
        .iter()
        .map(|r| b.add_node(root, UnitKind::Region, r))
        .collect::<Result<_>>()?;
    let mut people = Vec::new();
    for p in &PEOPLE {
        let id = b.add_node(regions[p.region], UnitKind::Person, p.name)?;
        b.update_person(
            id,
            &PersonFields {
                title: "大客户经理".to_owned(),
                email: p.email.to_owned(),
                visits_per_week: Some(10),
            },
        )?;
        people.push(id);
    }

    // Product lines and products.
    let mut lines: Vec<LineId> = Vec::new();
    let mut products: Vec<[ProductId; 2]> = Vec::new();
    for l in &LINES {
        let line = b.add_line(&ProductLineFields {
            name: l.name.to_owned(),
            code: l.code.to_owned(),
            description: l.description.to_owned(),
        })?;
        let mut ids = Vec::new();
        for (name, price_wan) in l.products {
            ids.push(b.add_product(&ProductFields {
                line,
                name: name.to_owned(),
                list_price: Money::from_fen(price_wan * WAN),
            })?);
        }
        b.set_life_cycle(line, Some(l.life_cycle))?;
        lines.push(line);
        products.push([ids[0], ids[1]]);
    }

    // Customers.
    let mut customers_of: Vec<Vec<crate::domain::model::CustomerId>> =
        vec![Vec::new(); PEOPLE.len()];
    let mut customers_by_index = Vec::new();
    for (name, industry, region, rating, owner) in CUSTOMERS {
        let id = b.add_customer(&CustomerFields {
            name: name.to_owned(),
            industry: industry.to_owned(),
            region: region.to_owned(),
            credit_rating: rating.to_owned(),
            owner: Some(people[owner]),
        })?;
        customers_of[owner].push(id);
        customers_by_index.push(id);
    }

    // Three years of contracts.
    let person_weights: Vec<u32> = PEOPLE.iter().map(|p| p.history_weight).collect();
    let mut sales = Vec::new();
    let mut monthly_by_year: Vec<[i64; 12]> = Vec::new();
    let pattern: Vec<Ratio> = MONTH_PATTERN
        .iter()
        .map(|&p| Ratio::from_integer(i128::from(p)))
        .collect();
    for (year, count) in HISTORY {
        let mut months = [0i64; 12];
        // Contracts per month follow the pattern exactly (largest remainder), so every year
        // shows the same seasonality; sizes and people vary.
        let per_month =
            split::split_by_weights(count, &pattern).map_err(|e| internal(&e.to_string()))?;
        let contract_months: Vec<i8> = per_month
            .iter()
            .enumerate()
            .flat_map(|(m, &n)| std::iter::repeat_n(m as i8 + 1, n.max(0) as usize))
            .collect();
        for (n, size) in contract_sizes(&mut dice, count as usize)
            .into_iter()
            .enumerate()
        {
            let person = dice.pick(&person_weights);
            // Big contracts are custom projects, mid-sized ERP, small CRM.
            let line = match size {
                130.. => 0,
                70..=129 => 1,
                _ => 2,
            };
            let product = products[line][dice.between(0, 1) as usize];
            let owned = &customers_of[person];
            let customer = owned[dice.between(0, owned.len() as i64 - 1) as usize];
            let month = contract_months.get(n).copied().unwrap_or(12);
            let day = dice.between(1, 28) as i8;
            let date = jiff::civil::Date::new(year as i16, month, day)
                .map_err(|e| internal(&e.to_string()))?;
            months[(month - 1) as usize] += size * WAN;
            sales.push(HistorySale {
                date,
                amount: Money::from_fen(size * WAN),
                line: Some(lines[line]),
                product: Some(product),
                node: Some(people[person]),
                customer: Some(customer),
                reference: format!("HT-{year}-{:03}", n + 1),
            });
        }
        monthly_by_year.push(months);
    }
    sales.sort_by_key(|s| s.date);
    b.add_history(&sales)?;

    let funnel = funnel_and_calendar(b)?;

    // Targets of the draft version.
    let amount = Metric::ContractAmount;
    let line_weights: Vec<Ratio> = LINES
        .iter()
        .map(|l| Ratio::percent(l.share_percent))
        .collect();
    let total = DEMO_TARGET;
    b.set_target(root, None, Period::Year, amount, total.fen())?;
    let by_line = split::split_money(total, &line_weights, &[None, None, None])
        .map_err(|e| internal(&e.to_string()))?;
    for (line, part) in lines.iter().zip(&by_line) {
        b.set_target(root, Some(*line), Period::Year, amount, part.fen())?;
    }
    let per_person = split::split_money(
        total,
        &vec![Ratio::ONE; PEOPLE.len()],
        &vec![None; PEOPLE.len()],
    )
    .map_err(|e| internal(&e.to_string()))?;
    for (r, region) in regions.iter().enumerate() {
        let region_total: Money = PEOPLE
            .iter()
            .zip(&per_person)
            .filter(|(p, _)| p.region == r)
            .map(|(_, m)| *m)
            .sum();
        b.set_target(*region, None, Period::Year, amount, region_total.fen())?;
    }
    let season =
        seasonality::from_history(&monthly_by_year).ok_or_else(|| internal("no seasonality"))?;
    let season = seasonality::as_ratios(&season);
    for (person, target) in people.iter().zip(&per_person) {
        b.set_target(*person, None, Period::Year, amount, target.fen())?;
        let parts = split::split_money(*target, &line_weights, &[None, None, None])
            .map_err(|e| internal(&e.to_string()))?;
        for (line, part) in lines.iter().zip(parts) {
            b.set_target(*person, Some(*line), Period::Year, amount, part.fen())?;
        }
        let months = split::split_money(*target, &season, &[None; 12])
            .map_err(|e| internal(&e.to_string()))?;
        for (m, part) in months.into_iter().enumerate() {
            b.set_target(
                *person,
                None,
                Period::Month(m as u8 + 1),
                amount,
                part.fen(),
            )?;
        }
        let f = reverse_funnel(*target, funnel.deal_size, funnel.win_rate)
            .map_err(|e| internal(&format!("{e:?}")))?;
        b.set_target(*person, None, Period::Year, Metric::Deals, f.deals)?;
        b.set_target(*person, None, Period::Year, Metric::Leads, f.leads)?;
    }
    b.set_derivation_inputs(None, &demo_derivation())?;

    // The article's January for the first account manager: negotiate ERP with three
    // manufacturers and sign one (500万); pitch CRM to five financial firms aiming at two
    // intents (800万 potential); start the requirement survey of a 1,000万 custom healthcare
    // project; and ask for a showroom visit.
    let zhang = people[0];
    let customer = |name: &str| {
        CUSTOMERS
            .iter()
            .position(|c| c.0 == name)
            .and_then(|i| customers_by_index.get(i).copied())
    };
    let (custom, erp, crm) = (products[0][0], products[1][0], products[2][0]);
    let january = [
        (
            ActionKind::Negotiate,
            "精工汽车零部件",
            erp,
            3,
            0,
            "与 3 家制造企业谈判 ERP",
        ),
        (
            ActionKind::Sign,
            "精工汽车零部件",
            erp,
            1,
            500,
            "签下其中 1 家",
        ),
        (
            ActionKind::Demo,
            "瑞丰银行",
            crm,
            5,
            0,
            "向 5 家金融企业推介 CRM，争取 2 家意向（潜在 800万）",
        ),
        (
            ActionKind::Survey,
            "仁和医院",
            custom,
            1,
            0,
            "启动 1,000万 医疗定制项目的需求调研",
        ),
    ];
    for (kind, name, product, count, expected_wan, note) in january {
        b.add_action(
            zhang,
            1,
            &ActionFields {
                customer: customer(name),
                product: Some(product),
                kind,
                count,
                expected: Money::from_fen(expected_wan * WAN),
                status: ActionStatus::Planned,
                note: note.to_owned(),
            },
        )?;
    }
    b.add_support(
        zhang,
        1,
        SupportKind::Showroom,
        "邀请瑞丰银行参观成功案例展厅并现场演示",
    )?;
    battle_plan(b, zhang, &customer, &products)?;
    finance(b, &people, &customer)
}

/// The first account manager's expense budget with the article's overrun (a trade-show booth
/// enlarged in March), and contracts with payment schedules and receipts: one paid in full,
/// one with its last installment overdue, one of this year with its second half overdue.
fn finance(
    b: &Bulk,
    people: &[NodeId],
    customer: &dyn Fn(&str) -> Option<CustomerId>,
) -> Result<()> {
    use crate::domain::receivables::{TEMPLATES, schedule};
    use crate::store::finance::{FinanceChange, NewContract};
    let zhang = people[0];
    let item = |n: i64| n; // expense item ids follow the default order 1–7
    // Monthly budget in 万 for items 1–7: trade shows (10万 in March), online ads, events,
    // gifts, travel, training, market research.
    let mut cells = Vec::new();
    for month in 1..=12u8 {
        for (id, wan) in [
            (1, if month == 3 { 10 } else { 1 }),
            (2, 1),
            (3, 1),
            (4, 1),
            (5, 2),
            (6, 1),
            (7, 1),
        ] {
            cells.push((zhang, item(id), month, Some(Money::from_fen(wan * WAN))));
        }
    }
    b.finance(&FinanceChange::SetBudget(cells))?;
    for (id, month, wan, note) in [
        (1, 1, 1, "行业展会报名"),
        (5, 1, 2, "华东客户拜访差旅"),
        (1, 3, 13, "展位扩大到 72 平方米"),
        (3, 3, 1, "金融客户答谢会"),
        (5, 3, 2, "展会差旅"),
    ] {
        b.finance(&FinanceChange::AddExpense {
            node: zhang,
            item: item(id),
            month,
            amount: Money::from_fen(wan * WAN),
            note: note.to_owned(),
        })?;
    }
    let date = |s: &str| -> Result<jiff::civil::Date> { s.parse().map_err(|_| internal(s)) };
    // (customer, person, number, signed, amount 万, template, receipts (date, 万))
    type DemoContract<'a> = (
        &'a str,
        usize,
        &'a str,
        &'a str,
        i64,
        usize,
        &'a [(&'a str, i64)],
    );
    let contracts: [DemoContract; 3] = [
        (
            "瑞丰银行",
            0,
            "HT-2024-017",
            "2024-05-10",
            80,
            1,
            &[("2024-05-15", 40), ("2024-08-20", 40)],
        ),
        (
            "仁和医院",
            0,
            "HT-2025-031",
            "2025-06-30",
            300,
            0,
            &[("2025-07-05", 90), ("2025-10-20", 180)],
        ),
        (
            "汇通证券",
            1,
            "HT-2026-004",
            "2026-02-15",
            120,
            1,
            &[("2026-02-20", 60)],
        ),
    ];
    for (name, who, number, signed, wan, template, receipts) in contracts {
        let amount = Money::from_fen(wan * WAN);
        let signed = date(signed)?;
        let parts =
            schedule(&TEMPLATES[template], amount, signed).ok_or_else(|| internal("schedule"))?;
        b.finance(&FinanceChange::AddContract(NewContract {
            customer: customer(name),
            person: people.get(who).copied(),
            number: number.to_owned(),
            signed,
            amount,
            installments: parts
                .into_iter()
                .map(|(label, due, m)| (i18n::tr(Lang::Zh, label).into_owned(), due, m))
                .collect(),
        }))?;
        let id = b.last_contract()?;
        for (on, wan) in receipts {
            b.finance(&FinanceChange::AddReceipt {
                contract: id,
                installment: None,
                date: date(on)?,
                amount: Money::from_fen(wan * WAN),
                reference: String::new(),
            })?;
        }
    }
    Ok(())
}

/// The first account manager's battle plan as drafted at the start of the year: the
/// customer × product matrix (each cell a card on the pipeline board, its moves dated), two
/// signed projects in delivery and after-sales, contacts, and the goal card.
fn battle_plan(
    b: &Bulk,
    zhang: NodeId,
    customer: &dyn Fn(&str) -> Option<CustomerId>,
    products: &[[ProductId; 2]],
) -> Result<()> {
    let date = |s: &str| -> Result<jiff::civil::Date> { s.parse().map_err(|_| internal(s)) };
    let (custom, integration) = (products[0][0], products[0][1]);
    let (erp, erp_ent) = (products[1][0], products[1][1]);
    let (crm, crm_mobile) = (products[2][0], products[2][1]);
    // (customer, product, moves (stage, date), potential 万, close month, people, budget 万,
    // strategy)
    type Cell<'a> = (
        &'a str,
        ProductId,
        &'a [(u8, &'a str)],
        i64,
        &'a str,
        u32,
        i64,
        &'a str,
    );
    let cells: [Cell; 6] = [
        (
            "精工汽车零部件",
            erp_ent,
            &[
                (1, "2025-09-08"),
                (2, "2025-09-26"),
                (3, "2025-10-20"),
                (4, "2025-11-18"),
                (5, "2025-12-15"),
            ],
            500,
            "2026-03",
            3,
            8,
            "与生产副总建立信任，突出 MES 集成的成功案例",
        ),
        (
            "瑞丰银行",
            crm,
            &[(1, "2025-11-03"), (2, "2025-12-10")],
            400,
            "2026-06",
            2,
            5,
            "展厅参观 + 现场演示，争取书面意向",
        ),
        (
            "鼎盛基金",
            crm_mobile,
            &[(1, "2025-12-22")],
            400,
            "2026-09",
            1,
            3,
            "通过瑞丰银行的案例引荐，先做移动端试点",
        ),
        (
            "仁和医院",
            custom,
            &[(1, "2025-10-10"), (2, "2025-11-05"), (3, "2025-12-18")],
            1_000,
            "2026-12",
            5,
            20,
            "启动需求调研，与信息科共建方案，争取列入年度预算",
        ),
        (
            "仁和医院",
            integration,
            &[
                (1, "2025-03-03"),
                (2, "2025-03-20"),
                (3, "2025-04-15"),
                (4, "2025-05-12"),
                (5, "2025-06-09"),
                (6, "2025-06-30"),
                (7, "2025-07-10"),
            ],
            300,
            "2025-06",
            4,
            0,
            "按期交付，每周与信息科同步进展",
        ),
        (
            "瑞丰银行",
            erp,
            &[
                (1, "2024-02-05"),
                (3, "2024-03-11"),
                (5, "2024-04-22"),
                (6, "2024-05-10"),
                (7, "2024-05-20"),
                (8, "2025-03-01"),
            ],
            80,
            "2024-05",
            1,
            1,
            "回顾上线价值，提出续约条件和免费升级",
        ),
    ];
    for (name, product, moves, potential_wan, close, people, budget_wan, strategy) in cells {
        let Some(c) = customer(name) else {
            return Err(internal(name));
        };
        let fields = CellFields {
            strategy: strategy.to_owned(),
            people,
            budget: Money::from_fen(budget_wan * WAN),
            potential: Money::from_fen(potential_wan * WAN),
            close_month: Some(date(&format!("{close}-01"))?),
            probability: None,
        };
        for (stage, on) in moves {
            b.account(&AccountChange::SetCell {
                customer: c,
                product,
                stage: *stage,
                fields: fields.clone(),
                date: date(on)?,
            })?;
        }
    }
    for (name, contact, title, role, phone) in [
        (
            "精工汽车零部件",
            "陈建国",
            "生产副总",
            "决策人",
            "0574-8888 1201",
        ),
        (
            "精工汽车零部件",
            "刘洋",
            "信息部经理",
            "技术评估",
            "0574-8888 1235",
        ),
        (
            "瑞丰银行",
            "王敏",
            "科技部总经理",
            "决策人",
            "021-6666 8001",
        ),
        (
            "仁和医院",
            "赵磊",
            "信息科主任",
            "项目负责人",
            "021-5555 3020",
        ),
    ] {
        let Some(c) = customer(name) else {
            return Err(internal(name));
        };
        b.account(&AccountChange::AddContact {
            customer: c,
            fields: ContactFields {
                name: contact.to_owned(),
                title: title.to_owned(),
                role: role.to_owned(),
                phone: phone.to_owned(),
                email: String::new(),
            },
        })?;
    }
    // The goal card: the article's kinds of goal at one account manager's scale.
    for (kind, target) in [
        (GoalKind::NewAccounts, Ratio::from_integer(4)),
        (GoalKind::Implementation, Ratio::percent(98)),
        (GoalKind::Renewal, Ratio::percent(85)),
    ] {
        b.account(&AccountChange::SetGoal {
            person: zhang,
            kind,
            target: Some(target),
        })?;
    }
    b.account(&AccountChange::AddCustomGoal {
        person: zhang,
        name: "目标行业知名度（金融、制造、医疗）".to_owned(),
        unit: GoalUnit::Count,
        target: Ratio::from_integer(3),
        actual: Some(Ratio::from_integer(1)),
    })?;
    Ok(())
}

/// The leader's derivation of the company target: the article's strategy case (a 5亿 market
/// growing 15%, our share from 10% to 20% in five years: 6,900万), the demo's history, a mild
/// expansion, two competitors, and the 5,000万 the company committed to, with its reason.
pub fn demo_derivation() -> DerivationInputs {
    let wan = |w: i64| Money::from_fen(w * WAN);
    DerivationInputs {
        strategy: Some(StrategyInputs {
            market_size: wan(50_000),
            market_growth: Ratio::percent(15),
            current_share: Ratio::percent(10),
            share_goal: Ratio::percent(20),
            years: 5,
            path: SharePath::Linear,
        }),
        history: Some(HistoryInputs {
            years: HISTORY
                .iter()
                .map(|&(year, count)| (year, wan(count * 100)))
                .collect(),
            method: HistoryMethod::Cagr,
        }),
        cycle: CycleInputs {
            phase: EconomicPhase::Expansion,
            sensitivity: Ratio::percent(30),
            ..CycleInputs::default()
        },
        competitors: vec![
            Competitor {
                name: "远航科技".to_owned(),
                share: Ratio::percent(25),
                strengths: "价格低，渠道广".to_owned(),
                weaknesses: "定制能力弱".to_owned(),
                moves: "中端市场降价".to_owned(),
                adjustment: Ratio::percent(-3),
                reason: "价格战会拖慢 ERP 签约".to_owned(),
            },
            Competitor {
                name: "星河数据".to_owned(),
                share: Ratio::percent(15),
                strengths: "云产品成熟".to_owned(),
                weaknesses: "大客户服务团队小".to_owned(),
                moves: "推出 CRM 免费版".to_owned(),
                adjustment: Ratio::percent(-2),
                reason: "CRM 新客户获取变难".to_owned(),
            },
        ],
        alpha: Ratio::percent(50),
        override_target: Some(Override {
            target: DEMO_TARGET,
            reason: "与各区域协商后确定的年度承诺目标，差额作为挑战空间".to_owned(),
        }),
        stretch_buffer: Ratio::percent(10),
    }
}
