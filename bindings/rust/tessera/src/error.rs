//! `tessera::Error`: the status code and the native message of a failed call.
use std::ffi::CStr;
use std::fmt;

use tessera_sys as sys;

use crate::enums::Status;

/// The result of every fallible Tessera call.
pub type Result<T> = std::result::Result<T, Error>;

/// A failed call: the C status code and the message the library wrote for
/// this thread (it names the function, the op and the shapes involved).
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    code: i32,
    message: String,
}

impl Error {
    /// An error raised by the binding itself (before any C call).
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Error { code: status.raw(), message: message.into() }
    }

    /// Reads the calling thread's last native message for a failed `code`.
    /// Must run right after the failing call, on the same thread.
    pub(crate) fn from_last(code: i32) -> Self {
        // SAFETY: tsr_last_error_message never returns null and the text stays
        // valid until this thread's next Tessera call; it is copied at once.
        let message = unsafe { CStr::from_ptr(sys::tsr_last_error_message()) };
        Error { code, message: message.to_string_lossy().into_owned() }
    }

    /// The status, or `Status::Internal` for a code this binding does not know
    /// (a newer library); `code()` keeps the raw value.
    pub fn status(&self) -> Status {
        Status::from_raw(self.code).unwrap_or(Status::Internal)
    }

    /// The raw C status code.
    pub fn code(&self) -> i32 {
        self.code
    }

    /// The native message, e.g. "tsr_binary: shapes [2,3] and [4] do not broadcast".
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The library's name for a status code, e.g. "TSR_ERROR_INVALID_HANDLE".
pub fn status_name(code: i32) -> String {
    // SAFETY: tsr_status_string returns a static NUL-terminated string, never null.
    unsafe { CStr::from_ptr(sys::tsr_status_string(code)) }.to_string_lossy().into_owned()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", status_name(self.code), self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("status", &status_name(self.code))
            .field("message", &self.message)
            .finish()
    }
}

impl std::error::Error for Error {}

/// Ok for TSR_OK, else the error with this thread's native message.
#[inline]
pub(crate) fn check(code: sys::tsr_status) -> Result<()> {
    if code == sys::TSR_OK {
        Ok(())
    } else {
        Err(Error::from_last(code))
    }
}
