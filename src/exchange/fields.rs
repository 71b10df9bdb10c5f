//! What an import can fill in: the kinds of data, the fields of each kind, the column headers
//! that name each field in real exports (English and Chinese), and the pipeline stage names
//! that CRM exports use.

use serde::{Deserialize, Serialize};

use crate::exchange::values::match_key;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    People,
    Products,
    Customers,
    Opportunities,
    History,
    Actuals,
    Expenses,
    PaymentSchedules,
    Receipts,
}

impl ImportKind {
    pub const ALL: [ImportKind; 9] = [
        Self::People,
        Self::Products,
        Self::Customers,
        Self::Opportunities,
        Self::History,
        Self::Actuals,
        Self::Expenses,
        Self::PaymentSchedules,
        Self::Receipts,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::People => "people",
            Self::Products => "products",
            Self::Customers => "customers",
            Self::Opportunities => "opportunities",
            Self::History => "history",
            Self::Actuals => "actuals",
            Self::Expenses => "expenses",
            Self::PaymentSchedules => "payment-schedules",
            Self::Receipts => "receipts",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::People => "import.kind.people",
            Self::Products => "import.kind.products",
            Self::Customers => "import.kind.customers",
            Self::Opportunities => "import.kind.opportunities",
            Self::History => "import.kind.history",
            Self::Actuals => "import.kind.actuals",
            Self::Expenses => "import.kind.expenses",
            Self::PaymentSchedules => "import.kind.payment_schedules",
            Self::Receipts => "import.kind.receipts",
        }
    }

    /// The kind's fields: (field, required, matched automatically by header).
    pub fn fields(self) -> &'static [(Field, bool, bool)] {
        use Field::*;
        match self {
            Self::People => &[
                (Person, true, true),
                (Manager, false, true),
                (Region, false, true),
                (Title, false, true),
                (Email, false, true),
                (VisitsPerWeek, false, true),
            ],
            Self::Products => &[
                (Product, true, true),
                (ProductLine, true, true),
                (Price, false, true),
            ],
            Self::Customers => &[
                (Customer, true, true),
                (Industry, false, true),
                (Region, false, true),
                (CreditRating, false, true),
                (Owner, false, true),
            ],
            Self::Opportunities => &[
                (OpportunityId, false, true),
                (Person, false, true),
                (Customer, false, true),
                (Product, false, true),
                (Stage, true, true),
                (EngageDate, false, true),
                (CloseDate, false, true),
                (Value, false, true),
            ],
            // Products are not matched automatically: order lines name thousands of products
            // the plan does not track; the user can still map the column.
            Self::History => &[
                (Date, true, true),
                (Amount, true, true),
                (ProductLine, false, true),
                (Region, false, true),
                (Person, false, true),
                (Customer, false, true),
                (Product, false, false),
                (SourceId, false, true),
            ],
            Self::Actuals => &[
                (Date, true, true),
                (ActualKind, true, true),
                (Person, false, true),
                (Amount, false, true),
                (Count, false, true),
                (Customer, false, true),
                (Product, false, true),
                (ProductLine, false, true),
                (SourceId, false, true),
            ],
            Self::Expenses => &[
                (Date, true, true),
                (Person, true, true),
                (ExpenseItem, true, true),
                (Amount, true, true),
                (Note, false, true),
                (SourceId, false, true),
            ],
            Self::PaymentSchedules => &[
                (ContractNo, true, true),
                (DueDate, true, true),
                (Amount, true, true),
                (Installment, false, true),
                (Customer, false, true),
                (Person, false, true),
                (Date, false, true),
            ],
            Self::Receipts => &[
                (ContractNo, true, true),
                (Date, true, true),
                (Amount, true, true),
                (Note, false, true),
                (SourceId, false, true),
            ],
        }
    }

    pub fn has_field(self, field: Field) -> bool {
        self.fields().iter().any(|(f, _, _)| *f == field)
    }
}

/// A field an import column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Person,
    Manager,
    Region,
    Title,
    Email,
    VisitsPerWeek,
    Product,
    ProductLine,
    Price,
    Customer,
    Industry,
    CreditRating,
    Owner,
    OpportunityId,
    Stage,
    EngageDate,
    CloseDate,
    Value,
    Date,
    Amount,
    SourceId,
    ActualKind,
    Count,
    ExpenseItem,
    Note,
    ContractNo,
    DueDate,
    Installment,
}

