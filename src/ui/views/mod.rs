//! The views of the left navigation, one file each, and what they share: the read-only context
//! they draw from and the actions they hand back to the app (a view never changes the plan
//! itself).

pub mod accounts;
pub mod actions;
pub mod expenses;
pub mod funnel;
pub mod grid;
pub mod monthly;
pub mod negotiation;
pub mod organisation;
pub mod overview;
pub mod receivables;
pub mod reviews;
pub mod settings;
pub mod targets;
pub mod variance;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::domain::model::{FunnelDefaults, LineId, NodeId, PlanSnapshot, ProductId, UnitKind};
use crate::domain::money::{AmountUnit, Money};
use crate::domain::org::OrgTree;
use crate::domain::targets::TargetTable;
use crate::i18n::{self, Lang};
use crate::store::{PersonFields, ProductFields, ProductLineFields};
use crate::ui::commands::Command;
use crate::ui::prefs::Prefs;

/// The entries of the left navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum View {
    #[default]
    Overview,
    Organisation,
    Targets,
    Negotiation,
    Funnel,
    Monthly,
    Accounts,
    Expenses,
    Receivables,
    Variance,
    Reviews,
    Settings,
}

impl View {
    pub const ALL: [View; 12] = [
        View::Overview,
        View::Organisation,
        View::Targets,
        View::Negotiation,
        View::Funnel,
        View::Monthly,
        View::Accounts,
        View::Expenses,
        View::Receivables,
        View::Variance,
        View::Reviews,
        View::Settings,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            View::Overview => "view.overview",
            View::Organisation => "view.organisation",
            View::Targets => "view.targets",
            View::Negotiation => "view.negotiation",
            View::Funnel => "view.funnel",
            View::Monthly => "view.monthly",
            View::Accounts => "view.accounts",
            View::Expenses => "view.expenses",
            View::Receivables => "view.receivables",
            View::Variance => "view.variance",
            View::Reviews => "view.reviews",
            View::Settings => "view.settings",
        }
    }
}

