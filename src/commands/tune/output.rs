//! What `tune` prints and writes: progress on standard error, the table of
//! answers on standard output, every evaluated point in `--csv`, and the
//! exit status (0; 2 when no strategy can meet the SLOs in the space; 130
//! after Ctrl-C, with the best answer so far marked partial).

use super::eval::{Eval, Evaluator};
use super::{Answer, TuneConfig};
use crate::error::{FanoutError, Result};
use crate::model::config::StrategyKind;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, Write};

/// A spinner on standard error: points evaluated and the cheapest feasible
/// cost so far. Hidden with `--quiet` or when standard error is no
/// terminal (indicatif draws nothing then).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A spinner, hidden when `quiet`.
    pub fn new(quiet: bool) -> Progress {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} tune {prefix}: {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        Progress { bar }
    }

    /// A new strategy is being searched.
    pub fn strategy(&self, kind: StrategyKind) {
        self.bar.set_prefix(kind.name());
        self.bar.set_message("starting");
    }

    /// After each evaluation.
    pub fn update(&self, ev: &Evaluator) {
        let best = ev
            .log
            .iter()
            .filter(|e| e.feasible)
            .map(|e| e.cost)
            .fold(f64::INFINITY, f64::min);
        let best = if best.is_finite() {
            format!("{best:.4}")
        } else {
            "none yet".into()
        };
        self.bar.set_message(format!(
            "{} points evaluated ({} simulations), best cost so far {best}",
            ev.log.len(),
            ev.simulations
        ));
        self.bar.tick();
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A value of a searched key for the table and the CSV (empty when the
/// strategy does not read it).
fn value(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The lines of one point: its keys, cost, SLO figures and stability.
fn point_lines(cfg: &TuneConfig, e: &Eval, out: &mut dyn Write) -> io::Result<()> {
    for (d, v) in cfg.dims.iter().zip(&e.values) {
        if v.is_some() {
            writeln!(out, "  {:<40} {}", d.key, value(*v))?;
        }
    }
    writeln!(out, "  {:<40} {:.4}", "cost_per_hour", e.cost)?;
    for (s, v) in cfg.slos.iter().zip(&e.verdicts) {
        let u = s.unit();
        let how = if v.holds { "margin" } else { "MISSES by" };
        writeln!(
            out,
            "  {:<40} mean {:.3}{u}, 95% bound {:.3}{u}, {how} {:.3}{u}",
            s.text,
            v.mean,
            v.bound,
            v.margin.abs()
        )?;
    }
    let stable = if e.stable { "yes" } else { "NO" };
    writeln!(out, "  {:<40} {stable}", "stable (every tier, every seed)")
}

/// Points of the exhaustive grid over the same values, per strategy.
fn grid_points(cfg: &TuneConfig, kind: StrategyKind) -> f64 {
    cfg.dims
        .iter()
        .map(|d| {
            if !d.is_choice() {
                (d.hi - d.lo + 1) as f64
            } else if kind == StrategyKind::Hybrid {
                d.choices().len() as f64
            } else {
                1.0
            }
        })
        .product()
}

/// The table of answers.
fn table(
    cfg: &TuneConfig,
    answers: &[Answer],
    partial: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let slos: Vec<&str> = cfg.slos.iter().map(|s| s.text.as_str()).collect();
    writeln!(
        out,
        "tune {}{}: {} seeds per point; SLOs {} (each at the far end of its 95% interval), and a \
         stable cluster",
        cfg.base.name,
        if partial {
            " (PARTIAL: interrupted)"
        } else {
            ""
        },
        cfg.seeds.len(),
        slos.join(", ")
    )?;
    for a in answers {
        writeln!(out)?;
        match (&a.best, &a.closest) {
            (Some(best), _) => {
                writeln!(out, "{}: cheapest feasible configuration", a.kind.name())?;
                point_lines(cfg, best, out)?;
                let proof = if a.proven {
                    "yes (branch and bound finished)"
                } else {
                    "no (the refinement's budget ran out: a local optimum)"
                };
                writeln!(out, "  {:<40} {proof}", "proven cheapest in the space")?;
            }
            (None, Some(close)) => {
                writeln!(
                    out,
                    "{}: no configuration in the space meets the SLOs; closest:",
                    a.kind.name()
                )?;
                point_lines(cfg, close, out)?;
            }
            (None, None) => writeln!(out, "{}: nothing evaluated", a.kind.name())?,
        }
        let grid = grid_points(cfg, a.kind);
        writeln!(
            out,
            "  {:<40} {} points, {} simulations (exhaustive grid: {grid:.0} points, {:.0} \
             simulations)",
            "evaluated",
            a.points,
            a.simulations,
            grid * cfg.seeds.len() as f64
        )?;
    }
    Ok(())
}

/// The CSV of every evaluated point.
fn csv(cfg: &TuneConfig, log: &[Eval], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["strategy".to_string()];
    header.extend(cfg.dims.iter().map(|d| d.key.clone()));
    header.push("cost_per_hour".into());
    for s in &cfg.slos {
        header.push(format!("{}_mean", s.column));
        header.push(format!("{}_bound95", s.column));
    }
    header.extend(["stable".into(), "feasible".into()]);
    w.write_record(&header)?;
    let num = |x: f64| {
        if x.is_finite() {
            format!("{x:.4}")
        } else {
            String::new()
        }
    };
    for e in log {
        let mut row = vec![e.kind.name().to_string()];
        row.extend(e.values.iter().map(|v| value(*v)));
        row.push(num(e.cost));
        for v in &e.verdicts {
            row.push(num(v.mean));
            row.push(num(v.bound));
        }
        row.push(u8::from(e.stable).to_string());
        row.push(u8::from(e.feasible).to_string());
        w.write_record(&row)?;
    }
    w.flush()
}

/// Prints the table, writes the CSV, and says how the run ended.
pub fn finish(cfg: &TuneConfig, ev: &Evaluator, answers: &[Answer], partial: bool) -> Result<()> {
    if let Some(path) = &cfg.csv {
        crate::output::write_atomic(path, |out| csv(cfg, &ev.log, out))
            .map_err(|e| e.for_flag("--csv"))?;
    }
    let csv_on_stdout = cfg.csv.as_deref().is_some_and(crate::output::is_stdout);
    let print = |out: &mut dyn Write| table(cfg, answers, partial, out);
    if csv_on_stdout {
        print(&mut io::stderr()).map_err(FanoutError::stdout)?;
    } else {
        super::super::results::print_table(&print)?;
    }
    if partial {
        return Err(FanoutError::Interrupted);
    }
    if answers.iter().all(|a| a.best.is_none()) {
        return Err(FanoutError::input(missed(cfg, answers)));
    }
    Ok(())
}

/// The one-line refusal when no strategy meets the SLOs: the closest
/// point and how far its worst SLO misses.
fn missed(cfg: &TuneConfig, answers: &[Answer]) -> String {
    let closest = answers
        .iter()
        .filter_map(|a| a.closest.as_ref())
        .max_by(|a, b| a.closeness(&cfg.slos).total_cmp(&b.closeness(&cfg.slos)));
    let slos: Vec<&str> = cfg.slos.iter().map(|s| s.text.as_str()).collect();
    let mut m = format!(
        "--slo {}: no configuration in the searched space meets the SLOs on a stable cluster",
        slos.join(" --slo ")
    );
    if let Some(e) = closest {
        let keys: Vec<String> = cfg
            .dims
            .iter()
            .zip(&e.values)
            .filter(|(_, v)| v.is_some())
            .map(|(d, v)| format!("{}={}", d.key, value(*v)))
            .collect();
        let misses: Vec<String> = cfg
            .slos
            .iter()
            .zip(&e.verdicts)
            .filter(|(_, v)| !v.holds)
            .map(|(s, v)| format!("{} misses by {:.3}{}", s.text, v.margin.abs(), s.unit()))
            .collect();
        m.push_str(&format!("; closest: {} {}", e.kind.name(), keys.join(" ")));
        if !e.stable {
            m.push_str(", unstable");
        }
        if !misses.is_empty() {
            m.push_str(&format!(", {}", misses.join(", ")));
        }
        m.push_str("; widen --search or relax --slo");
    }
    m
}
