//! STAND-IN for the real graph (being written).
use crate::sim::rng;
use rand::RngExt;
pub struct GraphParams {
    pub users: u32,
    pub follower_exponent: f64,
    pub follower_max: u32,
    pub followee_exponent: f64,
    pub seed: u64,
}
pub fn zipf_mean(exponent: f64, max: u32) -> f64 {
    let (mut a, mut b) = (0.0, 0.0);
    for k in 1..=(max as u64 + 1) {
        let p = (k as f64).powf(-exponent);
        a += k as f64 * p;
        b += p;
    }
    a / b - 1.0
}
pub fn solve_exponent(mean: f64, max: u32) -> Result<f64, String> {
    let (mut lo, mut hi) = (0.01f64, 10.0f64);
    for _ in 0..60 {
        let m = (lo + hi) / 2.0;
        if zipf_mean(m, max) > mean {
            lo = m
        } else {
            hi = m
        }
    }
    Ok((lo + hi) / 2.0)
}
pub fn estimate_memory_bytes(users: u64, mean: f64) -> u64 {
    (users as f64 * mean * 8.0) as u64 + users * 16
}
#[derive(Clone, Debug, PartialEq)]
pub struct GraphStats {
    pub users: u64,
    pub edges: u64,
    pub mean_followers: f64,
    pub median_followers: u32,
    pub p99_followers: u32,
    pub max_followers: u32,
    pub mean_followees: f64,
    pub median_followees: u32,
    pub max_followees: u32,
    pub memory_bytes: u64,
}
pub struct Graph {
    fin: Vec<Vec<u32>>,
    fout: Vec<Vec<u32>>,
}
impl Graph {
    pub fn build(p: &GraphParams) -> Result<Graph, String> {
        let n = p.users as usize;
        let mut r = rng::stream(p.seed, "graph");
        let z = rand_distr::Zipf::new((p.follower_max + 1) as f64, p.follower_exponent)
            .map_err(|e| e.to_string())?;
        let mut fin = vec![vec![]; n];
        let mut fout = vec![vec![]; n];
        for u in 0..n {
            let d: f64 = rand_distr::Distribution::sample(&z, &mut r);
            let d = d as usize - 1;
            let mut s = std::collections::BTreeSet::new();
            while s.len() < d.min(n - 1) {
                let v = r.random_range(0..n);
                if v != u {
                    s.insert(v as u32);
                }
            }
            for v in s {
                fin[u].push(v);
                fout[v as usize].push(u as u32);
            }
        }
        let cnt: Vec<u32> = fin.iter().map(|v| v.len() as u32).collect();
        for l in fout.iter_mut() {
            l.sort_by_key(|&v| (std::cmp::Reverse(cnt[v as usize]), v));
        }
        Ok(Graph { fin, fout })
    }
    pub fn users(&self) -> u32 {
        self.fin.len() as u32
    }
    pub fn edges(&self) -> u64 {
        self.fin.iter().map(|v| v.len() as u64).sum()
    }
    pub fn followers(&self, u: u32) -> &[u32] {
        &self.fin[u as usize]
    }
    pub fn followees(&self, u: u32) -> &[u32] {
        &self.fout[u as usize]
    }
    pub fn follower_count(&self, u: u32) -> u32 {
        self.fin[u as usize].len() as u32
    }
    pub fn followee_count(&self, u: u32) -> u32 {
        self.fout[u as usize].len() as u32
    }
    pub fn by_rank(&self, rank: u32) -> Option<u32> {
        let mut v: Vec<u32> = (0..self.users()).collect();
        v.sort_by_key(|&u| (std::cmp::Reverse(self.follower_count(u)), u));
        v.get(rank.checked_sub(1)? as usize).copied()
    }
    pub fn celebrity_prefix(&self, u: u32, t: u32) -> usize {
        self.followees(u)
            .partition_point(|&v| self.follower_count(v) >= t)
    }
    pub fn memory_bytes(&self) -> usize {
        self.edges() as usize * 8
    }
    pub fn weighted_mean_followers(&self, x: f64) -> f64 {
        let w = self.author_weights(x);
        let s: f64 = w.iter().sum();
        w.iter()
            .enumerate()
            .map(|(i, w)| w * self.follower_count(i as u32) as f64)
            .sum::<f64>()
            / s
    }
    pub fn author_weights(&self, x: f64) -> Vec<f64> {
        (0..self.users())
            .map(|u| (1.0 + self.follower_count(u) as f64).powf(x))
            .collect()
    }
    pub fn reader_weights(&self, x: f64) -> Vec<f64> {
        (0..self.users())
            .map(|u| (1.0 + self.followee_count(u) as f64).powf(x))
            .collect()
    }
    pub fn stats(&self) -> GraphStats {
        GraphStats {
            users: self.users() as u64,
            edges: self.edges(),
            mean_followers: self.edges() as f64 / self.users() as f64,
            median_followers: 0,
            p99_followers: 0,
            max_followers: 0,
            mean_followees: 0.0,
            median_followees: 0,
            max_followees: 0,
            memory_bytes: 0,
        }
    }
}
