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
    write_new_with(path, access, flush, &mut |w| {
        w.write_all(bytes).map_err(|e| FileError::io(path, &e))
    })
}

/// [`write_new`] with the content written by `fill` through a buffer, so that a large file
/// (a pool of millions of records) is never held in memory.
pub fn write_new_with(
    path: &Path,
    access: Access,
    flush: Flush,
    fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, create_new(path, access)?);
    fill(&mut w)?;
    let f = w.into_inner().map_err(|e| FileError::io(path, e.error()))?;
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
    write_streamed(path, access, existing, what, |w| {
        w.write_all(bytes).map_err(|e| FileError::io(path, &e))
    })
}

/// Like [`write_file`], but the content is produced by `fill` writing into a buffered writer
/// on the temporary file, so that a large file is never held in memory. The guarantees are
/// those of [`write_file`]; the temporary file is removed on any error, an error returned by
/// `fill` included.
pub fn write_streamed(
    path: &Path,
    access: Access,
    existing: Existing,
    what: &str,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    if existing != Existing::Replace {
        refuse_existing(path, what, "")?;
    }
    let mut staged = StagedFile::create(path, access)?;
    fill(&mut staged)?;
    staged.finish(existing, what)
}

/// A file written to a hidden temporary file beside its final place (`.NAME.partial-…`) and
/// put there by [`StagedFile::finish`]. Dropped unfinished (an error on the way), it removes
/// its temporary file, so that several files can be written first and put in place only when
/// all of them are complete.
///
/// Writes are buffered; write errors name the final path.
#[derive(Debug)]
pub struct StagedFile {
    path: PathBuf,
    temp: PathBuf,
    out: Option<std::io::BufWriter<File>>,
}

impl StagedFile {
    /// Creates the temporary file for `path` (whose folder must exist).
    pub fn create(path: &Path, access: Access) -> Result<Self> {
        let temp = partial_path(path)?;
        let file = create_new(&temp, access)?;
        Ok(Self {
            path: path.to_path_buf(),
            temp,
            out: Some(std::io::BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the file to disk and puts it in place: renamed over an existing file with
    /// [`Existing::Replace`], else linked to its name, which fails, naming `what`, when a file
    /// of that name exists (even one that appeared while this one was being written).
    pub fn finish(mut self, existing: Existing, what: &str) -> Result<()> {
        let placed = self.sync().and_then(|()| match existing {
            Existing::Replace => {
                std::fs::rename(&self.temp, &self.path).map_err(|e| FileError::io(&self.path, &e))
            }
            Existing::Refuse | Existing::KeepSame => link_new(&self.temp, &self.path, what),
        });
        let _ = std::fs::remove_file(&self.temp);
        placed?;
        sync_dir(parent(&self.path));
        Ok(())
    }

    /// Flushes the buffer and the file to disk, and closes it.
    fn sync(&mut self) -> Result<()> {
        let out = self.out.take().ok_or_else(|| closed(&self.path))?;
        let file = out
            .into_inner()
            .map_err(|e| FileError::io(&self.path, e.error()))?;
        file.sync_all().map_err(|e| FileError::io(&self.path, &e))
    }
}

fn closed(path: &Path) -> FileError {
    FileError::Invalid {
        detail: format!("{}: written after it was closed", path.display()),
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.out {
            Some(out) => out.write(buf),
            None => Err(std::io::Error::other(closed(&self.path))),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.out {
            Some(out) => out.write_all(buf),
            None => Err(std::io::Error::other(closed(&self.path))),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.out {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if let Some(out) = self.out.take() {
            // Unfinished: the buffered bytes are discarded, not written.
            drop(out.into_parts());
            let _ = std::fs::remove_file(&self.temp);
        }
    }
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
