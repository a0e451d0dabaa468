//! Where records end, so the input can be cut into blocks of whole records
//! that are parsed on every core independently.
//!
//! JSON Lines: every `\n` ends a record (a JSON string cannot hold a raw
//! line break). CSV: a `\n` ends a record unless it is inside a quoted
//! field. The cut is exact, not a guess: a block without any `"` (the
//! common case) is cut at its last `\n`; a block with quotes is run through
//! a small state machine that quotes exactly as the `csv` crate does with
//! the reader's settings here (`"` opens a quoted field only at the start
//! of a field, `""` inside one is a quote, `\n` is the terminator), so a
//! block boundary can never fall inside a field.

use memchr::{memchr, memrchr};

/// The end (one past the `\n`) of the last whole JSON Lines record in
/// `buf`, if any.
pub fn jsonl_cut(buf: &[u8]) -> Option<usize> {
    memrchr(b'\n', buf).map(|i| i + 1)
}

/// The end (one past the `\n`) of the last whole CSV record in `buf`,
/// which starts at the start of a record.
pub fn csv_cut(buf: &[u8]) -> Option<usize> {
    if memchr(b'"', buf).is_none() {
        return memrchr(b'\n', buf).map(|i| i + 1);
    }
    scan(buf, false)
}

/// The end (one past the `\n`) of the first whole CSV record in `buf`: the
/// header row.
pub fn csv_first(buf: &[u8]) -> Option<usize> {
    scan(buf, true)
}

/// The lines of `bytes` split at `\n`, as `bytes.split(|&b| b == b'\n')`
/// gives them (an empty piece after a final `\n`, none for empty input is
/// still one empty piece), found with a vector search.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Runs the quoting state machine over `buf`, returning the end of the
/// first record (`first`) or of the last.
fn scan(buf: &[u8], first: bool) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        StartField,
        InField,
        InQuoted,
        QuoteInQuoted,
    }
    let mut state = State::StartField;
    let mut last = None;
    for (i, &b) in buf.iter().enumerate() {
        state = match (state, b) {
            (State::InQuoted, b'"') => State::QuoteInQuoted,
            (State::InQuoted, _) => State::InQuoted,
            (State::QuoteInQuoted | State::StartField, b'"') => State::InQuoted,
            (_, b',') => State::StartField,
            (_, b'\n') => {
                if first {
                    return Some(i + 1);
                }
                last = Some(i + 1);
                State::StartField
            }
            _ => State::InField,
        };
    }
    last
}

/// How many line breaks `bytes` holds (for the line numbers of the next
/// block).
pub fn line_breaks(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cut is where the `csv` crate itself ends a record.
    #[test]
    fn csv_cuts_fall_where_the_csv_crate_ends_records() {
        let text = b"a,b\n\"x\ny\",2\n\"he said \"\"hi\"\"\n\",3\n5\",6\nlast,";
        let mut ends = Vec::new();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(&text[..]);
        let mut rec = csv::ByteRecord::new();
        while r.read_byte_record(&mut rec).expect("reads") {
            ends.push(usize::try_from(r.position().byte()).expect("fits"));
        }
        // Every prefix: the cut is the last record end the crate saw in it.
        for len in 0..=text.len() {
            // A record that ends at the end of the text without a `\n` is
            // not a cut: more bytes could follow.
            let want = ends
                .iter()
                .copied()
                .filter(|&e| e <= len && text[e - 1] == b'\n')
                .max();
            assert_eq!(csv_cut(&text[..len]), want, "prefix of {len} bytes");
        }
    }

    #[test]
    fn the_header_is_the_first_record() {
        assert_eq!(csv_first(b"a,\"b\nc\"\n1,2\n3,4\n"), Some(8));
        assert_eq!(csv_first(b"a,b"), None);
    }

    #[test]
    fn a_stray_quote_inside_a_field_is_not_a_quoted_field() {
        assert_eq!(csv_cut(b"5\" tall,x\nnext"), Some(10));
        assert_eq!(csv_cut(b"\"open\nstill open"), None);
    }

    #[test]
    fn jsonl_cuts_at_the_last_line_break() {
        assert_eq!(jsonl_cut(b"{}\n{}\n{"), Some(6));
        assert_eq!(jsonl_cut(b"{"), None);
        assert_eq!(line_breaks(b"a\nb\n\"c\nd\""), 3);
    }
}
