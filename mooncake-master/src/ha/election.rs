//! The election loop of one HA master: follow the leader while there is one, campaign when the view
//! is empty, lead while keep-alives succeed, step down the moment one fails.
//!
//! Leadership rules: a master that wins the view is leader only after its first successful
//! keep-alive; it answers requests only until `keep-alive sent + TTL − margin`, so a leader cut off
//! from the backend stops serving before its lease can expire and a standby can win (the fence); when
//! a keep-alive fails or finds the view taken it steps down before anything else. A standby that
//! never received the leader's metadata waits a moment before campaigning, so one that did wins.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use mooncake_engine::metadata::master_view::{Leadership, MasterView, ViewStore};
use mooncake_proto::master::MetadataImage;
use tokio_util::sync::CancellationToken;

use super::follower::{self, FollowError, FollowerState};
use super::replication::Replication;
use super::state::{HaPhase, HaState};
use crate::service::MasterService;

/// How often a standby looks at the view.
const POLL: Duration = Duration::from_millis(200);
/// Extra wait of a standby without the leader's metadata before it campaigns.
const UNSYNCED_DELAY: Duration = Duration::from_secs(1);
/// Pause after a backend error.
const BACKEND_RETRY: Duration = Duration::from_secs(1);

/// Everything the loop works with.
pub struct Election {
    pub store: ViewStore,
    pub state: Arc<HaState>,
    pub service: Arc<MasterService>,
    pub replication: Arc<Replication>,
    /// Lease TTL of the view.
    pub ttl: Duration,
    /// The name standbys give the leader (logs).
    pub name: String,
    /// Metadata for the first leader of a cluster (a restored snapshot), used when no leader's
    /// metadata was ever received.
    pub initial: Option<MetadataImage>,
    /// The snapshot writer, allowed to write only while this master serves as leader.
    pub snapshots: Option<Arc<crate::snapshot::Snapshotter>>,
}

async fn pause(cancel: &CancellationToken, how_long: Duration) {
    tokio::select! {
        _ = cancel.cancelled() => {}
        _ = tokio::time::sleep(how_long) => {}
    }
}

