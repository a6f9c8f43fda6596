//! Conveniences around the command line: shell completions
//! (`fanout completions bash|zsh|fish`), the manual page (`fanout man`)
//! and a JSON Schema of the scenario file (`fanout schema`), all derived
//! from the definitions they describe (clap's types, the key table of
//! `crate::scenario`), so they cannot drift from what fanout accepts.

use crate::cli::Cli;
use crate::error::{FanoutError, Result};
use crate::scenario::{self, Bound, Domain, KeyDoc, KeyType};
use clap::CommandFactory;
use serde_json::{Map, Value, json};
use std::io::Write;

/// Writes `bytes` to standard output.
fn print(bytes: &[u8]) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(bytes)
        .and_then(|_| lock.flush())
        .map_err(FanoutError::stdout)
}

/// `fanout completions SHELL`.
pub fn completions(shell: &str) -> Result<()> {
    use clap_complete::Shell;
    let sh = match shell.trim() {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        other => {
            return Err(FanoutError::input(format!(
                "completions {other}: unknown shell; use bash, zsh or fish"
            )));
        }
    };
    let mut buf = Vec::new();
    clap_complete::generate(sh, &mut Cli::command(), "fanout", &mut buf);
    print(&buf)
}

/// `fanout man`: the manual page, in roff.
pub fn man() -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| FanoutError::failure(format!("rendering the manual page: {e}")))?;
    print(&buf)
}

/// `fanout schema`: [`schema_json`], pretty-printed.
pub fn schema() -> Result<()> {
    let mut text = serde_json::to_string_pretty(&schema_json())
        .map_err(|e| FanoutError::failure(format!("rendering the schema: {e}")))?;
    text.push('\n');
    print(text.as_bytes())
}

/// The JSON Schema (draft 2020-12) of a scenario file: one property per
/// key of [`scenario::known_keys`], nested as the dotted paths nest, arrays
/// of tables as arrays of objects, each with its type, default, bounds,
/// allowed strings and description; unknown keys are refused
/// (`additionalProperties: false`), as fanout refuses them.
pub fn schema_json() -> Value {
    let mut root = object();
    for key in scenario::known_keys() {
        insert(&mut root, key);
    }
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    out.insert("title".into(), "fanout scenario".into());
    out.insert(
        "description".into(),
        "A fanout scenario file (TOML); docs/scenario.md describes every key.".into(),
    );
    if let Value::Object(m) = root {
        out.extend(m);
    }
    Value::Object(out)
}

/// An object schema with no properties yet.
fn object() -> Value {
    json!({"type": "object", "properties": {}, "additionalProperties": false})
}

/// Puts `key`'s schema at its path: `a.b` nests objects, `a[].b` goes
/// into the items of the array `a`.
fn insert(root: &mut Value, key: &KeyDoc) {
    let segments: Vec<&str> = key.key.split('.').collect();
    let mut node = root;
    for seg in &segments[..segments.len() - 1] {
        let (name, array) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (*seg, false),
        };
        let props = node["properties"]
            .as_object_mut()
            .expect("an object schema");
        let child = props.entry(name.to_string()).or_insert_with(|| {
            if array {
                json!({"type": "array", "items": object()})
            } else {
                object()
            }
        });
        value_or_table(child);
        node = if array { &mut child["items"] } else { child };
    }
    let last = segments[segments.len() - 1];
    let props = node["properties"]
        .as_object_mut()
        .expect("an object schema");
    let leaf = leaf(key);
    match props.get_mut(last) {
        // An array of tables defined by its items' keys first: keep them.
        Some(existing) if key.ty == KeyType::Tables => {
            for (k, v) in leaf.as_object().into_iter().flatten() {
                if k != "items" {
                    existing[k] = v.clone();
                }
            }
        }
        _ => {
            props.insert(last.to_string(), leaf);
        }
    }
}

/// A key that is a value and also a table of keys (`population.graph`:
/// "stored" or `{ file = ... }`): the value's schema gains the object type
/// and properties, and its allowed strings move into `anyOf` so an object
/// is not checked against them.
fn value_or_table(node: &mut Value) {
    if node.get("properties").is_some() {
        return;
    }
    let ty = node["type"].clone();
    node["type"] = json!([ty, "object"]);
    if let Some(values) = node.as_object_mut().and_then(|m| m.remove("enum")) {
        node["anyOf"] = json!([{"enum": values}, {"type": "object"}]);
    }
    node["properties"] = json!({});
    node["additionalProperties"] = json!(false);
}

/// The schema of one key's value.
fn leaf(key: &KeyDoc) -> Value {
    let mut s = Map::new();
    let ty = match key.ty {
        KeyType::Integer if matches!(key.domain, Domain::Rule(..)) && key.key == "seed" => {
            json!(["integer", "string"])
        }
        KeyType::Integer => json!("integer"),
        KeyType::Float => json!("number"),
        KeyType::Duration | KeyType::String => json!("string"),
        KeyType::Boolean => json!("boolean"),
        KeyType::Strings | KeyType::Tables => json!("array"),
    };
    s.insert("type".into(), ty);
    match key.domain {
        Domain::Int { lo, hi, .. } => {
            s.insert("minimum".into(), lo.into());
            s.insert("maximum".into(), hi.into());
        }
        Domain::Float { lo, hi, .. } => {
            bound(&mut s, lo, "minimum", "exclusiveMinimum");
            bound(&mut s, hi, "maximum", "exclusiveMaximum");
        }
        Domain::Choice(values) => {
            s.insert("enum".into(), json!(values));
        }
        Domain::Duration { .. } => {
            s.insert(
                "pattern".into(),
                r"^\s*[0-9][0-9._]*\s*(ns|us|µs|ms|s|m|min|h)\s*$".into(),
            );
        }
        _ => {}
    }
    match key.ty {
        KeyType::Strings => {
            s.insert("items".into(), json!({"type": "string"}));
        }
        KeyType::Tables => {
            s.insert("items".into(), object());
        }
        _ => {}
    }
    if !key.computed_default()
        && let Ok(v) = format!("v = {}", key.default).parse::<toml::Table>()
        && let Some(value) = v.get("v").and_then(|x| serde_json::to_value(x).ok())
    {
        s.insert("default".into(), value);
    }
    let mut text = format!("{} Allowed: {}.", key.doc, key.allowed());
    if key.computed_default() {
        text.push_str(&format!(" Default: {}.", key.default));
    }
    s.insert("description".into(), text.into());
    Value::Object(s)
}

/// One end of a float range as a JSON Schema keyword.
fn bound(s: &mut Map<String, Value>, b: Bound, incl: &str, excl: &str) {
    match b {
        Bound::Open => {}
        Bound::Incl(x) | Bound::AtLeast(x) => {
            s.insert(incl.into(), json!(x));
        }
        Bound::Excl(x) => {
            s.insert(excl.into(), json!(x));
        }
    }
}
