//! Confidence (domain §4, beyond the article): the year simulated many times to give the
//! chance of reaching the committed target and the P10 / P50 / P90 outcome.
//!
//! In each run every new lead is won or not with the person's win rate from stage 1 (the
//! product of the stage rates: converting stage by stage with independent chances is the same
//! draw), a won deal's value is drawn from the history's won deals scaled to the planned deal
//! size (or is the deal size when there is no history), and every open opportunity closes with
//! its stage's chance at its own value. Chances are exact fractions drawn with an unbiased
//! integer generator; amounts stay in fen. The generator is seeded (each run its own stream,
//! see [`Rng::for_run`]), so a result can be reproduced exactly. The fewest leads reaching 80%
//! comes from the same runs (see [`simulate_cancellable`]).

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::domain::money::Money;
use crate::domain::person_funnel::{FunnelModel, OpenDeal};
use crate::domain::ratio::Ratio;

/// Runs of a standard simulation.
pub const DEFAULT_RUNS: u32 = 10_000;
/// The seed of a standard simulation (any fixed number: the same inputs give the same result).
pub const DEFAULT_SEED: u64 = 20_260_101;
/// The confidence the "leads needed" figure is for.
pub const TARGET_CONFIDENCE_PERCENT: i64 = 80;
/// The most leads the search for the 80% figure tries.
pub const MAX_LEADS_SEARCHED: i64 = 1_000_000;

/// SplitMix64: small, fast, and good enough for sampling (not for cryptography).
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The generator of run `run` of a simulation seeded with `seed`: every run its own
    /// stream (started from a mix of both), so what a run draws does not depend on how much
    /// the runs before it drew.
    pub fn for_run(seed: u64, run: u32) -> Rng {
        let mut mix = Rng::new(seed ^ u64::from(run).wrapping_mul(0xD1B5_4A32_D192_ED03));
        Rng::new(mix.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` without modulo bias (rejection of the incomplete last block).
    pub fn below(&mut self, n: u128) -> u128 {
        if n <= 1 {
            return 0;
        }
        if let Ok(n) = u64::try_from(n) {
            return u128::from(self.below_u64(n));
        }
        let draw = |r: &mut Rng| (u128::from(r.next_u64()) << 64) | u128::from(r.next_u64());
        let zone = u128::MAX - (u128::MAX % n) - 1;
        loop {
            let x = draw(self);
            if x <= zone {
                return x % n;
            }
        }
    }

    /// Uniform in `0..n` for `n` that fits 64 bits (one draw, nearly always).
    pub fn below_u64(&mut self, n: u64) -> u64 {
        self.below_prepared(Uniform::new(n))
    }

    /// Uniform in `0..n` by multiplication (Lemire, "Fast random integer generation in an
    /// interval", 2019): the high word of a draw × n, rejecting the low words that would make
    /// some results more likely than others. Exact, and without a division per draw.
    fn below_prepared(&mut self, u: Uniform) -> u64 {
        if u.n == 0 {
            return 0;
        }
        loop {
            let m = u128::from(self.next_u64()) * u128::from(u.n);
            if m as u64 >= u.reject_below {
                return (m >> 64) as u64;
            }
        }
    }

    /// True with probability exactly `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: Ratio) -> bool {
        if !p.is_positive() {
            return false;
        }
        if p >= Ratio::ONE {
            return true;
        }
        let (num, den) = (p.num().unsigned_abs(), p.den().unsigned_abs());
        self.below(den) < num
    }
}

/// `0..n` prepared for many uniform draws.
#[derive(Clone, Copy, Debug)]
struct Uniform {
    n: u64,
    /// 2⁶⁴ mod n: a draw whose low word × n falls below it is drawn again.
    reject_below: u64,
}

impl Uniform {
    fn new(n: u64) -> Uniform {
        Uniform {
            n,
            reject_below: if n == 0 { 0 } else { n.wrapping_neg() % n },
        }
    }
}

