//! Regenerates the table of keys in docs/scenario.md from the key
//! definitions: `cargo run --example scenario-doc`. The test
//! `docs_table_is_generated_from_the_definitions` fails until this is run
//! after a key changes.

use std::process::ExitCode;

fn main() -> ExitCode {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md");
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: cannot read: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(next) = fanout::scenario::doc::render_doc(&current) else {
        eprintln!("{path}: the generated-table marker lines are missing");
        return ExitCode::from(2);
    };
    if next == current {
        println!("{path} is up to date");
    } else if let Err(e) = std::fs::write(path, next) {
        eprintln!("{path}: cannot write: {e}");
        return ExitCode::from(2);
    } else {
        println!("{path} rewritten");
    }
    ExitCode::SUCCESS
}