/// What a view asks the app to do. Changes to the plan go through the store, one transaction
/// (and one undo step) each.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Command(Command),
    Navigate(View),
    /// Open another plan file.
    OpenFile(std::path::PathBuf),
    /// Open a plan file another program is editing, read-only.
    OpenReadOnly(std::path::PathBuf),
    /// Open the read-only plan again for editing (once the other program has closed it).
    ReopenForEditing,
    /// Take a backup of the open plan now.
    BackupNow,
    /// Replace the open plan with a backup (undoable).
    RestoreBackup(std::path::PathBuf),
    /// Hide the warning about the plan file's location.
    DismissLocationWarning,
    /// Create a plan file and open it.
    CreatePlan {
        plan: crate::store::NewPlan,
        path: std::path::PathBuf,
    },
    /// Save a copy of the open plan and continue in the copy.
    SaveCopyAs(std::path::PathBuf),
    AddNode {
        parent: NodeId,
        kind: UnitKind,
        name: String,
    },
    RenameNode {
        id: NodeId,
        name: String,
    },
    SetNodeKind {
        id: NodeId,
        kind: UnitKind,
    },
    MoveNode {
        id: NodeId,
        parent: NodeId,
    },
    ReorderNode {
        id: NodeId,
        delta: i32,
    },
    /// Asks first when the node has anything below it or any figures.
    DeleteNode {
        id: NodeId,
    },
    /// Deletes after the user confirmed.
    ConfirmedDeleteNode(NodeId),
    UpdatePerson {
        id: NodeId,
        fields: PersonFields,
    },
    AddLine(ProductLineFields),
    UpdateLine {
        id: LineId,
        fields: ProductLineFields,
    },
    DeleteLine {
        id: LineId,
    },
    ConfirmedDeleteLine(LineId),
    AddProduct(ProductFields),
    UpdateProduct {
        id: ProductId,
        fields: ProductFields,
    },
    DeleteProduct {
        id: ProductId,
    },
    RenamePlan {
        name: String,
        organisation: String,
    },
    SetFiscalYear {
        year: i32,
        start_month: u8,
    },
    SetFunnelDefaults(FunnelDefaults),
    SetCalendarDay {
        date: jiff::civil::Date,
        holiday: bool,
        name: String,
    },
    RemoveCalendarDay(jiff::civil::Date),
    SetAlias {
        kind: String,
        alias: String,
        canonical: String,
    },
    RemoveAlias {
        kind: String,
        alias: String,
    },
    /// Shows a message that a typed value was not accepted.
    InputError(String),
    SetPrefs(Prefs),
    StartRound {
        units: Vec<NodeId>,
        name: String,
    },
    RoundEvent {
        unit: NodeId,
        event: crate::domain::negotiation::RoundEvent,
        by: crate::domain::negotiation::Party,
        value: Option<Money>,
        comment: String,
    },
    ConfirmRound {
        name: String,
    },
    ConfirmCurrent,
    StartRevision {
        name: String,
        reason: String,
        requested_by: String,
    },
    /// Write a person's target responsibility letter and open it in the browser.
    WriteLetter {
        person: NodeId,
    },
    /// Write the demand letter (催款函) for an overdue installment and open it.
    WriteDemandLetter {
        installment: i64,
        day: jiff::civil::Date,
    },
    /// Save the derivation inputs of a scope (None = the total).
    SetDerivationInputs {
        line: Option<LineId>,
        inputs: crate::domain::derivation::DerivationInputs,
    },
    /// Save the inputs and make the committed target the node's yearly target for the scope.
    CommitDerivation {
        node: NodeId,
        line: Option<LineId>,
        inputs: crate::domain::derivation::DerivationInputs,
        committed: Money,
    },
    SetLifeCycle {
        line: LineId,
        stage: Option<crate::domain::derivation::LifeCycle>,
    },
    /// Write an allocation's cells and remember its rule, as one change.
    /// Writes target cells of the current version as one change (the month grid).
    SetTargetCells {
        label_key: String,
        detail: String,
        cells: Vec<crate::store::targets::CellChange>,
    },
    AddMonthlyAction {
        person: NodeId,
        month: u8,
        fields: crate::domain::actions::ActionFields,
    },
    UpdateMonthlyAction {
        id: i64,
        fields: crate::domain::actions::ActionFields,
    },
    DeleteMonthlyAction(i64),
    AddSupport {
        person: NodeId,
        month: u8,
        kind: crate::domain::actions::SupportKind,
        description: String,
    },
    DeleteSupport(i64),
    /// Locks or unlocks a target cell against editing.
    SetLock {
        node: NodeId,
        period: crate::domain::period::Period,
        metric: crate::domain::model::Metric,
        locked: bool,
    },
    /// A change to the battle plan (customers, matrix, pipeline, goal cards).
    Account(crate::store::accounts::AccountChange),
    /// A change to expenses or receivables.
    Finance(crate::store::finance::FinanceChange),
    /// A change to the review meetings or the variance settings.
    Review(crate::store::reviews::ReviewChange),
    /// Writes an export of the plan.
    Export(crate::ui::dialogs::ExportRequest),
    /// Reads protected plan files with this password.
    Unlock {
        files: Vec<std::path::PathBuf>,
        password: String,
    },
    /// Reads the monthly plan back from an exported workbook or CSV, as one change.
    ImportMonthly(std::path::PathBuf),
    /// Asks for a workbook or CSV to read the monthly plan from.
    PickMonthlyFile,
    /// Asks for account managers' submission files to read into the round.
    PickSubmissions,
    /// Asks for a folder of submission files.
    PickSubmissionFolder,
    /// Reads checked submissions into the round: each unit's bottom-up figure and comment.
    ApplySubmissions(Vec<(NodeId, Money, String)>),
    /// Opens the import dialog for a kind of data.
    ImportKind(crate::exchange::fields::ImportKind),
    /// Opens the Variance view on a unit or person, a metric and a period.
    ShowVariance {
        node: Option<NodeId>,
        metric: crate::domain::model::Metric,
        window: crate::domain::variance::Window,
    },
    ApplyAllocation {
        rule: crate::domain::allocation::AllocationRule,
        detail: String,
        cells: Vec<crate::store::targets::CellChange>,
    },
}

