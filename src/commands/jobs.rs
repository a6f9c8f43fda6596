//! Running simulations: jobs that share a follower graph are grouped so
//! each graph is built once, and the jobs of a group run in parallel on
//! rayon's pool. Rows come back in job order whatever the thread count, so
//! results are byte-identical with one thread or many.

use super::Notes;
use crate::error::Result;
use crate::interrupt;
use crate::memory;
use crate::metrics::Report;
use crate::model::config::{Scenario, StrategyKind};
use crate::model::sim::{self, SimOptions, World};
use crate::progress::Progress;
use crate::report::Row;
use rayon::prelude::*;
use std::time::Instant;

/// One simulation to run: a resolved scenario (seed included), a strategy,
/// and the sweep point it belongs to.
pub struct Job {
    /// The scenario, with this job's seed.
    pub scenario: Scenario,
    /// The strategy to simulate.
    pub kind: StrategyKind,
    /// `(key, value)` of each varied key; empty for `run`.
    pub point: Vec<(String, String)>,
    /// The row's last columns: provenance (and a sweep's item); see
    /// [`Row::tail`].
    pub tail: Vec<(String, String)>,
}

/// Rows of the finished jobs, and whether Ctrl-C cut the work short.
pub struct Finished {
    /// One row per finished job, in job order.
    pub rows: Vec<Row>,
    /// Whether Ctrl-C stopped the work.
    pub interrupted: bool,
}

/// Builds the follower graph, with a note on standard error.
pub fn build_world(scenario: &Scenario, notes: &Notes) -> Result<World> {
    if let Some(f) = &scenario.population.file {
        // Loaded (once per process) when the scenario was resolved.
        notes.say(&format!(
            "follower graph from {}: {} users, {} follow edges",
            f.path.display(),
            crate::report::thousands(f64::from(f.graph.users())),
            crate::report::thousands(f.graph.edges() as f64)
        ));
        return World::build(scenario).map_err(memory::graph_build_error);
    }
    let started = Instant::now();
    notes.say(&format!(
        "building the follower graph: {} users ...",
        crate::report::thousands(f64::from(scenario.population.users))
    ));
    let world = World::build(scenario).map_err(memory::graph_build_error)?;
    notes.say(&format!(
        "graph built: {} follow edges in {:.1} s",
        crate::report::thousands(world.graph.edges() as f64),
        started.elapsed().as_secs_f64()
    ));
    Ok(world)
}

/// Indices of the jobs that share a graph: same population and seed.
fn graph_groups(jobs: &[Job]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        match groups.iter_mut().find(|g| {
            let first = &jobs[g[0]].scenario;
            first.seed == job.scenario.seed && first.population == job.scenario.population
        }) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}

/// Jobs run at once per thread between two hand-overs of finished rows:
/// enough to keep every thread busy, few enough that a long sweep never
/// holds more than a handful of full reports.
const CHUNK_PER_THREAD: usize = 4;

/// Runs jobs, building each distinct graph once and running the jobs that
/// share it in parallel, a few per thread at a time; each finished job's
/// row goes to `sink` with its job index as soon as its chunk is done (not
/// in job order across graphs). `extra` is the memory, in bytes, the caller
/// keeps besides the simulations, for the memory guard. Returns whether
/// Ctrl-C cut the work short.
pub fn run_jobs(
    jobs: &[Job],
    options: &SimOptions,
    notes: &Notes,
    (force, extra): (bool, u64),
    sink: &mut dyn FnMut(usize, Row) -> Result<()>,
) -> Result<bool> {
    let cancel = interrupt::flag();
    let mut options = options.clone();
    options.cancel = Some(cancel.clone());
    let per_job = jobs
        .iter()
        .map(|j| (j.scenario.warmup + j.scenario.duration).as_nanos())
        .max()
        .unwrap_or(1);
    let groups = graph_groups(jobs);
    let threads = rayon::current_num_threads().max(1);
    let parallel = threads.min(jobs.len()).max(1);
    for group in &groups {
        memory::guard(&jobs[group[0]].scenario, parallel, extra, force)?;
    }
    let progress = Progress::new(jobs.len(), per_job, notes.quiet);
    let mut finished = 0;
    for group in &groups {
        if interrupt::requested(&cancel) {
            break;
        }
        let world = build_world(&jobs[group[0]].scenario, notes)?;
        for chunk in group.chunks(threads * CHUNK_PER_THREAD) {
            if interrupt::requested(&cancel) {
                break;
            }
            let done: Vec<(usize, Report)> = chunk
                .par_iter()
                .filter(|_| !interrupt::requested(&cancel))
                .map(|&i| {
                    progress.start_job(i);
                    let job = &jobs[i];
                    let report = sim::simulate(
                        &job.scenario,
                        &world,
                        job.kind,
                        &options,
                        &mut |t, events| progress.update(i, t.as_nanos(), events),
                    );
                    progress.finish_job(i);
                    (i, report)
                })
                .collect();
            for (i, report) in done.into_iter().filter(|(_, r)| !r.partial) {
                finished += 1;
                let point = jobs[i].point.clone();
                let tail = jobs[i].tail.clone();
                sink(
                    i,
                    Row {
                        report,
                        point,
                        tail,
                    },
                )?;
            }
        }
    }
    progress.finish();
    let interrupted = interrupt::requested(&cancel);
    if interrupted {
        eprintln!(
            "fanout: interrupted: {finished} of {} simulations finished; writing their results",
            jobs.len()
        );
    }
    Ok(interrupted)
}

/// Runs jobs and keeps every finished row, in job order (for `run`, whose
/// few rows the side-by-side table needs whole).
pub fn run_and_collect(
    jobs: &[Job],
    options: &SimOptions,
    notes: &Notes,
    force: bool,
) -> Result<Finished> {
    let mut rows: Vec<Option<Row>> = jobs.iter().map(|_| None).collect();
    let interrupted = run_jobs(jobs, options, notes, (force, 0), &mut |i, row| {
        rows[i] = Some(row);
        Ok(())
    })?;
    let rows = rows.into_iter().flatten().collect();
    Ok(Finished { rows, interrupted })
}
