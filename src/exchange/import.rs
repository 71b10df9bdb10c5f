//! Preparing an import: a read table and the user's column mapping become plan records, with
//! every problem listed by row, column, value and reason. Nothing is written here — the store
//! writes the prepared records in one transaction, or nothing when there are problems.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::domain::model::ActualKind;
use crate::domain::money::Money;
use crate::exchange::fields::{Field, ImportKind, StageValue, default_actual_kind, default_stage};
use crate::exchange::source::{Cell, CellKind, Table};
use crate::exchange::values::{self, DateColumn, DayOrder, ValueError, match_key, normalize_name};
use crate::i18n::{Lang, Localized};

/// Everything the user decided about a file: what it holds, which column is which field, what
/// its stage and activity names mean, and how to read ambiguous dates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSettings {
    pub kind: Option<ImportKind>,
    /// One entry per source column.
    pub columns: Vec<Option<Field>>,
    /// Stage values (by [`match_key`]) the user mapped; others use [`default_stage`].
    pub stages: BTreeMap<String, StageValue>,
    /// Actual kinds (by [`match_key`]) the user mapped; others use [`default_actual_kind`].
    pub actual_kinds: BTreeMap<String, ActualKind>,
    /// The user's answer when a date column is ambiguous (1/5/2024: January 5 or May 1?).
    pub day_order: Option<DayOrder>,
}

/// The layout of a file, for remembering its mapping: the kind and the headers' match keys.
pub fn layout_signature(kind: ImportKind, headers: &[String]) -> String {
    let keys: Vec<String> = headers.iter().map(|h| match_key(h)).collect();
    format!("{}|{}", kind.code(), keys.join("|"))
}

/// Why a row (or the whole file) cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    Value(ValueError),
    MissingValue {
        field: Field,
    },
    MissingColumn {
        field: Field,
    },
    UnknownStage {
        value: String,
    },
    UnknownActualKind {
        value: String,
    },
    DuplicateId {
        first_line: usize,
    },
    AmbiguousDates {
        examples: Vec<String>,
    },
    ConflictingDates {
        month_first_line: usize,
        day_first_line: usize,
    },
    Negative,
    NoRows,
    Funnel(crate::domain::funnel::FunnelInputError),
    UnknownProduct {
        name: String,
    },
    /// The first row holds a title (one cell, often merged across), not the column headers.
    TitleRow {
        title: String,
    },
    /// A CSV row with more cells than the header row has columns: a value split at a comma.
    ExtraCells {
        cells: usize,
        columns: usize,
    },
}

impl Localized for Reason {
    fn message_key(&self) -> &'static str {
        match self {
            Self::Value(e) => e.message_key(),
            Self::MissingValue { .. } => "err.import.missing_value",
            Self::MissingColumn { .. } => "err.import.missing_column",
            Self::UnknownStage { .. } => "err.import.unknown_stage",
            Self::UnknownActualKind { .. } => "err.import.unknown_actual_kind",
            Self::DuplicateId { .. } => "err.import.duplicate_id",
            Self::AmbiguousDates { .. } => "err.import.ambiguous_dates",
            Self::ConflictingDates { .. } => "err.import.conflicting_dates",
            Self::Negative => "err.import.negative",
            Self::NoRows => "err.import.no_rows",
            Self::Funnel(e) => e.message_key(),
            Self::UnknownProduct { .. } => "err.store.unknown_product",
            Self::TitleRow { .. } => "err.import.title_row",
            Self::ExtraCells { .. } => "err.import.extra_cells",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Value(e) => e.message_args(),
            Self::MissingValue { field } | Self::MissingColumn { field } => {
                vec![("field", field.code().to_owned())]
            }
            Self::UnknownStage { value } | Self::UnknownActualKind { value } => {
                vec![("value", value.clone())]
            }
            Self::DuplicateId { first_line } => vec![("first_line", first_line.to_string())],
            Self::AmbiguousDates { examples } => vec![("examples", examples.join(", "))],
            Self::ConflictingDates {
                month_first_line,
                day_first_line,
            } => vec![
                ("month_first_line", month_first_line.to_string()),
                ("day_first_line", day_first_line.to_string()),
            ],
            Self::Negative | Self::NoRows => Vec::new(),
            Self::Funnel(e) => e.message_args(),
            Self::UnknownProduct { name } => vec![("name", name.clone())],
            Self::TitleRow { title } => vec![("title", title.clone())],
            Self::ExtraCells { cells, columns } => vec![
                ("cells", cells.to_string()),
                ("columns", columns.to_string()),
            ],
        }
    }

    /// Field names in messages are shown translated.
    fn localize(&self, lang: Lang) -> String {
        let mut args = self.message_args();
        if let Self::MissingValue { field } | Self::MissingColumn { field } = self {
            args = vec![(
                "field",
                crate::i18n::tr(lang, field.label_key()).into_owned(),
            )];
        }
        // A list reads with the language's own separator.
        if let Self::AmbiguousDates { examples } = self {
            let separator = match lang {
                Lang::Zh => "、",
                Lang::En => ", ",
            };
            args = vec![("examples", examples.join(separator))];
        }
        crate::i18n::trf(lang, self.message_key(), &args)
    }
}

