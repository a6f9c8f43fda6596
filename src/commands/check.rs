//! `fanout check`: validate a scenario, print its resolved parameters and
//! memory estimate, then build the graph and print its statistics.

use super::Notes;
use super::config;
use super::jobs::build_world;
use crate::cli::CheckArgs;
use crate::error::{FanoutError, Result};
use crate::memory;
use crate::model::config::{GraphMode, Scenario, StrategyKind};
use crate::model::sim::World;
use crate::model::strategy::{FeedingFrenzy, FrenzyCosts};
use crate::report::thousands;
use crate::scenario;
use std::io::Write;
use std::path::PathBuf;

/// `check`'s flags, validated: the scenario file and its resolution.
pub struct CheckConfig {
    /// The scenario file, as named on the command line.
    pub path: PathBuf,
    /// The resolved scenario.
    pub scenario: Scenario,
    /// `--json`: print the memory estimate as JSON, without building the graph.
    pub json: bool,
}

impl CheckConfig {
    /// Loads and resolves the scenario.
    pub fn from_args(args: &CheckArgs) -> Result<CheckConfig> {
        let (_raw, scenario) = config::load(&args.scenario, &[])?;
        Ok(CheckConfig {
            path: args.scenario.scenario.clone(),
            scenario,
            json: args.json,
        })
    }
}

fn print(text: &str) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(text.as_bytes())
        .and_then(|_| lock.flush())
        .map_err(FanoutError::stdout)
}

/// The parameters, the memory estimate and the warnings, as printed.
fn describe(cfg: &CheckConfig) -> String {
    let scenario = &cfg.scenario;
    let mut out = format!("{}: valid\n\nresolved parameters:\n", cfg.path.display());
    let params = scenario::describe(scenario);
    let w = params.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &params {
        out.push_str(&format!("  {k:<w$}  {v}\n"));
    }
    if scenario.population.file.is_some() {
        let bytes = World::estimate_memory_bytes(scenario, 1);
        out.push_str(&format!(
            "\nmemory estimate (loaded graph + one simulation): {:.1} MiB\n",
            bytes as f64 / 1048576.0
        ));
        for w in scenario::warnings(scenario) {
            out.push_str(&format!("warning: {w}\n"));
        }
        return out;
    }
    let stored = World::estimate_memory_bytes_in(scenario, 1, GraphMode::Stored);
    let sampled = World::estimate_memory_bytes_in(scenario, 1, GraphMode::Sampled);
    out.push_str(&format!(
        "\nmemory estimate (graph build peak + one simulation): stored {:.1} MiB, sampled {:.1} MiB \
         (population.graph = {}); available: {}\n",
        stored as f64 / 1048576.0,
        sampled as f64 / 1048576.0,
        scenario.population.graph.name(),
        memory::available_bytes()
            .map(|b| format!("{:.1} MiB", b as f64 / 1048576.0))
            .unwrap_or_else(|| "unknown".into())
    ));
    for w in scenario::warnings(scenario) {
        out.push_str(&format!("warning: {w}\n"));
    }
    out.push_str(&proportions(scenario));
    out
}

/// `x` with three significant digits, without an exponent down to 1e-4.
fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (2 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.digits$}")
}

/// Twitter in 2012 (docs/references.md, Krikorian 2012; DDIA ch. 1): 150M
/// active users, top accounts followed by over 30M, 75 followers per tweet.
const TWITTER_USERS: f64 = 150e6;
/// The largest accounts' followers, 2012.
const TWITTER_TOP: f64 = 30e6;
/// DDIA's mean fan-out per tweet.
const DDIA_FANOUT: f64 = 75.0;

