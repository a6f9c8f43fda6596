//! Shared by the plot tests: CSV fixtures of each kind, running the
//! plotter, and a small XML well-formedness check for its output.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use fanout::error::FanoutError;
use fanout::plot;
use std::path::{Path, PathBuf};

pub const SUMMARY_HEADER: &str = "scenario,strategy,seed,sim_seconds,users,tweets_per_sec,reads_per_sec,\
mean_fanout_per_tweet,timeline_writes_per_sec,store_reads_per_sec,read_p50_ms,read_p99_ms,read_p999_ms,\
post_p50_ms,post_p99_ms,post_p999_ms,delivery_p50_ms,delivery_p99_ms,delivery_p999_ms,events,wall_seconds,\
read_p90_ms,read_max_ms,dropped_reads,peak_fanout_backlog,store_utilisation,store_peak_queue";

pub const TS_HEADER: &str = "scenario,strategy,seed,t_start_s,t_end_s,posts_per_sec,reads_per_sec,\
timeline_writes_per_sec,store_reads_per_sec,read_p50_ms,read_p99_ms,read_p999_ms,delivery_p99_ms,\
fanout_backlog,store_peak_queue,cache_peak_queue,workers_peak_queue,event";

/// A summary row: `lat` is read, post, delivery p50/p99/p99.9 in ms.
pub fn summary_row(
    scenario: &str,
    strategy: &str,
    seed: u64,
    writes: f64,
    lat: [f64; 9],
) -> String {
    let lat: Vec<String> = lat.iter().map(|v| format!("{v:.3}")).collect();
    format!(
        "{scenario},{strategy},{seed},60.000,10000,4600.0,300000.0,75.00,{writes:.1},1200.0,{},123456,1.234,\
         2.000,3.000,0,17,0.4321,5",
        lat.join(",")
    )
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

pub fn summary_csv() -> String {
    let mut s = format!("{SUMMARY_HEADER}\n");
    // Read p99.9 650 ms vs post p50 0.6 ms: four decades, so a log axis.
    s += &summary_row(
        "celebrity",
        "fanout-on-read",
        42,
        0.0,
        [12.0, 180.0, 650.0, 0.6, 2.0, 5.0, 0.7, 2.2, 6.0],
    );
    s += "\n";
    s += &summary_row(
        "celebrity",
        "fanout-on-write",
        42,
        345000.0,
        [1.2, 8.5, 25.0, 0.8, 3.0, 9.0, 150.0, 3500.0, 12000.0],
    );
    s += "\n";
    // Delivery p99.9 missing: an empty cell is no value, not an error.
    let mut r = summary_row(
        "celebrity",
        "hybrid",
        42,
        290000.0,
        [2.1, 35.0, 120.0, 0.7, 2.6, 7.0, 80.0, 900.0, 0.0],
    );
    r = r.replacen("900.000,0.000", "900.000,", 1);
    s += &r;
    s += "\n";
    s
}

pub fn timeseries_csv() -> String {
    let mut s = format!("{TS_HEADER}\n");
    for strategy in ["fanout-on-read", "fanout-on-write", "hybrid"] {
        for t in 0..30 {
            let posts = if (20..25).contains(&t) {
                13800.0
            } else {
                4600.0
            };
            let (writes, p99) = match strategy {
                "fanout-on-read" => (0.0, 180.0 + t as f64),
                "fanout-on-write" => (
                    posts * 75.0 + if t == 10 { 2_999_997.0 } else { 0.0 },
                    if (10..13).contains(&t) { 80.0 } else { 8.5 },
                ),
                _ => (posts * 60.0, 35.0),
            };
            let event = match t {
                10 => "\"tweet by rank 1 (999,999 followers)\"",
                20 => "burst x3 for 5s",
                _ => "",
            };
            s += &format!(
                "celebrity,{strategy},7,{t}.000,{}.000,{posts:.1},300000.0,{writes:.1},100.0,1.000,{p99:.3},250.000,99.000,0,1,2,3,{event}\n",
                t + 1
            );
        }
    }
    s
}

/// The resilience columns of the time-series CSV, after `event`.
pub const TS_RESILIENCE: &str =
    "availability,failed_reads,degraded_reads,timeouts,retries,hedges,duplicates,rebuilds";

/// [`timeseries_csv`] in today's format: the resilience columns appended,
/// from `cells(strategy, t)`.
pub fn timeseries_csv_with(cells: impl Fn(&str, u32) -> String) -> String {
    let text = timeseries_csv();
    let mut lines = text.lines();
    let mut s = format!("{},{TS_RESILIENCE}\n", lines.next().unwrap());
    for line in lines {
        let strategy = line.split(',').nth(1).unwrap();
        let t: u32 = line.split(',').nth(3).unwrap().parse::<f64>().unwrap() as u32;
        s += &format!("{line},{}\n", cells(strategy, t));
    }
    s
}

pub fn sweep_csv() -> String {
    let mut s = format!("{SUMMARY_HEADER},strategy.hybrid.celebrity_threshold\n");
    for seed in [1, 2] {
        for (i, th) in [1000, 100000].iter().enumerate() {
            let off = seed as f64;
            let rows = [
                ("fanout-on-read", 0.0, 180.0 + off),
                ("fanout-on-write", 345000.0 + off, 8.0 + off),
                (
                    "hybrid",
                    200000.0 + 100000.0 * i as f64,
                    90.0 - 60.0 * i as f64 + off,
                ),
            ];
            for (strategy, writes, p99) in rows {
                let lat = [1.0, p99, p99 * 2.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
                s += &summary_row("threshold-sweep", strategy, seed, writes, lat);
                s += &format!(",{th}\n");
            }
        }
    }
    s
}

pub fn plot_to_string(dir: &Path, inputs: &[PathBuf]) -> String {
    let out = dir.join("out.svg");
    plot::plot(inputs, &out).unwrap_or_else(|e| panic!("plot failed: {e}"));
    std::fs::read_to_string(out).unwrap()
}

pub fn input_error(inputs: &[PathBuf], out: &Path) -> String {
    match plot::plot(inputs, out) {
        Err(FanoutError::Input(m)) => {
            assert!(!m.contains('\n'), "error must be one line: {m}");
            m
        }
        Err(e) => panic!("expected an input error, got {e:?}"),
        Ok(()) => panic!("expected an input error, got success"),
    }
}

// ---------------------------------------------------------------------------
// A tiny XML well-formedness check: balanced and properly nested tags,
// quoted and unique attributes, valid entities, one root element.

pub fn check_entities(s: &str, what: &str) -> Result<(), String> {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let end = rest.find(';').ok_or(format!("bare & in {what}"))?;
        let ent = &rest[..end];
        let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
            || (ent.starts_with('#')
                && ent.len() > 1
                && ent[1..].chars().all(|c| c.is_ascii_digit()))
            || (ent.starts_with("#x")
                && ent.len() > 2
                && ent[2..].chars().all(|c| c.is_ascii_hexdigit()));
        if !ok {
            return Err(format!("bad entity &{ent}; in {what}"));
        }
    }
    Ok(())
}

pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.')
}

