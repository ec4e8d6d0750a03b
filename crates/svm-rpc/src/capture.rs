//! The natively-registered program's `msg!` output (Anchor's instruction names and
//! `AnchorError` lines among it) is printed to this process's stdout, because `solana-msg`
//! prints on non-SBF targets. `Capture` redirects stdout into a pipe, collects what the program
//! prints while one transaction executes (transactions run one at a time), and `splice` puts it
//! into that transaction's logs as `Program log: ...` lines, where clients look for it.

use std::{
    fs::File,
    io::{BufRead, BufReader, Write},
    os::fd::FromRawFd,
    sync::{Arc, Condvar, Mutex},
    time::Duration,
};

const MARKER: &str = "\u{1}svm-rpc-capture-end ";

#[derive(Default)]
struct State {
    lines: Vec<String>,
    seen: u64,
    next: u64,
}

#[derive(Clone)]
pub struct Capture {
    inner: Arc<(Mutex<State>, Condvar)>,
}

impl Capture {
    /// Redirects stdout into a pipe read by a thread; returns the capture and a handle on the
    /// original stdout for this process's own output.
    pub fn install() -> std::io::Result<(Self, File)> {
        // SAFETY: plain POSIX fd calls on fds this function owns; checked for errors.
        let (real, read_end) = unsafe {
            let real = libc::dup(1);
            let mut fds = [0; 2];
            if real < 0 || libc::pipe(fds.as_mut_ptr()) != 0 || libc::dup2(fds[1], 1) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(fds[1]);
            (File::from_raw_fd(real), File::from_raw_fd(fds[0]))
        };
        let capture = Capture {
            inner: Arc::new((Mutex::new(State::default()), Condvar::new())),
        };
        let inner = capture.inner.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(read_end).lines() {
                let Ok(line) = line else { break };
                let (state, cv) = &*inner;
                let mut s = state.lock().unwrap();
                if let Some(seq) = line.strip_prefix(MARKER) {
                    s.seen = seq.parse().unwrap_or(s.seen);
                    cv.notify_all();
                } else {
                    s.lines.push(line);
                }
            }
        });
        Ok((capture, real))
    }

    /// Starts collecting for one execution.
    pub fn begin(&self) {
        self.inner.0.lock().unwrap().lines.clear();
    }

    /// Everything the program printed since `begin`.
    pub fn end(&self) -> Vec<String> {
        let (state, cv) = &*self.inner;
        let seq = {
            let mut s = state.lock().unwrap();
            s.next += 1;
            s.next
        };
        println!("{MARKER}{seq}");
        let _ = std::io::stdout().flush();
        let s = state.lock().unwrap();
        let (mut s, _) = cv
            .wait_timeout_while(s, Duration::from_secs(2), |s| s.seen < seq)
            .unwrap();
        std::mem::take(&mut s.lines)
    }
}

/// Inserts the program's printed lines before the first line that closes an invocation of
/// `program_id` (`consumed`, `success` or `failed`). With several top-level instructions of
/// the program in one transaction, all lines land at the first one.
pub fn splice(mut logs: Vec<String>, printed: Vec<String>, program_id: &str) -> Vec<String> {
    if printed.is_empty() {
        return logs;
    }
    let prefix = format!("Program {program_id} ");
    let at = logs
        .iter()
        .position(|l| {
            l.starts_with(&prefix)
                && (l.contains(" consumed ") || l.ends_with(" success") || l.contains(" failed"))
        })
        .unwrap_or(logs.len());
    let lines = printed.into_iter().map(|l| format!("Program log: {l}"));
    logs.splice(at..at, lines);
    logs
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn splices_before_the_closing_line() {
        let logs = vec![
            "Program P invoke [1]".to_string(),
            "Program T invoke [2]".to_string(),
            "Program T success".to_string(),
            "Program P failed: custom program error: 0x1770".to_string(),
        ];
        let out = splice(logs, vec!["AnchorError occurred.".into()], "P");
        assert_eq!(out[3], "Program log: AnchorError occurred.");
        assert_eq!(out[4], "Program P failed: custom program error: 0x1770");
    }
}
