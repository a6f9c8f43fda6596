//! Writes a graph as a SNAP-style edge list, so a generated population can
//! be inspected, shared or loaded back ([`super::load_graph_file`]).
//!
//! Lines are "follower followee" (a follows b, the default direction of
//! [`super::Direction`]) after a `#` header, sorted by followee then
//! follower: each followee's follower list in id order, which both graph
//! modes hold exactly (a sampled graph's follower counts are the model's,
//! its lists redrawn from the seed), so the output is deterministic.
//!
//! # Round trip
//!
//! Loading the export back gives a graph equal to the original (`==`, so
//! the same simulation reports for the same scenario and seed) when the
//! dense ids come back unchanged: ids are numbered in ascending order of
//! those named in the file, so every user 0..n-1 must appear in some edge
//! (a user with neither followers nor followees is absent from an edge
//! list, and every later id would shift down). Exporting with the loaded
//! graph's [`IdMap`] writes the original ids instead.

use super::Graph;
use super::idmap::IdMap;
use rayon::prelude::*;
use std::io::Write;

/// Followees formatted per parallel task.
const TASK_USERS: usize = 1 << 12;
/// Tasks formatted before writing (bounds the buffered text).
const TASKS_PER_ROUND: usize = 64;

/// Appends the decimal digits of `v`: an edge list is mostly digits, and
/// this is several times faster than `write!` per id (the edge-list bench
/// generates its input with it too).
pub fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Writes `graph` to `out` as an edge list (gzip-compressed if `gz`, at
/// level 1: fast, about a quarter of the text), naming users by `ids` if
/// given (dense ids 0..n otherwise). Returns the number of edges written.
/// Deterministic, whatever the thread count.
pub fn export_edges<W: Write>(
    graph: &Graph,
    ids: Option<&IdMap>,
    out: W,
    gz: bool,
) -> std::io::Result<u64> {
    if gz {
        let mut enc = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
        let n = write_text(graph, ids, &mut enc)?;
        enc.finish()?.flush()?;
        Ok(n)
    } else {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, out);
        let n = write_text(graph, ids, &mut w)?;
        w.flush()?;
        Ok(n)
    }
}

fn write_text(graph: &Graph, ids: Option<&IdMap>, w: &mut impl Write) -> std::io::Result<u64> {
    let n = graph.users() as usize;
    if let Some(m) = ids
        && m.users() as usize != n
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("id map of {} users for a graph of {n}", m.users()),
        ));
    }
    writeln!(
        w,
        "# fanout follower graph: {n} users, {} edges",
        graph.edges()
    )?;
    writeln!(
        w,
        "# each line \"a b\": a follows b (direction follower-followee); sorted by b, then a"
    )?;
    let name = |u: u32| ids.map_or(u64::from(u), |m| m.original_id(u));
    let tasks = n.div_ceil(TASK_USERS);
    let mut written = 0u64;
    let mut t = 0usize;
    while t < tasks {
        let round = (t..tasks.min(t + TASKS_PER_ROUND)).collect::<Vec<_>>();
        let texts: Vec<(Vec<u8>, u64)> = round
            .par_iter()
            .map(|&task| {
                let mut text = Vec::new();
                let mut buf = Vec::new();
                let mut lines = 0u64;
                for v in task * TASK_USERS..n.min((task + 1) * TASK_USERS) {
                    let v = v as u32;
                    let b = name(v);
                    for &a in graph.followers_into(v, &mut buf) {
                        push_u64(&mut text, name(a));
                        text.push(b' ');
                        push_u64(&mut text, b);
                        text.push(b'\n');
                        lines += 1;
                    }
                }
                (text, lines)
            })
            .collect();
        for (text, lines) in texts {
            w.write_all(&text)?;
            written += lines;
        }
        t += TASKS_PER_ROUND;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        let mut v = Vec::new();
        for x in [0, 7, 10, 12345, u64::MAX] {
            v.clear();
            push_u64(&mut v, x);
            assert_eq!(v, x.to_string().as_bytes());
        }
    }
}