impl Field {
    pub const ALL: [Field; 28] = [
        Self::Person,
        Self::Manager,
        Self::Region,
        Self::Title,
        Self::Email,
        Self::VisitsPerWeek,
        Self::Product,
        Self::ProductLine,
        Self::Price,
        Self::Customer,
        Self::Industry,
        Self::CreditRating,
        Self::Owner,
        Self::OpportunityId,
        Self::Stage,
        Self::EngageDate,
        Self::CloseDate,
        Self::Value,
        Self::Date,
        Self::Amount,
        Self::SourceId,
        Self::ActualKind,
        Self::Count,
        Self::ExpenseItem,
        Self::Note,
        Self::ContractNo,
        Self::DueDate,
        Self::Installment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Manager => "manager",
            Self::Region => "region",
            Self::Title => "title",
            Self::Email => "email",
            Self::VisitsPerWeek => "visits_per_week",
            Self::Product => "product",
            Self::ProductLine => "product_line",
            Self::Price => "price",
            Self::Customer => "customer",
            Self::Industry => "industry",
            Self::CreditRating => "credit_rating",
            Self::Owner => "owner",
            Self::OpportunityId => "opportunity_id",
            Self::Stage => "stage",
            Self::EngageDate => "engage_date",
            Self::CloseDate => "close_date",
            Self::Value => "value",
            Self::Date => "date",
            Self::Amount => "amount",
            Self::SourceId => "source_id",
            Self::ActualKind => "actual_kind",
            Self::Count => "count",
            Self::ExpenseItem => "expense_item",
            Self::Note => "note",
            Self::ContractNo => "contract_no",
            Self::DueDate => "due_date",
            Self::Installment => "installment",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Person => "field.person",
            Self::Manager => "field.manager",
            Self::Region => "field.region",
            Self::Title => "field.title",
            Self::Email => "field.email",
            Self::VisitsPerWeek => "field.visits_per_week",
            Self::Product => "field.product",
            Self::ProductLine => "field.product_line",
            Self::Price => "field.price",
            Self::Customer => "field.customer",
            Self::Industry => "field.industry",
            Self::CreditRating => "field.credit_rating",
            Self::Owner => "field.owner",
            Self::OpportunityId => "field.opportunity_id",
            Self::Stage => "field.stage",
            Self::EngageDate => "field.engage_date",
            Self::CloseDate => "field.close_date",
            Self::Value => "field.value",
            Self::Date => "field.date",
            Self::Amount => "field.amount",
            Self::SourceId => "field.source_id",
            Self::ActualKind => "field.actual_kind",
            Self::Count => "field.count",
            Self::ExpenseItem => "field.expense_item",
            Self::Note => "field.note",
            Self::ContractNo => "field.contract_no",
            Self::DueDate => "field.due_date",
            Self::Installment => "field.installment",
        }
    }

    /// Column headers that name this field in real exports, best first. Compared by
    /// [`match_key`] (case, spaces, `_` and `-` ignored).
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Self::Person => &[
                "person",
                "sales_agent",
                "salesperson",
                "sales rep",
                "sales representative",
                "account manager",
                "agent",
                "rep",
                "name",
                "销售员",
                "客户经理",
                "大客户经理",
                "业务员",
                "销售代表",
                "销售人员",
                "姓名",
                "人员",
                "销售",
            ],
            Self::Manager => &[
                "manager",
                "sales manager",
                "team lead",
                "supervisor",
                "team",
                "经理",
                "销售经理",
                "主管",
                "上级",
                "团队",
            ],
            Self::Region => &[
                "region",
                "regional_office",
                "office",
                "office_location",
                "territory",
                "area",
                "location",
                "大区",
                "区域",
                "地区",
                "片区",
            ],
            Self::Title => &["title", "job title", "position", "职务", "职位", "岗位"],
            Self::Email => &["email", "e-mail", "mail", "邮箱", "电子邮件"],
            Self::VisitsPerWeek => &[
                "visits_per_week",
                "visits per week",
                "capacity",
                "每周拜访",
                "拜访上限",
            ],
            Self::Product => &[
                "product",
                "product_name",
                "product name",
                "item",
                "产品",
                "产品名称",
                "商品",
            ],
            Self::ProductLine => &[
                "product_line",
                "product line",
                "series",
                "line",
                "category",
                "family",
                "产品线",
                "系列",
                "类别",
                "品类",
            ],
            Self::Price => &[
                "price",
                "sales_price",
                "list_price",
                "unit price",
                "价格",
                "标准价",
                "单价",
                "售价",
            ],
            Self::Customer => &[
                "customer",
                "customer_name",
                "customer name",
                "account",
                "account name",
                "client",
                "company",
                "客户",
                "客户名称",
                "公司",
                "单位",
            ],
            Self::Industry => &["industry", "sector", "vertical", "行业", "所属行业"],
            Self::CreditRating => &[
                "credit_rating",
                "credit rating",
                "rating",
                "credit",
                "信用评级",
                "评级",
                "信用等级",
            ],
            Self::Owner => &[
                "owner",
                "account owner",
                "account manager",
                "sales_agent",
                "负责人",
                "客户经理",
                "销售员",
            ],
            Self::OpportunityId => &[
                "opportunity_id",
                "opportunity id",
                "opportunity",
                "opp id",
                "deal id",
                "id",
                "商机编号",
                "商机id",
                "编号",
            ],
            Self::Stage => &[
                "deal_stage",
                "stage",
                "sales stage",
                "status",
                "阶段",
                "销售阶段",
                "商机阶段",
                "状态",
            ],
            Self::EngageDate => &[
                "engage_date",
                "created date",
                "created",
                "start date",
                "open date",
                "创建日期",
                "接洽日期",
                "开始日期",
            ],
            Self::CloseDate => &[
                "close_date",
                "closed date",
                "won date",
                "成交日期",
                "签约日期",
                "关闭日期",
                "结束日期",
            ],
            Self::Value => &[
                "close_value",
                "value",
                "amount",
                "deal value",
                "deal size",
                "expected value",
                "金额",
                "签约额",
                "合同额",
                "商机金额",
            ],
            Self::Date => &[
                "date",
                "order date",
                "close_date",
                "transaction date",
                "日期",
                "订单日期",
                "签约日期",
                "发生日期",
                "received on",
                "receipt date",
                "到账日期",
                "回款日期",
                "收款日期",
            ],
            Self::Amount => &[
                "amount",
                "sales",
                "revenue",
                "close_value",
                "value",
                "total",
                "金额",
                "签约额",
                "销售额",
                "回款额",
            ],
            Self::SourceId => &[
                "row id",
                "id",
                "record id",
                "reference",
                "编号",
                "序号",
                "单号",
            ],
            Self::ActualKind => &[
                "type",
                "actual type",
                "activity type",
                "kind",
                "类型",
                "类别",
            ],
            Self::Count => &["count", "quantity", "qty", "number", "数量", "次数", "个数"],
            Self::ExpenseItem => &[
                "expense item",
                "item",
                "expense type",
                "费用科目",
                "科目",
                "费用项目",
                "费用类型",
            ],
            Self::Note => &[
                "note",
                "notes",
                "memo",
                "remark",
                "备注",
                "说明",
                "摘要",
                "凭证号",
            ],
            Self::ContractNo => &[
                "contract",
                "contract no",
                "contract number",
                "order",
                "order no",
                "合同",
                "合同号",
                "合同编号",
                "订单号",
            ],
            Self::DueDate => &[
                "due date",
                "due",
                "due on",
                "应付日期",
                "到期日",
                "付款日期",
            ],
            Self::Installment => &["installment", "stage", "label", "款项", "期次", "付款节点"],
        }
    }
}

