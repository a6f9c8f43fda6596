//! Tests of the station against brute force and queueing identities.

use super::*;
use proptest::prelude::*;

fn t(ns: u64) -> SimTime {
    SimTime::from_nanos(ns)
}
fn d(ns: u64) -> SimDuration {
    SimDuration::from_nanos(ns)
}

#[test]
fn a_cancelled_job_frees_its_server_unless_someone_queues_behind() {
    let mut s = Station::new(1, None);
    let slow = s.submit(t(0), d(100)).unwrap();
    assert!(s.cancel(slow, t(30)), "nothing behind it: cancelled");
    // The next job starts when the cancel arrived, not at 100.
    let next = s.submit(t(40), d(10)).unwrap();
    assert_eq!(next.start, t(40));
    let behind = s.submit(t(41), d(5)).unwrap();
    assert_eq!(behind.start, t(50));
    assert!(!s.cancel(next, t(45)), "a job queues behind it");
    // A job cancelled before it starts takes no server time at all.
    let queued = s.submit(t(42), d(7)).unwrap();
    assert!(s.cancel(queued, t(43)));
    assert_eq!(s.peek_start(t(44)), t(55));
    assert_eq!(s.stats().busy_ns, 30 + 10 + 5);
}

#[test]
fn a_server_held_or_rescheduled_keeps_the_heap_valid() {
    let mut s = Station::new(3, None);
    s.hold_earliest(t(1_000));
    let a = s.submit(t(0), d(10)).unwrap();
    let b = s.submit(t(0), d(20)).unwrap();
    assert_eq!((a.start, b.start), (t(0), t(0)));
    // The held server is the last to take a job.
    assert_eq!(s.submit(t(1), d(1)).unwrap().start, t(10));
    assert!(s.reschedule_server(20, 500));
    assert!(
        !s.reschedule_server(20, 5),
        "no server is free at 20 any more"
    );
    assert_eq!(s.peek_start(t(2)), t(11));
    assert_eq!(s.submit(t(2), d(1)).unwrap().start, t(11));
    assert_eq!(s.submit(t(3), d(1)).unwrap().start, t(12));
    assert_eq!(s.submit(t(4), d(1)).unwrap().start, t(13));
    assert!(s.reschedule_server(1_000, 0));
    assert_eq!(s.submit(t(5), d(1)).unwrap().start, t(5));
}

#[test]
fn single_server_by_hand() {
    let mut s = Station::new(1, None);
    assert_eq!(
        s.submit(t(0), d(10)),
        Some(Visit {
            start: t(0),
            depart: t(10)
        })
    );
    assert_eq!(
        s.submit(t(2), d(5)),
        Some(Visit {
            start: t(10),
            depart: t(15)
        })
    );
    assert_eq!(
        s.submit(t(3), d(1)),
        Some(Visit {
            start: t(15),
            depart: t(16)
        })
    );
    assert_eq!(s.waiting_at(t(3)), 2);
    assert_eq!(s.waiting_at(t(12)), 1);
    assert_eq!(
        s.submit(t(20), d(1)),
        Some(Visit {
            start: t(20),
            depart: t(21)
        })
    );
    let st = s.stats();
    assert_eq!((st.arrivals, st.drops), (4, 0));
    assert_eq!(st.wait_sum_ns, 8 + 12);
    assert_eq!(st.busy_ns, 17);
    assert_eq!(st.window_ns, 21);
    assert_eq!(st.peak_waiting, 2);
    assert!((st.utilisation() - 17.0 / 21.0).abs() < 1e-12);
}

#[test]
fn bounded_queue_drops() {
    let mut s = Station::new(2, Some(1));
    assert!(s.submit(t(0), d(10)).is_some());
    assert!(s.submit(t(0), d(10)).is_some());
    assert_eq!(
        s.submit(t(1), d(10)),
        Some(Visit {
            start: t(10),
            depart: t(20)
        })
    );
    assert_eq!(s.submit(t(1), d(10)), None);
    // At 10 both servers free up; the waiting job takes one, so there is room.
    assert!(s.submit(t(10), d(1)).is_some());
    let st = s.stats();
    assert_eq!((st.arrivals, st.drops, st.served()), (5, 1, 4));
}

#[test]
fn histograms_and_merge() {
    let mut a = Station::new(1, None);
    a.enable_histograms();
    a.submit(t(0), d(1_000_000));
    a.submit(t(0), d(1_000_000));
    let mut b = Station::new(3, None);
    b.enable_histograms();
    b.submit(t(0), d(2_000_000));
    let mut st = a.stats();
    st.merge(&b.stats());
    assert_eq!(st.servers, 4);
    assert_eq!(st.arrivals, 3);
    assert_eq!(st.window_ns, 2_000_000);
    let h = st.wait_hist.unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(h.max(), h.highest_equivalent(1_000_000));
    // A value beyond the initial one-hour range is kept, not clamped.
    let mut c = Station::new(1, None);
    c.enable_histograms();
    c.submit(t(0), SimDuration::from_secs(10 * 3600));
    let so = c.stats().sojourn_hist.unwrap();
    assert!(so.max() >= 36_000_000_000_000 - 36_000_000_000);
}

#[test]
fn empty_stats_are_nan_not_zero() {
    let st = Station::new(1, None).stats();
    assert!(st.mean_wait_ns().is_nan() && st.utilisation().is_nan());
}

/// Brute force: advance a clock one nanosecond at a time with an explicit
/// FIFO queue and a count of busy servers, and integrate by counting.
struct Brute {
    visits: Vec<Option<Visit>>,
    arrivals: u64,
    drops: u64,
    wait_sum: u128,
    sojourn_sum: u128,
    busy: u128,
    in_system: u128,
    waiting: u128,
    peak: u64,
    window_ns: u64,
}

