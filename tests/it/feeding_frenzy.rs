//! Feeding Frenzy (docs/references.md, Silberstein et al. 2010): the two
//! sides of every edge agree (a read pulls exactly the followees whose
//! posts are not pushed to it), the rule is the rate comparison it claims
//! to be, with uniform reader activity it is hybrid at one threshold, and
//! with activity that grows with followees it is not.

use fanout::model::config::{Scenario, StrategyKind};
use fanout::model::graph::Graph;
use fanout::model::sim::{SimOptions, World, simulate};
use fanout::model::strategy::{FeedingFrenzy, FrenzyCosts, Hybrid, Push, Strategy};
use fanout::scenario::RawScenario;

/// A small graph (held as `graph`: stored or sampled) with popular authors
/// posting more; reads as frequent as posts and equal costs, so the rule
/// splits the edges.
fn scenario(reader_exponent: f64, graph: &str) -> Scenario {
    let toml = format!(
        "seed = 5\nduration = \"2s\"\nwarmup = \"0s\"\n\
         strategies = [\"hybrid\", \"feeding-frenzy\"]\n\
         [population]\nusers = 3_000\ngraph = \"{graph}\"\nauthor_activity_exponent = 0.5\n\
         reader_activity_exponent = {reader_exponent}\n\
         [population.followers]\nmean = 20.0\n\
         [workload]\ntweets_per_sec = 400\nreads_per_sec = 400\n\
         [strategy.feeding_frenzy]\npush_cost = \"5us\"\npull_cost = \"5us\"\n"
    );
    RawScenario::from_str(&toml, "ff.toml")
        .unwrap()
        .resolve()
        .unwrap()
}

/// Every (author, reader) edge of a stored graph, by reader.
fn edges(graph: &Graph) -> impl Iterator<Item = (u32, u32)> + '_ {
    (0..graph.users()).flat_map(move |c| graph.followees(c).iter().map(move |&p| (p, c)))
}

/// Checks that `pulls` of every reader is exactly its followees whose edge
/// is not pushed, and that the author's shortcut (all or none) agrees with
/// the per-edge answer; returns (pushed, pulled) edges.
fn check_both_sides(s: &Scenario, world: &World, ff: &FeedingFrenzy) -> (u64, u64) {
    let g = &world.graph;
    let (mut pushed, mut pulled) = (0, 0);
    let mut buf = Vec::new();
    let mut list = Vec::new();
    for c in 0..g.users() {
        let followees = g.followees_into(c, &mut list).to_vec();
        let pulls = ff.pulls(g, c, &mut buf).to_vec();
        for (i, &p) in followees.iter().enumerate() {
            let push = ff.edge_pushed(g, p, c);
            assert_eq!(push, ff.pushes_to(g, p, c), "edge {p} -> {c}");
            assert_eq!(push, i >= pulls.len(), "edge {p} -> {c} of {}", s.name);
            match push {
                true => pushed += 1,
                false => pulled += 1,
            }
        }
        assert_eq!(pulls, followees[..pulls.len()], "reader {c}");
    }
    (pushed, pulled)
}

#[test]
fn a_read_pulls_exactly_the_followees_not_pushed_to_it() {
    for mode in ["stored", "sampled"] {
        let s = scenario(1.0, mode);
        let world = World::build(&s).unwrap();
        let ff = FeedingFrenzy::new(&s, &world.graph);
        let (pushed, pulled) = check_both_sides(&s, &world, &ff);
        assert!(pushed > 0 && pulled > 0, "{mode}: {pushed} / {pulled}");
        let per_edge = (0..world.graph.users())
            .filter(|&p| ff.pushes(&world.graph, p) == Push::PerEdge)
            .count();
        assert!(per_edge > 0, "{mode}: no author decided per edge");
        if mode == "stored" {
            let (p, total) = ff.pushed_edges(&world.graph, 0);
            assert_eq!((p, total), (pushed, pushed + pulled));
        }
    }
}

#[test]
fn the_rule_compares_read_and_post_rates_against_the_cost_ratio() {
    let s = scenario(1.0, "stored");
    let world = World::build(&s).unwrap();
    let g = &world.graph;
    let ff = FeedingFrenzy::new(&s, g);
    // The rates written out as the workload samples users: shares of the
    // weights, scaled to the totals.
    let p = &s.population;
    let wa = g.author_weights(p.author_activity_exponent);
    let wb = g.reader_weights(p.reader_activity_exponent);
    let (sa, sb): (f64, f64) = (wa.iter().sum(), wb.iter().sum());
    let costs = FrenzyCosts::of(&s);
    let h_over_l = costs.push.as_secs_f64() / costs.pull.as_secs_f64();
    let mut checked = 0;
    for (author, reader) in edges(g) {
        let phi_p = s.workload.tweets_per_sec * wa[author as usize] / sa;
        let phi_c = s.workload.reads_per_sec * wb[reader as usize] / sb;
        let ratio = phi_c / phi_p;
        if (ratio / h_over_l - 1.0).abs() < 1e-9 {
            continue; // a tie, decided by rounding
        }
        assert_eq!(
            ff.edge_pushed(g, author, reader),
            ratio >= h_over_l,
            "edge {author} -> {reader}: phi_c / phi_p = {ratio}, H / Lp = {h_over_l}"
        );
        checked += 1;
    }
    assert!(checked as u64 > g.edges() * 9 / 10, "{checked}");
}

