//! Process-wide allocator tuning for CPU inference (glibc only).

/// Make glibc keep the large blocks libtorch frees, so the next forward pass reuses them
/// instead of faulting fresh pages in. Returns `true` where it took effect (Linux with
/// glibc), `false` elsewhere, where it does nothing.
///
/// Why: a transformer forward pass allocates and frees tens of megabytes per operation.
/// By default glibc hands such blocks back to the kernel as soon as more than twice the
/// last freed block sits free at the top of the heap, and rust-bert's composed activations
/// keep several such temporaries alive at once, so that happens on every layer: the next
/// allocation page-faults the memory back in, zeroed. On a BERT-base batch of 32 sentences
/// that was about 135,000 page faults (half a gigabyte of zeroing) per forward pass and a
/// sixth of its time (see BENCHMARKS.md).
///
/// What: blocks up to 32 MiB (the most glibc allows) come from the heap rather than their
/// own `mmap`, up to 1 GiB of free heap is kept before any is returned to the kernel, and
/// threads started from now on share the main heap (one arena): a thread's own arena gives
/// whole 64 MiB heaps back as soon as they empty, which is the same churn again. The costs:
/// the process stays at its peak heap size, as it would with jemalloc or tcmalloc, and
/// threads share one allocator lock for blocks too big for their per-thread caches.
///
/// This changes the allocator of the whole process, which is why the crate never calls it
/// on its own: call it once at start-up, before the program starts threads, in a program
/// that runs models. It overrides any `GLIBC_TUNABLES` or `MALLOC_*_` settings for these
/// three parameters.
///
/// ```
/// let tuned = reportage::torch::tune_malloc();
/// assert_eq!(tuned, cfg!(all(target_os = "linux", target_env = "gnu")));
/// ```
pub fn tune_malloc() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::c_int;
        // Parameter numbers from glibc's <malloc.h>.
        const M_TRIM_THRESHOLD: c_int = -1;
        const M_MMAP_THRESHOLD: c_int = -3;
        const M_ARENA_MAX: c_int = -8;
        extern "C" {
            fn mallopt(param: c_int, value: c_int) -> c_int;
        }
        let settings = [
            (M_MMAP_THRESHOLD, 32 << 20),
            (M_TRIM_THRESHOLD, 1 << 30),
            (M_ARENA_MAX, 1),
        ];
        // Every setting is applied even if one is rejected, so a refusal costs only itself.
        // SAFETY: mallopt takes two integers and changes allocator parameters under
        // glibc's own arena lock; it returns 1 on success and 0 for a rejected value.
        let accepted = settings.map(|(param, value)| unsafe { mallopt(param, value) } == 1);
        accepted.iter().all(|&ok| ok)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
