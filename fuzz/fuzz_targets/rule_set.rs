//! Fuzz target: arbitrary bytes as rule set, through everything that reads them.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sij_screen::fuzzing::rule_set(data);
});
