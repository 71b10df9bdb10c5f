//! Hovering a computed figure shows its formula with the demo plan's actual inputs: each test
//! opens a view of the demo plan, hovers a figure and reads the tooltip.

mod common;

use common::{demo, shows};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use salesplan::i18n::Lang;
use salesplan::ui::SalesPlanApp;
use salesplan::ui::prefs::Prefs;

/// The app in Chinese on a plan file, in a window tall enough that a long view's figures are
/// on screen without scrolling (a figure out of view cannot be hovered).
fn tall_app(path: std::path::PathBuf) -> Harness<'static, SalesPlanApp> {
    Harness::builder()
        .with_size([1400.0, 4000.0])
        .with_context_setup(salesplan::ui::fonts::install)
        .build_eframe(move |cc| {
            let prefs = Prefs {
                lang: Lang::Zh,
                ..Prefs::default()
            };
            SalesPlanApp::with_prefs(&cc.egui_ctx, prefs, Some(path))
        })
}

/// The demo plan open on a view of the left navigation.
fn open(view: &str) -> (tempfile::TempDir, Harness<'static, SalesPlanApp>) {
    let (dir, path) = demo();
    let mut h = tall_app(path);
    h.run();
    h.get_by_label(view).click();
    h.run();
    (dir, h)
}

/// Steps the app until the tooltip shows (it appears after a short delay); a view that runs a
/// simulation keeps repainting, so this steps instead of running to rest.
fn tooltip(h: &mut Harness<'_, SalesPlanApp>, text: &str) {
    for _ in 0..40 {
        h.step();
        if shows(h, text) {
            return;
        }
    }
    let near: Vec<String> = h
        .query_all_by_label_contains("=")
        .filter_map(|n| n.accesskit_node().value().map(|v| v.to_string()))
        .collect();
    panic!("no tooltip {text:?}; texts with '=': {near:#?}");
}

/// Hovers the first widget showing exactly `figure` and waits for the tooltip `text`.
fn hover_shows(h: &mut Harness<'_, SalesPlanApp>, figure: &str, text: &str) {
    h.get_all_by_label(figure)
        .next()
        .unwrap_or_else(|| panic!("no {figure:?}"))
        .hover();
    tooltip(h, text);
}

#[test]
fn overview_explains_shares_and_counts() {
    let (_dir, mut h) = open("概览");
    hover_shows(
        &mut h,
        "40.0%",
        "占比 = 定制软件 2,000.00 万元 ÷ 公司目标 5,000.00 万元 = 40.0%",
    );
    hover_shows(
        &mut h,
        "60.0%",
        "占上级 = 华北大区 3,000.00 万元 ÷ 云帆软件 5,000.00 万元 = 60.0%",
    );
    hover_shows(
        &mut h,
        "分布在 3 个组织单元",
        "5 名大客户经理（组织中的人员）；组织单元 = 全部 8 个节点 − 5 名人员 = 3",
    );
    hover_shows(
        &mut h,
        "44 份合同",
        "2025 年实际签约 = 44 份合同金额之和 = 4,400.00 万元",
    );
}

#[test]
fn expenses_explain_variances_totals_and_ratios() {
    let (_dir, mut h) = open("费用预算");
    hover_shows(
        &mut h,
        "-5.00",
        "差异 = 实际 3.00 万元 − 预算 8.00 万元 = -5.00 万元",
    );
    hover_shows(
        &mut h,
        "-62.5%",
        "差异率 = 差异 -5.00 万元 ÷ 预算 8.00 万元 = -62.5%",
    );
    hover_shows(
        &mut h,
        "8.00",
        "合计 = 1.00 + 1.00 + 1.00 + 1.00 + 2.00 + 1.00 + 1.00 = 8.00 万元",
    );
    hover_shows(
        &mut h,
        "2.1%",
        "计划费用率 = 全年费用预算 105.00 万元 ÷ 年度签约额目标 5,000.00 万元 = 2.1%",
    );
}