/// A chance prepared for many draws.
#[derive(Clone, Copy, Debug)]
struct Bernoulli {
    num: u64,
    /// The draw among the denominator's values; n = 0: use the general path.
    den: Uniform,
    p: Ratio,
}

impl Bernoulli {
    fn new(p: Ratio) -> Bernoulli {
        let p = if p.is_negative() {
            Ratio::ZERO
        } else if p > Ratio::ONE {
            Ratio::ONE
        } else {
            p
        };
        match (u64::try_from(p.num()), u64::try_from(p.den())) {
            (Ok(num), Ok(den)) if den > 0 => Bernoulli {
                num,
                den: Uniform::new(den),
                p,
            },
            _ => Bernoulli {
                num: 0,
                den: Uniform::new(0),
                p,
            },
        }
    }

    fn sample(&self, rng: &mut Rng) -> bool {
        if self.den.n == 0 {
            return rng.chance(self.p);
        }
        // Also right for num = 0 (never) and num = den (always).
        rng.below_prepared(self.den) < self.num
    }
}

/// What a simulation is run on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimInputs {
    /// The target whose chance is asked for (the committed target).
    pub committed: Money,
    /// Already signed.
    pub contracted: Money,
    /// New leads worked over the year.
    pub leads: i64,
    pub model: FunnelModel,
    pub deal_size: Money,
    /// Won deal values from history (the spread); empty = every deal is `deal_size`.
    pub history: Vec<Money>,
    pub open: Vec<OpenDeal>,
    pub runs: u32,
    pub seed: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Confidence {
    pub runs: u32,
    pub seed: u64,
    /// Runs that reached the committed target, over all runs.
    pub chance: Ratio,
    pub p10: Money,
    pub p50: Money,
    pub p90: Money,
    /// The simulated mean outcome (rounded to the fen).
    pub mean: Money,
    /// The expected outcome computed exactly: signed + Σ open value × chance + leads × win
    /// rate × deal size (rounded to the fen).
    pub analytic_mean: Money,
    /// The fewest leads with at least an 80% chance (same seed); None when even
    /// [`MAX_LEADS_SEARCHED`] are not enough.
    pub leads_for_80: Option<i64>,
}

/// Draws won deal values: history values scaled so their mean is the deal size.
struct DealDraw {
    /// Each history value × deal size / mean of the values, rounded to the fen (worked out
    /// once: a simulation draws millions of them); just the deal size when there is no
    /// history. Never empty.
    scaled: Vec<i128>,
    /// How many values to pick from, prepared for [`Rng::below_prepared`].
    pick: Uniform,
}

impl DealDraw {
    fn new(values: &[Money], deal_size: Money) -> DealDraw {
        let positive = values.iter().all(|v| v.fen() > 0);
        let sum: i128 = values.iter().map(|v| i128::from(v.fen())).sum();
        let scale = if positive && !values.is_empty() {
            Ratio::new(
                i128::from(deal_size.fen()) * values.len() as i128,
                sum.max(1),
            )
        } else {
            None
        };
        let deal_size = i128::from(deal_size.fen());
        let scaled: Vec<i128> = match scale {
            Some(scale) => values
                .iter()
                .map(|v| {
                    Ratio::from_integer(i128::from(v.fen()))
                        .checked_mul(scale)
                        .map(|r| r.round_half_away())
                        .unwrap_or(deal_size)
                })
                .collect(),
            None => vec![deal_size],
        };
        DealDraw {
            pick: Uniform::new(scaled.len() as u64),
            scaled,
        }
    }

    fn draw(&self, rng: &mut Rng) -> i128 {
        self.scaled
            .get(rng.below_prepared(self.pick) as usize)
            .copied()
            .unwrap_or(0)
    }
}

/// A person's inputs prepared for drawing.
struct Prepared {
    committed: i128,
    contracted: i128,
    open: Vec<(Bernoulli, i128)>,
    draw: DealDraw,
    win: Bernoulli,
    /// The win and the value from one draw, when both fit 32 bits (nearly always).
    lead32: Option<Lead32>,
}

