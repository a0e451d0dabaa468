//! One way to write a file: atomically, and only where a file belongs.
//!
//! An [`AtomicFile`] writes to a temporary file beside the target and
//! publishes it with a rename in [`AtomicFile::commit`], so a reader (or a
//! crash, a full disk, Ctrl-C) sees the old file or the new one, never a
//! mixture. Before any work it checks the target: a device, FIFO, socket or
//! directory is refused (a rename would replace `/dev/null` itself), a
//! symlink is followed so the file it points at is replaced (atomically
//! there) and the link stays, and an existing file's permissions are kept.
//!
//! Temporary files are named `.NAME.sij-screen-PID-XXXXXX.tmp`. Dropping an
//! uncommitted file removes its temporary, and so does the interrupt
//! handler; after a `kill -9`, the next write to the same folder removes
//! leftovers whose process is gone. `--save` and `batch --output` both write
//! through this.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::exit::AppError;
use super::interrupt;
use super::usage::UsageError;

/// A file being written, published by [`commit`](Self::commit).
#[derive(Debug)]
pub struct AtomicFile {
    /// The file that will be replaced (a symlink's target, resolved).
    target: PathBuf,
    /// The name the user gave, for messages.
    shown: String,
    tmp: BufWriter<tempfile::NamedTempFile>,
    /// Bytes written since the data was last synced to disk.
    unsynced: usize,
}

/// A large file is synced to disk every this many bytes as it is written,
/// so the disk writes while the rest is still being computed and the sync
/// before the rename has only the tail left (for `batch -o`'s 99 MB of
/// output, 29 ms of waiting at the end). The data is still synced whole
/// before it is renamed into place.
const SYNC_EVERY: usize = 8 << 20;

/// What is at a path the user wants written: the file to replace (a
/// symlink's target) and its permissions, or a refusal.
pub fn check_target(
    target: &Path,
    shown: &str,
) -> Result<(PathBuf, Option<fs::Permissions>), AppError> {
    let refuse = |what: &str| AppError::Write {
        path: shown.to_string(),
        source: io::Error::new(io::ErrorKind::InvalidInput, what.to_string()),
    };
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((target.to_path_buf(), None)),
        Err(source) => Err(AppError::Write {
            path: shown.to_string(),
            source,
        }),
        Ok(meta) => {
            let (resolved, meta) = if meta.file_type().is_symlink() {
                let resolved = fs::canonicalize(target).map_err(|_| {
                    refuse("is a symbolic link to a missing file; write to the file itself")
                })?;
                let meta = fs::metadata(&resolved).map_err(|source| AppError::Write {
                    path: shown.to_string(),
                    source,
                })?;
                (resolved, meta)
            } else {
                (target.to_path_buf(), meta)
            };
            if meta.is_dir() {
                return Err(refuse("is a directory"));
            }
            if !meta.is_file() {
                return Err(refuse(
                    "is not a regular file (a device, pipe or socket is never replaced)",
                ));
            }
            Ok((resolved, Some(meta.permissions())))
        }
    }
}

/// The prefix of this tool's temporary files for `target`.
fn tmp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.sij-screen-")
}

