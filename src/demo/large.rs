//! The large demo plan, for trying SalesPlan at the scale of a whole organisation and for the
//! benchmarks (docs/performance.md): 2,000 account managers in a four-level tree (company →
//! 8 regions → 80 branches → 25 people each), 20,000 customers, 200,000 opportunities with
//! their stage history, 1,000,000 lines of actuals in the plan year, three years of contract
//! history, and every view filled: targets by person, line and month, funnels, the matrix,
//! monthly actions, goals, expense budgets and spending, contracts with payment schedules and
//! receipts. Deterministic: the same file every time.

use std::collections::HashSet;

use jiff::civil::Date;

use super::{
    DEMO_YEAR, Dice, LINES, MONTH_PATTERN, WAN, demo_derivation, demo_plan, funnel_and_calendar,
    internal,
};
use crate::domain::actions::{ActionFields, ActionKind, ActionStatus, SupportKind};
use crate::domain::battle::{CellFields, ContactFields, GoalKind};
use crate::domain::derivation::{HistoryInputs, HistoryMethod, Override};
use crate::domain::funnel::reverse_funnel;
use crate::domain::model::{
    ActualKind, CustomerId, DealStatus, LineId, Metric, NodeId, ProductId, UnitKind,
};
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::receivables::{TEMPLATES, schedule};
use crate::domain::split;
use crate::i18n::{self, Lang};
use crate::store::accounts::AccountChange;
use crate::store::finance::{FinanceChange, NewContract};
use crate::store::rows::{ActualRow, MatrixRow, OpportunityRow};
use crate::store::{
    Bulk, CustomerFields, HistorySale, PersonFields, ProductFields, ProductLineFields, Result,
    Store,
};

/// Regions, branches per region and people per branch (at most 8 × 10 × 25).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub regions: usize,
    pub branches: usize,
    pub per_branch: usize,
}

impl Shape {
    /// The large demo: 8 × 10 × 25 = 2,000 people.
    pub const FULL: Shape = Shape {
        regions: REGIONS,
        branches: BRANCHES,
        per_branch: 25,
    };

    pub fn people(self) -> usize {
        self.regions * self.branches * self.per_branch
    }
}

const REGIONS: usize = 8;
const BRANCHES: usize = 10;
/// Customers per person (20,000 in all).
pub const CUSTOMERS_PER_PERSON: usize = 10;
/// Opportunities per person (200,000 in all).
pub const OPPORTUNITIES_PER_PERSON: usize = 100;
/// Lines of actuals per person in the plan year (1,000,000 in all), by kind.
pub const ACTUALS_PER_PERSON: [(ActualKind, usize); 5] = [
    (ActualKind::Contract, 40),
    (ActualKind::Collection, 40),
    (ActualKind::Lead, 120),
    (ActualKind::Visit, 250),
    (ActualKind::Bid, 50),
];
/// The plan year's actuals run to the end of November.
pub const ACTUAL_MONTHS: u8 = 11;

const REGION_NAMES: [&str; REGIONS] = [
    "华东大区",
    "华北大区",
    "华南大区",
    "华中大区",
    "西南大区",
    "西北大区",
    "东北大区",
    "港澳大区",
];

const CITIES: [[&str; BRANCHES]; REGIONS] = [
    [
        "上海", "杭州", "南京", "苏州", "宁波", "无锡", "合肥", "福州", "厦门", "济南",
    ],
    [
        "北京",
        "天津",
        "石家庄",
        "太原",
        "呼和浩特",
        "唐山",
        "保定",
        "青岛",
        "烟台",
        "潍坊",
    ],
    [
        "广州", "深圳", "东莞", "佛山", "珠海", "南宁", "海口", "汕头", "惠州", "中山",
    ],
    [
        "武汉", "长沙", "郑州", "南昌", "洛阳", "宜昌", "襄阳", "株洲", "九江", "开封",
    ],
    [
        "成都", "重庆", "昆明", "贵阳", "拉萨", "绵阳", "宜宾", "遵义", "大理", "南充",
    ],
    [
        "西安",
        "兰州",
        "西宁",
        "银川",
        "乌鲁木齐",
        "宝鸡",
        "咸阳",
        "榆林",
        "天水",
        "克拉玛依",
    ],
    [
        "沈阳",
        "大连",
        "长春",
        "哈尔滨",
        "鞍山",
        "吉林",
        "大庆",
        "锦州",
        "齐齐哈尔",
        "丹东",
    ],
    [
        "香港", "澳门", "九龙", "新界", "沙田", "荃湾", "屯门", "元朗", "大埔", "西贡",
    ],
];

