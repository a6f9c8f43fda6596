//! Inputs for `fanout queue` and `fanout plot`, and the text-level
//! mutations every kind of file shares.

use crate::cases::{Case, output_path};
use crate::dict::{Dict, ODD_TEXT};
use crate::rng::Rng;

/// `fanout queue` with flags drawn from edge values.
///
/// `--customers` stays at or below 20,000 unless it is out of the accepted
/// range (0, above 10^10, not a number): the command simulates every
/// customer, and the point is its flag handling, not a long simulation.
pub fn queue_case(rng: &mut Rng) -> Case {
    let mut args = vec!["queue".to_string()];
    let lambda = *rng.pick(&[
        "1", "0.5", "100", "0", "-1", "nan", "inf", "-inf", "1e308", "1e-300", "5e-324", "x", "",
        "1e6", "0.99",
    ]);
    let servers = *rng.pick(&[
        "1",
        "2",
        "4",
        "0",
        "100000",
        "100001",
        "4294967296",
        "-1",
        "x",
    ]);
    let service = service_spec(rng);
    let customers = *rng.pick(&[
        "1",
        "10",
        "1000",
        "5000",
        "20000",
        "0",
        "10000000001",
        "18446744073709551616",
        "-1",
        "1e3",
        "",
    ]);
    let flags = [
        ("--lambda", lambda.to_string()),
        ("--servers", servers.to_string()),
        ("--service", service),
        ("--customers", customers.to_string()),
    ];
    for (flag, value) in flags {
        if rng.chance(96) {
            args.push(flag.into());
            args.push(value);
        }
    }
    if rng.chance(30) {
        args.push("--seed".into());
        args.push((*rng.pick(&["0", "7", "18446744073709551615", "-1", "x"])).into());
    }
    if rng.chance(40) {
        args.push("--csv".into());
        args.push(output_path(rng, "q.csv"));
    }
    Case {
        args,
        files: Vec::new(),
    }
}

/// A `--service` distribution: mostly well-formed, with edge parameters.
fn service_spec(rng: &mut Rng) -> String {
    const NUMS: &[&str] = &[
        "1",
        "0.5",
        "0.001",
        "0",
        "-1",
        "nan",
        "inf",
        "1e308",
        "5e-324",
        "1ms",
        "10ms",
        "8000h",
        "1e3s",
        "1.0000001",
        "2.5",
        "100",
        "101",
        "",
        "x",
    ];
    let num = |rng: &mut Rng| NUMS[rng.below(NUMS.len())];
    match rng.below(7) {
        0 => format!("exp:{}", num(rng)),
        1 => format!("const:{}", num(rng)),
        2 => format!("lognormal:{},{}", num(rng), num(rng)),
        3 => format!("pareto:{},{}", num(rng), num(rng)),
        4 => format!("{}:{}", rng.pick(&["", "EXP", "normal", "exp "]), num(rng)),
        5 => format!("exp:{},{},{}", num(rng), num(rng), num(rng)),
        _ => (*rng.pick(&["exp", ":", "", "exp:", "lognormal:1", "pareto:", "😀"])).to_string(),
    }
}

/// `fanout plot` over one to three mutated shipped CSVs.
pub fn plot_case(dict: &Dict, rng: &mut Rng) -> Case {
    let mut args = vec!["plot".to_string()];
    let mut files = Vec::new();
    let n = 1 + rng.below(3);
    // Several inputs of one kind are the common case; pick from the shipped
    // CSVs by kind half of the time so the multi-file paths are reached.
    let first = rng.below(dict.csvs.len());
    for k in 0..n {
        let base = if k > 0 && rng.chance(50) {
            &dict.csvs[first]
        } else {
            rng.pick(&dict.csvs)
        };
        let text = mutate_csv(base, rng);
        let name = format!("in{k}.csv");
        args.push(match rng.below(40) {
            0 => "@DIR@/missing.csv".to_string(),
            1 => "@DIR@".to_string(),
            2 => "/dev/null".to_string(),
            _ => format!("@DIR@/{name}"),
        });
        files.push((name, text.into_bytes()));
    }
    if rng.chance(95) {
        args.push(if rng.chance(50) { "-o" } else { "--output" }.into());
        args.push(output_path(rng, "out.svg"));
    }
    Case { args, files }
}

