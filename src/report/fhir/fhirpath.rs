//! A rule set as FHIRPath, so that an SDC form renderer computes the same
//! screening as the engine while the answers are entered.
//!
//! FHIRPath already has the engine's three-valued logic: an empty collection
//! is "unknown", and `and`, `or` and `not()` follow Kleene's tables on it. So
//! each question becomes a variable holding its answer (empty when it is
//! unanswered, answered "unknown", or not asked), each skip rule and each
//! criterion a variable over those, in the engine's order, and the outcome
//! one expression by the engine's precedence. The few places where FHIRPath
//! differs from the engine are written out longhand:
//!
//! - `contains` on an empty list is false, not empty, so a multiple choice
//!   that is not answered is tested with `exists()` first;
//! - `at_least` counts trues and unknowns with `iif`, exactly as
//!   [`Tri::at_least`](crate::engine::Tri::at_least) does, and an item whose
//!   question skip logic decided not to ask counts as false under
//!   `skipped: not_met`;
//! - a number answered "not assessed" has no value, so it is read as empty.
//!
//! The names are SDC `variable` names (letters, digits, `_`), made unique by
//! the question's or criterion's index.

use crate::engine::{CmpOp, CriterionKind, Node, NodeId, QuestionKind, RuleSet, Urgency};

pub use crate::files::fhir_response::{NOT_ASSESSED_SUFFIX, RESULT_PREFIX};

/// The variable names of one rule set.
pub struct Names {
    question: Vec<String>,
    ask: Vec<Option<String>>,
    /// The answer as recorded, whether or not the question is asked, for
    /// the questions with skip logic that an `at_least` with `skipped:
    /// not_met` counts (see `engine::Item::Pending`).
    recorded: Vec<Option<String>>,
    criterion: Vec<String>,
}

/// A variable's name: the prefix and index (which make it unique) and the
/// id in camel case, `q3SaddleAnaesthesia`. Letters and digits only, at most
/// 64: an R4 `id` (an Expression's `name` is one: no `_`) and a FHIRPath
/// identifier (no `-` or `.`) at once.
fn variable_name(prefix: &str, index: usize, id: &str) -> String {
    let mut name = format!("{prefix}{index}");
    // An id that starts with a digit would run into the index (`q1` +
    // `0x` against `q10` + `x`): a letter keeps them apart.
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        name.push('N');
    }
    for word in id.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    name.truncate(64);
    name
}

impl Names {
    pub fn new(rs: &RuleSet) -> Self {
        Names {
            question: rs
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| variable_name("q", i, &q.id))
                .collect(),
            ask: rs
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| q.ask_when.map(|_| variable_name("ask", i, &q.id)))
                .collect(),
            recorded: (0..rs.questions.len())
                .map(|i| {
                    rs.counted_behind_skip_rule(i)
                        .then(|| variable_name("r", i, &rs.questions[i].id))
                })
                .collect(),
            criterion: rs
                .criteria
                .iter()
                .enumerate()
                .map(|(i, c)| variable_name("c", i, &c.id))
                .collect(),
        }
    }

    /// `%name` of criterion `ci`'s variable.
    pub fn criterion(&self, ci: usize) -> String {
        format!("%{}", self.criterion[ci])
    }

    /// `%name` of the variable saying whether question `qi` is asked, when
    /// it has skip logic.
    pub fn ask(&self, qi: usize) -> Option<String> {
        self.ask[qi].as_ref().map(|n| format!("%{n}"))
    }

    /// `%name` of the variable holding question `qi`'s recorded answer,
    /// when an `at_least` may read it behind an undecided skip rule.
    fn recorded(&self, qi: usize) -> Option<String> {
        self.recorded[qi].as_ref().map(|n| format!("%{n}"))
    }
}

/// A FHIRPath string literal.
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn number(v: f64) -> String {
    match crate::engine::whole_number(v) {
        Some(n) => n.to_string(),
        None => format!("{v}"),
    }
}

/// Whether the answers `a` (an `answers_of`) tick an exclusive option
/// ("None of these" or "Unknown") together with another.
pub(super) fn exclusive_clash(a: &str) -> String {
    format!("(({a}.code contains 'none') or ({a}.code contains 'unknown')) and {a}.count() > 1")
}

/// Every answer value of the item `link`, wherever it is nested.
pub(super) fn answers_of(link: &str) -> String {
    format!(
        "%resource.repeat(item).where(linkId = {}).answer.value",
        literal(link)
    )
}