const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
];

const GIVEN: [&str; 48] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "文", "玲", "斌", "辉", "鹏", "宇", "浩", "凯",
    "婷", "雪", "琳", "晨", "欣", "悦", "博", "航", "峰", "健", "蕾", "倩", "颖", "帆", "昊", "然",
];

const BRANDS: [&str; 50] = [
    "瑞丰", "汇通", "安泰", "恒远", "金桥", "鼎盛", "宏达", "精工", "华美", "远航", "联创", "天工",
    "仁和", "康宁", "安康", "博济", "济民", "同心", "永信", "中诚", "嘉禾", "泰和", "新元", "明德",
    "启航", "盛世", "百川", "万通", "国泰", "海纳", "长风", "东方", "北辰", "南山", "西城", "中联",
    "华信", "利民", "兴业", "正大", "光明", "宝丰", "鸿运", "锦程", "凯旋", "融通", "信达", "德润",
    "和顺", "云海",
];

/// (suffix, industry)
const KINDS: [(&str, &str); 12] = [
    ("银行", "金融"),
    ("证券", "金融"),
    ("保险", "金融"),
    ("信托", "金融"),
    ("机械", "制造"),
    ("汽车零部件", "制造"),
    ("家电", "制造"),
    ("电子", "制造"),
    ("钢铁", "制造"),
    ("医院", "医疗"),
    ("医药", "医疗"),
    ("医疗器械", "医疗"),
];

const STRATEGIES: [&str; 5] = [
    "与决策人建立信任，突出同行业成功案例",
    "展厅参观 + 现场演示，争取书面意向",
    "先做试点，再谈全面推广",
    "与信息部门共建方案，争取列入年度预算",
    "回顾上线价值，提出续约条件",
];

/// Where the large demo's lines of actuals go.
pub enum Actuals<'a> {
    /// Into the plan (the large demo).
    Plan,
    /// Not into the plan: each person's lines are handed to the function instead (the import
    /// benchmark writes them to a file to import). The rest of the plan is the same.
    Elsewhere(&'a mut dyn FnMut(&[ActualRow]) -> Result<()>),
}

/// Writes a large plan of the given shape to a new file; progress goes to `progress` (0 to 1).
pub fn create_large(path: &std::path::Path, shape: Shape, progress: &dyn Fn(f32)) -> Result<Store> {
    create_large_with(path, shape, Actuals::Plan, progress)
}

/// [`create_large`], with the lines of actuals going where `actuals` says.
pub fn create_large_with(
    path: &std::path::Path,
    shape: Shape,
    mut actuals: Actuals,
    progress: &dyn Fn(f32),
) -> Result<Store> {
    if shape.regions > REGIONS || shape.branches > BRANCHES || shape.per_branch > 25 {
        return Err(internal(
            "the largest shape is 8 regions × 10 branches × 25 people",
        ));
    }
    let mut plan = demo_plan();
    plan.name = format!("{DEMO_YEAR} 年度销售计划（集团）");
    plan.organisation = "云帆软件集团".to_owned();
    plan.company = "云帆软件集团".to_owned();
    Store::create_with(path, &plan, |b| {
        fill_large(b, shape, &mut actuals, progress)
    })
}

struct Person {
    id: NodeId,
    target: Money,
    customers: Vec<CustomerId>,
}

fn date(year: i16, month: i8, day: i8) -> Result<Date> {
    Date::new(year, month, day).map_err(|e| internal(&e.to_string()))
}

/// A day of `year` in a month picked with the history's monthly pattern (of the first
/// `months` months).
fn pattern_day(dice: &mut Dice, year: i16, months: usize) -> Result<Date> {
    let month = dice.pick(&MONTH_PATTERN[..months]) as i8 + 1;
    date(year, month, dice.between(1, 28) as i8)
}

