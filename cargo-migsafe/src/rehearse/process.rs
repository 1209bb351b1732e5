//! What the rehearsal runs and leaves behind: child processes (`cargo test`,
//! `git worktree`) each in a process group of its own, the signal handler
//! that stops that group on Ctrl-C / SIGTERM / SIGHUP, and the temporary git
//! worktree, removed on drop. The scratch database is `scratch`'s; the guards
//! are dropped on every way out of `run`, an interrupt included, because the
//! handler only records it and stops the child: the main thread unwinds.

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The process group of the running child (0: none).
static CHILD_GROUP: AtomicI32 = AtomicI32::new(0);

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("interrupted: the drill stopped, and what it made (scratch database, worktree) is removed")]
    Interrupted,
    #[error("cannot run `{command}`: {message}")]
    Spawn { command: String, message: String },
    #[error("`{command}` failed ({status}): {stderr}")]
    Failed { command: String, status: String, stderr: String },
    #[error("cannot install the signal handler: {0}")]
    Handler(String),
}

/// Record SIGINT, SIGTERM and SIGHUP instead of dying, and stop the running
/// child's process group (SIGTERM; a second signal sends SIGKILL).
pub fn install_handler() -> Result<(), ProcessError> {
    ctrlc::set_handler(|| {
        let again = INTERRUPTED.swap(true, Ordering::SeqCst);
        let signal = if again { Signal::SIGKILL } else { Signal::SIGTERM };
        kill_child_group(signal);
    })
    .map_err(|e| ProcessError::Handler(e.to_string()))
}

fn kill_child_group(signal: Signal) {
    let group = CHILD_GROUP.load(Ordering::SeqCst);
    if group > 0 {
        let _ = killpg(Pid::from_raw(group), signal);
    }
}

/// Whether an interrupt arrived: the caller stops at its next step.
pub fn check_interrupt() -> Result<(), ProcessError> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Err(ProcessError::Interrupted)
    } else {
        Ok(())
    }
}

/// A finished child: its status and what it printed.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The child was stopped because it ran past its time limit.
    pub timed_out: bool,
}

/// How long a group stopped with SIGTERM (at an interrupt or past its time)
/// has to end before it gets SIGKILL.
const GRACE: Duration = Duration::from_secs(5);

/// Run `cmd` in a process group of its own, echoing its output to our stderr
/// when `echo` is set, and collect it. Interrupted: the group is stopped and
/// this returns [`ProcessError::Interrupted`].
pub fn run(cmd: Command, echo: bool) -> Result<Output, ProcessError> {
    run_for(cmd, echo, None)
}

/// [`run`], stopping the child's group (SIGTERM, then SIGKILL after
/// [`GRACE`]) once it has run for `limit`: what it printed until then is
/// returned, with `timed_out` set.
pub fn run_for(mut cmd: Command, echo: bool, limit: Option<Duration>) -> Result<Output, ProcessError> {
    let shown = format!("{cmd:?}");
    check_interrupt()?;
    cmd.process_group(0).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| ProcessError::Spawn { command: shown.clone(), message: e.to_string() })?;
    let group = i32::try_from(child.id()).unwrap_or(0);
    CHILD_GROUP.store(group, Ordering::SeqCst);
    // A signal between the spawn and the store found no group to stop.
    if INTERRUPTED.load(Ordering::SeqCst) {
        kill_child_group(Signal::SIGTERM);
    }
    let out = child.stdout.take().map(|s| std::thread::spawn(move || collect(s, echo)));
    let err = child.stderr.take().map(|s| std::thread::spawn(move || collect(s, echo)));
    let (status, timed_out) = wait(&mut child, group, limit);
    CHILD_GROUP.store(0, Ordering::SeqCst);
    // Whatever of the group outlived cargo (a test binary after an
    // interrupt, a server a test started): none of it may hold the database.
    if group > 0 {
        let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
    }
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    check_interrupt()?;
    let status = status.map_err(|e| ProcessError::Spawn { command: shown, message: e.to_string() })?;
    Ok(Output { status, stdout, stderr, timed_out })
}

