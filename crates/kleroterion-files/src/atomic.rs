//! Outputs that are complete or absent, never overwritten unasked, never written over an input.
//!
//! A draw runs once, in public, and its files are evidence. Every file is written to a
//! temporary file in the same folder, flushed to disk, then renamed into place, so that an
//! interrupted run leaves either the old file or the new one, never half of one. A folder (a
//! commit) is built under a temporary name beside its final place and renamed when everything
//! in it is written. Temporary names start with `.` and contain `.partial-`, so that no command
//! mistakes them for finished outputs.
//!
//! - [`Existing::Refuse`] (the default) refuses an output that exists, naming it.
//! - [`Existing::Replace`] replaces a file; a folder is never deleted: the old one is moved
//!   aside to `NAME.replaced-N` first.
//! - [`Existing::KeepSame`] (commits only) keeps a commit folder that already holds the same
//!   commitment, and refuses one that holds another: the notebook pattern, where a cell is
//!   re-run with the same inputs.
//!
//! [`refuse_inputs`] refuses an output that is one of the command's inputs, whatever
//! [`Existing`] says. Private files ([`Access::Private`]) are created readable by their owner
//! only (mode `0600`, folders `0700`, on Unix).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{FileError, Result};

/// What to do with an output that already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Existing {
    /// Refuse to write, naming the existing output.
    #[default]
    Refuse,
    /// Replace it (a file atomically; a folder is moved aside to `NAME.replaced-N`, never
    /// deleted).
    Replace,
    /// Keep a commit folder that holds the same commitment; refuse one that holds another.
    KeepSame,
}

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the default permissions of the system).
    Public,
    /// Its owner only (`0600` on Unix).
    Private,
}

/// A unique suffix for temporary names: the process id and a counter.
fn unique() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn file_name(path: &Path) -> Result<String> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| FileError::Invalid {
            detail: format!(
                "{}: not a file name. Fix: give a path that ends with a file or folder name",
                path.display()
            ),
        })
}

/// The folder holding `path` (`.` for a bare name).
fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A temporary path beside `path`, starting with `.` and containing `.partial-`.
fn partial_path(path: &Path) -> Result<PathBuf> {
    Ok(parent(path).join(format!(".{}.partial-{}", file_name(path)?, unique())))
}

/// Creates a folder (and its parents); a private one is made readable by its owner only. An
/// existing folder is left as it is (its permissions are the user's choice).
pub fn create_dir(path: &Path, access: Access) -> Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(path).map_err(|e| FileError::io(path, &e))?;
    if access == Access::Private {
        restrict(path, 0o700)?;
    }
    Ok(())
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| FileError::io(path, &e))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

fn create_new(path: &Path, access: Access) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if access == Access::Private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = access;
    options.open(path).map_err(|e| FileError::io(path, &e))
}

/// Flushes a folder's entries to disk (a rename is durable only then); a no-op where folders
/// cannot be opened.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Whether a new file is flushed to disk before the call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Flushed (`fsync`): it survives a power cut once its folder is renamed into place.
    Now,
    /// Left to the system: for files that hold nothing the flushed ones do not (receipts: a
    /// pool record, its index and its Merkle path), where one flush per person would cost minutes
    /// (20,000 receipts: 55 s).
    Later,
}

/// Writes a new file (an error if it exists): for files inside a [`StagedDir`], which is
/// itself renamed into place.
pub fn write_new(path: &Path, bytes: &[u8], access: Access, flush: Flush) -> Result<()> {
    let mut f = create_new(path, access)?;
    f.write_all(bytes).map_err(|e| FileError::io(path, &e))?;
    if flush == Flush::Now {
        f.sync_all().map_err(|e| FileError::io(path, &e))?;
    }
    Ok(())
}

/// Fails with [`FileError::OutputExists`] when `path` exists.
pub fn refuse_existing(path: &Path, what: &str, hint: &str) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(FileError::OutputExists {
            path: path.display().to_string(),
            what: what.to_owned(),
            hint: hint.to_owned(),
        });
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed into place. With [`Existing::Refuse`] an existing `path` is an error and is left
/// untouched, even when it appears while the file is being written.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    access: Access,
    existing: Existing,
    what: &str,
) -> Result<()> {
    if existing != Existing::Replace {
        refuse_existing(path, what, "")?;
    }
    let temp = partial_path(path)?;
    let written = write_temp(&temp, bytes, access).and_then(|()| match existing {
        Existing::Replace => std::fs::rename(&temp, path).map_err(|e| FileError::io(path, &e)),
        Existing::Refuse | Existing::KeepSame => link_new(&temp, path, what),
    });
    let _ = std::fs::remove_file(&temp);
    written?;
    sync_dir(parent(path));
    Ok(())
}

fn write_temp(temp: &Path, bytes: &[u8], access: Access) -> Result<()> {
    write_new(temp, bytes, access, Flush::Now)
}

/// Puts `temp` in place at `path` without ever replacing an existing `path`: a hard link
/// fails when the target exists. Where hard links are not supported, a rename after a check.
fn link_new(temp: &Path, path: &Path, what: &str) -> Result<()> {
    match std::fs::hard_link(temp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => refuse_existing(path, what, ""),
        Err(_) => {
            refuse_existing(path, what, "")?;
            std::fs::rename(temp, path).map_err(|e| FileError::io(path, &e))
        }
    }
}

/// `path` made absolute and free of `..` and symbolic links as far as it exists (the missing
/// tail is appended as given).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match path.file_name() {
        Some(name) if path.parent().is_some() => resolved(parent(path)).join(name),
        _ => path.to_path_buf(),
    }
}

