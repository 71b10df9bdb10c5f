//! The Accounts view end to end (domain §6), headless: add a customer, fill a matrix cell, move
//! its card on the pipeline board (by dragging and by its arrow), and see the goal card change.

mod common;

use common::{app, choose, demo, type_into};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use salesplan::domain::model::DealStatus;
use salesplan::ui::SalesPlanApp;

#[test]
fn a_customer_is_added_a_cell_filled_its_card_moved_and_the_goal_card_changes() {
    let (_dir, path) = demo();
    let mut h = app(path.clone());
    h.run();
    h.get_all_by_label("大客户").next().unwrap().click();
    h.run();

    // Customers & contacts: a new customer owned by 李娜.
    h.get_by_label("客户与联系人").click();
    h.run();
    h.get_by_label("新增客户").click();
    h.run();
    type_into(&mut h, "客户", "海川证券");
    type_into(&mut h, "行业", "金融");
    type_into(&mut h, "地区", "深圳");
    choose(&mut h, "负责人", "李娜");
    h.get_by_label("保存").click();
    h.run();
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let haichuan = snap
        .customers
        .iter()
        .find(|c| c.name == "海川证券")
        .expect("the customer was added");
    let li = snap.nodes.iter().find(|n| n.name == "李娜").unwrap().id;
    assert_eq!(haichuan.owner, Some(li));
    let haichuan = haichuan.id;

    // The matrix: fill 海川证券 × CRM 标准版 (200万, closing in October), dated 2 March.
    h.get_by_label("客户-产品矩阵").click();
    h.run();
    type_into(&mut h, "变动日期", "2026-03-02");
    // 李娜's customers only.
    choose(&mut h, "人员", "李娜");
    assert!(h.query_by_label("瑞丰银行").is_none());
    h.get_by_label("海川证券 · CRM 标准版").click();
    h.run();
    type_into(&mut h, "潜在规模（万元）", "200");
    type_into(&mut h, "预计成交月份", "2026-10");
    type_into(&mut h, "策略", "先做移动端试点");
    h.get_by_label("保存").click();
    h.run();
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let cell = snap
        .matrix
        .iter()
        .find(|c| c.customer == haichuan)
        .expect("the cell was filled");
    assert_eq!(cell.fields.potential.fen(), 200 * 1_000_000);
    let opp = cell.opportunity.unwrap();
    let card = |h: &Harness<'_, SalesPlanApp>| {
        let o = h
            .state()
            .doc
            .as_ref()
            .unwrap()
            .snap
            .opportunities
            .iter()
            .find(|o| o.id == opp)
            .unwrap()
            .clone();
        (o.stage, o.status)
    };
    assert_eq!(card(&h), (1, DealStatus::Open));
    // The cell shows its stage and weighted / potential: 200万 × 10%.
    assert!(
        h.query_by_label("海川证券 · CRM 标准版: 1 发现线索 20.00 / 200.00")
            .is_some()
    );

    // The goal card of 李娜 before: no new account, nothing signed.
    h.get_by_label("目标卡").click();
    h.run();
    assert!(h.query_by_label_contains("李娜 的 2026").is_some());

    // The board: drag the card from stage 1 to stage 5 on 20 April.
    h.get_by_label("九阶段看板").click();
    h.run();
    type_into(&mut h, "变动日期", "2026-04-20");
    let from = h
        .get_by_role_and_label(Role::ListItem, "海川证券 · CRM 标准版")
        .rect()
        .center();
    let to = h.get_by_label("5 商务谈判").rect().center() + egui::vec2(0.0, 120.0);
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for step in 1..=10 {
        h.hover_at(from + (to - from) * (step as f32 / 10.0));
        h.run();
    }
    // Released over the column (the pointer stays there for the frame that sees the drop).
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    assert_eq!(card(&h), (5, DealStatus::Open));
    // On 1 July the arrow takes it on to signed.
    type_into(&mut h, "变动日期", "2026-07-01");
    h.get_by_label("推进到下一阶段 海川证券 · CRM 标准版")
        .click();
    h.run();
    assert_eq!(card(&h), (6, DealStatus::Won));
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let moves: Vec<(u8, String)> = snap
        .stage_events
        .iter()
        .filter(|e| e.opportunity == opp)
        .map(|e| (e.stage, e.date.to_string()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (1, "2026-03-02".to_owned()),
            (5, "2026-04-20".to_owned()),
            (6, "2026-07-01".to_owned())
        ]
    );

    // The goal card now counts a new key account and 200万 signed; a target of 3 new accounts
    // gives 33.3%.
    h.get_by_label("目标卡").click();
    h.run();
    assert!(h.query_by_label("200.00").is_some());
    type_into(&mut h, "目标值 新增大客户数", "3");
    h.get_by_label("保存 新增大客户数").click();
    h.run();
    assert!(h.query_by_label("33.3%").is_some());
    let snap = &h.state().doc.as_ref().unwrap().snap;
    let card = salesplan::domain::battle::goal_card(snap, li);
    assert_eq!(card[0].actual, Some(salesplan::domain::ratio::Ratio::ONE));
    // Every step undoes: the goal, the two moves.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.query_by_label("33.3%").is_none());
}

#[test]
fn a_stage_is_edited_and_its_playbook_shows_on_the_cards() {
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    h.get_all_by_label("大客户").next().unwrap().click();
    h.run();
    h.get_by_label("九阶段看板").click();
    h.run();
    // The article's playbook for stage 1 is on 鼎盛基金's card.
    assert!(
        h.query_by_label_contains("» 邀请客户参观成功案例展厅")
            .is_some()
    );
    h.get_by_label("编辑阶段（名称、概率、打法）").click();
    h.run();
    // A bad probability is refused with a message; nothing changes.
    type_into(&mut h, "概率 1", "abc");
    h.get_by_label("保存 1").click();
    h.run();
    assert!(h.query_by_label_contains("“abc”不是 0% 到 100%").is_some());
    type_into(&mut h, "概率 1", "15%");
    type_into(&mut h, "打法 1", "邀请到展厅，演示移动端");
    h.get_by_label("保存 1").click();
    h.run();
    let stage = h.state().doc.as_ref().unwrap().snap.stages[0].clone();
    assert_eq!(
        stage.probability,
        salesplan::domain::ratio::Ratio::percent(15)
    );
    assert_eq!(stage.playbook, "邀请到展厅，演示移动端");
    // The built-in name stays built-in (translated), not stored.
    assert_eq!(stage.name, "");
    assert!(h.query_by_label("» 邀请到展厅，演示移动端").is_some());
    // The column's weighted value follows: 400万 × 15%.
    assert!(h.query_by_label("1 个 · 400.00 · 加权 60.00").is_some());

    // In the matrix, Enter in a field saves the cell.
    h.get_by_label("客户-产品矩阵").click();
    h.run();
    h.get_by_label_contains("鼎盛基金 · CRM 移动版").click();
    h.run();
    type_into(&mut h, "潜在规模（万元）", "500");
    h.key_press(Key::Enter);
    h.run();
    assert!(
        h.query_by_label("鼎盛基金 · CRM 移动版: 1 发现线索 75.00 / 500.00")
            .is_some()
    );
}
