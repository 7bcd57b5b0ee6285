//! Standby side of replication: follows the leader's replication channel ([`super::wire`]) into a live
//! copy of its metadata and acknowledges every change it applied, all on one thread.
//!
//! The copy is kept as plain image data (segments and objects by id and key), not as a serving core:
//! replaying changes never has to reproduce the leader's allocator decisions, and on promotion the copy
//! becomes a core through the same restore path as a snapshot.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::AtomicBool;

use mooncake_proto::master::metadata_change::Change;
use mooncake_proto::master::{
    FollowEvent, FollowRequest, ImageObject, ImageSegment, MetadataChange, MetadataImage, follow_event,
};
use parking_lot::Mutex;
use prost::Message;

use super::wire;
use crate::service::image_segment_id;

/// Why following stopped.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("cannot connect to the leader at {leader}: {source}")]
    Connect { leader: String, source: io::Error },
    #[error("the leader at {leader} let this standby go (it lagged, or the leader stepped down)")]
    LetGo { leader: String },
    #[error("the replication stream from the leader at {leader} broke: {source}")]
    Broken { leader: String, source: io::Error },
    #[error("stopped following the leader at {leader}")]
    Stopped { leader: String },
}

/// The standby's copy of the leader's metadata.
#[derive(Debug, Default)]
pub struct FollowerState {
    /// The image was received: this copy is the leader's state up to `applied`.
    pub synced: bool,
    pub applied: u64,
    pub view_version: i64,
    segments: HashMap<String, ImageSegment>,
    objects: HashMap<String, ImageObject>,
    /// Puts started and not ended (a new leader parks their ranges).
    in_progress: HashMap<String, ImageObject>,
    /// Soft-pin and drain deadlines, kept absolute: the image carries "ms remaining when recorded",
    /// and a promotion must not extend them by the time since.
    pin_deadlines: HashMap<String, Instant>,
    drain_deadlines: HashMap<String, Instant>,
}

fn deadline(remaining_ms: u64) -> Instant {
    Instant::now() + Duration::from_millis(remaining_ms)
}

/// Milliseconds left until `deadline`; at least 1 when `keep_positive` (a drain that is due).
fn remaining_ms(deadline: Instant, keep_positive: bool) -> u64 {
    let left = deadline.saturating_duration_since(Instant::now()).as_millis() as u64;
    if keep_positive { left.max(1) } else { left }
}

impl FollowerState {
    pub fn objects(&self) -> usize {
        self.objects.len()
    }

    /// Replaces the copy with `image`.
    pub fn load(&mut self, image: MetadataImage) {
        self.segments = image
            .segments
            .into_iter()
            .map(|s| (image_segment_id(&s).to_string(), s))
            .collect();
        self.objects = image.objects.into_iter().map(|o| (o.key.clone(), o)).collect();
        self.in_progress = image
            .in_progress
            .into_iter()
            .map(|o| (o.key.clone(), o))
            .collect();
        self.pin_deadlines = self
            .objects
            .values()
            .filter(|o| o.soft_pin_remaining_ms > 0)
            .map(|o| (o.key.clone(), deadline(o.soft_pin_remaining_ms)))
            .collect();
        self.drain_deadlines = self
            .segments
            .values()
            .filter(|s| s.drain_remaining_ms > 0)
            .map(|s| (image_segment_id(s).to_string(), deadline(s.drain_remaining_ms)))
            .collect();
        self.applied = image.last_change;
        self.synced = true;
    }

    /// Applies one change (idempotent).
    pub fn apply(&mut self, change: MetadataChange) {
        self.applied = self.applied.max(change.seq);
        match change.change {
            Some(Change::SegmentMounted(segment) | Change::SegmentDraining(segment)) => {
                let id = image_segment_id(&segment).to_string();
                if segment.drain_remaining_ms > 0 {
                    self.drain_deadlines
                        .insert(id.clone(), deadline(segment.drain_remaining_ms));
                } else {
                    self.drain_deadlines.remove(&id);
                }
                self.segments.insert(id, segment);
            }
            Some(Change::SegmentUnmounted(id)) => {
                self.segments.remove(&id);
                self.drain_deadlines.remove(&id);
                for objects in [&mut self.objects, &mut self.in_progress] {
                    objects.retain(|_, object| {
                        object.replicas.retain(|r| r.segment_id != id);
                        !object.replicas.is_empty()
                    });
                }
            }
            Some(Change::PutStarted(object)) => {
                self.in_progress.insert(object.key.clone(), object);
            }
            Some(Change::ObjectStored(object)) => {
                self.in_progress.remove(&object.key);
                if object.soft_pin_remaining_ms > 0 {
                    self.pin_deadlines
                        .insert(object.key.clone(), deadline(object.soft_pin_remaining_ms));
                } else {
                    self.pin_deadlines.remove(&object.key);
                }
                self.objects.insert(object.key.clone(), object);
            }
            Some(Change::ObjectRemoved(key)) => {
                self.objects.remove(&key);
                self.in_progress.remove(&key);
                self.pin_deadlines.remove(&key);
            }
            None => {}
        }
    }

    /// The copy as an image (for promotion; moved, not copied).
    pub fn into_image(mut self) -> MetadataImage {
        for (key, until) in &self.pin_deadlines {
            if let Some(object) = self.objects.get_mut(key) {
                object.soft_pin_remaining_ms = remaining_ms(*until, false);
            }
        }
        for (id, until) in &self.drain_deadlines {
            if let Some(segment) = self.segments.get_mut(id) {
                segment.drain_remaining_ms = remaining_ms(*until, true);
            }
        }
        MetadataImage {
            view_version: self.view_version,
            created_at_unix_ms: crate::service::unix_ms(),
            last_change: self.applied,
            segments: self.segments.into_values().collect(),
            objects: self.objects.into_values().collect(),
            in_progress: self.in_progress.into_values().collect(),
        }
    }
}

