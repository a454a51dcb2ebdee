//! One owned reference to a reference-counted C object: Drop releases it,
//! Clone retains it. Shared by Context, Tensor, Stream and Event.

/// Declares `$name` owning one reference of a `$raw` handle.
macro_rules! owned_handle {
    ($(#[$meta:meta])* $name:ident, $raw:ty, $retain:ident, $release:ident) => {
        $(#[$meta])*
        pub struct $name {
            raw: $raw,
        }

        impl $name {
            /// Takes ownership of one reference of `raw`.
            ///
            /// # Safety
            /// `raw` must be a handle of this kind whose reference the caller
            /// owns and gives up. (A stale or foreign value is not undefined
            /// behaviour, since the library validates every handle, but
            /// every call on it then fails with `Status::InvalidHandle`.)
            pub unsafe fn from_raw(raw: $raw) -> Self {
                $name { raw }
            }

            /// The C handle, still owned by `self`.
            pub fn as_raw(&self) -> $raw {
                self.raw
            }

            /// Gives up ownership: the caller must release the handle.
            #[allow(dead_code)]
            pub fn into_raw(self) -> $raw {
                let raw = self.raw;
                std::mem::forget(self);
                raw
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                // SAFETY: self owns one reference; release accepts any value.
                unsafe { tessera_sys::$release(self.raw) }
            }
        }

        impl Clone for $name {
            /// Another owner of the same object (`*_retain`); no copy is made.
            ///
            /// Panics only if the handle is no longer valid, which cannot
            /// happen to a value built by this crate (it owns a reference).
            fn clone(&self) -> Self {
                let status = unsafe { tessera_sys::$retain(self.raw) };
                if status != tessera_sys::TSR_OK {
                    panic!(
                        "{}::clone: {}",
                        stringify!($name),
                        $crate::error::Error::from_last(status)
                    );
                }
                $name { raw: self.raw }
            }
        }

        // SAFETY: see "Threads" in the crate documentation: handles are
        // validated through a thread-safe slot table, reference counts are
        // atomic, and every C entry point may be called from any thread.
        unsafe impl Send for $name {}
        unsafe impl Sync for $name {}
    };
}

pub(crate) use owned_handle;
