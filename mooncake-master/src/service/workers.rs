//! The master's background work as named workers on one runner: eviction, client liveness, put
//! timeouts and segment drains. Each reports how often it ran and what it last did, for metrics and
//! operators; all stop when the runner's cancel token fires.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::MasterService;

/// What a worker reports.
#[derive(Debug, Default)]
pub struct WorkerStatus {
    pub name: &'static str,
    /// Completed iterations.
    pub runs: AtomicU64,
    /// Items handled in total (objects evicted, clients expired, puts released, segments drained).
    pub items: AtomicU64,
}

/// The running workers.
#[derive(Debug)]
pub struct Workers {
    statuses: Vec<Arc<WorkerStatus>>,
    tasks: JoinSet<()>,
}

impl Workers {
    /// Starts every worker for `service`; they run until `cancel` fires.
    pub fn spawn(service: Arc<MasterService>, cancel: CancellationToken) -> Self {
        let mut workers = Self {
            statuses: Vec::new(),
            tasks: JoinSet::new(),
        };
        let ttl = service.config().client_ttl;
        workers.add(
            "eviction",
            Duration::from_secs(1),
            &service,
            &cancel,
            Some(eviction_step),
        );
        workers.add(
            "liveness",
            (ttl / 4).clamp(Duration::from_millis(10), Duration::from_secs(1)),
            &service,
            &cancel,
            None,
        );
        workers.add(
            "put-timeouts",
            Duration::from_secs(1),
            &service,
            &cancel,
            Some(|s: &MasterService| s.release_expired_puts()),
        );
        workers.add(
            "drains",
            Duration::from_millis(100),
            &service,
            &cancel,
            Some(|s: &MasterService| s.finish_drains() as u64),
        );
        workers
    }

    fn add(
        &mut self,
        name: &'static str,
        period: Duration,
        service: &Arc<MasterService>,
        cancel: &CancellationToken,
        step: Option<fn(&MasterService) -> u64>,
    ) {
        let status = Arc::new(WorkerStatus {
            name,
            ..WorkerStatus::default()
        });
        self.statuses.push(status.clone());
        let (service, cancel) = (service.clone(), cancel.clone());
        self.tasks.spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
            let mut last = Instant::now();
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tick.tick() => {}
                    // Eviction also runs as soon as a put crosses the watermark.
                    _ = service.eviction_wanted(), if name == "eviction" => {}
                }
                let items = match step {
                    Some(step) => step(&service),
                    None => liveness_step(&service, &mut last),
                };
                status.runs.fetch_add(1, Ordering::Relaxed);
                status.items.fetch_add(items, Ordering::Relaxed);
            }
        });
    }

    pub fn statuses(&self) -> &[Arc<WorkerStatus>] {
        &self.statuses
    }

    /// Waits for every worker to stop (after cancellation).
    pub async fn join(mut self) {
        while self.tasks.join_next().await.is_some() {}
    }
}

fn eviction_step(service: &MasterService) -> u64 {
    service.evict(None).keys
}

/// Expires silent clients, unless this worker itself was held up for longer than `client_ttl`: then
/// the master stalled, the silence is its own, and every client gets a fresh TTL instead.
fn liveness_step(service: &MasterService, last: &mut Instant) -> u64 {
    let now = Instant::now();
    let gap = now - *last;
    *last = now;
    if gap > service.config().client_ttl {
        tracing::warn!(
            stall_ms = gap.as_millis() as u64,
            "master was stalled longer than client_ttl; not expiring clients for it"
        );
        service.forgive_stall();
        return 0;
    }
    service.expire_silent_clients().len() as u64
}
