//! Client liveness: who pinged when, and which clients this master knows (has seen mount or remount).
//! Kept apart from the object index so that heartbeats never wait on data-plane locks.

use std::collections::HashMap;

use parking_lot::Mutex;

use super::{ClientId, ClientStatus, MasterService, SegmentSpec};

#[derive(Debug)]
struct ClientEntry {
    last_seen_ms: u64,
    /// Mounted (or remounted) with this master: pings answer OK rather than NEED_REMOUNT.
    mounted: bool,
    host_id: String,
}

/// Every client that has talked to this master.
#[derive(Debug, Default)]
pub(super) struct ClientRegistry {
    clients: Mutex<HashMap<ClientId, ClientEntry>>,
}

impl ClientRegistry {
    /// Records that `client` is alive; `mounted_host` marks it as mounted with its host identity.
    pub(super) fn touch(&self, client: ClientId, now_ms: u64, mounted_host: Option<&str>) -> ClientStatus {
        let mut clients = self.clients.lock();
        let entry = clients.entry(client).or_insert_with(|| ClientEntry {
            last_seen_ms: now_ms,
            mounted: false,
            host_id: String::new(),
        });
        entry.last_seen_ms = now_ms;
        if let Some(host) = mounted_host {
            entry.mounted = true;
            if !host.is_empty() {
                entry.host_id = host.to_string();
            }
        }
        if entry.mounted {
            ClientStatus::Ok
        } else {
            ClientStatus::NeedRemount
        }
    }

    pub(super) fn host_of(&self, client: ClientId) -> Option<String> {
        let clients = self.clients.lock();
        clients
            .get(&client)
            .map(|e| e.host_id.clone())
            .filter(|h| !h.is_empty())
    }

    /// Clients known and mounted here.
    pub(super) fn ok_count(&self) -> usize {
        self.clients.lock().values().filter(|e| e.mounted).count()
    }

    /// Removes and returns the clients silent since before `deadline_ms`.
    fn take_silent(&self, deadline_ms: u64) -> Vec<ClientId> {
        let mut clients = self.clients.lock();
        let silent: Vec<ClientId> = clients
            .iter()
            .filter(|(_, e)| e.last_seen_ms < deadline_ms)
            .map(|(id, _)| *id)
            .collect();
        for id in &silent {
            clients.remove(id);
        }
        silent
    }

    /// Makes the next ping of `client` answer NEED_REMOUNT.
    fn require_remount(&self, client: ClientId) {
        if let Some(entry) = self.clients.lock().get_mut(&client) {
            entry.mounted = false;
        }
    }

    /// Treats every client as just seen (used after the master itself stalled).
    fn refresh_all(&self, now_ms: u64) {
        for entry in self.clients.lock().values_mut() {
            entry.last_seen_ms = now_ms;
        }
    }

    pub(super) fn clear(&self) {
        self.clients.lock().clear();
    }

    fn forget(&self, client: ClientId) {
        self.clients.lock().remove(&client);
    }
}

impl MasterService {
    /// A heartbeat: keeps `client` alive and tells it whether it must remount its segments (first
    /// contact, expired, or this master restarted), plus the view version.
    pub fn ping(&self, client: ClientId) -> (ClientStatus, i64) {
        (self.clients.touch(client, self.now(), None), self.view_version())
    }

    pub(super) fn client_mounted(&self, client: ClientId, spec: Option<&SegmentSpec>) {
        let host = spec.map_or("", |s| s.host_id.as_str());
        self.clients.touch(client, self.now(), Some(host));
    }

    /// Unmounts the segments of every client silent for longer than `client_ttl`, dropping the
    /// replicas they held; objects left with no replica disappear. Returns the expired clients.
    pub fn expire_silent_clients(&self) -> Vec<ClientId> {
        let ttl_ms = self.config.client_ttl.as_millis() as u64;
        let deadline = self.now().saturating_sub(ttl_ms);
        let expired = self.clients.take_silent(deadline);
        for &client in &expired {
            let segments: Vec<_> = self
                .segments
                .load()
                .iter()
                .filter(|s| s.owner == client)
                .map(|s| (s.spec.id, s.spec.name.clone()))
                .collect();
            for (id, _) in &segments {
                self.unmount_now(*id);
            }
            // A ping during the unmounts above re-registered the client and may have had a remount
            // succeed for segments not yet unmounted; those are gone now, so it must remount again.
            self.clients.require_remount(client);
            let names: Vec<_> = segments.into_iter().map(|(_, name)| name).collect();
            tracing::warn!(%client, ttl_ms, segments = ?names, "client silent past client_ttl: its segments are unmounted");
            super::Counters::bump(&self.counters.expired_clients, 1);
        }
        expired
    }

    /// Called when the master notices it was itself stalled for longer than `client_ttl`: silence
    /// during the stall is the master's fault, so nobody is expired for it.
    pub fn forgive_stall(&self) {
        self.clients.refresh_all(self.now());
    }

    /// A client leaves cleanly: its segments are unmounted now.
    pub fn client_leave(&self, client: ClientId) {
        let ids: Vec<_> = self
            .segments
            .load()
            .iter()
            .filter(|s| s.owner == client)
            .map(|s| s.spec.id)
            .collect();
        for id in ids {
            self.unmount_now(id);
        }
        self.clients.forget(client);
    }
}