/// Wait for `child`; past `limit`, stop its group and say so.
fn wait(child: &mut Child, group: i32, limit: Option<Duration>) -> (std::io::Result<ExitStatus>, bool) {
    let Some(limit) = limit else { return (child.wait(), false) };
    let started = Instant::now();
    let mut stopped: Option<Instant> = None;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (Ok(status), stopped.is_some()),
            Ok(None) => {}
            Err(e) => return (Err(e), stopped.is_some()),
        }
        match stopped {
            None if started.elapsed() >= limit => {
                if group > 0 {
                    let _ = killpg(Pid::from_raw(group), Signal::SIGTERM);
                }
                stopped = Some(Instant::now());
            }
            Some(at) if at.elapsed() >= GRACE => {
                if group > 0 {
                    let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
                }
                let _ = child.kill();
                return (child.wait(), true);
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn collect(stream: impl Read, echo: bool) -> String {
    let mut all = String::new();
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { break };
        if echo {
            eprintln!("    {line}");
        }
        all.push_str(&line);
        all.push('\n');
    }
    all
}

/// Run `git` in `repo`; its failure is an error with git's message.
pub fn git(repo: &Path, args: &[&str]) -> Result<String, ProcessError> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(repo).args(args);
    let shown = format!("git {}", args.join(" "));
    let out = run(cmd, false)?;
    if !out.status.success() {
        return Err(ProcessError::Failed { command: shown, status: out.status.to_string(), stderr: out.stderr.trim().to_string() });
    }
    Ok(out.stdout)
}

/// A temporary folder holding N-1's git worktree (and anything else the
/// rehearsal puts beside it); the worktree is unregistered and the folder
/// deleted on drop.
pub struct Workspace {
    repo: PathBuf,
    pub dir: PathBuf,
    pub worktree: Option<PathBuf>,
}

impl Workspace {
    pub fn create(repo: &Path, name: &str) -> std::io::Result<Workspace> {
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir)?;
        Ok(Workspace { repo: repo.to_path_buf(), dir, worktree: None })
    }

    /// Check `sha` out in `<dir>/worktree`, detached.
    pub fn add_worktree(&mut self, sha: &str) -> Result<PathBuf, ProcessError> {
        let path = self.dir.join("worktree");
        // Registered before it exists: an interrupt during `git worktree add` is still cleaned up.
        self.worktree = Some(path.clone());
        git(&self.repo, &["worktree", "add", "--detach", "--quiet", &path.to_string_lossy(), sha])?;
        Ok(path)
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        // Not through `run`: an interrupt must not stop the cleanup.
        let git = |args: &[&str]| Command::new("git").arg("-C").arg(&self.repo).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status();
        if let Some(w) = &self.worktree {
            let _ = git(&["worktree", "remove", "--force", "--force", &w.to_string_lossy()]);
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            if e.kind() != std::io::ErrorKind::NotFound {
                eprintln!("error: could not remove {}: {e}", self.dir.display());
            }
        }
        if self.worktree.is_some() {
            let _ = git(&["worktree", "prune"]);
            eprintln!("removed the worktree {}", self.dir.join("worktree").display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether process `pid` is gone (or a zombie waiting for its parent).
    fn gone(pid: &str) -> bool {
        let started = Instant::now();
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // The state is the first field after the `(command)`.
            let state = stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next());
            if matches!(state, None | Some('Z' | 'X')) {
                return true;
            }
            if started.elapsed() > Duration::from_secs(5) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Past its limit a child's whole group is stopped, what it printed is
    /// kept, and the run says it timed out.
    #[test]
    fn a_child_past_its_limit_is_stopped_with_its_group() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo before; sleep 300 & echo $!; wait"]);
        let started = Instant::now();
        let out = run_for(cmd, false, Some(Duration::from_millis(500))).unwrap();
        assert!(out.timed_out);
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
        let mut lines = out.stdout.lines();
        assert_eq!(lines.next(), Some("before"));
        let background = lines.next().expect("the background sleep's pid");
        assert!(gone(background), "the group's background process {background} still runs");
    }

    /// A child that ignores SIGTERM gets SIGKILL after the grace period.
    #[test]
    fn a_child_that_ignores_sigterm_is_killed() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "trap '' TERM; sleep 300"]);
        let started = Instant::now();
        let out = run_for(cmd, false, Some(Duration::from_millis(200))).unwrap();
        assert!(out.timed_out);
        let took = started.elapsed();
        assert!(took >= GRACE && took < GRACE + Duration::from_secs(5), "took {took:?}");
    }

    /// Within its limit a child runs to its end as with no limit.
    #[test]
    fn a_child_within_its_limit_is_not_stopped() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo done; exit 3"]);
        let out = run_for(cmd, false, Some(Duration::from_secs(60))).unwrap();
        assert!(!out.timed_out);
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, "done\n");
    }
}
