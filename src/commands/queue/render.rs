//! The table and the CSV of `fanout queue`.

use super::Validated;
use super::compare::{Kind, Outcome, Row, Theory};
use std::io::Write;

/// The unit times are shown in, chosen from the mean service time.
fn time_unit(es: f64) -> (&'static str, f64) {
    if es >= 0.1 {
        ("s", 1.0)
    } else if es >= 1e-4 {
        ("ms", 1e3)
    } else {
        ("us", 1e6)
    }
}

pub(super) fn write_table(v: &Validated, o: &Outcome, out: &mut dyn Write) -> std::io::Result<()> {
    let es = v.dist.mean_secs();
    let (unit, scale) = time_unit(es);
    writeln!(
        out,
        "model {}  lambda {}/s  mu {}/s  servers {}  service {}  rho {:.3}  customers {}  seed {}",
        v.model,
        v.lambda,
        significant(1.0 / es),
        v.servers,
        v.service_text,
        v.rho,
        v.customers,
        v.seed
    )?;
    let (first, end) = super::compare::measured(v.customers);
    writeln!(
        out,
        "measured customers {} to {} of {} (the first and last {}% are left out as warm-up and drain)",
        first + 1,
        end,
        v.customers,
        100 / super::compare::TRIM_DIVISOR
    )?;
    writeln!(
        out,
        "{:<16} {:>18} {:>22} {:>11}",
        "metric", "simulated", "theory", "rel. error"
    )?;
    let show = |kind: Kind, x: f64| match kind {
        Kind::Time => format!("{} {unit}", significant(x * scale)),
        Kind::Probability | Kind::Count => significant(x),
    };
    for r in &o.rows {
        let theory = match r.theory {
            Theory::Value(t) => show(r.kind, t),
            Theory::Infinite => "infinite (E[S^2]=inf)".to_string(),
            Theory::NoClosedForm => "n/a (no closed form)".to_string(),
            Theory::Approx(t) => format!("~{} (approx.)", show(r.kind, t)),
            Theory::LowerBound(t) => format!(">= {} (bound)", show(r.kind, t)),
        };
        let rel = r
            .rel_error()
            .map_or(String::new(), |e| format!("{:+.2}%", e * 100.0));
        writeln!(
            out,
            "{:<16} {:>18} {:>22} {:>11}",
            r.label,
            show(r.kind, r.simulated),
            theory,
            rel
        )?;
    }
    let secs = o.wall.as_secs_f64();
    let rate = if secs > 0.0 {
        o.events as f64 / secs
    } else {
        f64::INFINITY
    };
    writeln!(
        out,
        "events processed {}  wall {:.3} s  events per second (wall) {:.3e}",
        o.events, secs, rate
    )
}

/// Five significant digits, in plain notation down to 0.001 and in
/// scientific notation below (a rare wait at low load is not shown as 0).
fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor();
    if mag < -3.0 {
        format!("{x:.4e}")
    } else {
        format!("{x:.*}", (4.0 - mag).max(0.0) as usize)
    }
}

/// The CSV: one row per metric, times in seconds, theory and rel_error
/// empty where there is no closed form (`inf` where the answer is infinite).
/// With `--fork` K > 1 a last column, `theory_kind`, says whether the
/// theory is `exact`, an `approximation` or a `lower bound` (the one-station
/// CSV keeps its five columns).
pub(super) fn write_csv(v: &Validated, rows: &[Row], w: &mut dyn Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    let fork = v.fork > 1;
    let header = ["model", "metric", "simulated", "theory", "rel_error"];
    match fork {
        true => csv.write_record(header.iter().chain(&["theory_kind"]))?,
        false => csv.write_record(header)?,
    }
    for r in rows {
        let theory = match r.theory {
            Theory::Value(t) | Theory::Approx(t) | Theory::LowerBound(t) => t.to_string(),
            Theory::Infinite => "inf".to_string(),
            Theory::NoClosedForm => String::new(),
        };
        let rel = r.rel_error().map_or(String::new(), |e| e.to_string());
        let record = [
            v.model.as_str(),
            r.metric,
            &r.simulated.to_string(),
            &theory,
            &rel,
        ];
        match fork {
            true => csv.write_record(record.iter().chain(&[r.theory.kind_name()]))?,
            false => csv.write_record(record)?,
        }
    }
    csv.flush()
}