/// One problem: where (row, column), what (value) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Row number as the user sees it in the file; `None` for the whole file.
    pub line: Option<usize>,
    pub column: Option<String>,
    pub value: String,
    pub reason: Reason,
}

impl Problem {
    /// The problem in one sentence: row, column, value, reason.
    pub fn describe(&self, lang: Lang) -> String {
        let reason = self.reason.localize(lang);
        match (self.line, &self.column) {
            (Some(line), Some(column)) => crate::i18n::trf(
                lang,
                "import.problem.cell",
                &[
                    ("line", line.to_string()),
                    ("column", column.clone()),
                    ("value", self.value.clone()),
                    ("reason", reason),
                ],
            ),
            (Some(line), None) => crate::i18n::trf(
                lang,
                "import.problem.row",
                &[("line", line.to_string()), ("reason", reason)],
            ),
            (None, Some(column)) => crate::i18n::trf(
                lang,
                "import.problem.column",
                &[("column", column.clone()), ("reason", reason)],
            ),
            (None, None) => reason,
        }
    }
}

/// A valid row, ready to be written. Names are normalised as typed; the store resolves them
/// to existing people, customers, products and lines (or creates them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Person {
        name: String,
        manager: Option<String>,
        region: Option<String>,
        title: Option<String>,
        email: Option<String>,
        visits_per_week: Option<u32>,
    },
    Product {
        name: String,
        line: String,
        price: Option<Money>,
    },
    Customer {
        name: String,
        industry: Option<String>,
        region: Option<String>,
        credit_rating: Option<String>,
        owner: Option<String>,
    },
    Opportunity {
        key: String,
        person: Option<String>,
        customer: Option<String>,
        product: Option<String>,
        stage: StageValue,
        engage_date: Option<Date>,
        close_date: Option<Date>,
        value: Option<Money>,
    },
    History {
        key: String,
        date: Date,
        amount: Money,
        line: Option<String>,
        region: String,
        person: Option<String>,
        customer: Option<String>,
        product: Option<String>,
    },
    Actual {
        key: String,
        date: Date,
        kind: ActualKind,
        person: Option<String>,
        amount: Option<Money>,
        count: u64,
        customer: Option<String>,
        product: Option<String>,
        line: Option<String>,
    },
    /// Money spent on an expense item.
    Expense {
        key: String,
        date: Date,
        person: String,
        item: String,
        amount: Money,
        note: String,
    },
    /// One installment of a contract's payment schedule (rows of a contract make its schedule).
    Installment {
        contract: String,
        due: Date,
        amount: Money,
        label: String,
        customer: Option<String>,
        person: Option<String>,
        signed: Option<Date>,
    },
    /// Money received against a contract.
    Receipt {
        key: String,
        contract: String,
        date: Date,
        amount: Money,
        note: String,
    },
}

/// The outcome of preparing: the valid records, the problems, and what the file's values are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    pub kind: ImportKind,
    pub rows_read: usize,
    /// (row number, record) for every valid row.
    pub records: Vec<(usize, Record)>,
    pub problems: Vec<Problem>,
    /// Distinct stage values in the file with what they were taken to mean (`None`: unknown).
    pub stage_values: BTreeMap<String, Option<StageValue>>,
    /// Distinct actual-kind values with their meaning.
    pub actual_kind_values: BTreeMap<String, Option<ActualKind>>,
    /// Rows refused (they have at least one problem).
    pub rows_refused: usize,
    /// Amounts with digits beyond the fen, rounded half away from zero.
    pub amounts_rounded: usize,
}

