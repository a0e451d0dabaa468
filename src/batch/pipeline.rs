//! Screening on every core, in order: the input is cut into blocks of whole
//! records ([`crate::rows::split`]), each block is parsed, screened and written to
//! its own buffer by whichever worker is free, and the blocks' output is
//! written in input order. Bad rows are reported in input order too, by the
//! writer, so `--strict` stops at the first one exactly as a single thread
//! would.
//!
//! Memory stays flat: a block may only be read once a token is free, and
//! tokens come back when its output is written, so at most `TOKENS` blocks
//! (input and output) exist at any time, whatever the file's size and
//! however unevenly the workers run.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use super::error::{BatchError, ReadFailure};
use super::{Events, Tally};
use crate::rows::limits::MAX_RECORD_BYTES;
use crate::rows::split::line_breaks;
use crate::rows::{Input, RowError};

/// Bytes read per block: large enough to amortise the hand-over, small
/// enough that a few blocks in flight stay far under the memory goal.
pub const BLOCK_BYTES: usize = 512 * 1024;

/// One block of whole records.
struct Block {
    index: u64,
    first_line: u64,
    bytes: Vec<u8>,
}

/// What the reader sends: a block, or the failure that ends the input.
enum Job {
    Block(Block),
    Fail(u64, ReadFailure),
}

/// A bad row found in a block: its line and why.
pub type BadRow = (u64, RowError);

/// A worker's result for one block.
pub struct Output {
    /// The result rows, formatted.
    pub bytes: Vec<u8>,
    pub tally: Tally,
    /// Bad rows, in order (their rows are in `bytes` already, but under
    /// `strict`, where the block stopped at its first bad row).
    pub bad: Vec<BadRow>,
    /// Formatting the rows failed (a bug: rows are written to memory).
    pub failed: Option<io::Error>,
}

enum Done {
    Block(u64, Output),
    Fail(u64, ReadFailure),
}

impl Done {
    const fn index(&self) -> u64 {
        match self {
            Done::Block(i, _) | Done::Fail(i, _) => *i,
        }
    }
}

/// Parses, screens and formats one block. One per worker thread, so it may
/// keep buffers between blocks.
pub trait Worker: Send {
    fn block(&mut self, bytes: &[u8], first_line: u64) -> Output;
}

/// The input: what is left to read, the bytes already read (`start`, whose
/// first line is `first_line`), and how to cut it into blocks.
pub struct Feed<R> {
    pub reader: R,
    pub start: Vec<u8>,
    pub first_line: u64,
    pub cut: fn(&[u8]) -> Option<usize>,
}

/// Where the results go, and who hears of bad rows.
pub struct Sink<'a> {
    pub out: &'a mut dyn Write,
    pub tally: &'a mut Tally,
    pub events: &'a mut dyn Events,
    /// The input's name and format, for errors.
    pub name: &'a str,
    pub input: Input,
    /// Stop at the first bad row.
    pub strict: bool,
}

/// Runs the pipeline over `feed`. Writes the output in order to the sink,
/// adds the counts to its tally, and tells its events of each bad row in
/// order (under `strict`, the first stops the run).
pub fn run<R: Read + Send>(
    feed: Feed<R>,
    workers: Vec<Box<dyn Worker + '_>>,
    sink: Sink<'_>,
) -> Result<(), BatchError> {
    let Feed {
        mut reader,
        start,
        first_line,
        cut,
    } = feed;
    let threads = workers.len().max(1);
    let tokens = 2 * threads + 2;
    let (token_tx, token_rx) = sync_channel::<()>(tokens);
    for _ in 0..tokens {
        let _ = token_tx.send(());
    }
    let (job_tx, job_rx) = sync_channel::<Job>(tokens);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = sync_channel::<Done>(tokens);

    std::thread::scope(|scope| {
        scope.spawn(move || read_blocks(&mut reader, start, first_line, cut, &token_rx, &job_tx));
        for mut worker in workers {
            let jobs = Arc::clone(&job_rx);
            let done = done_tx.clone();
            scope.spawn(move || work(&mut *worker, &jobs, &done));
        }
        drop(done_tx);
        // The writer owns the token sender and the done receiver: any early
        // return drops them, which stops the reader and the workers.
        write_in_order(done_rx, token_tx, sink)
    })
}

