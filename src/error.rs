//! The error type every command returns, and the exit status each maps to.
//!
//! DESIGN.md fixes the exit statuses: 0 success, 2 bad input (scenario file,
//! flag, value), 1 any other failure; 130 is added for an interrupted run.

use std::fmt;

/// What went wrong, sorted by who can fix it.
#[derive(Debug)]
pub enum FanoutError {
    /// The user's input is wrong: a flag, a scenario key or value, a path.
    /// The message is one line naming the file, key or flag, the value and
    /// what is allowed. Exit status 2.
    Input(String),
    /// Anything else: I/O failure while writing results, an internal error.
    /// Exit status 1.
    Failure(String),
    /// The user pressed Ctrl-C; finished work was written. Exit status 130.
    Interrupted,
}

impl FanoutError {
    /// Shorthand for [`FanoutError::Input`].
    pub fn input(msg: impl Into<String>) -> Self {
        FanoutError::Input(msg.into())
    }
    /// Shorthand for [`FanoutError::Failure`].
    pub fn failure(msg: impl Into<String>) -> Self {
        FanoutError::Failure(msg.into())
    }
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            FanoutError::Input(_) => 2,
            FanoutError::Failure(_) => 1,
            FanoutError::Interrupted => 130,
        }
    }
}

impl fmt::Display for FanoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FanoutError::Input(m) | FanoutError::Failure(m) => f.write_str(m),
            FanoutError::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for FanoutError {}

/// Result alias used by every command.
pub type Result<T> = std::result::Result<T, FanoutError>;
