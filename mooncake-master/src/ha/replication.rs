//! Leader side of metadata replication: streams one image and then every committed change to each
//! standby, and holds a mutation's answer until the in-sync standbys acknowledged it.
//!
//! Design note: a standby is "in sync" once it acknowledged the image; from then on a mutation is
//! answered only after every in-sync standby applied it (semi-synchronous replication), so a leader
//! killed right after answering cannot lose an acknowledged put. A standby that does not acknowledge
//! within [`ACK_TIMEOUT`] is dropped from the set (and disconnected; it reconnects and starts over from
//! a fresh image), so one slow standby stalls writes for at most that long.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt;
use mooncake_proto::master::{FollowEvent, FollowRequest, follow_event};
use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::Status;

use crate::service::MasterService;

/// The stream a `Follow` call answers with.
pub type FollowStream = Pin<Box<dyn Stream<Item = Result<FollowEvent, Status>> + Send>>;

/// How long a mutation waits for its standbys before dropping the laggards.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug)]
struct Follower {
    name: String,
    /// Highest change applied; `None` until the image is acknowledged.
    acked: Option<u64>,
    /// The change the image covered (acknowledging it makes the follower in sync).
    image_seq: u64,
    disconnect: CancellationToken,
}

/// The leader's view of its standbys.
#[derive(Debug)]
pub struct Replication {
    service: Arc<MasterService>,
    followers: Mutex<HashMap<u64, Follower>>,
    next_id: AtomicU64,
    acked: Notify,
    /// Set by the election while this master serves as leader; followers are accepted only then.
    leading: AtomicBool,
}

impl Replication {
    pub fn new(service: Arc<MasterService>) -> Arc<Self> {
        Arc::new(Self {
            service,
            followers: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            acked: Notify::new(),
            leading: AtomicBool::new(false),
        })
    }

    /// Standbys currently in sync (acknowledged their image).
    pub fn in_sync(&self) -> usize {
        self.followers
            .lock()
            .values()
            .filter(|f| f.acked.is_some())
            .count()
    }

    /// Names of the connected standbys.
    pub fn follower_names(&self) -> Vec<String> {
        self.followers.lock().values().map(|f| f.name.clone()).collect()
    }

    /// The lowest acknowledgement among in-sync standbys (`None` when there are none).
    fn min_acked(&self) -> Option<u64> {
        self.followers.lock().values().filter_map(|f| f.acked).min()
    }

    /// Waits until every in-sync standby applied the change log up to now.
    pub async fn wait_replicated(&self) {
        let Some(log) = self.service.change_log() else {
            return;
        };
        let target = log.last_seq();
        let deadline = tokio::time::Instant::now() + ACK_TIMEOUT;
        loop {
            let notified = self.acked.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.min_acked() {
                None => return,
                Some(acked) if acked >= target => return,
                Some(_) => {}
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                self.drop_laggards(target);
                return;
            }
        }
    }

    fn drop_laggards(&self, target: u64) {
        let mut followers = self.followers.lock();
        for follower in followers.values_mut() {
            if follower.acked.is_some_and(|a| a < target) {
                tracing::warn!(
                    standby = %follower.name,
                    timeout_ms = ACK_TIMEOUT.as_millis() as u64,
                    "standby did not acknowledge in time; disconnecting it (it will resynchronise)"
                );
                follower.acked = None;
                follower.disconnect.cancel();
            }
        }
    }

    fn acknowledge(&self, id: u64, applied: u64) {
        let mut followers = self.followers.lock();
        if let Some(follower) = followers.get_mut(&id) {
            if follower.acked.is_none()
                && applied >= follower.image_seq
                && !follower.disconnect.is_cancelled()
            {
                tracing::info!(standby = %follower.name, applied, "standby in sync");
            }
            if applied >= follower.image_seq && !follower.disconnect.is_cancelled() {
                follower.acked = Some(follower.acked.unwrap_or(0).max(applied));
            }
        }
        drop(followers);
        self.acked.notify_waiters();
    }

    fn remove(&self, id: u64) {
        if let Some(follower) = self.followers.lock().remove(&id) {
            tracing::info!(standby = %follower.name, "standby disconnected");
        }
        self.acked.notify_waiters();
    }

    /// Answers a standby's `Follow` call: subscribe, export the image, then stream it and every change
    /// after it straight from the change log (no relay task); acknowledgements arrive on `requests`.
    pub async fn follow(
        self: &Arc<Self>,
        mut requests: tonic::Streaming<FollowRequest>,
    ) -> Result<FollowStream, Status> {
        let name = match requests.message().await? {
            Some(first) if !first.follower.is_empty() => first.follower,
            Some(_) => "unnamed standby".to_string(),
            None => return Err(Status::cancelled("the standby left before saying who it is")),
        };
        let log = self
            .service
            .change_log()
            .ok_or_else(|| Status::failed_precondition("this master keeps no change log"))?;
        let (image_seq, changes) = log.subscribe();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let disconnect = CancellationToken::new();
        {
            // Under the followers lock: a step-down (which takes it too) either sees this follower
            // and disconnects it, or happened before and is seen here.
            let mut followers = self.followers.lock();
            if !self.leading.load(Ordering::Acquire) {
                return Err(Status::unavailable("this master is not the serving leader"));
            }
            followers.insert(
                id,
                Follower {
                    name: name.clone(),
                    acked: None,
                    image_seq,
                    disconnect: disconnect.clone(),
                },
            );
        }
        let service = self.service.clone();
        let mut image = tokio::task::spawn_blocking(move || service.export_image())
            .await
            .map_err(|e| Status::internal(format!("exporting the metadata failed: {e}")))?;
        image.last_change = image_seq;
        if disconnect.is_cancelled() || !self.leading.load(Ordering::Acquire) {
            // Stepped down during the export: the image may be of a core being cleared.
            self.remove(id);
            return Err(Status::unavailable("this master stepped down"));
        }
        tracing::info!(standby = %name, objects = image.objects.len(), segments = image.segments.len(), "streaming metadata to a standby");

        // Acknowledgements: until the standby hangs up or is dropped for lagging.
        let this = self.clone();
        let acks_done = disconnect.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = acks_done.cancelled() => break,
                    next = requests.next() => match next {
                        Some(Ok(ack)) => this.acknowledge(id, ack.applied),
                        _ => break,
                    },
                }
            }
            acks_done.cancel();
            this.remove(id);
        });

        let view_version = self.service.view_version();
        let event = move |event| {
            Ok(FollowEvent {
                view_version,
                event: Some(event),
            })
        };
        let image = futures::stream::once(std::future::ready(event(follow_event::Event::Image(image))));
        let changes = tokio_stream::wrappers::ReceiverStream::new(changes)
            .map(move |change| event(follow_event::Event::Change(change)));
        // A follower this leader lets go (it lagged, or the leader stepped down) is told so: its copy
        // is no longer known to be current. A dead leader sends nothing; the connection just breaks.
        let let_go = futures::stream::once(std::future::ready(Err(Status::aborted(
            "the leader let this standby go (it lagged or the leader stepped down); resynchronise",
        ))));
        let stream = image
            .chain(changes)
            .take_until(disconnect.cancelled_owned())
            .chain(let_go);
        Ok(Box::pin(stream))
    }

    /// Accepts followers while `leading`; stepping down disconnects every standby.
    pub fn set_leading(&self, leading: bool) {
        let followers = self.followers.lock();
        self.leading.store(leading, Ordering::Release);
        if !leading {
            for follower in followers.values() {
                follower.disconnect.cancel();
            }
        }
    }
}
