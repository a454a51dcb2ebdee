//! Results of the safe API against simple host computations on random inputs.
mod common;

use common::{assert_close, unsupported_allowed, widen, Rng};
use tessera::{Activation, BinaryOp, Context, DType, DeviceKind, Stream, StreamFlags, Tensor, UnaryOp};

fn cpu() -> Context {
    Context::on(DeviceKind::Cpu, 0).expect("a CPU context")
}

fn upload(ctx: &Context, data: &[f32], shape: &[i64]) -> Tensor {
    ctx.from_slice(data, shape).expect("from_slice")
}

fn read(t: &Tensor) -> Vec<f64> {
    widen(&t.to_vec::<f32>().expect("to_vec"))
}

#[test]
fn host_round_trip_keeps_every_dtype_exact() {
    let ctx = cpu();
    let mut rng = Rng::new(1);
    let f: Vec<f32> = rng.f32s(12, -5.0, 5.0);
    assert_eq!(ctx.from_slice(&f, &[3, 4]).unwrap().to_vec::<f32>().unwrap(), f);
    let d: Vec<f64> = rng.f64s(7, -1e6, 1e6);
    assert_eq!(ctx.from_slice(&d, &[7]).unwrap().to_vec::<f64>().unwrap(), d);
    let i: Vec<i32> = (0..10).map(|_| rng.next_u64() as i32).collect();
    assert_eq!(ctx.from_slice(&i, &[2, 5]).unwrap().to_vec::<i32>().unwrap(), i);
    let l: Vec<i64> = (0..5).map(|_| rng.next_u64() as i64).collect();
    assert_eq!(ctx.from_slice(&l, &[5]).unwrap().to_vec::<i64>().unwrap(), l);
    let b: Vec<u8> = (0..9).map(|_| rng.next_u64() as u8).collect();
    let t = ctx.from_slice(&b, &[3, 3]).unwrap();
    assert_eq!(t.dtype().unwrap(), DType::UInt8);
    assert_eq!(t.shape().unwrap(), vec![3, 3]);
    assert_eq!(t.numel().unwrap(), 9);
    assert_eq!(t.nbytes().unwrap(), 9);
    assert_eq!(t.to_vec::<u8>().unwrap(), b);
    // A scalar (0-d) and an empty tensor.
    let s = ctx.from_slice(&[2.5f64], &[]).unwrap();
    assert_eq!(s.ndim().unwrap(), 0);
    assert_eq!(s.to_vec::<f64>().unwrap(), vec![2.5]);
    let e = ctx.from_slice::<f32>(&[], &[0, 3]).unwrap();
    assert_eq!(e.to_vec::<f32>().unwrap(), Vec::<f32>::new());
}