/// Parses one start (or empty-element) tag at the head of `rest`,
/// checking its attributes; returns what follows the tag.
pub fn start_tag<'a>(
    rest: &'a str,
    stack: &mut Vec<String>,
    roots: &mut usize,
) -> Result<&'a str, String> {
    let r = &rest[1..];
    let name_len = r.find(|c: char| !is_name_char(c)).unwrap_or(r.len());
    if name_len == 0 {
        return Err(format!("bad tag start: {:?}", &rest[..rest.len().min(20)]));
    }
    let name = &r[..name_len];
    let mut a = &r[name_len..];
    let mut attrs: Vec<&str> = Vec::new();
    loop {
        let trimmed = a.trim_start();
        let had_space = trimmed.len() < a.len();
        a = trimmed;
        if let Some(x) = a.strip_prefix("/>") {
            a = x;
            if stack.is_empty() {
                *roots += 1;
            }
            break;
        }
        if let Some(x) = a.strip_prefix('>') {
            a = x;
            if stack.is_empty() {
                *roots += 1;
            }
            stack.push(name.to_string());
            break;
        }
        if !had_space {
            return Err(format!("<{name}>: attributes must be separated by space"));
        }
        let n = a.find(|c: char| !is_name_char(c)).unwrap_or(a.len());
        if n == 0 {
            return Err(format!(
                "<{name}>: bad attribute at {:?}",
                &a[..a.len().min(20)]
            ));
        }
        let attr = &a[..n];
        if attrs.contains(&attr) {
            return Err(format!("<{name}>: attribute {attr} repeated"));
        }
        attrs.push(attr);
        a = a[n..].trim_start();
        a = a
            .strip_prefix('=')
            .ok_or(format!("<{name}>: {attr} has no ="))?
            .trim_start();
        let q = a.chars().next().ok_or("eof in attribute")?;
        if q != '"' && q != '\'' {
            return Err(format!("<{name}>: {attr} value not quoted"));
        }
        let end = a[1..].find(q).ok_or("unterminated attribute")?;
        let value = &a[1..1 + end];
        if value.contains('<') {
            return Err(format!("<{name}>: < in attribute {attr}"));
        }
        check_entities(value, attr)?;
        a = &a[end + 2..];
    }
    Ok(a)
}

pub fn xml_well_formed(doc: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = doc;
    if !(rest.starts_with("<?xml") || rest.starts_with("<svg")) {
        return Err("does not start with <?xml or <svg".into());
    }
    loop {
        let Some(lt) = rest.find('<') else {
            if !rest.trim().is_empty() {
                return Err("text after the root element".into());
            }
            break;
        };
        let text = &rest[..lt];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_entities(text, "text")?;
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<?") {
            let end = r.find("?>").ok_or("unterminated <?")?;
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unterminated comment")?;
            if r[..end].contains("--") {
                return Err("-- inside a comment".into());
            }
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unterminated end tag")?;
            let name = r[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            rest = &r[end + 1..];
        } else {
            rest = start_tag(rest, &mut stack, &mut roots)?;
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements: {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

pub fn assert_svg(doc: &str) {
    if let Err(e) = xml_well_formed(doc) {
        panic!("not well-formed: {e}");
    }
    assert!(doc.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
}

/// The texts of `<text>` elements with this class, unescaped.
pub fn texts(doc: &str, class: &str) -> Vec<String> {
    let needle = format!("class=\"{class}\"");
    doc.lines()
        .filter(|l| l.starts_with("<text") && l.contains(&needle))
        .filter_map(|l| {
            let start = l.find('>')? + 1;
            let end = l.rfind("</text>")?;
            Some(
                l[start..end]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}