/// See [`ViewCtx::version_label`].
pub fn version_label(lang: Lang, v: &crate::domain::model::Version) -> String {
    let kind = i18n::tr(lang, v.kind.label_key());
    if v.name.contains(kind.as_ref()) {
        v.name.clone()
    } else {
        i18n::trf(
            lang,
            "version.label",
            &[("name", v.name.clone()), ("kind", kind.into_owned())],
        )
    }
}

/// Figures a view computes from the plan once per key (a key holds the document's generation,
/// so any change to the plan recomputes them) and draws every frame: a large plan has too many
/// opportunities, customers and people to go through on each frame.
///
/// A cache, not state: any two memos compare equal.
pub struct Memo<K, V>(Option<(K, std::sync::Arc<V>)>);

impl<K: PartialEq, V> Memo<K, V> {
    /// The value for `key`: the one kept when computed for an equal key, else `compute`'s.
    pub fn get(&mut self, key: K, compute: impl FnOnce(&K) -> V) -> std::sync::Arc<V> {
        match &self.0 {
            Some((k, v)) if *k == key => v.clone(),
            _ => {
                let v = std::sync::Arc::new(compute(&key));
                self.0 = Some((key, v.clone()));
                v
            }
        }
    }
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(None)
    }
}

impl<K: Clone, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Memo(self.0.clone())
    }
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Memo(kept)"
        } else {
            "Memo(empty)"
        })
    }
}

impl<K, V> PartialEq for Memo<K, V> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<K, V> Eq for Memo<K, V> {}

#[cfg(test)]
mod memo_tests {
    use super::Memo;

    #[test]
    fn a_memo_computes_once_per_key() {
        let mut memo: Memo<(u64, u8), String> = Memo::default();
        let mut computed = 0;
        let mut get = |memo: &mut Memo<(u64, u8), String>, key| {
            memo.get(key, |k| {
                computed += 1;
                format!("{k:?}")
            })
        };
        assert_eq!(*get(&mut memo, (1, 2)), "(1, 2)");
        assert_eq!(*get(&mut memo, (1, 2)), "(1, 2)");
        assert_eq!(*get(&mut memo, (2, 2)), "(2, 2)");
        assert_eq!(*get(&mut memo, (1, 2)), "(1, 2)");
        assert_eq!(computed, 3);
        assert_eq!(memo.clone(), Memo::default());
    }
}

/// What every view draws from: the plan as loaded, indexed, and the user's display choices.
pub struct ViewCtx<'a> {
    pub snap: &'a PlanSnapshot,
    pub tree: &'a OrgTree,
    pub table: &'a TargetTable,
    pub stats: &'a crate::domain::stats::PipelineStats,
    pub prefs: &'a Prefs,
    /// The document's generation (see `Document::generation`), for caches.
    pub generation: u64,
}