#[test]
fn arithmetic_operators_match_host_with_broadcasting() {
    let ctx = cpu();
    let mut rng = Rng::new(2);
    let (a, b) = (rng.f32s(12, -3.0, 3.0), rng.f32s(4, 0.5, 2.0));
    let (ta, tb) = (upload(&ctx, &a, &[3, 4]), upload(&ctx, &b, &[4]));
    let host = |f: &dyn Fn(f64, f64) -> f64| -> Vec<f64> {
        (0..12).map(|i| f(a[i] as f64, b[i % 4] as f64)).collect()
    };
    let tol = (1e-6, 1e-6);
    assert_close(&read(&(&ta + &tb).unwrap()), &host(&|x, y| x + y), tol.0, tol.1, "a + b");
    assert_close(&read(&(&ta - &tb).unwrap()), &host(&|x, y| x - y), tol.0, tol.1, "a - b");
    assert_close(&read(&(&ta * &tb).unwrap()), &host(&|x, y| x * y), tol.0, tol.1, "a * b");
    assert_close(&read(&(&ta / &tb).unwrap()), &host(&|x, y| x / y), tol.0, tol.1, "a / b");
    assert_close(&read(&ta.maximum(&tb).unwrap()), &host(&|x, y| x.max(y)), 0.0, 0.0, "maximum");
    // Scalars on either side, negation, and owned operands.
    assert_close(&read(&(&ta * 2.5).unwrap()), &host(&|x, _| x * 2.5), tol.0, tol.1, "a * 2.5");
    assert_close(&read(&(1.0 - &ta).unwrap()), &host(&|x, _| 1.0 - x), tol.0, tol.1, "1 - a");
    assert_close(&read(&(8.0 / &tb).unwrap()), &b.iter().map(|&y| 8.0 / y as f64).collect::<Vec<_>>(), tol.0, tol.1, "8 / b");
    assert_close(&read(&(-&ta).unwrap()), &host(&|x, _| -x), 0.0, 0.0, "-a");
    let chained = ((ta.clone() + tb.clone()).unwrap() * 0.5).unwrap();
    assert_close(&read(&chained), &host(&|x, y| (x + y) * 0.5), tol.0, tol.1, "(a + b) * 0.5");
    // Comparisons give bool; read them through uint8.
    let less = ta.less(&tb).unwrap();
    assert_eq!(less.dtype().unwrap(), DType::Bool);
    let got: Vec<u8> = less.astype(DType::UInt8).unwrap().to_vec().unwrap();
    let want: Vec<u8> = (0..12).map(|i| (a[i] < b[i % 4]) as u8).collect();
    assert_eq!(got, want);
}

#[test]
fn unary_ops_match_host() {
    let ctx = cpu();
    let mut rng = Rng::new(3);
    let x = rng.f32s(64, -4.0, 4.0);
    let t = upload(&ctx, &x, &[8, 8]);
    let check = |got: Tensor, f: fn(f64) -> f64, what: &str| {
        let want: Vec<f64> = x.iter().map(|&v| f(v as f64)).collect();
        assert_close(&read(&got), &want, 1e-5, 1e-6, what);
    };
    check(t.exp().unwrap(), f64::exp, "exp");
    check(t.relu().unwrap(), |v| v.max(0.0), "relu");
    check(t.tanh().unwrap(), f64::tanh, "tanh");
    check(t.abs().unwrap().sqrt().unwrap(), |v| v.abs().sqrt(), "sqrt(abs)");
    check(t.sigmoid().unwrap(), |v| 1.0 / (1.0 + (-v).exp()), "sigmoid");
    check(t.unary(UnaryOp::Square).unwrap(), |v| v * v, "square");
    check(t.neg().unwrap(), |v| -v, "neg");
}

#[test]
fn views_share_storage_and_read_back_in_c_order() {
    let ctx = cpu();
    let mut rng = Rng::new(4);
    let x = rng.f32s(24, -1.0, 1.0);
    let t = upload(&ctx, &x, &[2, 3, 4]);
    // transpose(0, 2): [4, 3, 2]
    let tt = t.transpose(0, 2).unwrap();
    assert_eq!(tt.shape().unwrap(), vec![4, 3, 2]);
    assert!(!tt.is_contiguous().unwrap());
    let mut want = Vec::new();
    for k in 0..4 {
        for j in 0..3 {
            for i in 0..2 {
                want.push(x[i * 12 + j * 4 + k] as f64);
            }
        }
    }
    assert_close(&read(&tt), &want, 0.0, 0.0, "transpose");
    assert_close(&read(&tt.contiguous().unwrap()), &want, 0.0, 0.0, "contiguous");
    // slice [:, 1:3, ::-2]
    let s = t.slice(&[(0, 2, 1), (1, 3, 1), (3, -5, -2)]).unwrap();
    assert_eq!(s.shape().unwrap(), vec![2, 2, 2]);
    let mut want = Vec::new();
    for i in 0..2 {
        for j in 1..3 {
            for k in [3usize, 1] {
                want.push(x[i * 12 + j * 4 + k] as f64);
            }
        }
    }
    assert_close(&read(&s), &want, 0.0, 0.0, "slice");
    let r = t.reshape(&[6, -1]).unwrap();
    assert_eq!(r.shape().unwrap(), vec![6, 4]);
    assert_close(&read(&r), &widen(&x), 0.0, 0.0, "reshape");
    let e = upload(&ctx, &x[..4], &[4]).unsqueeze(0).unwrap().expand(&[3, 4]).unwrap();
    let want: Vec<f64> = (0..12).map(|i| x[i % 4] as f64).collect();
    assert_close(&read(&e), &want, 0.0, 0.0, "expand");
}

