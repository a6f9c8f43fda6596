//! `fanout plot` against hostile input: values no axis can hold are
//! refused in one line naming the file, line, column and value; odd but
//! plottable values (negative, -0, one point, all equal, very wide) give a
//! well-formed SVG, and none of them hangs.

use crate::plot_support::*;
use std::path::Path;

/// `timeseries_csv()` with the first row's read p99 replaced by `value`.
fn ts_with_p99(value: &str) -> String {
    timeseries_csv().replacen("180.000", value, 1)
}

/// A CSV holding 1.7e308 once made tick generation loop for ever at 100%
/// CPU; inf and NaN were silently dropped. All are refused, naming where.
#[test]
fn unplottable_values_are_refused_naming_file_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.svg");
    for value in ["1.7e308", "inf", "-inf", "NaN", "1e999", "-1e200", "1e-200"] {
        for (kind, text) in [
            ("ts", ts_with_p99(value)),
            ("sum", summary_csv().replacen("180.000", value, 1)),
        ] {
            let p = write(dir.path(), &format!("{kind}.csv"), &text);
            let m = input_error(&[p], &out);
            for want in [
                format!("{kind}.csv"),
                "line 2".to_string(),
                "read_p99_ms".to_string(),
                format!("'{value}'"),
                "cannot be plotted".to_string(),
            ] {
                assert!(m.contains(&want), "{value} in {kind}: no {want:?} in {m}");
            }
        }
    }
    assert!(!out.exists(), "nothing is written for refused input");
}

/// Odd values an axis can hold plot, and terminate: the test would hang,
/// not fail, if tick generation were unbounded again.
#[test]
fn odd_but_plottable_values_plot_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let row = |t: u32, p99: &str, writes: &str| {
        format!(
            "s,hybrid,1,{t}.000,{}.000,10.0,10.0,{writes},1.0,1.0,{p99},1.0,1.0,0,0,0,0,\n",
            t + 1
        )
    };
    let cases: Vec<(&str, String)> = vec![
        (
            "limits",
            row(0, "1e100", "-1e100") + &row(1, "1e-100", "1e100"),
        ),
        ("wide", row(0, "1e-99", "0") + &row(1, "1e99", "1e-99")),
        (
            "negative-log",
            row(0, "-5", "1") + &row(1, "1000", "100000"),
        ),
        ("minus-zero", row(0, "-0", "-0") + &row(1, "-0.0", "-0")),
        ("one-point", row(3, "7.5", "12")),
        ("all-equal", (0..5).map(|t| row(t, "4.2", "4.2")).collect()),
    ];
    for (name, rows) in cases {
        let p = write(
            dir.path(),
            &format!("{name}.csv"),
            &format!("{TS_HEADER}\n{rows}"),
        );
        let svg = plot_to_string(dir.path(), std::slice::from_ref(&p));
        assert_svg(&svg);
        let ticks = texts(&svg, "tick");
        assert!(ticks.len() < 120, "{name}: {} tick labels", ticks.len());
        assert!(
            ticks.iter().all(|t| t.chars().count() <= 12 && t != "-0"),
            "{name}: {ticks:?}"
        );
    }
}

#[test]
fn empty_or_header_only_timeseries_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.svg");
    let p = write(dir.path(), "blank.csv", "\n \n");
    let m = input_error(&[p], &out);
    assert!(m.contains("blank.csv") && m.contains("empty"), "{m}");
    let p = write(dir.path(), "head.csv", &format!("{TS_HEADER}\n"));
    let m = input_error(&[p], &out);
    assert!(m.contains("head.csv") && m.contains("no rows"), "{m}");
}

/// The command-line path: a refused value exits with status 2 and one
/// line on standard error.
#[test]
fn unplottable_value_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "huge.csv", &ts_with_p99("1.7e308"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(["plot", &p.display().to_string(), "-o"])
        .arg(Path::new(dir.path()).join("o.svg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("huge.csv") && err.contains("1.7e308"), "{err}");
}
