//! Segments coming and going: mount, remount after a master restart, unmount now or after a grace
//! period (draining), and the operator's view of them.

use std::time::Duration;

use super::segments::MountOutcome;
use super::{ClientId, MasterError, MasterResult, MasterService, SegmentId, SegmentInfo, SegmentSpec};

fn check_spec(spec: &SegmentSpec) -> MasterResult<()> {
    if spec.name.is_empty() {
        return Err(MasterError::InvalidParams("segment name is empty"));
    }
    if spec.size == 0 {
        return Err(MasterError::InvalidParams("segment size is 0"));
    }
    if spec.base == 0 {
        return Err(MasterError::InvalidParams("segment base address is 0"));
    }
    if spec.base.checked_add(spec.size).is_none() {
        return Err(MasterError::InvalidParams("segment overflows the address space"));
    }
    Ok(())
}

impl MasterService {
    /// Adds a segment owned by `client` to the pool. Mounting the identical segment again succeeds.
    pub fn mount_segment(&self, client: ClientId, spec: SegmentSpec) -> MasterResult<()> {
        check_spec(&spec)?;
        let (name, size) = (spec.name.clone(), spec.size);
        let host = spec.clone();
        match self.segments.mount(spec, client) {
            MountOutcome::Mounted => {
                self.record_segment(host.id, false);
                tracing::info!(segment = %name, size, %client, "segment mounted");
            }
            MountOutcome::AlreadyMounted => {}
            MountOutcome::Conflict => {
                return Err(MasterError::InvalidParams(
                    "a different segment with this id is mounted",
                ));
            }
            MountOutcome::Busy => return Err(MasterError::Unavailable("segment is being unmounted")),
        }
        self.client_mounted(client, Some(&host));
        Ok(())
    }

    /// Re-sends every segment of `client` (after a ping answered NEED_REMOUNT). Segments already
    /// mounted identically are kept; conflicting ones are skipped with a warning.
    pub fn remount_segments(&self, client: ClientId, specs: Vec<SegmentSpec>) -> MasterResult<()> {
        for spec in &specs {
            check_spec(spec)?;
        }
        for spec in specs {
            let name = spec.name.clone();
            match self.mount_segment(client, spec) {
                Ok(()) => {}
                Err(MasterError::InvalidParams(why)) => {
                    tracing::warn!(segment = %name, %client, why, "remount skipped a conflicting segment");
                }
                Err(other) => return Err(other),
            }
        }
        self.client_mounted(client, None);
        Ok(())
    }

    /// Takes a segment out of the pool. With no grace period its objects' replicas there are dropped
    /// at once (objects left without a replica disappear); with one, the segment stops receiving
    /// replicas but stays readable until the grace period ends. Unknown segments succeed.
    pub fn unmount_segment(&self, id: SegmentId, grace: Duration) -> MasterResult<()> {
        if grace.is_zero() {
            self.unmount_now(id);
            return Ok(());
        }
        let deadline = self
            .now()
            .saturating_add(u64::try_from(grace.as_millis()).unwrap_or(u64::MAX));
        if let Some(segment) = self.segments.begin_drain(id, deadline) {
            self.record_segment(id, false);
            tracing::info!(segment = %segment.spec.name, grace_ms = grace.as_millis() as u64, "segment draining");
        }
        Ok(())
    }

    /// Unmounts immediately: hides the segment, drops its replicas from every object, forgets it.
    pub(super) fn unmount_now(&self, id: SegmentId) {
        let Some(segment) = self.segments.begin_unmount(id) else {
            return;
        };
        let gone = segment.slot;
        let mut lost_objects = 0u64;
        for shard in self.index.shards() {
            let mut shard = shard.lock();
            shard.retain(|_, object| {
                let before = object.replicas.len();
                object.replicas.retain(|r| r.segment != gone);
                if object.replicas.len() == before {
                    return true;
                }
                if object.replicas.is_empty() {
                    lost_objects += 1;
                    return false;
                }
                true
            });
        }
        self.discarded.lock().retain(|d| d.segment != gone);
        self.segments.remove(id);
        self.record_segment(id, true);
        tracing::info!(segment = %segment.spec.name, lost_objects, "segment unmounted");
    }

    /// Completes the unmount of every segment whose grace period has ended.
    pub fn finish_drains(&self) -> usize {
        let due = self.segments.drained_by(self.now());
        for &id in &due {
            self.unmount_now(id);
        }
        due.len()
    }

    /// Every mounted segment (any status).
    pub fn all_segments(&self) -> Vec<SegmentInfo> {
        self.segments.load().iter().map(|s| s.info()).collect()
    }

    /// The segments mounted under `name`.
    pub fn query_segment(&self, name: &str) -> MasterResult<Vec<SegmentInfo>> {
        let found: Vec<_> = self
            .segments
            .load()
            .iter()
            .filter(|s| s.spec.name == name)
            .map(|s| s.info())
            .collect();
        if found.is_empty() {
            Err(MasterError::SegmentNotFound)
        } else {
            Ok(found)
        }
    }
}