/// Reads blocks of whole records, one per free token.
fn read_blocks(
    reader: &mut dyn Read,
    start: Vec<u8>,
    first_line: u64,
    cut: fn(&[u8]) -> Option<usize>,
    tokens: &Receiver<()>,
    jobs: &SyncSender<Job>,
) {
    let mut buf = start;
    let mut line = first_line;
    let mut index = 0u64;
    let mut eof = false;
    loop {
        if tokens.recv().is_err() {
            return; // the writer stopped
        }
        // Fill to a block's size, then more while no record ends in it.
        let mut want = BLOCK_BYTES;
        let end = loop {
            while buf.len() < want && !eof {
                match fill(reader, &mut buf) {
                    Ok(0) => eof = true,
                    Ok(_) => {}
                    Err(e) => {
                        let _ = jobs.send(Job::Fail(index, ReadFailure::Io(e)));
                        return;
                    }
                }
            }
            if eof {
                break buf.len();
            }
            if let Some(end) = cut(&buf) {
                break end;
            }
            if buf.len() > MAX_RECORD_BYTES {
                let _ = jobs.send(Job::Fail(index, ReadFailure::TooLong { line }));
                return;
            }
            want = buf.len() + BLOCK_BYTES;
        };
        if end == 0 {
            return; // the end of the input
        }
        let mut rest = Vec::with_capacity(BLOCK_BYTES + 64 * 1024);
        rest.extend_from_slice(&buf[end..]);
        buf.truncate(end);
        let bytes = std::mem::replace(&mut buf, rest);
        let lines = line_breaks(&bytes);
        let block = Block {
            index,
            first_line: line,
            bytes,
        };
        if jobs.send(Job::Block(block)).is_err() {
            return;
        }
        line += lines;
        index += 1;
        if eof && buf.is_empty() {
            return;
        }
    }
}

/// Appends up to a block's worth of input to `buf`; 0 at the end of the
/// input. Read through `read_to_end`, which reads into the vector's spare
/// capacity without zeroing it first (zeroing each block was 2% of a
/// batch's instructions) and retries interrupted reads.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>) -> io::Result<usize> {
    buf.reserve(BLOCK_BYTES);
    reader.take(BLOCK_BYTES as u64).read_to_end(buf)
}

fn work(worker: &mut dyn Worker, jobs: &Mutex<Receiver<Job>>, done: &SyncSender<Done>) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let result = match job {
            Ok(Job::Block(b)) => Done::Block(b.index, worker.block(&b.bytes, b.first_line)),
            Ok(Job::Fail(i, f)) => Done::Fail(i, f),
            Err(_) => return, // the reader is done
        };
        if done.send(result).is_err() {
            return; // the writer stopped
        }
    }
}

/// Writes each block's output in input order, returning a token per block.
fn write_in_order(
    done: Receiver<Done>,
    tokens: SyncSender<()>,
    sink: Sink<'_>,
) -> Result<(), BatchError> {
    let mut next = 0u64;
    let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
    for d in done {
        waiting.insert(d.index(), d);
        while let Some(d) = waiting.remove(&next) {
            match d {
                Done::Fail(_, f) => {
                    return Err(BatchError::read_failure(sink.name, f, sink.input));
                }
                Done::Block(_, o) => {
                    if let Some(e) = o.failed {
                        return Err(BatchError::Write(e));
                    }
                    sink.out.write_all(&o.bytes).map_err(BatchError::Write)?;
                    sink.tally.add(&o.tally);
                    for (line, error) in &o.bad {
                        if sink.strict {
                            return Err(BatchError::strict(sink.name, *line, error));
                        }
                        sink.events.bad_row(*line, error);
                    }
                }
            }
            next += 1;
            let _ = tokens.send(());
        }
    }
    Ok(())
}
