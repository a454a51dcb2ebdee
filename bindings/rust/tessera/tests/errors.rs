//! Bad input: every failure comes back as an Error with the C status and the
//! library's message; nothing panics, outputs are left untouched.
mod common;

use tessera::{BinaryOp, Context, DType, DeviceKind, Status, Stream, StreamFlags, Tensor};

fn cpu() -> Context {
    Context::on(DeviceKind::Cpu, 0).expect("a CPU context")
}

#[test]
fn stale_handle_is_invalid_handle_not_a_crash() {
    let ctx = cpu();
    let t = ctx.zeros(&[2, 2], DType::Float32).unwrap();
    let raw = t.into_raw();
    unsafe { tessera::sys::tsr_tensor_release(raw) };
    // SAFETY (per from_raw's contract): a stale value is allowed; calls fail.
    let stale = unsafe { Tensor::from_raw(raw) };
    let err = stale.shape().unwrap_err();
    assert_eq!(err.status(), Status::InvalidHandle);
    assert_eq!(err.code(), tessera::sys::TSR_ERROR_INVALID_HANDLE);
    assert!(err.message().contains("tsr_tensor"), "message should name the function: {}", err);
    let other = ctx.zeros(&[2, 2], DType::Float32).unwrap();
    let err = (&stale + &other).unwrap_err();
    assert_eq!(err.status(), Status::InvalidHandle);
    assert!(err.message().contains("tsr_binary"), "{}", err);
    // Dropping the stale value releases nothing and does not crash.
}

#[test]
fn wrong_kind_handle_is_rejected() {
    let ctx = cpu();
    // A context handle posing as a tensor: the slot table checks the kind.
    let fake = unsafe { Tensor::from_raw(ctx.as_raw() as tessera::sys::tsr_tensor) };
    let err = fake.numel().unwrap_err();
    assert_eq!(err.status(), Status::InvalidHandle);
    // Dropping `fake` calls tsr_tensor_release on a context handle, which
    // must leave the context alone.
    drop(fake);
    assert!(ctx.zeros(&[1], DType::Float32).is_ok(), "the context must survive");
}

#[test]
fn shape_mismatch_names_the_function_and_leaves_out_untouched() {
    let ctx = cpu();
    let a = ctx.from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    let b = ctx.from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[4]).unwrap();
    let err = (&a + &b).unwrap_err();
    assert_eq!(err.status(), Status::ShapeMismatch);
    assert!(err.message().contains("tsr_binary"), "{}", err);
    let shown = err.to_string();
    assert!(shown.starts_with("TSR_ERROR_SHAPE_MISMATCH: "), "Display: {}", shown);
    // Writing into an out of the wrong shape fails and keeps its contents.
    let out = ctx.full(&[3], DType::Float32, 7.0).unwrap();
    let err = a.binary_into(BinaryOp::Add, &a, &out, None).unwrap_err();
    assert_eq!(err.status(), Status::ShapeMismatch);
    assert_eq!(out.to_vec::<f32>().unwrap(), vec![7.0, 7.0, 7.0]);
}

#[test]
fn host_copy_checks_dtype_and_length() {
    let ctx = cpu();
    let t = ctx.zeros(&[4], DType::Float32).unwrap();
    let err = t.to_vec::<i32>().unwrap_err();
    assert_eq!(err.status(), Status::DTypeMismatch);
    assert!(err.message().contains("Float32"), "{}", err);
    let mut short = [0.0f32; 3];
    assert_eq!(t.copy_to_slice(&mut short).unwrap_err().status(), Status::ShapeMismatch);
    let err = ctx.from_slice(&[1.0f32, 2.0, 3.0], &[2, 2]).unwrap_err();
    assert_eq!(err.status(), Status::ShapeMismatch);
    let err = ctx.zeros(&[1; 9], DType::Float32).unwrap_err();
    assert_eq!(err.status(), Status::TooManyDims);
    let err = ctx.zeros(&[2, -3], DType::Float32).unwrap_err();
    assert_eq!(err.status(), Status::InvalidShape);
}

#[test]
fn stream_of_another_context_is_a_device_mismatch() {
    let (c1, c2) = (cpu(), cpu());
    let s2 = Stream::new(&c2, StreamFlags::default()).unwrap();
    let x = c1.zeros(&[2], DType::Float32).unwrap();
    let out = c1.zeros(&[2], DType::Float32).unwrap();
    let err = x.unary_into(tessera::UnaryOp::Exp, &out, Some(&s2)).unwrap_err();
    assert_eq!(err.status(), Status::DeviceMismatch);
}

#[test]
fn unsupported_features_surface_with_their_message() {
    let ctx = cpu();
    let s = ctx.default_stream().unwrap();
    assert!(s.native_handle().unwrap().is_null(), "the CPU has no native stream");
    let mut raw = std::ptr::null_mut();
    let code = unsafe { tessera::sys::tsr_stream_wrap_native(ctx.as_raw(), 1usize as *mut _, &mut raw) };
    assert_eq!(code, tessera::sys::TSR_ERROR_UNSUPPORTED);
    assert!(raw.is_null(), "out must stay untouched on failure");
}

#[test]
fn errors_stay_with_their_thread() {
    let ctx = cpu();
    let a = ctx.zeros(&[2, 3], DType::Float32).unwrap();
    let b = ctx.zeros(&[5], DType::Float32).unwrap();
    std::thread::scope(|scope| {
        let failing = scope.spawn(|| (&a + &b).unwrap_err());
        let fine = scope.spawn(|| (&a + &a).map(|t| t.shape().unwrap()));
        assert_eq!(fine.join().unwrap().unwrap(), vec![2, 3]);
        let err = failing.join().unwrap();
        assert_eq!(err.status(), Status::ShapeMismatch);
        assert!(err.message().contains("tsr_binary"), "{}", err);
    });
}

#[test]
fn tensors_move_between_threads() {
    let ctx = cpu();
    let x = ctx.from_slice(&[1.0f32, 4.0, 9.0], &[3]).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let x = x.clone();
            std::thread::spawn(move || {
                let y = (x.sqrt().unwrap() * i as f64).unwrap();
                y.to_vec::<f32>().unwrap()
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        let f = i as f32;
        assert_eq!(h.join().unwrap(), vec![f, 2.0 * f, 3.0 * f]);
    }
}
