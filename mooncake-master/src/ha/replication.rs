//! Leader side of metadata replication: streams one image and then every committed change to each
//! standby over the replication channel ([`super::wire`]), and holds a mutation's answer until the
//! in-sync standbys acknowledged it.
//!
//! Design note: a standby is "in sync" once it acknowledged the image; from then on a mutation is
//! answered only after every in-sync standby applied it (semi-synchronous replication), so a leader
//! killed right after answering cannot lose an acknowledged put. A standby that does not acknowledge
//! within [`ACK_TIMEOUT`] is dropped from the set (told so, and disconnected; it reconnects and starts
//! over from a fresh image), so one slow standby stalls writes for at most that long. Each standby is
//! served by two threads with blocking I/O (a writer fed by the change log, a reader of
//! acknowledgements): the fewest wake-ups between a handler's change and its acknowledgement.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use mooncake_proto::master::{FollowEvent, FollowRequest, follow_event};
use parking_lot::Mutex;
use prost::Message;
use tokio::sync::Notify;

use super::wire;
use crate::service::MasterService;

/// How long a mutation waits for its standbys before dropping the laggards.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug)]
struct Follower {
    name: String,
    /// Highest change applied; `None` until the image is acknowledged.
    acked: Option<u64>,
    /// The change the image covered (acknowledging it makes the follower in sync).
    image_seq: u64,
    /// Its change-log subscription (ended to let it go).
    subscription: u64,
    /// Set when the leader lets it go.
    let_go: bool,
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
                self.let_go(follower);
            }
        }
    }

    /// Ends a follower's change feed: its writer sends the "let go" frame and hangs up.
    fn let_go(&self, follower: &mut Follower) {
        follower.let_go = true;
        if let Some(log) = self.service.change_log() {
            log.unsubscribe(follower.subscription);
        }
    }

    fn acknowledge(&self, id: u64, applied: u64) {
        let mut followers = self.followers.lock();
        if let Some(follower) = followers.get_mut(&id) {
            if follower.acked.is_none() && applied >= follower.image_seq && !follower.let_go {
                tracing::info!(standby = %follower.name, applied, "standby in sync");
            }
            if applied >= follower.image_seq && !follower.let_go {
                follower.acked = Some(follower.acked.unwrap_or(0).max(applied));
            }
        }
        drop(followers);
        self.acked.notify_waiters();
    }

    fn remove(&self, id: u64) {
        if let Some(mut follower) = self.followers.lock().remove(&id) {
            self.let_go(&mut follower);
            tracing::info!(standby = %follower.name, "standby disconnected");
        }
        self.acked.notify_waiters();
    }

    /// Serves one standby on `stream` (after [`wire::FOLLOW_MAGIC`]) until it or the leader ends it.
    /// Blocks: run it on a thread of its own.
    pub fn serve_follower(self: &Arc<Self>, stream: TcpStream) {
        let peer = stream
            .peer_addr()
            .map_or_else(|_| "?".to_string(), |a| a.to_string());
        if let Err(error) = self.serve_follower_on(stream) {
            tracing::debug!(%peer, %error, "replication connection ended");
        }
    }

    fn serve_follower_on(self: &Arc<Self>, mut stream: TcpStream) -> std::io::Result<()> {
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let never = AtomicBool::new(false);
        let mut body = Vec::new();
        if !wire::read_frame(&mut stream, &mut body, &never)? {
            return Ok(());
        }
        stream.set_read_timeout(None)?;
        let name = FollowRequest::decode(&body[..])
            .ok()
            .map(|hello| hello.follower)
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "unnamed standby".to_string());
        let mut out = Vec::new();
        let Some(log) = self.service.change_log() else {
            wire::encode_let_go(&mut out);
            return stream.write_all(&out);
        };
        let (image_seq, subscription, mut changes) = log.subscribe();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        {
            // Under the followers lock: a step-down (which takes it too) either sees this follower
            // and lets it go, or happened before and is seen here.
            let mut followers = self.followers.lock();
            if !self.leading.load(Ordering::Acquire) {
                log.unsubscribe(subscription);
                wire::encode_let_go(&mut out);
                return stream.write_all(&out);
            }
            followers.insert(
                id,
                Follower {
                    name: name.clone(),
                    acked: None,
                    image_seq,
                    subscription,
                    let_go: false,
                },
            );
        }
        let mut image = self.service.export_image();
        image.last_change = image_seq;
        if !self.leading.load(Ordering::Acquire) {
            // Stepped down during the export: the image may be of a core being cleared.
            self.remove(id);
            wire::encode_let_go(&mut out);
            return stream.write_all(&out);
        }
        tracing::info!(standby = %name, objects = image.objects.len(), segments = image.segments.len(), "streaming metadata to a standby");

        // Acknowledgements, on their own thread, until the standby hangs up.
        let this = self.clone();
        let mut acks = stream.try_clone()?;
        std::thread::Builder::new()
            .name("mc-repl-acks".into())
            .spawn(move || {
                let mut ack = [0u8; 8];
                while acks.read_exact(&mut ack).is_ok() {
                    this.acknowledge(id, u64::from_le_bytes(ack));
                }
                this.remove(id);
                let _ = acks.shutdown(Shutdown::Both);
            })?;

        let view_version = self.service.view_version();
        let event = |event| FollowEvent {
            view_version,
            event: Some(event),
        };
        wire::encode_frame(&mut out, &event(follow_event::Event::Image(image)));
        let result = (|| {
            stream.write_all(&out)?;
            // Each wake-up sends everything queued since, as one write.
            while let Some(change) = changes.blocking_recv() {
                out.clear();
                wire::encode_frame(&mut out, &event(follow_event::Event::Change(change)));
                while let Ok(more) = changes.try_recv() {
                    wire::encode_frame(&mut out, &event(follow_event::Event::Change(more)));
                }
                stream.write_all(&out)?;
            }
            // The feed ended: the leader let this standby go (or stepped down).
            out.clear();
            wire::encode_let_go(&mut out);
            stream.write_all(&out)
        })();
        let _ = stream.shutdown(Shutdown::Both);
        self.remove(id);
        result
    }

    /// Accepts followers while `leading`; stepping down disconnects every standby.
    pub fn set_leading(&self, leading: bool) {
        let mut followers = self.followers.lock();
        self.leading.store(leading, Ordering::Release);
        if !leading {
            for follower in followers.values_mut() {
                self.let_go(follower);
            }
        }
    }
}
