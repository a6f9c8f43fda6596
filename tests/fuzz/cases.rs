//! Turns a case index into an input: a command line (with `@DIR@` standing
//! for the case's scratch directory) and the files it names.
//!
//! Scenario text starts from a shipped scenario and goes through 1-4
//! mutations, text-level (bytes, lines, odd characters) or structural (a
//! key's value replaced by a dictionary value, keys added under their
//! section, arrays of tables with up to 10,000 entries, deep nesting,
//! duplicate keys). Flags are drawn from the same dictionary.

use crate::dict::{DURATIONS, Dict, ODD_TEXT, STRATEGIES, VALUES};
use crate::rng::Rng;

/// One generated input.
pub struct Case {
    /// The arguments after the program name; `@DIR@` is the scratch directory.
    pub args: Vec<String>,
    /// Files to create in the scratch directory first: (name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

/// Output files pre-created with known content in every scratch directory,
/// so a failed command that damages one is caught.
pub const OUTPUTS: &[&str] = &[
    "out.csv",
    "out.json",
    "out-ts.csv",
    "out.hlog",
    "out.hlog.percentiles.txt",
    "out.svg",
    "q.csv",
];

/// Generates case `index` of run `seed`.
pub fn case(dict: &Dict, seed: u64, index: u64) -> Case {
    let mut rng = Rng::for_case(seed, index);
    let mut case = match rng.below(100) {
        0..=64 => scenario_case(dict, &mut rng),
        65..=79 => crate::cases_other::queue_case(&mut rng),
        80..=95 => crate::cases_other::plot_case(dict, &mut rng),
        _ => garbage_case(dict, &mut rng),
    };
    // Now and then, a stray token anywhere in the command line.
    if rng.chance(2) && !case.args.is_empty() {
        let at = rng.below(case.args.len() + 1).max(1);
        let token = stray_token(dict, &mut rng);
        case.args.insert(at.min(case.args.len()), token);
    }
    // Now and then, an odd character (a newline, a NUL, an emoji) inside
    // one argument: a flag value, a path, a --set or --vary text.
    if rng.chance(4) && case.args.len() > 1 {
        let i = 1 + rng.below(case.args.len() - 1);
        case.args[i] = insert_odd(&case.args[i], &mut rng);
    }
    // A real command line cannot hold a NUL (arguments are C strings), so
    // one in an argument would be a finding no user can reach.
    for a in &mut case.args {
        if a.contains('\0') {
            *a = a.replace('\0', "\u{1}");
        }
    }
    for (_, bytes) in &mut case.files {
        crate::cases_other::maybe_invalid_utf8(bytes, &mut rng);
    }
    case
}

/// `check`, `run` or `sweep` on a mutated scenario.
fn scenario_case(dict: &Dict, rng: &mut Rng) -> Case {
    let command = *rng.pick(&["check", "check", "run", "run", "run", "sweep", "sweep"]);
    let text = mutate_scenario(dict, rng);
    let path = match rng.below(40) {
        0 => "@DIR@/missing.toml".to_string(),
        1 => "@DIR@".to_string(),
        2 => "/dev/null".to_string(),
        3 => String::new(),
        4 => "-".to_string(),
        _ => "@DIR@/s.toml".to_string(),
    };
    let mut args = vec![command.to_string(), path];
    for _ in 0..*rng.pick(&[0, 0, 1, 1, 2, 3]) {
        args.push("--set".into());
        args.push(set_arg(dict, rng));
    }
    if command != "check" {
        run_flags(rng, &mut args);
    }
    if command == "sweep" {
        for _ in 0..rng.below(3) + usize::from(rng.chance(90)) {
            args.push("--vary".into());
            args.push(vary_arg(dict, rng));
        }
        if rng.chance(30) {
            args.push("--seeds".into());
            let v = *rng.pick(&[
                "1", "2", "3", "1", "2", "1", "0", "10000", "10001", "-1", "x",
            ]);
            args.push(v.into());
        }
    }
    Case {
        args,
        files: vec![("s.toml".into(), text.into_bytes())],
    }
}

/// The flags `run` and `sweep` share.
fn run_flags(rng: &mut Rng, args: &mut Vec<String>) {
    if rng.chance(80) {
        args.push("--quiet".into());
    }
    if rng.chance(3) {
        args.push("--force".into());
    }
    for _ in 0..rng.below(3).saturating_sub(1) {
        args.push("--strategy".into());
        let valid = rng.chance(80);
        args.push((*rng.pick(if valid { &STRATEGIES[..3] } else { STRATEGIES })).into());
    }
    if rng.chance(20) {
        args.push("--seed".into());
        let v = *rng.pick(&[
            "0",
            "7",
            "42",
            "2012",
            "0",
            "7",
            "42",
            "-1",
            "18446744073709551615",
            "18446744073709551616",
            "x",
            "",
        ]);
        args.push(v.into());
    }
    if rng.chance(25) {
        args.push("--duration".into());
        args.push(duration(rng));
    }
    let outputs = [
        ("--csv", "out.csv"),
        ("--json", "out.json"),
        ("--timeseries", "out-ts.csv"),
        ("--hdr", "out.hlog"),
    ];
    for (flag, name) in outputs {
        if rng.chance(30) {
            args.push(flag.into());
            args.push(output_path(rng, name));
        }
    }
    if rng.chance(15) {
        args.push("--interval".into());
        args.push(duration(rng));
    }
}

/// A duration flag value: usually a short valid one.
fn duration(rng: &mut Rng) -> String {
    if rng.chance(60) {
        (*rng.pick(&["1s", "200ms", "500ms", "2s", "100ms"])).into()
    } else {
        (*rng.pick(DURATIONS)).into()
    }
}

/// A path for an output flag: usually the pre-created file, sometimes a
/// path that cannot be written.
pub fn output_path(rng: &mut Rng, name: &str) -> String {
    match rng.below(40) {
        0 => "-".into(),
        1 => "@DIR@".into(),
        2 => format!("@DIR@/no-such-dir/{name}"),
        3 => "@DIR@/s.toml/x".into(),
        4 => "/dev/null".into(),
        5 => String::new(),
        _ => format!("@DIR@/{name}"),
    }
}

/// A `--set KEY=VALUE` argument.
fn set_arg(dict: &Dict, rng: &mut Rng) -> String {
    let i = rng.below(dict.keys.len());
    let key = concrete_key(&dict.keys[i], rng);
    let key = if rng.chance(8) {
        mangle(&key, rng)
    } else {
        key
    };
    let value = value_for(dict, i, rng);
    let value = if rng.chance(25) {
        value.trim_matches('"').to_string()
    } else {
        value
    };
    match rng.below(30) {
        0 => key,
        1 => format!("={value}"),
        _ => format!("{key}={value}"),
    }
}

/// A `--vary KEY=VALUES` argument: a list or a lin/log range.
fn vary_arg(dict: &Dict, rng: &mut Rng) -> String {
    let i = rng.below(dict.keys.len());
    let key = concrete_key(&dict.keys[i], rng);
    let num = |rng: &mut Rng| -> String {
        if rng.chance(70) {
            return (*rng.pick(&["1", "2", "10", "0.5", "100", "1000", "3"])).to_string();
        }
        (*rng.pick(&[
            "0", "1", "2", "10", "0.5", "-1", "1e6", "1e308", "-1e308", "nan", "inf", "1e-300",
            "3000", "x", "",
        ]))
        .to_string()
    };
    let values = match rng.below(4) {
        0 | 1 => {
            let n = 1 + rng.below(4);
            let vs: Vec<String> = (0..n).map(|_| value_for(dict, i, rng)).collect();
            vs.join(",")
        }
        _ => {
            let scale = *rng.pick(&["lin", "log", "lin", "log", "cubic", ""]);
            let count = *rng.pick(&[
                "1", "2", "3", "1", "2", "3", "0", "10000", "10001", "-1", "1e3", "x",
            ]);
            format!("{}..{}:{scale}:{count}", num(rng), num(rng))
        }
    };
    if rng.chance(5) {
        values
    } else {
        format!("{key}={values}")
    }
}

/// A key with each `[]` replaced by an index (mostly small).
fn concrete_key(key: &str, rng: &mut Rng) -> String {
    let mut out = String::new();
    for (n, part) in key.split("[]").enumerate() {
        if n > 0 {
            let index = *rng.pick(&[
                "0",
                "0",
                "1",
                "2",
                "99999",
                "18446744073709551616",
                "-1",
                "",
            ]);
            out.push_str(&format!("[{index}]"));
        }
        out.push_str(part);
    }
    out
}

/// A damaged key path: doubled dots, brackets, odd characters, case.
fn mangle(key: &str, rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => key.replacen('.', "..", 1),
        1 => format!("{key}["),
        2 => format!("{key}.{}", rng.pick(ODD_TEXT)),
        3 => key.to_uppercase(),
        4 => format!(" {key}[0][0] "),
        _ => format!("{key}.extra"),
    }
}

