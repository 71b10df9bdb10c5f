//! The newcomer's first hour: the welcome screen's three ways in (the demo plan, a new empty
//! plan, a plan file) and the getting-started path shown beside the views — set the company
//! target, allocate it, check the funnels, phase the monthly plan, export it.
//!
//! A step is done when the plan shows it (a company target; every person's share of it, adding
//! up), or, for the steps that only look at or send what the plan computes, when the user has
//! done it with this plan file (kept in the preferences).

use egui::{RichText, Ui};

use crate::domain::model::{Metric, PlanSnapshot};
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::targets::{self, GapKind, TargetTable};
use crate::i18n::{self, Lang};
use crate::ui::commands::Command;
use crate::ui::theme;
use crate::ui::views::{Action, View};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    CompanyTarget,
    Allocate,
    Funnels,
    Monthly,
    Export,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::CompanyTarget,
        Step::Allocate,
        Step::Funnels,
        Step::Monthly,
        Step::Export,
    ];

    pub fn title_key(self) -> &'static str {
        match self {
            Step::CompanyTarget => "guide.step.target",
            Step::Allocate => "guide.step.allocate",
            Step::Funnels => "guide.step.funnels",
            Step::Monthly => "guide.step.monthly",
            Step::Export => "guide.step.export",
        }
    }

    /// What to do in the step, and where.
    pub fn hint_key(self) -> &'static str {
        match self {
            Step::CompanyTarget => "guide.hint.target",
            Step::Allocate => "guide.hint.allocate",
            Step::Funnels => "guide.hint.funnels",
            Step::Monthly => "guide.hint.monthly",
            Step::Export => "guide.hint.export",
        }
    }

    /// Where the step is done.
    pub fn command(self) -> Command {
        match self {
            Step::CompanyTarget | Step::Allocate => Command::Show(View::Targets),
            Step::Funnels => Command::Show(View::Funnel),
            Step::Monthly => Command::Show(View::Monthly),
            Step::Export => Command::Export,
        }
    }

    /// The step's bit in [`Seen`] (only the steps the plan does not record have one).
    fn seen_bit(self) -> u8 {
        match self {
            Step::CompanyTarget | Step::Allocate => 0,
            Step::Funnels => 1,
            Step::Monthly => 2,
            Step::Export => 4,
        }
    }
}

/// The steps done with one plan file that the plan itself does not record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen(pub u8);

impl Seen {
    pub fn with(self, step: Step) -> Seen {
        Seen(self.0 | step.seen_bit())
    }

    pub fn has(self, step: Step) -> bool {
        self.0 & step.seen_bit() != 0
    }

    /// What showing `view` does to the path.
    pub fn viewing(self, view: View) -> Seen {
        match view {
            View::Funnel => self.with(Step::Funnels),
            View::Monthly => self.with(Step::Monthly),
            _ => self,
        }
    }
}

/// The company's yearly contract target as set on the top unit.
pub fn company_target(tree: &OrgTree, table: &TargetTable) -> Option<i64> {
    let root = tree.root()?;
    table.get(root.id, None, Period::Year, Metric::ContractAmount)
}

/// Whether the company target is shared out: every person has a yearly contract target, and
/// every unit's figure equals the sum of the units below it.
pub fn allocated(snap: &PlanSnapshot, tree: &OrgTree, table: &TargetTable) -> bool {
    let mut people = snap.people().peekable();
    if people.peek().is_none() {
        return false;
    }
    let everyone = people.all(|p| {
        table
            .node_value(tree, p.id, None, Period::Year, Metric::ContractAmount)
            .is_some_and(|v| v > 0)
    });
    everyone
        && !targets::gaps(table, tree, &[], Metric::ContractAmount)
            .iter()
            .any(|g| g.kind == GapKind::Children && g.line.is_none())
}

