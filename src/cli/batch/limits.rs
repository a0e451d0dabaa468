//! Limits on what one row may take, so memory stays flat whatever the input:
//! a JSON Lines line or a CSV record (which may span lines inside quotes) of
//! more than [`MAX_RECORD_BYTES`] stops the run with the line number, instead
//! of growing a buffer without bound (`batch - </dev/zero`).

use std::io::{self, BufRead, Read};

/// Longest line or record accepted: far above any real case (a bundled rule
/// set's full answers are under 2 KiB), far below what hurts.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Why a line could not be read.
#[derive(Debug)]
pub enum LineError {
    TooLong,
    Io(io::Error),
}

/// Reads one line (without its `\n` or `\r\n`) into `buf`, at most
/// [`MAX_RECORD_BYTES`]. Returns the bytes consumed, 0 at the end.
pub fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<usize, LineError> {
    buf.clear();
    let mut consumed = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LineError::Io(e)),
        };
        if available.is_empty() {
            break;
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if buf.len() + take > MAX_RECORD_BYTES + 2 {
            return Err(LineError::TooLong);
        }
        buf.extend_from_slice(&available[..take]);
        reader.consume(take);
        consumed += take;
        if done {
            break;
        }
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    if buf.len() > MAX_RECORD_BYTES {
        return Err(LineError::TooLong);
    }
    Ok(consumed)
}

/// A reader for CSV that fails with [`TooLong`] once a record (bytes since
/// the last line break outside quotes) passes [`MAX_RECORD_BYTES`].
pub struct RecordLimit<R> {
    inner: R,
    in_quotes: bool,
    since_break: usize,
    /// Line breaks passed so far (for the error's line number).
    lines: u64,
}

/// The error a [`RecordLimit`] reader fails with.
#[derive(Debug)]
pub struct TooLong {
    pub line: u64,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: a record longer than the limit of {} MiB",
            self.line,
            MAX_RECORD_BYTES >> 20
        )
    }
}

impl std::error::Error for TooLong {}

impl<R> RecordLimit<R> {
    pub fn new(inner: R) -> Self {
        RecordLimit {
            inner,
            in_quotes: false,
            since_break: 0,
            lines: 0,
        }
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        if !self.in_quotes && !chunk.contains(&b'"') {
            // Fast path: no quotes, so every line break ends a record.
            let breaks = chunk.iter().filter(|&&b| b == b'\n').count();
            self.lines += breaks as u64;
            self.since_break = match chunk.iter().rposition(|&b| b == b'\n') {
                Some(i) => n - i - 1,
                None => self.since_break + n,
            };
        } else {
            for &b in chunk {
                match b {
                    b'"' => self.in_quotes = !self.in_quotes,
                    b'\n' => {
                        self.lines += 1;
                        if !self.in_quotes {
                            self.since_break = 0;
                            continue;
                        }
                    }
                    _ => {}
                }
                self.since_break += 1;
            }
        }
        if self.since_break > MAX_RECORD_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                TooLong {
                    line: self.lines + 1,
                },
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_without_their_break_and_capped() {
        let mut r = io::Cursor::new(b"a\r\nbb\nccc".to_vec());
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        while read_line(&mut r, &mut buf).expect("reads") > 0 {
            lines.push(String::from_utf8(buf.clone()).expect("utf8"));
        }
        assert_eq!(lines, ["a", "bb", "ccc"]);
        let mut long = io::Cursor::new(vec![b'x'; MAX_RECORD_BYTES + 10]);
        assert!(matches!(
            read_line(&mut long, &mut buf),
            Err(LineError::TooLong)
        ));
    }

    #[test]
    fn a_long_record_fails_even_inside_quotes() {
        let mut input = b"a,b\n1,\"".to_vec();
        input.extend(std::iter::repeat_n(b'\n', MAX_RECORD_BYTES + 1));
        let mut r = RecordLimit::new(io::Cursor::new(input));
        let mut sink = Vec::new();
        let e = r.read_to_end(&mut sink).expect_err("too long");
        assert!(e.to_string().contains("longer than the limit"), "{e}");
    }

    #[test]
    fn zeros_without_line_breaks_stop_at_the_limit() {
        let mut r = RecordLimit::new(io::repeat(0).take(10 * MAX_RECORD_BYTES as u64));
        let mut sink = Vec::new();
        assert!(r.read_to_end(&mut sink).is_err());
        assert!(sink.len() <= MAX_RECORD_BYTES + 64 * 1024);
    }
}
