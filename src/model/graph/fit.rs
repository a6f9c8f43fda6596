//! Fits the generator's parameters to a real follower graph, so a scenario
//! can reproduce its shape at any size: the `[population]` section and a
//! table of real against fitted-synthetic statistics.
//!
//! # Method (docs/references.md, Clauset-Shalizi-Newman 2009)
//!
//! For a cut-off x_min, the discrete maximum-likelihood exponent of the
//! tail x >= x_min is approximately α = 1 + n / Σ ln(x_i / (x_min - 1/2));
//! x_min is the value minimising the Kolmogorov-Smirnov distance D between
//! the tail's empirical complementary CDF and the fitted one, P(X >= x) ≈
//! ((x - 1/2) / (x_min - 1/2))^(1 - α). Candidates: every distinct value
//! with at least [`MIN_TAIL`] values at or above it, the first 200 of them
//! one by one and the rest log-spaced (at most [`MAX_CANDIDATES`]), so a
//! graph of any size fits in about a second. The standard error of α is
//! (α - 1) / √n. Zero counts are left out (a power law has none).
//!
//! # From the fit to the generator
//!
//! The generator's follower counts follow the rank-size law d_r = max ·
//! r^-s, whose count density has exponent 1 + 1/s (see [`super::degrees`]).
//! The section gives the real mean and max and lets the generator solve s
//! for them ([`solve_exponent`]): the edges and the largest account match
//! exactly; the fitted tail exponent is reported beside the one the solved
//! law has. Followee counts inherit the out-weights' exponent, so the
//! fitted followee α is `population.followee_exponent`; at small means a
//! generated graph's realised followee tail comes out steeper than its
//! parameter, which [`Fit::build_synthetic`] measures.

use super::degrees::rank_size_count;
use super::{Graph, nearest_rank, solve_exponent};
use rayon::prelude::*;

/// Smallest tail a cut-off may leave.
pub const MIN_TAIL: u64 = 50;
/// Most cut-offs tried.
pub const MAX_CANDIDATES: usize = 400;
/// Largest population a scenario accepts (`population.users`).
const SCENARIO_MAX_USERS: u32 = 200_000_000;

/// A power-law fit of a tail.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerLawFit {
    /// Density exponent α: P(x) ∝ x^-α for x >= x_min.
    pub alpha: f64,
    /// Standard error of α, (α - 1) / √tail.
    pub alpha_stderr: f64,
    /// The cut-off.
    pub x_min: u32,
    /// Values at or above the cut-off.
    pub tail: u64,
    /// Kolmogorov-Smirnov distance of the tail to the fit (smaller: better;
    /// below about 1/√tail is as good as a sample from the law itself).
    pub ks: f64,
}

/// Fits a discrete power law to the positive values of `values` (see the
/// module doc). None when fewer than [`MIN_TAIL`] values are positive or
/// they take a single value.
pub fn fit_power_law(values: &[u32]) -> Option<PowerLawFit> {
    let mut v: Vec<u32> = values.par_iter().copied().filter(|&x| x > 0).collect();
    v.par_sort_unstable();
    // Distinct values and their multiplicities.
    let mut xs: Vec<f64> = Vec::new();
    let mut cs: Vec<u64> = Vec::new();
    for &x in &v {
        if xs.last() == Some(&f64::from(x)) {
            *cs.last_mut()? += 1;
        } else {
            xs.push(f64::from(x));
            cs.push(1);
        }
    }
    drop(v);
    let k = xs.len();
    // Suffix sums: values at or above xs[i] and the sum of their logs.
    let mut tail_n = vec![0u64; k + 1];
    let mut tail_ln = vec![0.0f64; k + 1];
    for i in (0..k).rev() {
        tail_n[i] = tail_n[i + 1] + cs[i];
        tail_ln[i] = tail_ln[i + 1] + cs[i] as f64 * xs[i].ln();
    }
    let half: Vec<f64> = xs.iter().map(|&x| (x - 0.5).ln()).collect();
    let candidates = candidates(&tail_n, &xs);
    let fit_at = |i: usize| {
        let n = tail_n[i] as f64;
        let alpha = 1.0 + n / (tail_ln[i] - n * half[i]);
        let mut d = 0.0f64;
        for j in i..k {
            // P(X >= x_j), then P(X >= x_j + 1) = P(X >= x_{j+1}).
            let model = ((1.0 - alpha) * (half[j] - half[i])).exp();
            d = d.max((tail_n[j] as f64 / n - model).abs());
            let next = ((1.0 - alpha) * ((xs[j] + 0.5).ln() - half[i])).exp();
            d = d.max((tail_n[j + 1] as f64 / n - next).abs());
        }
        PowerLawFit {
            alpha,
            alpha_stderr: (alpha - 1.0) / n.sqrt(),
            x_min: xs[i] as u32,
            tail: tail_n[i],
            ks: d,
        }
    };
    let fits: Vec<PowerLawFit> = candidates.par_iter().map(|&i| fit_at(i)).collect();
    // Smallest distance; ties to the smaller cut-off (the larger sample).
    fits.into_iter()
        .filter(|f| f.alpha.is_finite() && f.alpha > 1.0)
        .reduce(|a, b| if b.ks < a.ks { b } else { a })
}

