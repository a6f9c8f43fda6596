//! Key paths (`workload.events[0].at`), one-line rendering of values and
//! messages, `--set` insertion, and "did you mean" suggestions.

use super::keys;
use toml::{Table, Value};

/// One step of a key path: a name, optionally indexing an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Seg {
    pub name: String,
    pub index: Option<usize>,
}

/// Parses `a.b[2].c`. Names are TOML bare keys: ASCII letters, digits, `_`, `-`.
pub(crate) fn parse_path(text: &str) -> Result<Vec<Seg>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the key is empty".to_string());
    }
    let mut out = Vec::new();
    for part in text.split('.') {
        let (name, index) = match part.find('[') {
            None => (part, None),
            Some(open) => {
                let inner = part[open + 1..]
                    .strip_suffix(']')
                    .ok_or_else(|| format!("'{part}' has an unclosed or misplaced '['"))?;
                if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("'{part}': an index is a number, as in events[0]"));
                }
                let i: usize = inner
                    .parse()
                    .map_err(|_| format!("'{part}': the index is too large"))?;
                (&part[..open], Some(i))
            }
        };
        if name.is_empty() {
            return Err("a part of the key is empty".to_string());
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(format!(
                "'{name}' is not a key name (letters, digits, '_' and '-')"
            ));
        }
        out.push(Seg {
            name: name.to_string(),
            index,
        });
    }
    Ok(out)
}

/// The path as written, with indices (`workload.events[0].at`).
pub(crate) fn actual(segs: &[Seg]) -> String {
    let mut s = String::new();
    for (i, seg) in segs.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(&seg.name);
        if let Some(n) = seg.index {
            s.push_str(&format!("[{n}]"));
        }
    }
    s
}

/// Replaces every `[n]` by `[]`, giving the key of the table of keys.
pub(crate) fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// Joins a section path and a key name.
pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A key name as it would be written in TOML (quoted unless bare).
pub(crate) fn render_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

/// Longest rendering of a value in a message, in characters.
const MAX_RENDER: usize = 80;

/// A value on one line, in TOML-like syntax, shortened when long.
pub(crate) fn render(v: &Value) -> String {
    let mut s = render_full(v, 0);
    if s.chars().count() > MAX_RENDER {
        s = s.chars().take(MAX_RENDER - 3).collect();
        s.push_str("...");
    }
    s
}

fn render_full(v: &Value, depth: usize) -> String {
    if depth > 8 {
        return "...".to_string();
    }
    match v {
        Value::String(s) => {
            let short: String = s.chars().take(MAX_RENDER).collect();
            format!("{short:?}")
        }
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => render_float(*f),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .take(10)
                .map(|x| render_full(x, depth + 1))
                .collect();
            let more = if a.len() > 10 { ", ..." } else { "" };
            format!("[{}{more}]", items.join(", "))
        }
        Value::Table(t) => {
            if t.is_empty() {
                return "{}".to_string();
            }
            let items: Vec<String> = t
                .iter()
                .take(10)
                .map(|(k, x)| format!("{} = {}", render_key(k), render_full(x, depth + 1)))
                .collect();
            let more = if t.len() > 10 { ", ..." } else { "" };
            format!("{{ {}{more} }}", items.join(", "))
        }
    }
}

/// A float as TOML writes it (`nan`, `inf`, `4600.0`).
pub(crate) fn render_float(f: f64) -> String {
    if f.is_nan() {
        "nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{f:?}")
    }
}

/// Makes a message one line: control characters are escaped.
pub(crate) fn one_line(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    for c in msg.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Puts `value` at `segs` in `table`, creating tables on the way. An index
/// may name an existing element or the next one (to append).
pub(crate) fn insert(table: &mut Table, segs: &[Seg], value: Value) -> Result<(), String> {
    insert_at(table, segs, value, 0)
}

fn insert_at(table: &mut Table, segs: &[Seg], value: Value, depth: usize) -> Result<(), String> {
    let seg = &segs[depth];
    let last = depth + 1 == segs.len();
    let here = actual(&segs[..=depth]);
    let Some(index) = seg.index else {
        if last {
            table.insert(seg.name.clone(), value);
            return Ok(());
        }
        let entry = table
            .entry(seg.name.clone())
            .or_insert_with(|| Value::Table(Table::new()));
        return match entry {
            Value::Table(t) => insert_at(t, segs, value, depth + 1),
            other => Err(format!(
                "'{}' holds {}, not a table, so it has no keys inside",
                actual(&segs[..=depth]),
                render(other)
            )),
        };
    };
    let entry = table
        .entry(seg.name.clone())
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(items) = entry else {
        return Err(format!(
            "'{}' holds {}, not an array, so it cannot be indexed",
            join(&actual(&segs[..depth]), &seg.name),
            render(entry)
        ));
    };
    if index > items.len() {
        return Err(format!(
            "'{here}': '{}' has {} entries, so the index must be at most {} ({} adds one)",
            seg.name,
            items.len(),
            items.len(),
            items.len()
        ));
    }
    if index == items.len() {
        items.push(Value::Table(Table::new()));
    }
    if last {
        items[index] = value;
        return Ok(());
    }
    match &mut items[index] {
        Value::Table(t) => insert_at(t, segs, value, depth + 1),
        other => Err(format!(
            "'{here}' holds {}, not a table, so it has no keys inside",
            render(other)
        )),
    }
}

/// The value at a path built by the resolver (names and indices only).
pub(crate) fn lookup<'a>(table: &'a Table, path: &str) -> Option<&'a Value> {
    let segs = parse_path(path).ok()?;
    let mut cur: Option<&Value> = None;
    for (i, seg) in segs.iter().enumerate() {
        let t = if i == 0 { table } else { cur?.as_table()? };
        let mut v = t.get(&seg.name)?;
        if let Some(n) = seg.index {
            v = v.as_array()?.get(n)?;
        }
        cur = Some(v);
    }
    cur
}