fn fill_large(b: &Bulk, shape: Shape, actuals: &mut Actuals, progress: &dyn Fn(f32)) -> Result<()> {
    let mut dice = Dice(20_261_203);
    let root = b.root()?;

    // Product lines and products, as in the small demo.
    let mut lines: Vec<LineId> = Vec::new();
    let mut products: Vec<(ProductId, LineId)> = Vec::new();
    for l in &LINES {
        let line = b.add_line(&ProductLineFields {
            name: l.name.to_owned(),
            code: l.code.to_owned(),
            description: l.description.to_owned(),
        })?;
        for (name, price_wan) in l.products {
            let id = b.add_product(&ProductFields {
                line,
                name: name.to_owned(),
                list_price: Money::from_fen(price_wan * WAN),
            })?;
            products.push((id, line));
        }
        b.set_life_cycle(line, Some(l.life_cycle))?;
        lines.push(line);
    }

    // The organisation: regions, branches, people with unique names.
    let mut used = HashSet::new();
    let mut people: Vec<Person> = Vec::new();
    let mut branches: Vec<(NodeId, usize, usize)> = Vec::new();
    let mut regions = Vec::new();
    for (r, region_name) in REGION_NAMES.iter().take(shape.regions).enumerate() {
        let region = b.add_node(root, UnitKind::Region, region_name)?;
        regions.push(region);
        for (c, city) in CITIES[r].iter().take(shape.branches).enumerate() {
            let branch = b.add_node(region, UnitKind::City, &format!("{city}分公司"))?;
            branches.push((branch, r, c));
            for _ in 0..shape.per_branch {
                let name = loop {
                    let s = SURNAMES[dice.between(0, SURNAMES.len() as i64 - 1) as usize];
                    let g1 = GIVEN[dice.between(0, GIVEN.len() as i64 - 1) as usize];
                    let name = if dice.between(0, 2) == 0 {
                        format!("{s}{g1}")
                    } else {
                        let g2 = GIVEN[dice.between(0, GIVEN.len() as i64 - 1) as usize];
                        format!("{s}{g1}{g2}")
                    };
                    if used.insert(name.clone()) {
                        break name;
                    }
                };
                let id = b.add_node(branch, UnitKind::Person, &name)?;
                b.update_person(
                    id,
                    &PersonFields {
                        title: "大客户经理".to_owned(),
                        email: format!("am{:04}@example.com", people.len() + 1),
                        visits_per_week: Some(10),
                    },
                )?;
                // Targets between 800万 and 1,200万, in 10万 steps.
                let target = Money::from_fen(dice.between(80, 120) * 10 * WAN);
                people.push(Person {
                    id,
                    target,
                    customers: Vec::new(),
                });
            }
        }
    }
    progress(0.05);

    // Customers: every combination of city, brand and kind is a distinct name; each person
    // gets ten of their branch's city.
    let mut names_by_city: Vec<Vec<(String, &str)>> = Vec::new();
    for (_, r, c) in &branches {
        let city = CITIES[*r][*c];
        let mut names: Vec<(String, &str)> = BRANDS
            .iter()
            .flat_map(|brand| {
                KINDS
                    .iter()
                    .map(move |(suffix, industry)| (format!("{city}{brand}{suffix}"), *industry))
            })
            .collect();
        // A deterministic shuffle so neighbours differ in brand and industry.
        for i in (1..names.len()).rev() {
            let j = dice.between(0, i as i64) as usize;
            names.swap(i, j);
        }
        names_by_city.push(names);
    }
    for (n, person) in people.iter_mut().enumerate() {
        let branch = n / shape.per_branch;
        let (_, r, c) = branches[branch];
        let first = (n % shape.per_branch) * CUSTOMERS_PER_PERSON;
        for (name, industry) in &names_by_city[branch][first..first + CUSTOMERS_PER_PERSON] {
            let rating = ["A", "A", "B", "B", "B", "C", "D"][dice.between(0, 6) as usize];
            let id = b.add_customer(&CustomerFields {
                name: name.clone(),
                industry: (*industry).to_owned(),
                region: CITIES[r][c].to_owned(),
                credit_rating: rating.to_owned(),
                owner: Some(person.id),
            })?;
            person.customers.push(id);
        }
    }
    progress(0.08);

    // Three years of contract history, growing 15% a year.
    let mut year_totals = Vec::new();
    for (y, year) in [2023i16, 2024, 2025].into_iter().enumerate() {
        let mut sales = Vec::new();
        let mut total = Money::ZERO;
        for (n, person) in people.iter().enumerate() {
            let count = [26, 30, 35][y] + dice.between(-3, 3);
            for k in 0..count {
                let size = dice.between(10, 45) * WAN;
                let (product, line) = products[dice.between(0, products.len() as i64 - 1) as usize];
                let customer = person.customers[dice.between(0, 9) as usize];
                sales.push(HistorySale {
                    date: pattern_day(&mut dice, year, 12)?,
                    amount: Money::from_fen(size),
                    line: Some(line),
                    product: Some(product),
                    node: Some(person.id),
                    customer: Some(customer),
                    reference: format!("HT-{year}-{:04}-{:02}", n + 1, k + 1),
                });
                total += Money::from_fen(size);
            }
        }
        sales.sort_by_key(|s| s.date);
        b.add_history(&sales)?;
        year_totals.push((i32::from(year), total));
    }
    progress(0.15);

    let funnel = funnel_and_calendar(b)?;

    // Targets: people by line and month, funnels; branches, regions and the company as the
    // sums of their people.
    let amount = Metric::ContractAmount;
    let line_weights: Vec<Ratio> = LINES
        .iter()
        .map(|l| Ratio::percent(l.share_percent))
        .collect();
    let season: Vec<Ratio> = MONTH_PATTERN
        .iter()
        .map(|&p| Ratio::from_integer(i128::from(p)))
        .collect();
    let mut line_totals = vec![Money::ZERO; lines.len()];
    for person in &people {
        let t = person.target;
        b.set_target(person.id, None, Period::Year, amount, t.fen())?;
        let parts = split::split_money(t, &line_weights, &[None, None, None])
            .map_err(|e| internal(&e.to_string()))?;
        for (i, (line, part)) in lines.iter().zip(parts).enumerate() {
            b.set_target(person.id, Some(*line), Period::Year, amount, part.fen())?;
            line_totals[i] += part;
        }
        let months =
            split::split_money(t, &season, &[None; 12]).map_err(|e| internal(&e.to_string()))?;
        for (m, part) in months.into_iter().enumerate() {
            b.set_target(
                person.id,
                None,
                Period::Month(m as u8 + 1),
                amount,
                part.fen(),
            )?;
        }
        let f = reverse_funnel(t, funnel.deal_size, funnel.win_rate)
            .map_err(|e| internal(&format!("{e:?}")))?;
        b.set_target(person.id, None, Period::Year, Metric::Deals, f.deals)?;
        b.set_target(person.id, None, Period::Year, Metric::Leads, f.leads)?;
    }
    let mut company = Money::ZERO;
    for (i, region) in regions.iter().enumerate() {
        let mut region_total = Money::ZERO;
        for (branch, r, c) in &branches {
            if *r != i {
                continue;
            }
            let first = (r * shape.branches + c) * shape.per_branch;
            let sum: Money = people[first..first + shape.per_branch]
                .iter()
                .map(|p| p.target)
                .sum();
            b.set_target(*branch, None, Period::Year, amount, sum.fen())?;
            region_total += sum;
        }
        b.set_target(*region, None, Period::Year, amount, region_total.fen())?;
        company += region_total;
    }
    b.set_target(root, None, Period::Year, amount, company.fen())?;
    for (line, total) in lines.iter().zip(&line_totals) {
        b.set_target(root, Some(*line), Period::Year, amount, total.fen())?;
    }
    let mut derivation = demo_derivation();
    let scale = (i64::try_from(people.len()).unwrap_or(1) / 5).max(1);
    if let Some(s) = derivation.strategy.as_mut() {
        s.market_size = Money::from_fen(s.market_size.fen() * scale);
    }
    derivation.history = Some(HistoryInputs {
        years: year_totals,
        method: HistoryMethod::Cagr,
    });
    derivation.override_target = Some(Override {
        target: company,
        reason: "各大区汇总后确定的集团年度承诺目标".to_owned(),
    });
    b.set_derivation_inputs(None, &derivation)?;
    progress(0.2);

    // Opportunities with their stage history, and the matrix cells of the open ones.
    let today = date(2026, 11, 30)?;
    let first_day = date(2024, 1, 1)?;
    let span = first_day
        .until(today)
        .map_err(|e| internal(&e.to_string()))?;
    let span_days = i64::from(span.get_days()).max(1);
    let mut opp_no = 0usize;
    for (n, person) in people.iter().enumerate() {
        let mut rows = Vec::with_capacity(OPPORTUNITIES_PER_PERSON);
        for _ in 0..OPPORTUNITIES_PER_PERSON {
            opp_no += 1;
            let engaged = first_day
                .checked_add(jiff::Span::new().days(dice.between(0, span_days - 30)))
                .map_err(|e| internal(&e.to_string()))?;
            let (product, _) = products[dice.between(0, products.len() as i64 - 1) as usize];
            let customer = person.customers[dice.between(0, 9) as usize];
            let value = Money::from_fen(dice.between(10, 60) * WAN);
            let old = engaged.year() < 2026 || engaged.month() < 6;
            let roll = dice.between(0, 99);
            let (status, last) = if old {
                match roll {
                    0..40 => (DealStatus::Won, dice.between(6, 8) as u8),
                    40..80 => (DealStatus::Lost, dice.between(1, 5) as u8),
                    _ => (DealStatus::Open, dice.between(3, 5) as u8),
                }
            } else {
                match roll {
                    0..15 => (DealStatus::Won, 6),
                    15..35 => (DealStatus::Lost, dice.between(1, 4) as u8),
                    _ => (DealStatus::Open, dice.between(1, 5) as u8),
                }
            };
            let mut moves = Vec::new();
            let mut on = engaged;
            for stage in 1..=last {
                // Some deals skip an early stage; the first and the last are always there.
                if stage > 1 && stage < last && stage < 6 && dice.between(0, 4) == 0 {
                    continue;
                }
                if stage > 1 {
                    let next = on
                        .checked_add(jiff::Span::new().days(dice.between(5, 40)))
                        .map_err(|e| internal(&e.to_string()))?;
                    on = next.min(today);
                }
                moves.push((stage, on));
            }
            let close = match status {
                DealStatus::Open => Some(
                    date(2026, 12, 1)?
                        .checked_add(jiff::Span::new().days(dice.between(0, 180)))
                        .map_err(|e| internal(&e.to_string()))?,
                ),
                DealStatus::Won => moves.iter().find(|m| m.0 == 6).map(|m| m.1),
                DealStatus::Lost => Some(on),
            };
            rows.push(OpportunityRow {
                source_id: format!("CRM-{opp_no:07}"),
                name: format!("商机 {opp_no:07}"),
                person: person.id,
                customer,
                product,
                stage: last,
                status,
                engaged,
                close,
                value,
                moves,
            });
        }
        let ids = b.add_opportunity_rows(&rows)?;
        let mut seen = HashSet::new();
        let mut cells = Vec::new();
        for (row, id) in rows.iter().zip(ids) {
            if row.status != DealStatus::Open || !seen.insert((row.customer, row.product)) {
                continue;
            }
            cells.push(MatrixRow {
                customer: row.customer,
                product: row.product,
                opportunity: Some(id),
                fields: CellFields {
                    strategy: STRATEGIES[dice.between(0, 4) as usize].to_owned(),
                    people: dice.between(1, 4) as u32,
                    budget: Money::from_fen(dice.between(1, 5) * WAN),
                    potential: row.value,
                    close_month: row.close.map(|d| d.first_of_month()),
                    probability: None,
                },
            });
        }
        b.add_matrix_rows(&cells)?;
        if n % 100 == 99 {
            progress(0.2 + 0.25 * (n + 1) as f32 / people.len() as f32);
        }
    }

    // One million lines of actuals in the plan year, written person by person.
    let mut key = 0usize;
    for (n, person) in people.iter().enumerate() {
        let mut rows = Vec::new();
        for (kind, count) in ACTUALS_PER_PERSON {
            for _ in 0..count {
                key += 1;
                let (product, line) = products[dice.between(0, products.len() as i64 - 1) as usize];
                let amount = match kind {
                    ActualKind::Contract => Some(Money::from_fen(dice.between(10, 35) * WAN)),
                    ActualKind::Collection => Some(Money::from_fen(dice.between(5, 30) * WAN)),
                    _ => None,
                };
                rows.push(ActualRow {
                    source_key: format!("SJ-{key:07}"),
                    date: pattern_day(&mut dice, DEMO_YEAR as i16, usize::from(ACTUAL_MONTHS))?,
                    kind,
                    person: person.id,
                    customer: Some(person.customers[dice.between(0, 9) as usize]),
                    product: Some(product),
                    line: Some(line),
                    amount,
                    count: 1,
                });
            }
        }
        rows.sort_by_key(|r| r.date);
        match actuals {
            Actuals::Plan => b.add_actual_rows(&rows)?,
            Actuals::Elsewhere(f) => f(&rows)?,
        }
        if n % 100 == 99 {
            progress(0.45 + 0.4 * (n + 1) as f32 / people.len() as f32);
        }
    }

    // Each person's year: monthly actions, support, goals, a contact per customer, an expense
    // budget with spending, and three contracts of this year with their receipts.
    let kinds = [
        ActionKind::Visit,
        ActionKind::Demo,
        ActionKind::Survey,
        ActionKind::Bid,
        ActionKind::Negotiate,
        ActionKind::Sign,
    ];
    for (n, person) in people.iter().enumerate() {
        for month in 1..=12u8 {
            for _ in 0..2 {
                let kind = kinds[dice.between(0, kinds.len() as i64 - 1) as usize];
                let done = month <= ACTUAL_MONTHS && dice.between(0, 3) > 0;
                b.add_action(
                    person.id,
                    month,
                    &ActionFields {
                        customer: Some(person.customers[dice.between(0, 9) as usize]),
                        product: Some(products[dice.between(0, 5) as usize].0),
                        kind,
                        count: dice.between(1, 3) as u32,
                        expected: if kind == ActionKind::Sign {
                            Money::from_fen(dice.between(20, 80) * WAN)
                        } else {
                            Money::ZERO
                        },
                        status: if done {
                            ActionStatus::Done
                        } else {
                            ActionStatus::Planned
                        },
                        note: String::new(),
                    },
                )?;
            }
            if month % 3 == 1 {
                b.add_support(person.id, month, SupportKind::Demo, "客户现场演示")?;
            }
        }
        for (kind, target) in [
            (GoalKind::NewAccounts, Ratio::from_integer(2)),
            (GoalKind::Implementation, Ratio::percent(95)),
            (GoalKind::Renewal, Ratio::percent(80)),
        ] {
            b.account(&AccountChange::SetGoal {
                person: person.id,
                kind,
                target: Some(target),
            })?;
        }
        for (k, customer) in person.customers.iter().enumerate() {
            b.account(&AccountChange::AddContact {
                customer: *customer,
                fields: ContactFields {
                    name: format!("联系人 {:05}-{k}", n + 1),
                    title: "信息部经理".to_owned(),
                    role: "技术评估".to_owned(),
                    phone: format!("400-{:04}-{k:03}", n + 1),
                    email: String::new(),
                },
            })?;
        }
        let mut cells = Vec::new();
        for month in 1..=12u8 {
            for item in 1..=7i64 {
                let wan = if item == 1 && month == 3 { 5 } else { 1 };
                cells.push((person.id, item, month, Some(Money::from_fen(wan * WAN))));
            }
        }
        b.finance(&FinanceChange::SetBudget(cells))?;
        for month in 1..=ACTUAL_MONTHS {
            b.finance(&FinanceChange::AddExpense {
                node: person.id,
                item: dice.between(1, 7),
                month,
                amount: Money::from_fen(dice.between(20, 150) * WAN / 100),
                note: String::new(),
            })?;
        }
        for k in 0..3 {
            let amount = Money::from_fen(dice.between(20, 120) * WAN);
            let signed = date(2026, dice.between(1, 9) as i8, dice.between(1, 28) as i8)?;
            let template = &TEMPLATES[dice.between(0, TEMPLATES.len() as i64 - 1) as usize];
            let parts = schedule(template, amount, signed).ok_or_else(|| internal("schedule"))?;
            let first = parts.first().map(|p| (p.1, p.2));
            b.finance(&FinanceChange::AddContract(NewContract {
                customer: Some(person.customers[dice.between(0, 9) as usize]),
                person: Some(person.id),
                number: format!("HT-2026-{:04}-{}", n + 1, k + 1),
                signed,
                amount,
                installments: parts
                    .into_iter()
                    .map(|(label, due, m)| (i18n::tr(Lang::Zh, label).into_owned(), due, m))
                    .collect(),
            }))?;
            let id = b.last_contract()?;
            if let Some((due, part)) = first
                && due <= today
                && part > Money::ZERO
            {
                b.finance(&FinanceChange::AddReceipt {
                    contract: id,
                    installment: None,
                    date: due,
                    amount: part,
                    reference: String::new(),
                })?;
            }
        }
        if n % 100 == 99 {
            progress(0.85 + 0.15 * (n + 1) as f32 / people.len() as f32);
        }
    }
    progress(1.0);
    Ok(())
}
