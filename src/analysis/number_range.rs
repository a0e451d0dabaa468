//! The answers of a number question, in classes no condition tells apart.
//!
//! Conditions only compare a number with constants, so the thresholds a
//! question is compared with split its range into finitely many intervals
//! (each threshold itself, and the open intervals between), and every answer
//! in one interval gives the same result. One representative per interval
//! therefore tries them all, and neighbouring intervals with the same result
//! merge back into readable ranges ("75 or more").

use crate::engine::ruleset::NumberSpec;
use crate::engine::{Node, QuestionIdx, RuleSet, fmt_num};

/// An interval of numbers, each end open or closed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberRange {
    pub lo: f64,
    pub lo_incl: bool,
    pub hi: f64,
    pub hi_incl: bool,
}

/// The classes of a number question: each threshold it is compared with, and
/// the intervals between them, within its range, with one value from each.
/// Whole-number questions get whole-number bounds and values.
pub fn classes(rs: &RuleSet, q: QuestionIdx, spec: &NumberSpec) -> Vec<(NumberRange, f64)> {
    let lo = spec.min.unwrap_or(f64::NEG_INFINITY);
    let hi = spec.max.unwrap_or(f64::INFINITY);
    let mut cuts: Vec<f64> = thresholds(rs, q)
        .into_iter()
        .filter(|c| *c >= lo && *c <= hi)
        .collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut spans = Vec::new();
    let mut from = (lo, true);
    for &c in &cuts {
        spans.push(NumberRange {
            lo: from.0,
            lo_incl: from.1,
            hi: c,
            hi_incl: false,
        });
        spans.push(NumberRange {
            lo: c,
            lo_incl: true,
            hi: c,
            hi_incl: true,
        });
        from = (c, false);
    }
    spans.push(NumberRange {
        lo: from.0,
        lo_incl: from.1,
        hi,
        hi_incl: true,
    });
    spans
        .into_iter()
        .filter_map(|s| {
            let s = if spec.integer { whole(s)? } else { s };
            let valid = s.lo < s.hi || (s.lo == s.hi && s.lo_incl && s.hi_incl);
            valid.then(|| (s, representative(s, spec.integer)))
        })
        .filter(|(_, v)| v.is_finite())
        .collect()
}

/// Narrows a span to whole numbers with closed ends; `None` if none fit.
fn whole(s: NumberRange) -> Option<NumberRange> {
    let lo = if s.lo_incl {
        s.lo.ceil()
    } else {
        s.lo.floor() + 1.0
    };
    let hi = if s.hi_incl {
        s.hi.floor()
    } else {
        s.hi.ceil() - 1.0
    };
    (lo <= hi).then_some(NumberRange {
        lo,
        lo_incl: true,
        hi,
        hi_incl: true,
    })
}

fn representative(s: NumberRange, integer: bool) -> f64 {
    if s.lo_incl && s.lo.is_finite() {
        return s.lo;
    }
    if s.hi_incl && s.hi.is_finite() && !s.lo.is_finite() {
        return s.hi;
    }
    let v = match (s.lo.is_finite(), s.hi.is_finite()) {
        (true, true) => s.lo + (s.hi - s.lo) / 2.0,
        (true, false) => s.lo + 1.0,
        (false, true) => s.hi - 1.0,
        (false, false) => 0.0,
    };
    if integer { v.floor() } else { v }
}

/// Words for a span of a question's range: "under 75", "75 or more", "3".
pub fn label(s: NumberRange, spec: &NumberSpec) -> String {
    let at_min = s.lo_incl
        && spec.min.is_none_or(|m| s.lo <= m)
        && (spec.min.is_some() || !s.lo.is_finite());
    let at_max = s.hi_incl
        && spec.max.is_none_or(|m| s.hi >= m)
        && (spec.max.is_some() || !s.hi.is_finite());
    let lo = fmt_num(s.lo);
    let hi = fmt_num(s.hi);
    match (at_min, at_max) {
        (true, true) => "any value".into(),
        _ if s.lo == s.hi => lo,
        (true, false) if s.hi_incl => format!("{hi} or less"),
        (true, false) => format!("under {hi}"),
        (false, true) if s.lo_incl => format!("{lo} or more"),
        (false, true) => format!("over {lo}"),
        (false, false) => {
            let from = if s.lo_incl { lo } else { format!("over {lo}") };
            let to = if s.hi_incl { hi } else { format!("under {hi}") };
            format!("{from} to {to}")
        }
    }
}

/// The constants question `q` is compared with anywhere (criteria and skip logic).
fn thresholds(rs: &RuleSet, q: QuestionIdx) -> Vec<f64> {
    let mut out = Vec::new();
    for node in rs.nodes() {
        if let Node::Compare(qq, _, v) = *node
            && qq == q
        {
            out.push(v);
        }
    }
    out
}

/// Joins `b` onto `a` (which it follows): the union of two neighbours.
pub fn join(a: NumberRange, b: NumberRange) -> NumberRange {
    NumberRange {
        hi: b.hi,
        hi_incl: b.hi_incl,
        ..a
    }
}