/// Matches headers to the kind's fields: every automatically matched field takes the first
/// header equal to one of its synonyms (best synonym first); a header fills one field at most.
pub fn auto_map(kind: ImportKind, headers: &[String]) -> Vec<Option<Field>> {
    let keys: Vec<String> = headers.iter().map(|h| match_key(h)).collect();
    let mut mapping: Vec<Option<Field>> = vec![None; headers.len()];
    for &(field, _, auto) in kind.fields() {
        if !auto {
            continue;
        }
        let found = field.synonyms().iter().find_map(|syn| {
            let syn = match_key(syn);
            keys.iter()
                .enumerate()
                .find(|(i, k)| **k == syn && mapping[*i].is_none())
                .map(|(i, _)| i)
        });
        if let Some(i) = found {
            mapping[i] = Some(field);
        }
    }
    mapping
}

/// What a stage value in a file means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageValue {
    /// An open opportunity at this stage position.
    Open(u8),
    Won,
    Lost,
}

/// The usual meaning of a stage name from a CRM export; `None` when unknown (the user maps it).
pub fn default_stage(value: &str) -> Option<StageValue> {
    let key = match_key(value);
    let open = |names: &[&str]| names.iter().any(|n| match_key(n) == key);
    if let Ok(n) = key.parse::<u8>() {
        return (1..=9).contains(&n).then_some(StageValue::Open(n));
    }
    Some(
        if open(&["prospecting", "lead", "new", "线索", "发现线索", "潜在客户"]) {
            StageValue::Open(1)
        } else if open(&[
            "qualified",
            "qualification",
            "opportunity",
            "确认商机",
            "商机确认",
        ]) {
            StageValue::Open(2)
        } else if open(&[
            "engaging",
            "engaged",
            "needs analysis",
            "discovery",
            "需求分析",
            "分析和响应客户需求",
        ]) {
            StageValue::Open(3)
        } else if open(&[
            "proposal",
            "presentation",
            "solution",
            "赢得客户认可",
            "方案",
        ]) {
            StageValue::Open(4)
        } else if open(&["negotiation", "negotiating", "商务谈判", "谈判"]) {
            StageValue::Open(5)
        } else if open(&[
            "won",
            "closed won",
            "win",
            "signed",
            "成交",
            "赢单",
            "已签约",
            "签约",
        ]) {
            StageValue::Won
        } else if open(&["lost", "closed lost", "lose", "丢单", "输单", "失败"]) {
            StageValue::Lost
        } else if open(&["delivery", "implementation", "项目交付", "交付"]) {
            StageValue::Open(7)
        } else if open(&["after sales", "service", "售后服务", "售后"]) {
            StageValue::Open(8)
        } else if open(&["renewal", "客户续单", "续单", "续约"]) {
            StageValue::Open(9)
        } else {
            return None;
        },
    )
}