/// Fails with [`FileError::OutputIsInput`] when `output` is one of the `inputs` (given as
/// `(role, path)`), or, for a folder output, holds one of them.
pub fn refuse_inputs(output: &Path, inputs: &[(&str, &Path)]) -> Result<()> {
    let out = resolved(output);
    for (role, input) in inputs {
        let inp = resolved(input);
        if inp == out || inp.starts_with(&out) {
            return Err(FileError::OutputIsInput {
                path: output.display().to_string(),
                input: format!("{role} {}", input.display()),
            });
        }
    }
    Ok(())
}

/// A folder built under a temporary name and renamed into place by [`StagedDir::finish`].
/// Dropped unfinished (an error on the way), it removes what it wrote; killed, it leaves a
/// `.NAME.partial-…` folder that no command reads.
#[derive(Debug)]
pub struct StagedDir {
    staging: PathBuf,
    target: PathBuf,
    existing: Existing,
    finished: bool,
}

impl StagedDir {
    /// Starts building `target`. With [`Existing::Refuse`] an existing `target` is an error
    /// here, before anything is computed or written.
    pub fn create(target: &Path, existing: Existing, access: Access) -> Result<Self> {
        if existing == Existing::Refuse {
            refuse_existing(target, "a folder", "")?;
        }
        create_dir(parent(target), Access::Public)?;
        let staging = partial_path(target)?;
        std::fs::create_dir(&staging).map_err(|e| FileError::io(&staging, &e))?;
        if access == Access::Private {
            restrict(&staging, 0o700)?;
        }
        Ok(Self {
            staging,
            target: target.to_path_buf(),
            existing,
            finished: false,
        })
    }

    /// The temporary folder to write into.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// The final folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the folder into place. With [`Existing::Replace`] an existing target is first
    /// moved aside to `NAME.replaced-N` (returned), never deleted.
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        sync_tree(&self.staging);
        let mut moved = None;
        if std::fs::symlink_metadata(&self.target).is_ok() {
            if self.existing != Existing::Replace {
                return Err(FileError::OutputExists {
                    path: self.target.display().to_string(),
                    what: "a folder".into(),
                    hint: String::new(),
                });
            }
            let aside = aside_path(&self.target)?;
            std::fs::rename(&self.target, &aside).map_err(|e| FileError::io(&self.target, &e))?;
            moved = Some(aside);
        }
        std::fs::rename(&self.staging, &self.target)
            .map_err(|e| FileError::io(&self.target, &e))?;
        self.finished = true;
        sync_dir(parent(&self.target));
        Ok(moved)
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The first free `NAME.replaced-N` beside `path`.
fn aside_path(path: &Path) -> Result<PathBuf> {
    let name = file_name(path)?;
    (1..)
        .map(|n| parent(path).join(format!("{name}.replaced-{n}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .ok_or_else(|| FileError::Invalid {
            detail: format!("{}: no free name to move it aside", path.display()),
        })
}

/// Flushes every file and folder under `dir` to disk (best effort).
fn sync_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                sync_tree(&p);
            }
        }
    }
    sync_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> PathBuf {
        let d = std::env::temp_dir().join(format!("kleroterion-atomic-{}", unique()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn refuses_an_existing_file_and_leaves_it() {
        let d = temp();
        let p = d.join("a.txt");
        std::fs::write(&p, "old").unwrap();
        let e = write_file(&p, b"new", Access::Public, Existing::Refuse, "a test").unwrap_err();
        assert_eq!(e.kind(), "OutputExists");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        write_file(&p, b"new", Access::Public, Existing::Replace, "a test").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(&d).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
        std::fs::remove_dir_all(d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let d = temp();
        let p = d.join("secret.csv");
        write_file(&p, b"x", Access::Private, Existing::Refuse, "a test").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn an_input_is_never_an_output() {
        let d = temp();
        let p = d.join("in.csv");
        std::fs::write(&p, "x").unwrap();
        let other = d.join(".").join("in.csv");
        assert_eq!(
            refuse_inputs(&other, &[("people", &p)]).unwrap_err().kind(),
            "OutputIsInput"
        );
        assert_eq!(
            refuse_inputs(&d, &[("people", &p)]).unwrap_err().kind(),
            "OutputIsInput",
            "a folder output holding an input"
        );
        assert!(refuse_inputs(&d.join("out.csv"), &[("people", &p)]).is_ok());
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_staged_folder_appears_whole_or_not_at_all() {
        let d = temp();
        let target = d.join("commit");
        let s = StagedDir::create(&target, Existing::Refuse, Access::Public).unwrap();
        std::fs::write(s.path().join("a"), "1").unwrap();
        assert!(!target.exists());
        drop(s);
        assert_eq!(
            std::fs::read_dir(&d).unwrap().count(),
            0,
            "dropped: removed"
        );

        let s = StagedDir::create(&target, Existing::Refuse, Access::Public).unwrap();
        std::fs::write(s.path().join("a"), "1").unwrap();
        assert_eq!(s.finish().unwrap(), None);
        assert_eq!(std::fs::read_to_string(target.join("a")).unwrap(), "1");

        let e = StagedDir::create(&target, Existing::Refuse, Access::Public).unwrap_err();
        assert_eq!(e.kind(), "OutputExists");
        let s = StagedDir::create(&target, Existing::Replace, Access::Public).unwrap();
        std::fs::write(s.path().join("a"), "2").unwrap();
        let aside = s.finish().unwrap().unwrap();
        assert_eq!(std::fs::read_to_string(target.join("a")).unwrap(), "2");
        assert_eq!(std::fs::read_to_string(aside.join("a")).unwrap(), "1");
        std::fs::remove_dir_all(d).unwrap();
    }
}