/// `0..n` for `n` that fits 32 bits, drawn from half a 64-bit draw (Lemire's method as in
/// [`Rng::below_prepared`], on 32 bits).
#[derive(Clone, Copy, Debug)]
struct Uniform32 {
    n: u32,
    /// 2³² mod n.
    reject_below: u32,
}

impl Uniform32 {
    fn new(n: u64) -> Option<Uniform32> {
        let n = u32::try_from(n).ok().filter(|&n| n > 0)?;
        Some(Uniform32 {
            n,
            reject_below: n.wrapping_neg() % n,
        })
    }

    /// The product of a 32-bit draw and n: accepted when its low word is not below
    /// `reject_below`, and then its high word is the uniform result.
    fn product(self, half: u32) -> u64 {
        u64::from(half) * u64::from(self.n)
    }
}

/// A new lead decided by one 64-bit draw: its low half decides whether the lead is won (the
/// win rate num/den), its high half picks the won deal's value. The halves are independent and
/// a draw is taken again when either half would be biased, so both stay exact; and picking the
/// value whether or not it is used keeps the loop free of unpredictable branches.
#[derive(Clone, Copy, Debug)]
struct Lead32 {
    win_num: u32,
    win_den: Uniform32,
    value: Uniform32,
}

impl Prepared {
    fn new(i: &SimInputs) -> Prepared {
        let win = Bernoulli::new(i.model.win_rate());
        let draw = DealDraw::new(&i.history, i.deal_size);
        Prepared {
            committed: i128::from(i.committed.fen()),
            contracted: i128::from(i.contracted.fen()),
            open: i
                .open
                .iter()
                .map(|d| {
                    (
                        Bernoulli::new(i.model.win_from(d.stage)),
                        i128::from(d.value.fen()),
                    )
                })
                .collect(),
            lead32: Lead32::new(&win, &draw),
            win,
            draw,
        }
    }

    /// What is signed plus the open deals that close, in one run.
    fn signed_and_open(&self, rng: &mut Rng) -> i128 {
        let mut total = self.contracted;
        for (chance, value) in &self.open {
            // A mask, not a branch (see `lead`).
            total += value & -i128::from(chance.sample(rng));
        }
        total
    }

    /// One new lead: its deal's value when won, else 0.
    fn lead(&self, rng: &mut Rng) -> i128 {
        if let Some(l) = self.lead32 {
            loop {
                let x = rng.next_u64();
                let win = l.win_den.product(x as u32);
                let pick = l.value.product((x >> 32) as u32);
                if win as u32 >= l.win_den.reject_below && pick as u32 >= l.value.reject_below {
                    let value = self.draw.scaled.get((pick >> 32) as usize).copied();
                    let won = ((win >> 32) as u32) < l.win_num;
                    // All ones when won, else zero: a mask rather than a branch the processor
                    // would mispredict half the time.
                    return value.unwrap_or(0) & -i128::from(won);
                }
            }
        }
        if self.win.sample(rng) {
            self.draw.draw(rng)
        } else {
            0
        }
    }
}

impl Lead32 {
    fn new(win: &Bernoulli, draw: &DealDraw) -> Option<Lead32> {
        Some(Lead32 {
            win_num: u32::try_from(win.num).ok()?,
            win_den: Uniform32::new(win.den.n)?,
            value: Uniform32::new(draw.scaled.len() as u64)?,
        })
    }
}

/// A run that had not reached the committed target after `drawn` leads.
struct Unreached {
    rng: Rng,
    total: i128,
    drawn: i64,
}

