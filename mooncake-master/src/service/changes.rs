//! The log of committed metadata changes a leader streams to its standbys.
//!
//! Design note: the core records a change right after applying it — object changes while still
//! holding the object's shard lock, segment changes after the new segment table is published — so the
//! log's order per key is the order the leader applied. A follower subscribes first and reads the
//! image second; a change that lands in both is applied twice, which is harmless because every change
//! is idempotent (store = insert or replace, remove = remove if present). Without followers a record
//! is one uncontended lock and no allocation; without HA there is no log at all.

use parking_lot::Mutex;
use tokio::sync::mpsc;

use mooncake_proto::master::MetadataChange;
use mooncake_proto::master::metadata_change::Change;

/// Receives the changes after the subscription point.
pub type ChangeReceiver = mpsc::Receiver<MetadataChange>;

/// Changes a subscriber may have queued; one that falls this far behind (a frozen standby) is cut
/// off instead of growing the leader's memory without bound.
pub const BACKLOG: usize = 1 << 16;

#[derive(Debug, Default)]
struct Subscribers {
    /// Sequence number of the last recorded change.
    seq: u64,
    senders: Vec<(u64, mpsc::Sender<MetadataChange>)>,
    next_id: u64,
}

/// Sequence-numbered changes fanned out to the current subscribers.
#[derive(Debug, Default)]
pub struct ChangeLog {
    subscribers: Mutex<Subscribers>,
}

impl ChangeLog {
    /// Numbers and sends a change; `change` is built only when someone is listening.
    pub fn record(&self, change: impl FnOnce() -> Change) {
        let mut subscribers = self.subscribers.lock();
        subscribers.seq += 1;
        if subscribers.senders.is_empty() {
            return;
        }
        let message = MetadataChange {
            seq: subscribers.seq,
            change: Some(change()),
        };
        subscribers
            .senders
            .retain(|(_, s)| match s.try_send(message.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!(
                        backlog = BACKLOG,
                        "a change-log subscriber fell too far behind; cut off"
                    );
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            });
    }

    /// The sequence number of the last recorded change.
    pub fn last_seq(&self) -> u64 {
        self.subscribers.lock().seq
    }

    /// Starts receiving every change recorded from now on; returns the last sequence number before
    /// and the subscription's id (for [`ChangeLog::unsubscribe`]).
    pub fn subscribe(&self) -> (u64, u64, ChangeReceiver) {
        let (tx, rx) = mpsc::channel(BACKLOG);
        let mut subscribers = self.subscribers.lock();
        subscribers.next_id += 1;
        let id = subscribers.next_id;
        subscribers.senders.push((id, tx));
        (subscribers.seq, id, rx)
    }

    /// Ends a subscription: its receiver sees the end of the log once it drained what is queued.
    pub fn unsubscribe(&self, id: u64) {
        self.subscribers.lock().senders.retain(|(sub, _)| *sub != id);
    }

    /// How many subscribers are attached.
    pub fn subscriber_count(&self) -> usize {
        let mut subscribers = self.subscribers.lock();
        subscribers.senders.retain(|(_, s)| !s.is_closed());
        subscribers.senders.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn subscribers_get_numbered_changes_after_their_subscription() {
        let log = ChangeLog::default();
        log.record(|| unreachable!("nobody listens: the change is not built"));
        let (start, id, mut rx) = log.subscribe();
        assert_eq!(start, 1);
        log.record(|| Change::ObjectRemoved("k".into()));
        let got = rx.try_recv().unwrap();
        assert_eq!(got.seq, 2);
        assert_eq!(got.change, Some(Change::ObjectRemoved("k".into())));
        log.unsubscribe(id);
        assert_eq!(
            rx.try_recv().unwrap_err(),
            mpsc::error::TryRecvError::Disconnected
        );
        log.record(|| Change::ObjectRemoved("k2".into()));
        assert_eq!(log.subscriber_count(), 0);
        assert_eq!(log.last_seq(), 3);
    }

    #[test]
    fn a_subscriber_that_falls_a_whole_backlog_behind_is_cut_off() {
        let log = ChangeLog::default();
        let (_, _, mut rx) = log.subscribe();
        for i in 0..=BACKLOG {
            log.record(|| Change::ObjectRemoved(format!("k{i}")));
        }
        assert_eq!(
            log.subscriber_count(),
            0,
            "cut off at the first change that did not fit"
        );
        let mut queued = 0;
        while rx.try_recv().is_ok() {
            queued += 1;
        }
        assert_eq!(
            queued, BACKLOG,
            "what was queued is still delivered, then the end"
        );
        assert_eq!(
            rx.try_recv().unwrap_err(),
            mpsc::error::TryRecvError::Disconnected
        );
    }
}
