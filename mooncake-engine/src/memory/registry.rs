//! The registry of local memory that peers may read and write.
//!
//! Design note: peers address our memory by absolute virtual address (Mooncake's convention). Every
//! access is checked to lie entirely inside one registered region before a single byte moves, and
//! counts as in flight on that region until it ends, so a region cannot be unregistered (and unmapped
//! by its owner) while a transfer touches it. The registry's lock is held only for the lookup, never
//! across I/O: unregistering removes the region at once (no new access can find it) and then waits for
//! that region's transfers alone; a stalled peer on one region never holds up another.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::{Condvar, Mutex, RwLock};

/// A registered region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredRegion {
    pub addr: u64,
    pub length: u64,
    /// File that maps this region from offset 0 (for same-host peers), if any.
    pub shm_name: Option<String>,
}

/// Why an access or registration was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("address range {addr:#x}+{len} is not inside a registered buffer")]
    NotRegistered { addr: u64, len: u64 },
    #[error("zero-length region")]
    Empty,
    #[error("region {addr:#x}+{len} overlaps a registered one")]
    Overlaps { addr: u64, len: u64 },
}

/// A registered region and the accesses in flight on it.
#[derive(Debug)]
struct Entry {
    region: RegisteredRegion,
    in_flight: Mutex<usize>,
    idle: Condvar,
}

/// Registered regions by start address.
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    regions: RwLock<BTreeMap<u64, Arc<Entry>>>,
}

/// A checked view of `len` bytes at `addr`: the region stays registered while it lives.
#[derive(Debug)]
pub struct Access<'a> {
    entry: Arc<Entry>,
    ptr: *mut u8,
    len: usize,
    _registry: std::marker::PhantomData<&'a MemoryRegistry>,
}

impl Drop for Access<'_> {
    fn drop(&mut self) {
        let mut in_flight = self.entry.in_flight.lock();
        *in_flight -= 1;
        if *in_flight == 0 {
            self.entry.idle.notify_all();
        }
    }
}

impl Access<'_> {
    /// Start of the range.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl MemoryRegistry {
    /// Registers `[addr, addr + length)`.
    ///
    /// # Safety
    /// The range must be memory of this process that stays mapped, readable and writable until
    /// [`MemoryRegistry::unregister`] returns for it; peers will read and write it at any time.
    pub unsafe fn register(&self, region: RegisteredRegion) -> Result<(), AccessError> {
        if region.length == 0 {
            return Err(AccessError::Empty);
        }
        let end = region
            .addr
            .checked_add(region.length)
            .ok_or(AccessError::Overlaps {
                addr: region.addr,
                len: region.length,
            })?;
        let mut regions = self.regions.write();
        let before = regions.range(..end).next_back();
        if before.is_some_and(|(&start, e)| start + e.region.length > region.addr) {
            return Err(AccessError::Overlaps {
                addr: region.addr,
                len: region.length,
            });
        }
        let entry = Entry {
            region,
            in_flight: Mutex::new(0),
            idle: Condvar::new(),
        };
        regions.insert(entry.region.addr, Arc::new(entry));
        Ok(())
    }

    /// Removes the region starting at `addr`, then waits for the transfers in flight on it (only on
    /// it) to end. Blocking: call it where the thread may wait.
    pub fn unregister(&self, addr: u64) -> Option<RegisteredRegion> {
        let entry = self.regions.write().remove(&addr)?;
        let mut in_flight = entry.in_flight.lock();
        while *in_flight > 0 {
            entry.idle.wait(&mut in_flight);
        }
        Some(entry.region.clone())
    }

    /// Every registered region, by address.
    pub fn regions(&self) -> Vec<RegisteredRegion> {
        self.regions.read().values().map(|e| e.region.clone()).collect()
    }

    /// Checks that `[addr, addr + len)` lies inside one registered region and holds it registered
    /// while the returned [`Access`] lives.
    pub fn access(&self, addr: u64, len: u64) -> Result<Access<'_>, AccessError> {
        let rejected = AccessError::NotRegistered { addr, len };
        let regions = self.regions.read();
        let end = addr.checked_add(len).ok_or(rejected)?;
        let (_, entry) = regions.range(..=addr).next_back().ok_or(rejected)?;
        if len == 0 || end > entry.region.addr + entry.region.length {
            return Err(rejected);
        }
        let len = usize::try_from(len).map_err(|_| rejected)?;
        // Counted while the registry lock is still held, so `unregister` (which removes under the
        // write lock first) either waits for this access or prevents it.
        *entry.in_flight.lock() += 1;
        Ok(Access {
            entry: entry.clone(),
            ptr: addr as *mut u8,
            len,
            _registry: std::marker::PhantomData,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn region(addr: u64, length: u64) -> RegisteredRegion {
        RegisteredRegion {
            addr,
            length,
            shm_name: None,
        }
    }

    #[test]
    fn accesses_must_lie_inside_one_region() {
        let registry = MemoryRegistry::default();
        // SAFETY: no access below dereferences the fake addresses; only the checks run.
        unsafe {
            registry.register(region(0x1000, 0x1000)).unwrap();
            registry.register(region(0x2000, 0x1000)).unwrap();
        }
        assert!(registry.access(0x1000, 0x1000).is_ok());
        assert!(registry.access(0x1fff, 1).is_ok());
        assert!(registry.access(0x1fff, 2).is_err(), "spans two regions");
        assert!(registry.access(0xfff, 1).is_err());
        assert!(registry.access(0x3000, 1).is_err());
        assert!(registry.access(0x1000, 0).is_err());
        assert!(registry.access(u64::MAX, 2).is_err());
    }

    #[test]
    fn overlapping_and_empty_registrations_are_refused() {
        let registry = MemoryRegistry::default();
        // SAFETY: fake addresses, never dereferenced.
        unsafe {
            registry.register(region(0x1000, 0x1000)).unwrap();
            assert!(registry.register(region(0x1800, 0x1000)).is_err());
            assert!(registry.register(region(0x800, 0x1000)).is_err());
            assert!(registry.register(region(0x3000, 0)).is_err());
        }
        assert!(registry.unregister(0x1000).is_some());
        assert!(registry.access(0x1000, 1).is_err());
    }

    #[test]
    fn unregister_waits_only_for_its_own_region() {
        let registry = std::sync::Arc::new(MemoryRegistry::default());
        // SAFETY: fake addresses, never dereferenced.
        unsafe {
            registry.register(region(0x1000, 0x1000)).unwrap();
            registry.register(region(0x4000, 0x1000)).unwrap();
        }
        let held = registry.access(0x1000, 16).unwrap();
        // Another region comes and goes while a transfer on the first is in flight.
        assert!(registry.unregister(0x4000).is_some());
        let waiter = std::thread::spawn({
            let registry = registry.clone();
            move || registry.unregister(0x1000)
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(
            !waiter.is_finished(),
            "unregister must wait for the access in flight"
        );
        assert!(
            registry.access(0x1000, 1).is_err(),
            "no new access once unregistering began"
        );
        drop(held);
        assert!(waiter.join().unwrap().is_some());
    }
}