/// The variables, in the order they must be evaluated: each question's
/// skip rule and answer, in question order (skip logic reads only earlier
/// questions), then the criteria in the engine's evaluation order. Each is
/// `(name, expression)`.
pub fn variables(rs: &RuleSet, names: &Names) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (qi, q) in rs.questions.iter().enumerate() {
        let raw = match &q.kind {
            // "Unknown / not assessed" is an option: it is no value.
            QuestionKind::YesNo | QuestionKind::SingleChoice(_) => {
                format!("{}.code.where($this != 'unknown')", answers_of(&q.id))
            }
            // An exclusive option ticked with others is a contradiction:
            // no value (the form warns; the CLI refuses such a response).
            QuestionKind::MultipleChoice(_) => {
                let a = answers_of(&q.id);
                format!(
                    "iif({}, {{}}, {a}.code.where($this != 'unknown'))",
                    exclusive_clash(&a)
                )
            }
            QuestionKind::Number(_) if q.allow_unknown => format!(
                "iif({} = true, {{}}, {})",
                answers_of(&format!("{}{NOT_ASSESSED_SUFFIX}", q.id)),
                answers_of(&q.id)
            ),
            QuestionKind::Number(_) => answers_of(&q.id),
        };
        let value = match (&names.ask[qi], q.ask_when) {
            (Some(ask), Some(node)) => {
                let e = expr_into(rs, names, node, &mut out);
                out.push((ask.clone(), e));
                let raw = match &names.recorded[qi] {
                    Some(name) => {
                        out.push((name.clone(), raw));
                        format!("%{name}")
                    }
                    None => raw,
                };
                // Not asked, or not yet known to be asked: no answer, as the
                // engine drops the answers of questions it does not ask.
                format!("iif(%{ask}, {raw}, {{}})")
            }
            _ => raw,
        };
        out.push((names.question[qi].clone(), value));
    }
    for &ci in &rs.eval_order {
        let e = expr_into(rs, names, rs.criteria[ci].root, &mut out);
        out.push((names.criterion[ci].clone(), e));
    }
    out.push((OUTCOME_VARIABLE.to_string(), outcome(rs, names)));
    out
}

/// The variable holding the outcome sentence. The other names start with
/// `q`, `ask`, `r`, `c` or `n` and a digit, so it cannot clash with them.
pub const OUTCOME_VARIABLE: &str = "outcome";

/// The prefix of the variables that hold an `at_least` item with an
/// `at_least` inside it (the other names start with `q`, `ask`, `r`, `c` or
/// are `outcome`, so it cannot clash).
const NESTED_PREFIX: &str = "n";

/// A condition as a FHIRPath expression, with any variables it needs
/// pushed onto `vars` first (they must be declared before the expression).
///
/// `at_least` reads each item three times (twice in the count of trues,
/// once in the count of unknowns), so an item written out in place would
/// triple at every level of nesting: a 1 KB rule set nested 13 deep wrote
/// 170 MB. An item that holds an `at_least` of its own is therefore a
/// variable of its own, read three times by name, and the output grows
/// linearly with the rule set.
fn expr_into(rs: &RuleSet, names: &Names, id: NodeId, vars: &mut Vec<(String, String)>) -> String {
    expr_in(rs, names, id, vars).0
}

/// A condition as a FHIRPath expression: `true`, `false` or empty (its
/// nested `at_least` items inline: for tests and shallow rule sets).
#[cfg(test)]
pub fn expr(rs: &RuleSet, names: &Names, id: NodeId) -> String {
    let mut vars = Vec::new();
    let e = expr_in(rs, names, id, &mut vars).0;
    // Resolve the variables back into place, innermost first.
    vars.iter().rev().fold(e, |e, (name, value)| {
        e.replace(&format!("%{name}"), &format!("({value})"))
    })
}