/// How long one connection attempt to the leader may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How often a blocked read looks at `stop`.
const STOP_CHECK: Duration = Duration::from_millis(200);

/// Follows the leader at `leader` on the calling thread (blocking I/O) until the stream ends, the
/// leader lets this standby go, or `stop` is set; the copy in `state` stays valid afterwards.
pub fn follow(leader: &str, name: &str, state: &Mutex<FollowerState>, stop: &AtomicBool) -> FollowError {
    let broken = |source| FollowError::Broken {
        leader: leader.to_string(),
        source,
    };
    let mut stream = match connect(leader, name) {
        Ok(stream) => stream,
        Err(source) => {
            return FollowError::Connect {
                leader: leader.to_string(),
                source,
            };
        }
    };
    let mut body = Vec::new();
    loop {
        match wire::read_frame(&mut stream, &mut body, stop) {
            Ok(true) => {}
            Ok(false) => {
                // The copy may miss changes the leader acknowledged without us.
                state.lock().synced = false;
                return FollowError::LetGo {
                    leader: leader.to_string(),
                };
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {
                return FollowError::Stopped {
                    leader: leader.to_string(),
                };
            }
            Err(error) => return broken(error),
        }
        let event = match FollowEvent::decode(&body[..]) {
            Ok(event) => event,
            Err(error) => return broken(io::Error::new(io::ErrorKind::InvalidData, error)),
        };
        let applied = {
            let mut state = state.lock();
            state.view_version = event.view_version;
            match event.event {
                Some(follow_event::Event::Image(image)) => {
                    let (objects, segments) = (image.objects.len(), image.segments.len());
                    state.load(image);
                    tracing::info!(%leader, objects, segments, "standby copied the leader's metadata");
                }
                Some(follow_event::Event::Change(change)) => state.apply(change),
                None => {}
            }
            state.applied
        };
        if let Err(error) = wire::write_ack(&mut stream, applied) {
            return broken(error);
        }
    }
}

/// Opens the replication channel to `leader` and says who follows.
fn connect(leader: &str, name: &str) -> io::Result<TcpStream> {
    let addr = leader.to_socket_addrs()?.next().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            "the leader's address resolves to nothing",
        )
    })?;
    let mut stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(STOP_CHECK))?;
    let mut hello = wire::FOLLOW_MAGIC.to_vec();
    let request = FollowRequest {
        follower: name.to_string(),
        applied: 0,
    };
    wire::encode_frame(&mut hello, &request);
    stream.write_all(&hello)?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use mooncake_proto::master::{ImageReplica, Segment};

    use super::*;

    fn object(key: &str, segments: &[&str]) -> ImageObject {
        ImageObject {
            key: key.into(),
            size: 10,
            replicas: segments
                .iter()
                .map(|s| ImageReplica {
                    segment_id: (*s).into(),
                    offset: 0,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn change(seq: u64, change: Change) -> MetadataChange {
        MetadataChange {
            seq,
            change: Some(change),
        }
    }

    #[test]
    fn soft_pins_keep_counting_down_while_the_copy_waits() {
        let mut state = FollowerState::default();
        let mut pinned = object("pinned", &["a"]);
        pinned.soft_pin_remaining_ms = 60_000;
        state.apply(change(1, Change::ObjectStored(pinned)));
        let mut brief = object("brief", &["a"]);
        brief.soft_pin_remaining_ms = 5;
        state.apply(change(2, Change::ObjectStored(brief)));
        std::thread::sleep(Duration::from_millis(20));
        let image = state.into_image();
        let pin = |key: &str| {
            let object = image
                .objects
                .iter()
                .find(|o| o.key == key)
                .map(|o| o.soft_pin_remaining_ms);
            object.unwrap_or(u64::MAX)
        };
        assert!(
            pin("pinned") < 60_000 && pin("pinned") > 50_000,
            "{}",
            pin("pinned")
        );
        assert_eq!(
            pin("brief"),
            0,
            "a pin that ran out while the copy waited is gone"
        );
    }

    #[test]
    fn changes_replay_idempotently_and_unmounts_drop_replicas() {
        let mut state = FollowerState::default();
        state.load(MetadataImage {
            last_change: 3,
            segments: vec![
                ImageSegment {
                    segment: Some(Segment {
                        id: "a".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ImageSegment {
                    segment: Some(Segment {
                        id: "b".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            ],
            objects: vec![object("k1", &["a"]), object("k2", &["a", "b"])],
            ..Default::default()
        });
        // A change already in the image, applied again, changes nothing.
        state.apply(change(3, Change::ObjectStored(object("k1", &["a"]))));
        state.apply(change(4, Change::ObjectStored(object("k3", &["b"]))));
        state.apply(change(5, Change::SegmentUnmounted("a".into())));
        state.apply(change(6, Change::ObjectRemoved("k3".into())));
        state.apply(change(7, Change::PutStarted(object("k4", &["b"]))));
        state.apply(change(8, Change::PutStarted(object("k5", &["b"]))));
        state.apply(change(9, Change::ObjectStored(object("k5", &["b"]))));
        let image = state.into_image();
        let in_progress: Vec<_> = image.in_progress.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(in_progress, vec!["k4"], "k5 ended");
        assert_eq!(image.last_change, 9);
        assert_eq!(image.segments.len(), 1);
        let mut objects: Vec<_> = image.objects.iter().collect();
        objects.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let keys: Vec<_> = objects.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, vec!["k2", "k5"], "k1 lost its only replica, k3 was removed");
        assert_eq!(
            objects[0].replicas.len(),
            1,
            "k2 lost its replica on the unmounted segment"
        );
    }
}
