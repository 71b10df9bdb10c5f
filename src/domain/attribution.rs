//! Funnel attribution (domain §8): revenue = leads × win rate × deal size, so the gap between
//! actual and planned revenue splits into a volume effect (leads), a conversion effect (win
//! rate) and a deal-size effect.
//!
//! The split is the log-mean Divisia index (LMDI-I): the effect of factor x is
//! `L(R1, R0) · ln(x1 / x0)` with `L(a, b) = (a − b) / (ln a − ln b)` (and `L(a, a) = a`); the
//! three effects add up to `R1 − R0` with no residual. When a factor is zero on either side the
//! logarithm has no value; the split is then sequential, in the funnel's order: volume
//! `(L1 − L0)·w0·s0`, conversion `L1·(w1 − w0)·s0`, deal size `L1·w1·(s1 − s0)` — exact, and
//! also adding up. Either way the effects are rounded to the fen once, by largest remainder, so
//! they always sum to the gap exactly.

use serde::Serialize;

use crate::domain::ratio::Ratio;

/// One side of the comparison: leads, deals and revenue (fen) over a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FunnelPoint {
    pub leads: Ratio,
    pub deals: Ratio,
    pub revenue: i64,
}

impl FunnelPoint {
    /// deals ÷ leads, when there are leads.
    pub fn win_rate(&self) -> Option<Ratio> {
        (!self.leads.is_zero())
            .then(|| self.deals.checked_div(self.leads))
            .flatten()
    }

    /// revenue ÷ deals, when there are deals.
    pub fn deal_size(&self) -> Option<Ratio> {
        (!self.deals.is_zero())
            .then(|| Ratio::from_integer(i128::from(self.revenue)).checked_div(self.deals))
            .flatten()
    }
}

/// The planned side from the plan's targets over a window, completing what the plan does not
/// set from the funnel's assumptions: deals = revenue ÷ deal size, leads = deals ÷ win rate.
pub fn plan_point(
    revenue: i64,
    deals: Option<i64>,
    leads: Option<i64>,
    win_rate: Ratio,
    deal_size: Ratio,
) -> FunnelPoint {
    let r = Ratio::from_integer(i128::from(revenue));
    let deals = match deals.filter(|d| *d > 0) {
        Some(d) => Ratio::from_integer(i128::from(d)),
        None => r.checked_div(deal_size).unwrap_or(Ratio::ZERO),
    };
    let leads = match leads.filter(|l| *l > 0) {
        Some(l) => Ratio::from_integer(i128::from(l)),
        None => deals.checked_div(win_rate).unwrap_or(Ratio::ZERO),
    };
    FunnelPoint {
        leads,
        deals,
        revenue,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Log-mean Divisia (every factor above zero on both sides).
    Lmdi,
    /// Sequential, in funnel order (a factor is zero on one side).
    Sequential,
}

/// Why a gap cannot be split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unattributable {
    /// Revenue without the leads or deals it came from: leads × win rate × deal size cannot
    /// give it (record lead and contract actuals with counts).
    RevenueWithoutFunnel,
    /// The plan's revenue is not leads × win rate × deal size (no assumptions to complete it).
    PlanWithoutFunnel,
    /// No lead actuals recorded in the year: volume and conversion cannot be told apart.
    NoLeadActuals,
}

impl Unattributable {
    pub fn label_key(self) -> &'static str {
        match self {
            Self::RevenueWithoutFunnel => "attribution.revenue_without_funnel",
            Self::PlanWithoutFunnel => "attribution.plan_without_funnel",
            Self::NoLeadActuals => "attribution.no_lead_actuals",
        }
    }
}

/// The gap split into the three effects, in fen; `volume + conversion + deal_size == gap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Attribution {
    pub plan: FunnelPoint,
    pub actual: FunnelPoint,
    /// actual revenue − planned revenue.
    pub gap: i64,
    pub volume: i64,
    pub conversion: i64,
    pub deal_size: i64,
    pub method: Method,
}

