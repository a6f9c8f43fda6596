//! `fanout graph export` and `fanout graph fit`: follower graphs as edge
//! lists.
//!
//! Export writes the graph a scenario would simulate, so it can be
//! inspected, shared, or loaded back with `population.graph = { file = ...
//! }`; fit goes the other way, from a real edge list to the `[population]`
//! keys that make the generator reproduce its shape at any size
//! (docs/references.md, Clauset-Shalizi-Newman 2009).

use super::Notes;
use super::config;
use super::jobs::build_world;
use crate::cli::{GraphArgs, GraphCommand, GraphExportArgs, GraphFitArgs};
use crate::error::{FanoutError, Result};
use crate::model::graph::fit::{Fit, FitRow, fit_graph};
use crate::model::graph::{CacheMode, Direction, EdgeFormat, LoadOptions, export, load_shared};
use crate::output;
use std::io::Write;
use std::path::PathBuf;

/// Runs `graph export` or `graph fit`.
pub fn execute(args: &GraphArgs) -> Result<()> {
    match &args.command {
        GraphCommand::Export(a) => export_graph(a),
        GraphCommand::Fit(a) => fit(a),
    }
}

/// Writes the scenario's graph as an edge list, atomically. A graph loaded
/// from a file is written with the file's own ids, so exporting it gives
/// back an equivalent file; a generated one with its ids 0..users.
fn export_graph(a: &GraphExportArgs) -> Result<()> {
    output::check_writable("--output", &a.output)?;
    let (_raw, scenario) = config::load(&a.scenario, &[])?;
    crate::memory::guard(&scenario, 1, 0, false)?;
    let world = build_world(&scenario, &Notes { quiet: false })?;
    let ids = scenario.population.file.as_ref().map(|f| &*f.ids);
    let gz = a.output.extension().is_some_and(|e| e == "gz");
    let mut edges = 0;
    output::write_atomic(&a.output, |w| {
        edges = export::export_edges(&world.graph, ids, w, gz)?;
        Ok(())
    })?;
    if !output::is_stdout(&a.output) {
        eprintln!("wrote {edges} edges to {}", a.output.display());
    }
    Ok(())
}

/// The load options of `graph fit`'s flags.
fn fit_options(a: &GraphFitArgs) -> Result<LoadOptions> {
    let format = match a.format.trim() {
        f @ ("auto" | "text" | "text.gz" | "binary") => EdgeFormat::parse(f),
        _ => None,
    }
    .ok_or_else(|| {
        FanoutError::input(format!(
            "--format {}: must be one of auto, text, text.gz, binary",
            a.format
        ))
    })?;
    let direction = Direction::parse(&a.direction).ok_or_else(|| {
        FanoutError::input(format!(
            "--direction {}: must be follower-followee (\"a b\": a follows b) or followee-follower",
            a.direction
        ))
    })?;
    let cache = match a.graph_cache.as_deref() {
        None => CacheMode::Beside,
        Some("off") => CacheMode::Off,
        Some(p) if !p.trim().is_empty() => CacheMode::At(PathBuf::from(p)),
        Some(p) => {
            return Err(FanoutError::input(format!(
                "--graph-cache {p:?}: must be a path or off"
            )));
        }
    };
    Ok(LoadOptions {
        format,
        direction,
        cache,
    })
}

/// Loads the edge list, fits it and prints the fit, the section and the
/// table.
fn fit(a: &GraphFitArgs) -> Result<()> {
    let options = fit_options(a)?;
    let file = load_shared(&a.file, &options)?;
    let mut fit = fit_graph(&file.graph).map_err(FanoutError::input)?;
    if !a.no_build {
        fit.build_synthetic(a.seed)
            .map_err(crate::memory::graph_build_error)?;
    }
    let s = &file.stats;
    let mut out = format!(
        "{}: {} users, {} follow edges ({} lines; dropped {} self-loops and {} duplicate edges)\n\n",
        a.file.display(),
        fit.users,
        fit.edges,
        s.lines,
        s.self_loops,
        s.duplicates
    );
    out.push_str(&summary(&fit));
    out.push_str("\nreal graph against the fitted synthetic one:\n");
    out.push_str(&table(&fit.table()));
    out.push_str("\nscenario keys reproducing this shape:\n\n");
    out.push_str(&fit.population_toml());
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(out.as_bytes())
        .and_then(|_| lock.flush())
        .map_err(FanoutError::stdout)
}

/// The fitted laws and moments, one line each.
fn summary(fit: &Fit) -> String {
    let law = |l: &Option<crate::model::graph::fit::PowerLawFit>| match l {
        Some(l) => format!(
            "power law, exponent {:.3} +- {:.3} above x_min {} ({} users in the tail), KS distance {:.4}",
            l.alpha, l.alpha_stderr, l.x_min, l.tail, l.ks
        ),
        None => "too few positive counts for a power-law fit".to_string(),
    };
    format!(
        "follower counts: {}\n  mean {:.3}, median {}, max {}\n\
         followee counts: {}\n  mean {:.3}, median {}, max {}\n",
        law(&fit.follower_law),
        fit.followers.mean,
        fit.followers.median,
        fit.followers.max,
        law(&fit.followee_law),
        fit.followees.mean,
        fit.followees.median,
        fit.followees.max,
    )
}

/// A number as the table shows it: whole numbers without decimals.
fn cell(x: Option<f64>) -> String {
    match x {
        None => "-".to_string(),
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Some(x) => format!("{x:.4}"),
    }
}

/// The real-against-synthetic table, aligned.
fn table(rows: &[FitRow]) -> String {
    let w = rows.iter().map(|r| r.statistic.len()).max().unwrap_or(0);
    let mut out = format!(
        "  {:<w$}  {:>14}  {:>14}\n",
        "statistic", "real", "synthetic"
    );
    for r in rows {
        out.push_str(&format!(
            "  {:<w$}  {:>14}  {:>14}\n",
            r.statistic,
            cell(r.real),
            cell(r.synthetic)
        ));
    }
    out
}