impl Prepared {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Why preparing stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Which column holds each field, by the field's place in [`Field::ALL`].
#[derive(Clone, Copy)]
struct Columns([Option<usize>; Field::ALL.len()]);

impl Columns {
    fn get(&self, field: Field) -> Option<usize> {
        self.0.get(field as usize).copied().flatten()
    }

    fn contains_key(&self, field: &Field) -> bool {
        self.get(*field).is_some()
    }
}

struct Cells<'a> {
    table: &'a Table,
    by_field: Columns,
    /// Dates already read, by field and text: a large file has the same few hundred dates on
    /// every row. (Reading a date depends only on its text, the column's day order and the
    /// workbook's date system.)
    dates: std::cell::RefCell<HashMap<Field, DatesRead>>,
}

/// The dates of a column already read, by their text.
type DatesRead = HashMap<String, Result<Date, values::ValueError>>;

/// How many distinct dates [`Cells::dates`] keeps.
const DATES_KEPT: usize = 100_000;

impl<'a> Cells<'a> {
    fn get(&self, cells: &'a [Cell], field: Field) -> Option<&'a Cell> {
        cells.get(self.by_field.get(field)?)
    }

    fn header(&self, field: Field) -> String {
        self.by_field
            .get(field)
            .and_then(|i| self.table.headers.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

fn blank(cell: Option<&Cell>) -> bool {
    cell.is_none_or(|c| values::is_blank(c.kind, &c.text))
}

/// A short copy of a value for messages.
fn shown(cell: Option<&Cell>) -> String {
    let text = cell.map(|c| c.text.as_str()).unwrap_or("");
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Stable 64-bit FNV-1a hash, for content keys (the same row always gets the same key).
fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Problems found in one row, with a helper to record them.
struct RowCheck<'a, 'b> {
    line: usize,
    cells: &'b [Cell],
    ctx: &'b Cells<'a>,
    problems: Vec<Problem>,
    /// Amounts in this row rounded to the fen.
    rounded: usize,
}

impl<'a, 'b> RowCheck<'a, 'b> {
    fn cell(&self, field: Field) -> Option<&'b Cell>
    where
        'a: 'b,
    {
        self.ctx.get(self.cells, field)
    }

    fn problem(&mut self, field: Field, reason: Reason) {
        let cell = self.cell(field);
        self.problems.push(Problem {
            line: Some(self.line),
            column: Some(self.ctx.header(field)),
            value: shown(cell),
            reason,
        });
    }

    /// A name field (normalised), `None` when blank.
    fn name(&self, field: Field) -> Option<String>
    where
        'a: 'b,
    {
        self.name_ref(field).map(std::borrow::Cow::into_owned)
    }

    /// [`Self::name`] without copying a name that is already normal.
    fn name_ref(&self, field: Field) -> Option<std::borrow::Cow<'b, str>>
    where
        'a: 'b,
    {
        let cell = self.cell(field)?;
        if cell.kind == CellKind::Empty {
            return None;
        }
        // Blank (nothing left once normalised) is no name.
        let name = values::normalized(&cell.text);
        (!name.is_empty()).then_some(name)
    }

    fn required_name(&mut self, field: Field) -> Option<String>
    where
        'a: 'b,
    {
        let name = self.name(field);
        if name.is_none() {
            self.problem(field, Reason::MissingValue { field });
        }
        name
    }

    fn amount(&mut self, field: Field, required: bool, allow_negative: bool) -> Option<Money>
    where
        'a: 'b,
    {
        let cell = self.cell(field);
        if blank(cell) {
            if required {
                self.problem(field, Reason::MissingValue { field });
            }
            return None;
        }
        let c = cell?;
        match values::parse_amount_rounding(c.kind, &c.text) {
            Ok((m, _)) if m.is_negative() && !allow_negative => {
                self.problem(field, Reason::Negative);
                None
            }
            Ok((m, rounded)) => {
                self.rounded += usize::from(rounded);
                Some(m)
            }
            Err(e) => {
                self.problem(field, Reason::Value(e));
                None
            }
        }
    }

    fn count(&mut self, field: Field) -> Option<u64>
    where
        'a: 'b,
    {
        let cell = self.cell(field);
        if blank(cell) {
            return None;
        }
        let c = cell?;
        match values::parse_count(c.kind, &c.text) {
            Ok(n) => Some(n),
            Err(e) => {
                self.problem(field, Reason::Value(e));
                None
            }
        }
    }

    fn date(
        &mut self,
        field: Field,
        required: bool,
        order: Option<DayOrder>,
        date_1904: bool,
    ) -> Option<Date>
    where
        'a: 'b,
    {
        let cell = self.cell(field);
        if blank(cell) {
            if required {
                self.problem(field, Reason::MissingValue { field });
            }
            return None;
        }
        let c = cell?;
        let parsed = if c.kind == CellKind::Text {
            let mut dates = self.ctx.dates.borrow_mut();
            let dates = dates.entry(field).or_default();
            match dates.get(c.text.as_str()) {
                Some(parsed) => parsed.clone(),
                None => {
                    let parsed = values::parse_date_cell(c.kind, &c.text, order, date_1904);
                    if dates.len() < DATES_KEPT {
                        dates.insert(c.text.clone(), parsed.clone());
                    }
                    parsed
                }
            }
        } else {
            values::parse_date_cell(c.kind, &c.text, order, date_1904)
        };
        match parsed {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(field, Reason::Value(e));
                None
            }
        }
    }
}

/// Decides how each date column's year-last dates (1/5/2024) are read; problems for columns
/// that are ambiguous (and the user has not said) or that contradict themselves.
fn date_orders(
    table: &Table,
    ctx: &Cells,
    fields: &[Field],
    settings: &ImportSettings,
) -> (HashMap<Field, Option<DayOrder>>, Vec<Problem>) {
    let mut orders = HashMap::new();
    let mut problems = Vec::new();
    for &field in fields {
        let Some(col) = ctx.by_field.get(field) else {
            continue;
        };
        // Each text once, where it first appears: what decides the column is the first line
        // with a text that settles it, and the first few examples.
        let mut seen = std::collections::HashSet::new();
        let texts: Vec<(usize, &str)> = table
            .rows
            .iter()
            .filter_map(|r| {
                r.cells
                    .get(col)
                    .filter(|c| c.kind == CellKind::Text && seen.insert(c.text.as_str()))
                    .map(|c| (r.line, c.text.as_str()))
            })
            .collect();
        match values::classify_date_column(&texts) {
            DateColumn::Decided(order) => {
                orders.insert(field, order);
            }
            DateColumn::Ambiguous { examples } => match settings.day_order {
                Some(order) => {
                    orders.insert(field, Some(order));
                }
                None => problems.push(Problem {
                    line: None,
                    column: Some(ctx.header(field)),
                    value: String::new(),
                    reason: Reason::AmbiguousDates { examples },
                }),
            },
            DateColumn::Conflicting {
                month_first_line,
                day_first_line,
            } => problems.push(Problem {
                line: None,
                column: Some(ctx.header(field)),
                value: String::new(),
                reason: Reason::ConflictingDates {
                    month_first_line,
                    day_first_line,
                },
            }),
        }
    }
    (orders, problems)
}

/// The title in the first row, when it holds a single cell while the rows below hold several
/// (a title row, often merged across the columns, above the real header row).
pub fn title_row(table: &Table) -> Option<String> {
    let mut filled = table.headers.iter().filter(|h| !h.trim().is_empty());
    let title = filled.next()?;
    if filled.next().is_some() {
        return None;
    }
    let wider = table
        .rows
        .iter()
        .take(5)
        .any(|r| r.cells.iter().filter(|c| !c.is_blank()).count() > 1);
    wider.then(|| title.clone())
}

/// A row's cell count, when it has values beyond the header row's columns.
fn extra_cells(cells: &[Cell], columns: usize) -> Option<usize> {
    let last = cells.iter().rposition(|c| !c.is_blank())?;
    (last >= columns).then_some(last + 1)
}

/// Turns the table into records. `product_known` says whether a product name (as typed) is in
/// the plan: rows naming an unknown product are refused, since a product needs its product
/// line. `cancel` is checked every few thousand rows.
pub fn prepare(
    table: &Table,
    settings: &ImportSettings,
    kind: ImportKind,
    product_known: &dyn Fn(&str) -> bool,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<Prepared, Cancelled> {
    let mut by_field = Columns([None; Field::ALL.len()]);
    for (i, f) in settings.columns.iter().enumerate() {
        if let Some(f) = f
            && kind.has_field(*f)
            && i < table.headers.len().max(settings.columns.len())
            && let Some(slot) = by_field.0.get_mut(*f as usize)
        {
            slot.get_or_insert(i);
        }
    }
    let ctx = Cells {
        table,
        by_field,
        dates: Default::default(),
    };
    let mut prepared = Prepared {
        kind,
        rows_read: table.rows.len(),
        records: Vec::with_capacity(table.rows.len()),
        problems: Vec::new(),
        stage_values: BTreeMap::new(),
        actual_kind_values: BTreeMap::new(),
        rows_refused: 0,
        amounts_rounded: 0,
    };

    // File-level checks first: required columns, date columns.
    for &(field, required, _) in kind.fields() {
        if required && !ctx.by_field.contains_key(&field) {
            prepared.problems.push(Problem {
                line: None,
                column: None,
                value: String::new(),
                reason: Reason::MissingColumn { field },
            });
        }
    }
    // A required column is missing because the first row is a title above the headers: say
    // that, rather than naming every column as missing.
    if let Some(title) = title_row(table)
        && !prepared.problems.is_empty()
    {
        prepared.problems = vec![Problem {
            line: None,
            column: None,
            value: String::new(),
            reason: Reason::TitleRow { title },
        }];
    }
    if table.rows.is_empty() {
        prepared.problems.push(Problem {
            line: None,
            column: None,
            value: String::new(),
            reason: Reason::NoRows,
        });
    }
    if !prepared.problems.is_empty() {
        prepared.rows_refused = table.rows.len();
        return Ok(prepared);
    }
    let date_fields = [
        Field::Date,
        Field::EngageDate,
        Field::CloseDate,
        Field::DueDate,
    ];
    let (orders, date_problems) = date_orders(table, &ctx, &date_fields, settings);
    if !date_problems.is_empty() {
        prepared.problems = date_problems;
        prepared.rows_refused = table.rows.len();
        return Ok(prepared);
    }
    let order = |f: Field| orders.get(&f).copied().flatten();

    // Room for every row's id at once (growing a table of a million ids rehashes them all).
    let ids = [Field::SourceId, Field::OpportunityId]
        .iter()
        .any(|f| ctx.by_field.contains_key(f));
    let mut seen_keys: HashMap<String, usize> =
        HashMap::with_capacity(if ids { table.rows.len() } else { 0 });
    let mut occurrences: HashMap<u64, usize> = HashMap::new();
    // A large file names the same few products over and over.
    let mut products_known: HashMap<String, bool> = HashMap::new();
    let total = table.rows.len().max(1);
    for (n, row) in table.rows.iter().enumerate() {
        if n % 4096 == 0 {
            if cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
            progress(n as f32 / total as f32);
        }
        let mut check = RowCheck {
            line: row.line,
            cells: &row.cells,
            ctx: &ctx,
            problems: Vec::new(),
            rounded: 0,
        };
        if let Some(cells) = extra_cells(&row.cells, table.headers.len()) {
            check.problems.push(Problem {
                line: Some(row.line),
                column: None,
                value: String::new(),
                reason: Reason::ExtraCells {
                    cells,
                    columns: table.headers.len(),
                },
            });
        }
        let record = match kind {
            ImportKind::People => person_record(&mut check),
            ImportKind::Products => product_record(&mut check),
            ImportKind::Customers => customer_record(&mut check),
            ImportKind::Opportunities => {
                opportunity_record(&mut check, settings, &mut prepared, &order, table.date_1904)
            }
            ImportKind::History => history_record(&mut check, &order, table.date_1904),
            ImportKind::Actuals => {
                actual_record(&mut check, settings, &mut prepared, &order, table.date_1904)
            }
            ImportKind::Expenses => {
                let date = check.date(Field::Date, true, order(Field::Date), table.date_1904);
                let person = check.required_name(Field::Person);
                let item = check.required_name(Field::ExpenseItem);
                let amount = check.amount(Field::Amount, true, false);
                let note = check.name(Field::Note).unwrap_or_default();
                match (date, person, item, amount) {
                    (Some(date), Some(person), Some(item), Some(amount)) => Some(Record::Expense {
                        key: String::new(),
                        date,
                        person,
                        item,
                        amount,
                        note,
                    }),
                    _ => None,
                }
            }
            ImportKind::PaymentSchedules => {
                let contract = check.required_name(Field::ContractNo);
                let due = check.date(Field::DueDate, true, order(Field::DueDate), table.date_1904);
                let amount = check.amount(Field::Amount, true, false);
                let signed = check.date(Field::Date, false, order(Field::Date), table.date_1904);
                match (contract, due, amount) {
                    (Some(contract), Some(due), Some(amount)) => Some(Record::Installment {
                        contract,
                        due,
                        amount,
                        label: check.name(Field::Installment).unwrap_or_default(),
                        customer: check.name(Field::Customer),
                        person: check.name(Field::Person),
                        signed,
                    }),
                    _ => None,
                }
            }
            ImportKind::Receipts => {
                let contract = check.required_name(Field::ContractNo);
                let date = check.date(Field::Date, true, order(Field::Date), table.date_1904);
                let amount = check.amount(Field::Amount, true, false);
                match (contract, date, amount) {
                    (Some(contract), Some(date), Some(amount)) => Some(Record::Receipt {
                        key: String::new(),
                        contract,
                        date,
                        amount,
                        note: check.name(Field::Note).unwrap_or_default(),
                    }),
                    _ => None,
                }
            }
        };
        if kind != ImportKind::Products
            && let Some(product) = check.name_ref(Field::Product)
            && !match products_known.get(product.as_ref()) {
                Some(&known) => known,
                None => {
                    let known = product_known(&product);
                    products_known.insert(product.to_string(), known);
                    known
                }
            }
        {
            let product = product.into_owned();
            check.problem(Field::Product, Reason::UnknownProduct { name: product });
        }
        let record = record.and_then(|r| keyed(r, &mut check, &mut seen_keys, &mut occurrences));
        if check.problems.is_empty() {
            if let Some(r) = record {
                prepared.records.push((row.line, r));
                prepared.amounts_rounded += check.rounded;
            }
        } else {
            prepared.rows_refused += 1;
            prepared.problems.append(&mut check.problems);
        }
    }
    progress(1.0);
    Ok(prepared)
}

/// The fields that make a row what it is, in a fixed order, for its content key.
fn content_text(record: &Record) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let money = |m: &Option<Money>| m.map(|m| m.fen().to_string()).unwrap_or_default();
    let date = |d: &Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let parts: Vec<String> = match record {
        Record::Opportunity {
            person,
            customer,
            product,
            stage,
            engage_date,
            close_date,
            value,
            ..
        } => vec![
            "opportunity".into(),
            match_key(&opt(person)),
            match_key(&opt(customer)),
            match_key(&opt(product)),
            format!("{stage:?}"),
            date(engage_date),
            date(close_date),
            money(value),
        ],
        Record::History {
            date: d,
            amount,
            line,
            region,
            person,
            customer,
            product,
            ..
        } => vec![
            "history".into(),
            d.to_string(),
            amount.fen().to_string(),
            match_key(&opt(line)),
            match_key(region),
            match_key(&opt(person)),
            match_key(&opt(customer)),
            match_key(&opt(product)),
        ],
        Record::Actual {
            date: d,
            kind,
            person,
            amount,
            count,
            customer,
            product,
            line,
            ..
        } => vec![
            "actual".into(),
            d.to_string(),
            kind.code().into(),
            match_key(&opt(person)),
            money(amount),
            count.to_string(),
            match_key(&opt(customer)),
            match_key(&opt(product)),
            match_key(&opt(line)),
        ],
        Record::Expense {
            date: d,
            person,
            item,
            amount,
            note,
            ..
        } => vec![
            "expense".into(),
            d.to_string(),
            match_key(person),
            match_key(item),
            amount.fen().to_string(),
            match_key(note),
        ],
        Record::Receipt {
            contract,
            date: d,
            amount,
            note,
            ..
        } => vec![
            "receipt".into(),
            match_key(contract),
            d.to_string(),
            amount.fen().to_string(),
            match_key(note),
        ],
        _ => Vec::new(),
    };
    parts.join("\u{1f}")
}

/// Gives history, actuals and opportunities their key: the source id when the file has one
/// (refusing an id that appears twice), else a key from the row's content and how many times
/// that content came before in the file — so importing the same file twice changes nothing.
fn keyed(
    mut record: Record,
    check: &mut RowCheck,
    seen: &mut HashMap<String, usize>,
    occurrences: &mut HashMap<u64, usize>,
) -> Option<Record> {
    if !matches!(
        record,
        Record::Opportunity { .. }
            | Record::History { .. }
            | Record::Actual { .. }
            | Record::Expense { .. }
            | Record::Receipt { .. }
    ) {
        return Some(record);
    }
    let id_field = [Field::SourceId, Field::OpportunityId]
        .into_iter()
        .find(|&f| check.cell(f).is_some());
    let source_id = id_field
        .and_then(|f| check.cell(f))
        .filter(|c| !values::is_blank(c.kind, &c.text))
        .map(|c| normalize_name(&c.text));
    let key = match (source_id, id_field) {
        (Some(id), Some(field)) => match seen.entry(id) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first_line = *first.get();
                check.problem(field, Reason::DuplicateId { first_line });
                return None;
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                let mut key = String::with_capacity(3 + slot.key().len());
                key.push_str("id:");
                key.push_str(slot.key());
                slot.insert(check.line);
                key
            }
        },
        _ => {
            let h = fnv1a(&content_text(&record));
            let n = occurrences.entry(h).or_insert(0);
            *n += 1;
            format!("h:{h:016x}#{n}")
        }
    };
    if let Record::Opportunity { key: k, .. }
    | Record::History { key: k, .. }
    | Record::Actual { key: k, .. }
    | Record::Expense { key: k, .. }
    | Record::Receipt { key: k, .. } = &mut record
    {
        *k = key;
    }
    Some(record)
}

fn person_record(c: &mut RowCheck) -> Option<Record> {
    let name = c.required_name(Field::Person);
    let visits = c.count(Field::VisitsPerWeek);
    let visits = match visits {
        Some(v) => {
            let v = u32::try_from(v).unwrap_or(u32::MAX);
            match crate::domain::funnel::check_visits_per_week(v) {
                Ok(()) => Some(v),
                Err(e) => {
                    c.problem(Field::VisitsPerWeek, Reason::Funnel(e));
                    None
                }
            }
        }
        None => None,
    };
    Some(Record::Person {
        name: name?,
        manager: c.name(Field::Manager),
        region: c.name(Field::Region),
        title: c.name(Field::Title),
        email: c.name(Field::Email),
        visits_per_week: visits,
    })
}

fn product_record(c: &mut RowCheck) -> Option<Record> {
    let name = c.required_name(Field::Product);
    let line = c.required_name(Field::ProductLine);
    let price = c.amount(Field::Price, false, false);
    Some(Record::Product {
        name: name?,
        line: line?,
        price,
    })
}

fn customer_record(c: &mut RowCheck) -> Option<Record> {
    let name = c.required_name(Field::Customer)?;
    Some(Record::Customer {
        name,
        industry: c.name(Field::Industry),
        region: c.name(Field::Region),
        credit_rating: c.name(Field::CreditRating),
        owner: c.name(Field::Owner),
    })
}

fn opportunity_record(
    c: &mut RowCheck,
    settings: &ImportSettings,
    prepared: &mut Prepared,
    order: &dyn Fn(Field) -> Option<DayOrder>,
    date_1904: bool,
) -> Option<Record> {
    let stage_text = c.required_name(Field::Stage);
    let stage = stage_text.and_then(|text| {
        let key = match_key(&text);
        let meaning = settings
            .stages
            .get(&key)
            .copied()
            .or_else(|| default_stage(&text));
        prepared.stage_values.entry(text.clone()).or_insert(meaning);
        if meaning.is_none() {
            c.problem(Field::Stage, Reason::UnknownStage { value: text });
        }
        meaning
    });
    let engage_date = c.date(
        Field::EngageDate,
        false,
        order(Field::EngageDate),
        date_1904,
    );
    let close_date = c.date(Field::CloseDate, false, order(Field::CloseDate), date_1904);
    let value = c.amount(Field::Value, false, false);
    Some(Record::Opportunity {
        key: String::new(),
        person: c.name(Field::Person),
        customer: c.name(Field::Customer),
        product: c.name(Field::Product),
        stage: stage?,
        engage_date,
        close_date,
        value,
    })
}

fn history_record(
    c: &mut RowCheck,
    order: &dyn Fn(Field) -> Option<DayOrder>,
    date_1904: bool,
) -> Option<Record> {
    let date = c.date(Field::Date, true, order(Field::Date), date_1904);
    let amount = c.amount(Field::Amount, true, false);
    Some(Record::History {
        key: String::new(),
        date: date?,
        amount: amount?,
        line: c.name(Field::ProductLine),
        region: c.name(Field::Region).unwrap_or_default(),
        person: c.name(Field::Person),
        customer: c.name(Field::Customer),
        product: c.name(Field::Product),
    })
}

fn actual_record(
    c: &mut RowCheck,
    settings: &ImportSettings,
    prepared: &mut Prepared,
    order: &dyn Fn(Field) -> Option<DayOrder>,
    date_1904: bool,
) -> Option<Record> {
    let date = c.date(Field::Date, true, order(Field::Date), date_1904);
    let kind_text = c.name_ref(Field::ActualKind);
    if kind_text.is_none() {
        c.problem(
            Field::ActualKind,
            Reason::MissingValue {
                field: Field::ActualKind,
            },
        );
    }
    let kind = kind_text.and_then(|text| {
        // The same few values on every row: what a value means is found once.
        let meaning = match prepared.actual_kind_values.get(text.as_ref()) {
            Some(&meaning) => meaning,
            None => {
                let meaning = settings
                    .actual_kinds
                    .get(&match_key(&text))
                    .copied()
                    .or_else(|| default_actual_kind(&text));
                prepared
                    .actual_kind_values
                    .insert(text.to_string(), meaning);
                meaning
            }
        };
        if meaning.is_none() {
            let value = text.into_owned();
            c.problem(Field::ActualKind, Reason::UnknownActualKind { value });
        }
        meaning
    });
    let needs_amount = kind.is_some_and(ActualKind::is_money);
    let amount = c.amount(Field::Amount, needs_amount, false);
    let count = c.count(Field::Count).unwrap_or(1);
    Some(Record::Actual {
        key: String::new(),
        date: date?,
        kind: kind?,
        person: c.name(Field::Person),
        amount,
        count,
        customer: c.name(Field::Customer),
        product: c.name(Field::Product),
        line: c.name(Field::ProductLine),
    })
}

/// Distinct names a prepared import refers to, by what they name (for "will create" lists).
pub fn referenced_names(prepared: &Prepared) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut add = |what: &'static str, name: &Option<String>| {
        if let Some(n) = name {
            out.entry(what).or_default().insert(n.clone());
        }
    };
    for (_, r) in &prepared.records {
        match r {
            Record::Person {
                name,
                manager,
                region,
                ..
            } => {
                add("person", &Some(name.clone()));
                add("team", manager);
                add("region", region);
            }
            Record::Product { name, line, .. } => {
                add("product", &Some(name.clone()));
                add("product_line", &Some(line.clone()));
            }
            Record::Customer { name, owner, .. } => {
                add("customer", &Some(name.clone()));
                add("person", owner);
            }
            Record::Opportunity {
                person,
                customer,
                product,
                ..
            } => {
                add("person", person);
                add("customer", customer);
                add("product", product);
            }
            Record::History {
                line,
                person,
                customer,
                product,
                ..
            }
            | Record::Actual {
                line,
                person,
                customer,
                product,
                ..
            } => {
                add("product_line", line);
                add("person", person);
                add("customer", customer);
                add("product", product);
            }
            Record::Expense { person, .. } => add("person", &Some(person.clone())),
            Record::Installment {
                customer, person, ..
            } => {
                add("customer", customer);
                add("person", person);
            }
            Record::Receipt { .. } => {}
        }
    }
    out
}