#[test]
fn receivables_explain_outstanding_rate_and_sums() {
    let (_dir, mut h) = open("回款");
    // A fixed day: the view looks at today by default.
    common::type_into(&mut h, "日期", "2026-06-30");
    hover_shows(
        &mut h,
        "回款率",
        "回款率 = 截至 2026-06-30 到期款项中已收 410.00 万元 ÷ 到期应收 500.00 万元 = 82.0%",
    );
    hover_shows(
        &mut h,
        "未收金额（万元）",
        "未收金额 = 全部 7 期款项 500.00 万元 − 已收 410.00 万元 = 90.00 万元",
    );
    hover_shows(
        &mut h,
        "270.00",
        "已收 = 各期已收之和：签约款 90.00 + 交付款 180.00 + 验收款 0.00 = 270.00 万元",
    );
    hover_shows(
        &mut h,
        "逾期金额（万元）",
        "逾期金额 = 已过应付日期的未收款项：1–15 天 0.00 + 16–30 天 0.00 + 31–60 天 60.00 + 61–90 天 0.00 + 90 天以上 30.00 = 90.00 万元",
    );
    // An aging bucket names the installments it holds (the cell under its column's title).
    let under = |h: &Harness<'_, SalesPlanApp>, title: &str, figure: &str| {
        let head = h.get_by_label(title).rect();
        h.get_all_by_label(figure)
            .filter(|n| {
                (n.rect().right() - head.right()).abs() < 4.0 && n.rect().top() > head.bottom()
            })
            .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
            .unwrap_or_else(|| panic!("no {figure} under {title}"))
            .rect()
            .center()
    };
    let cell = under(&h, "31–60 天", "60.00");
    h.hover_at(cell);
    // Due 2026-05-16: 45 days past due on 2026-06-30.
    tooltip(
        &mut h,
        "31–60 天 = 该账龄未收分期之和：HT-2026-004 验收款 60.00（2026-05-16 到期） = 60.00 万元",
    );
}

#[test]
fn account_plans_explain_gap_coverage_and_sums() {
    let (_dir, mut h) = open("大客户");
    h.get_by_label("销售计划").click();
    h.run();
    hover_shows(
        &mut h,
        "目标缺口（万元）",
        "目标缺口 = 目标 5,000.00 万元 − 计划额 770.00 万元 = 4,230.00 万元；覆盖率 = 计划额 ÷ 目标 = 15.4%",
    );
    hover_shows(
        &mut h,
        "15.4%",
        "覆盖率 = 计划额 770.00 万元 ÷ 目标 5,000.00 万元 = 15.4%",
    );
    hover_shows(
        &mut h,
        "770.00",
        "计划额 = 6 个单元格的计划额之和 = 770.00 万元",
    );
}

#[test]
fn account_board_explains_column_totals() {
    let (_dir, mut h) = open("大客户");
    h.get_by_label("九阶段看板").click();
    h.run();
    let column = h
        .query_all_by_label_contains(" 个 · ")
        .next()
        .and_then(|n| n.accesskit_node().value().map(|v| v.to_string()))
        .expect("a column's totals");
    hover_shows(
        &mut h,
        &column,
        "1 个商机，金额合计 400.00 万元；加权 = 各商机金额 × 本阶段概率 10% 之和（已签约的按 100%）= 40.00 万元",
    );
    // The days in a stage count to the day looked at.
    common::type_into(&mut h, "变动日期", "2026-06-30");
    let days = h
        .query_all_by_label_contains("在本阶段 ")
        .next()
        .and_then(|n| n.accesskit_node().value().map(|v| v.to_string()))
        .expect("a card's days in its stage");
    hover_shows(
        &mut h,
        &days,
        "拖到另一个阶段即可推进\n在本阶段 = 2026-06-30 − 进入本阶段的 2025-12-22 = 190 天",
    );
}

