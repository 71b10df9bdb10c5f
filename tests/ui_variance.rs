//! The Variance view keeps what it computes and formats between frames, by the plan's
//! generation: a change made through the app (actuals imported, undone and redone, an expense
//! recorded) shows at once, never the figures from before.

mod common;

use common::{app, choose, demo, import_q1_actuals, shows, type_into};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use salesplan::domain::money::{AmountUnit, Money};
use salesplan::ui::SalesPlanApp;

/// The labels of the heat map's cells of this person and month (each names its figures).
fn heat_cell(h: &Harness<'_, SalesPlanApp>, person_month: &str) -> Vec<String> {
    h.query_all_by_label_contains(&format!("{person_month}\n"))
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

/// Brings the heat map on screen (only the rows on screen are laid out).
fn to_heat_map(h: &mut Harness<'_, SalesPlanApp>) {
    h.get_by_label_contains("签约差距的漏斗归因").scroll_to_me();
    h.run();
}

fn to_top(h: &mut Harness<'_, SalesPlanApp>) {
    h.get_by_role_and_label(Role::ComboBox, "已结账月份")
        .scroll_to_me();
    h.run();
}

/// The actual spending of everyone in a fiscal month, in fen.
fn spent(h: &Harness<'_, SalesPlanApp>, month: u8) -> i64 {
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let people: Vec<_> = snap.people().map(|p| p.id).collect();
    snap.expenses
        .actuals
        .iter()
        .filter(|a| a.month == month && people.contains(&a.node))
        .map(|a| a.amount.fen())
        .sum()
}

/// An amount in 万元 as the view shows it.
fn wan(fen: i64) -> String {
    Money::from_fen(fen).format(AmountUnit::Wan)
}

#[test]
fn the_variance_view_shows_new_figures_after_every_change() {
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    h.get_all_by_label("差异分析").next().unwrap().click();
    h.run();
    choose(&mut h, "已结账月份", "3月");
    // Nothing recorded: the quarter's plan, no actuals.
    assert!(shows(&h, "949.01"));
    assert!(!shows(&h, "700.00"));
    assert!(!shows(&h, "131.72%"));
    to_heat_map(&mut h);
    let before = heat_cell(&h, "李娜 · 3月");
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(before[0].contains("实际 0.00"), "{before:?}");
    to_top(&mut h);

    // The first quarter's actuals, imported: the same view (the same metric, scope, months
    // and window) shows them.
    import_q1_actuals(&mut h);
    assert_eq!(h.state().view, salesplan::ui::views::View::Variance);
    to_top(&mut h);
    assert!(shows(&h, "700.00"));
    assert!(shows(&h, "949.01"));
    assert!(shows(&h, "73.76%"));
    // 李娜: 250万 against 189.80万; 150万 of it in March.
    assert!(shows(&h, "250.00"));
    assert!(shows(&h, "131.72%"));
    assert!(h.query_by_label_contains("▲ 有风险 预计全年完成").is_some());
    to_heat_map(&mut h);
    let after = heat_cell(&h, "李娜 · 3月");
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].contains("实际 150.00"), "{after:?}");

    // Undone: nothing recorded again, everywhere in the view.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let undone = heat_cell(&h, "李娜 · 3月");
    assert_eq!(undone, before);
    to_top(&mut h);
    assert!(h.query_by_label_contains("尚无记录").is_some());
    assert!(!shows(&h, "700.00"));
    assert!(!shows(&h, "131.72%"));
    assert!(shows(&h, "949.01"));
    // Redone: the actuals again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert!(shows(&h, "700.00"));
    assert!(shows(&h, "131.72%"));
    to_heat_map(&mut h);
    assert_eq!(heat_cell(&h, "李娜 · 3月"), after);

    // An expense recorded for 张伟 in the first month shows in the view's expense table.
    // 3.21万 more.
    let (month_before, month_after) = (wan(spent(&h, 1)), wan(spent(&h, 1) + 3_210_000));
    h.get_by_label("费用：各月预算与实际（全部人员）")
        .scroll_to_me();
    h.run();
    assert!(shows(&h, &month_before));
    assert!(!shows(&h, &month_after), "{month_after} before it is spent");
    h.get_all_by_label("费用预算").next().unwrap().click();
    h.run();
    choose(&mut h, "人员或单元", "张伟");
    let item = {
        let snap = &h.state().doc.as_ref().unwrap().snap;
        salesplan::exchange::export::item_name(
            salesplan::i18n::Lang::Zh,
            snap.expenses.items.first().unwrap(),
        )
    };
    choose(&mut h, "科目", &item);
    type_into(&mut h, "金额（万元）", "3.21");
    h.get_by_label("录入").click();
    h.run();
    assert_eq!(wan(spent(&h, 1)), month_after);
    h.get_all_by_label("差异分析").next().unwrap().click();
    h.run();
    h.get_by_label("费用：各月预算与实际（全部人员）")
        .scroll_to_me();
    h.run();
    assert!(shows(&h, &month_after));
}
