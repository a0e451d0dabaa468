//! Writes realistic synthetic cases for `sij-screen batch`, as CSV or JSON
//! Lines, reproducibly from a seed.
//!
//! ```sh
//! cargo run --release --example gen_cases -- --rows 1000000 --seed 42 > cases.csv
//! cargo run --release --example gen_cases -- --rows 40 --rules insite-sifi-2016 --jsonl
//! ```
//!
//! Answers follow rough clinical frequencies (red flags rare, a few unknowns
//! and blanks), and questions that skip logic would not ask are left empty,
//! as a registry export would leave them.

use std::io::{self, BufWriter, Write};

use sij_screen::engine::{Answer, CriterionKind, QuestionKind, RuleSet, Tri};

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A float in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn main() {
    let mut rows = 1000u64;
    let mut seed = 42u64;
    let mut rules = sij_screen::DEFAULT_RULES.to_string();
    let mut jsonl = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => rows = args.next().and_then(|v| v.parse().ok()).unwrap_or(rows),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--rules" => rules = args.next().unwrap_or(rules),
            "--jsonl" => jsonl = true,
            other => {
                eprintln!(
                    "gen_cases: unknown argument {other}\nusage: gen_cases [--rows N] [--seed S] [--rules ID|PATH] [--jsonl]"
                );
                std::process::exit(2);
            }
        }
    }
    let rs = match sij_screen::load_rules(&rules) {
        Ok(rs) => rs,
        Err(e) => {
            eprintln!("gen_cases: {e}");
            std::process::exit(2);
        }
    };
    let red: Vec<bool> = red_flag_questions(&rs);
    let mut rng = Rng(seed.max(1));
    let out = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    if !jsonl {
        let header: Vec<&str> = std::iter::once("case_id")
            .chain(rs.questions.iter().map(|q| q.id.as_str()))
            .collect();
        let _ = writeln!(w, "{}", header.join(","));
    }
    let mut answers = vec![Answer::Unanswered; rs.questions.len()];
    for row in 0..rows {
        answers.fill(Answer::Unanswered);
        for qi in 0..rs.questions.len() {
            if rs.would_ask(qi, &answers) != Tri::True {
                continue;
            }
            answers[qi] = answer(&rs, qi, red[qi], &mut rng);
        }
        let cells: Vec<String> = rs
            .questions
            .iter()
            .zip(&answers)
            .map(|(q, a)| a.to_yaml(q).unwrap_or_default())
            .collect();
        let result = if jsonl {
            let fields: Vec<String> = std::iter::once(format!("\"case_id\":\"c{row}\""))
                .chain(
                    rs.questions
                        .iter()
                        .zip(&cells)
                        .filter(|(_, c)| !c.is_empty())
                        .map(|(q, c)| {
                            let v = match &q.kind {
                                QuestionKind::Number(_) if c != "unknown" => c.clone(),
                                QuestionKind::MultipleChoice(_) if c != "unknown" => {
                                    let items: Vec<String> = c
                                        .trim_matches(['[', ']'])
                                        .split(", ")
                                        .filter(|s| !s.is_empty())
                                        .map(|s| format!("\"{s}\""))
                                        .collect();
                                    format!("[{}]", items.join(","))
                                }
                                _ => format!("\"{c}\""),
                            };
                            format!("\"{}\":{v}", q.id)
                        }),
                )
                .collect();
            writeln!(w, "{{{}}}", fields.join(","))
        } else {
            // Lists as `a;b`; the empty list stays `[]` (an empty cell means unanswered).
            let cells: Vec<String> = cells
                .into_iter()
                .map(|c| {
                    if c == "[]" {
                        c
                    } else {
                        c.trim_matches(['[', ']']).replace(", ", ";")
                    }
                })
                .collect();
            writeln!(w, "c{row},{}", cells.join(","))
        };
        if result.is_err() {
            return; // closed pipe
        }
    }
    let _ = w.flush();
}

fn red_flag_questions(rs: &RuleSet) -> Vec<bool> {
    let mut red = vec![false; rs.questions.len()];
    for c in rs
        .criteria
        .iter()
        .filter(|c| c.kind != CriterionKind::Indication)
    {
        for q in rs.questions_read(c.root) {
            red[q] = true;
        }
    }
    red
}

fn answer(rs: &RuleSet, qi: usize, rare: bool, rng: &mut Rng) -> Answer {
    let q = &rs.questions[qi];
    let roll = rng.unit();
    if roll < 0.02 {
        return Answer::Unanswered;
    }
    if roll < 0.05 && q.allow_unknown {
        return Answer::Unknown;
    }
    match &q.kind {
        QuestionKind::YesNo => {
            let p_yes = if rare { 0.03 } else { 0.75 };
            if rng.unit() < p_yes {
                Answer::Yes
            } else {
                Answer::No
            }
        }
        QuestionKind::SingleChoice(opts) => {
            let i = if rng.unit() < 0.7 {
                0
            } else {
                rng.below(opts.len() as u64)
            };
            Answer::Choice(u16::try_from(i).unwrap_or(0))
        }
        QuestionKind::MultipleChoice(opts) => {
            let p = if rare { 0.02 } else { 0.8 };
            Answer::Multi(
                (0..opts.len())
                    .filter(|_| rng.unit() < p)
                    .fold(0u64, |b, i| b | 1 << i),
            )
        }
        QuestionKind::Number(spec) => {
            let lo = spec.min.unwrap_or(0.0);
            let hi = spec.max.unwrap_or(lo + 100.0).min(lo + 120.0);
            let v = (lo + rng.unit() * (hi - lo + 1.0)).floor().min(hi);
            Answer::Number(v)
        }
    }
}
