//! Tessera for Rust: tensors that stay on the device, owned by handle.
//!
//! ```no_run
//! use tessera::{Activation, Context, DType};
//! # fn main() -> tessera::Result<()> {
//! let ctx = Context::new()?;                                 // best device present
//! let x = ctx.from_slice(&[1.0f32, -2.0, 3.0, -4.0], &[2, 2])?;
//! let w = ctx.random_uniform(&[3, 2], DType::Float32, 1, -0.5, 0.5)?;
//! let y = x.linear(&w, None, Activation::Relu)?;             // stays on the device
//! let z = ((&y * 2.0)? + &y)?;                               // operators return Result
//! println!("{:?}", z.to_vec::<f32>()?);                      // one host read
//! # Ok(()) }
//! ```
//!
//! Every fallible call returns `Result<T, tessera::Error>`; the error keeps
//! the C status and the library's message (function, op, shapes). Nothing
//! panics on bad input.
//!
//! # Ownership
//! `Context`, `Tensor`, `Stream` and `Event` each own one reference of a C
//! handle: `Drop` releases it, `Clone` retains it (no data is copied). Views
//! share storage and keep it alive. `Device` is a plain `Copy` value.
//!
//! # Threads
//! All four handle types are `Send` and `Sync`. This rests on the C ABI:
//! handles are validated through a slot table whose lookups, retains and
//! releases are atomic or locked, the error message is per thread (and this
//! crate reads it on the thread of the failing call), streams serialize the
//! work queued on them under a lock, and the allocator and the context's
//! stream list are locked. Sharing a `Tensor` between threads is as safe as
//! sharing it between two streams: reads may overlap freely; two writers
//! into the same tensor on different streams must be ordered with an
//! `Event`, exactly as in single-threaded code on two streams (the library
//! does not order them for you, and the result would be garbage, not Rust
//! undefined behaviour in this crate's memory: host copies only ever write
//! the caller's slice, synchronously).
#![deny(missing_debug_implementations)]

mod context;
mod device;
mod element;
#[rustfmt::skip]
mod enums;
mod error;
mod handle;
mod ops;
mod stream;
mod tensor;

pub use context::{Context, ContextOptions, Stats};
pub use device::{backend_available, Device, DeviceInfo};
pub use element::Element;
pub use enums::{Activation, BinaryOp, ContextFlags, DType, DeviceKind, Distribution, ReduceOp, Status, StreamFlags, UnaryOp};
pub use error::{status_name, Error, Result};
pub use stream::{Event, Stream};
pub use tensor::Tensor;

/// The low-level layer, for calls this crate does not wrap.
pub use tessera_sys as sys;

/// The library's version (major, minor, patch).
pub fn version() -> Result<(i32, i32, i32)> {
    let (mut major, mut minor, mut patch) = (0, 0, 0);
    error::check(unsafe { sys::tsr_version(&mut major, &mut minor, &mut patch) })?;
    Ok((major, minor, patch))
}

impl DType {
    /// Size of one element in bytes (bool is 1).
    pub fn size(self) -> Result<i64> {
        let mut bytes = 0;
        error::check(unsafe { sys::tsr_dtype_size(self.raw(), &mut bytes) })?;
        Ok(bytes)
    }

    /// The dtype a binary op on `self` and `other` computes in.
    pub fn result_type(self, other: DType) -> Result<DType> {
        let mut out = 0;
        error::check(unsafe { sys::tsr_result_type(self.raw(), other.raw(), &mut out) })?;
        DType::from_raw(out).ok_or_else(|| Error::new(Status::Internal, format!("unknown dtype {}", out)))
    }
}