/// Indices of the distinct values tried as cut-offs.
fn candidates(tail_n: &[u64], xs: &[f64]) -> Vec<usize> {
    let usable = (0..xs.len())
        .take_while(|&i| tail_n[i] >= MIN_TAIL && i + 1 < xs.len())
        .count();
    let mut out: Vec<usize> = (0..usable.min(200)).collect();
    if usable > 200 {
        let (lo, hi) = (xs[200].ln(), xs[usable - 1].ln());
        let steps = MAX_CANDIDATES - 200;
        let mut i = 200;
        for s in 0..=steps {
            let target = lo + (hi - lo) * s as f64 / steps as f64;
            while i < usable && xs[i].ln() < target {
                i += 1;
            }
            if i < usable && out.last() != Some(&i) {
                out.push(i);
            }
        }
    }
    out
}

/// Mean, quantiles and max of a degree sequence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DegreeSummary {
    /// Mean.
    pub mean: f64,
    /// Median (nearest rank).
    pub median: u32,
    /// 99th percentile (nearest rank).
    pub p99: u32,
    /// Largest.
    pub max: u32,
    /// Share of users with a zero count.
    pub zero_share: f64,
}

impl DegreeSummary {
    /// The summary of `values` (all zero for an empty sequence).
    pub fn of(values: &[u32]) -> DegreeSummary {
        let n = values.len();
        if n == 0 {
            return DegreeSummary {
                mean: 0.0,
                median: 0,
                p99: 0,
                max: 0,
                zero_share: 0.0,
            };
        }
        let mut v = values.to_vec();
        v.par_sort_unstable();
        let sum: u64 = v.par_iter().map(|&x| u64::from(x)).sum();
        let zeros = v.partition_point(|&x| x == 0);
        DegreeSummary {
            mean: sum as f64 / n as f64,
            median: v[nearest_rank(0.5, n)],
            p99: v[nearest_rank(0.99, n)],
            max: v[n - 1],
            zero_share: zeros as f64 / n as f64,
        }
    }
}

/// The generator's parameters fitted to a graph (the `[population]` keys).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SyntheticParams {
    /// `population.users`.
    pub users: u32,
    /// `population.followers.mean`.
    pub mean: f64,
    /// `population.followers.max`.
    pub max: u32,
    /// The rank-size exponent s the generator solves for mean and max.
    pub rank_exponent: f64,
    /// `population.followee_exponent`.
    pub followee_exponent: f64,
}

/// Everything `graph fit` reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Users of the real graph.
    pub users: u32,
    /// Edges of the real graph.
    pub edges: u64,
    /// Real follower counts.
    pub followers: DegreeSummary,
    /// Real followee counts.
    pub followees: DegreeSummary,
    /// Power-law fit of the real follower counts.
    pub follower_law: Option<PowerLawFit>,
    /// Power-law fit of the real followee counts.
    pub followee_law: Option<PowerLawFit>,
    /// The fitted generator parameters.
    pub synthetic: SyntheticParams,
    /// The synthetic follower counts (the rank-size law, exactly).
    pub synthetic_followers: DegreeSummary,
    /// Power-law fit of the synthetic follower counts.
    pub synthetic_follower_law: Option<PowerLawFit>,
    /// The synthetic followee counts, known only once a synthetic graph is
    /// built ([`Fit::build_synthetic`]).
    pub synthetic_followees: Option<DegreeSummary>,
    /// Power-law fit of those followee counts.
    pub synthetic_followee_law: Option<PowerLawFit>,
}

