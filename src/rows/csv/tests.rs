//! The CSV readers against each other and against the engine's parser.

use super::CsvRows;
use super::cells::CellCache;
use crate::compile::catalog;
use crate::engine::{Answer, RuleSet, parse_text};
use crate::rows::BlockReader;
use crate::rows::collect::{Collect, Row};
use proptest::prelude::*;

/// Reads `bytes` (whose first line is `first`) into rows.
fn read(
    rs: &RuleSet,
    columns: &[Option<usize>],
    id_col: Option<usize>,
    all: bool,
    bytes: &[u8],
    first: u64,
    passes: usize,
) -> Vec<Row> {
    let mut r = CsvRows::with_columns(rs, columns, id_col, all);
    let mut sink = Collect::new(rs.questions.len());
    for _ in 0..passes {
        sink.rows.clear();
        let Ok(()) = r.read_block(&mut sink, bytes, first);
    }
    sink.rows
}

/// Reads `bytes` with the quote-free path or the csv crate's.
fn screen(rs: &RuleSet, columns: &[Option<usize>], bytes: &[u8], plain: bool) -> Vec<Row> {
    if plain {
        read(rs, columns, Some(0), false, bytes, 2, 1)
    } else {
        // The same block with a quoted empty id on a line of its own
        // forces the csv crate; that line is then dropped from the
        // comparison.
        let mut rows = read(rs, columns, Some(0), false, &forced(columns, bytes), 1, 1);
        let _forcing_line = rows.remove(0);
        rows
    }
}

/// `bytes` after a line with a quoted empty id and empty cells, which
/// makes the block go through the `csv` crate.
fn forced(columns: &[Option<usize>], bytes: &[u8]) -> Vec<u8> {
    let mut forced = b"\"\"".to_vec();
    forced.extend(std::iter::repeat_n(b',', columns.len() - 1));
    forced.push(b'\n');
    forced.extend_from_slice(bytes);
    forced
}

/// A cell any of the test's columns might hold, valid or not.
fn any_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "yes",
            "no",
            "unknown",
            "",
            "",
            "nope",
            "yess",
            "n",
            "y",
            "true",
            "No",
            " no",
            "no ",
            "75",
            "0",
            "007",
            "100",
            "101",
            "1000000000000000000",
            "-1",
            "7.5",
            "75\r",
            "posterior_si",
            "lumbar",
            "posterior_sit",
            "posterior",
            "medication;bracing",
            "bracing;medication",
            "[]",
            "medication",
            "medication;medication",
            "\u{e9}",
            "x",
        ])
        .prop_map(String::from),
        "[0-9]{1,17}",
        "[a-z_;]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Lines of mostly well-formed cells (so most reach the last column
    /// by the fast reader) with near misses, stray cells and missing
    /// ones, under every order of columns (so each kind, and the id, is
    /// sometimes the last): the fast reader reads them exactly as the
    /// `csv` crate's path does, the same rows, answers and messages.
    #[test]
    fn the_fast_row_reader_reads_like_the_csv_crate(
        rows in prop::collection::vec(
            (
                prop::collection::vec((0u8..=255, any_cell()), 5..=7),
                prop::sample::select(vec!["\n", "\r\n"]),
            ),
            0..24,
        ),
        rotate in 0usize..6,
        all_columns in any::<bool>(),
    ) {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let q = |id: &str| rs.question_idx(id);
        // Each column with the cells it usually holds.
        let mut columns = vec![
            (None, &["c1", "case 2", ""][..]),
            (q("saddle_anaesthesia"), &["yes", "no", "", "unknown", "true"][..]),
            (q("first_block_relief_percent"), &["75", "0", "100", "", "unknown"][..]),
            (q("pain_location"), &["posterior_si", "lumbar", "", "unknown"][..]),
            (q("conservative_care_components"), &["medication;bracing", "[]", "", "medication"][..]),
            (q("block_count"), &["2", "1", "0", ""][..]),
        ];
        columns.rotate_left(rotate);
        let id_col = columns.iter().position(|(c, _)| c.is_none());
        let (columns, usual): (Vec<Option<usize>>, Vec<&[&str]>) = columns.into_iter().unzip();
        let mut text = String::new();
        for (cells, end) in &rows {
            let line: Vec<&str> = cells
                .iter()
                .enumerate()
                .map(|(i, (pick, other))| match usual.get(i) {
                    // Seven in eight cells are ones their column holds.
                    Some(u) if *pick < 224 => u[usize::from(*pick) % u.len()],
                    _ => other.as_str(),
                })
                .collect();
            text.push_str(&line.join(","));
            text.push_str(end);
        }
        // Twice, so the second pass reads choices it remembers.
        let fast = read(&rs, &columns, id_col, all_columns, text.as_bytes(), 2, 2);
        let mut crate_read =
            read(&rs, &columns, id_col, all_columns, &forced(&columns, text.as_bytes()), 1, 2);
        let _forcing_line = crate_read.remove(0);
        prop_assert_eq!(fast, crate_read);
    }

    /// The fast cell reader gives exactly the engine parser's answer or
    /// message, for every question of the bundled rule set.
    #[test]
    fn fast_cells_read_like_the_parser(
        qi in 0usize..40,
        cell in prop_oneof![
            prop::sample::select(vec![
                "yes", "no", "true", "false", "", "unknown", "Yes", " yes", "0", "007", "10", "100",
                "101", "1000000000000000", "75%", "7.5", "-1", "posterior_si", "[]",
                "medication;bracing", "medication;medication", "x",
            ]).prop_map(String::from),
            "[0-9]{1,17}",
            "[a-z_;]{0,20}",
        ],
    ) {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let q = &rs.questions[qi % rs.questions.len()];
        let mut cache = CellCache::new(&rs, &[Some(qi % rs.questions.len())]);
        // Twice: the second read may come from what the first remembered.
        for _ in 0..2 {
            prop_assert_eq!(cache.parse(0, q, &cell), parse_text(q, &cell));
        }
    }

    /// Without quotes, splitting by hand reads exactly what the csv
    /// crate reads: the same rows, ids, line numbers, bad rows
    /// (including invalid UTF-8, short rows and empty lines).
    #[test]
    fn the_quote_free_path_reads_like_the_csv_crate(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "yes", "no", "unknown", "", ",", ",", ",", "\n", "\n", "\r\n", "\r", "x", "7", " ", "\u{e9}", "\u{ff}",
            "nope", "yess", "true", "75", "007", "101", "1000000000000000000", "-1", "7.5",
            "posterior_si", "lumbar", "posterior_sit", "medication;bracing", "bracing;medication", "[]",
            "medication", "medication;medication",
        ]), 0..80),
        invalid in any::<bool>(),
    ) {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let q = |id: &str| rs.question_idx(id);
        // Every kind of column the fast reader knows, and the id.
        let columns = [
            None,
            q("saddle_anaesthesia"),
            q("bladder_bowel_dysfunction"),
            q("first_block_relief_percent"),
            q("pain_location"),
            q("conservative_care_components"),
        ];
        let mut bytes: Vec<u8> = pieces.concat().into_bytes();
        if invalid && !bytes.is_empty() {
            let at = bytes.len() / 2;
            bytes.insert(at, 0xff);
        }
        let plain = screen(&rs, &columns, &bytes, true);
        let crate_read = screen(&rs, &columns, &bytes, false);
        prop_assert_eq!(plain, crate_read);
    }
}