/// Edit distance between two short strings (longer inputs are cut).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The message for an unknown key `name` inside the section `section_norm`
/// (`""` at the top level, `workload.events[]` inside an event); `shown` is
/// the path as the user wrote it and `prefix` the section as written.
pub(crate) fn unknown_key(shown: &str, prefix: &str, section_norm: &str, name: &str) -> String {
    let siblings = keys::children(section_norm);
    let close = siblings
        .iter()
        .map(|s| (distance(name, s), *s))
        .min()
        .filter(|(d, s)| *d <= 2 || *d * 3 <= name.len().max(s.len()));
    let suggestion = match close {
        Some((_, s)) => Some(join(prefix, s)),
        None => elsewhere(name),
    };
    let mut msg = format!("unknown key '{shown}'");
    if let Some(s) = suggestion {
        msg.push_str(&format!("; did you mean '{s}'?"));
    }
    let listing = siblings.join(", ");
    if section_norm.is_empty() {
        msg.push_str(&format!(" (top-level keys: {listing})"));
    } else if let Some(array) = section_norm.strip_suffix("[]") {
        msg.push_str(&format!(" (keys in [[{array}]]: {listing})"));
    } else {
        msg.push_str(&format!(" (keys in [{section_norm}]: {listing})"));
    }
    msg
}

/// A key or section anywhere in the format whose last name is `name`.
fn elsewhere(name: &str) -> Option<String> {
    let mut paths: Vec<&str> = Vec::new();
    for k in keys::KEYS.iter() {
        let mut end = 0;
        for (i, c) in k.key.char_indices() {
            if c == '.' {
                paths.push(&k.key[..i]);
            }
            end = i + c.len_utf8();
        }
        paths.push(&k.key[..end]);
    }
    paths
        .into_iter()
        .find(|p| {
            let last = p.rsplit('.').next().unwrap_or(p);
            last.strip_suffix("[]").unwrap_or(last) == name
        })
        .map(|p| p.strip_suffix("[]").unwrap_or(p).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_and_normalize() {
        let segs = parse_path("workload.events[12].at").unwrap();
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[1].index, Some(12));
        assert_eq!(actual(&segs), "workload.events[12].at");
        assert_eq!(normalize("workload.events[12].at"), "workload.events[].at");
        for bad in [
            "", "a..b", ".a", "a.", "a[", "a[]", "a[x]", "a[1", "a b", "a[1]x", "é",
        ] {
            assert!(parse_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn insert_creates_and_appends() {
        let mut t = Table::new();
        let segs = parse_path("a.b.c").unwrap();
        insert(&mut t, &segs, Value::Integer(1)).unwrap();
        assert_eq!(lookup(&t, "a.b.c"), Some(&Value::Integer(1)));
        let segs = parse_path("x[0].y").unwrap();
        insert(&mut t, &segs, Value::Integer(2)).unwrap();
        assert_eq!(lookup(&t, "x[0].y"), Some(&Value::Integer(2)));
        let segs = parse_path("x[2].y").unwrap();
        assert!(insert(&mut t, &segs, Value::Integer(3)).is_err());
        let segs = parse_path("a.b.c.d").unwrap();
        assert!(insert(&mut t, &segs, Value::Integer(3)).is_err());
    }

    #[test]
    fn renders_on_one_line() {
        let v: Value = "{ a = \"x\\ny\", b = [1, 2.5, nan] }".parse().unwrap();
        let r = render(&v);
        assert!(!r.contains('\n'), "{r}");
        assert_eq!(r, "{ a = \"x\\ny\", b = [1, 2.5, nan] }");
        assert_eq!(one_line("a\nb\rc"), "a\\nb\\rc");
        let long = Value::String("x".repeat(500));
        assert!(render(&long).chars().count() <= MAX_RENDER);
    }

    #[test]
    fn suggestions() {
        let m = unknown_key(
            "workload.tweet_per_sec",
            "workload",
            "workload",
            "tweet_per_sec",
        );
        assert!(m.contains("did you mean 'workload.tweets_per_sec'?"), "{m}");
        assert!(
            m.contains("(keys in [workload]: tweets_per_sec, reads_per_sec, profile"),
            "{m}"
        );
        let m = unknown_key("workload.users", "workload", "workload", "users");
        assert!(m.contains("did you mean 'population.users'?"), "{m}");
        let m = unknown_key("zzzzzz", "", "", "zzzzzz");
        assert!(!m.contains("did you mean"), "{m}");
        assert!(m.contains("top-level keys: name, description, seed"), "{m}");
    }
}