impl Election {
    /// Runs until `cancel`; a leader releases the view on the way out so a standby takes over at once.
    pub async fn run(mut self, cancel: CancellationToken) {
        // Shared with the follower thread while following.
        let copy = Arc::new(Mutex::new(FollowerState::default()));
        let mut last_error = String::new();
        // The newest view version seen: a copy taken under an older leader is not current.
        let mut newest_view = 0i64;
        while !cancel.is_cancelled() {
            self.state.set_phase(HaPhase::Standby);
            match self.store.current().await {
                Ok(Some(view)) => {
                    newest_view = newest_view.max(view.version);
                    self.state.set_leader(Some(view.leader.clone()), view.version);
                    if view.leader == self.state.address() {
                        // Our own entry from an earlier life: wait for its lease to lapse.
                        pause(&cancel, POLL).await;
                        continue;
                    }
                    if let Some(error) = self.follow_while_current(&view, &copy, &cancel).await {
                        let text = error.to_string();
                        if text != last_error {
                            tracing::warn!(%error, "standby cannot follow the leader; retrying");
                            last_error = text;
                        }
                        pause(&cancel, POLL).await;
                    } else {
                        last_error.clear();
                    }
                }
                Ok(None) => {
                    self.state.set_leader(None, 0);
                    let current = {
                        let copy = copy.lock();
                        copy.synced && copy.view_version >= newest_view
                    };
                    if !current {
                        pause(&cancel, UNSYNCED_DELAY).await;
                        if cancel.is_cancelled() || !matches!(self.store.current().await, Ok(None)) {
                            continue;
                        }
                    }
                    match self.store.acquire(self.state.address(), self.ttl).await {
                        Ok(Some(leadership)) => {
                            let taken = std::mem::take(&mut *copy.lock());
                            let next = self.lead(leadership, taken, &cancel).await;
                            *copy.lock() = next;
                        }
                        Ok(None) => {}
                        Err(error) => {
                            tracing::warn!(%error, "cannot campaign for leadership");
                            pause(&cancel, BACKEND_RETRY).await;
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot read the master view");
                    pause(&cancel, BACKEND_RETRY).await;
                }
            }
        }
    }

    /// Follows `view`'s leader until the view changes; `Some` when following itself failed.
    async fn follow_while_current(
        &self,
        view: &MasterView,
        copy: &Arc<Mutex<FollowerState>>,
        cancel: &CancellationToken,
    ) -> Option<FollowError> {
        let stop = Arc::new(AtomicBool::new(false));
        let follow = {
            let (leader, name, copy, stop) =
                (view.leader.clone(), self.name.clone(), copy.clone(), stop.clone());
            tokio::task::spawn_blocking(move || follower::follow(&leader, &name, &copy, &stop))
        };
        tokio::pin!(follow);
        // Stops the follower thread and waits for it (it looks at `stop` every 200 ms).
        let halt = async |follow: std::pin::Pin<&mut tokio::task::JoinHandle<FollowError>>| {
            stop.store(true, Ordering::Relaxed);
            let _ = follow.await;
        };
        loop {
            tokio::select! {
                _ = cancel.cancelled() => {
                    halt(follow.as_mut()).await;
                    return None;
                }
                ended = &mut follow => return ended.ok(),
                _ = tokio::time::sleep(POLL) => match self.store.current().await {
                    Ok(Some(now)) if &now == view => {}
                    // A backend hiccup is no reason to stop following.
                    Err(_) => {}
                    _ => {
                        halt(follow.as_mut()).await;
                        return None;
                    }
                },
            }
        }
    }

    /// One keep-alive, bounded by a third of the TTL; `true` when leadership was renewed in time
    /// (a renewal that comes back after this master stopped trusting its lease counts as lost).
    async fn renew(&self, leadership: &Leadership) -> bool {
        let sent = Instant::now();
        // A slow backend (etcd under load) may take a while: wait as long as the current lease is
        // certain; a renewal that only arrives after that is not trusted (checked below).
        let budget = self
            .state
            .lease_remaining()
            .unwrap_or(self.ttl * 2 / 3)
            .max(Duration::from_millis(100));
        let outcome = tokio::time::timeout(budget, self.store.keep_alive(leadership, self.ttl)).await;
        match outcome {
            Ok(Ok(true)) => {
                self.state.renewed(sent, self.ttl);
                if self.state.lease_certain() {
                    return true;
                }
                tracing::warn!("leadership keep-alive came back too late to trust the lease");
            }
            Ok(Ok(false)) => tracing::warn!("leadership lost: the master view is no longer ours"),
            Ok(Err(error)) => tracing::warn!(%error, "leadership keep-alive failed"),
            Err(_) => tracing::warn!(
                timeout_ms = budget.as_millis() as u64,
                "leadership keep-alive timed out"
            ),
        }
        false
    }

    /// Leads with `leadership` until it is lost or `cancel`; returns the copy to follow with next (the
    /// standby's own copy when leading never started, else an empty one).
    async fn lead(
        &mut self,
        leadership: Leadership,
        copy: FollowerState,
        cancel: &CancellationToken,
    ) -> FollowerState {
        self.state.set_phase(HaPhase::LeaderWarmup);
        if !self.renew(&leadership).await {
            tracing::warn!("won the view but the first keep-alive failed; not leading");
            self.state.step_down();
            return copy;
        }
        self.state
            .set_leader(Some(self.state.address().to_string()), leadership.version);
        self.service.clear();
        let (image, source) = if copy.synced {
            (
                Some(copy.into_image()),
                "the previous leader's replicated metadata",
            )
        } else {
            (self.initial.take(), "the restored snapshot")
        };
        let mut tick = tokio::time::interval(self.ttl / 3);
        tick.tick().await;
        let mut lost = false;
        if let Some(image) = image {
            // Rebuilding a large index takes a while: off the async threads, renewing meanwhile.
            let service = self.service.clone();
            let lease_ms = service.config().default_kv_lease_ttl.as_millis() as u64;
            let restore = tokio::task::spawn_blocking(move || service.restore_image_leased(&image, lease_ms));
            tokio::pin!(restore);
            let report = loop {
                tokio::select! {
                    report = &mut restore => break report.ok(),
                    _ = tick.tick(), if !lost => lost = !self.renew(&leadership).await,
                }
            };
            if let Some(report) = report {
                tracing::info!(
                    objects = report.objects,
                    segments = report.segments,
                    dropped_objects = report.dropped_objects,
                    "leader rebuilt its metadata from {source}"
                );
            }
        }
        if !lost {
            self.service.set_view_version(leadership.version);
            self.replication.set_leading(true);
            self.state.set_phase(HaPhase::Serving);
            if let Some(snapshots) = &self.snapshots {
                snapshots.set_active(true);
            }
            tracing::info!(view_version = leadership.version, address = %self.state.address(), "serving as leader");
        }
        while !lost {
            tokio::select! {
                _ = cancel.cancelled() => {
                    self.state.step_down();
                    if let Err(error) = self.store.release(&leadership).await {
                        tracing::warn!(%error, "could not release the master view; standbys wait for its lease");
                    }
                    break;
                }
                _ = tick.tick() => lost = !self.renew(&leadership).await,
            }
        }
        self.state.step_down();
        self.replication.set_leading(false);
        if let Some(snapshots) = &self.snapshots {
            snapshots.deactivate().await;
        }
        self.service.clear();
        FollowerState::default()
    }
}