impl ViewCtx<'_> {
    pub fn lang(&self) -> Lang {
        self.prefs.lang
    }

    pub fn unit(&self) -> AmountUnit {
        self.prefs.unit
    }

    pub fn tr(&self, key: &str) -> Cow<'static, str> {
        i18n::tr(self.prefs.lang, key)
    }

    pub fn trf(&self, key: &str, args: &[(&str, String)]) -> String {
        i18n::trf(self.prefs.lang, key, args)
    }

    /// An amount in the chosen unit, without the unit (the column header carries it).
    pub fn money(&self, fen: i64) -> String {
        Money::from_fen(fen).format(self.prefs.unit)
    }

    /// An amount with its unit.
    pub fn money_with_unit(&self, fen: i64) -> String {
        format!("{} {}", self.money(fen), self.unit_label())
    }

    /// A column title with the amount unit: 目标（万元）/ Target (×10k yuan).
    pub fn with_unit(&self, key: &str) -> String {
        self.trf(
            "col.with_unit",
            &[
                ("col", self.tr(key).into_owned()),
                ("unit", self.unit_label().into_owned()),
            ],
        )
    }

    /// A label for an amount always typed in yuan (prices, deal sizes).
    pub fn with_yuan(&self, key: &str) -> String {
        self.trf(
            "col.with_unit",
            &[
                ("col", self.tr(key).into_owned()),
                ("unit", self.tr("unit.yuan").into_owned()),
            ],
        )
    }

    /// The unit's name: 元 / 万元 (yuan / 10k yuan).
    pub fn unit_label(&self) -> Cow<'static, str> {
        match self.prefs.unit {
            AmountUnit::Yuan => self.tr("unit.yuan"),
            AmountUnit::Wan => self.tr("unit.wan"),
        }
    }

    /// A version's name with its kind, unless the name already says it
    /// ("2026 年度目标（草案）" rather than "2026 年度目标（草案）（草案）").
    pub fn version_label(&self, v: &crate::domain::model::Version) -> String {
        version_label(self.prefs.lang, v)
    }

    pub fn node_name(&self, id: NodeId) -> String {
        self.tree
            .get(id)
            .map(|n| n.name.clone())
            .unwrap_or_default()
    }

    /// A fiscal month's name (1 = the first month of the fiscal year): 一月 / Jan.
    pub fn month_name(&self, fiscal_month: u8) -> String {
        match self.snap.plan.fiscal_year.calendar_month(fiscal_month) {
            Ok((_, m)) => self.tr(&format!("month.{m}")).into_owned(),
            Err(_) => "?".into(),
        }
    }

    pub fn line_name(&self, id: LineId) -> String {
        self.snap
            .line(id)
            .map(|l| l.name.clone())
            .unwrap_or_default()
    }
}

/// The per-view UI state the app keeps between frames (selections, typed text).
#[derive(Default)]
pub struct States {
    pub overview: overview::State,
    pub organisation: organisation::State,
    pub settings: settings::State,
    pub monthly: monthly::State,
    pub negotiation: negotiation::State,
    pub variance: variance::State,
    pub reviews: reviews::State,
    pub targets: targets::State,
    pub funnel: funnel::State,
    pub accounts: accounts::State,
    pub expenses: expenses::State,
    pub receivables: receivables::State,
}

/// Draws the current view.
pub fn view_ui(
    ui: &mut egui::Ui,
    view: View,
    ctx: &ViewCtx,
    states: &mut States,
    actions: &mut Vec<Action>,
) {
    match view {
        View::Overview => overview::overview_ui(ui, ctx, &mut states.overview, actions),
        View::Organisation => {
            organisation::organisation_ui(ui, ctx, &mut states.organisation, actions)
        }
        View::Targets => targets::targets_ui(ui, ctx, &mut states.targets, actions),
        View::Negotiation => negotiation::negotiation_ui(ui, ctx, &mut states.negotiation, actions),
        View::Funnel => funnel::funnel_ui(ui, ctx, &mut states.funnel),
        View::Monthly => {
            monthly::monthly_ui(ui, ctx, &mut states.monthly, states.funnel.rephase, actions)
        }
        View::Accounts => accounts::accounts_ui(ui, ctx, &mut states.accounts, actions),
        View::Expenses => expenses::expenses_ui(ui, ctx, &mut states.expenses, actions),
        View::Receivables => receivables::receivables_ui(ui, ctx, &mut states.receivables, actions),
        View::Variance => variance::variance_ui(ui, ctx, &mut states.variance, actions),
        View::Reviews => reviews::reviews_ui(ui, ctx, &mut states.reviews, actions),
        View::Settings => settings::settings_ui(ui, ctx, &mut states.settings, actions),
    }
}