#[test]
fn clone_shares_storage_and_into_writes_in_place() {
    let ctx = cpu();
    let mut rng = Rng::new(5);
    let (a, b) = (rng.f32s(6, -1.0, 1.0), rng.f32s(6, -1.0, 1.0));
    let (ta, tb) = (upload(&ctx, &a, &[2, 3]), upload(&ctx, &b, &[2, 3]));
    let out = ctx.zeros(&[2, 3], DType::Float32).unwrap();
    let alias = out.clone();
    assert_eq!(alias.as_raw(), out.as_raw());
    let stream = Stream::new(&ctx, StreamFlags::default()).unwrap();
    ctx.synchronize().unwrap(); // the uploads and the zero fill ran on the default stream
    ta.binary_into(BinaryOp::Multiply, &tb, &out, Some(&stream)).unwrap();
    stream.synchronize().unwrap();
    let want: Vec<f64> = (0..6).map(|i| a[i] as f64 * b[i] as f64).collect();
    assert_close(&read(&alias), &want, 1e-6, 0.0, "multiply into a shared tensor");
    drop(out);
    assert_close(&read(&alias), &want, 1e-6, 0.0, "alias outlives the original owner");
    ta.unary_into(UnaryOp::Exp, &alias, None).unwrap();
    let want: Vec<f64> = a.iter().map(|&v| (v as f64).exp()).collect();
    assert_close(&read(&alias), &want, 1e-6, 0.0, "exp into");
}

#[test]
fn random_is_reproducible_and_in_range() {
    let ctx = cpu();
    let a = ctx.random_uniform(&[1000], DType::Float32, 42, -0.5, 0.25).unwrap().to_vec::<f32>().unwrap();
    let b = ctx.random_uniform(&[1000], DType::Float32, 42, -0.5, 0.25).unwrap().to_vec::<f32>().unwrap();
    let c = ctx.random_uniform(&[1000], DType::Float32, 43, -0.5, 0.25).unwrap().to_vec::<f32>().unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.iter().all(|&v| (-0.5..0.25).contains(&v)));
    let n = ctx.random_normal(&[4000], DType::Float64, 7, 1.0, 2.0).unwrap().to_vec::<f64>().unwrap();
    let mean = n.iter().sum::<f64>() / n.len() as f64;
    assert!((mean - 1.0).abs() < 0.15, "normal mean {}", mean);
}

#[test]
fn astype_where_full_and_arange() {
    let ctx = cpu();
    let x = upload(&ctx, &[1.7, -2.2, 3.9, -0.5], &[4]);
    assert_eq!(x.astype(DType::Int32).unwrap().to_vec::<i32>().unwrap(), vec![1, -2, 3, 0]);
    let zero = ctx.zeros(&[4], DType::Float32).unwrap();
    let pos = x.greater(&zero).unwrap();
    let picked = pos.where_(&x, &ctx.full(&[4], DType::Float32, 9.0).unwrap()).unwrap();
    assert_eq!(picked.to_vec::<f32>().unwrap(), vec![1.7, 9.0, 3.9, 9.0]);
    assert_eq!(ctx.arange(0.0, 5.0, 2.0, DType::Int64).unwrap().to_vec::<i64>().unwrap(), vec![0, 2, 4]);
}

