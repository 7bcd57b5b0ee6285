//! The registry of local memory that peers may read and write.
//!
//! Design note: peers address our memory by absolute virtual address (Mooncake's convention). Every
//! access is checked to lie entirely inside one registered region before a single byte moves, and the
//! check and the access happen under the registry's read lock, so a region cannot be unregistered
//! (and unmapped by its owner) while a transfer touches it. Unregistering takes the write lock and so
//! waits for transfers in flight.

use std::collections::BTreeMap;

use parking_lot::{RwLock, RwLockReadGuard};

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

/// Registered regions by start address.
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    regions: RwLock<BTreeMap<u64, RegisteredRegion>>,
}

/// A checked, locked view of `len` bytes at `addr`: the region stays registered while it lives.
#[derive(Debug)]
pub struct Access<'a> {
    _guard: RwLockReadGuard<'a, BTreeMap<u64, RegisteredRegion>>,
    ptr: *mut u8,
    len: usize,
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
        if before.is_some_and(|(&start, r)| start + r.length > region.addr) {
            return Err(AccessError::Overlaps {
                addr: region.addr,
                len: region.length,
            });
        }
        regions.insert(region.addr, region);
        Ok(())
    }

    /// Removes the region starting at `addr`, waiting for transfers in flight on it.
    pub fn unregister(&self, addr: u64) -> Option<RegisteredRegion> {
        self.regions.write().remove(&addr)
    }

    /// Every registered region, by address.
    pub fn regions(&self) -> Vec<RegisteredRegion> {
        self.regions.read().values().cloned().collect()
    }

    /// Checks that `[addr, addr + len)` lies inside one registered region and holds it registered
    /// while the returned [`Access`] lives.
    pub fn access(&self, addr: u64, len: u64) -> Result<Access<'_>, AccessError> {
        let rejected = AccessError::NotRegistered { addr, len };
        let regions = self.regions.read();
        let end = addr.checked_add(len).ok_or(rejected)?;
        let (_, region) = regions.range(..=addr).next_back().ok_or(rejected)?;
        if len == 0 || end > region.addr + region.length {
            return Err(rejected);
        }
        let len = usize::try_from(len).map_err(|_| rejected)?;
        Ok(Access {
            _guard: regions,
            ptr: addr as *mut u8,
            len,
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
}
