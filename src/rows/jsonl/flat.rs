//! The common JSON Lines case read without serde: a flat object whose keys
//! are question ids (or the case id) and whose values are plain strings,
//! short decimal numbers, `true` / `false` / `null`, or lists of strings,
//! every one an answer the engine accepts.
//!
//! This is a fast path only. [`read`] either accepts the whole line, with
//! exactly the answers and id that the serde reader
//! (`bind_line` in `jsonl.rs`) gives it, or gives up with `None`, and the
//! line is read again from the start by the serde reader, which also words
//! every message. So a line with anything unusual (an escape, an exponent,
//! a 16-digit number, an unknown, retired or repeated key, a value the
//! engine refuses, trailing text) is read exactly as before: the scanner
//! never has to know what is wrong, only that nothing is. A property test
//! compares the two readers on random lines built to hit those edges.
//!
//! Why: serde's visitor machinery, key scanning and key hashing were half
//! the time of a JSON Lines row (perf), while nearly every line of a real
//! export has this one shape with its keys in the same order.

use crate::engine::answer::{RawRef, parse_raw};
use crate::engine::{Answer, RuleSet};

/// What both JSON Lines readers keep about keys, one per worker: which
/// keys hold the case id, the question at each key position in earlier
/// lines, and which questions the line being read has answered.
#[derive(Debug)]
pub(super) struct Keys<'r> {
    /// The keys that hold the case id.
    pub(super) id: Vec<&'r str>,
    pub(super) order: KeyOrder<'r>,
    /// Per question, whether the line has answered it (a second answer is
    /// refused, never silently kept).
    pub(super) seen: Vec<bool>,
}

impl<'r> Keys<'r> {
    /// `id_field` is `--id-column`'s key; without it the case id is under
    /// `case_id` or `id` where the rule set has no question of that name.
    pub(super) fn new(rs: &'r RuleSet, id_field: Option<&'r str>) -> Self {
        let id = match id_field {
            Some(f) => vec![f],
            None => crate::rows::DEFAULT_ID_COLUMNS
                .into_iter()
                .filter(|k| rs.question_idx(k).is_none())
                .collect(),
        };
        Keys {
            id,
            order: KeyOrder::new(rs),
            seen: vec![false; rs.questions.len()],
        }
    }
}

/// The question each key position held in earlier lines: the lines of a
/// file usually list their keys in one order, so a key is first compared
/// with the question it was last time (one comparison) before the rule
/// set's index of question ids is asked.
#[derive(Debug)]
pub(super) struct KeyOrder<'r> {
    /// The question (and its id, kept here so the check reads no question)
    /// at each key position.
    at: Vec<Option<(usize, &'r str)>>,
    rs: &'r RuleSet,
}

impl<'r> KeyOrder<'r> {
    pub(super) const fn new(rs: &'r RuleSet) -> Self {
        KeyOrder { at: Vec::new(), rs }
    }

    /// The question a key names: the one seen at this position before, or
    /// the index's answer (then remembered for this position). Inlined:
    /// called for every key of every line, and out of line (once it moved
    /// to its own module) it cost 3% more instructions on JSON Lines.
    #[inline]
    pub(super) fn lookup(&mut self, position: usize, key: &str) -> Option<usize> {
        if let Some((qi, id)) = self.expected(position)
            && id == key
        {
            return Some(qi);
        }
        self.look_up_and_remember(position, key)
    }

    /// The rare path of [`Self::lookup`]: the index, then remembered.
    #[inline(never)]
    fn look_up_and_remember(&mut self, position: usize, key: &str) -> Option<usize> {
        let qi = self.rs.question_idx(key)?;
        let id = self.rs.questions.get(qi)?.id.as_str();
        if self.at.len() <= position {
            self.at.resize(position + 1, None);
        }
        self.at[position] = Some((qi, id));
        Some(qi)
    }

    /// The question seen at this key position last time, with its id.
    fn expected(&self, position: usize) -> Option<(usize, &'r str)> {
        self.at.get(position).copied().flatten()
    }
}

/// Reads one line (its text, already checked as UTF-8) into `answers`, and
/// returns its case id (if it has one); `None` if the line is not of the
/// simple shape, or anything in it is not accepted. `answers` and
/// `keys.seen` are overwritten either way.
pub(super) fn read<'t>(
    rs: &RuleSet,
    text: &'t str,
    keys: &mut Keys<'_>,
    answers: &mut [Answer],
) -> Option<Option<&'t str>> {
    answers.fill(Answer::Unanswered);
    keys.seen.fill(false);
    let mut s = Scan {
        text,
        b: text.as_bytes(),
        i: 0,
    };
    let mut id = None;
    s.ws();
    s.eat(b'{')?;
    s.ws();
    if !s.try_eat(b'}') {
        // Positions count every key from 1, as the serde reader counts them.
        let mut position = 0;
        loop {
            position += 1;
            s.eat(b'"')?;
            match s.key(&mut keys.order, position, &keys.id)? {
                Key::Id => {
                    s.colon()?;
                    s.eat(b'"')?;
                    let value = s.string_body()?;
                    if id.replace(value).is_some() {
                        return None; // given twice: the serde reader says so
                    }
                }
                Key::Question(qi) => {
                    if std::mem::replace(&mut keys.seen[qi], true) {
                        return None;
                    }
                    s.colon()?;
                    answers[qi] = s.answer(rs, qi)?;
                }
            }
            s.ws();
            if s.try_eat(b',') {
                s.ws();
                continue;
            }
            s.eat(b'}')?;
            break;
        }
    }
    s.ws();
    (s.i == s.b.len()).then_some(id)
}

