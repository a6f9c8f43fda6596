//! Every validation rule.

use super::*;

/// (input, text the message must contain). Each case breaks one rule.
const REFUSED: &[(&str, &str)] = &[
    // top level
    ("name = \"\"", "name = \"\": must be a non-empty string"),
    ("name = 5", "name = 5: must be a non-empty string"),
    ("name = \"a\\nb\"", "name = \"a\\nb\": must be"),
    ("description = 5", "description = 5: must be a string"),
    (
        "seed = -1",
        "seed = -1: must be an integer from 0 to 18446744073709551615",
    ),
    ("seed = \"x\"", "seed = \"x\": must be an integer"),
    ("seed = 1.5", "seed = 1.5: must be an integer"),
    (
        "duration = \"0s\"",
        "duration = \"0s\": must be a duration > 0",
    ),
    (
        "duration = 60",
        "duration = 60: must be a duration > 0 with a unit",
    ),
    (
        "duration = \"60\"",
        "duration = \"60\": '60' is not a duration (a unit is missing)",
    ),
    ("duration = \"5 parsecs\"", "the unit is not known"),
    (
        "duration = \"-1s\"",
        "duration = \"-1s\": '-1s' is not a duration",
    ),
    ("warmup = \"x\"", "warmup = \"x\": 'x' is not a duration"),
    (
        "duration = \"8760h\"\nwarmup = \"1s\"",
        "duration = \"8760h\": warmup + duration must be at most 8760h",
    ),
    (
        "duration = \"100000000000h\"",
        "is not a duration (it is too long)",
    ),
    (
        "strategies = []",
        "strategies = []: must be a non-empty list",
    ),
    (
        "strategies = \"\"",
        "strategies[0] = \"\": must be a non-empty list",
    ),
    (
        "strategies = [\"push\"]",
        "strategies[0] = \"push\": must be a non-empty list of distinct names",
    ),
    ("strategies = [\"read\", 5]", "strategies[1] = 5: must be"),
    (
        "strategies = [\"read\", \"fanout-on-read\"]",
        "lists fanout-on-read twice",
    ),
    ("strategies = 3", "strategies = 3: must be a non-empty list"),
    // population
    (
        "population.users = 0",
        "population.users = 0: must be an integer from 1 to 200000000",
    ),
    (
        "population.users = 200_000_001",
        "population.users = 200000001: must be an integer from 1 to 200000000",
    ),
    (
        "population.users = \"many\"",
        "population.users = \"many\": must be an integer",
    ),
    (
        "population.users = nan",
        "population.users = nan: must be an integer",
    ),
    (
        "population.followee_exponent = 1",
        "population.followee_exponent = 1: must be a finite number > 1",
    ),
    (
        "population.followee_exponent = inf",
        "population.followee_exponent = inf: must be a finite number > 1",
    ),
    (
        "population.author_activity_exponent = -0.1",
        "population.author_activity_exponent = -0.1: must be a number from 0 to 3",
    ),
    (
        "population.author_activity_exponent = 3.5",
        "must be a number from 0 to 3",
    ),
    (
        "population.reader_activity_exponent = nan",
        "population.reader_activity_exponent = nan: must be a number from 0 to 3",
    ),
    (
        "population.followers.exponent = 0",
        "population.followers.exponent = 0: must be a finite number > 0 and at most 10",
    ),
    (
        "population.followers.exponent = 10.5",
        "must be a finite number > 0 and at most 10",
    ),
    (
        "population.followers.exponent = nan",
        "population.followers.exponent = nan: must be",
    ),
    (
        "population.followers = { exponent = 2.0, mean = 35.0 }",
        "population.followers.exponent = 2.0 and population.followers.mean = 35.0: give one or the other, not both",
    ),
    (
        "population.followers.mean = 0",
        "population.followers.mean = 0: must be a finite number > 0",
    ),
    (
        "population.followers.mean = -inf",
        "population.followers.mean = -inf: must be",
    ),
    (
        "population.users = 100\npopulation.followers.mean = 500",
        "population.followers.mean = 500: ",
    ),
    (
        "population.followers.max = 5000000",
        "population.followers.max = 5000000: must be at most population.users - 1 = 999999",
    ),
    (
        "population.followers.max = -1",
        "population.followers.max = -1: must be an integer from 0 to population.users - 1 = 999999",
    ),
    (
        "population.followers.max = 1e20",
        "population.followers.max = 1e20: must be an integer",
    ),
    // workload
    (
        "workload.tweets_per_sec = -5",
        "workload.tweets_per_sec = -5: must be a finite number > 0 and at most 1e8 (posts per simulated second)",
    ),
    (
        "workload.tweets_per_sec = 0",
        "workload.tweets_per_sec = 0: must be",
    ),
    (
        "workload.tweets_per_sec = inf",
        "workload.tweets_per_sec = inf: must be",
    ),
    (
        "workload.tweets_per_sec = \"fast\"",
        "workload.tweets_per_sec = \"fast\": must be a finite number",
    ),
    (
        "workload.tweets_per_sec = 1e9",
        "workload.tweets_per_sec = 1000000000.0: must be",
    ),
    (
        "workload.reads_per_sec = -1",
        "workload.reads_per_sec = -1: must be a finite number >= 0 and at most 1e9",
    ),
    (
        "workload.reads_per_sec = nan",
        "workload.reads_per_sec = nan: must be",
    ),
    (
        "workload.profile = \"weekly\"",
        "workload.profile = \"weekly\": must be one of \"constant\", \"diurnal\"",
    ),
    (
        "workload.peak_factor = 3",
        "workload.peak_factor = 3: only used with workload.profile = \"diurnal\"",
    ),
    (
        "workload.diurnal_period = \"1h\"",
        "workload.diurnal_period = \"1h\": only used with workload.profile = \"diurnal\"",
    ),
    (
        "workload.profile = \"diurnal\"\nworkload.diurnal_period = \"0s\"",
        "workload.diurnal_period = \"0s\": must be a duration > 0",
    ),
    (
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 0.5",
        "workload.peak_factor = 0.5: must be a number from 1 to 100",
    ),
    (
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 101",
        "must be a number from 1 to 100",
    ),
    // events
    (
        "[[workload.events]]\nat = \"1s\"\nrank = 1",
        "workload.events[0].kind is missing: it must be given, as one of \"tweet\", \"burst\"",
    ),
    (
        "[[workload.events]]\nkind = \"retweet\"\nat = \"1s\"",
        "workload.events[0].kind = \"retweet\": must be one of \"tweet\", \"burst\"",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nrank = 1",
        "workload.events[0].at is missing",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = 5\nrank = 1",
        "workload.events[0].at = 5: must be a duration >= 0 with a unit",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"65s\"\nrank = 1",
        "workload.events[0].at = \"65s\": must be before the end of the run, warmup + duration = 65s",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"",
        "workload.events[0]: a tweet event needs rank",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\nid = 2",
        "workload.events[0].rank = 1 and workload.events[0].id = 2: give rank or id, not both",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 0",
        "workload.events[0].rank = 0: must be an integer from 1 to population.users = 1000000",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1000001",
        "must be an integer from 1 to population.users = 1000000",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nid = 1000000",
        "workload.events[0].id = 1000000: must be an integer from 0 to population.users - 1 = 999999",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nid = -3",
        "workload.events[0].id = -3: must be",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\nfactor = 2",
        "workload.events[0].factor = 2: only used with workload.events[0].kind = \"burst\"",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\nduration = \"1s\"",
        "workload.events[0].duration = \"1s\": only used with",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"\nfactor = 2\nrank = 1",
        "workload.events[0].rank = 1: only used with workload.events[0].kind = \"tweet\"",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nfactor = 2",
        "workload.events[0].duration is missing",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"0s\"\nfactor = 2",
        "workload.events[0].duration = \"0s\": must be a duration > 0",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"",
        "workload.events[0].factor is missing",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"\nfactor = 0",
        "workload.events[0].factor = 0: must be a finite number > 0 and at most 1000",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"\nfactor = 1001",
        "must be a finite number > 0 and at most 1000",
    ),
    // cluster
    (
        "cluster.network.one_way = 100",
        "cluster.network.one_way = 100: must be a duration >= 0 with a unit",
    ),
    (
        "cluster.network.jitter = { dist = \"gauss\" }",
        "cluster.network.jitter.dist = \"gauss\": must be one of \"const\", \"exp\", \"lognormal\", \"pareto\"",
    ),
    (
        "cluster.network.jitter = { dist = \"exp\", cv = 1.0 }",
        "cluster.network.jitter.cv = 1.0: only used with dist = \"lognormal\" (cluster.network.jitter.dist is \"exp\")",
    ),
    (
        "cluster.network.jitter = { dist = \"lognormal\", alpha = 2.0 }",
        "cluster.network.jitter.alpha = 2.0: only used with dist = \"pareto\"",
    ),
    (
        "cluster.network.jitter = { dist = \"lognormal\", cv = 0 }",
        "cluster.network.jitter.cv = 0: must be a finite number > 0",
    ),
    (
        "cluster.network.jitter = { mean = \"-1us\" }",
        "cluster.network.jitter.mean = \"-1us\": '-1us' is not a duration",
    ),
    (
        "cluster.tweet_store.shards = 0",
        "cluster.tweet_store.shards = 0: must be an integer from 1 to 100000",
    ),
    (
        "cluster.tweet_store.shards = 100001",
        "must be an integer from 1 to 100000",
    ),
    (
        "cluster.tweet_store.servers = 0",
        "cluster.tweet_store.servers = 0: must be an integer from 1 to 10000",
    ),
    (
        "cluster.tweet_store.queue_limit = -1",
        "cluster.tweet_store.queue_limit = -1: must be an integer from 0 (unbounded) to 4294967295",
    ),
    (
        "cluster.tweet_store.queue_limit = 4294967296",
        "must be an integer from 0 (unbounded)",
    ),
    (
        "cluster.tweet_store.write = { per_request = 5 }",
        "cluster.tweet_store.write.per_request = 5: must be a duration >= 0",
    ),
    (
        "cluster.tweet_store.read = { per_item = \"2\" }",
        "cluster.tweet_store.read.per_item = \"2\": '2' is not a duration",
    ),
    (
        "cluster.tweet_store.read = { dist = \"exp\", cv = 2 }",
        "cluster.tweet_store.read.cv = 2: only used with dist = \"lognormal\"",
    ),
    (
        "cluster.tweet_store.read = { dist = \"pareto\", alpha = 1.0 }",
        "cluster.tweet_store.read.alpha = 1.0: must be a finite number > 1 and at most 100",
    ),
    (
        "cluster.tweet_store.read = { dist = \"pareto\", alpha = nan }",
        "cluster.tweet_store.read.alpha = nan: must be",
    ),
    (
        "cluster.tweet_store.read = { cv = inf }",
        "cluster.tweet_store.read.cv = inf: must be a finite number > 0 and at most 100",
    ),
    (
        "cluster.timeline_cache.replicas = 0",
        "cluster.timeline_cache.replicas = 0: must be an integer from 1 to 16",
    ),
    (
        "cluster.timeline_cache.replicas = 17",
        "must be an integer from 1 to 16",
    ),
    (
        "cluster.timeline_cache.max_entries = 0",
        "cluster.timeline_cache.max_entries = 0: must be an integer from 1 to 1000000",
    ),
    (
        "cluster.timeline_cache.servers = 10001",
        "cluster.timeline_cache.servers = 10001: must be",
    ),
    (
        "cluster.timeline_cache.write = { dist = 1 }",
        "cluster.timeline_cache.write.dist = 1: must be one of",
    ),
    (
        "cluster.fanout_workers.workers = 0",
        "cluster.fanout_workers.workers = 0: must be an integer from 1 to 1000000",
    ),
    (
        "cluster.fanout_workers.batch = 0",
        "cluster.fanout_workers.batch = 0: must be an integer from 1 to 4294967295",
    ),
    (
        "cluster.fanout_workers.queue_limit = 1.5",
        "cluster.fanout_workers.queue_limit = 1.5: must be an integer",
    ),
    (
        "cluster.fanout_workers.service = { dist = \"const\", alpha = 2 }",
        "cluster.fanout_workers.service.alpha = 2: only used with dist = \"pareto\"",
    ),
    (
        "cluster.client.merge_per_item = true",
        "cluster.client.merge_per_item = true: must be a duration",
    ),
    (
        "cluster.timeline_cache.machines = 2",
        "cluster.timeline_cache.replicas = 3 is more than cluster.timeline_cache.machines = 2",
    ),
    (
        "cluster.timeline_cache.machines = 49",
        "cluster.timeline_cache.machines = 49: must be an integer from 1 to shards x replicas = 48",
    ),
    (
        "strategy.hybrid.celebrity_threshold = -1",
        "strategy.hybrid.celebrity_threshold = -1: must be an integer from 0 to 4294967295",
    ),
    (
        "strategy.hybrid.celebrity_threshold = 4294967296",
        "must be an integer from 0 to 4294967295",
    ),
    (
        "cluster.fanout_workers.retry_after = \"0s\"",
        "cluster.fanout_workers.retry_after = \"0s\": must be a duration > 0 with a unit",
    ),
    (
        "cluster.fanout_workers.idempotency_key = \"yes\"",
        "cluster.fanout_workers.idempotency_key = \"yes\": must be true or false",
    ),
    // faults
    (
        "faults = 3",
        "faults = 3: must be zero or more [[faults]] tables",
    ),
    (
        "faults = [1]",
        "faults[0] = 1: must be a table with keys kind, target, at",
    ),
    (
        "[[faults]]\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].kind is missing: it must be given, as one of \"crash\", \"slow\", \"network\"",
    ),
    (
        "[[faults]]\nkind = \"explode\"",
        "faults[0].kind = \"explode\": must be one of \"crash\", \"slow\", \"network\"",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"65s\"\nduration = \"1s\"\ndrop = 0.1",
        "faults[0].at = \"65s\": must be before the end of the run, warmup + duration = 65s",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"1s\"\ndrop = 0.1",
        "faults[0].duration is missing",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"1s\"\nduration = \"0s\"\ndrop = 0.1",
        "faults[0].duration = \"0s\": must be a duration > 0 with a unit",
    ),
    (
        "[[faults]]\nkind = \"crash\"\nat = \"1s\"\nduration = \"1s\"\nindex = 0",
        "faults[0].target is missing: it must be given, as one of \"store\", \"cache\", \"workers\"",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"disk\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].target = \"disk\": must be one of \"store\", \"cache\", \"workers\"",
    ),
    (
        "[[faults]]\nkind = \"network\"\ntarget = \"cache\"\nat = \"1s\"\nduration = \"1s\"\ndrop = 0.1",
        "faults[0].target = \"cache\": only used with kind = \"crash\" or \"slow\" (faults[0].kind is \"network\")",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index is missing: a crash must name a store shard, an integer from 0 to cluster.tweet_store.shards - 1 = 15",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 16\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 16: must be a store shard, an integer from 0 to cluster.tweet_store.shards - 1 = 15",
    ),
    (
        "cluster.timeline_cache.machines = 8\n[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 8\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 8: must be a cache machine, an integer from 0 to cluster.timeline_cache.machines - 1 = 7",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"cache\"\nindex = 48\nfactor = 2\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 48: must be a cache machine, an integer from 0 to cluster.timeline_cache.machines - 1 = 47",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = -1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = -1: must be a cache machine",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 0\nlose_data = true\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].lose_data = true: the tweet store is durable in this model",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 0\nlose_data = 1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].lose_data = 1: must be true or false",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers is missing",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 17\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers = 17: must be an integer from 1 to cluster.fanout_workers.workers = 16",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 0\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers = 0: must be an integer from 1",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 1\nindex = 0\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 0: only used with target = \"store\" or \"cache\" (faults[0].target is \"workers\")",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 0\nworkers = 1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers = 1: only used with kind = \"crash\" and target = \"workers\" (faults[0].target is \"cache\")",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 0\nfactor = 2\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].factor = 2: only used with kind = \"slow\" (faults[0].kind is \"crash\")",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"workers\"\nfactor = 2\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].target = \"workers\": must be \"store\" or \"cache\" with kind = \"slow\"",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0]: a slow fault with factor = 1 and delay = \"0s\" does nothing; set factor above 1 or delay above 0s",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nfactor = 0.5\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].factor = 0.5: must be a finite number from 1 to 1e6",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nfactor = inf\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].factor = inf: must be a finite number from 1 to 1e6",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nfactor = 2\nprobability = 0\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].probability = 0: must be a number > 0 and at most 1",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\ndelay = 5\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].delay = 5: must be a duration >= 0 with a unit",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0]: a network fault with delay = \"0s\" and drop = 0 does nothing; set delay above 0s or drop above 0",
    ),
    (
        "[[faults]]\nkind = \"network\"\ndrop = 1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].drop = 1: must be a number >= 0 and below 1",
    ),
    (
        "[[faults]]\nkind = \"network\"\ndrop = 0.1\nprobability = 0.5\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].probability = 0.5: only used with kind = \"slow\" (faults[0].kind is \"network\")",
    ),
    (
        "[[faults]]\nkind = \"network\"\ndrop = 0.1\nlose_data = false\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].lose_data = false: only used with kind = \"crash\"",
    ),
    // policies
    (
        "policy.store.timeout = \"0s\"",
        "policy.store.timeout = \"0s\": must be a duration > 0 with a unit, as in \"50ms\"",
    ),
    (
        "policy.cache.timeout = \"none\"",
        "policy.cache.timeout = \"none\": 'none' is not a duration",
    ),
    (
        "policy.store.retries = 101",
        "policy.store.retries = 101: must be an integer from 0 to 100",
    ),
    (
        "policy.cache.backoff = \"-1ms\"",
        "policy.cache.backoff = \"-1ms\": '-1ms' is not a duration",
    ),
    (
        "policy.store.backoff = \"10ms\"\npolicy.store.backoff_max = \"5ms\"",
        "policy.store.backoff_max = \"5ms\": must be at least policy.store.backoff = 10ms",
    ),
    (
        "policy.cache.backoff = \"2s\"",
        "policy.cache.backoff_max = \"1s\": must be at least policy.cache.backoff = 2s",
    ),
    (
        "policy.store.jitter = \"equal\"",
        "policy.store.jitter = \"equal\": must be one of \"full\", \"none\"",
    ),
    (
        "policy.store.retry_budget = 0",
        "policy.store.retry_budget = 0: must be a number > 0 and at most 1",
    ),
    (
        "policy.cache.retry_budget = 1.5",
        "policy.cache.retry_budget = 1.5: must be a number > 0 and at most 1",
    ),
    (
        "policy.store.hedge = \"p100\"",
        "policy.store.hedge = \"p100\": must be \"off\", a duration > 0 with a unit such as \"2ms\", or a percentile \"pNN\" such as \"p95\", \"p99\", \"p99.9\" (NN strictly between 0 and 100)",
    ),
    (
        "policy.cache.hedge = \"fast\"",
        "policy.cache.hedge = \"fast\": must be \"off\", a duration > 0 with a unit such as \"2ms\", or a percentile \"pNN\"",
    ),
    (
        "policy.cache.hedge = \"p0\"",
        "policy.cache.hedge = \"p0\": must be \"off\"",
    ),
    (
        "policy.cache.hedge = \"0ms\"",
        "policy.cache.hedge = \"0ms\": must be \"off\"",
    ),
    (
        "policy.cache.hedge = 2",
        "policy.cache.hedge = 2: must be \"off\"",
    ),
    (
        "policy.store.breaker_failures = 1000001",
        "policy.store.breaker_failures = 1000001: must be an integer from 0 (no breaker) to 1000000",
    ),
    (
        "policy.store.breaker_open = \"0s\"",
        "policy.store.breaker_open = \"0s\": must be a duration > 0 with a unit",
    ),
    (
        "policy.cache.failover = \"yes\"",
        "policy.cache.failover = \"yes\": must be true or false",
    ),
    (
        "policy.store.failover = true",
        "unknown key 'policy.store.failover'; did you mean 'policy.cache.failover'? (keys in [policy.store]: timeout, retries,",
    ),
    (
        "policy = 5",
        "policy = 5: must be a table with keys store, cache",
    ),
];