/// The nearest-rank 10th, 50th and 90th percentiles (each the smallest value with at least
/// that share of `values` at or below it); reorders `values`. The median splits the values,
/// so the other two are looked for in one side each.
fn p10_p50_p90(values: &mut [i128]) -> (Money, Money, Money) {
    let fen = |v: i128| Money::from_fen(i64::try_from(v).unwrap_or(i64::MAX));
    if values.is_empty() {
        return (Money::ZERO, Money::ZERO, Money::ZERO);
    }
    let n = values.len();
    let (i10, i50, i90) = (rank_index(n, 10), rank_index(n, 50), rank_index(n, 90));
    let (below, median, above) = values.select_nth_unstable(i50);
    let median = *median;
    // i10 ≤ i50 ≤ i90 < n: `below` holds i50 values, `above` n − i50 − 1.
    let p10 = if i10 < i50 {
        *below.select_nth_unstable(i10).1
    } else {
        median
    };
    let p90 = if i90 > i50 {
        *above.select_nth_unstable(i90 - i50 - 1).1
    } else {
        median
    };
    (fen(p10), fen(median), fen(p90))
}

/// The index of the nearest-rank `p`th percentile among `n` sorted values.
fn rank_index(n: usize, p: i64) -> usize {
    let n = n as i128;
    let rank = (i128::from(p) * n + 99) / 100;
    (rank.max(1) - 1).min(n - 1) as usize
}

/// The exact expected outcome.
pub fn analytic_mean(i: &SimInputs) -> Money {
    let mut total = Ratio::from_integer(i128::from(i.contracted.fen()));
    for d in &i.open {
        if let Some(v) = Ratio::from_integer(i128::from(d.value.fen()))
            .checked_mul(i.model.win_from(d.stage))
            .and_then(|v| total.checked_add(v))
        {
            total = v;
        }
    }
    if let Some(v) = Ratio::from_integer(i128::from(i.leads))
        .checked_mul(i.model.win_rate())
        .and_then(|r| r.checked_mul(Ratio::from_integer(i128::from(i.deal_size.fen()))))
        .and_then(|v| total.checked_add(v))
    {
        total = v;
    }
    Money::from_fen(i64::try_from(total.round_half_away()).unwrap_or(i64::MAX))
}

/// Runs the simulation (and the search for the 80% lead count, which reruns it).
pub fn simulate(i: &SimInputs) -> Confidence {
    let never = AtomicBool::new(false);
    // Never cancelled, so always Some; the fallback only keeps this free of panics.
    simulate_cancellable(i, &never).unwrap_or(Confidence {
        runs: 0,
        seed: i.seed,
        chance: Ratio::ZERO,
        p10: Money::ZERO,
        p50: Money::ZERO,
        p90: Money::ZERO,
        mean: Money::ZERO,
        analytic_mean: analytic_mean(i),
        leads_for_80: None,
    })
}

/// [`simulate_cancellable`] for many people at once, on every core: the results come back in
/// the order of `sims`, the same as one by one (each simulation has its own seed).
/// `progress` is told how many are done; None once `cancel` is raised.
pub fn simulate_all<T: Copy + Send + Sync>(
    sims: &[(T, SimInputs)],
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Vec<(T, Confidence)>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Confidence>>> = Mutex::new(vec![None; sims.len()]);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sims.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((_, inputs)) = sims.get(k) else {
                        return;
                    };
                    let Some(c) = simulate_cancellable(inputs, cancel) else {
                        return;
                    };
                    if let Ok(mut r) = results.lock() {
                        r[k] = Some(c);
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            });
        }
    });
    let results = results.into_inner().ok()?;
    sims.iter()
        .zip(results)
        .map(|((id, _), c)| c.map(|c| (*id, c)))
        .collect()
}

