//! [`blocking`]: run blocking work (a transfer, joining server threads) from async code on the
//! calling thread — `block_in_place` on Tokio's multi-thread runtime, inline elsewhere.

/// Runs `f` on this thread. On a multi-thread runtime the worker hands its other tasks away first
/// (`block_in_place`); on a current-thread runtime, or outside any runtime, `f` simply runs inline,
/// which is what a single-threaded caller wants (no cross-thread hand-off).
pub fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::blocking;

    #[test]
    fn runs_inline_outside_a_runtime() {
        assert_eq!(blocking(|| 7), 7);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn runs_inline_on_a_current_thread_runtime() {
        assert_eq!(blocking(|| 8), 8);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn uses_block_in_place_on_a_multi_thread_runtime() {
        assert_eq!(blocking(|| 9), 9);
    }
}
