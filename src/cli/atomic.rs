//! One way to write a file: atomically.
//!
//! An [`AtomicFile`] writes to a temporary file beside the target and
//! publishes it with a rename in [`AtomicFile::commit`], so a reader (or a
//! crash, a full disk, Ctrl-C) sees the old file or the new one, never a
//! mixture. Dropping it without committing removes the temporary file, and
//! while it exists the interrupt handler knows to remove it too. `--save` and
//! `batch --output` both write through it.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::exit::AppError;
use super::interrupt;

/// A file being written, published by [`commit`](Self::commit).
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    tmp: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `target`, checking first that it can be written: its
    /// folder exists and it is not a folder itself.
    pub fn create(target: &Path) -> Result<Self, AppError> {
        let err = |source: io::Error| AppError::Write {
            path: target.display().to_string(),
            source,
        };
        if target.is_dir() {
            return Err(err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )));
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix(".sij-screen-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(err)?;
        interrupt::set_cleanup(Some(tmp.path().to_path_buf()));
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp: BufWriter::with_capacity(256 * 1024, tmp),
        })
    }

    /// Writes `text` to `target` in one go.
    pub fn write_all_to(target: &Path, text: &str) -> Result<(), AppError> {
        let mut f = Self::create(target)?;
        f.write_all(text.as_bytes())
            .map_err(|source| f.write_error(source))?;
        f.commit(None)
    }

    /// The error for a failed write to this file.
    pub fn write_error(&self, source: io::Error) -> AppError {
        AppError::Write {
            path: self.target.display().to_string(),
            source,
        }
    }

    /// Flushes, syncs and renames into place. An interrupt arriving meanwhile
    /// sees either the temporary file still to remove or the finished file,
    /// never the moment between; after the rename it says `message`, if
    /// given (else what it said before).
    pub fn commit(self, message: Option<String>) -> Result<(), AppError> {
        let target = self.target;
        let err = |source: io::Error| AppError::Write {
            path: target.display().to_string(),
            source,
        };
        let tmp = self.tmp.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        interrupt::commit(
            || tmp.persist(&target).map(drop).map_err(|e| err(e.error)),
            message,
        )
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.yaml");
        AtomicFile::write_all_to(&path, "one\n").expect("first write");
        AtomicFile::write_all_to(&path, "two\n").expect("second write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "two\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.csv");
        {
            let mut f = AtomicFile::create(&path).expect("create");
            f.write_all(b"half").expect("write");
        }
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
    }

    #[test]
    fn a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = AtomicFile::create(&dir.path().join("nope/a.yaml")).expect_err("missing dir");
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