/// The longest list read here: tick lists are short, and a longer one is
/// read by serde.
const LIST_ON_STACK: usize = 16;

enum Key {
    Id,
    Question(usize),
}

/// A cursor over one line.
struct Scan<'t> {
    text: &'t str,
    b: &'t [u8],
    i: usize,
}

impl<'t> Scan<'t> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn try_eat(&mut self, c: u8) -> bool {
        let hit = self.b.get(self.i) == Some(&c);
        self.i += usize::from(hit);
        hit
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.try_eat(c).then_some(())
    }

    fn colon(&mut self) -> Option<()> {
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(())
    }

    /// A string's text after its opening quote, up to and past its closing
    /// quote; `None` at an escape or a control character (serde decodes or
    /// refuses them) or at the end of the line.
    fn string_body(&mut self) -> Option<&'t str> {
        let start = self.i;
        loop {
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
        let body = self.text.get(start..self.i)?;
        self.i += 1;
        Some(body)
    }

    /// A key after its opening quote. The id that stood at this position in
    /// the line before is compared in place first (no scan for the quote,
    /// no hash); otherwise the key is read and looked up.
    fn key(&mut self, order: &mut KeyOrder<'_>, position: usize, id_keys: &[&str]) -> Option<Key> {
        if let Some((qi, id)) = order.expected(position) {
            let end = self.i + id.len();
            if self.b.get(self.i..end) == Some(id.as_bytes()) && self.b.get(end) == Some(&b'"') {
                self.i = end + 1;
                return Some(Key::Question(qi));
            }
        }
        let key = self.string_body()?;
        if id_keys.contains(&key) {
            return Some(Key::Id);
        }
        // An unknown or retired key: the serde reader words it.
        order.lookup(position, key).map(Key::Question)
    }

    /// One answer, checked by the engine's parser; `None` for any other
    /// value, or one the engine refuses.
    fn answer(&mut self, rs: &RuleSet, qi: usize) -> Option<Answer> {
        let q = &rs.questions[qi];
        let raw = match *self.b.get(self.i)? {
            b'"' => {
                self.i += 1;
                RawRef::Text(self.string_body()?)
            }
            b'[' => {
                self.i += 1;
                let mut items: [&str; LIST_ON_STACK] = [""; LIST_ON_STACK];
                let n = self.list(&mut items)?;
                return parse_raw(q, RawRef::List(&items[..n])).ok();
            }
            b't' => self.literal("true", RawRef::Bool(true))?,
            b'f' => self.literal("false", RawRef::Bool(false))?,
            b'n' => self.literal("null", RawRef::Null)?,
            _ => RawRef::Number(self.number()?),
        };
        parse_raw(q, raw).ok()
    }

    fn literal(&mut self, word: &str, raw: RawRef<'t>) -> Option<RawRef<'t>> {
        let end = self.i + word.len();
        (self.b.get(self.i..end) == Some(word.as_bytes())).then(|| {
            self.i = end;
            raw
        })
    }

    /// A list of strings after its `[`, into `items`; its length.
    fn list(&mut self, items: &mut [&'t str; LIST_ON_STACK]) -> Option<usize> {
        self.ws();
        if self.try_eat(b']') {
            return Some(0);
        }
        let mut n = 0;
        loop {
            self.eat(b'"')?;
            *items.get_mut(n)? = self.string_body()?;
            n += 1;
            self.ws();
            if self.try_eat(b']') {
                return Some(n);
            }
            self.eat(b',')?;
            self.ws();
        }
    }

    /// A number written `-?(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 15
    /// digits. Such a number is exactly representable as a whole number
    /// over a power of ten up to 10^15, so its nearest `f64` is what
    /// serde_json computes (one exact division) and what `str::parse`
    /// computes (correctly rounded). Exponents and longer numbers go to
    /// serde.
    fn number(&mut self) -> Option<f64> {
        let start = self.i;
        self.try_eat(b'-');
        let digits_from = self.i;
        let int = self.digits();
        if int == 0 || (int > 1 && self.b[digits_from] == b'0') {
            return None;
        }
        let mut count = int;
        if self.try_eat(b'.') {
            let frac = self.digits();
            if frac == 0 {
                return None;
            }
            count += frac;
        }
        if count > 15 || matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            return None;
        }
        self.text.get(start..self.i)?.parse().ok()
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - from
    }
}
