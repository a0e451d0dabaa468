//! What keeps a criterion from going the patient's way, in words: for an
//! indication not met, each requirement that fails, with the answer given
//! ("'Non-operative care included' includes 'Bracing or an SI belt'
//! (answer: Medication, Activity modification)"); for a criterion still
//! unknown, each answer it waits for ("not known: 'FABER test'"). Only the
//! parts that forced the value are named, as `RuleSet::deciding_questions`
//! picks them, so a reader never has to work out which part was missing.

use super::describe;
use crate::engine::{CriterionKind, Evaluation, Node, NodeId, RuleSet, Tri};

/// Deeper than any rule set nests a condition; a guard, as elsewhere.
const MAX_DEPTH: usize = 256;

/// What keeps criterion `ci` from the patient's side: empty for a criterion
/// met (or a red flag or exclusion absent), or one that holds against the
/// patient for its own reasons (a red flag present, an exclusion that
/// applies: the answers that decided it already say why).
pub fn shortfall(rs: &RuleSet, ev: &Evaluation, ci: usize) -> Vec<String> {
    let want = match (rs.criteria[ci].kind, ev.holds[ci]) {
        (CriterionKind::Indication, Tri::False) => Tri::False,
        (_, Tri::Unknown) => Tri::Unknown,
        _ => return Vec::new(),
    };
    let mut found = Found {
        said: Vec::new(),
        open: Vec::new(),
        is_open: vec![false; rs.questions.len()],
        expanded: vec![false; rs.criteria.len()],
    };
    walk(rs, ev, rs.criteria[ci].root, want, &mut found, 0);
    let Found { mut said, open, .. } = found;
    // The single answers not known yet, said once, together.
    if !open.is_empty() {
        let names: Vec<String> = open
            .iter()
            .map(|&q| format!("'{}'", rs.questions[q].short))
            .collect();
        said.push(format!("not known: {}", names.join(", ")));
    }
    said.dedup();
    said
}

/// What a walk over a condition has found.
struct Found {
    /// Requirements that fail, and parts not yet decided, in words.
    said: Vec<String>,
    /// Single answers not known yet, by question, each once.
    open: Vec<usize>,
    /// Whether each question is in `open` (a lookup, not a search).
    is_open: Vec<bool>,
    /// Criteria already followed (a reference is followed once).
    expanded: Vec<bool>,
}

/// Collects the parts of node `id` that have the value `want` (false: what
/// fails; unknown: what is not known yet).
fn walk(rs: &RuleSet, ev: &Evaluation, id: NodeId, want: Tri, found: &mut Found, depth: usize) {
    if depth > MAX_DEPTH || rs.value_in(id, ev) != want {
        return;
    }
    match rs.node(id) {
        // Every part of an `all` that fails (or is unknown) is named.
        Node::All(r) => {
            for &k in rs.children_of(r) {
                walk(rs, ev, k, want, found, depth + 1);
            }
        }
        // An `any` that fails failed all its alternatives: said as one
        // requirement. Unknown: the unknown alternatives.
        Node::Any(r) => {
            if want == Tri::False {
                found.said.push(requirement(rs, ev, id));
            } else {
                for &k in rs.children_of(r) {
                    walk(rs, ev, k, want, found, depth + 1);
                }
            }
        }
        Node::AtLeast {
            n,
            of,
            skipped_not_met,
        } => {
            let items = rs.children_of(of);
            let value = |k: NodeId| {
                if skipped_not_met {
                    rs.item_in(k, ev).value()
                } else {
                    rs.value_in(k, ev)
                }
            };
            let held = items.iter().filter(|&&k| value(k) == Tri::True).count();
            let open: Vec<String> = items
                .iter()
                .filter(|&&k| value(k) == Tri::Unknown)
                .map(|&k| describe::words(rs, k))
                .collect();
            let mut said = if want == Tri::False {
                format!("needs {} ({held} met)", describe::words(rs, id))
            } else {
                format!("{held} of the {n} needed met")
            };
            if !open.is_empty() {
                said.push_str(&format!("; not known: {}", open.join("; ")));
            }
            found.said.push(said);
        }
        Node::Criterion(c) => {
            if !std::mem::replace(&mut found.expanded[c], true) {
                walk(rs, ev, rs.criteria[c].root, want, found, depth + 1);
            }
        }
        _ if want == Tri::Unknown => {
            for q in describe::leaf_nodes(rs, id)
                .into_iter()
                .filter_map(|k| rs.node(k).question())
            {
                if !ev.answers[q].is_known() && !std::mem::replace(&mut found.is_open[q], true) {
                    found.open.push(q);
                }
            }
        }
        _ => found.said.push(requirement(rs, ev, id)),
    }
}

/// A requirement that fails, with the answers it read: for a test of one
/// answer, the answer and what was needed ("Relief after block 2: 60%,
/// needs at least 75%"; "missing: Bracing or an SI belt"), otherwise the
/// condition in words and the answers it read.
fn requirement(rs: &RuleSet, ev: &Evaluation, id: NodeId) -> String {
    if let Some(said) = one_answer(rs, ev, id) {
        return said;
    }
    let mut answers: Vec<String> = describe::leaf_nodes(rs, id)
        .into_iter()
        .filter_map(|k| rs.node(k).question())
        .map(|q| {
            let question = &rs.questions[q];
            let given = if ev.asked[q] {
                ev.answers[q].describe(question)
            } else {
                "not asked".into()
            };
            format!("{}: {given}", question.short)
        })
        .collect();
    answers.dedup();
    let needs = describe::words(rs, id);
    if answers.is_empty() {
        format!("needs {needs}")
    } else {
        format!("needs {needs} (answer: {})", answers.join("; "))
    }
}

/// A failed test of one answer, said as the answer and what it needed.
fn one_answer(rs: &RuleSet, ev: &Evaluation, id: NodeId) -> Option<String> {
    let q = rs.node(id).question()?;
    let question = &rs.questions[q];
    let given = if ev.asked[q] {
        ev.answers[q].describe(question)
    } else {
        "not asked".into()
    };
    let option = |o: u16| question.kind.options()[usize::from(o)].label.clone();
    let short = &question.short;
    Some(match rs.node(id) {
        Node::Yes(_) => format!("{short}: {given}, needs yes"),
        Node::No(_) => format!("{short}: {given}, needs no"),
        Node::Known(_) => format!("{short}: needs an answer"),
        Node::Equals(_, o) => format!("{short}: {given}, needs {}", option(o)),
        Node::Includes(_, o) => format!("{short}: missing {}", option(o)),
        Node::Compare(_, op, v) => {
            format!(
                "{short}: {given}, needs {}",
                describe::threshold(rs, q, op, v)
            )
        }
        _ => return None,
    })
}
