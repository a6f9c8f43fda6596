#!/usr/bin/env bash
# Regenerates everything in results/ from the shipped scenarios: summaries
# (CSV, JSON), time series, HDR histogram logs, plots, and the hybrid
# threshold sweep. Takes a few minutes on a 2-core machine.
#
#   scripts/regenerate-results.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
fanout=target/release/fanout
mkdir -p results

for name in twitter-2012 peak celebrity; do
  echo "== $name"
  "$fanout" run "scenarios/$name.toml" --quiet \
    --csv "results/$name.csv" \
    --json "results/$name.json" \
    --timeseries "results/$name-timeseries.csv" \
    --hdr "results/$name.hlog" \
    > "results/$name.txt"
  "$fanout" plot "results/$name.csv" -o "results/$name-latency.svg"
  "$fanout" plot "results/$name-timeseries.csv" -o "results/$name-timeseries.svg"
done

echo "== hybrid threshold sweep on twitter-2012"
"$fanout" sweep scenarios/twitter-2012.toml --quiet \
  --vary 'strategy.hybrid.celebrity_threshold=1e3..1e6:log:7' \
  --duration 10s --seeds 2 \
  --csv results/hybrid-threshold-sweep.csv \
  > results/hybrid-threshold-sweep.txt
"$fanout" plot results/hybrid-threshold-sweep.csv -o results/hybrid-threshold-sweep.svg

# Fault scenarios (README, Faults and resilience): each as shipped and with the policy (or key)
# that answers its fault, renamed so both show side by side in one plot.
fault_pair() {
  local name=$1 variant=$2
  shift 2
  echo "== $name, and $name-$variant ($*)"
  "$fanout" run "scenarios/$name.toml" --quiet \
    --csv "results/$name.csv" --timeseries "results/$name-timeseries.csv" \
    > "results/$name.txt"
  "$fanout" run "scenarios/$name.toml" --quiet --set "name=$name-$variant" "$@" \
    --csv "results/$name-$variant.csv" --timeseries "results/$name-$variant-timeseries.csv" \
    > "results/$name-$variant.txt"
  "$fanout" plot "results/$name.csv" "results/$name-$variant.csv" -o "results/$name-latency.svg"
  "$fanout" plot "results/$name-timeseries.csv" "results/$name-$variant-timeseries.csv" \
    -o "results/$name-timeseries.svg"
}
fault_pair tail-at-scale hedged --set policy.store.hedge=p95 --set policy.cache.hedge=p95
fault_pair retry-storm backoff --set policy.store.backoff=20ms \
  --set policy.store.jitter=full --set policy.store.retry_budget=0.02
fault_pair replica-crash no-failover --set policy.cache.failover=false
fault_pair duplicate-fanout keyed --set cluster.fanout_workers.idempotency_key=true

echo "== twitter-2012-production (README, Calibrated against Twitter's production figures)"
"$fanout" run scenarios/twitter-2012-production.toml --quiet \
  --csv results/twitter-2012-production.csv \
  --json results/twitter-2012-production.json \
  > results/twitter-2012-production.txt
"$fanout" plot results/twitter-2012-production.csv -o results/twitter-2012-production-latency.svg

echo "== fanout tune on sizing (README, fanout tune)"
"$fanout" tune scenarios/sizing.toml --quiet --slo 'read_p99<=3ms' --slo 'delivery_p99<=50ms' \
  --search cluster.tweet_store.shards=1..8 --search cluster.tweet_store.servers=1..16 \
  --search cluster.timeline_cache.machines=3..12 --search cluster.fanout_workers.workers=1..8 \
  --csv results/sizing-tune.csv > results/sizing-tune.txt
"$fanout" plot results/sizing-tune.csv -o results/sizing-tune.svg

echo "done: $(ls results | wc -l) files in results/"