/// Runs `op` and reads its float32 result back; a missing kernel is accepted
/// only as `unsupported_allowed` says (it surfaces at the host read, as an
/// asynchronous failure naming the op).
fn compute(name: &str, op: impl FnOnce() -> tessera::Result<Tensor>) -> Option<Vec<f64>> {
    match op().and_then(|t| t.to_vec::<f32>()) {
        Ok(v) => Some(widen(&v)),
        Err(e) => {
            assert!(unsupported_allowed(&e, name), "{} failed: {}", name, e);
            None
        }
    }
}

#[test]
fn reductions_match_host() {
    let ctx = cpu();
    let mut rng = Rng::new(6);
    let x = rng.f32s(12, -2.0, 2.0);
    let t = upload(&ctx, &x, &[3, 4]);
    if let Some(got) = compute("sum", || t.sum(None, false)) {
        assert_close(&got, &[x.iter().map(|&v| v as f64).sum()], 1e-5, 1e-5, "sum");
    }
    if let Some(got) = compute("mean", || t.mean(Some(&[1]), true)) {
        let want: Vec<f64> = (0..3).map(|r| x[r * 4..r * 4 + 4].iter().map(|&v| v as f64).sum::<f64>() / 4.0).collect();
        assert_close(&got, &want, 1e-5, 1e-6, "mean over axis 1");
        assert_eq!(t.mean(Some(&[1]), true).unwrap().shape().unwrap(), vec![3, 1]);
    }
}

#[test]
fn matmul_linear_and_softmax_match_host() {
    let ctx = cpu();
    let mut rng = Rng::new(7);
    let (m, k, n) = (3usize, 5usize, 4usize);
    let (a, w, bias) = (rng.f32s(m * k, -1.0, 1.0), rng.f32s(n * k, -1.0, 1.0), rng.f32s(n, -1.0, 1.0));
    let (ta, tw, tb) = (upload(&ctx, &a, &[m as i64, k as i64]), upload(&ctx, &w, &[n as i64, k as i64]),
                        upload(&ctx, &bias, &[n as i64]));
    let dot = |i: usize, j: usize| (0..k).map(|p| a[i * k + p] as f64 * w[j * k + p] as f64).sum::<f64>();
    // x @ w^T + bias, then ReLU
    if let Some(got) = compute("linear", || ta.linear(&tw, Some(&tb), Activation::Relu)) {
        let want: Vec<f64> = (0..m * n).map(|idx| (dot(idx / n, idx % n) + bias[idx % n] as f64).max(0.0)).collect();
        assert_close(&got, &want, 1e-5, 1e-5, "linear + relu");
    }
    if let Some(got) = compute("matmul", || ta.matmul(&tw.transpose(0, 1)?)) {
        let want: Vec<f64> = (0..m * n).map(|idx| dot(idx / n, idx % n)).collect();
        assert_close(&got, &want, 1e-5, 1e-5, "matmul");
    }
    if let Some(got) = compute("softmax", || ta.softmax()) {
        let mut want = Vec::new();
        for r in 0..m {
            let row: Vec<f64> = a[r * k..(r + 1) * k].iter().map(|&v| v as f64).collect();
            let mx = row.iter().cloned().fold(f64::MIN, f64::max);
            let z: f64 = row.iter().map(|v| (v - mx).exp()).sum();
            want.extend(row.iter().map(|v| (v - mx).exp() / z));
        }
        assert_close(&got, &want, 1e-5, 1e-6, "softmax");
    }
}

