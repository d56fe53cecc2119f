//! Where a command writes its output, written so that no failure damages a file.
//!
//! A regular file (or a new one) is written beside itself under a temporary name, flushed to disk, and renamed
//! over the target only once complete: a syntax error in the input, a full disk or a SIGTERM leaves the
//! previous file exactly as it was (a file size limit, SIGXFSZ, fails like a full disk). A symbolic link is followed (the file it names is replaced, the link stays).
//! A device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`) is written in place and never removed or
//! truncated. The temporary file is the only file harlens ever deletes; SIGINT, SIGTERM and SIGHUP delete it
//! too before the process ends.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, PoisonError};

/// Temporary files being written, removed by the signal handler.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static SIGNALS: Once = Once::new();

/// An output being written: [`Output::commit`] puts it in place; dropping it (an error) leaves the target as
/// it was.
#[derive(Debug)]
pub struct Output {
    sink: Sink,
    /// The target as the user named it, for messages.
    shown: String,
}

#[derive(Debug)]
enum Sink {
    Stdout(io::Stdout),
    /// A regular file, replaced on commit.
    Replace {
        file: File,
        temporary: PathBuf,
        target: PathBuf,
        existed: bool,
    },
    /// A device, FIFO or socket, written in place.
    InPlace(File),
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Self {
        Output { sink: Sink::Stdout(io::stdout()), shown: "standard output".to_owned() }
    }

    /// `path`, refused when it is one of `inputs` (the same file by device and inode, whatever the names:
    /// a hard link or a symbolic link to an input is the input). Nothing is written to `path` before
    /// [`Output::commit`].
    pub fn file(path: &Path, inputs: &[&Path]) -> Result<Self, String> {
        let shown = path.display().to_string();
        if let Some(input) = inputs.iter().find(|input| same_file(path, input)) {
            let input = input.display();
            return Err(if input.to_string() == shown {
                format!("{shown}: the output would overwrite the input")
            } else {
                format!("{shown}: the output would overwrite the input {input} (the same file)")
            });
        }
        let sink = match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => return Err(format!("{shown}: is a directory, expected a file")),
            // A rename could replace it, but the user made it read-only: it is not ours to replace.
            Ok(meta) if meta.is_file() && meta.permissions().readonly() => {
                return Err(format!("{shown}: is read-only; it was left as it was"))
            }
            Ok(meta) if meta.is_file() => {
                // The file a symbolic link names is replaced, never the link.
                let target = fs::canonicalize(path).map_err(|e| format!("{shown}: {e}"))?;
                replace(&target, Some(meta.permissions()), &shown)?
            }
            Ok(_) => Sink::InPlace(
                OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| format!("{shown}: cannot open: {e}"))?,
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if fs::symlink_metadata(path).is_ok() {
                    return Err(format!("{shown}: is a symbolic link to a missing file"));
                }
                replace(path, None, &shown)?
            }
            Err(e) => return Err(format!("{shown}: {e}")),
        };
        Ok(Output { sink, shown })
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_))
    }

    /// The target as the user named it.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Makes the output final: flushes it (to disk, for a file) and renames it over the target.
    pub fn commit(mut self) -> Result<(), String> {
        let shown = self.shown.clone();
        let failed = |e: io::Error| format!("{shown}: cannot write: {e}");
        match &mut self.sink {
            Sink::Stdout(out) => match out.flush() {
                // A closed pipe (`| head`) is not an error worth reporting.
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(format!("cannot write to standard output: {e}"))
                }
                _ => {}
            },
            Sink::InPlace(file) => file.flush().map_err(failed)?,
            Sink::Replace { file, temporary, target, .. } => {
                // sync_all: a crash right after the rename must not leave an empty file under the name.
                file.flush().and_then(|()| file.sync_all()).map_err(failed)?;
                fs::rename(&*temporary, &*target).map_err(|e| format!("{shown}: cannot replace: {e}"))?;
                forget(temporary);
                temporary.clear();
            }
        }
        Ok(())
    }

    /// What became of the target when the output is dropped unfinished, for the error message.
    pub fn abandoned(&self) -> Option<String> {
        match &self.sink {
            Sink::Stdout(_) => None,
            Sink::Replace { existed: true, .. } => Some(format!("{} was left as it was", self.shown)),
            Sink::Replace { existed: false, .. } => Some(format!("{} was not created", self.shown)),
            Sink::InPlace(_) => Some(format!("{}: what was written to it is incomplete", self.shown)),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(out) => out.write(buf),
            Sink::Replace { file, .. } | Sink::InPlace(file) => file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(out) => out.lock().write_all(buf),
            Sink::Replace { file, .. } | Sink::InPlace(file) => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::Replace { file, .. } | Sink::InPlace(file) => file.flush(),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::Replace { temporary, .. } = &self.sink {
            if !temporary.as_os_str().is_empty() {
                let _ = fs::remove_file(temporary);
                forget(temporary);
            }
        }
    }
}

