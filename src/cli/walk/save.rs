//! Where a walk saves its answers, and the promise that it never replaces
//! a file it did not write.
//!
//! Each save is atomic (a temporary file, then a rename), so the file at
//! the path is a new one after every save. The walk remembers which file
//! it last put there, and before the next save checks that the path still
//! holds it: if another program (a second walk on the same new path, an
//! editor) has put a file there since, the walk refuses to replace it and
//! says so, and its answers are shown in full, not lost. A small window
//! remains between the check and the rename; it is milliseconds, where the
//! old behaviour replaced the other file after every answer.
//!
//! The walk also holds an advisory lock (`flock`) on the file it may
//! replace, so a second walk that would save to the same file (resuming
//! it, or told to replace it) is refused before its first question.

use std::path::{Path, PathBuf};

use same_file::Handle;

use crate::cli::atomic::AtomicFile;
use crate::cli::clock;
use crate::cli::exit::AppError;
use crate::engine::{Answer, RuleSet};
use crate::files::answers;

/// The path a walk saves to, and the file it last wrote there.
#[derive(Debug)]
pub struct SaveTarget {
    path: PathBuf,
    /// The file now at `path` that this walk may replace: the one it last
    /// wrote, or the file it resumed or was told to replace (`--force`).
    ours: Option<Handle>,
}

impl SaveTarget {
    /// `adopt`: the file at `path` may be replaced (it is being resumed,
    /// or `--force` was given); otherwise the path must stay free until
    /// the first save. Refused when another walk holds the file's lock.
    pub fn new(path: &Path, adopt: bool) -> Result<Self, AppError> {
        let ours = if adopt {
            Handle::from_path(path).ok()
        } else {
            None
        };
        if let Some(h) = &ours
            && let Err(std::fs::TryLockError::WouldBlock) = h.as_file().try_lock()
        {
            return Err(AppError::Locked {
                path: path.display().to_string(),
            });
        }
        Ok(SaveTarget {
            path: path.to_path_buf(),
            ours,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves `answers` atomically, unless the path holds a file this walk
    /// did not write; an interrupt waits until the rename is done.
    pub fn save(&mut self, rules: &RuleSet, answers: &[Answer]) -> Result<(), AppError> {
        if let Ok(now) = Handle::from_path(&self.path)
            && self.ours.as_ref() != Some(&now)
        {
            return Err(AppError::NotOurs {
                path: self.path.display().to_string(),
            });
        }
        let stamp = clock::now_utc();
        AtomicFile::write_all_to(
            &self.path,
            &answers::to_file_text(rules, answers, Some(&stamp)),
        )?;
        self.ours = Handle::from_path(&self.path).ok();
        // The lock follows the file: the rename made a new one. (Should
        // another walk take it first, that walk's next save is refused
        // by the check above.)
        if let Some(h) = &self.ours {
            let _ = h.as_file().try_lock();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;

    #[test]
    fn a_file_put_there_by_another_program_is_not_replaced() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let answers = vec![Answer::Unanswered; rs.questions.len()];
        let d = tempfile::tempdir().expect("tempdir");
        let path = d.path().join("visit.yaml");
        let mut a = SaveTarget::new(&path, false).expect("free path");
        a.save(&rs, &answers).expect("first save");
        a.save(&rs, &answers).expect("its own file");
        // A second walk on the same path (started before the first saved).
        let mut b = SaveTarget::new(&path, false).expect("not adopted");
        assert!(b.save(&rs, &answers).is_err(), "b would replace a's file");
        // Another program replaces the file: the walk does not replace it.
        std::fs::write(d.path().join("other"), "x").expect("write");
        std::fs::rename(d.path().join("other"), &path).expect("rename");
        let e = a.save(&rs, &answers).expect_err("not ours any more");
        assert!(e.to_string().contains("not overwritten"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "x");
        // A file the walk was told to replace, or resumes, is replaced.
        drop(a);
        let mut forced = SaveTarget::new(&path, true).expect("no walk holds it");
        forced.save(&rs, &answers).expect("adopted");
        // While one walk holds the file, another that resumes it is refused.
        let e = SaveTarget::new(&path, true).expect_err("locked");
        assert!(e.to_string().contains("open in another walk"), "{e}");
        drop(forced);
        SaveTarget::new(&path, true).expect("free again");
    }
}
