//! Helpers shared by the modules that run the real binary.

use std::io::Read;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Sends `signal` (`INT`, `TERM`) to `child` after `after`, waits for it to
/// exit (at most a minute), and returns its status code and standard error.
pub fn signal_and_wait(mut child: Child, signal: &str, after: Duration) -> (Option<i32>, String) {
    std::thread::sleep(after);
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code();
        }
        assert!(Instant::now() < deadline, "did not stop after SIG{signal}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (code, err)
}
