//! Screening on every core, in order: the input is cut into blocks of whole
//! records ([`super::split`]), each block is parsed, screened and written to
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

use super::Tally;
use super::limits::MAX_RECORD_BYTES;
use super::split::line_breaks;
use crate::cli::exit::AppError;

/// Bytes read per block: large enough to amortise the hand-over, small
/// enough that a few blocks in flight stay far under the memory goal.
pub const BLOCK_BYTES: usize = 512 * 1024;

/// Why the input could not be read on: ends the run after the rows before
/// it are written (exit 2).
#[derive(Debug)]
pub enum ReadFailure {
    Io(io::Error),
    /// A record longer than [`MAX_RECORD_BYTES`], starting at this line.
    TooLong {
        line: u64,
    },
}

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

/// A bad row found in a block: its line and message.
pub type BadRow = (u64, String);

/// A worker's result for one block.
pub struct Output {
    /// The result rows, formatted.
    pub bytes: Vec<u8>,
    pub tally: Tally,
    /// Bad rows, in order (their rows are in `bytes` already, unless
    /// `stopped`).
    pub bad: Vec<BadRow>,
    /// `--strict`: the block stopped at its first bad row, which is not in
    /// `bytes`.
    pub stopped: bool,
    /// Formatting the rows failed (a bug: rows are written to memory).
    pub failed: Option<String>,
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

/// Runs the pipeline over `reader` (after `start`, bytes already read, whose
/// first line is `first_line`), cutting blocks with `cut`. Writes the
/// output in order to `out`, adds the counts to `tally`, and tells
/// `on_bad` of each bad row in order (its error stops the run).
#[allow(clippy::too_many_arguments)]
pub fn run(
    mut reader: impl Read + Send,
    start: Vec<u8>,
    first_line: u64,
    cut: fn(&[u8]) -> Option<usize>,
    workers: Vec<Box<dyn Worker + '_>>,
    out: &mut dyn Write,
    tally: &mut Tally,
    on_bad: &mut dyn FnMut(u64, &str) -> Result<(), AppError>,
    fail: &dyn Fn(ReadFailure) -> AppError,
) -> Result<(), AppError> {
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
        write_in_order(done_rx, token_tx, out, tally, on_bad, fail)
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
    out: &mut dyn Write,
    tally: &mut Tally,
    on_bad: &mut dyn FnMut(u64, &str) -> Result<(), AppError>,
    fail: &dyn Fn(ReadFailure) -> AppError,
) -> Result<(), AppError> {
    let mut next = 0u64;
    let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
    for d in done {
        waiting.insert(d.index(), d);
        while let Some(d) = waiting.remove(&next) {
            match d {
                Done::Fail(_, f) => return Err(fail(f)),
                Done::Block(_, o) => {
                    if let Some(e) = o.failed {
                        return Err(super::rows::write_err(io::Error::other(e)));
                    }
                    out.write_all(&o.bytes).map_err(super::rows::write_err)?;
                    tally.add(&o.tally);
                    for (line, msg) in &o.bad {
                        on_bad(*line, msg)?;
                    }
                    if o.stopped {
                        // on_bad stops a --strict run; this is a guard.
                        return Err(AppError::Usage("stopped at a bad row".into()));
                    }
                }
            }
            next += 1;
            let _ = tokens.send(());
        }
    }
    Ok(())
}