#[test]
fn account_customers_explain_contact_counts() {
    let (_dir, mut h) = open("大客户");
    h.get_by_label("客户与联系人").click();
    h.run();
    // The contacts count on 瑞丰银行's row: the number in the row right of its name.
    let row = h.get_by_label("瑞丰银行").rect().center().y;
    let count = h
        .query_all_by_label_contains("")
        .filter(|n| (n.rect().center().y - row).abs() < 4.0)
        .filter(|n| {
            n.accesskit_node()
                .value()
                .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|n| n.rect().center())
        .next()
        .expect("the contacts count");
    h.hover_at(count);
    tooltip(
        &mut h,
        "联系人 = 瑞丰银行名下记录的联系人数 = 1（点击客户名称查看）",
    );
}

#[test]
fn variance_history_explains_growth_average_and_expense_totals() {
    let (_dir, mut h) = open("差异分析");
    hover_shows(
        &mut h,
        "-86.00",
        "差异 = 实际 19.00 万元 − 预算 105.00 万元 = -86.00 万元",
    );
    hover_shows(
        &mut h,
        "105.00",
        "全年 = 12 个月之和：8.00 + 8.00 + 17.00 + 8.00 + 8.00 + 8.00 + 8.00 + 8.00 + 8.00 + 8.00 + 8.00 + 8.00 = 105.00 万元",
    );
    h.get_by_label("往年销售").click();
    h.run();
    let cagr = h
        .query_all_by_label_contains("年复合增长率")
        .next()
        .and_then(|n| n.accesskit_node().value().map(|v| v.to_string()))
        .expect("the compound growth line");
    hover_shows(
        &mut h,
        &cagr,
        "复合增长率 =（2025 年 4,400.00 万元 ÷ 2023 年 3,200.00 万元）^(1 ÷ 2) − 1 = 17.26%",
    );
    hover_shows(
        &mut h,
        "15.79%",
        "同比增长 =（2025 年 4,400.00 万元 − 2024 年 3,800.00 万元）÷ 2024 年 3,800.00 万元 = 15.79%",
    );
}

#[test]
fn target_derivation_explains_proposal_and_stretch() {
    let (_dir, mut h) = open("目标");
    hover_shows(
        &mut h,
        "建议目标",
        "建议目标 =（α 50% × 战略目标 6,900.00 万元 + (1 − α) × 历史目标 5,159.46 万元）× 周期系数 1.03 ×（1 + 竞争调整合计 -5%）= 5,900.09 万元；全程精确计算，最后只四舍五入一次到分。",
    );
    hover_shows(
        &mut h,
        "挑战目标",
        "挑战目标 = 承诺目标 5,000.00 万元 ×（1 + 挑战缓冲 10%）= 5,500.00 万元，四舍五入到分。行动计划和漏斗按挑战目标倒推，留出完不成部分的余量。",
    );
}

#[test]
fn target_allocation_and_table_explain_results_and_sums() {
    let (_dir, mut h) = open("目标");
    h.get_by_label("目标分解").click();
    h.run();
    hover_shows(
        &mut h,
        "2,500.00",
        "结果 = 目标 5,000.00 万元 × 占比 50.00% = 2,500.00 万元（按最大余数法取整到分，各项合计恰为目标）",
    );
    hover_shows(&mut h, "50.00%", "占比 = 1 ÷ 2 项 = 50.00%");
    common::choose(&mut h, "分解方法", "按去年占比");
    let row = row_figures(&h, "华东大区");
    let share = row
        .iter()
        .find(|(t, _)| t.ends_with('%'))
        .expect("a share")
        .1;
    h.hover_at(share);
    // 2,003 ÷ 4,400 = 0.455227…
    tooltip(
        &mut h,
        "占比 = 本项去年销售额 2,003.00 万元 ÷ 各项去年合计 4,400.00 万元 = 45.52%",
    );
    h.get_by_label("目标总表").click();
    h.run();
    // The company's deals are not set: the sum of the regions'.
    let row = h.get_by_label("云帆软件").rect().center().y;
    let deals = h
        .query_all_by_label("50")
        .find(|n| (n.rect().center().y - row).abs() < 4.0)
        .map(|n| n.rect().center())
        .expect("the company's deals");
    h.hover_at(deals);
    tooltip(
        &mut h,
        "未直接设定：由下级目标汇总 = 华东大区 20 + 华北大区 30 = 50",
    );
}

#[test]
fn negotiation_explains_gaps_totals_and_rollup() {
    let (_dir, mut h) = open("目标谈判");
    h.get_by_label("开始第 1 轮谈判").click();
    h.run();
    hover_shows(
        &mut h,
        "5,000.00",
        "合计 = 张伟 1,000.00 + 李娜 1,000.00 + 王强 1,000.00 + 刘洋 1,000.00 + 陈静 1,000.00 = 5,000.00 万元",
    );
    // The plan's figure proposed to 张伟, who counters with 900 万元.
    h.get_all_by_label("提出").next().unwrap().click();
    h.run();
    let is_input =
        |n: &egui_kittest::Node<'_>| n.accesskit_node().role() == egui::accesskit::Role::TextInput;
    h.get_all_by_label("数字").find(is_input).unwrap().focus();
    h.run();
    h.get_all_by_label("数字")
        .find(is_input)
        .unwrap()
        .type_text("9000000");
    h.run();
    h.get_all_by_label("还价").next().unwrap().click();
    h.run();
    hover_shows(
        &mut h,
        "-100.00",
        "差距 = 自下而上 900.00 万元 − 自上而下 1,000.00 万元 = -100.00 万元",
    );
    // The roll-up: 华东大区 above 张伟 and 李娜.
    hover_shows(
        &mut h,
        "2,000.00",
        "华东大区 = 其下参与谈判的各单元之和 = 2,000.00 万元",
    );
}

/// The figures on the row of the first widget named `name`, left to right.
fn row_figures(h: &Harness<'_, SalesPlanApp>, name: &str) -> Vec<(String, egui::Pos2)> {
    let y = h
        .get_all_by_label(name)
        .next()
        .unwrap_or_else(|| panic!("no {name:?}"))
        .rect()
        .center()
        .y;
    let mut on_row: Vec<(String, egui::Pos2)> = h
        .query_all_by_label_contains("")
        .filter(|n| (n.rect().center().y - y).abs() < 4.0)
        .filter_map(|n| Some((n.accesskit_node().value()?.to_string(), n.rect().center())))
        .collect();
    on_row.sort_by(|a, b| a.1.x.total_cmp(&b.1.x));
    on_row
}

#[test]
fn monthly_grid_explains_unit_sums_quarters_and_years() {
    let (_dir, mut h) = open("月度计划");
    let row = row_figures(&h, "华东大区");
    h.hover_at(row[1].1);
    tooltip(&mut h, "华东大区1月 = 其下 2 名人员该月之和 = 121.33");
    h.hover_at(row.last().unwrap().1);
    tooltip(
        &mut h,
        "全年 = 1月 121.33 + 2月 73.86 + 3月 184.41 + 4月 112.43 + 5月 134.57 + 6月 168.75 + 7月 143.17 + 8月 108.96 + 9月 188.50 + 10月 210.14 + 11月 179.48 + 12月 374.40 = 2,000.00",
    );
    h.get_by_label("显示季度").click();
    h.run();
    let row = row_figures(&h, "华东大区");
    h.hover_at(row[13].1);
    tooltip(
        &mut h,
        "第 1 季度 = 1月 121.33 + 2月 73.86 + 3月 184.41 = 379.60",
    );
}

#[test]
fn monthly_actions_explain_expected_and_shortfall() {
    let (_dir, mut h) = open("月度计划");
    let row = row_figures(&h, "行动预计签约（万元）");
    h.hover_at(row[1].1);
    tooltip(
        &mut h,
        "行动预计签约 = 该月 4 项未放弃行动的预计签约额之和 = 500.00 万元",
    );
    h.hover_at(row[2].1);
    tooltip(
        &mut h,
        "行动预计签约 = 该月 0 项未放弃行动的预计签约额之和 = 0.00 万元\n缺口 = 签约目标 36.93 万元 − 行动预计签约 0.00 万元 = 36.93 万元\n行动预计签约比目标少 36.93 万元：有数字、没有计划。",
    );
}

#[test]
fn reviews_explain_a_linked_variances_attainment() {
    let (_dir, mut h) = open("经营例会");
    h.get_by_label("新会议").click();
    h.run();
    common::type_into(&mut h, "日期", "2026-03-31");
    common::type_into(&mut h, "主题", "一季度经营分析会");
    h.get_by_label("保存会议").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "关联差异")
        .click();
    h.run();
    h.get_all_by_label_contains("刘洋 · 签约额 · 累计")
        .next()
        .unwrap()
        .click();
    h.run();
    h.get_by_label("关联").click();
    h.run();
    // 刘洋 has signed nothing: 0% of a plan that depends on the months closed by today.
    h.get_all_by_label("0.00%").next().unwrap().hover();
    for _ in 0..40 {
        h.step();
        if h.query_by_label_contains("：实际 0.00 − 计划 ").is_some() {
            break;
        }
    }
    let text = h
        .query_by_label_contains("：实际 0.00 − 计划 ")
        .and_then(|n| n.accesskit_node().value().map(|v| v.to_string()))
        .expect("the attainment's explanation");
    assert!(text.starts_with("累计（至"), "{text}");
    assert!(text.ends_with("；达成率 = 实际 ÷ 计划 = 0.00%。"), "{text}");
}