/// Removes temporary files left beside `target` by runs that were killed
/// (their process no longer exists). Best effort: failures are ignored. A
/// folder is scanned once per target and process: the walk saves after
/// every answer, and only the first save can meet a leftover.
fn remove_leftovers(dir: &Path, prefix: &str) {
    static SCANNED: std::sync::Mutex<Vec<(PathBuf, String)>> = std::sync::Mutex::new(Vec::new());
    {
        let mut scanned = SCANNED.lock().unwrap_or_else(|e| e.into_inner());
        let key = (dir.to_path_buf(), prefix.to_string());
        if scanned.contains(&key) {
            return;
        }
        scanned.push(key);
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .filter(|n| n.ends_with(".tmp"))
        else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let gone = pid.is_some_and(|pid| {
            pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists()
        });
        if gone && Path::new("/proc/self").exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Files this large are worth the hint below.
const LARGE: u64 = 16 << 20;

/// Tells the kernel, from a thread of its own, that the cached pages of the
/// file about to be replaced will not be read again. The rename that
/// replaces a file frees its pages, and for a large earlier output (99 MB
/// from `batch -o`) that took 18 ms at the very end of the run, with every
/// core idle; dropped early, they are freed while the work goes on. Only
/// advice: the file itself is untouched until the rename, and any failure
/// is ignored.
fn forget_cached(target: &Path) {
    #[cfg(unix)]
    if fs::metadata(target).is_ok_and(|m| m.is_file() && m.len() >= LARGE) {
        let target = target.to_path_buf();
        std::thread::spawn(move || {
            if let Ok(f) = fs::File::open(&target) {
                let _ = rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed);
            }
        });
    }
    #[cfg(not(unix))]
    let _ = (target, LARGE);
}

impl AtomicFile {
    /// Starts writing `target`, checking first that it can be written: not a
    /// device, pipe, socket or directory, and its folder exists.
    pub fn create(target: &Path) -> Result<Self, AppError> {
        let shown = target.display().to_string();
        let err = |source: io::Error| AppError::Write {
            path: shown.clone(),
            source,
        };
        let (resolved, permissions) = check_target(target, &shown)?;
        let dir = match resolved.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            )));
        }
        let prefix = tmp_prefix(&resolved);
        remove_leftovers(&dir, &prefix);
        forget_cached(&resolved);
        let tmp = interrupt::create_temporary(
            || {
                tempfile::Builder::new()
                    .prefix(&format!("{prefix}{}-", std::process::id()))
                    .suffix(".tmp")
                    .tempfile_in(&dir)
            },
            |t| t.path().to_path_buf(),
        )
        .map_err(err)?;
        if let Some(p) = permissions {
            tmp.as_file().set_permissions(p).map_err(err)?;
        }
        Ok(AtomicFile {
            target: resolved,
            shown,
            tmp: BufWriter::with_capacity(256 * 1024, tmp),
            unsynced: 0,
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
            path: self.shown.clone(),
            source,
        }
    }

    /// Flushes, syncs and renames into place. An interrupt arriving meanwhile
    /// sees either the temporary file still to remove or the finished file,
    /// never the moment between; after the rename it says `message`, if
    /// given (else what it said before).
    pub fn commit(self, message: Option<String>) -> Result<(), AppError> {
        let (target, shown) = (self.target, self.shown);
        let err = |source: io::Error| AppError::Write {
            path: shown.clone(),
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
        self.tmp.write_all(buf)?;
        self.unsynced += buf.len();
        if self.unsynced >= SYNC_EVERY {
            self.tmp.flush()?;
            self.tmp.get_ref().as_file().sync_data()?;
            self.unsynced = 0;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Refuses to write `output` when it is one of the files being read: a
/// rule set, its bank, the answers or the input (`--save X --rules X` would
/// otherwise destroy the rule set).
pub fn refuse_if_reading(output: &Path, reading: &[(&str, &Path)]) -> Result<(), AppError> {
    for (what, path) in reading {
        if same_file::is_same_file(output, path).unwrap_or(false) {
            return Err(UsageError::WouldOverwrite {
                output: output.to_path_buf(),
                what: (*what).to_string(),
            }
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.yaml");
        AtomicFile::write_all_to(&path, "one\n").expect("first write");
        AtomicFile::write_all_to(&path, "two\n").expect("second write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "two\n");
        assert_eq!(names(dir.path()), ["a.yaml"]);
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
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = AtomicFile::create(&dir.path().join("nope/a.yaml")).expect_err("missing dir");
        assert!(e.to_string().contains("does not exist"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_directories_are_never_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        for target in [Path::new("/dev/null"), dir.path()] {
            let e = AtomicFile::create(target).expect_err("refused");
            assert!(
                e.to_string().contains("not a regular file") || e.to_string().contains("directory"),
                "{e}"
            );
        }
        use std::os::unix::fs::FileTypeExt;
        let dev_null = Path::new("/dev/null").metadata().expect("still there");
        assert!(dev_null.file_type().is_char_device());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_and_the_mode_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.yaml");
        fs::write(&real, "old\n").expect("write");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        AtomicFile::write_all_to(&link, "new\n").expect("write through");
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).expect("read"), "new\n");
        let mode = fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn leftovers_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        // No process has this id on Linux (above pid_max).
        let stale = dir.path().join(".a.yaml.sij-screen-4294967295-abcdef.tmp");
        let mine = dir.path().join(format!(
            ".a.yaml.sij-screen-{}-live.tmp",
            std::process::id()
        ));
        let other = dir.path().join(".b.yaml.sij-screen-4294967295-abcdef.tmp");
        for p in [&stale, &mine, &other] {
            fs::write(p, "x").expect("write");
        }
        AtomicFile::write_all_to(&dir.path().join("a.yaml"), "ok\n").expect("write");
        let left = names(dir.path());
        if Path::new("/proc/self").exists() {
            assert!(
                !left
                    .iter()
                    .any(|n| n.contains("4294967295") && n.starts_with(".a.")),
                "{left:?}"
            );
        }
        assert!(left.iter().any(|n| n.contains("-live.tmp")), "{left:?}");
        assert!(left.iter().any(|n| n.starts_with(".b.yaml")), "{left:?}");
    }
}
