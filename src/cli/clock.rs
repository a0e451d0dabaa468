//! The time of a screening, read from the system clock once, at the edge:
//! reports take it as a value, so every format can be tested with a fixed
//! time. Dates and zones come from jiff, not hand-written calendar code.

use jiff::{Timestamp, Zoned};

/// Now, as `YYYY-MM-DD HH:MM` with the local zone's abbreviation or offset
/// (`2026-11-22 14:05 GMT`): when a screening was done, on every summary.
pub fn screened_at() -> String {
    Zoned::now().strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ` (UTC): when a saved case last changed.
pub fn now_utc() -> String {
    Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_are_as_documented() {
        let at = screened_at();
        assert_eq!(&at[4..5], "-", "{at}");
        assert_eq!(&at[13..14], ":", "{at}");
        let u = now_utc();
        assert!(u.ends_with('Z') && u.len() == 20, "{u}");
    }
}