/// The factors (leads, win rate, deal size) of a point; an undefined rate (no leads, no deals)
/// takes the other side's, so it contributes nothing. None when the factors do not multiply
/// back to the revenue.
fn factors(p: &FunnelPoint, other: (Ratio, Ratio)) -> Option<[Ratio; 3]> {
    let w = p.win_rate().unwrap_or(other.0);
    let s = p.deal_size().unwrap_or(other.1);
    let product = p.leads.checked_mul(w)?.checked_mul(s)?;
    (product == Ratio::from_integer(i128::from(p.revenue))).then_some([p.leads, w, s])
}

/// Splits the gap between `plan` and `actual`.
pub fn attribute(plan: &FunnelPoint, actual: &FunnelPoint) -> Result<Attribution, Unattributable> {
    let gap = actual.revenue.saturating_sub(plan.revenue);
    let plan_rates = (
        plan.win_rate().unwrap_or(Ratio::ZERO),
        plan.deal_size().unwrap_or(Ratio::ZERO),
    );
    let p = factors(plan, plan_rates).ok_or(Unattributable::PlanWithoutFunnel)?;
    let a = factors(actual, (p[1], p[2])).ok_or(Unattributable::RevenueWithoutFunnel)?;
    let all_positive = p.iter().chain(a.iter()).all(|x| x.is_positive());
    let (raw, method) = if all_positive {
        (lmdi(plan.revenue, actual.revenue, &p, &a), Method::Lmdi)
    } else {
        (
            sequential(&p, &a).ok_or(Unattributable::PlanWithoutFunnel)?,
            Method::Sequential,
        )
    };
    let [volume, conversion, deal_size] = round_to_sum(raw, gap);
    Ok(Attribution {
        plan: *plan,
        actual: *actual,
        gap,
        volume,
        conversion,
        deal_size,
        method,
    })
}

/// The log mean L(a, b).
fn log_mean(a: f64, b: f64) -> f64 {
    if (a - b).abs() <= f64::EPSILON * a.abs().max(b.abs()) {
        a
    } else {
        (a - b) / (a.ln() - b.ln())
    }
}

fn lmdi(r0: i64, r1: i64, p: &[Ratio; 3], a: &[Ratio; 3]) -> [f64; 3] {
    let w = log_mean(r1 as f64, r0 as f64);
    std::array::from_fn(|i| {
        // ln(x1 / x0) from the exact ratio, so equal factors give exactly 0.
        let q = a[i].checked_div(p[i]).map(Ratio::to_f64).unwrap_or(1.0);
        w * q.ln()
    })
}

fn sequential(p: &[Ratio; 3], a: &[Ratio; 3]) -> Option<[f64; 3]> {
    let [l0, w0, s0] = *p;
    let [l1, w1, s1] = *a;
    let volume = l1.checked_sub(l0)?.checked_mul(w0)?.checked_mul(s0)?;
    let conversion = l1.checked_mul(w1.checked_sub(w0)?)?.checked_mul(s0)?;
    let size = l1.checked_mul(w1)?.checked_mul(s1.checked_sub(s0)?)?;
    Some([volume.to_f64(), conversion.to_f64(), size.to_f64()])
}