/// The kind of an actual named in a file.
pub fn default_actual_kind(value: &str) -> Option<crate::domain::model::ActualKind> {
    use crate::domain::model::ActualKind as K;
    let key = match_key(value);
    let is = |names: &[&str]| names.iter().any(|n| match_key(n) == key);
    Some(
        if is(&["contract", "signed", "deal", "签约", "合同", "成交"]) {
            K::Contract
        } else if is(&["collection", "payment", "receipt", "回款", "收款"]) {
            K::Collection
        } else if is(&["lead", "线索", "信息"]) {
            K::Lead
        } else if is(&["visit", "meeting", "call", "拜访", "走访"]) {
            K::Visit
        } else if is(&["bid", "tender", "投标", "招标"]) {
            K::Bid
        } else if is(&["other", "其他"]) {
            K::Other
        } else {
            return None;
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn maps_the_crm_export_headers() {
        let h = headers(&[
            "opportunity_id",
            "sales_agent",
            "product",
            "account",
            "deal_stage",
            "engage_date",
            "close_date",
            "close_value",
        ]);
        use Field::*;
        assert_eq!(
            auto_map(ImportKind::Opportunities, &h),
            vec![
                Some(OpportunityId),
                Some(Person),
                Some(Product),
                Some(Customer),
                Some(Stage),
                Some(EngageDate),
                Some(CloseDate),
                Some(Value)
            ]
        );
        let teams = headers(&["sales_agent", "manager", "regional_office"]);
        assert_eq!(
            auto_map(ImportKind::People, &teams),
            vec![Some(Person), Some(Manager), Some(Region)]
        );
        let accounts = headers(&[
            "account",
            "sector",
            "year_established",
            "revenue",
            "employees",
            "office_location",
            "subsidiary_of",
        ]);
        assert_eq!(
            auto_map(ImportKind::Customers, &accounts),
            vec![
                Some(Customer),
                Some(Industry),
                None,
                None,
                None,
                Some(Region),
                None
            ]
        );
    }

    #[test]
    fn maps_the_superstore_orders_as_history() {
        let h = headers(&[
            "Row ID",
            "Order ID",
            "Order Date",
            "Ship Date",
            "Ship Mode",
            "Customer ID",
            "Customer Name",
            "Segment",
            "Country",
            "City",
            "State",
            "Postal Code",
            "Region",
            "Product ID",
            "Category",
            "Sub-Category",
            "Product Name",
            "Sales",
            "Quantity",
            "Discount",
            "Profit",
        ]);
        let m = auto_map(ImportKind::History, &h);
        let mapped: Vec<(&str, Field)> = h
            .iter()
            .zip(&m)
            .filter_map(|(h, f)| f.map(|f| (h.as_str(), f)))
            .collect();
        use Field::*;
        assert_eq!(
            mapped,
            vec![
                ("Row ID", SourceId),
                ("Order Date", Date),
                ("Customer Name", Customer),
                ("Region", Region),
                ("Category", ProductLine),
                ("Sales", Amount),
            ]
        );
    }

    #[test]
    fn maps_chinese_headers() {
        let h = headers(&["签约日期", "金额", "客户经理", "客户名称", "产品线"]);
        use Field::*;
        assert_eq!(
            auto_map(ImportKind::History, &h),
            vec![
                Some(Date),
                Some(Amount),
                Some(Person),
                Some(Customer),
                Some(ProductLine)
            ]
        );
    }

    #[test]
    fn knows_the_usual_stage_names() {
        assert_eq!(default_stage("Prospecting"), Some(StageValue::Open(1)));
        assert_eq!(default_stage("Engaging"), Some(StageValue::Open(3)));
        assert_eq!(default_stage("Won"), Some(StageValue::Won));
        assert_eq!(default_stage("Closed Lost"), Some(StageValue::Lost));
        assert_eq!(default_stage("商务谈判"), Some(StageValue::Open(5)));
        assert_eq!(default_stage("5"), Some(StageValue::Open(5)));
        assert_eq!(default_stage("Maybe"), None);
    }
}
