//! Tensors: queries, host copies and views. Ops are in ops.rs.
use std::mem;
use std::ptr;

use tessera_sys as sys;

use crate::context::Context;
use crate::device::Device;
use crate::element::Element;
use crate::enums::DType;
use crate::error::{check, Error, Result};
use crate::handle::owned_handle;
use crate::stream::{raw_stream, Stream};
use crate::Status;

owned_handle!(
    /// A tensor on a device (`tsr_tensor`). Clone shares it (retain): both
    /// values name the same storage, nothing is copied. Views (reshape,
    /// slice, ...) also share storage and keep it alive.
    Tensor, sys::tsr_tensor, tsr_tensor_retain, tsr_tensor_release
);

/// A shape as the C ABI takes it (pointer, ndim), checked against TSR_MAX_DIMS.
pub(crate) fn c_shape(shape: &[i64]) -> Result<(*const i64, i32)> {
    if shape.len() > sys::TSR_MAX_DIMS as usize {
        return Err(Error::new(
            Status::TooManyDims,
            format!("shape {:?} has more than {} dimensions", shape, sys::TSR_MAX_DIMS),
        ));
    }
    Ok((if shape.is_empty() { ptr::null() } else { shape.as_ptr() }, shape.len() as i32))
}

impl Tensor {
    /// Runs a C call that allocates its result into `*out`.
    pub(crate) fn create(call: impl FnOnce(*mut sys::tsr_tensor) -> sys::tsr_status) -> Result<Tensor> {
        let mut raw: sys::tsr_tensor = ptr::null_mut();
        check(call(&mut raw))?;
        Ok(Tensor { raw })
    }

    /// Runs a C call that writes into this existing tensor (the in/out protocol).
    pub(crate) fn write(&self, call: impl FnOnce(*mut sys::tsr_tensor) -> sys::tsr_status) -> Result<()> {
        let mut raw = self.raw;
        check(call(&mut raw))
    }

    pub fn ndim(&self) -> Result<usize> {
        let mut n = 0;
        check(unsafe { sys::tsr_tensor_ndim(self.raw, &mut n) })?;
        Ok(n as usize)
    }

    pub fn shape(&self) -> Result<Vec<i64>> {
        let mut dims = [0i64; sys::TSR_MAX_DIMS as usize];
        check(unsafe { sys::tsr_tensor_shape(self.raw, dims.as_mut_ptr()) })?;
        Ok(dims[..self.ndim()?].to_vec())
    }

    /// Strides in elements.
    pub fn strides(&self) -> Result<Vec<i64>> {
        let mut strides = [0i64; sys::TSR_MAX_DIMS as usize];
        check(unsafe { sys::tsr_tensor_strides(self.raw, strides.as_mut_ptr()) })?;
        Ok(strides[..self.ndim()?].to_vec())
    }

    pub fn dtype(&self) -> Result<DType> {
        let mut d = 0;
        check(unsafe { sys::tsr_tensor_dtype(self.raw, &mut d) })?;
        DType::from_raw(d).ok_or_else(|| Error::new(Status::Internal, format!("Tensor::dtype: unknown dtype {}", d)))
    }

    pub fn numel(&self) -> Result<i64> {
        let mut n = 0;
        check(unsafe { sys::tsr_tensor_numel(self.raw, &mut n) })?;
        Ok(n)
    }

    pub fn nbytes(&self) -> Result<i64> {
        let mut n = 0;
        check(unsafe { sys::tsr_tensor_nbytes(self.raw, &mut n) })?;
        Ok(n)
    }

    pub fn is_contiguous(&self) -> Result<bool> {
        let mut c = 0;
        check(unsafe { sys::tsr_tensor_is_contiguous(self.raw, &mut c) })?;
        Ok(c != 0)
    }