/// A shipped CSV after 0-4 cell, row, column or text mutations.
fn mutate_csv(base: &str, rng: &mut Rng) -> String {
    let mut rows: Vec<Vec<String>> = base
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    for _ in 0..rng.below(5) {
        match rng.below(9) {
            0..=2 => {
                if let Some(row) = pick_row(&mut rows, rng, true) {
                    let c = rng.below(row.len().max(1));
                    if c < row.len() {
                        row[c] = (*rng.pick(&[
                            "1.7e308",
                            "1e308",
                            "-1e308",
                            "nan",
                            "NaN",
                            "inf",
                            "-inf",
                            "-0",
                            "0",
                            "5e-324",
                            "1e-320",
                            "",
                            "x",
                            "9999999999999999999999",
                            "-1",
                            "1e20",
                            "\"1\"",
                            "😀",
                            "1,5",
                        ]))
                        .to_string();
                    }
                }
            }
            3 => {
                if let Some(row) = pick_row(&mut rows, rng, false) {
                    let c = rng.below(row.len().max(1));
                    if c < row.len() {
                        row.remove(c);
                    }
                }
            }
            4 if rows.len() > 1 => {
                let r = 1 + rng.below(rows.len() - 1);
                let copies = *rng.pick(&[1, 2, 10, 1000, 10_000]);
                let row = rows[r].clone();
                for _ in 0..copies {
                    rows.push(row.clone());
                }
            }
            5 if !rows.is_empty() => {
                let r = rng.below(rows.len());
                rows.remove(r);
            }
            6 => {
                if let Some(header) = rows.first_mut() {
                    let c = rng.below(header.len());
                    header[c] =
                        (*rng.pick(&["strategy", "t_start_s", "read_p99_ms", "", "x", "seed"]))
                            .into();
                }
            }
            _ => rows.truncate(rng.below(4)),
        }
    }
    let text: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
    let text = text.join(if rng.chance(10) { "\r\n" } else { "\n" });
    if rng.chance(10) {
        text_mutation(&text, rng)
    } else {
        text
    }
}

/// A row to edit: any, or any but the header.
fn pick_row<'a>(
    rows: &'a mut [Vec<String>],
    rng: &mut Rng,
    data: bool,
) -> Option<&'a mut Vec<String>> {
    let skip = usize::from(data);
    if rows.len() <= skip {
        return None;
    }
    let r = skip + rng.below(rows.len() - skip);
    Some(&mut rows[r])
}

/// A text-level mutation: truncation, a deleted or repeated range, or an
/// odd fragment inserted; the result is kept valid UTF-8 (the file writer
/// adds invalid bytes separately).
pub fn text_mutation(text: &str, rng: &mut Rng) -> String {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return rng.pick(ODD_TEXT).to_string();
    }
    let a = rng.below(bytes.len());
    let b = (a + rng.below(64)).min(bytes.len());
    let mut out: Vec<u8> = match rng.below(4) {
        0 => bytes[..a].to_vec(),
        1 => [&bytes[..a], &bytes[b..]].concat(),
        2 => [&bytes[..b], &bytes[a..b], &bytes[b..]].concat(),
        _ => [&bytes[..a], rng.pick(ODD_TEXT).as_bytes(), &bytes[a..]].concat(),
    };
    if rng.chance(5) {
        let at = rng.below(out.len().max(1));
        if at < out.len() {
            out[at] ^= 1 << rng.below(7);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Inserts a random slice of `other` into `text` at a random line.
pub fn splice(text: &str, other: &str, rng: &mut Rng) -> String {
    let theirs: Vec<&str> = other.lines().collect();
    if theirs.is_empty() {
        return text.to_string();
    }
    let a = rng.below(theirs.len());
    let b = (a + 1 + rng.below(8)).min(theirs.len());
    let mut lines: Vec<&str> = text.lines().collect();
    let at = rng.below(lines.len() + 1);
    for (k, l) in theirs[a..b].iter().enumerate() {
        lines.insert(at + k, l);
    }
    lines.join("\n")
}

/// Sometimes damages a file's bytes so they are not UTF-8.
pub fn maybe_invalid_utf8(bytes: &mut Vec<u8>, rng: &mut Rng) {
    if rng.chance(2) {
        let at = rng.below(bytes.len() + 1);
        bytes.insert(at, *rng.pick(&[0xFF, 0xC3, 0x80, 0xED]));
    }
}
