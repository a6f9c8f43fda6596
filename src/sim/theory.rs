//! Closed forms a station must reproduce (docs/references.md, Queueing formulas), as pure
//! functions. Rates are per second, times in seconds.
//!
//! Notation: arrival rate `lambda`, service rate `mu` per server, `c`
//! servers, offered load `a = lambda / mu` (Erlangs), utilisation
//! `rho = a / c`. Every function returns `None` when its inputs are outside
//! the formula's domain (an unstable queue, a quantile outside (0, 1), a
//! non-finite or non-positive rate), because a made-up number would look
//! like a result.
//!
//! Sources: Erlang's B and C formulas (Erlang 1917; e.g. Kleinrock,
//! *Queueing Systems* vol. 1, 1975, §3.5-3.6), the Pollaczek-Khinchine mean
//! (Kleinrock §5.6), and Little's law (Little, Operations Research 1961).

/// True when `lambda` and `mu` are finite and positive and `lambda < c mu`.
fn stable(lambda: f64, mu: f64, c: u32) -> bool {
    lambda.is_finite()
        && mu.is_finite()
        && lambda > 0.0
        && mu > 0.0
        && c >= 1
        && lambda < f64::from(c) * mu
}

fn is_prob(q: f64) -> bool {
    q > 0.0 && q < 1.0
}

