//! The text edge-list parser: one chunk of whole lines at a time, so a file
//! is parsed in parallel pieces split at newlines.
//!
//! Accepted lines (the format of SNAP's edge lists): two
//! non-negative integer ids separated by spaces, tabs and/or one comma,
//! optional leading and trailing blanks, an optional `\r` before the
//! newline. Blank lines and lines whose first non-blank byte is `#` are
//! comments. The first non-comment line of a file may be a header whose
//! first byte is a letter (CSV's `follower,followee`). Anything else is a
//! malformed line, reported with its line number within the chunk.

/// What one chunk held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ChunkCounts {
    /// Lines in the chunk (a last line without a newline counts).
    pub lines: u64,
    /// Id pairs read (self-loops and duplicates included).
    pub pairs: u64,
    /// Pairs whose two ids are equal.
    pub self_loops: u64,
}

/// A malformed line of a chunk: its 1-based line number within the chunk and
/// its bytes (without the newline).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct BadLine {
    /// 1-based line number within the chunk.
    pub line: u64,
    /// The line's bytes, at most [`SHOWN_BYTES`] of them.
    pub content: Vec<u8>,
}

/// How many bytes of a malformed line an error shows.
pub(super) const SHOWN_BYTES: usize = 80;

#[inline]
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Parses an unsigned decimal at `line[*i..]`, advancing `*i`; None when
/// there is no digit or the value overflows u64.
#[inline]
fn number(line: &[u8], i: &mut usize) -> Option<u64> {
    let start = *i;
    let mut v: u64 = 0;
    while let Some(&b) = line.get(*i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
        *i += 1;
    }
    (*i > start).then_some(v)
}

/// What a line is.
enum Line {
    Skip,
    Pair(u64, u64),
    Bad,
}

/// Classifies one line (without its newline).
#[inline]
fn parse_line(line: &[u8]) -> Line {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut i = 0;
    while i < line.len() && is_blank(line[i]) {
        i += 1;
    }
    if i == line.len() || line[i] == b'#' {
        return Line::Skip;
    }
    let Some(a) = number(line, &mut i) else {
        return Line::Bad;
    };
    let sep_start = i;
    while i < line.len() && is_blank(line[i]) {
        i += 1;
    }
    if i < line.len() && line[i] == b',' {
        i += 1;
        while i < line.len() && is_blank(line[i]) {
            i += 1;
        }
    }
    if i == sep_start {
        return Line::Bad;
    }
    let Some(b) = number(line, &mut i) else {
        return Line::Bad;
    };
    while i < line.len() && is_blank(line[i]) {
        i += 1;
    }
    if i != line.len() {
        return Line::Bad;
    }
    Line::Pair(a, b)
}

/// Fast path for the common line "digits SEP digits\n" (SEP one space,
/// tab or comma; at most 19 digits each, so no overflow): the pair and the
/// position after the newline. None sends the line to [`parse_line`].
#[inline(always)]
fn fast_pair(chunk: &[u8], mut i: usize) -> Option<(u64, u64, usize)> {
    let digits = |i: &mut usize| {
        let start = *i;
        let mut v = 0u64;
        while let Some(&b) = chunk.get(*i) {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v * 10 + u64::from(d);
            *i += 1;
            if *i - start > 19 {
                return None;
            }
        }
        (*i > start).then_some(v)
    };
    let a = digits(&mut i)?;
    match chunk.get(i) {
        Some(b' ' | b'\t' | b',') => i += 1,
        _ => return None,
    }
    let b = digits(&mut i)?;
    (chunk.get(i) == Some(&b'\n')).then_some((a, b, i + 1))
}

/// Parses the whole lines of `chunk`, calling `pair(a, b)` for every id
/// pair in order (self-loops included: the caller decides). `header_ok`:
/// the chunk starts the file, so its first non-comment line may be a
/// header. Errs with the first malformed line.
pub(super) fn parse_chunk(
    chunk: &[u8],
    header_ok: bool,
    mut pair: impl FnMut(u64, u64),
) -> Result<ChunkCounts, BadLine> {
    let mut counts = ChunkCounts::default();
    let mut header_ok = header_ok;
    let mut i = 0usize;
    while i < chunk.len() {
        counts.lines += 1;
        if let Some((a, b, next)) = fast_pair(chunk, i) {
            header_ok = false;
            counts.pairs += 1;
            counts.self_loops += u64::from(a == b);
            pair(a, b);
            i = next;
            continue;
        }
        let rest = &chunk[i..];
        let (line, len) = match rest.iter().position(|&b| b == b'\n') {
            Some(p) => (&rest[..p], p + 1),
            None => (rest, rest.len()),
        };
        i += len;
        match parse_line(line) {
            Line::Skip => {}
            Line::Pair(a, b) => {
                header_ok = false;
                counts.pairs += 1;
                counts.self_loops += u64::from(a == b);
                pair(a, b);
            }
            Line::Bad => {
                let first = line.iter().copied().find(|&b| !is_blank(b));
                if header_ok && first.is_some_and(|b| b.is_ascii_alphabetic()) {
                    header_ok = false;
                    continue;
                }
                return Err(BadLine {
                    line: counts.lines,
                    content: line[..line.len().min(SHOWN_BYTES)].to_vec(),
                });
            }
        }
    }
    Ok(counts)
}