/// A value for key number `i`: its documented strings, its default-like
/// values, or anything from the dictionary.
fn value_for(dict: &Dict, i: usize, rng: &mut Rng) -> String {
    let own = &dict.key_values[i];
    if !own.is_empty() && rng.chance(30) {
        return rng.pick(own).clone();
    }
    if let Some(default) = &dict.defaults[i]
        && rng.chance(45)
    {
        return plausible(default, rng);
    }
    (*rng.pick(VALUES)).to_string()
}

/// A value near a key's default: a number scaled by a small factor (kept
/// whole if the default is), a duration swapped for another short one.
fn plausible(default: &str, rng: &mut Rng) -> String {
    let plain = default.replace('_', "");
    if let Ok(n) = plain.parse::<i64>() {
        let k = *rng.pick(&[1, 2, 3, 10]);
        return if rng.chance(50) {
            n * k
        } else {
            (n / k).max(1)
        }
        .to_string();
    }
    if let Ok(x) = plain.parse::<f64>() {
        return format!("{:?}", x * *rng.pick(&[0.5, 0.9, 1.0, 1.1, 2.0]));
    }
    if default.starts_with('"') && default.chars().any(|c| c.is_ascii_digit()) {
        return (*rng.pick(&[
            "\"1s\"",
            "\"100ms\"",
            "\"2s\"",
            "\"10ms\"",
            "\"50us\"",
            "\"0s\"",
        ]))
        .to_string();
    }
    default.to_string()
}