mod line_tests {
    use super::*;

    /// The usual cells are read by the fast reader (not only by the
    /// fallback, which would pass the comparisons too), and it leaves the
    /// rest to the fallback.
    #[test]
    fn usual_lines_take_the_fast_reader() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let q = |id: &str| rs.question_idx(id);
        let columns = [
            None,
            q("saddle_anaesthesia"),
            q("first_block_relief_percent"),
            q("pain_location"),
            q("conservative_care_components"),
        ];
        let mut w = CsvRows::with_columns(&rs, &columns, Some(0), false);
        let mut answers = vec![Answer::Unanswered; rs.questions.len()];
        let line = b"c1,yes,75,posterior_si,medication;bracing";
        // Twice: the second time the choices are remembered.
        for _ in 0..2 {
            assert_eq!(w.fast_row(line, &mut answers), Some(Some("c1")));
            let at = |id: &str| answers[q(id).expect("question")];
            assert_eq!(at("saddle_anaesthesia"), Answer::Yes);
            assert_eq!(at("first_block_relief_percent"), Answer::Number(75.0));
            assert!(matches!(at("pain_location"), Answer::Choice(_)));
            assert!(matches!(
                at("conservative_care_components"),
                Answer::Multi(_)
            ));
        }
        for other in [
            &b"c1,yes,75,posterior_si"[..],
            b"c1,yes,75,posterior_si,medication,x",
            b"c1,yess,75,posterior_si,[]",
            b"c1,yes,101,posterior_si,[]",
        ] {
            assert_eq!(
                w.fast_row(other, &mut answers),
                None,
                "{:?}",
                String::from_utf8_lossy(other)
            );
        }
    }

    /// A record after blank lines is reported on its own line, quoted or not.
    #[test]
    fn records_after_blank_lines_keep_their_line_numbers() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let columns = [None, rs.question_idx("saddle_anaesthesia")];
        for block in [&b"a,no\n\n\nb,yes\n"[..], &b"\"a\",no\n\n\n\"b\",yes\n"[..]] {
            let rows = read(&rs, &columns, Some(0), false, block, 10, 1);
            let lines: Vec<(u64, Option<&str>)> =
                rows.iter().map(|(l, id, _)| (*l, id.as_deref())).collect();
            assert_eq!(lines, [(10, Some("a")), (13, Some("b"))]);
        }
    }
}