#[test]
fn every_rule_refuses_with_key_value_and_what_is_allowed() {
    for (text, expect) in REFUSED {
        let m = err(text);
        assert!(
            m.contains(expect),
            "input:\n{text}\nmessage: {m}\nexpected to contain: {expect}"
        );
    }
}

#[test]
fn the_boundaries_of_every_range_are_accepted() {
    for text in [
        "population.users = 1",
        "population.users = 200_000_000\npopulation.followers.max = 199_999_999",
        "population.followers.max = 0",
        "population.followers.exponent = 10",
        "population.author_activity_exponent = 3\npopulation.reader_activity_exponent = 3",
        "population.followee_exponent = 1.0001",
        "workload.tweets_per_sec = 1e8\nworkload.reads_per_sec = 1e9",
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 1",
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 100",
        "warmup = \"0s\"\nduration = \"8760h\"",
        "duration = \"1ns\"",
        "[[workload.events]]\nkind = \"tweet\"\nat = \"0s\"\nid = 0",
        "[[workload.events]]\nkind = \"tweet\"\nat = \"64.999s\"\nrank = 1000000",
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nid = 999999",
        "[[workload.events]]\nkind = \"burst\"\nat = \"60s\"\nduration = \"1h\"\nfactor = 1000",
        "cluster.tweet_store = { shards = 100000, servers = 10000, queue_limit = 4294967295 }",
        "cluster.timeline_cache = { replicas = 16, max_entries = 1000000 }",
        "cluster.fanout_workers = { workers = 1000000, batch = 4294967295 }",
        "cluster.network = { one_way = \"0s\", jitter = { dist = \"pareto\", alpha = 100 } }",
        "cluster.tweet_store.read = { per_request = \"0s\", per_item = \"0s\", cv = 100 }",
        "strategy.hybrid.celebrity_threshold = 4294967295",
        "seed = 9223372036854775807",
        "seed = 0",
        "cluster.fanout_workers.retry_after = \"1ns\"",
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 15\nat = \"0s\"\nduration = \"1ns\"",
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 47\nat = \"64.999s\"\nduration = \"1h\"\nlose_data = true",
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 16\nat = \"1s\"\nduration = \"1s\"\nlose_data = true",
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 0\nlose_data = false\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nindex = 0\nfactor = 1e6\nprobability = 1\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"slow\"\ntarget = \"cache\"\ndelay = \"1ns\"\nprobability = 1e-9\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"network\"\ndrop = 0.999999\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"network\"\ndelay = \"1ns\"\nat = \"1s\"\nduration = \"1s\"",
        "policy.store = { timeout = \"1ns\", retries = 100, backoff = \"0s\", backoff_max = \"0s\" }",
        "policy.cache = { retry_budget = 1, hedge = \"p0.001\", breaker_failures = 1000000 }",
        "policy.cache = { hedge = \"p99.999\", breaker_open = \"1ns\" }",
        "policy.store.hedge = \"1ns\"",
    ] {
        let r = RawScenario::from_str(text, SRC).and_then(|r| r.resolve());
        assert!(r.is_ok(), "refused:\n{text}\n{}", r.unwrap_err());
    }
}
