//! Ctrl-C and SIGTERM: the first asks running simulations to stop at their
//! next check so finished results can be written; a second exits at once.
//! SIGTERM is what a cluster scheduler (Slurm at a time limit, Kubernetes
//! evicting a pod) sends before killing a task, so it is handled exactly
//! as Ctrl-C (ctrlc's `termination` feature): the finished rows are
//! written, the run exits with status 130, and `sweep --resume` can carry
//! on from the file. SIGHUP is handled the same way by that feature.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The flag Ctrl-C (or SIGTERM) sets, shared by every simulation of the process. The
/// handler is installed on first use.
pub fn flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = flag.clone();
        // If a handler cannot be installed, Ctrl-C simply kills the process
        // as usual; results are still never half-written (atomic outputs).
        let _ = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\nfanout: interrupted; finishing up (Ctrl-C again to quit at once)");
        });
        flag
    })
    .clone()
}

/// Whether Ctrl-C has been pressed.
pub fn requested(flag: &AtomicBool) -> bool {
    flag.load(Ordering::Relaxed)
}
