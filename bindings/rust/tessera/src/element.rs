//! Rust element types that map one-to-one onto a Tessera dtype, for host copies.
use crate::enums::DType;

mod sealed {
    pub trait Sealed {}
}

/// A plain-data Rust type with the exact layout of one Tessera dtype.
///
/// Sealed: a wrong mapping would let a host copy write bytes a type does not
/// allow. `bool` is left out on purpose (any byte other than 0 or 1 would be
/// undefined behaviour in a `bool`); read bool tensors with `astype(DType::UInt8)`.
/// float16/bfloat16 have no stable Rust type; convert with `astype` first.
pub trait Element: Copy + Default + sealed::Sealed + 'static {
    /// The dtype of a tensor whose elements are `Self`.
    const DTYPE: DType;
}

macro_rules! element {
    ($($t:ty => $d:ident),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
        }
    )*};
}

element!(i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64, u8 => UInt8, u16 => UInt16,
         u32 => UInt32, u64 => UInt64, f32 => Float32, f64 => Float64);