/// Erlang B, the blocking probability of M/M/c/c with offered load `a`:
/// `B(c, a) = (a^c / c!) / sum_{k<=c} a^k / k!`, computed with the stable
/// recursion `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`, which has no
/// factorials or powers and is accurate for `c` in the thousands.
pub fn erlang_b(c: u32, a: f64) -> Option<f64> {
    if !(a.is_finite() && a >= 0.0) {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    Some(b)
}

/// Erlang C, the probability that an arrival to M/M/c must wait:
/// `C(c, a) = [a^c/c! * c/(c-a)] / [sum_{k<c} a^k/k! + a^c/c! * c/(c-a)]`,
/// evaluated as `C = c B / (c - a (1 - B))` with `B = B(c, a)` from
/// [`erlang_b`]. Needs `0 <= a < c` (a stable queue).
pub fn erlang_c(c: u32, a: f64) -> Option<f64> {
    if c == 0 || !(a >= 0.0 && a < f64::from(c)) {
        return None;
    }
    let b = erlang_b(c, a)?;
    let c = f64::from(c);
    Some(c * b / (c - a * (1.0 - b)))
}

/// M/M/c mean wait in queue: `Wq = C(c, a) / (c mu - lambda)`.
pub fn mmc_mean_wait(lambda: f64, mu: f64, c: u32) -> Option<f64> {
    if !stable(lambda, mu, c) {
        return None;
    }
    Some(erlang_c(c, lambda / mu)? / (f64::from(c) * mu - lambda))
}

/// M/M/c mean sojourn: `W = Wq + 1 / mu`.
pub fn mmc_mean_sojourn(lambda: f64, mu: f64, c: u32) -> Option<f64> {
    Some(mmc_mean_wait(lambda, mu, c)? + 1.0 / mu)
}

/// M/M/c tail of the wait: `P(Wq > t) = C(c, a) e^{-(c mu - lambda) t}`
/// for `t >= 0` (the wait is 0 with probability `1 - C`, else exponential
/// with rate `c mu - lambda`).
pub fn mmc_prob_wait_exceeds(lambda: f64, mu: f64, c: u32, t: f64) -> Option<f64> {
    if !stable(lambda, mu, c) || t.is_nan() || t < 0.0 {
        return None;
    }
    let cc = erlang_c(c, lambda / mu)?;
    Some(cc * (-(f64::from(c) * mu - lambda) * t).exp())
}

/// M/M/c q-quantile of the wait: 0 when `q <= 1 - C` (that many arrivals do
/// not wait), else `ln(C / (1 - q)) / (c mu - lambda)`, the inverse of
/// [`mmc_prob_wait_exceeds`].
pub fn mmc_wait_quantile(lambda: f64, mu: f64, c: u32, q: f64) -> Option<f64> {
    if !stable(lambda, mu, c) || !is_prob(q) {
        return None;
    }
    let cc = erlang_c(c, lambda / mu)?;
    if q <= 1.0 - cc {
        return Some(0.0);
    }
    Some((cc / (1.0 - q)).ln() / (f64::from(c) * mu - lambda))
}

/// M/M/1 mean wait in queue: `Wq = rho / (mu - lambda)`.
pub fn mm1_mean_wait(lambda: f64, mu: f64) -> Option<f64> {
    if !stable(lambda, mu, 1) {
        return None;
    }
    Some(lambda / mu / (mu - lambda))
}

/// M/M/1 q-quantile of the sojourn time, which is exponential with rate
/// `mu - lambda`: `-ln(1 - q) / (mu - lambda)`.
pub fn mm1_sojourn_quantile(lambda: f64, mu: f64, q: f64) -> Option<f64> {
    if !stable(lambda, mu, 1) || !is_prob(q) {
        return None;
    }
    Some(-(1.0 - q).ln() / (mu - lambda))
}

/// M/G/1 mean wait (Pollaczek-Khinchine): `Wq = lambda E[S^2] / (2 (1 - rho))`
/// with `rho = lambda E[S]`. `None` when `E[S^2]` is not finite (the mean
/// wait is then infinite) or the queue is unstable.
pub fn mg1_mean_wait(lambda: f64, mean_s: f64, second_moment_s2: f64) -> Option<f64> {
    if !(mean_s > 0.0 && second_moment_s2.is_finite() && second_moment_s2 >= 0.0) {
        return None;
    }
    if !stable(lambda, 1.0 / mean_s, 1) {
        return None;
    }
    let rho = lambda * mean_s;
    Some(lambda * second_moment_s2 / (2.0 * (1.0 - rho)))
}

/// M/G/1 probability of waiting: `P(Wq > 0) = rho`, because Poisson
/// arrivals see time averages (Wolff's PASTA) and the server is busy a
/// fraction `rho` of the time.
pub fn mg1_prob_wait(lambda: f64, mean_s: f64) -> Option<f64> {
    if mean_s.is_nan() || mean_s <= 0.0 || !stable(lambda, 1.0 / mean_s, 1) {
        return None;
    }
    Some(lambda * mean_s)
}

/// M/D/1 mean wait, P-K with `E[S^2] = 1/mu^2`: `Wq = rho / (2 mu (1 - rho))`
/// (half the M/M/1 wait; a check on [`mg1_mean_wait`]).
pub fn md1_mean_wait(lambda: f64, mu: f64) -> Option<f64> {
    if !stable(lambda, mu, 1) {
        return None;
    }
    let rho = lambda / mu;
    Some(rho / (2.0 * mu * (1.0 - rho)))
}

/// Little's law, `L = lambda W`: the mean number in any stable system is
/// the arrival rate times the mean time spent in it.
pub fn littles_law(lambda: f64, mean_time: f64) -> f64 {
    lambda * mean_time
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn erlang_by_hand() {
        // B(1, a) = a / (1 + a); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 1/5.
        assert!(close(erlang_b(1, 3.0).unwrap(), 0.75));
        assert!(close(erlang_b(2, 1.0).unwrap(), 0.2));
        // C(2, 1) = [1/2 * 2] / [1 + 1 + 1] = 1/3; C(1, a) = a.
        assert!(close(erlang_c(2, 1.0).unwrap(), 1.0 / 3.0));
        assert!(close(erlang_c(1, 0.7).unwrap(), 0.7));
        // C(3, 2) = [8/6 * 3] / [1 + 2 + 2 + 4] = 4/9.
        assert!(close(erlang_c(3, 2.0).unwrap(), 4.0 / 9.0));
        assert_eq!(erlang_c(2, 2.0), None);
        assert_eq!(erlang_c(2, f64::NAN), None);
    }

    #[test]
    fn erlang_c_is_stable_for_large_c() {
        // Direct summation with factorials overflows long before c = 1000;
        // the recursion stays in [0, 1] and is monotone in the load.
        let lo = erlang_c(1000, 900.0).unwrap();
        let hi = erlang_c(1000, 990.0).unwrap();
        assert!(lo > 0.0 && lo < hi && hi < 1.0, "{lo} {hi}");
        // Halfin-Whitt check: with a = c - beta sqrt(c), C tends to
        // [1 + beta Phi(beta) / phi(beta)]^-1; beta = 1 gives
        // 1 / (1 + 0.8413 / 0.2420) = 0.2234.
        let c = 10_000u32;
        let cz = erlang_c(c, 10_000.0 - 100.0).unwrap();
        assert!((cz - 0.2234).abs() < 0.01, "{cz}");
    }

    #[test]
    fn mm1_and_mmc_agree_at_c_1() {
        let (l, m) = (0.6, 1.0);
        assert!(close(mm1_mean_wait(l, m).unwrap(), 1.5));
        assert!(close(mmc_mean_wait(l, m, 1).unwrap(), 1.5));
        assert!(close(mmc_mean_sojourn(l, m, 1).unwrap(), 2.5));
        // P-K with E[S^2] = 2 (exponential) is the M/M/1 wait too.
        assert!(close(mg1_mean_wait(l, 1.0, 2.0).unwrap(), 1.5));
        assert!(close(md1_mean_wait(l, m).unwrap(), 0.75));
        assert!(close(mg1_mean_wait(l, 1.0, 1.0).unwrap(), 0.75));
        assert!(close(mg1_prob_wait(l, 1.0).unwrap(), 0.6));
        // Sojourn median of Exp(0.4): ln 2 / 0.4.
        assert!(close(
            mm1_sojourn_quantile(l, m, 0.5).unwrap(),
            2f64.ln() / 0.4
        ));
        assert!(close(littles_law(0.6, 2.5), 1.5));
    }

    #[test]
    fn wait_quantiles_invert_the_tail() {
        let (l, m, c) = (2.8, 1.0, 4);
        let cc = erlang_c(c, 2.8).unwrap();
        assert_eq!(mmc_wait_quantile(l, m, c, (1.0 - cc) * 0.99), Some(0.0));
        for q in [0.9, 0.99, 0.999] {
            let x = mmc_wait_quantile(l, m, c, q).unwrap();
            assert!(close(mmc_prob_wait_exceeds(l, m, c, x).unwrap(), 1.0 - q));
        }
        assert!(close(mmc_prob_wait_exceeds(l, m, c, 0.0).unwrap(), cc));
    }

    #[test]
    fn outside_the_domain_is_none() {
        assert_eq!(mmc_mean_wait(1.0, 1.0, 1), None);
        assert_eq!(mmc_mean_wait(-1.0, 1.0, 1), None);
        assert_eq!(mm1_sojourn_quantile(0.5, 1.0, 1.0), None);
        assert_eq!(mmc_wait_quantile(0.5, 1.0, 1, 0.0), None);
        assert_eq!(mg1_mean_wait(0.5, 1.0, f64::INFINITY), None);
        assert_eq!(mg1_mean_wait(1.5, 1.0, 2.0), None);
        assert_eq!(md1_mean_wait(2.0, 1.0), None);
    }
}