/// The proportions a scaled-down population keeps or distorts against
/// Twitter's: the top account's share of users (about 20% at Twitter: a
/// scenario whose top account everyone follows sends every pull to its
/// shard), the graph's density, the share the follow limit and the
/// celebrity threshold are of the users, and the mean fan-out per tweet
/// (expected, target, DDIA's) with how noisy a run of this length measures
/// it. A share more than twice or under half Twitter's is marked.
fn proportions(s: &Scenario) -> String {
    let p = &s.population;
    let users = f64::from(p.users);
    let share = |x: f64| 100.0 * x / users;
    let twitter = |x: f64| 100.0 * x / TWITTER_USERS;
    let mark = |ours: f64, theirs: f64| {
        let r = ours / theirs;
        if (0.5..=2.0).contains(&r) {
            String::new()
        } else {
            format!("  <- {}x Twitter's", significant(r))
        }
    };
    let pct = |ours: f64, theirs: f64| {
        format!(
            "{}% of users (Twitter 2012: {}%){}",
            significant(ours),
            significant(theirs),
            mark(ours, theirs)
        )
    };
    let top = f64::from(p.followers.max);
    let mean = p.followers.mean.unwrap_or_else(|| {
        crate::model::graph::zipf_mean(p.followers.exponent, p.followers.max, p.users)
    });
    let fan = super::run::ExpectedFanout::of(s);
    let target = p
        .fanout_per_tweet
        .map(|t| format!("target {t}, "))
        .unwrap_or_default();
    let threshold = f64::from(s.strategy.celebrity_threshold);
    let mut rows = vec![
        (
            "top account's followers",
            pct(share(top), twitter(TWITTER_TOP)),
        ),
        (
            "mean followers (graph density)",
            pct(share(mean), twitter(35.0)),
        ),
        (
            "strategy.hybrid.celebrity_threshold",
            pct(share(threshold), twitter(threshold)),
        ),
    ];
    if let Some(cap) = p.followee_max {
        rows.push((
            "population.followees.max",
            pct(share(f64::from(cap)), twitter(f64::from(cap))),
        ));
    }
    rows.push((
        "mean fan-out per tweet",
        format!(
            "expected {:.1} ({target}DDIA: {DDIA_FANOUT}); a run of {} measures it within \
             {:.1}% (1 standard error){}",
            fan.mean,
            s.duration,
            100.0 * fan.relative_se(),
            if fan.warning().is_some() {
                "  <- too short: see `fanout run`"
            } else {
                ""
            }
        ),
    ));
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::from("\nproportions against Twitter 2012 (150M users):\n");
    for (k, v) in rows {
        out.push_str(&format!("  {k:<w$}  {v}\n"));
    }
    out
}

/// The graph statistics section.
fn graph_statistics(scenario: &Scenario, world: &World) -> String {
    let st = world.graph.stats();
    let fanout = world
        .graph
        .weighted_mean_followers(scenario.population.author_activity_exponent);
    let celebrities = (0..world.graph.users())
        .filter(|&u| world.graph.follower_count(u) >= scenario.strategy.celebrity_threshold)
        .count();
    let mut rows = vec![
        ("users", thousands(st.users as f64)),
        ("follow edges", thousands(st.edges as f64)),
        (
            "followers per user: mean / median / p99 / max",
            format!(
                "{:.1} / {} / {} / {}",
                st.mean_followers, st.median_followers, st.p99_followers, st.max_followers
            ),
        ),
        (
            if world.graph.mode() == GraphMode::Sampled {
                "followees per user (expected): mean / median / max"
            } else {
                "followees per user: mean / median / max"
            },
            format!(
                "{:.1} / {} / {}",
                st.mean_followees, st.median_followees, st.max_followees
            ),
        ),
        (
            "mean fan-out per tweet (activity-weighted)",
            match scenario.population.fanout_per_tweet {
                Some(t) => format!("{fanout:.1} followers (population.fanout_per_tweet = {t})"),
                None => format!("{fanout:.1} followers"),
            },
        ),
        (
            "celebrities (>= strategy.hybrid.celebrity_threshold)",
            thousands(celebrities as f64),
        ),
        (
            "graph memory",
            format!(
                "{:.1} MiB ({:.2} bytes per edge)",
                st.memory_bytes as f64 / (1024.0 * 1024.0),
                st.memory_bytes as f64 / (st.edges.max(1)) as f64
            ),
        ),
    ];
    if scenario.strategies.contains(&StrategyKind::FeedingFrenzy) {
        rows.extend(feeding_frenzy_rows(scenario, world));
    }
    if let Some(f) = &scenario.population.file {
        rows.extend(file_rows(f));
    }
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::from("\ngraph statistics:\n");
    for (k, v) in rows {
        out.push_str(&format!("  {k:<w$}  {v}\n"));
    }
    out
}