/// Splits `block` (whole lines) into pieces of about `target` bytes, each
/// ending just after a newline (the last one at the block's end).
pub(super) fn split_lines(block: &[u8], target: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(block.len() / target.max(1) + 1);
    let mut rest = block;
    while !rest.is_empty() {
        let cut = if rest.len() <= target {
            rest.len()
        } else {
            match rest[target..].iter().position(|&b| b == b'\n') {
                Some(p) => target + p + 1,
                None => rest.len(),
            }
        };
        let (head, tail) = rest.split_at(cut);
        pieces.push(head);
        rest = tail;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str, header_ok: bool) -> Result<(Vec<(u64, u64)>, ChunkCounts), BadLine> {
        let mut v = Vec::new();
        let c = parse_chunk(text.as_bytes(), header_ok, |a, b| v.push((a, b)))?;
        Ok((v, c))
    }

    #[test]
    fn accepts_snap_and_csv_lines() {
        let text = "# comment\n\n1 2\n3\t4\r\n  5 ,6  \n7,8\n9 9\n\
                    12345678901234567890 1\n18446744073709551615 0";
        let (v, c) = pairs(text, false).unwrap();
        assert_eq!(
            v,
            vec![
                (1, 2),
                (3, 4),
                (5, 6),
                (7, 8),
                (9, 9),
                (12345678901234567890, 1),
                (u64::MAX, 0)
            ]
        );
        assert_eq!(
            c,
            ChunkCounts {
                lines: 9,
                pairs: 7,
                self_loops: 1
            }
        );
        // A header only where allowed, only before the first pair.
        let (v, _) = pairs("# c\nfollower,followee\n1,2\n", true).unwrap();
        assert_eq!(v, vec![(1, 2)]);
        assert_eq!(pairs("1,2\nfollower,followee\n", true).unwrap_err().line, 2);
        assert_eq!(pairs("follower,followee\n", false).unwrap_err().line, 1);
    }

    #[test]
    fn refuses_malformed_lines() {
        for bad in [
            "1",
            "1 2 3",
            "12",
            "-1 2",
            "1 x",
            "1,,2",
            "a b",
            "1 2#",
            "99999999999999999999 1",
        ] {
            let text = format!("0 1\n{bad}\n2 3\n");
            let e = pairs(&text, false).unwrap_err();
            assert_eq!(e.line, 2, "{bad:?}");
            assert_eq!(e.content, bad.as_bytes());
        }
        let long = "7".repeat(500);
        let e = pairs(&long, false).unwrap_err();
        assert_eq!(e.content.len(), SHOWN_BYTES);
    }

    #[test]
    fn split_at_newlines_only() {
        let text = b"1 2\n3 4\n55 66\n7 8";
        for target in [1, 3, 5, 8, 100] {
            let pieces = split_lines(text, target);
            assert_eq!(pieces.concat(), text.to_vec());
            for p in &pieces[..pieces.len() - 1] {
                assert_eq!(p.last(), Some(&b'\n'));
            }
        }
        assert!(split_lines(b"", 4).is_empty());
    }

    proptest::proptest! {
        /// The fast path agrees with the line-by-line classification.
        #[test]
        fn fast_path_matches_the_slow_path(text in "[0-9 ,\t#\rx\n]{0,200}") {
            let mut got = Vec::new();
            let fast = parse_chunk(text.as_bytes(), false, |a, b| got.push((a, b)));
            let mut want = Vec::new();
            let mut slow = Ok(());
            for (k, line) in text.as_bytes().split(|&b| b == b'\n').enumerate() {
                if k > 0 && line.is_empty() && k == text.matches('\n').count() {
                    break;
                }
                match parse_line(line) {
                    Line::Skip => {}
                    Line::Pair(a, b) => want.push((a, b)),
                    Line::Bad => {
                        slow = Err(k as u64 + 1);
                        break;
                    }
                }
            }
            match (fast, slow) {
                (Ok(_), Ok(())) => proptest::prop_assert_eq!(got, want),
                (Err(e), Err(line)) => proptest::prop_assert_eq!(e.line, line),
                (f, s) => proptest::prop_assert!(false, "{:?} vs {:?}", f, s),
            }
        }
    }
}
