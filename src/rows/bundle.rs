//! A FHIR Bundle of QuestionnaireResponses as `batch` input.
//!
//! A Bundle written over many lines (as FHIR servers and `run --format fhir`
//! write them) is one JSON document, not JSON Lines, so it cannot be cut
//! into blocks: it is read whole (up to [`MAX_BUNDLE_BYTES`]), and each
//! response it holds becomes one JSON line, screened by the JSON Lines path
//! exactly as NDJSON of responses is. The "line" of a case is then the
//! response's position among the Bundle's responses. NDJSON streams in flat
//! memory and has no such limit; a Bundle on a single line is read by the
//! JSON Lines path directly.

use std::io::{self, BufRead, Read};

use serde_json::Value;

use crate::files::fhir_response;

/// Largest Bundle document read whole.
pub const MAX_BUNDLE_BYTES: u64 = 256 << 20;

/// Whether the input starts like a JSON document written over many lines: a
/// `{` alone on its first line. (JSON Lines has a whole object per line.)
pub fn looks_like_document(reader: &mut impl BufRead) -> io::Result<bool> {
    let buf = reader.fill_buf()?;
    let Some(start) = buf.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(false);
    };
    if buf[start] != b'{' {
        return Ok(false);
    }
    let rest = &buf[start + 1..];
    Ok(match rest.iter().position(|&b| b == b'\n') {
        Some(end) => rest[..end].iter().all(u8::is_ascii_whitespace),
        None => false,
    })
}

/// Why a JSON document cannot be screened as a Bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Read(io::Error),
    #[error(
        "a JSON document over {} MiB; give large sets as NDJSON (one response per line), which streams",
        MAX_BUNDLE_BYTES >> 20
    )]
    TooLarge,
    #[error("not JSON Lines (one object per line) and not a JSON document: {0}")]
    NotJson(serde_json::Error),
    #[error(
        "a JSON document that is not a FHIR Bundle; batch reads JSON Lines (one case per line), NDJSON of QuestionnaireResponses, or a Bundle of them"
    )]
    NotABundle,
    /// A response that could not be written back as a line.
    #[error("{0}")]
    Line(serde_json::Error),
}

/// The Bundle's responses, one compact JSON line each; or why the document
/// cannot be screened. Entries that are not responses are counted in the
/// second value (the caller says they were passed over).
pub fn to_lines(reader: impl Read) -> Result<(Vec<u8>, usize), BundleError> {
    let mut text = Vec::new();
    reader
        .take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(BundleError::Read)?;
    if text.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(BundleError::TooLarge);
    }
    let doc: Value = serde_json::from_slice(&text).map_err(BundleError::NotJson)?;
    if doc.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(BundleError::NotABundle);
    }
    let responses = fhir_response::responses(&doc);
    let entries = doc
        .get("entry")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let mut lines = Vec::with_capacity(text.len());
    for r in &responses {
        serde_json::to_writer(&mut lines, r).map_err(BundleError::Line)?;
        lines.push(b'\n');
    }
    Ok((lines, entries - responses.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_told_from_json_lines() {
        let doc = |s: &str| looks_like_document(&mut s.as_bytes()).expect("reads");
        assert!(doc("{\n  \"resourceType\": \"Bundle\"\n}"));
        assert!(doc("\n  {  \r\n}"));
        assert!(!doc("{\"a\": 1}\n{\"a\": 2}\n"));
        assert!(!doc("a,b\n1,2\n"));
    }

    #[test]
    fn a_bundle_becomes_one_line_per_response() {
        let bundle = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": {"resourceType": "QuestionnaireResponse", "id": "a"}},
            {"resource": {"resourceType": "Observation"}},
            {"resource": {"resourceType": "QuestionnaireResponse", "id": "b"}}]}"#;
        let (lines, other) = to_lines(bundle.as_bytes()).expect("a bundle");
        let text = String::from_utf8(lines).expect("utf-8");
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().all(|l| l.contains("QuestionnaireResponse")));
        assert_eq!(other, 1);
        assert!(to_lines(&b"{\"resourceType\": \"Patient\"}"[..]).is_err());
        assert!(to_lines(&b"{ nope"[..]).is_err());
    }
}