#[test]
fn organisation_explains_a_units_people() {
    let (_dir, mut h) = open("组织与产品");
    h.get_by_label("■ 华东大区").click();
    h.run();
    hover_shows(
        &mut h,
        "下属 2 人",
        "下属人员 = 华东大区以下各级单元中的人员 = 2 名",
    );
    hover_shows(&mut h, "全年签约额目标：2,000.00 万元", "直接设定的目标");
}

#[test]
fn settings_explain_working_days() {
    let (_dir, mut h) = open("设置");
    let row = row_figures(&h, "2026-10");
    h.hover_at(row[1].1);
    tooltip(
        &mut h,
        "工作日 = 周一至周五 22 天 − 其中的节假日 5 天 + 调休上班 0 天 = 17 天",
    );
}

#[test]
fn account_goals_explain_attainment() {
    let (_dir, mut h) = open("大客户");
    h.get_by_label("目标卡").click();
    h.run();
    hover_shows(&mut h, "33.3%", "达成率 = 实际 1 ÷ 目标值 3 = 33.3%");
}

#[test]
fn monthly_seasonality_explains_each_share() {
    let (_dir, mut h) = open("月度计划");
    let row = row_figures(&h, "近 3 年平均占比");
    h.hover_at(row[1].1);
    tooltip(
        &mut h,
        "1月占比 =（2023 年 7.7% + 2024 年 6.8% + 2025 年 3.7%）÷ 3 = 6.1%\n各年该月占全年比例的平均值；12 个月精确合计为 100%。",
    );
}