/// The expression, and whether it holds an `at_least`.
fn expr_in(
    rs: &RuleSet,
    names: &Names,
    id: NodeId,
    vars: &mut Vec<(String, String)>,
) -> (String, bool) {
    match rs.node(id) {
        Node::All(r) | Node::Any(r) => {
            let is_all = matches!(rs.node(id), Node::All(_));
            let mut nested = false;
            let parts: Vec<String> = rs
                .children_of(r)
                .iter()
                .map(|&k| {
                    let (e, n) = expr_in(rs, names, k, vars);
                    nested |= n;
                    format!("({e})")
                })
                .collect();
            let e = match (parts.is_empty(), is_all) {
                (true, true) => "true".into(),
                (true, false) => "false".into(),
                (false, true) => balanced(&parts, " and "),
                (false, false) => balanced(&parts, " or "),
            };
            (e, nested)
        }
        Node::Not(k) => {
            let (e, nested) = expr_in(rs, names, k, vars);
            (format!("({e}).not()"), nested)
        }
        Node::AtLeast {
            n,
            of,
            skipped_not_met,
        } => {
            let items: Vec<String> = rs
                .children_of(of)
                .iter()
                .map(|&k| {
                    let (mut e, nested) = expr_in(rs, names, k, vars);
                    if nested {
                        let name = format!("{NESTED_PREFIX}{}", vars.len());
                        vars.push((name.clone(), e));
                        e = format!("%{name}");
                    }
                    // Skipped (its skip rule is false): counts as false. While
                    // the skip rule is undecided, a recorded answer that fails
                    // the item fails it either way; otherwise the item is what
                    // it is (as `engine::Item`).
                    let node = rs.node(k);
                    let question = node.question().filter(|_| skipped_not_met);
                    match question.and_then(|qi| Some((names.ask(qi)?, names.recorded(qi)?))) {
                        Some((ask, recorded)) => {
                            let failed = leaf_on(rs, names, node, &|_| recorded.clone());
                            format!(
                                "iif({ask} = false, false, iif({ask}.empty() and {recorded}.exists(), iif(({failed}) = false, false, {{}}), {e}))"
                            )
                        }
                        _ => e,
                    }
                })
                .collect();
            if items.is_empty() {
                return (if n == 0 { "true" } else { "false" }.into(), true);
            }
            let trues = balanced(
                &items
                    .iter()
                    .map(|e| format!("iif({e}, 1, 0)"))
                    .collect::<Vec<_>>(),
                " + ",
            );
            let unknowns = balanced(
                &items
                    .iter()
                    .map(|e| format!("iif(({e}).empty(), 1, 0)"))
                    .collect::<Vec<_>>(),
                " + ",
            );
            (
                format!(
                    "iif(({trues}) >= {n}, true, iif(({trues}) + ({unknowns}) >= {n}, {{}}, false))"
                ),
                true,
            )
        }
        leaf => (leaf_expr(rs, names, leaf), false),
    }
}

/// A leaf condition (one question or criterion) as FHIRPath.
fn leaf_expr(rs: &RuleSet, names: &Names, node: Node) -> String {
    leaf_on(rs, names, node, &|i| format!("%{}", names.question[i]))
}

/// A leaf condition as FHIRPath, reading question `i`'s answers from `q(i)`.
fn leaf_on(rs: &RuleSet, names: &Names, node: Node, q: &dyn Fn(usize) -> String) -> String {
    let code = |i: usize, o: u16| literal(&rs.questions[i].kind.options()[o as usize].id);
    let op = |op: CmpOp| match op {
        CmpOp::Eq => "=",
        other => other.symbol(),
    };
    match node {
        Node::Yes(i) => format!("{} = 'yes'", q(i)),
        Node::No(i) => format!("{} = 'no'", q(i)),
        Node::Known(i) => format!("{}.exists()", q(i)),
        Node::Equals(i, o) => format!("{} = {}", q(i), code(i, o)),
        Node::Includes(i, o) => {
            format!(
                "iif({0}.exists(), {0} contains {1}, {{}})",
                q(i),
                code(i, o)
            )
        }
        Node::Compare(i, cmp, v) => format!("{} {} {}", q(i), op(cmp), number(v)),
        Node::Count(i, cmp, v) => format!(
            "iif({0}.exists(), {0}.where($this != 'none').count() {1} {2}, {{}})",
            q(i),
            op(cmp),
            number(v)
        ),
        Node::Criterion(c) => format!("%{}", names.criterion[c]),
        Node::All(_) | Node::Any(_) | Node::Not(_) | Node::AtLeast { .. } => {
            unreachable!("not a leaf")
        }
    }
}

/// The status word of criterion `ci` ("met", "NOT MET", "unknown", ...), as
/// the text summary prints it.
pub fn criterion_status(rs: &RuleSet, names: &Names, ci: usize) -> String {
    use crate::engine::Tri;
    let kind = rs.criteria[ci].kind;
    let var = format!("%{}", names.criterion[ci]);
    format!(
        "iif({var}, {}, iif({var}.not(), {}, {}))",
        literal(crate::report::status_word(kind, Tri::True)),
        literal(crate::report::status_word(kind, Tri::False)),
        literal(crate::report::status_word(kind, Tri::Unknown))
    )
}

/// The values of the criteria `pick` chooses, as one collection (`{}`
/// when it chooses none).
fn values_of(rs: &RuleSet, names: &Names, pick: &dyn Fn(usize) -> bool) -> String {
    let vars: Vec<String> = (0..rs.criteria.len())
        .filter(|&ci| pick(ci))
        .map(|ci| format!("%{}", names.criterion[ci]))
        .collect();
    if vars.is_empty() {
        "{}".to_string()
    } else {
        format!("({})", balanced(&vars, " | "))
    }
}

/// `parts` joined by the associative operator `op`, grouped as a balanced
/// tree: FHIRPath engines parse and evaluate an operator chain by
/// recursion, and fhirpath.js overflowed its stack on an `at_least` of
/// 4,200 items written as one flat chain. Grouped, the depth is logarithmic.
fn balanced(parts: &[String], op: &str) -> String {
    const FLAT: usize = 16;
    if parts.len() <= FLAT {
        return parts.join(op);
    }
    let (left, right) = parts.split_at(parts.len() / 2);
    format!("({}){op}({})", balanced(left, op), balanced(right, op))
}

