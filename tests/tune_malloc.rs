//! `torch::tune_malloc` must stop glibc from handing large freed blocks back to the kernel,
//! on the main thread and on threads started after it. No test harness (`harness = false`
//! in Cargo.toml): the harness runs tests on threads it started first, and glibc fixes its
//! arena limit when the second thread allocates, so this must run on a clean main thread.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn main() {
    // Untuned first, so the checks below can tell a difference.
    let untuned = faults_of_three_rounds();
    assert!(reportage::torch::tune_malloc());
    let tuned = faults_of_three_rounds();
    let tuned_thread = std::thread::spawn(faults_of_three_rounds).join().unwrap();
    // Untuned, each round faults most of its 96 MiB back in (about 24,500 faults of 4 KiB
    // a round were seen); tuned, the blocks are reused.
    assert!(untuned > 10_000, "only {untuned} page faults untuned");
    assert!(
        tuned < 2_000,
        "{tuned} page faults on the main thread, tuned"
    );
    assert!(
        tuned_thread < 2_000,
        "{tuned_thread} page faults on a new thread, tuned"
    );
    println!("page faults in 3 rounds: untuned {untuned}, tuned {tuned}, tuned on a new thread {tuned_thread}");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() {
    assert!(!reportage::torch::tune_malloc());
}

/// Minor page faults of this process so far (field 10 of `/proc/self/stat`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // The command name may hold spaces; the fields after it do not.
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    after_name.split(' ').nth(7).unwrap().parse().unwrap()
}

/// Several 24 MiB blocks alive at once, written to, then all freed: the pattern of a
/// forward pass that made the default glibc trim and re-fault its heap on every layer.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn forward_like_round() {
    let blocks: Vec<Vec<u8>> = (0..4).map(|i| vec![i as u8 + 1; 24 << 20]).collect();
    let sum: u64 = blocks.iter().map(|b| b[b.len() / 2] as u64).sum();
    assert_eq!(sum, 1 + 2 + 3 + 4);
}

/// Page faults of three rounds after a warm-up round.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn faults_of_three_rounds() -> u64 {
    forward_like_round();
    let before = minor_faults();
    for _ in 0..3 {
        forward_like_round();
    }
    minor_faults() - before
}
