//! The table of keys in docs/scenario.md, generated from the definitions in
//! `keys.rs` so the documentation cannot disagree with what the resolver
//! accepts. `cargo run --example scenario-doc` rewrites the table in place;
//! a test fails when the file is stale. The prose around the table is
//! written by hand; only the lines between [`BEGIN`] and [`END`] are
//! generated.

use super::known_keys;

/// The line before the generated table.
pub const BEGIN: &str =
    "<!-- generated from src/scenario/keys by `cargo run --example scenario-doc`; do not edit -->";
/// The line after the generated table.
pub const END: &str = "<!-- end of generated table -->";

/// The Markdown table of every key: key, type, default, allowed, meaning;
/// one line per key, in the order of [`known_keys`].
pub fn key_table() -> String {
    let mut out =
        String::from("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
    for k in known_keys() {
        let default = if k.computed_default() {
            cell(k.default)
        } else {
            format!("`{}`", cell(k.default))
        };
        out.push_str(&format!(
            "| `{}` | {} | {default} | {} | {} |\n",
            k.key,
            k.kind,
            cell(&k.allowed()),
            cell(k.doc)
        ));
    }
    out
}

/// `text` with pipes escaped, so it stays in one cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The document `current` with the text between its [`BEGIN`] and [`END`]
/// lines replaced by [`key_table`]; `None` when a marker line is missing.
pub fn render_doc(current: &str) -> Option<String> {
    let start = current.find(BEGIN)? + BEGIN.len();
    let end = start + current[start..].find(END)?;
    Some(format!(
        "{}\n{}{}",
        &current[..start],
        key_table(),
        &current[end..]
    ))
}