/// A random token for the garbage command lines and stray insertions.
fn stray_token(dict: &Dict, rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => (*rng.pick(VALUES)).to_string(),
        1 => (*rng.pick(ODD_TEXT)).to_string(),
        2 => format!("--{}", rng.pick(&dict.keys)),
        3 => (*rng.pick(&[
            "--set",
            "--vary",
            "--csv",
            "-o",
            "--help",
            "--version",
            "-h",
            "-V",
            "--",
            "-q",
            "--seeds",
            "--lambda",
        ]))
        .to_string(),
        4 => (*rng.pick(DURATIONS)).to_string(),
        _ => "@DIR@/s.toml".to_string(),
    }
}

/// A command line of random tokens after a random (maybe unknown) command.
fn garbage_case(dict: &Dict, rng: &mut Rng) -> Case {
    let command = *rng.pick(&[
        "run", "check", "sweep", "queue", "plot", "help", "", "RUN", "x",
    ]);
    let mut args = vec![command.to_string()];
    for _ in 0..rng.below(6) {
        args.push(stray_token(dict, rng));
    }
    Case {
        args,
        files: vec![(
            "s.toml".into(),
            rng.pick(&dict.scenarios).clone().into_bytes(),
        )],
    }
}

/// A shipped scenario after 1-4 mutations.
fn mutate_scenario(dict: &Dict, rng: &mut Rng) -> String {
    let mut text = if rng.below(200) < 3 {
        rng.pick(&dict.scenarios).clone()
    } else {
        rng.pick(&dict.small_scenarios).clone()
    };
    if rng.chance(5) {
        text.clear();
    }
    for _ in 0..*rng.pick(&[0, 0, 0, 1, 1, 1, 2, 3, 4]) {
        text = match rng.below(12) {
            0 => crate::cases_other::text_mutation(&text, rng),
            1..=3 => replace_value(dict, &text, rng),
            4 | 5 => add_key(dict, &text, rng),
            6 => add_array_entries(dict, &text, rng),
            7 => deep_nesting(&text, rng),
            8 => duplicate_line(&text, rng),
            9 => remove_line(&text, rng),
            10 => {
                let other = rng.pick(&dict.scenarios).clone();
                crate::cases_other::splice(&text, &other, rng)
            }
            _ => insert_odd(&text, rng),
        };
    }
    text
}

