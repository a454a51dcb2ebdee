//! Streams (in-order queues of device work) and events (points in a stream).
use std::ptr;

use tessera_sys as sys;

use crate::context::Context;
use crate::enums::StreamFlags;
use crate::error::{check, Result};
use crate::handle::owned_handle;

owned_handle!(
    /// One reference of a `tsr_stream`.
    StreamRef, sys::tsr_stream, tsr_stream_retain, tsr_stream_release
);

/// A stream. Ops given `Some(&stream)` are queued on it in order; `None`
/// means the context's default stream. Clone shares it (retain).
#[derive(Clone)]
pub struct Stream {
    handle: StreamRef,
    // The default stream belongs to its context and dies with it, so a
    // Stream made from it keeps the context alive.
    _owner: Option<Context>,
}

impl Stream {
    /// A new stream of `context`.
    pub fn new(context: &Context, flags: StreamFlags) -> Result<Stream> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_stream_create(context.as_raw(), flags.0, &mut raw) })?;
        Ok(Stream { handle: unsafe { StreamRef::from_raw(raw) }, _owner: None })
    }

    /// Wraps a caller's native stream (cudaStream_t, hipStream_t,
    /// cl_command_queue) without taking it over: Tessera never destroys it.
    /// Unsupported on the CPU.
    ///
    /// # Safety
    /// `native` must be a stream of `context`'s device that outlives the
    /// returned value and every op queued through it.
    pub unsafe fn wrap_native(context: &Context, native: *mut sys::c_void) -> Result<Stream> {
        let mut raw = ptr::null_mut();
        check(sys::tsr_stream_wrap_native(context.as_raw(), native, &mut raw))?;
        Ok(Stream { handle: StreamRef::from_raw(raw), _owner: None })
    }

    pub(crate) fn default_of(raw: sys::tsr_stream, owner: Context) -> Stream {
        Stream { handle: unsafe { StreamRef::from_raw(raw) }, _owner: Some(owner) }
    }

    /// Takes ownership of one reference of a stream made by tsr_stream_create.
    ///
    /// # Safety
    /// As `Context::from_raw`. Not for the borrowed handle of
    /// tsr_context_default_stream: use `Context::default_stream`.
    pub unsafe fn from_raw(raw: sys::tsr_stream) -> Stream {
        Stream { handle: StreamRef::from_raw(raw), _owner: None }
    }

    /// The C handle, still owned by `self`.
    pub fn as_raw(&self) -> sys::tsr_stream {
        self.handle.as_raw()
    }

    /// Blocks until all queued work is done; reports (and clears) the first
    /// asynchronous failure as `Status::Async` with the op's name.
    pub fn synchronize(&self) -> Result<()> {
        check(unsafe { sys::tsr_stream_synchronize(self.as_raw()) })
    }

    /// True when all queued work is done. Never blocks.
    pub fn is_done(&self) -> Result<bool> {
        let mut done = 0;
        check(unsafe { sys::tsr_stream_query(self.as_raw(), &mut done) })?;
        Ok(done != 0)
    }

    /// Future work on this stream waits for the event's last record.
    pub fn wait_event(&self, event: &Event) -> Result<()> {
        check(unsafe { sys::tsr_stream_wait_event(self.as_raw(), event.as_raw()) })
    }

    /// The native stream (cudaStream_t, hipStream_t, cl_command_queue); null
    /// on the CPU. Borrowed: valid while this stream lives.
    pub fn native_handle(&self) -> Result<*mut sys::c_void> {
        let mut native = ptr::null_mut();
        check(unsafe { sys::tsr_stream_native_handle(self.as_raw(), &mut native) })?;
        Ok(native)
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stream({:p})", self.as_raw())
    }
}

pub(crate) fn raw_stream(stream: Option<&Stream>) -> sys::tsr_stream {
    stream.map_or(ptr::null_mut(), Stream::as_raw)
}

owned_handle!(
    /// An event (`tsr_event`): records a point in a stream to wait on or time.
    Event, sys::tsr_event, tsr_event_retain, tsr_event_release
);

impl Event {
    pub fn new(context: &Context) -> Result<Event> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_event_create(context.as_raw(), &mut raw) })?;
        Ok(Event { raw })
    }

    /// Records the event at the current end of `stream` (None = default).
    pub fn record(&self, stream: Option<&Stream>) -> Result<()> {
        check(unsafe { sys::tsr_event_record(self.raw, raw_stream(stream)) })
    }

    /// Blocks until the last record has completed.
    pub fn synchronize(&self) -> Result<()> {
        check(unsafe { sys::tsr_event_synchronize(self.raw) })
    }

    /// True when the last record has completed (or it was never recorded).
    pub fn is_done(&self) -> Result<bool> {
        let mut done = 0;
        check(unsafe { sys::tsr_event_query(self.raw, &mut done) })?;
        Ok(done != 0)
    }

    /// Milliseconds from `self`'s record to `end`'s (both completed).
    pub fn elapsed_ms(&self, end: &Event) -> Result<f32> {
        let mut ms = 0.0f32;
        check(unsafe { sys::tsr_event_elapsed_ms(self.raw, end.raw, &mut ms) })?;
        Ok(ms)
    }
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Event({:p})", self.raw)
    }
}
