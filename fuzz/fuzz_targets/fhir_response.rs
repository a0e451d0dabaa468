//! Fuzz target: arbitrary bytes as a FHIR QuestionnaireResponse read as answers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sij_screen::fuzzing::fhir_response(data);
});
