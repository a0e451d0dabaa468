//! Comparing rule sets: one case under several, or two rule sets' criteria
//! paired by the questions they read, with the tests that differ. The
//! published criteria disagree (50% or 75% relief, one or two blocks,
//! nicotine), and this is where that becomes visible.

use std::collections::{HashMap, HashSet};

use super::describe;
use crate::engine::RuleSet;

/// Two criteria paired across rule sets (or one left alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Index into the first rule set's criteria.
    pub left: Option<usize>,
    /// Index into the second rule set's criteria.
    pub right: Option<usize>,
    /// Tests (leaves) only the left criterion has, in words.
    pub only_left: Vec<String>,
    /// Tests only the right criterion has.
    pub only_right: Vec<String>,
    /// Same tests, but combined differently (`all` vs `at_least`, ...).
    pub combined_differently: bool,
}

impl Pair {
    pub fn differs(&self) -> bool {
        self.left.is_none()
            || self.right.is_none()
            || self.combined_differently
            || !self.only_left.is_empty()
            || !self.only_right.is_empty()
    }
}

/// Pairs the criteria of `a` and `b` greedily by overlap of the questions
/// they read (Jaccard), best first; criteria left over stand alone. Each
/// criterion's question set is computed once, so the cost is the number of
/// pairs times the size of a set, not more.
pub fn pair_criteria(a: &RuleSet, b: &RuleSet) -> Vec<Pair> {
    let read = |rs: &RuleSet| -> Vec<HashSet<String>> {
        rs.criteria
            .iter()
            .map(|c| {
                rs.questions_read(c.root)
                    .into_iter()
                    .map(|q| rs.questions[q].id.clone())
                    .collect()
            })
            .collect()
    };
    let (ra, rb) = (read(a), read(b));
    // Only pairs that share a question are scored: an index from question to
    // the criteria of `b` that read it finds them without trying every pair.
    let mut readers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (bi, qb) in rb.iter().enumerate() {
        for q in qb {
            readers.entry(q.as_str()).or_default().push(bi);
        }
    }
    let mut scores = Vec::new();
    for (ai, qa) in ra.iter().enumerate() {
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for q in qa {
            for &bi in readers.get(q.as_str()).map_or(&[][..], Vec::as_slice) {
                *shared.entry(bi).or_default() += 1;
            }
        }
        for (bi, n) in shared {
            let union = qa.len() + rb[bi].len() - n;
            scores.push((n as f64 / union as f64, ai, bi));
        }
    }
    scores.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut pair_of_a = vec![None; a.criteria.len()];
    let mut taken_b = vec![false; b.criteria.len()];
    for (_, ai, bi) in scores {
        if pair_of_a[ai].is_none() && !taken_b[bi] {
            pair_of_a[ai] = Some(bi);
            taken_b[bi] = true;
        }
    }
    let mut pairs: Vec<Pair> = pair_of_a
        .iter()
        .enumerate()
        .map(|(ai, pair)| match pair {
            Some(bi) => compare_pair(a, ai, b, *bi),
            None => Pair {
                left: Some(ai),
                right: None,
                only_left: Vec::new(),
                only_right: Vec::new(),
                combined_differently: false,
            },
        })
        .collect();
    pairs.extend(
        taken_b
            .iter()
            .enumerate()
            .filter(|(_, taken)| !**taken)
            .map(|(bi, _)| Pair {
                left: None,
                right: Some(bi),
                only_left: Vec::new(),
                only_right: Vec::new(),
                combined_differently: false,
            }),
    );
    pairs
}

fn compare_pair(a: &RuleSet, ai: usize, b: &RuleSet, bi: usize) -> Pair {
    let (ra, rb) = (a.criteria[ai].root, b.criteria[bi].root);
    let la = describe::leaves(a, ra);
    let lb = describe::leaves(b, rb);
    let (sa, sb): (HashSet<&String>, HashSet<&String>) = (la.iter().collect(), lb.iter().collect());
    let only_left: Vec<String> = la.iter().filter(|x| !sb.contains(x)).cloned().collect();
    let only_right: Vec<String> = lb.iter().filter(|x| !sa.contains(x)).cloned().collect();
    let combined_differently = only_left.is_empty()
        && only_right.is_empty()
        && describe::condition(a, ra) != describe::condition(b, rb);
    Pair {
        left: Some(ai),
        right: Some(bi),
        only_left,
        only_right,
        combined_differently,
    }
}