/// [`simulate`], stopping early (None) once `cancel` is raised.
///
/// Each run has its own generator ([`Rng::for_run`]) and draws the open deals first, then the
/// new leads one by one. Run `r`'s outcome with `n` leads therefore does not depend on how many
/// leads are simulated (common random numbers) and only grows with `n`; so a run reaches the
/// target from some lead count `N_r` on, `n` leads reach it in the runs with `N_r ≤ n`, and the
/// fewest leads reaching it in 80% of the runs is the 80th percentile of the `N_r`. One pass
/// gives both the outcomes with the planned leads and, drawing on past them until the target is
/// reached, each `N_r`; runs still short are drawn on in rounds with a doubling limit until 80%
/// of the runs have reached the target or [`MAX_LEADS_SEARCHED`] leads are drawn.
pub fn simulate_cancellable(i: &SimInputs, cancel: &AtomicBool) -> Option<Confidence> {
    let runs = i.runs.max(1);
    let leads = i.leads.max(0);
    let m = Prepared::new(i);
    let mut outcomes: Vec<i128> = Vec::with_capacity(runs as usize);
    // Each run's N_r, for the runs that reached the target so far.
    let mut needed: Vec<i64> = Vec::with_capacity(runs as usize);
    let mut unreached: Vec<Unreached> = Vec::new();
    for run in 0..runs {
        if run % 256 == 0 && cancel.load(Ordering::Relaxed) {
            return None;
        }
        let mut rng = Rng::for_run(i.seed, run);
        let mut total = m.signed_and_open(&mut rng);
        let mut reached_at = (total >= m.committed).then_some(0);
        for n in 1..=leads {
            total += m.lead(&mut rng);
            if reached_at.is_none() && total >= m.committed {
                reached_at = Some(n);
            }
        }
        outcomes.push(total);
        match reached_at {
            Some(n) => needed.push(n),
            None => unreached.push(Unreached {
                rng,
                total,
                drawn: leads,
            }),
        }
    }
    // hits / runs ≥ 80% ⇔ hits ≥ k: the 80th percentile's nearest rank.
    let k = rank_index(runs as usize, TARGET_CONFIDENCE_PERCENT) + 1;
    let mut limit = leads.saturating_mul(2).clamp(64, MAX_LEADS_SEARCHED);
    while m.win.p.is_positive() && needed.len() < k && !unreached.is_empty() {
        for u in unreached.iter_mut() {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            while u.drawn < limit && u.total < m.committed {
                u.drawn += 1;
                u.total += m.lead(&mut u.rng);
            }
            if u.total >= m.committed {
                needed.push(u.drawn);
            }
        }
        unreached.retain(|u| u.total < m.committed);
        if limit >= MAX_LEADS_SEARCHED {
            break;
        }
        limit = limit.saturating_mul(2).min(MAX_LEADS_SEARCHED);
    }
    let leads_for_80 = (needed.len() >= k).then(|| *needed.select_nth_unstable(k - 1).1);
    let hit = outcomes.iter().filter(|&&o| o >= m.committed).count();
    let (p10, p50, p90) = p10_p50_p90(&mut outcomes);
    let sum: i128 = outcomes.iter().sum();
    let mean = Ratio::new(sum, i128::from(runs))
        .map(|r| r.round_half_away())
        .unwrap_or(0);
    Some(Confidence {
        runs,
        seed: i.seed,
        chance: Ratio::new(hit as i128, i128::from(runs)).unwrap_or(Ratio::ZERO),
        p10,
        p50,
        p90,
        mean: Money::from_fen(i64::try_from(mean).unwrap_or(i64::MAX)),
        analytic_mean: analytic_mean(i),
        leads_for_80,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_percentiles_are_those_of_the_sorted_values() {
        let mut rng = Rng::new(3);
        for n in [1usize, 2, 3, 4, 9, 10, 11, 99, 100, 101, 1_000] {
            let values: Vec<i128> = (0..n).map(|_| rng.below(50) as i128).collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let at = |p: i64| Money::from_fen(sorted[rank_index(n, p)] as i64);
            let mut shuffled = values.clone();
            assert_eq!(p10_p50_p90(&mut shuffled), (at(10), at(50), at(90)), "{n}");
        }
        // Nearest rank: of 1..=10, the 10th percentile is 1, the median 5, the 90th 9.
        let mut ten: Vec<i128> = (1..=10).rev().collect();
        let (p10, p50, p90) = p10_p50_p90(&mut ten);
        assert_eq!((p10.fen(), p50.fen(), p90.fen()), (1, 5, 9));
        assert_eq!(
            p10_p50_p90(&mut []),
            (Money::ZERO, Money::ZERO, Money::ZERO)
        );
    }
}
