//! "Did you mean …?": the nearest of a set of known names to a misspelt one.
//!
//! Used for answers files, batch columns, `--set`, and rule-set references
//! alike, so an author and a clinician get the same help. Ids are at most 64
//! characters, so longer words and candidates are not compared: the work per
//! suggestion stays linear in the number of candidates, whatever a hostile
//! file contains.

/// Longest word or candidate compared, in characters.
const MAX_COMPARED: usize = 64;

/// The candidate closest to `word`: the same letters in another case, or a
/// small edit away (and not a rewrite of the whole word: 'y' is not a typo
/// of 'x').
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len == 0 || len > MAX_COMPARED {
        return None;
    }
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.len() > MAX_COMPARED * 4 || c.chars().count() > MAX_COMPARED {
            continue;
        }
        let c_lower = c.to_lowercase();
        let d = if c_lower == lower {
            0
        } else {
            strsim::levenshtein(&lower, &c_lower)
        };
        if d <= 2.max(len / 4) && d < len && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A help line: "did you mean 'x'?", or `None`.
pub fn help<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean '{c}'?"))
}

/// The help glued to a one-line message: " (did you mean 'x'?)", or "".
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    help(word, candidates)
        .map(|h| format!(" ({h})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_case_and_typos() {
        let c = ["posterior_si", "groin"];
        assert_eq!(
            did_you_mean("Posterior_SI", c.iter().copied()),
            " (did you mean 'posterior_si'?)"
        );
        assert_eq!(
            did_you_mean("gorin", c.iter().copied()),
            " (did you mean 'groin'?)"
        );
        assert_eq!(did_you_mean("zzzzzz", c.iter().copied()), "");
        assert_eq!(did_you_mean("y", ["x"].iter().copied()), "");
    }

    #[test]
    fn long_words_are_not_compared() {
        let long = "a".repeat(1_000_000);
        assert_eq!(closest(&long, ["a"].iter().copied()), None);
        assert_eq!(closest("abc", [long.as_str()].iter().copied()), None);
    }
}