/// A new temporary file beside `target`, with the permissions of the file it will replace.
fn replace(target: &Path, permissions: Option<fs::Permissions>, shown: &str) -> Result<Sink, String> {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = target.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    on_signals();
    let created = create_free(dir, OpenOptions::new().write(true), |attempt| {
        format!(".{name}.harlens-{}-{attempt}.tmp", std::process::id())
    })
    .map_err(|e| {
        format!("{shown}: cannot create a temporary file in {} to write it safely: {e}", dir.display())
    })?;
    let Some((file, temporary)) = created else {
        return Err(format!("{shown}: cannot find a free temporary name in {}", dir.display()));
    };
    // Remembered once created, never before: a name that was taken is someone else's file.
    remember(&temporary);
    if let Some(permissions) = &permissions {
        // Best effort: a file we cannot chmod is still a correct output.
        let _ = file.set_permissions(permissions.clone());
    }
    let existed = permissions.is_some();
    Ok(Sink::Replace { file, temporary, target: target.to_path_buf(), existed })
}

/// A new file in `dir` under the first of 100 names `name(attempt)` that is free (created, never opened: a
/// name that exists is someone else's file), or `None` when none is. Not remembered for removal: the caller
/// decides.
fn create_free(
    dir: &Path,
    options: &OpenOptions,
    name: impl Fn(u32) -> String,
) -> io::Result<Option<(File, PathBuf)>> {
    for attempt in 0..100u32 {
        let path = dir.join(name(attempt));
        match options.clone().create_new(true).open(&path) {
            Ok(file) => return Ok(Some((file, path))),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// True when both paths name one existing file (device and inode), whatever links lead to it.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => file_id(&a) == file_id(&b),
        _ => false,
    }
}

#[cfg(unix)]
fn file_id(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &fs::Metadata) -> Option<(u64, u64)> {
    // Without inode numbers two files are never taken for one; the canonical paths are compared instead.
    None
}

/// A temporary file for standard input, read twice by `redact`: on Unix it has no name from the start, so
/// nothing is left behind whatever happens.
pub fn spool() -> Result<(File, Option<PathBuf>), String> {
    on_signals();
    let dir = std::env::temp_dir();
    let created = create_free(&dir, OpenOptions::new().read(true).write(true), |attempt| {
        format!("harlens-stdin-{}-{attempt}.tmp", std::process::id())
    })
    .map_err(|e| format!("cannot create a temporary file in {} for standard input: {e}", dir.display()))?;
    let Some((file, path)) = created else {
        return Err(format!("cannot find a free temporary name in {}", dir.display()));
    };
    if cfg!(unix) && fs::remove_file(&path).is_ok() {
        return Ok((file, None));
    }
    remember(&path);
    Ok((file, Some(path)))
}

/// Removes a temporary file made by [`spool`] that has a name.
pub fn remove_spool(path: &Path) {
    let _ = fs::remove_file(path);
    forget(path);
}

fn remember(path: &Path) {
    TEMPORARY.lock().unwrap_or_else(PoisonError::into_inner).push(path.to_path_buf());
}

fn forget(path: &Path) {
    TEMPORARY.lock().unwrap_or_else(PoisonError::into_inner).retain(|p| p != path);
}

/// Installs, once, the handler that removes the temporary files when the process is told to stop.
#[cfg(unix)]
fn on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    SIGNALS.call_once(|| {
        // A file past the size limit (`ulimit -f`) must fail its write like a full disk, not kill the
        // process before it can remove its temporary file: a handler that only sets a flag does that.
        let _ = signal_hook::flag::register(
            signal_hook::consts::SIGXFSZ,
            std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        );
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                for path in TEMPORARY.lock().unwrap_or_else(PoisonError::into_inner).drain(..) {
                    let _ = fs::remove_file(path);
                }
                std::process::exit(128 + signal);
            }
        });
    });
}

#[cfg(not(unix))]
fn on_signals() {
    SIGNALS.call_once(|| {});
}
