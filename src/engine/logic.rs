//! Three-valued (Kleene) logic.
//!
//! A screening answer may be missing or "not assessed", so a condition over
//! answers is not simply true or false: it may be *unknown*. Treating unknown
//! as false would silently fail a patient on a test nobody performed, and
//! treating it as true would silently pass them, so unknown is a value of its
//! own and propagates by Kleene's strong three-valued logic: `false AND x` is
//! false and `true OR x` is true whatever `x` is; otherwise unknown wins.

use serde::Serialize;

/// A truth value that may be unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    /// Lifts a Rust `bool`.
    pub const fn from_bool(b: bool) -> Self {
        if b { Tri::True } else { Tri::False }
    }

    /// `Some(bool)` when known, `None` when unknown: the JSON form (`null`).
    pub const fn known(self) -> Option<bool> {
        match self {
            Tri::True => Some(true),
            Tri::False => Some(false),
            Tri::Unknown => None,
        }
    }

    /// Kleene negation: unknown stays unknown.
    #[allow(clippy::should_implement_trait)]
    pub const fn not(self) -> Self {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    /// Kleene conjunction: the minimum under `False < Unknown < True`.
    pub fn and(self, other: Self) -> Self {
        self.min(other)
    }

    /// Kleene disjunction: the maximum under `False < Unknown < True`.
    pub fn or(self, other: Self) -> Self {
        self.max(other)
    }

    /// "At least `n` of these hold", counting unknowns explicitly.
    ///
    /// True when `n` are already true; false when even if every unknown turned
    /// out true there would still be fewer than `n`; unknown otherwise. So 3 of 5
    /// with 2 true and 2 unknown is unknown, and with 1 true, 1 unknown and 3
    /// false it is false.
    pub const fn at_least(n: u32, trues: u32, unknowns: u32) -> Self {
        if trues >= n {
            Tri::True
        } else if trues + unknowns >= n {
            Tri::Unknown
        } else {
            Tri::False
        }
    }

    /// A short lower-case word: `true`, `false` or `unknown`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Tri::True => "true",
            Tri::False => "false",
            Tri::Unknown => "unknown",
        }
    }
}

impl Serialize for Tri {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.known().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::{self, False as F, True as T, Unknown as U};

    const ALL: [Tri; 3] = [F, U, T];

    #[test]
    fn and_or_not_truth_tables() {
        // (a, b, a AND b, a OR b)
        let table = [
            (T, T, T, T),
            (T, U, U, T),
            (T, F, F, T),
            (U, T, U, T),
            (U, U, U, U),
            (U, F, F, U),
            (F, T, F, T),
            (F, U, F, U),
            (F, F, F, F),
        ];
        for (a, b, and, or) in table {
            assert_eq!(a.and(b), and, "{a:?} AND {b:?}");
            assert_eq!(a.or(b), or, "{a:?} OR {b:?}");
        }
        assert_eq!(T.not(), F);
        assert_eq!(F.not(), T);
        assert_eq!(U.not(), U);
    }

    #[test]
    fn laws_hold_for_every_value() {
        for a in ALL {
            assert_eq!(a.not().not(), a, "double negation");
            for b in ALL {
                assert_eq!(a.and(b).not(), a.not().or(b.not()), "De Morgan (and)");
                assert_eq!(a.or(b).not(), a.not().and(b.not()), "De Morgan (or)");
                assert_eq!(a.and(b), b.and(a), "and commutes");
                assert_eq!(a.or(b), b.or(a), "or commutes");
            }
        }
    }

    #[test]
    fn at_least_counts_unknowns() {
        // (n, trues, unknowns, expected): the worked examples first.
        let table = [
            (3, 2, 2, U), // 3 of 5: 2 true, 2 unknown, 1 false
            (3, 1, 1, F), // 3 of 5: 1 true, 1 unknown, 3 false
            (3, 3, 0, T),
            (3, 3, 2, T),
            (3, 0, 3, U),
            (3, 0, 2, F),
            (1, 0, 0, F),
            (1, 1, 0, T),
            (2, 1, 1, U),
        ];
        for (n, t, u, want) in table {
            assert_eq!(
                Tri::at_least(n, t, u),
                want,
                "{n} of: {t} true, {u} unknown"
            );
        }
    }

    #[test]
    fn at_least_is_monotone_in_its_inputs() {
        // Turning an unknown into true never lowers the result, and turning an
        // unknown into false never raises it.
        for n in 1..5 {
            for t in 0..5 {
                for u in 1..5 {
                    let now = Tri::at_least(n, t, u);
                    assert!(Tri::at_least(n, t + 1, u - 1) >= now);
                    assert!(Tri::at_least(n, t, u - 1) <= now);
                }
            }
        }
    }

    #[test]
    fn serializes_as_json_bool_or_null() {
        let json = serde_json::to_string(&[T, F, U]).expect("serialize");
        assert_eq!(json, "[true,false,null]");
    }
}