/// Replaces the value of one `key = value` line by a dictionary value.
fn replace_value(dict: &Dict, text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let candidates: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains('=') && !lines[i].trim_start().starts_with('#'))
        .collect();
    if candidates.is_empty() {
        return add_key(dict, text, rng);
    }
    let at = *rng.pick(&candidates);
    let key = lines[at].split('=').next().unwrap_or("").trim().to_string();
    let own = dict
        .keys
        .iter()
        .position(|k| k.ends_with(&format!(".{key}")) || *k == key);
    let value = match own {
        Some(i) => value_for(dict, i, rng),
        None => (*rng.pick(VALUES)).to_string(),
    };
    lines[at] = format!("{key} = {value}");
    lines.join("\n")
}

/// Sets a known key: its line replaced or added under its section's header
/// (the header added if missing), or now and then as a dotted key at the
/// top, which may clash with the section (a duplicate key).
fn add_key(dict: &Dict, text: &str, rng: &mut Rng) -> String {
    let i = rng.below(dict.keys.len());
    let key = &dict.keys[i];
    let value = value_for(dict, i, rng);
    if let Some((array, field)) = key.split_once("[].") {
        return format!("{text}\n[[{array}]]\n{field} = {value}\n");
    }
    let (section, field) = match key.rsplit_once('.') {
        Some((s, f)) if !rng.chance(10) => (s, f),
        _ => return format!("{key} = {value}\n{text}"),
    };
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header = format!("[{section}]");
    let Some(start) = lines.iter().position(|l| l.trim() == header) else {
        return format!("{text}\n{header}\n{field} = {value}\n");
    };
    let end = (start + 1..lines.len())
        .find(|&j| lines[j].trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let line = format!("{field} = {value}");
    match (start + 1..end).find(|&j| lines[j].split('=').next().unwrap_or("").trim() == field) {
        Some(j) => lines[j] = line,
        None => lines.insert(start + 1, line),
    }
    lines.join("\n")
}

/// Appends entries to `[[workload.events]]` or `[[faults]]`: a few, or up
/// to 10,000 identical ones.
fn add_array_entries(dict: &Dict, text: &str, rng: &mut Rng) -> String {
    let array = *rng.pick(&["workload.events", "faults"]);
    let fields: Vec<usize> = (0..dict.keys.len())
        .filter(|&i| dict.keys[i].starts_with(&format!("{array}[].")))
        .collect();
    let mut entry = format!("\n[[{array}]]\n");
    for _ in 0..1 + rng.below(5) {
        if fields.is_empty() {
            break;
        }
        let i = *rng.pick(&fields);
        let field = dict.keys[i].rsplit('.').next().unwrap_or("");
        entry.push_str(&format!("{field} = {}\n", value_for(dict, i, rng)));
    }
    let copies = *rng.pick(&[1, 1, 1, 1, 2, 2, 3, 3, 100, 10_000]);
    let mut out = text.to_string();
    out.reserve(entry.len() * copies);
    for _ in 0..copies {
        out.push_str(&entry);
    }
    out
}

/// Adds a deeply nested array or inline table (depth up to 5,000).
fn deep_nesting(text: &str, rng: &mut Rng) -> String {
    let depth = *rng.pick(&[2, 10, 100, 1000, 5000]);
    let key = *rng.pick(&[
        "strategies",
        "seed",
        "workload",
        "cluster.network.jitter",
        "x",
    ]);
    let nested = if rng.chance(50) {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        format!("{}1{}", "{a=".repeat(depth), "}".repeat(depth))
    };
    format!("{key} = {nested}\n{text}")
}

/// Duplicates one line (often making a duplicate key or table).
fn duplicate_line(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return text.to_string();
    }
    let at = rng.below(lines.len());
    let line = lines[at];
    let to = rng.below(lines.len() + 1);
    lines.insert(to, line);
    lines.join("\n")
}

/// Removes one line.
fn remove_line(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    if !lines.is_empty() {
        let at = rng.below(lines.len());
        lines.remove(at);
    }
    lines.join("\n")
}

/// Inserts an odd character or fragment at a random character boundary.
fn insert_odd(text: &str, rng: &mut Rng) -> String {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let at = *rng.pick(&bounds);
    format!("{}{}{}", &text[..at], rng.pick(ODD_TEXT), &text[at..])
}
