//! Skip logic as `enableWhen`, where that means exactly what the engine
//! means; the callers fall back to an `enableWhenExpression` otherwise.

use super::*;

/// Skip logic as `enableWhen` entries and their `enableBehavior`, when
/// `enableWhen` means exactly what the engine means; `None` otherwise (the
/// caller then writes an SDC `enableWhenExpression`).
///
/// The engine asks a question when its rule is *true*; unknown (an
/// unanswered or "unknown" answer) means not asked. So under `all` each part
/// must be true exactly when the engine's part is, and under `any` too, with
/// each part one `enableWhen`. R4 also says a disabled question counts as
/// unanswered, as the engine drops the answers of questions it does not ask.
pub(super) fn enable_when(rs: &RuleSet, node: NodeId) -> Option<(Vec<Value>, &'static str)> {
    match rs.node(node) {
        Node::All(r) => {
            let mut list = Vec::new();
            for &k in rs.children_of(r) {
                list.extend(conjunction(rs, k)?);
            }
            Some((list, "all"))
        }
        Node::Any(r) if !rs.children_of(r).is_empty() => {
            let list: Option<Vec<Value>> = rs
                .children_of(r)
                .iter()
                .map(|&k| match conjunction(rs, k)?.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                })
                .collect();
            list.map(|l| (l, "any"))
        }
        _ => conjunction(rs, node).map(|l| (l, "all")),
    }
}

/// `enableWhen` entries that all hold exactly when `node` is true.
pub(super) fn conjunction(rs: &RuleSet, node: NodeId) -> Option<Vec<Value>> {
    let question = |i: usize| &rs.questions[i];
    let link = |i: usize| json!(question(i).id);
    let coding = |i: usize, o: u16| {
        let opt = &question(i).kind.options()[o as usize];
        json!({"system": option_system(rs), "code": opt.id, "display": opt.label})
    };
    let yes_no = |yes: bool| {
        let code = if yes { "yes" } else { "no" };
        json!({"system": option_system(rs), "code": code, "display": if yes { "Yes" } else { "No" }})
    };
    let number = |i: usize, v: f64| match &question(i).kind {
        QuestionKind::Number(s) if s.integer && whole_number(v).is_some() => {
            ("answerInteger", json!(whole_number(v)))
        }
        _ => ("answerDecimal", json!(v)),
    };
    let compare = |i: usize, cmp: CmpOp, v: f64| {
        let op = match cmp {
            CmpOp::Eq => "=",
            other => other.symbol(),
        };
        let (key, value) = number(i, v);
        json!({"question": link(i), "operator": op, key: value})
    };
    // "Answered" in the engine's sense: an "unknown" option is an answer in
    // FHIR but not in the engine, so it is excluded too where it exists.
    let answered = |i: usize| {
        let mut list =
            vec![json!({"question": link(i), "operator": "exists", "answerBoolean": true})];
        if question(i).allow_unknown && !matches!(question(i).kind, QuestionKind::Number(_)) {
            list.push(json!({"question": link(i), "operator": "!=", "answerCoding": {"system": option_system(rs), "code": UNKNOWN_CODE, "display": UNKNOWN_DISPLAY}}));
        }
        list
    };
    // `exists` agrees with the engine's `known` when "unknown" is no
    // option (a number's "not assessed" is a separate item).
    let exists_is_known = |i: usize| {
        !question(i).allow_unknown || matches!(question(i).kind, QuestionKind::Number(_))
    };
    Some(match rs.node(node) {
        Node::Yes(i) => {
            vec![json!({"question": link(i), "operator": "=", "answerCoding": yes_no(true)})]
        }
        Node::No(i) => {
            vec![json!({"question": link(i), "operator": "=", "answerCoding": yes_no(false)})]
        }
        Node::Known(i) if exists_is_known(i) => {
            vec![json!({"question": link(i), "operator": "exists", "answerBoolean": true})]
        }
        Node::Equals(i, o) | Node::Includes(i, o) => {
            vec![json!({"question": link(i), "operator": "=", "answerCoding": coding(i, o)})]
        }
        // In R4 `!=` also holds for an unanswered question.
        Node::Compare(_, CmpOp::Ne, _) => return None,
        Node::Compare(i, cmp, v) => vec![compare(i, cmp, v)],
        Node::Not(k) => {
            match rs.node(k) {
                // Not yes is "answered no"; not no is "answered yes".
                Node::Yes(i) => vec![
                    json!({"question": link(i), "operator": "=", "answerCoding": yes_no(false)}),
                ],
                Node::No(i) => vec![
                    json!({"question": link(i), "operator": "=", "answerCoding": yes_no(true)}),
                ],
                // In R4 `!=` also holds for an unanswered question; the engine's
                // "not equal" needs an answer.
                Node::Equals(i, o) => {
                    let mut list = answered(i);
                    list.push(json!({"question": link(i), "operator": "!=", "answerCoding": coding(i, o)}));
                    list
                }
                Node::Known(i) if exists_is_known(i) => {
                    vec![json!({"question": link(i), "operator": "exists", "answerBoolean": false})]
                }
                Node::Compare(i, cmp, v) if v.is_finite() => {
                    let negated = match cmp {
                        CmpOp::Ge => CmpOp::Lt,
                        CmpOp::Gt => CmpOp::Le,
                        CmpOp::Le => CmpOp::Gt,
                        CmpOp::Lt => CmpOp::Ge,
                        CmpOp::Eq => CmpOp::Ne,
                        CmpOp::Ne => CmpOp::Eq,
                    };
                    if negated == CmpOp::Ne {
                        // `!=` holds for an unanswered number in R4.
                        return None;
                    }
                    vec![compare(i, negated, v)]
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}