/// Fits a stored or sampled graph.
pub fn fit_graph(g: &Graph) -> Result<Fit, String> {
    let n = g.users();
    let followers: Vec<u32> = (0..n)
        .into_par_iter()
        .map(|u| g.follower_count(u))
        .collect();
    let followees: Vec<u32> = (0..n)
        .into_par_iter()
        .map(|u| g.followee_count(u))
        .collect();
    fit_degrees(&followers, &followees)
}

/// Fits from the two degree sequences (same length: one entry per user).
pub fn fit_degrees(followers: &[u32], followees: &[u32]) -> Result<Fit, String> {
    let users = u32::try_from(followers.len())
        .ok()
        .filter(|&n| n > 0 && followees.len() == n as usize)
        .ok_or("fit: the degree sequences must be non-empty and of equal length")?;
    let edges: u64 = followers.par_iter().map(|&x| u64::from(x)).sum();
    let fs = DegreeSummary::of(followers);
    let fe = DegreeSummary::of(followees);
    let follower_law = fit_power_law(followers);
    let followee_law = fit_power_law(followees);
    let max = fs.max;
    let rank_exponent = solve_exponent(fs.mean, max, users).map_err(|e| format!("fit: {e}"))?;
    let synthetic = SyntheticParams {
        users,
        mean: fs.mean,
        max,
        rank_exponent,
        // The scenario needs > 1; a fit is > 1 but may round to 1.
        followee_exponent: followee_law.map_or(2.28, |f| f.alpha.max(1.01)),
    };
    let synth: Vec<u32> = (1..=users)
        .into_par_iter()
        .map(|r| rank_size_count(f64::from(max), rank_exponent, f64::from(r)) as u32)
        .collect();
    Ok(Fit {
        users,
        edges,
        followers: fs,
        followees: fe,
        follower_law,
        followee_law,
        synthetic,
        synthetic_followers: DegreeSummary::of(&synth),
        synthetic_follower_law: fit_power_law(&synth),
        synthetic_followees: None,
        synthetic_followee_law: None,
    })
}

/// One line of the real-versus-synthetic table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitRow {
    /// What is compared.
    pub statistic: &'static str,
    /// The real graph's value.
    pub real: Option<f64>,
    /// The fitted generator's value (None: only known once built).
    pub synthetic: Option<f64>,
}

impl Fit {
    /// The table of real against fitted-synthetic statistics, as data.
    pub fn table(&self) -> Vec<FitRow> {
        let row = |statistic, real: Option<f64>, synthetic: Option<f64>| FitRow {
            statistic,
            real,
            synthetic,
        };
        let (f, s) = (&self.followers, &self.synthetic_followers);
        let law = |l: &Option<PowerLawFit>, g: fn(&PowerLawFit) -> f64| l.as_ref().map(g);
        let mean_followees = self.edges as f64 / f64::from(self.users);
        vec![
            row(
                "users",
                Some(f64::from(self.users)),
                Some(f64::from(self.synthetic.users)),
            ),
            row(
                "edges",
                Some(self.edges as f64),
                Some(s.mean * f64::from(self.users)),
            ),
            row("followers: mean", Some(f.mean), Some(s.mean)),
            row(
                "followers: median",
                Some(f64::from(f.median)),
                Some(f64::from(s.median)),
            ),
            row(
                "followers: p99",
                Some(f64::from(f.p99)),
                Some(f64::from(s.p99)),
            ),
            row(
                "followers: max",
                Some(f64::from(f.max)),
                Some(f64::from(s.max)),
            ),
            row(
                "followers: share with none",
                Some(f.zero_share),
                Some(s.zero_share),
            ),
            row(
                "followers: tail exponent",
                law(&self.follower_law, |l| l.alpha),
                law(&self.synthetic_follower_law, |l| l.alpha),
            ),
            row(
                "followers: tail x_min",
                law(&self.follower_law, |l| f64::from(l.x_min)),
                law(&self.synthetic_follower_law, |l| f64::from(l.x_min)),
            ),
            row(
                "followers: tail KS distance",
                law(&self.follower_law, |l| l.ks),
                law(&self.synthetic_follower_law, |l| l.ks),
            ),
            row(
                "followees: mean",
                Some(self.followees.mean),
                Some(mean_followees),
            ),
            row(
                "followees: median",
                Some(f64::from(self.followees.median)),
                self.synthetic_followees.map(|s| f64::from(s.median)),
            ),
            row(
                "followees: max",
                Some(f64::from(self.followees.max)),
                self.synthetic_followees.map(|s| f64::from(s.max)),
            ),
            row(
                "followees: tail exponent",
                law(&self.followee_law, |l| l.alpha),
                law(&self.synthetic_followee_law, |l| l.alpha),
            ),
        ]
    }