    /// The tensor's context (a new owner of it).
    pub fn context(&self) -> Result<Context> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_tensor_context(self.raw, &mut raw) })?;
        // tsr_tensor_context hands out a new handle that the caller releases.
        Ok(unsafe { Context::from_raw(raw) })
    }

    pub fn device(&self) -> Result<Device> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::tsr_tensor_device(self.raw, &mut raw) })?;
        Ok(Device::from_raw(raw))
    }

    /// Address of element 0 (host or device memory). Dereferencing it is
    /// the caller's business (and unsafe): it stays valid while `self` lives.
    pub fn data_ptr(&self) -> Result<*mut sys::c_void> {
        let mut p = ptr::null_mut();
        check(unsafe { sys::tsr_tensor_data_pointer(self.raw, &mut p) })?;
        Ok(p)
    }

    fn check_host_copy<T: Element>(&self, what: &str, len: usize) -> Result<()> {
        let (dtype, numel) = (self.dtype()?, self.numel()?);
        if dtype != T::DTYPE {
            return Err(Error::new(
                Status::DTypeMismatch,
                format!("Tensor::{}: the tensor is {:?}, the slice is {:?}", what, dtype, T::DTYPE),
            ));
        }
        if numel != len as i64 {
            return Err(Error::new(
                Status::ShapeMismatch,
                format!("Tensor::{}: the tensor has {} elements, the slice {}", what, numel, len),
            ));
        }
        Ok(())
    }

    /// Copies the tensor (any layout) into `out` in C order, after the work
    /// queued on `stream` (None = default stream). `T` must be its dtype.
    pub fn copy_to_slice_on<T: Element>(&self, out: &mut [T], stream: Option<&Stream>) -> Result<()> {
        self.check_host_copy::<T>("copy_to_slice", out.len())?;
        let bytes = mem::size_of_val(out) as i64;
        check(unsafe { sys::tsr_tensor_to_host(self.raw, out.as_mut_ptr().cast(), bytes, raw_stream(stream)) })
    }

    /// As `copy_to_slice_on` with the default stream.
    pub fn copy_to_slice<T: Element>(&self, out: &mut [T]) -> Result<()> {
        self.copy_to_slice_on(out, None)
    }

    /// The elements in C order, in a new Vec.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        let mut out = vec![T::default(); self.numel()? as usize];
        self.copy_to_slice(&mut out)?;
        Ok(out)
    }

    /// Copies `src` into `self` (same shape; dtypes converted; any contexts).
    pub fn copy_from(&self, src: &Tensor, stream: Option<&Stream>) -> Result<()> {
        check(unsafe { sys::tsr_tensor_copy(self.raw, src.raw, raw_stream(stream)) })
    }

    /// A copy in another context (its device).
    pub fn to_context(&self, context: &Context) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_tensor_to_context(self.raw, context.as_raw(), ptr::null_mut(), out) })
    }

    /// A view with a new shape when the layout allows it, else a copy. One
    /// entry may be -1 (inferred).
    pub fn reshape(&self, shape: &[i64]) -> Result<Tensor> {
        let (s, n) = c_shape(shape)?;
        Tensor::create(|out| unsafe { sys::tsr_tensor_reshape(self.raw, s, n, out) })
    }

    /// A view with the axes reordered (negative axes count from the end).
    pub fn permute(&self, axes: &[i32]) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_tensor_permute(self.raw, axes.as_ptr(), axes.len() as i32, out) })
    }

    pub fn transpose(&self, axis0: i32, axis1: i32) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_tensor_transpose(self.raw, axis0, axis1, out) })
    }

    /// A view: per axis (start, stop, step), Python slice semantics.
    pub fn slice(&self, ranges: &[(i64, i64, i64)]) -> Result<Tensor> {
        let ndim = self.ndim()?;
        if ranges.len() != ndim {
            return Err(Error::new(
                Status::InvalidArgument,
                format!("Tensor::slice: {} ranges for a tensor of {} dimensions", ranges.len(), ndim),
            ));
        }
        let starts: Vec<i64> = ranges.iter().map(|r| r.0).collect();
        let stops: Vec<i64> = ranges.iter().map(|r| r.1).collect();
        let steps: Vec<i64> = ranges.iter().map(|r| r.2).collect();
        Tensor::create(|out| unsafe {
            sys::tsr_tensor_slice(self.raw, starts.as_ptr(), stops.as_ptr(), steps.as_ptr(), out)
        })
    }

    /// A broadcast view to `shape` (stride 0 on expanded axes).
    pub fn expand(&self, shape: &[i64]) -> Result<Tensor> {
        let (s, n) = c_shape(shape)?;
        Tensor::create(|out| unsafe { sys::tsr_tensor_expand(self.raw, s, n, out) })
    }

    pub fn squeeze(&self, axis: i32) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_tensor_squeeze(self.raw, axis, out) })
    }

    pub fn unsqueeze(&self, axis: i32) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_tensor_unsqueeze(self.raw, axis, out) })
    }

    /// C-contiguous: `self` again if it already is, else a copy.
    pub fn contiguous(&self) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_tensor_contiguous(self.raw, ptr::null_mut(), out) })
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.shape(), self.dtype()) {
            (Ok(shape), Ok(dtype)) => write!(f, "Tensor({:?}, {:?})", shape, dtype),
            (Err(e), _) | (_, Err(e)) => write!(f, "Tensor(<{}>)", e),
        }
    }
}