/// Rounds the effects to whole fen that sum to `gap` exactly: each is rounded down, and the
/// fen left over go to the effects with the largest fractions (largest remainder).
fn round_to_sum(raw: [f64; 3], gap: i64) -> [i64; 3] {
    // Within a ten-thousandth of a fen of a whole fen is that fen: floating-point noise must not
    // win a remainder (−49,999,999.99999994 is −50,000,000).
    let raw = raw.map(|x| {
        if (x - x.round()).abs() < 1e-4 {
            x.round()
        } else {
            x
        }
    });
    let mut out: [i64; 3] = raw.map(|x| {
        if x.is_finite() {
            x.floor().clamp(-9e15, 9e15) as i64
        } else {
            0
        }
    });
    let mut left = gap.saturating_sub(out.iter().fold(0i64, |a, b| a.saturating_add(*b)));
    let mut order = [0usize, 1, 2];
    order.sort_by(|&i, &j| {
        let fi = raw[i] - raw[i].floor();
        let fj = raw[j] - raw[j].floor();
        fj.partial_cmp(&fi).unwrap_or(std::cmp::Ordering::Equal)
    });
    // Normally 0 to 2 fen are left; more only from floating-point noise on huge amounts, which
    // goes to the largest effect.
    if (0..=3).contains(&left) {
        for &i in order.iter().take(left as usize) {
            out[i] += 1;
        }
        left = 0;
    }
    if left != 0 {
        let big = (0..3)
            .max_by(|&i, &j| {
                raw[i]
                    .abs()
                    .partial_cmp(&raw[j].abs())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(0);
        out[big] = out[big].saturating_add(left);
    }
    out
}

/// One person's attribution over a window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonAttribution {
    pub person: crate::domain::model::NodeId,
    pub name: String,
    pub result: Result<Attribution, Unattributable>,
}

/// Everyone's attribution over a window, and the team's (computed on the team's summed leads,
/// deals and revenue).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanAttribution {
    pub window: crate::domain::variance::Window,
    pub people: Vec<PersonAttribution>,
    pub total: Result<Attribution, Unattributable>,
}

/// The attribution of every person with a contract target over `window`: the plan from their
/// monthly targets (contract amount, and deals and leads where set; otherwise from their
/// funnel's deal size and win rate), the actual from the actuals of the year.
pub fn plan_attribution(
    snap: &crate::domain::model::PlanSnapshot,
    stats: &crate::domain::stats::PipelineStats,
    window: crate::domain::variance::Window,
) -> PlanAttribution {
    let tree = crate::domain::org::OrgTree::new(&snap.nodes);
    let table = crate::domain::targets::TargetTable::new(&snap.targets);
    let plans = crate::domain::plan_funnels::person_plans(
        snap,
        stats,
        crate::domain::plan_funnels::Basis::Committed,
        1,
    );
    plan_attribution_with(snap, &plans, &tree, &table, window)
}

