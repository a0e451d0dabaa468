//! Limits on what one row may take, so memory stays flat whatever the input:
//! a JSON Lines line or a CSV record (which may span lines inside quotes) of
//! more than [`MAX_RECORD_BYTES`] stops the run with its line number,
//! instead of growing a buffer without bound (`batch - </dev/zero`). The
//! limit is applied where the input is cut into blocks
//! (`batch::pipeline`): a block grows past one block's size only while no
//! record has ended in it, and never past this.

/// Longest line or record accepted: far above any real case (a bundled rule
/// set's full answers are under 2 KiB), far below what hurts.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
