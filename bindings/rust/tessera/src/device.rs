//! Devices: the CPU and every GPU a backend plugin found.
use std::ffi::CStr;
use std::mem;
use std::ptr;

use tessera_sys as sys;

use crate::enums::DeviceKind;
use crate::error::{check, Error, Result};
use crate::Status;

/// A device. Device handles live as long as the library, so `Device` is a
/// plain `Copy` value with nothing to release.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Device {
    raw: sys::tsr_device,
}

// SAFETY: a device handle is an immutable value validated through the
// library's thread-safe slot table; device objects are never freed.
unsafe impl Send for Device {}
unsafe impl Sync for Device {}

/// Facts about a device (tsr_device_info).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub kind: DeviceKind,
    /// Index among the devices of this kind.
    pub index: i32,
    pub name: String,
    /// Bytes of device memory (host RAM for the CPU).
    pub total_memory: i64,
    /// Bytes free now, or -1 when unknown.
    pub free_memory: i64,
    /// SMs, CUs or CPU cores.
    pub compute_units: i32,
    pub supports_float64: bool,
    pub supports_float16: bool,
}

impl Device {
    /// Number of devices over all backends that loaded (the CPU is always one).
    pub fn count() -> Result<i32> {
        let mut count = 0;
        check(unsafe { sys::tsr_device_count(&mut count) })?;
        Ok(count)
    }

    /// The index-th device, 0 <= index < `Device::count()`.
    pub fn get(index: i32) -> Result<Device> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_device_get(index, &mut raw) })?;
        Ok(Device { raw })
    }

    /// Every device present.
    pub fn all() -> Result<Vec<Device>> {
        (0..Device::count()?).map(Device::get).collect()
    }

    pub(crate) fn from_raw(raw: sys::tsr_device) -> Device {
        Device { raw }
    }

    /// The C handle.
    pub fn as_raw(&self) -> sys::tsr_device {
        self.raw
    }

    /// Name, kind, memory and capabilities.
    pub fn info(&self) -> Result<DeviceInfo> {
        // SAFETY: tsr_device_info is plain data; all-zero is a valid value.
        let mut info: sys::tsr_device_info = unsafe { mem::zeroed() };
        info.size = mem::size_of::<sys::tsr_device_info>();
        check(unsafe { sys::tsr_device_get_info(self.raw, &mut info) })?;
        // SAFETY: the library NUL-terminates name; make sure anyway.
        info.name[info.name.len() - 1] = 0;
        let name = unsafe { CStr::from_ptr(info.name.as_ptr()) }.to_string_lossy().into_owned();
        let kind = DeviceKind::from_raw(info.kind).ok_or_else(|| {
            Error::new(Status::Internal, format!("Device::info: unknown device kind {}", info.kind))
        })?;
        Ok(DeviceInfo {
            kind,
            index: info.index,
            name,
            total_memory: info.total_memory,
            free_memory: info.free_memory,
            compute_units: info.compute_units,
            supports_float64: info.supports_float64 != 0,
            supports_float16: info.supports_float16 != 0,
        })
    }
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.info() {
            Ok(info) => write!(f, "Device({:?} {}: {})", info.kind, info.index, info.name),
            Err(_) => write!(f, "Device({:p})", self.raw),
        }
    }
}

/// Whether a backend plugin of this kind loaded, and if not, why.
pub fn backend_available(kind: DeviceKind) -> Result<(bool, String)> {
    let mut available = 0;
    let mut reason: *const sys::c_char = ptr::null();
    check(unsafe { sys::tsr_backend_available(kind.raw(), &mut available, &mut reason) })?;
    let reason = if reason.is_null() {
        String::new()
    } else {
        // SAFETY: a static NUL-terminated text owned by the library.
        unsafe { CStr::from_ptr(reason) }.to_string_lossy().into_owned()
    };
    Ok((available != 0, reason))
}
