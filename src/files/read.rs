//! Reading files safely.
//!
//! Everything read from disk is untrusted: a clinician may point the tool at
//! the wrong file, and YAML has features (aliases, deep nesting) that can make
//! a small file expensive. So a file must be a regular file under a size
//! limit, valid UTF-8, and parse within explicit resource budgets; each
//! failure says which rule was broken.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// Largest rule-set or answers file accepted, in bytes. The bundled rule sets
/// are about 30 KiB; 8 MiB leaves room for thousands of questions.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a whole file as UTF-8 text; `-` reads standard input.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let shown = path.display().to_string();
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|source| InputError::Io {
                path: shown.clone(),
                source,
            })?;
        if buf.len() as u64 > MAX_FILE_BYTES {
            return Err(InputError::TooLarge {
                path: shown,
                limit: MAX_FILE_BYTES,
            });
        }
        buf
    } else {
        // Look before opening: opening a FIFO would block until a writer
        // appears, and reading a directory gives an unhelpful OS error.
        let meta = fs::metadata(path).map_err(|source| InputError::from_io(&shown, source))?;
        if meta.is_dir() {
            return Err(InputError::IsDirectory { path: shown });
        }
        if !meta.is_file() {
            return Err(InputError::NotRegularFile { path: shown });
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(InputError::TooLarge {
                path: shown,
                limit: MAX_FILE_BYTES,
            });
        }
        let file = fs::File::open(path).map_err(|source| InputError::from_io(&shown, source))?;
        let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // The file may grow between the look and the read: cap it again.
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|source| InputError::from_io(&shown, source))?;
        if buf.len() as u64 > MAX_FILE_BYTES {
            return Err(InputError::TooLarge {
                path: shown,
                limit: MAX_FILE_BYTES,
            });
        }
        buf
    };
    decode_utf8(&shown, bytes)
}

/// Checks UTF-8 and says where the first bad byte is.
pub fn decode_utf8(path: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let last_line = valid.rsplit(|&b| b == b'\n').next().unwrap_or(valid);
        let column = String::from_utf8_lossy(last_line).chars().count() as u64 + 1;
        InputError::NotUtf8 {
            path: path.to_string(),
            line,
            column,
        }
    })
}

/// A file could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: permission denied")]
    PermissionDenied { path: String },
    #[error("{path}: is a directory, not a file")]
    IsDirectory { path: String },
    #[error(
        "{path}: not a regular file (a pipe, socket or device cannot be read as a rule set or answers file)"
    )]
    NotRegularFile { path: String },
    /// `batch`'s input named as a device, pipe or socket: it reads rows from
    /// a regular file, or from standard input given as `-`.
    #[error(
        "{path}: not a regular file (a pipe, socket or device is not read by name; to screen rows from a pipe, give - and send them to standard input)"
    )]
    NotRegularRows { path: String },
    #[error("{path}: larger than the limit of {} MiB", limit / (1024 * 1024))]
    TooLarge { path: String, limit: u64 },
    #[error("{path}:{line}:{column}: not valid UTF-8 text")]
    NotUtf8 {
        path: String,
        line: u64,
        column: u64,
    },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

impl InputError {
    pub fn from_io(path: &str, source: io::Error) -> Self {
        let path = path.to_string();
        match source.kind() {
            io::ErrorKind::NotFound => InputError::NotFound { path },
            io::ErrorKind::PermissionDenied => InputError::PermissionDenied { path },
            io::ErrorKind::IsADirectory => InputError::IsDirectory { path },
            _ => InputError::Io { path, source },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_says_where() {
        let e = decode_utf8("f.yaml", b"id: a\nti\xfftle: x\n".to_vec()).expect_err("bad utf8");
        assert_eq!(e.to_string(), "f.yaml:2:3: not valid UTF-8 text");
    }
}
