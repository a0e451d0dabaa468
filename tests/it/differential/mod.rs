//! One differential harness for every seam, in the style of ripgrep's
//! `SearcherTester`: a [`Harness`] takes a rule set (generated, so every
//! construct of the condition language turns up, and deeper than the
//! compiled evaluator's limits) and cases (with unknown, unanswered and
//! skipped answers), renders each case into every input format, runs every
//! evaluator, and names each path that disagrees with the reference.
//!
//! The paths: the reference evaluator of `generate.rs`; the engine's
//! `evaluate` (compiled programs), its recursion (`value_in`) and its batch
//! evaluator (`evaluate_criteria_into`); and the real binary reading a YAML
//! answers file, a JSON answers file, `--set`, the QuestionnaireResponse it
//! exports itself, CSV (its quote-free fast path and the csv crate's),
//! JSON Lines (the flat scanner and the serde visitor), FHIR NDJSON, and
//! the walk resumed from the case; and the exported Questionnaire, evaluated
//! by fhirpath.js under Node, with the questions an independent R4
//! `enableWhen` evaluator enables checked against the engine's skip logic.
//!
//! CI runs a fixed budget of cases; `SIJ_DIFFERENTIAL=RULE_SETS:CASES`
//! runs more (see docs/development.md).

mod paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sij_screen::engine::{Answer, RuleSet, Tri};

use super::generate::{Spec, answer_for, compile, deep_spec, reference_screening, spec, yaml};

/// What one path says of one case: the outcome code and each criterion's
/// value (`None` for unknown), and, where the path knows it, which
/// questions are asked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Screened {
    pub outcome: String,
    pub holds: Vec<Option<bool>>,
    pub asked: Option<Vec<bool>>,
    /// Where the path reports them: the questions whose recorded answers
    /// skip logic set aside (none may vanish without a word).
    pub not_asked: Option<Vec<String>>,
}

impl Screened {
    fn from_tri(outcome: &str, holds: &[Tri], asked: Option<Vec<bool>>) -> Self {
        Screened {
            outcome: outcome.to_string(),
            holds: holds
                .iter()
                .map(|t| match t {
                    Tri::True => Some(true),
                    Tri::False => Some(false),
                    Tri::Unknown => None,
                })
                .collect(),
            asked,
            not_asked: None,
        }
    }
}

/// A rule set and its cases, written to a scratch folder.
pub(crate) struct Harness {
    pub spec: Spec,
    pub rs: RuleSet,
    pub dir: tempfile::TempDir,
    pub rules: PathBuf,
    pub cases: Vec<Vec<Answer>>,
    /// What several paths share, made once: the binary's own
    /// QuestionnaireResponse of each case, and Node's results.
    pub(crate) responses: OnceLock<Result<Vec<serde_json::Value>, String>>,
    pub(crate) node: OnceLock<Result<Vec<serde_json::Value>, String>>,
}

/// Each path's results, by path name: one per case, or an error.
type Results = BTreeMap<&'static str, Result<Vec<Screened>, String>>;