#[test]
fn device_context_and_stats() {
    let ctx = cpu();
    let info = ctx.device().unwrap().info().unwrap();
    assert_eq!(info.kind, DeviceKind::Cpu);
    assert!(!info.name.is_empty());
    assert!(tessera::Device::count().unwrap() >= 1);
    let (major, minor, patch) = tessera::version().unwrap();
    assert_eq!((major, minor, patch), (tessera::sys::TSR_VERSION_MAJOR, tessera::sys::TSR_VERSION_MINOR, tessera::sys::TSR_VERSION_PATCH));
    let t = ctx.zeros(&[256], DType::Float64).unwrap();
    let stats = ctx.stats().unwrap();
    assert!(stats.bytes_in_use >= 256 * 8, "bytes in use {}", stats.bytes_in_use);
    // The tensor's context is the same context (a new handle to it).
    let c2 = t.context().unwrap();
    assert_eq!(c2.device().unwrap(), ctx.device().unwrap());
    let s = ctx.default_stream().unwrap();
    s.synchronize().unwrap();
    assert!(s.is_done().unwrap());
    assert_eq!(DType::Float32.size().unwrap(), 4);
    assert_eq!(DType::Int32.result_type(DType::Float32).unwrap(), DType::Float32);
}

#[test]
fn events_order_streams() {
    let ctx = cpu();
    let s1 = Stream::new(&ctx, StreamFlags::default()).unwrap();
    let s2 = Stream::new(&ctx, StreamFlags::NON_BLOCKING).unwrap();
    let (start, end) = (tessera::Event::new(&ctx).unwrap(), tessera::Event::new(&ctx).unwrap());
    // x is filled on the default stream: s1 must wait for that (streams are
    // not ordered with each other unless an event says so).
    let x = ctx.full(&[1 << 16], DType::Float32, 2.0).unwrap();
    let y = ctx.empty(&[1 << 16], DType::Float32).unwrap();
    let filled = tessera::Event::new(&ctx).unwrap();
    filled.record(None).unwrap();
    s1.wait_event(&filled).unwrap();
    start.record(Some(&s1)).unwrap();
    x.unary_into(UnaryOp::Sqrt, &y, Some(&s1)).unwrap();
    end.record(Some(&s1)).unwrap();
    s2.wait_event(&end).unwrap();
    let z = ctx.empty(&[1 << 16], DType::Float32).unwrap();
    y.binary_into(BinaryOp::Multiply, &y, &z, Some(&s2)).unwrap();
    s2.synchronize().unwrap();
    end.synchronize().unwrap();
    assert!(end.is_done().unwrap());
    assert!(start.elapsed_ms(&end).unwrap() >= 0.0);
    let got = z.to_vec::<f32>().unwrap();
    assert!(got.iter().all(|&v| (v - 2.0).abs() < 1e-6), "sqrt(2)^2 should be 2, got {}", got[0]);
}

#[test]
fn from_vec_shares_memory_without_copies() {
    let ctx = cpu();
    let mut rng = Rng::new(11);
    let x = rng.f32s(12, -1.0, 1.0);
    // from_vec: the tensor is the Vec's memory.
    let owned = x.clone();
    let address = owned.as_ptr() as usize;
    let wrapped = ctx.from_vec(owned, &[3, 4]).unwrap();
    assert_eq!(wrapped.data_ptr().unwrap() as usize, address, "the tensor is the Vec's memory");
    assert_eq!(wrapped.to_vec::<f32>().unwrap(), x);
    let src = upload(&ctx, &x, &[3, 4]);
    src.unary_into(UnaryOp::Exp, &wrapped, None).unwrap();
    let want: Vec<f64> = x.iter().map(|&v| (v as f64).exp()).collect();
    assert_close(&read(&wrapped), &want, 1e-6, 0.0, "exp written into wrapped memory");
    assert_eq!(ctx.from_vec(vec![1.0f32; 5], &[2, 2]).unwrap_err().status(), tessera::Status::ShapeMismatch);
    // A view of the wrapped memory is the same memory.
    let row = wrapped.slice(&[(1, 2, 1), (0, 4, 1)]).unwrap();
    assert_eq!(row.data_ptr().unwrap() as usize, wrapped.data_ptr().unwrap() as usize + 4 * 4);
    // A CPU context has no native streams to wrap.
    let err = unsafe { Stream::wrap_native(&ctx, 8usize as *mut _) }.unwrap_err();
    assert_eq!(err.status(), tessera::Status::Unsupported);
}
