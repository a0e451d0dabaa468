//! Fuzz target: arbitrary bytes as vignettes, through everything that reads them.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sij_screen::fuzzing::vignettes(data);
});
