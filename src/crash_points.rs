//! Crash points for the kill tests, compiled into debug builds only (in
//! release builds [`reached`] does nothing). With `ROLECALL_KILL_AT=N` in
//! the environment, the process aborts at the N-th crash point it reaches;
//! with `ROLECALL_KILL_AT=NAME` or `NAME:K`, at the first (or K-th) time it
//! reaches the point of that name. Aborting runs no destructor and removes
//! no temporary file, as when the process is killed (`SIGKILL`): the tests
//! (`tests/integration/kill.rs`) show that the next run repairs whatever a
//! run stopped there leaves.

/// Marks a step of a writing run (`name`: what was just done).
#[cfg(debug_assertions)]
pub fn reached(name: &str) {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    enum Target {
        Nth(usize),
        Named(String, usize),
    }
    static TARGET: OnceLock<Option<Target>> = OnceLock::new();
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static NAMED: AtomicUsize = AtomicUsize::new(0);
    let target = TARGET.get_or_init(|| {
        let value = std::env::var("ROLECALL_KILL_AT").ok()?;
        let value = value.trim();
        if let Ok(n) = value.parse() {
            return Some(Target::Nth(n));
        }
        let (name, k) = value.split_once(':').unwrap_or((value, "1"));
        Some(Target::Named(name.to_owned(), k.parse().ok()?))
    });
    let count = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
    let hit = match target {
        None => false,
        Some(Target::Nth(n)) => count == *n,
        Some(Target::Named(wanted, k)) => {
            wanted == name && NAMED.fetch_add(1, Ordering::SeqCst) + 1 == *k
        }
    };
    if hit {
        eprintln!("rolecall: killed at crash point {count} ({name}) (ROLECALL_KILL_AT)");
        std::process::abort();
    }
}

/// Marks a step of a writing run; release builds have no crash points.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn reached(_name: &str) {}