/// Which steps are done, in [`Step::ALL`]'s order.
pub fn progress(snap: &PlanSnapshot, tree: &OrgTree, table: &TargetTable, seen: Seen) -> [bool; 5] {
    let target = company_target(tree, table).is_some_and(|v| v > 0);
    let allocated = target && allocated(snap, tree, table);
    Step::ALL.map(|step| match step {
        Step::CompanyTarget => target,
        Step::Allocate => allocated,
        // Funnels and the monthly plan are computed from the shares: looking at them before
        // there are any is not the step done.
        Step::Funnels | Step::Monthly => allocated && seen.has(step),
        Step::Export => seen.has(step),
    })
}

/// Room kept at the right of a step for its button.
const GO_BUTTON_WIDTH: f32 = 48.0;

/// The getting-started path: each step, done or not, with a button to where it is done; the
/// first step not done says what to do. `close` is set when the user hides the path.
pub fn panel_ui(
    ui: &mut Ui,
    lang: Lang,
    done: [bool; 5],
    commands: &mut Vec<Command>,
    close: &mut bool,
) {
    let tr = |k: &str| i18n::tr(lang, k);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(tr("guide.title"))
                .size(theme::SUBHEADING_SIZE)
                .strong(),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("×")
                .on_hover_text(tr("guide.close"))
                .clicked()
            {
                *close = true;
            }
        });
    });
    let count = done.iter().filter(|d| **d).count();
    ui.label(
        RichText::new(i18n::trf(
            lang,
            "guide.progress",
            &[("done", count.to_string()), ("all", done.len().to_string())],
        ))
        .weak(),
    );
    ui.add_space(6.0);
    let current = done.iter().position(|d| !d);
    let dark = ui.visuals().dark_mode;
    for (i, step) in Step::ALL.into_iter().enumerate() {
        let mark = if done[i] {
            RichText::new("√").color(theme::good(dark))
        } else {
            RichText::new(format!("{}", i + 1)).strong()
        };
        ui.horizontal_top(|ui| {
            ui.label(mark);
            // The title wraps beside the button rather than running under it (English titles
            // are longer than the panel is wide).
            let title = RichText::new(tr(step.title_key()));
            let title = if current == Some(i) {
                title.strong()
            } else {
                title
            };
            let width = (ui.available_width() - GO_BUTTON_WIDTH).max(40.0);
            ui.allocate_ui_with_layout(
                egui::vec2(width, 0.0),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    ui.set_width(width);
                    ui.add(egui::Label::new(title).wrap());
                },
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                let go = if step == Step::Export {
                    tr("guide.go_export")
                } else {
                    tr("guide.go")
                };
                if ui.small_button(go).clicked() {
                    commands.push(step.command());
                }
            });
        });
        if current == Some(i) {
            crate::ui::widgets::note(ui, &tr(step.hint_key()));
        }
        ui.add_space(2.0);
    }
    if current.is_none() {
        ui.add_space(6.0);
        ui.label(RichText::new(tr("guide.all_done")).color(theme::good(dark)));
    }
}

/// The welcome screen's body: three ways in. Each pushes what it starts and shows the path.
pub fn welcome_ui(ui: &mut Ui, lang: Lang, actions: &mut Vec<Action>) -> bool {
    let tr = |k: &str| i18n::tr(lang, k);
    let mut chosen = false;
    ui.label(
        RichText::new(tr("welcome.title"))
            .size(theme::HEADING_SIZE)
            .strong(),
    );
    ui.add_space(4.0);
    ui.label(tr("welcome.body"));
    ui.add_space(10.0);
    let choices = [
        ("welcome.demo", "welcome.demo.detail", None),
        ("welcome.new", "welcome.new.detail", Some(Command::NewPlan)),
        (
            "welcome.open",
            "welcome.open.detail",
            Some(Command::OpenPlan),
        ),
    ];
    for (label, detail, command) in choices {
        let button = egui::Button::new(RichText::new(tr(label)).strong())
            .min_size(egui::vec2(ui.available_width(), 30.0));
        if ui.add(button).clicked() {
            actions.push(Action::Command(Command::GettingStarted(true)));
            if let Some(c) = command {
                actions.push(Action::Command(c));
            }
            chosen = true;
        }
        ui.label(RichText::new(tr(detail)).weak());
        ui.add_space(8.0);
    }
    ui.label(RichText::new(tr("welcome.later")).small().weak());
    chosen
}