#[test]
fn target_derivation_explains_the_strategy_step() {
    let (_dir, mut h) = open("目标");
    let row = row_figures(&h, "战略目标");
    h.hover_at(row.last().unwrap().1);
    tooltip(
        &mut h,
        "战略目标 = 当前市场规模 50,000.00 万元 ×（1 + 市场增长率 15%）× 明年份额 12% = 6,900.00 万元，全程精确计算，只四舍五入一次到分",
    );
    let row = row_figures(&h, "明年市场规模");
    h.hover_at(row.last().unwrap().1);
    tooltip(
        &mut h,
        "明年市场规模 = 当前市场规模 50,000.00 万元 ×（1 + 市场增长率 15%）= 57,500.00 万元",
    );
}

#[test]
fn target_derivation_explains_the_history_and_cycle_steps() {
    let (_dir, mut h) = open("目标");
    let row = row_figures(&h, "复合年增长率（CAGR）");
    h.hover_at(row.last().unwrap().1);
    // √(4,400 ÷ 3,200) − 1 = √1.375 − 1 = 0.172604…
    tooltip(
        &mut h,
        "复合年增长率 =（2025 年 4,400.00 万元 ÷ 2023 年 3,200.00 万元）^(1/2) − 1 = 17.2604%",
    );
    let row = row_figures(&h, "历史目标");
    h.hover_at(row.last().unwrap().1);
    // 4,400 万 × 1.172604 = 5,159.4576 万, to the fen.
    tooltip(
        &mut h,
        "历史目标 = 2025 年 4,400.00 万元 ×（1 + 复合年增长率 17.2604%）= 5,159.46 万元",
    );
    let row = row_figures(&h, "线性趋势：明年");
    h.hover_at(row.last().unwrap().1);
    // 3,200, 3,800 and 4,400 万 lie on a line rising 600 万 a year: 2026 at 5,000 万.
    tooltip(
        &mut h,
        "用 2023–2025 年的 3 个实际值做最小二乘直线，2026 年的趋势值 = 5,000.00 万元",
    );
    let row = row_figures(&h, "周期系数");
    h.hover_at(row.last().unwrap().1);
    tooltip(
        &mut h,
        "周期系数 = 1 + 行业敏感度 0.3 × “扩张期”的影响 10% = 1.03",
    );
}

#[test]
fn target_derivation_explains_the_blend_steps() {
    let (_dir, mut h) = open("目标");
    let row = row_figures(&h, "周期调整后");
    h.hover_at(row.last().unwrap().1);
    tooltip(
        &mut h,
        "周期调整后 = 加权合成 6,029.73 万元 × 周期系数 1.03 = 6,210.62 万元（显示时四舍五入到分）",
    );
    let row = row_figures(&h, "加权合成");
    h.hover_at(row.last().unwrap().1);
    tooltip(
        &mut h,
        "加权合成 = α 50% × 战略目标 6,900.00 万元 +（1 − α）× 历史目标 5,159.46 万元 = 6,029.73 万元（显示时四舍五入到分）",
    );
}
