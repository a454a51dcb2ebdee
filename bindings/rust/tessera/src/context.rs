//! Contexts: one device, its memory and its default stream. Tensors are made
//! here.
use std::mem;
use std::ptr;

use tessera_sys as sys;

use crate::device::Device;
use crate::element::Element;
use crate::enums::{ContextFlags, DType, DeviceKind, StreamFlags};
use crate::error::{check, Error, Result};
use crate::handle::owned_handle;
use crate::stream::Stream;
use crate::tensor::{c_shape, Tensor};
use crate::Status;

owned_handle!(
    /// A context on one device (`tsr_context`). Clone shares it (retain).
    Context, sys::tsr_context, tsr_context_retain, tsr_context_release
);

/// How to create a context (tsr_context_options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextOptions {
    /// `DeviceKind::Best` picks the best device present.
    pub device_kind: DeviceKind,
    /// Index among the devices of that kind.
    pub device_index: i32,
    pub flags: ContextFlags,
    pub default_stream_flags: StreamFlags,
    /// Most bytes the context may reserve; 0 = no limit.
    pub memory_quota: i64,
}

impl Default for ContextOptions {
    fn default() -> Self {
        ContextOptions {
            device_kind: DeviceKind::Best,
            device_index: 0,
            flags: ContextFlags::default(),
            default_stream_flags: StreamFlags::default(),
            memory_quota: 0,
        }
    }
}

/// Memory and activity counters of a context (tsr_stats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub bytes_in_use: i64,
    pub bytes_reserved: i64,
    pub peak_bytes_in_use: i64,
    pub device_allocations: i64,
    pub device_frees: i64,
    pub allocation_requests: i64,
    pub cache_hits: i64,
    pub synchronizations: i64,
    pub kernel_compilations: i64,
    pub ops_launched: i64,
}

impl Context {
    /// A context on the best device present (the CPU when there is no GPU).
    pub fn new() -> Result<Context> {
        Context::with_options(&ContextOptions::default())
    }

    /// A context on the `index`-th device of `kind`.
    pub fn on(kind: DeviceKind, index: i32) -> Result<Context> {
        Context::with_options(&ContextOptions { device_kind: kind, device_index: index, ..Default::default() })
    }