/// Whether a red flag is present: true or false, never empty.
pub fn red_flag_present(rs: &RuleSet, names: &Names) -> String {
    let red = values_of(rs, names, &|ci| {
        rs.criteria[ci].kind == CriterionKind::RedFlag
    });
    format!("{red} contains true")
}

/// The outcome sentence, by the engine's precedence: a red flag (worded by
/// the most pressing one present), an exclusion, an unmet indication, an
/// unknown, met.
pub fn outcome(rs: &RuleSet, names: &Names) -> String {
    use crate::engine::Outcome;
    let of = |pick: &dyn Fn(usize) -> bool| values_of(rs, names, pick);
    let kind = |k: CriterionKind| move |ci: usize| rs.criteria[ci].kind == k;
    let urgent = of(&|ci| {
        rs.criteria[ci].kind == CriterionKind::RedFlag && rs.criteria[ci].urgency == Urgency::Urgent
    });
    let exclusions = of(&kind(CriterionKind::Exclusion));
    let indications = of(&kind(CriterionKind::Indication));
    let empties: Vec<String> = names
        .criterion
        .iter()
        .map(|name| format!("%{name}.empty()"))
        .collect();
    let any_unknown = if empties.is_empty() {
        "false".to_string()
    } else {
        balanced(&empties, " or ")
    };
    // An incomplete screening with a red flag still unknown is worded so
    // it never reassures (as the CLI's sentence).
    let red_empties: Vec<String> = (0..rs.criteria.len())
        .filter(|&ci| rs.criteria[ci].kind == CriterionKind::RedFlag)
        .map(|ci| format!("%{}.empty()", names.criterion[ci]))
        .collect();
    let red_open = if red_empties.is_empty() {
        "false".to_string()
    } else {
        balanced(&red_empties, " or ")
    };
    let text = |o: Outcome| literal(crate::report::outcome_text(o));
    format!(
        "iif({}, iif({urgent} contains true, {}, {}), iif({exclusions} contains true, {}, iif({indications} contains false, {}, iif({any_unknown}, iif({red_open}, {}, {}), {}))))",
        red_flag_present(rs, names),
        literal(crate::report::RED_FLAG_URGENT),
        literal(crate::report::RED_FLAG_INVESTIGATE),
        text(Outcome::Excluded),
        text(Outcome::NotMet),
        literal(crate::report::INCOMPLETE_RED_FLAG_OPEN),
        text(Outcome::Incomplete),
        text(Outcome::Met),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal("it's"), r"'it\'s'");
        assert_eq!(literal(r"a\b"), r"'a\\b'");
        assert_eq!(literal("a\nb"), r"'a\nb'");
    }

    #[test]
    fn names_are_sdc_variable_names_and_unique() {
        let rs = crate::compile::catalog::load("nass-2015")
            .expect("bundled")
            .rules;
        let names = Names::new(&rs);
        let all: Vec<&String> = names
            .question
            .iter()
            .chain(&names.criterion)
            .chain(names.ask.iter().flatten())
            .collect();
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len());
        for n in all {
            // An R4 id ([A-Za-z0-9-.]{1,64}) and a FHIRPath identifier.
            assert!(
                n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric()),
                "{n}"
            );
            assert!(n.starts_with(|c: char| c.is_ascii_alphabetic()));
        }
    }

    #[test]
    fn at_least_counts_unknowns_and_skipped_items() {
        let rs = crate::compile::catalog::load("nass-2015")
            .expect("bundled")
            .rules;
        let names = Names::new(&rs);
        let ci = rs
            .criteria
            .iter()
            .position(|c| c.id == "provocation_cluster")
            .expect("criterion");
        let e = expr(&rs, &names, rs.criteria[ci].root);
        assert!(e.starts_with("iif(("), "{e}");
        assert!(e.contains(">= 3, true"), "{e}");
        // The thigh thrust test is skipped in pregnancy: false, not unknown;
        // while that is undecided, a recorded negative is false either way
        // (its `r` variable), anything else unknown.
        assert!(e.contains("= false, false, iif(%ask"), "{e}");
        assert!(e.contains(".empty() and %r"), "{e}");
        assert!(e.contains(".exists(), iif((%r"), "{e}");
    }

    #[test]
    fn names_stay_apart_when_an_id_starts_with_a_digit() {
        assert_eq!(
            variable_name("q", 3, "saddle_anaesthesia"),
            "q3SaddleAnaesthesia"
        );
        assert_ne!(variable_name("q", 1, "0abc"), variable_name("q", 10, "abc"));
        assert_ne!(variable_name("q", 1, "0Abc"), variable_name("q", 10, "abc"));
    }
}
