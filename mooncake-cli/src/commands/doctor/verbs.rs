//! What only ibverbs knows about a device: `max_mr_size` (`ibv_query_device`) and a port's active MTU
//! (`ibv_query_port`). Sources, in order: the fixture files a test tree carries (see [`super::sysfs`]),
//! then ibverbs itself when built with the `rdma` feature and looking at the real `/sys`, else unknown
//! — the checks then say so instead of guessing.
//!
//! ibverbs is loaded at run time (`dlopen("libibverbs.so.1")`), so building with `rdma` needs no
//! rdma-core headers and a binary built with it still runs on hosts without RDMA.

use std::path::Path;

use super::sysfs::Device;

/// Where a value came from, for the evidence column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The `max_mr_size`/`active_mtu` file of a fixture tree.
    File,
    /// `ibv_query_device`/`ibv_query_port`.
    Verbs,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Self::File => "from the tree's file",
            Self::Verbs => "from ibverbs",
        }
    }
}

/// Why a value is unknown.
pub fn unavailable_reason() -> &'static str {
    if cfg!(feature = "rdma") {
        "ibverbs could not be queried for this device"
    } else {
        "sysfs does not expose it and this build has no ibverbs (build with --features rdma)"
    }
}

/// Whether ibverbs may be asked: only about the real `/sys` (a fixture tree's devices do not exist).
fn real_sysfs(root: &Path) -> bool {
    root == Path::new("/sys")
}

/// The device's largest registrable memory region.
pub fn max_mr_size(root: &Path, device: &Device) -> Option<(u64, Source)> {
    if let Some(size) = device.max_mr_size_file {
        return Some((size, Source::File));
    }
    if real_sysfs(root) {
        return ffi::query(&device.name, None).map(|q| (q.max_mr_size, Source::Verbs));
    }
    None
}

/// The port's active MTU in bytes.
pub fn active_mtu(root: &Path, device: &Device, port: u32) -> Option<(u32, Source)> {
    if let Some(mtu) = device.ports.get(&port).and_then(|p| p.active_mtu_file) {
        return Some((mtu, Source::File));
    }
    if real_sysfs(root) {
        return ffi::query(&device.name, Some(port))
            .and_then(|q| q.active_mtu)
            .map(|m| (m, Source::Verbs));
    }
    None
}

/// What one query of a device returned.
#[allow(dead_code)] // Without the `rdma` feature nothing is ever constructed.
struct Queried {
    max_mr_size: u64,
    active_mtu: Option<u32>,
}

#[cfg(not(feature = "rdma"))]
mod ffi {
    pub(super) fn query(_device: &str, _port: Option<u32>) -> Option<super::Queried> {
        None
    }
}

#[cfg(feature = "rdma")]
mod ffi {
    //! The few ibverbs entry points needed, resolved with `dlsym`. Struct layouts are rdma-core's stable
    //! ABI: `ibv_device_attr.max_mr_size` is at byte 80 (after `fw_ver[64]`, `node_guid`,
    //! `sys_image_guid`), `ibv_port_attr.active_mtu` at byte 8 (after `state`, `max_mtu`).
    use std::ffi::{CStr, c_char, c_int, c_void};

    use super::Queried;

    type GetDeviceList = unsafe extern "C" fn(*mut c_int) -> *mut *mut c_void;
    type FreeDeviceList = unsafe extern "C" fn(*mut *mut c_void);
    type GetDeviceName = unsafe extern "C" fn(*mut c_void) -> *const c_char;
    type OpenDevice = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
    type CloseDevice = unsafe extern "C" fn(*mut c_void) -> c_int;
    type QueryDevice = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;
    type QueryPort = unsafe extern "C" fn(*mut c_void, u8, *mut c_void) -> c_int;

    /// Room for either attribute struct (both are well under 512 bytes), 8-byte aligned.
    #[repr(C, align(8))]
    struct AttrBuffer([u8; 1024]);

    unsafe fn symbol<T: Copy>(lib: *mut c_void, name: &CStr) -> Option<T> {
        // SAFETY: `lib` is a live dlopen handle; the caller names a function of type `T`.
        let ptr = unsafe { libc::dlsym(lib, name.as_ptr()) };
        // SAFETY: a non-null symbol of a function is a function pointer of the same size.
        (!ptr.is_null()).then(|| unsafe { std::mem::transmute_copy::<*mut c_void, T>(&ptr) })
    }

    pub(super) fn query(device: &str, port: Option<u32>) -> Option<Queried> {
        // SAFETY: loading a shared library by its soname; the handle is never closed (ibverbs'
        // providers do not support unloading).
        let lib = unsafe { libc::dlopen(c"libibverbs.so.1".as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if lib.is_null() {
            return None;
        }
        // SAFETY: the names and signatures are ibverbs' public API.
        let (get_list, free_list, get_name, open, close, query_device, query_port) = unsafe {
            (
                symbol::<GetDeviceList>(lib, c"ibv_get_device_list")?,
                symbol::<FreeDeviceList>(lib, c"ibv_free_device_list")?,
                symbol::<GetDeviceName>(lib, c"ibv_get_device_name")?,
                symbol::<OpenDevice>(lib, c"ibv_open_device")?,
                symbol::<CloseDevice>(lib, c"ibv_close_device")?,
                symbol::<QueryDevice>(lib, c"ibv_query_device")?,
                symbol::<QueryPort>(lib, c"ibv_query_port")?,
            )
        };
        let mut count: c_int = 0;
        // SAFETY: ibverbs' calls with the pointers it handed out; the list is freed once, after use,
        // and the context closed before it.
        unsafe {
            let list = get_list(&mut count);
            if list.is_null() {
                return None;
            }
            let mut result = None;
            for i in 0..usize::try_from(count).unwrap_or(0) {
                let dev = *list.add(i);
                let name = get_name(dev);
                if name.is_null() || CStr::from_ptr(name).to_str() != Ok(device) {
                    continue;
                }
                let ctx = open(dev);
                if ctx.is_null() {
                    break;
                }
                let mut attr = AttrBuffer([0; 1024]);
                if query_device(ctx, attr.0.as_mut_ptr().cast()) == 0 {
                    let max_mr_size = u64::from_ne_bytes(attr.0[80..88].try_into().unwrap_or_default());
                    let active_mtu = port.and_then(|p| u8::try_from(p).ok()).and_then(|p| {
                        let mut port_attr = AttrBuffer([0; 1024]);
                        (query_port(ctx, p, port_attr.0.as_mut_ptr().cast()) == 0).then(|| {
                            let code = u32::from_ne_bytes(port_attr.0[8..12].try_into().unwrap_or_default());
                            // enum ibv_mtu: 1 = 256 ... 5 = 4096.
                            256u32 << code.saturating_sub(1).min(4)
                        })
                    });
                    result = Some(Queried {
                        max_mr_size,
                        active_mtu,
                    });
                }
                close(ctx);
                break;
            }
            free_list(list);
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_ibverbs_does_not_know_has_no_values() {
        // With `rdma` this loads libibverbs when the host has it and walks its (possibly empty) list.
        assert!(ffi::query("no_such_device_0", Some(1)).is_none());
    }
}