fn brute(c: u32, limit: Option<u32>, jobs: &[(u64, u64)], win: (u64, u64)) -> Brute {
    let n = jobs.len();
    let mut visits: Vec<Option<Visit>> = vec![None; n];
    let mut dropped = vec![false; n];
    let mut busy_until: Vec<u64> = Vec::new(); // one entry per busy server
    let mut queue: std::collections::VecDeque<usize> = Default::default();
    let mut next = 0;
    let mut peak = 0u64;
    let mut tick = 0u64;
    let (ws, we) = win;
    let in_win = |a: u64| a >= ws && a < we;
    loop {
        busy_until.retain(|&u| u > tick);
        let start_queued = |q: &mut std::collections::VecDeque<usize>,
                            busy: &mut Vec<u64>,
                            visits: &mut Vec<Option<Visit>>| {
            while busy.len() < c as usize {
                let Some(j) = q.pop_front() else { break };
                let dep = tick + jobs[j].1;
                visits[j] = Some(Visit {
                    start: t(tick),
                    depart: t(dep),
                });
                if dep > tick {
                    busy.push(dep);
                }
            }
        };
        start_queued(&mut queue, &mut busy_until, &mut visits);
        while next < n && jobs[next].0 == tick {
            if limit.is_some_and(|l| queue.len() >= l as usize) {
                dropped[next] = true;
                if in_win(tick) {
                    peak = peak.max(queue.len() as u64);
                }
            } else {
                queue.push_back(next);
                start_queued(&mut queue, &mut busy_until, &mut visits);
                if in_win(tick) {
                    peak = peak.max(queue.len() as u64);
                }
            }
            next += 1;
        }
        if next == n && queue.is_empty() {
            break;
        }
        tick += 1;
    }
    let last_dep = visits
        .iter()
        .flatten()
        .map(|v| v.depart.as_nanos())
        .max()
        .unwrap_or(0);
    let last_arr = jobs.last().map_or(0, |j| j.0);
    let hi = if we == u64::MAX {
        last_dep.max(last_arr)
    } else {
        we
    };
    let (mut busy, mut in_system, mut waiting) = (0u128, 0u128, 0u128);
    for x in ws..hi {
        for (j, v) in visits.iter().enumerate() {
            if let Some(v) = v {
                let (a, s, e) = (jobs[j].0, v.start.as_nanos(), v.depart.as_nanos());
                busy += u128::from(s <= x && x < e);
                in_system += u128::from(a <= x && x < e);
                waiting += u128::from(a <= x && x < s);
            }
        }
    }
    let mut b = Brute {
        visits,
        arrivals: 0,
        drops: 0,
        wait_sum: 0,
        sojourn_sum: 0,
        busy,
        in_system,
        waiting,
        peak,
        window_ns: hi.saturating_sub(ws),
    };
    for j in 0..n {
        if in_win(jobs[j].0) {
            b.arrivals += 1;
            if dropped[j] {
                b.drops += 1;
            } else {
                let v = b.visits[j].unwrap();
                b.wait_sum += u128::from(v.start.as_nanos() - jobs[j].0);
                b.sojourn_sum += u128::from(v.depart.as_nanos() - jobs[j].0);
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn matches_brute_force(
        c in 1u32..5,
        limit in prop_oneof![Just(None), (0u32..4).prop_map(Some)],
        gaps in proptest::collection::vec((0u64..4, 0u64..9), 0..40),
        ws in 0u64..20,
        len in prop_oneof![Just(None), (0u64..60).prop_map(Some)],
    ) {
        let mut now = 0;
        let jobs: Vec<(u64, u64)> = gaps.iter().map(|&(g, s)| { now += g; (now, s) }).collect();
        let we = len.map_or(u64::MAX, |l| ws + l);
        let want = brute(c, limit, &jobs, (ws, we));
        let mut st = Station::new(c, limit);
        st.set_window(t(ws), t(we));
        for (j, &(a, s)) in jobs.iter().enumerate() {
            let got = st.submit(t(a), d(s));
            prop_assert_eq!(got, want.visits[j], "job {}", j);
            // Waiting count right after an arrival, against the definition.
            let by_def = jobs[..=j].iter().zip(&want.visits).filter(|(job, v)| {
                v.is_some_and(|v| job.0 <= a && v.start.as_nanos() > a)
            }).count();
            prop_assert_eq!(st.waiting_at(t(a)), by_def);
        }
        let s = st.stats();
        prop_assert_eq!(s.arrivals, want.arrivals);
        prop_assert_eq!(s.drops, want.drops);
        prop_assert_eq!(s.wait_sum_ns, want.wait_sum);
        prop_assert_eq!(s.sojourn_sum_ns, want.sojourn_sum);
        prop_assert_eq!(s.busy_ns, want.busy);
        prop_assert_eq!(s.area_in_system_ns, want.in_system);
        prop_assert_eq!(s.area_waiting_ns, want.waiting);
        prop_assert_eq!(s.peak_waiting, want.peak);
        prop_assert_eq!(s.window_ns, want.window_ns);
    }
}

#[test]
fn many_servers_use_the_heap() {
    // 1000 servers, all jobs at t=0 with distinct services: the first
    // 1000 start at once, job 1000 + k starts when the k-th shortest ends.
    let mut s = Station::new(1000, None);
    let services: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 1000 + 1).collect();
    for &x in &services {
        assert_eq!(s.submit(t(0), d(x)).unwrap().start, t(0));
    }
    let mut sorted = services.clone();
    sorted.sort_unstable();
    for &x in &sorted[..10] {
        assert_eq!(s.submit(t(0), d(5000)).unwrap().start, t(x));
    }
}
