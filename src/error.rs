//! The error type every command returns; its kind, not the caller, decides
//! the exit status.
//!
//! Exit statuses: 0 success, 2 bad input (scenario file, flag, value),
//! 1 resource exhaustion or any other failure, 130 an interrupted run (Ctrl-C
//! or SIGTERM). A
//! reader that closes standard output early (`fanout run ... | head -1`) is
//! not a failure: the command stops quietly with status 0, as ripgrep does.

use std::io;

/// What went wrong, sorted by who can fix it.
#[derive(Debug, thiserror::Error)]
pub enum FanoutError {
    /// The user's input is wrong: a flag, a scenario key or value, a path.
    /// The message is one line naming the file, key or flag, the value and
    /// what is allowed. Exit status 2.
    #[error("{0}")]
    Input(String),
    /// The machine ran out of something the input is entitled to: memory
    /// while building the follower graph, for example. Not the user's typo,
    /// so not status 2. Exit status 1.
    #[error("{0}")]
    Resource(String),
    /// Anything else: I/O failure while writing results, an internal error.
    /// Exit status 1.
    #[error("{0}")]
    Failure(String),
    /// The reader of standard output went away (a closed pipe). Nothing is
    /// printed and the exit status is 0: the reader asked for no more.
    #[error("standard output was closed")]
    BrokenPipe,
    /// The user pressed Ctrl-C, or the process got SIGTERM (a scheduler
    /// stopping it); finished work was written. Exit status 130 for both,
    /// so a script can tell an interruption from a failure.
    #[error("interrupted")]
    Interrupted,
}

impl FanoutError {
    /// The message as the one line the contract promises: a value the user
    /// typed may hold a newline or a carriage return (a path, a `--set`
    /// value), which is shown escaped (`\n`, `\r`) instead of breaking the
    /// line, so every message is one line whatever the input.
    pub fn one_line(&self) -> String {
        let text = self.to_string();
        if !text.contains(['\n', '\r']) {
            return text;
        }
        text.replace('\n', "\\n").replace('\r', "\\r")
    }

    /// The error of writing the output a flag names, with the flag in front
    /// (`--json /dev/full: No space left on device`), so the message says
    /// which output failed.
    pub fn for_flag(self, flag: &str) -> FanoutError {
        match self {
            FanoutError::Input(m) => FanoutError::Input(format!("{flag} {m}")),
            FanoutError::Resource(m) => FanoutError::Resource(format!("{flag} {m}")),
            FanoutError::Failure(m) => FanoutError::Failure(format!("{flag} {m}")),
            other => other,
        }
    }

    /// Shorthand for [`FanoutError::Input`].
    pub fn input(msg: impl Into<String>) -> Self {
        FanoutError::Input(msg.into())
    }
    /// Shorthand for [`FanoutError::Failure`].
    pub fn failure(msg: impl Into<String>) -> Self {
        FanoutError::Failure(msg.into())
    }
    /// Shorthand for [`FanoutError::Resource`].
    pub fn resource(msg: impl Into<String>) -> Self {
        FanoutError::Resource(msg.into())
    }
    /// An error writing to standard output: a closed pipe becomes
    /// [`FanoutError::BrokenPipe`], anything else a failure naming `what`.
    pub fn stdout(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            FanoutError::BrokenPipe
        } else {
            FanoutError::failure(format!("writing to standard output: {e}"))
        }
    }
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            FanoutError::Input(_) => 2,
            FanoutError::Resource(_) | FanoutError::Failure(_) => 1,
            FanoutError::BrokenPipe => 0,
            FanoutError::Interrupted => 130,
        }
    }
    /// Whether the error deserves a message on standard error (a closed
    /// pipe does not).
    pub fn is_reported(&self) -> bool {
        !matches!(self, FanoutError::BrokenPipe)
    }
}

/// Result alias used by every command.
pub type Result<T> = std::result::Result<T, FanoutError>;

#[cfg(test)]
mod tests {
    #[test]
    fn a_newline_in_a_value_keeps_the_message_on_one_line() {
        let e = super::FanoutError::input("--strategy re\nad\r: unknown strategy");
        assert_eq!(e.one_line(), "--strategy re\\nad\\r: unknown strategy");
        assert!(!e.one_line().contains(['\n', '\r']));
    }
    use super::*;

    #[test]
    fn the_kind_decides_the_exit_status() {
        assert_eq!(FanoutError::input("x").exit_code(), 2);
        assert_eq!(FanoutError::resource("x").exit_code(), 1);
        assert_eq!(FanoutError::failure("x").exit_code(), 1);
        assert_eq!(FanoutError::Interrupted.exit_code(), 130);
        let pipe = FanoutError::stdout(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(pipe.exit_code(), 0);
        assert!(!pipe.is_reported());
        assert_eq!(FanoutError::input("one line").to_string(), "one line");
    }
}
