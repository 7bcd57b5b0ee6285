//! Monotonic milliseconds since the master started, from tokio's clock so that tests can pause and
//! advance time (`tokio::time::pause`) and exercise leases, TTLs and timeouts without sleeping.

use tokio::time::Instant;

/// The master's notion of "now".
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
}

impl Clock {
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }

    /// Milliseconds since the clock was created; never 0, so 0 can mean "unset".
    pub fn now_ms(&self) -> u64 {
        self.origin.elapsed().as_millis() as u64 + 1
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}
