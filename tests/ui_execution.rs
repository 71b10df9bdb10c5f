//! The monthly loop end to end, headless: import the first quarter's actuals through the
//! dialog, see plan against actual and the at-risk flag in the Variance view, drill down, and
//! record a review meeting with a linked variance and an action.

mod common;

use common::{app, choose, demo, import_q1_actuals, shows, type_into};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

/// Scrolls to the widget with this label (the view is long) and clicks it.
fn press(h: &mut egui_kittest::Harness<'_, salesplan::ui::SalesPlanApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

#[test]
fn actuals_are_imported_the_variance_flags_the_risk_and_a_review_records_an_action() {
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    // Nothing signed in the year yet: the overview has no projected landing.
    assert!(h.query_by_label("预计全年完成").is_none());
    // Nothing recorded yet: the Variance view offers to import the actuals.
    h.get_all_by_label("差异分析").next().unwrap().click();
    h.run();
    assert!(h.query_by_label_contains("尚无记录").is_some());
    import_q1_actuals(&mut h);
    // The overview now projects the year's landing.
    h.get_all_by_label("概览").next().unwrap().click();
    h.run();
    assert!(h.query_by_label("预计全年完成").is_some());
    h.get_all_by_label("差异分析").next().unwrap().click();
    h.run();

    // The variance with three months closed.
    choose(&mut h, "已结账月份", "3月");
    assert!(
        h.query_by_label("按人员的计划与实际——累计（至3月）")
            .is_some()
    );
    // Everyone: 700万 signed against 949.01万 planned for the quarter (the months of the
    // demo's seasonality): 73.76%, behind.
    assert!(shows(&h, "700.00"));
    assert!(shows(&h, "949.01"));
    assert!(shows(&h, "73.76%"));
    // 李娜 signed 250万 against 189.80万: ahead.
    assert!(shows(&h, "250.00"));
    assert!(shows(&h, "131.72%"));
    // The re-forecast flags the plan at risk and says whom to raise it with.
    assert!(h.query_by_label_contains("▲ 有风险 预计全年完成").is_some());
    assert!(
        h.query_by_label_contains("上报：刘洋 预计全年完成")
            .is_some()
    );
    // Drill down into 华东大区 by unit, then back to the company.
    h.get_by_label("组织单元").click();
    h.run();
    h.get_by_role_and_label(Role::Link, "华东大区").click();
    h.run();
    assert!(h.query_by_label("查看范围：").is_some());
    assert!(h.query_by_role_and_label(Role::Link, "云帆软件").is_some());
    // 张伟 300万 + 李娜 250万 in the east.
    assert!(shows(&h, "550.00"));
    h.get_by_role_and_label(Role::Link, "云帆软件").click();
    h.run();
    // The target truly cannot be met: a formal revision, with the forecast as its reason.
    press(&mut h, "正式修订目标");
    h.get_by_role_and_label(Role::TextInput, "提出人")
        .scroll_to_me();
    h.run();
    type_into(&mut h, "提出人", "王总");
    press(&mut h, "开始修订");
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let current = snap.current_version().unwrap();
    assert_eq!(
        current.kind,
        salesplan::domain::model::VersionKind::Revision
    );
    assert!(
        current.reason.contains("预计全年完成"),
        "{}",
        current.reason
    );

    // A review meeting with an action.
    h.get_all_by_label("经营例会").next().unwrap().click();
    h.run();
    assert!(h.query_by_label("没有未完成的行动。").is_some());
    h.get_by_label("新会议").click();
    h.run();
    type_into(&mut h, "日期", "2026-03-31");
    type_into(&mut h, "主题", "一季度经营分析会");
    type_into(&mut h, "参会人", "王总, 张伟, 李娜");
    h.get_by_label("保存会议").click();
    h.run();
    let reviews = &h.state().doc.as_ref().unwrap().snap.reviews;
    assert_eq!(reviews.reviews.len(), 1);
    assert_eq!(reviews.reviews[0].fields.title, "一季度经营分析会");
    // Link 刘洋's variance and add an action for him.
    assert!(
        h.query_by_label("尚未关联差异。可在下方关联，或在“差异分析”中点击“提交会议讨论…”。")
            .is_some()
    );
    h.get_by_role_and_label(Role::ComboBox, "关联差异").click();
    h.run();
    h.get_all_by_label_contains("刘洋 · 签约额 · 累计")
        .next()
        .unwrap()
        .click();
    h.run();
    h.get_by_label("关联").click();
    h.run();
    let linked = &h.state().doc.as_ref().unwrap().snap.reviews.variances;
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].actual, 0);
    assert!(
        h.query_by_label("尚未关联差异。可在下方关联，或在“差异分析”中点击“提交会议讨论…”。")
            .is_none()
    );
    // The linked variance opens the Variance view on 刘洋.
    h.get_by_role_and_label(Role::Link, "刘洋").click();
    h.run();
    assert_eq!(h.state().view, salesplan::ui::views::View::Variance);
    // Looking at 刘洋 (under 华北大区) by product line.
    assert!(h.query_by_role_and_label(Role::Link, "华北大区").is_some());
    assert!(h.query_by_label_contains("按产品线的计划与实际").is_some());
    h.get_all_by_label("经营例会").next().unwrap().click();
    h.run();
    type_into(&mut h, "行动", "每周新增 5 条线索");
    choose(&mut h, "负责人", "刘洋");
    type_into(&mut h, "截止日期", "2026-04-30");
    h.get_by_label("添加行动").click();
    h.run();
    let reviews = &h.state().doc.as_ref().unwrap().snap.reviews;
    assert_eq!(reviews.follow_ups.len(), 1);
    let f = &reviews.follow_ups[0];
    assert_eq!(f.fields.description, "每周新增 5 条线索");
    assert_eq!(
        f.fields.due,
        Some(salesplan::domain::period::parse_date("2026-04-30").unwrap())
    );
    assert!(h.query_by_label("各会议未完成的行动（1）").is_some());
    // Done, then undone.
    h.get_by_label("完成").click();
    h.run();
    assert!(h.query_by_label("各会议未完成的行动（0）").is_some());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.query_by_label("各会议未完成的行动（1）").is_some());
}
