//! The Expenses and Receivables views end to end, headless: record an overspend, see the
//! overrun alert, reallocate budget to cover it; see the day's collection actions for a chosen
//! date.

mod common;

use common::{app, choose, demo, type_into};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

#[test]
fn an_overspend_raises_the_alert_and_reallocation_covers_it() {
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    h.get_all_by_label("费用预算").next().unwrap().click();
    h.run();
    choose(&mut h, "人员或单元", "张伟");
    h.get_all_by_label("4月").next().unwrap().click();
    h.run();
    assert!(h.query_by_label_contains("超支预警：").is_none());
    // April's trade shows have 1万 of budget; 2万 is spent.
    choose(&mut h, "科目", "市场推广 · 展会");
    type_into(&mut h, "金额（万元）", "2");
    type_into(&mut h, "备注", "补订展位");
    h.get_by_label("录入").click();
    h.run();
    assert!(
        h.query_by_label(
            "▲ 超支预警：市场推广 · 展会本月支出 2.00 万元，预算 1.00 万元（超出 100.0%）。"
        )
        .is_some()
    );
    // A move needs a reason, and cannot take more than the item has left.
    choose(&mut h, "调出", "客户关系 · 礼品（余 1.00 万元）");
    type_into(&mut h, "调剂金额（万元）", "1.5");
    h.get_by_label("调剂").click();
    h.run();
    assert!(
        h.query_by_label("1.50 万元 超过该科目本月余额 1.00 万元。")
            .is_some()
    );
    type_into(&mut h, "调剂金额（万元）", "1");
    h.get_by_label("调剂").click();
    h.run();
    assert!(h.query_by_label("请填写调剂原因。").is_some());
    type_into(&mut h, "原因", "展会补订展位，礼品预算本月不用");
    h.get_by_label("调剂").click();
    h.run();
    // Covered: no alert; the month's total budget is unchanged (8万).
    assert!(h.query_by_label_contains("超支预警：").is_none());
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let april: i64 = snap
        .expenses
        .budget
        .iter()
        .filter(|b| b.month == 4)
        .map(|b| b.amount.fen())
        .sum();
    assert_eq!(april, 8 * 1_000_000);
    assert_eq!(snap.expenses.moves.len(), 1);
    assert!(h.query_by_label("展会补订展位，礼品预算本月不用").is_some());
    // Undo brings the alert back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.query_by_label_contains("超支预警：").is_some());
}

#[test]
fn the_days_collection_actions_follow_the_chosen_date() {
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    h.get_all_by_label("回款").next().unwrap().click();
    h.run();
    // 汇通证券's second half (60万) falls due on 16 May 2026 (90 days after 15 February).
    type_into(&mut h, "日期", "2026-05-06");
    assert!(h.query_by_label("4–10 天后到期").is_some());
    assert!(h.query_by_label("10 天后到期").is_some());
    type_into(&mut h, "日期", "2026-05-16");
    assert!(h.query_by_label("今天到期").is_some());
    type_into(&mut h, "日期", "2026-06-01");
    assert!(h.query_by_label("逾期 16 天").is_some());
    assert!(h.query_by_label("逾期 16–30 天").is_some());
    // A receipt of the 60万 clears it.
    choose(&mut h, "合同", "HT-2026-004 · 汇通证券");
    type_into(&mut h, "到账日期", "2026-05-30");
    type_into(&mut h, "金额（万元）", "60");
    h.get_by_label("录入").click();
    h.run();
    assert!(h.query_by_label("逾期 16 天").is_none());
}

#[test]
fn the_monthly_collection_targets_are_filled_from_the_payment_schedules() {
    use salesplan::domain::model::Metric;
    use salesplan::domain::period::Period;
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    h.get_all_by_label("月度计划").next().unwrap().click();
    h.run();
    h.get_by_label("回款额（万元）").click();
    h.run();
    h.get_by_label("按付款计划填入").click();
    h.run();
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let li = snap.nodes.iter().find(|n| n.name == "李娜").unwrap().id;
    let zhang = snap.nodes.iter().find(|n| n.name == "张伟").unwrap().id;
    let get = |node, period| {
        snap.targets
            .iter()
            .find(|t| {
                t.node == node
                    && t.line.is_none()
                    && t.period == period
                    && t.metric == Metric::Collections
            })
            .map(|t| t.value)
    };
    // HT-2026-004: 60万 on 15 February and 60万 on 16 May; the year is their sum.
    assert_eq!(get(li, Period::Month(2)), Some(60_000_000));
    assert_eq!(get(li, Period::Month(5)), Some(60_000_000));
    assert_eq!(get(li, Period::Month(3)), Some(0));
    assert_eq!(get(li, Period::Year), Some(120_000_000));
    // 张伟's contracts have nothing falling due in 2026: his months are untouched.
    assert_eq!(get(zhang, Period::Month(2)), None);
}

#[test]
fn a_deal_over_the_customers_credit_limit_is_flagged() {
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    h.get_all_by_label("大客户").next().unwrap().click();
    h.run();
    choose(&mut h, "人员", "刘洋");
    // 远航船舶 is rated C: a 500万 limit.
    h.get_by_label("远航船舶 · ERP 企业版").click();
    h.run();
    type_into(&mut h, "潜在规模（万元）", "400");
    assert!(h.query_by_label_contains("信用额度：").is_none());
    type_into(&mut h, "潜在规模（万元）", "600");
    assert!(
        h.query_by_label(
            "▲ 信用额度：C 级额度 500.00 万元；客户已欠 0.00 万元，这笔业务将超出额度 100.00 万元。"
        )
        .is_some()
    );
}

#[test]
fn an_own_expense_item_is_added_and_expenses_show_in_the_variance_view() {
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    h.get_all_by_label("费用预算").next().unwrap().click();
    h.run();
    choose(&mut h, "人员或单元", "张伟");
    type_into(&mut h, "类别", "市场推广");
    type_into(&mut h, "科目", "行业峰会赞助");
    h.get_by_label("添加科目").click();
    h.run();
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let item = snap.expenses.items.last().unwrap();
    // A built-in category typed by name keeps its code.
    assert_eq!(
        (
            item.category.as_str(),
            item.name.as_str(),
            item.code.as_deref()
        ),
        ("promotion", "行业峰会赞助", None)
    );
    assert!(h.query_all_by_label("市场推广 · 行业峰会赞助").count() >= 1);
    // The variance view: budget against actual by month; March is 3万 under in total (17万
    // budget, 16万 spent) while its trade shows are over.
    h.get_all_by_label("差异分析").next().unwrap().click();
    h.run();
    assert!(
        h.query_by_label("费用：各月预算与实际（全部人员）")
            .is_some()
    );
    assert!(h.query_by_label("17.00").is_some());
    assert!(h.query_by_label("105.00").is_some());
}