    /// Builds the fitted synthetic graph (stored mode, `seed`) and fills the
    /// followee figures only a built graph has. It holds as much memory as
    /// a graph of the real one's size: the caller decides when to afford it.
    ///
    /// Why: `followee_exponent` is the exponent of the out-weights; the
    /// realised followee counts come out steeper at small means (sampling
    /// noise and saturation), e.g. a fitted 2.70 for 2.28 at 2,000 users and
    /// mean 10, so only a built graph shows how close the synthetic is.
    pub fn build_synthetic(&mut self, seed: u64) -> Result<(), String> {
        let p = &self.synthetic;
        let g = Graph::build(&super::GraphParams {
            users: p.users,
            follower_exponent: p.rank_exponent,
            follower_max: p.max,
            followee_exponent: p.followee_exponent,
            followee_max: None,
            seed,
        })?;
        let out: Vec<u32> = (0..g.users())
            .into_par_iter()
            .map(|u| g.followee_count(u))
            .collect();
        drop(g);
        self.synthetic_followees = Some(DegreeSummary::of(&out));
        self.synthetic_followee_law = fit_power_law(&out);
        Ok(())
    }

    /// The `[population]` section reproducing this graph's shape, with
    /// comments giving the fit.
    pub fn population_toml(&self) -> String {
        let p = &self.synthetic;
        let law = |l: &Option<PowerLawFit>| match l {
            Some(l) => format!(
                "alpha {:.3} +- {:.3} above x_min {} ({} users, KS distance {:.4})",
                l.alpha, l.alpha_stderr, l.x_min, l.tail, l.ks
            ),
            None => "too few positive counts to fit".to_string(),
        };
        let mut t = format!(
            "# Fitted by fanout to a follower graph of {} users and {} edges\n\
             # (docs/references.md, Clauset-Shalizi-Newman 2009).\n\
             # Follower counts: {}.\n\
             # The generator solves the rank-size exponent s = {:.4} for this mean and max:\n\
             # count density exponent 1 + 1/s = {:.3}.\n\
             # Followee counts: {}.\n",
            self.users,
            self.edges,
            law(&self.follower_law),
            p.rank_exponent,
            1.0 + 1.0 / p.rank_exponent,
            law(&self.followee_law),
        );
        if p.users > SCENARIO_MAX_USERS {
            t.push_str(&format!(
                "# More users than a scenario accepts ({SCENARIO_MAX_USERS}): scale users down; \
                 keep mean, and max below users.\n"
            ));
        }
        t.push_str(&format!(
            "[population]\nusers = {}\nfollowee_exponent = {:.4}\n\n\
             [population.followers]\nmean = {:.6}\nmax = {}\n",
            p.users, p.followee_exponent, p.mean, p.max
        ));
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::testutil::params;
    use crate::sim::rng::stream;
    use rand::RngExt;

    /// `n` draws of a discrete power law with exponent `alpha` above
    /// `x_min` (a continuous power law above x_min - 1/2, rounded: the law
    /// the approximate estimator assumes), plus `noise` uniform draws in
    /// 1..x_min below the cut-off.
    fn draws(alpha: f64, x_min: f64, n: usize, noise: usize, seed: u64) -> Vec<u32> {
        let mut rng = stream(seed, "fit-test");
        let mut v: Vec<u32> = (0..n)
            .map(|_| {
                let u: f64 = rng.random();
                let x = (x_min - 0.5) * (1.0 - u).powf(-1.0 / (alpha - 1.0));
                (x + 0.5).floor().min(1e9) as u32
            })
            .collect();
        if x_min > 1.0 {
            v.extend((0..noise).map(|_| rng.random_range(1..x_min as u32)));
        }
        v
    }

    #[test]
    fn recovers_known_exponents() {
        // 100k draws above x_min: the standard error of alpha is (alpha -
        // 1)/sqrt(n) = 0.005 at alpha 2.5 with the whole tail, larger when
        // KS picks a higher cut-off. The fit is accepted within 4 of its
        // own standard errors plus 0.02 for the discrete approximation
        // (Clauset et al. find its bias below 1% from x_min about 6).
        for (alpha, x_min, seed) in [(2.5, 1.0, 1), (2.5, 10.0, 2), (2.1, 6.0, 3), (3.0, 20.0, 4)] {
            let v = draws(alpha, x_min, 100_000, 30_000, seed);
            let f = fit_power_law(&v).unwrap();
            assert!(
                (f.alpha - alpha).abs() < 4.0 * f.alpha_stderr + 0.02,
                "alpha {alpha} x_min {x_min}: {f:?}"
            );
            // KS may move the cut-off up where the discrete approximation
            // is poor (x below about 6), at the cost of a smaller tail.
            assert!(f.tail >= 2_000, "{f:?}");
            assert!(f.ks < 0.02, "{f:?}");
            if x_min > 1.0 {
                // The uniform noise below x_min is cut off.
                assert!(f64::from(f.x_min) >= x_min - 1.0, "{f:?}");
            }
        }
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(fit_power_law(&[]), None);
        assert_eq!(fit_power_law(&[0; 1000]), None);
        assert_eq!(fit_power_law(&[5; 1000]), None);
        assert_eq!(fit_power_law(&[1, 2, 3]), None);
        let s = DegreeSummary::of(&[0, 0, 1, 2, 10]);
        assert_eq!((s.median, s.p99, s.max), (1, 10, 10));
        assert!((s.mean - 2.6).abs() < 1e-12 && (s.zero_share - 0.4).abs() < 1e-12);
        assert!(fit_degrees(&[], &[]).is_err());
        assert!(fit_degrees(&[1, 2], &[1]).is_err());
    }

    #[test]
    fn fits_a_generated_graph_and_writes_a_loadable_section() {
        // Rank-size exponent s = 0.8: count density exponent 1 + 1/s = 2.25.
        let g = Graph::build(&params(100_000, 0.8, 20_000, 7)).unwrap();
        let fit = fit_graph(&g).unwrap();
        let law = fit.follower_law.unwrap();
        assert!((law.alpha - 2.25).abs() < 0.1, "{law:?}");
        // The synthetic law solved from the real mean and max is the same
        // law, so it fits the same.
        assert!((fit.synthetic.rank_exponent - 0.8).abs() < 0.01, "{fit:?}");
        let syn = fit.synthetic_follower_law.unwrap();
        assert!((syn.alpha - law.alpha).abs() < 0.02, "{syn:?} vs {law:?}");
        assert_eq!(fit.synthetic_followers.max, fit.followers.max);
        // Followee counts follow the out-weights' exponent 2.28 loosely
        // (sampling without replacement saturates the heaviest).
        let fe = fit.followee_law.unwrap();
        assert!(fe.alpha > 1.5 && fe.alpha < 3.5, "{fe:?}");
        let t = fit.table();
        let tail = |t: &[FitRow]| {
            *t.iter()
                .find(|r| r.statistic == "followees: tail exponent")
                .unwrap()
        };
        assert_eq!(tail(&t).synthetic, None);
        let mut built = fit.clone();
        built.build_synthetic(1).unwrap();
        let syn = tail(&built.table()).synthetic.unwrap();
        assert!(syn > 1.5 && syn < 3.5, "{syn}");
        assert!(built.synthetic_followees.unwrap().max > 0);
        let users = t.iter().find(|r| r.statistic == "users").unwrap();
        assert_eq!((users.real, users.synthetic), (Some(1e5), Some(1e5)));
        let mean = t.iter().find(|r| r.statistic == "followers: mean").unwrap();
        let (r, s) = (mean.real.unwrap(), mean.synthetic.unwrap());
        assert!((r - s).abs() < 1e-3 * r, "{r} {s}");
        let toml_text = fit.population_toml();
        let v: toml::Table = toml::from_str(&toml_text).unwrap();
        let pop = v["population"].as_table().unwrap();
        assert_eq!(pop["users"].as_integer(), Some(100_000));
        let fol = pop["followers"].as_table().unwrap();
        assert_eq!(fol["max"].as_integer(), Some(i64::from(fit.followers.max)));
        assert!((fol["mean"].as_float().unwrap() - fit.followers.mean).abs() < 1e-6);
        assert!(pop["followee_exponent"].as_float().unwrap() > 1.0);
    }
}