#[test]
fn the_costs_default_to_the_per_item_service_times() {
    let s = RawScenario::from_str("", "x.toml")
        .unwrap()
        .resolve()
        .unwrap();
    let c = &s.cluster;
    let costs = FrenzyCosts::of(&s);
    let insert = c.timeline_cache.write.per_item.as_nanos();
    assert_eq!(
        costs.push.as_nanos(),
        c.fanout_workers.service.per_item.as_nanos()
            + u64::from(c.timeline_cache.replicas) * insert
    );
    assert_eq!(
        costs.pull.as_nanos(),
        c.tweet_store.read.per_item.as_nanos() + c.merge_per_item.as_nanos()
    );
    assert!(costs.push_derived && costs.pull_derived);
    let set = scenario(0.0, "stored");
    let costs = FrenzyCosts::of(&set);
    assert!(!costs.push_derived && !costs.pull_derived);
    assert_eq!(costs.push, set.strategy.feeding_frenzy.push_cost.unwrap());
}

#[test]
fn with_uniform_readers_it_is_hybrid_at_one_threshold() {
    let mut s = scenario(0.0, "stored");
    let world = World::build(&s).unwrap();
    let g = &world.graph;
    let ff = FeedingFrenzy::new(&s, g);
    // The matching threshold: the fewest followers of an author the rule
    // does not push to a reader (with b = 0 the reader's count is moot).
    let max = g.by_rank(1).map_or(0, |u| g.follower_count(u));
    let threshold = (0..=max)
        .find(|&f| !ff.rule.pushes(f, 0))
        .unwrap_or(max + 1);
    assert!(threshold > 1 && threshold <= max, "{threshold} of {max}");
    let hybrid = Hybrid::new(threshold, g);
    for (author, reader) in edges(g) {
        assert_eq!(
            ff.edge_pushed(g, author, reader),
            hybrid.edge_pushed(g, author, reader),
            "edge {author} -> {reader}"
        );
    }
    let mut buf = (Vec::new(), Vec::new());
    for c in 0..g.users() {
        assert_eq!(ff.pulls(g, c, &mut buf.0), hybrid.pulls(g, c, &mut buf.1));
    }
    // The same decisions make the same run.
    s.strategy.celebrity_threshold = threshold;
    let run = |kind| simulate(&s, &world, kind, &SimOptions::default(), &mut |_, _| {});
    let (a, b) = (run(StrategyKind::FeedingFrenzy), run(StrategyKind::Hybrid));
    assert!(a.timeline_writes > 0 && a.store_reads > 0);
    assert_eq!(
        (a.timeline_writes, a.store_reads, a.events),
        (b.timeline_writes, b.store_reads, b.events)
    );
}

#[test]
fn with_activity_growing_with_followees_no_threshold_matches() {
    let s = scenario(1.0, "stored");
    let world = World::build(&s).unwrap();
    let g = &world.graph;
    let ff = FeedingFrenzy::new(&s, g);
    // An author whose post reaches one follower's timeline and not
    // another's: hybrid, deciding by the author alone, gets one of the two
    // edges wrong at any threshold.
    let mut buf = Vec::new();
    let split = (0..g.users()).find_map(|p| {
        let followers = g.followers_into(p, &mut buf);
        let pulled = followers.iter().find(|&&c| !ff.edge_pushed(g, p, c))?;
        let pushed = followers.iter().find(|&&c| ff.edge_pushed(g, p, c))?;
        Some((p, *pulled, *pushed))
    });
    let (author, pulled, pushed) = split.expect("an author split between push and pull");
    assert_eq!(ff.pushes(g, author), Push::PerEdge);
    // The pulled reader follows fewer accounts, so reads less often.
    assert!(g.followee_count(pulled) < g.followee_count(pushed));
    for threshold in [0, g.follower_count(author), g.follower_count(author) + 1] {
        let hybrid = Hybrid::new(threshold, g);
        assert_eq!(
            hybrid.edge_pushed(g, author, pulled),
            hybrid.edge_pushed(g, author, pushed)
        );
    }
    // The run both pushes and pulls.
    let r = simulate(
        &s,
        &world,
        StrategyKind::FeedingFrenzy,
        &SimOptions::default(),
        &mut |_, _| {},
    );
    assert!(r.timeline_writes > 0 && r.store_reads > 0);
}