/// [`plan_attribution`] with every person's plan for the committed target
/// (`plan_funnels::person_plans` with `Basis::Committed`), the organisation tree and the target
/// table already built (the app keeps them).
pub fn plan_attribution_with(
    snap: &crate::domain::model::PlanSnapshot,
    plans: &[crate::domain::plan_funnels::PersonPlan],
    tree: &crate::domain::org::OrgTree,
    table: &crate::domain::targets::TargetTable,
    window: crate::domain::variance::Window,
) -> PlanAttribution {
    use crate::domain::model::Metric;
    use crate::domain::variance::{self, Planner};
    let (weights, _) = crate::domain::plan_funnels::month_weights(snap);
    let planner = Planner {
        table,
        tree,
        weights,
    };
    let months = window.months();
    let in_window = |m: u8| months.contains(&m);
    let plan_sum = |node, metric| {
        planner.months(node, None, metric).map(|a| {
            (1..=12u8)
                .filter(|m| in_window(*m))
                .map(|m| a[usize::from(m - 1)])
                .fold(0i64, i64::saturating_add)
        })
    };
    // Each person's actuals in the window, added up once for everyone (one metric's facts at
    // a time: on a large plan each list is tens of megabytes).
    let mut no_leads = false;
    let mut actuals: std::collections::HashMap<(Metric, crate::domain::model::NodeId), i64> =
        std::collections::HashMap::new();
    for metric in [Metric::ContractAmount, Metric::Deals, Metric::Leads] {
        let (list, source) = variance::facts(snap, metric);
        if metric == Metric::Leads && source == variance::ActualSource::Nothing {
            no_leads = true;
        }
        for f in list.iter().filter(|f| in_window(f.month)) {
            if let Some(node) = f.node {
                let sum = actuals.entry((metric, node)).or_insert(0);
                *sum = sum.saturating_add(f.value);
            }
        }
    }
    let actual_sum = |node, metric| actuals.get(&(metric, node)).copied().unwrap_or(0);
    let mut plan_total = FunnelPoint {
        leads: Ratio::ZERO,
        deals: Ratio::ZERO,
        revenue: 0,
    };
    let mut actual_total = plan_total;
    let add = |t: &mut FunnelPoint, p: &FunnelPoint| {
        t.leads = t.leads.checked_add(p.leads).unwrap_or(t.leads);
        t.deals = t.deals.checked_add(p.deals).unwrap_or(t.deals);
        t.revenue = t.revenue.saturating_add(p.revenue);
    };
    let people = plans
        .iter()
        .map(|p| {
            let plan = plan_point(
                plan_sum(p.person, Metric::ContractAmount).unwrap_or(0),
                plan_sum(p.person, Metric::Deals),
                plan_sum(p.person, Metric::Leads),
                p.inputs.model.win_rate(),
                Ratio::from_integer(i128::from(p.inputs.deal_size.fen())),
            );
            let actual = FunnelPoint {
                leads: Ratio::from_integer(actual_sum(p.person, Metric::Leads).into()),
                deals: Ratio::from_integer(actual_sum(p.person, Metric::Deals).into()),
                revenue: actual_sum(p.person, Metric::ContractAmount),
            };
            add(&mut plan_total, &plan);
            add(&mut actual_total, &actual);
            PersonAttribution {
                person: p.person,
                name: p.name.clone(),
                result: if no_leads {
                    Err(Unattributable::NoLeadActuals)
                } else {
                    attribute(&plan, &actual)
                },
            }
        })
        .collect();
    PlanAttribution {
        window,
        people,
        total: if no_leads {
            Err(Unattributable::NoLeadActuals)
        } else {
            attribute(&plan_total, &actual_total)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(leads: i64, deals: i64, revenue: i64) -> FunnelPoint {
        FunnelPoint {
            leads: Ratio::from_integer(leads.into()),
            deals: Ratio::from_integer(deals.into()),
            revenue,
        }
    }

    #[test]
    fn equal_funnels_have_no_effects() {
        let p = point(100, 10, 1_000);
        let a = attribute(&p, &p).unwrap();
        assert_eq!((a.gap, a.volume, a.conversion, a.deal_size), (0, 0, 0, 0));
    }

    #[test]
    fn one_factor_takes_the_whole_gap() {
        // Only the leads fell short: 80 leads instead of 100, same rate and size.
        let a = attribute(&point(100, 10, 1_000_000), &point(80, 8, 800_000)).unwrap();
        assert_eq!(a.method, Method::Lmdi);
        assert_eq!((a.volume, a.conversion, a.deal_size), (-200_000, 0, 0));
    }

    #[test]
    fn effects_always_sum_to_the_gap() {
        for (p, q) in [
            (point(100, 10, 10_000_000), point(120, 9, 7_777_777)),
            (point(37, 5, 3_333_333), point(41, 7, 9_999_999)),
            (point(1, 1, 1), point(3, 2, 5)),
        ] {
            let a = attribute(&p, &q).unwrap();
            assert_eq!(a.volume + a.conversion + a.deal_size, a.gap, "{p:?} {q:?}");
        }
    }

    #[test]
    fn zero_actual_falls_back_to_the_sequential_split() {
        // Leads came in but nothing was signed: all of the gap is conversion.
        let a = attribute(&point(100, 10, 1_000_000), &point(90, 0, 0)).unwrap();
        assert_eq!(a.method, Method::Sequential);
        // Volume: (90 − 100) × 10% × 100,000 = −100,000; conversion: 90 × (0 − 10%) × 100,000.
        assert_eq!(
            (a.volume, a.conversion, a.deal_size),
            (-100_000, -900_000, 0)
        );
        // No leads at all: the volume effect is everything.
        let b = attribute(&point(100, 10, 1_000_000), &point(0, 0, 0)).unwrap();
        assert_eq!((b.volume, b.conversion, b.deal_size), (-1_000_000, 0, 0));
    }

    #[test]
    fn revenue_without_leads_cannot_be_split() {
        assert_eq!(
            attribute(&point(100, 10, 1_000), &point(0, 2, 500)),
            Err(Unattributable::RevenueWithoutFunnel)
        );
    }
}