    pub fn with_options(options: &ContextOptions) -> Result<Context> {
        let c = sys::tsr_context_options {
            size: mem::size_of::<sys::tsr_context_options>(),
            device_kind: options.device_kind.raw(),
            device_index: options.device_index,
            flags: options.flags.0,
            default_stream_flags: options.default_stream_flags.0,
            memory_quota: options.memory_quota,
        };
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_context_create(&c, &mut raw) })?;
        Ok(Context { raw })
    }

    /// The device this context runs on.
    pub fn device(&self) -> Result<Device> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_context_get_device(self.raw, &mut raw) })?;
        Ok(Device::from_raw(raw))
    }

    /// Blocks until all work on all of the context's streams is done.
    pub fn synchronize(&self) -> Result<()> {
        check(unsafe { sys::tsr_context_synchronize(self.raw) })
    }

    /// The context's default stream (what `None` streams mean). The returned
    /// value keeps this context alive.
    pub fn default_stream(&self) -> Result<Stream> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_context_default_stream(self.raw, &mut raw) })?;
        // The C call lends the handle; retain it so Stream owns a reference.
        check(unsafe { sys::tsr_stream_retain(raw) })?;
        Ok(Stream::default_of(raw, self.clone()))
    }

    pub fn stats(&self) -> Result<Stats> {
        // SAFETY: tsr_stats is plain data; all-zero is a valid value.
        let mut s: sys::tsr_stats = unsafe { mem::zeroed() };
        s.size = mem::size_of::<sys::tsr_stats>();
        check(unsafe { sys::tsr_context_get_stats(self.raw, &mut s) })?;
        Ok(Stats {
            bytes_in_use: s.bytes_in_use,
            bytes_reserved: s.bytes_reserved,
            peak_bytes_in_use: s.peak_bytes_in_use,
            device_allocations: s.device_allocations,
            device_frees: s.device_frees,
            allocation_requests: s.allocation_requests,
            cache_hits: s.cache_hits,
            synchronizations: s.synchronizations,
            kernel_compilations: s.kernel_compilations,
            ops_launched: s.ops_launched,
        })
    }

    /// Resets the counters (not the bytes in use or reserved).
    pub fn reset_stats(&self) -> Result<()> {
        check(unsafe { sys::tsr_context_reset_stats(self.raw) })
    }

    /// Returns all cached, unused blocks to the device.
    pub fn trim(&self) -> Result<()> {
        check(unsafe { sys::tsr_context_trim(self.raw) })
    }

    /// Uninitialized contents (zeros when the context zero-fills allocations).
    pub fn empty(&self, shape: &[i64], dtype: DType) -> Result<Tensor> {
        let (s, n) = c_shape(shape)?;
        Tensor::create(|out| unsafe { sys::tsr_tensor_empty(self.raw, s, n, dtype.raw(), out) })
    }

    pub fn zeros(&self, shape: &[i64], dtype: DType) -> Result<Tensor> {
        let (s, n) = c_shape(shape)?;
        Tensor::create(|out| unsafe {
            sys::tsr_tensor_zeros(self.raw, s, n, dtype.raw(), ptr::null_mut(), out)
        })
    }

    /// Every element = `value` converted to `dtype`.
    pub fn full(&self, shape: &[i64], dtype: DType, value: f64) -> Result<Tensor> {
        let (s, n) = c_shape(shape)?;
        Tensor::create(|out| unsafe {
            sys::tsr_tensor_full(self.raw, s, n, dtype.raw(), value, ptr::null_mut(), out)
        })
    }

    /// 1-D: start, start + step, ... while < stop (> stop for a negative step).
    pub fn arange(&self, start: f64, stop: f64, step: f64, dtype: DType) -> Result<Tensor> {
        Tensor::create(|out| unsafe {
            sys::tsr_tensor_arange(self.raw, start, stop, step, dtype.raw(), ptr::null_mut(), out)
        })
    }

    /// Uniform in [low, high), reproducible per seed on every backend (Philox).
    pub fn random_uniform(&self, shape: &[i64], dtype: DType, seed: u64, low: f64, high: f64) -> Result<Tensor> {
        self.random(shape, dtype, sys::TSR_RANDOM_UNIFORM, seed, low, high)
    }

    /// Normal with the given mean and standard deviation (Philox).
    pub fn random_normal(&self, shape: &[i64], dtype: DType, seed: u64, mean: f64, std: f64) -> Result<Tensor> {
        self.random(shape, dtype, sys::TSR_RANDOM_NORMAL, seed, mean, std)
    }

    fn random(&self, shape: &[i64], dtype: DType, dist: sys::tsr_distribution, seed: u64, a: f64, b: f64) -> Result<Tensor> {
        let (s, n) = c_shape(shape)?;
        Tensor::create(|out| unsafe {
            sys::tsr_tensor_random(self.raw, s, n, dtype.raw(), dist, seed, a, b, ptr::null_mut(), out)
        })
    }

    /// A new tensor holding a copy of `data` (C order) with this shape.
    pub fn from_slice<T: Element>(&self, data: &[T], shape: &[i64]) -> Result<Tensor> {
        let numel = shape.iter().try_fold(1i64, |acc, &d| if d < 0 { None } else { acc.checked_mul(d) });
        if numel != Some(data.len() as i64) {
            return Err(Error::new(
                Status::ShapeMismatch,
                format!("Context::from_slice: shape {:?} does not hold {} elements", shape, data.len()),
            ));
        }
        let (s, n) = c_shape(shape)?;
        let bytes = mem::size_of_val(data) as i64;
        Tensor::create(|out| unsafe {
            sys::tsr_tensor_from_host(self.raw, data.as_ptr().cast(), bytes, s, n, T::DTYPE.raw(), ptr::null_mut(), out)
        })
    }

    /// A tensor over `data` itself, without a copy (CPU contexts only: GPU
    /// kernels cannot read host memory). The tensor owns the Vec and drops it
    /// when its last user is released. Views and ops read and write it in place.
    pub fn from_vec<T: Element>(&self, data: Vec<T>, shape: &[i64]) -> Result<Tensor> {
        let kind = self.device()?.info()?.kind;
        if kind != DeviceKind::Cpu {
            return Err(Error::new(
                Status::Unsupported,
                format!("Context::from_vec: host memory cannot back a tensor of a {:?} context; use from_slice", kind),
            ));
        }
        let numel = shape.iter().try_fold(1i64, |acc, &d| if d < 0 { None } else { acc.checked_mul(d) });
        if numel != Some(data.len() as i64) {
            return Err(Error::new(
                Status::ShapeMismatch,
                format!("Context::from_vec: shape {:?} does not hold {} elements", shape, data.len()),
            ));
        }
        let (s, n) = c_shape(shape)?;
        let mut boxed = Box::new(data);
        let base = boxed.as_mut_ptr().cast::<sys::c_void>();
        let user = Box::into_raw(boxed).cast::<sys::c_void>();
        // On success the tensor owns `user`; on failure the library has
        // already called the deleter, so there is nothing to undo here.
        Tensor::create(|out| unsafe {
            sys::tsr_tensor_wrap(self.raw, base, s, ptr::null(), n, T::DTYPE.raw(), Some(drop_boxed_vec::<T>), user, out)
        })
    }
}

/// Drops the `Vec<T>` that `Context::from_vec` moved into a tensor.
unsafe extern "C" fn drop_boxed_vec<T>(_data: *mut sys::c_void, user_data: *mut sys::c_void) {
    // SAFETY: user_data is the Box<Vec<T>> leaked by from_vec; the library
    // calls this exactly once.
    drop(Box::from_raw(user_data as *mut Vec<T>));
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("device", &self.device().ok()).finish()
    }
}
