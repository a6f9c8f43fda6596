//! Memory estimates, checked before a graph is built.
//!
//! Why: a scenario at Twitter's scale (docs/references.md, Krikorian 2012:
//! 150M users) can ask for more memory than the machine has. Estimating the
//! peak first lets `fanout run` and `fanout check` refuse it with a one-line
//! message instead of aborting mid-build. The stored graph holds 8 bytes per
//! edge (a u32 id in each direction) plus 20 bytes per user (two u64 offset
//! arrays and the u32 rank list): about 8.3 bytes per edge at a mean of 75
//! followers. Scale mode holds about 40 bytes per user whatever the edges.

/// Most rank blocks of the transposition.
const MAX_BLOCKS: usize = 16;

/// Bytes a [`Graph`](super::Graph) of `users` users and `users * mean_followers` edges will
/// hold once built: 8 per edge (both directions) + 20 per user (two offset
/// arrays and the rank list), vector headers aside.
pub fn estimate_graph_bytes(users: u64, mean_followers: f64) -> u64 {
    let edges = expected_edges(users, mean_followers);
    edges
        .saturating_mul(8)
        .saturating_add(users.saturating_add(1).saturating_mul(16))
        .saturating_add(users.saturating_mul(4))
}

/// Peak bytes [`Graph::build`](super::Graph::build) will use, to check a scenario fits in memory
/// before building (the held size is [`estimate_graph_bytes`]). The larger
/// of the generation phase (follower lists, offsets, counts, weights, alias
/// table, a bitset per thread) and the transposition phase (the final graph,
/// 4 bytes per user per rank block with 4 blocks per rayon thread of the
/// current pool, at most 16, and up to 20 bytes per user of walk state).
/// Not counted: an 8-bytes-per-user buffer per thread while an account with
/// more than users/2 followers is drawn.
pub fn estimate_memory_bytes(users: u64, mean_followers: f64) -> u64 {
    let n = users;
    let e = expected_edges(users, mean_followers);
    let threads = rayon::current_num_threads() as u64;
    let generate = e
        .saturating_mul(4)
        .saturating_add(n.saturating_mul(8 + 4 + 8 + 8))
        .saturating_add(threads.saturating_mul(n / 8 + 8));
    let blocks = rank_blocks_wanted() as u64;
    let transpose = estimate_graph_bytes(users, mean_followers)
        .saturating_add(n.saturating_mul(4 * blocks + 20));
    generate.max(transpose)
}

/// Peak bytes [`Graph::build_sampled`](super::Graph::build_sampled) will use for `users` users (whatever
/// the number of edges): 40 per user held (two offset arrays, the rank list,
/// the out-weights and two alias tables of 8 bytes per user), and about 52
/// per user at the build's peak (the counts, f64 weights and an alias
/// table's construction buffers).
pub fn estimate_sampled_memory_bytes(users: u64) -> u64 {
    users.saturating_mul(52).saturating_add(1 << 20)
}

/// Rank blocks of the transposition: four per thread, for work stealing.
pub(super) fn rank_blocks_wanted() -> usize {
    (4 * rayon::current_num_threads()).clamp(1, MAX_BLOCKS)
}

fn expected_edges(users: u64, mean_followers: f64) -> u64 {
    let m = if mean_followers.is_finite() && mean_followers > 0.0 {
        mean_followers
    } else {
        0.0
    };
    let e = (users as f64 * m).round();
    if e >= u64::MAX as f64 {
        u64::MAX
    } else {
        e as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::testutil::params;
    use crate::model::graph::{Graph, solve_exponent};

    #[test]
    fn memory_estimates_bracket_the_real_size() {
        let p = params(100_000, 0.9, 99_999, 6);
        let g = Graph::build(&p).unwrap();
        let mean = g.edges() as f64 / 100_000.0;
        let held = estimate_graph_bytes(100_000, mean);
        let real = g.memory_bytes() as u64;
        assert!(real.abs_diff(held) < 1024, "{real} vs {held}");
        assert!(estimate_memory_bytes(100_000, mean) > held);
        assert_eq!(estimate_graph_bytes(10, f64::NAN), 10 * 4 + 11 * 16);
    }

    #[test]
    #[cfg_attr(debug_assertions, ignore = "1M-user build: run with --release")]
    fn bytes_per_edge_at_one_million_users() {
        let users = 1_000_000u32;
        let s = solve_exponent(75.0, users - 1, users).unwrap();
        let g = Graph::build(&params(users, s, users - 1, 1)).unwrap();
        let per_edge = g.memory_bytes() as f64 / g.edges() as f64;
        assert!(per_edge <= 12.0, "{per_edge} bytes per edge");
    }

    #[test]
    fn sampled_estimate_fits_twitter_2012() {
        // 150M users: under 16 GB whatever the edges.
        assert!(estimate_sampled_memory_bytes(150_000_000) < 16_000_000_000);
        let p = params(100_000, 0.9, 99_999, 6);
        let g = Graph::build_sampled(&p).unwrap();
        let real = g.memory_bytes() as u64;
        assert!(real < estimate_sampled_memory_bytes(100_000), "{real}");
        assert!(real > 30 * 100_000, "{real}");
    }
}