/// What `feeding-frenzy` weighs and decides on this graph: H, Lp, their
/// ratio, and the share of edges it pushes (exact on a stored graph,
/// estimated from 10,000 readers' lists on a sampled one).
fn feeding_frenzy_rows(scenario: &Scenario, world: &World) -> Vec<(&'static str, String)> {
    let costs = FrenzyCosts::of(scenario);
    let ff = FeedingFrenzy::new(scenario, &world.graph);
    let (pushed, total) = ff.pushed_edges(&world.graph, 10_000);
    let share = pushed as f64 / total.max(1) as f64;
    let exact = world.graph.mode() == GraphMode::Stored;
    vec![
        (
            "feeding-frenzy: push cost H / pull cost Lp / H/Lp",
            format!(
                "{} / {} / {:.3}",
                costs.push,
                costs.pull,
                costs.push.as_nanos() as f64 / costs.pull.as_nanos().max(1) as f64
            ),
        ),
        (
            if exact {
                "feeding-frenzy: edges pushed"
            } else {
                "feeding-frenzy: edges pushed (estimate)"
            },
            format!(
                "{:.2}% ({} of {})",
                share * 100.0,
                thousands(pushed as f64),
                thousands(total as f64)
            ),
        ),
    ]
}

/// What loading a graph file found: the pairs it dropped (a follow is a
/// set: a self-follow or a repeated pair adds nothing) and the cache.
fn file_rows(f: &crate::model::graph::GraphFile) -> Vec<(&'static str, String)> {
    use crate::model::graph::cache::CacheOutcome;
    let cache = match &f.cache {
        CacheOutcome::Off => "off".to_string(),
        CacheOutcome::Binary => "the file is a binary graph".to_string(),
        CacheOutcome::Hit(p) => format!("read {}", p.display()),
        CacheOutcome::Written { path, previous } => match previous {
            None => format!("written {}", path.display()),
            Some(why) => format!(
                "rebuilt {} (the old one was not used: {why})",
                path.display()
            ),
        },
        CacheOutcome::WriteFailed { path, reason } => {
            format!("not written to {}: {reason}", path.display())
        }
    };
    vec![
        ("graph file", f.path.display().to_string()),
        ("lines read", thousands(f.stats.lines as f64)),
        ("dropped self-loops", thousands(f.stats.self_loops as f64)),
        (
            "dropped duplicate edges",
            thousands(f.stats.duplicates as f64),
        ),
        ("binary cache", cache),
    ]
}

/// The memory estimate as JSON, for scripts that request memory per task
/// (scripts/slurm/submit.sh): bytes for the graph build peak plus one
/// simulation in each graph mode and in the scenario's own (`bytes`), and
/// what each further simulation run at once adds (`per_simulation_bytes`),
/// so a task running C simulations at once needs
/// `bytes + (C - 1) * per_simulation_bytes`.
pub fn memory_json(cfg: &CheckConfig) -> serde_json::Value {
    let s = &cfg.scenario;
    let mode = s.population.graph;
    let est = |parallel: usize, mode: GraphMode| World::estimate_memory_bytes_in(s, parallel, mode);
    let stored = est(1, GraphMode::Stored);
    let sampled = est(1, GraphMode::Sampled);
    serde_json::json!({
        "fanout_version": crate::provenance::VERSION,
        "scenario_hash": crate::provenance::scenario_hash(s),
        "scenario": s.name,
        "graph": mode.name(),
        "memory_estimate": {
            "bytes": est(1, mode),
            "stored_bytes": stored,
            "sampled_bytes": sampled,
            "per_simulation_bytes": est(2, mode).saturating_sub(est(1, mode)),
        },
        "warnings": scenario::warnings(s),
    })
}

/// Prints the description, then builds the graph and prints its
/// statistics; with `--json`, only the memory estimate, as JSON.
pub fn execute(cfg: &CheckConfig) -> Result<()> {
    if cfg.json {
        let mut text = serde_json::to_string_pretty(&memory_json(cfg))
            .map_err(|e| FanoutError::failure(format!("rendering JSON: {e}")))?;
        text.push('\n');
        return print(&text);
    }
    print(&describe(cfg))?;
    memory::guard(&cfg.scenario, 1, 0, false)?;
    let world = build_world(&cfg.scenario, &Notes { quiet: false })?;
    print(&graph_statistics(&cfg.scenario, &world))
}