impl Harness {
    pub(crate) fn new(spec: Spec, cases: Vec<Vec<Answer>>) -> Self {
        let rs = compile(&spec);
        let dir = tempfile::tempdir().expect("tempdir");
        let rules = dir.path().join("rules.yaml");
        std::fs::write(&rules, yaml(&spec)).expect("write rules");
        Harness {
            spec,
            rs,
            dir,
            rules,
            cases,
            responses: OnceLock::new(),
            node: OnceLock::new(),
        }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn rules(&self) -> &str {
        self.rules.to_str().expect("utf-8 path")
    }

    /// Runs every path. With `broken`, that path's results are corrupted
    /// first, to show that the comparison catches it.
    pub(crate) fn run(&self, walks: usize, broken: Option<&str>) -> Results {
        let mut results = Results::new();
        for (name, f) in paths::ALL {
            let started = std::time::Instant::now();
            let mut r = f(self);
            eprintln!("{name}: {:?}", started.elapsed());
            if broken == Some(name)
                && let Ok(list) = &mut r
            {
                paths::corrupt(list);
            }
            results.insert(name, r);
        }
        let started = std::time::Instant::now();
        let mut walked = paths::walk(self, walks);
        eprintln!("walk: {:?}", started.elapsed());
        if broken == Some("walk")
            && let Ok(list) = &mut walked
        {
            paths::corrupt(list);
        }
        results.insert("walk", walked);
        results
    }

    /// Every disagreement with the reference, one line each, naming the
    /// path, the case and what differs.
    pub(crate) fn disagreements(&self, results: &Results) -> Vec<String> {
        let expected: Vec<Screened> = self
            .cases
            .iter()
            .map(|c| {
                let (holds, outcome) = reference_screening(&self.spec, c);
                let ev = self.rs.evaluate(c);
                let mut s = Screened::from_tri(outcome, &holds, Some(ev.asked));
                s.not_asked = Some(
                    ev.dropped
                        .iter()
                        .map(|(q, _)| self.rs.questions[*q].id.clone())
                        .collect(),
                );
                s
            })
            .collect();
        let mut out = Vec::new();
        for (path, r) in results {
            let list = match r {
                Ok(list) => list,
                Err(e) => {
                    out.push(format!("{path}: failed: {e}"));
                    continue;
                }
            };
            for (i, got) in list.iter().enumerate() {
                // The walk screens a subset of the cases, each as given.
                let (case, want) = if *path == "walk" {
                    (i, expected_walk(self, i))
                } else {
                    (i, expected[i].clone())
                };
                if got.outcome != want.outcome || got.holds != want.holds {
                    out.push(format!(
                        "{path}: case {case} {:?}: {} {:?}, reference {} {:?}",
                        self.cases.get(case),
                        got.outcome,
                        got.holds,
                        want.outcome,
                        want.holds
                    ));
                }
                if let (Some(a), Some(b)) = (&got.asked, &want.asked)
                    && a != b
                {
                    out.push(format!("{path}: case {case}: asks {a:?}, engine {b:?}"));
                }
                if let (Some(a), Some(b)) = (&got.not_asked, &want.not_asked)
                    && a != b
                {
                    out.push(format!(
                        "{path}: case {case}: reports {a:?} recorded but not asked, engine {b:?}"
                    ));
                }
            }
            if *path != "walk" && list.len() != expected.len() {
                out.push(format!(
                    "{path}: {} results for {} cases",
                    list.len(),
                    expected.len()
                ));
            }
        }
        out
    }
}

/// What the walk must give for case `i`: the reference on the answers the
/// walk can hold (those of asked questions, every asked one answered).
fn expected_walk(h: &Harness, i: usize) -> Screened {
    let case = paths::walkable(&h.rs, &h.cases[i]);
    let (holds, outcome) = reference_screening(&h.spec, &case);
    Screened::from_tri(outcome, &holds, None)
}

/// `n` values of a strategy, the same on every run (a fixed seed per
/// `salt`), so a failure in CI is a failure here.
fn sample<S: Strategy>(s: &S, salt: u64, n: usize) -> Vec<S::Value> {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&salt.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    );
    (0..n)
        .map(|_| s.new_tree(&mut runner).expect("value").current())
        .collect()
}

/// Cases for a spec: generated answers (unknowns, unanswered and skipped
/// questions among them).
fn cases_for(spec: &Spec, salt: u64, n: usize) -> Vec<Vec<Answer>> {
    let answers: Vec<_> = spec.questions.iter().map(|(q, _)| answer_for(q)).collect();
    sample(&answers, salt, n)
}

/// The budget: `SIJ_DIFFERENTIAL=RULE_SETS:CASES`, else CI's.
fn budget() -> (usize, usize) {
    std::env::var("SIJ_DIFFERENTIAL")
        .ok()
        .and_then(|v| {
            let (a, b) = v.split_once(':')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .unwrap_or((24, 10))
}

fn assert_agree(h: &Harness, walks: usize) {
    let results = h.run(walks, None);
    let bad = h.disagreements(&results);
    assert!(
        bad.is_empty(),
        "{} disagreement(s) on the rule set\n{}\n{}",
        bad.len(),
        yaml(&h.spec),
        bad.join("\n")
    );
}

/// Generated rule sets and cases: every path agrees on every case.
#[test]
fn generated_rule_sets_agree_on_every_path() {
    let (rule_sets, cases) = budget();
    for (i, s) in sample(&spec(), 1, rule_sets).into_iter().enumerate() {
        let salt = 1000 + i as u64;
        let h = Harness::new(s.clone(), cases_for(&s, salt, cases));
        // The walk is slow (a terminal per case): the first few rule sets.
        assert_agree(&h, if i < 4 { 2 } else { 0 });
    }
}

/// The in-process evaluators (programs, recursion, the batch evaluator)
/// are cheap: many more cases of many more rule sets, where the rarer
/// shapes (an undecided skip rule under `skipped: not_met`, a negated
/// unknown deep in a criterion) turn up.
#[test]
fn in_process_evaluators_agree_on_many_cases() {
    let (rule_sets, cases) = budget();
    for (i, s) in sample(&spec(), 2, rule_sets * 8).into_iter().enumerate() {
        let h = Harness::new(s.clone(), cases_for(&s, 5000 + i as u64, cases * 30));
        let mut results = Results::new();
        for (name, f) in paths::IN_PROCESS {
            results.insert(name, f(&h));
        }
        let bad = h.disagreements(&results);
        assert!(bad.is_empty(), "{}\n{}", yaml(&h.spec), bad.join("\n"));
    }
}

/// Rule sets past the compiled evaluator's limits: its fallback to
/// recursion agrees too.
#[test]
fn deep_and_wide_rule_sets_agree_on_every_path() {
    // The wide one is slow to read in a debug build: fewer cases.
    for (depth, width, cases) in [(20, 12, 12), (4, 4200, 5)] {
        let s = deep_spec(depth, width);
        let h = Harness::new(s.clone(), cases_for(&s, depth as u64, cases));
        assert_agree(&h, 1);
    }
}

/// Skip rules simple enough to be exported as R4 `enableWhen` (not an
/// `enableWhenExpression`), one of each kind, so the independent R4
/// evaluator checks each translation.
#[test]
fn skip_rules_exported_as_r4_enable_when_agree() {
    use super::generate::{Cond, QSpec};
    let not = |c: Cond| Cond::Not(Box::new(c));
    let rules = [
        Cond::Yes(0),
        Cond::No(0),
        Cond::Equals(1, 2),
        Cond::Includes(2, 1),
        Cond::Compare(3, ">=", 5),
        Cond::Compare(3, "<", 5),
        Cond::Compare(3, "==", 4),
        Cond::Known(3),
        not(Cond::Yes(0)),
        not(Cond::No(0)),
        not(Cond::Equals(1, 0)),
        not(Cond::Known(0)),
        not(Cond::Compare(3, ">", 6)),
        Cond::All(vec![
            Cond::Yes(0),
            Cond::Equals(1, 1),
            Cond::Compare(3, "<=", 7),
        ]),
        Cond::Any(vec![
            Cond::No(0),
            Cond::Includes(2, 0),
            Cond::Compare(3, ">", 2),
        ]),
    ];
    let mut questions = vec![
        (QSpec::YesNo, None),
        (QSpec::Single(3), None),
        (QSpec::Multi(3), None),
        (QSpec::Number(0, 10), None),
    ];
    let gated = questions.len();
    questions.extend(rules.iter().map(|r| (QSpec::YesNo, Some(r.clone()))));
    let criteria = (gated..questions.len())
        .map(|q| (2, Cond::Any(vec![Cond::Yes(q), Cond::Known(q)])))
        .collect();
    let s = Spec {
        questions,
        criteria,
    };
    let h = Harness::new(s.clone(), cases_for(&s, 99, 40));
    assert_agree(&h, 0);
}

/// The harness catches each path broken on purpose: corrupting any one
/// path's results is reported, naming that path.
#[test]
fn the_harness_catches_each_path_broken_on_purpose() {
    let s = sample(&spec(), 7, 1).remove(0);
    let h = Harness::new(s.clone(), cases_for(&s, 7, 6));
    let names: Vec<&str> = paths::ALL.iter().map(|(n, _)| *n).chain(["walk"]).collect();
    for name in names {
        let results = h.run(1, Some(name));
        let bad = h.disagreements(&results);
        assert!(
            !bad.is_empty() && bad.iter().all(|b| b.starts_with(&format!("{name}:"))),
            "breaking {name} gave: {bad:?}"
        );
    }
}

/// The bundled profiles' own folder, for the paths that need tools.
pub(crate) fn tools_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tools/fhir-check"))
}
