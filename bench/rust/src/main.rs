//! Host cost of a tiny op from Rust: the same 16-element float32 add into a
//! preallocated output as bench/bench_tiny_op.c, through the safe layer
//! (`binary_into`), through tessera-sys directly for reference, and with a
//! new result per call (`a.add(&b)`, dropped at once: "rust-alloc"). Prints
//! one line per run: "<label> <wall ns per call> <process CPU ns per call>".
//! Usage: bench-tiny-op [iterations per run] [runs]
use std::time::Instant;

use tessera::{BinaryOp, Context, DType, DeviceKind};

/// Process CPU time, as bench_tiny_op.c reads it (Linux; no crates here).
mod cpu_clock {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;

    pub fn now_ns() -> f64 {
        let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: ts is a valid, writable timespec (64-bit Linux layout).
        let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
    }
}

/// Times `iterations` calls of `call` and prints the label, wall and CPU ns per call.
fn time_run(ctx: &Context, label: &str, iterations: u64, mut call: impl FnMut()) -> tessera::Result<()> {
    ctx.synchronize()?;
    let (wall0, cpu0) = (Instant::now(), cpu_clock::now_ns());
    for _ in 0..iterations {
        call();
    }
    ctx.synchronize()?;
    let (wall, cpu) = (wall0.elapsed().as_nanos() as f64, cpu_clock::now_ns() - cpu0);
    println!("{} {:.1} {:.1}", label, wall / iterations as f64, cpu / iterations as f64);
    Ok(())
}

fn main() -> tessera::Result<()> {
    let mut args = std::env::args().skip(1);
    let iterations: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let ctx = Context::on(DeviceKind::Cpu, 0)?;
    let a = ctx.random_uniform(&[16], DType::Float32, 1, -1.0, 1.0)?;
    let b = ctx.random_uniform(&[16], DType::Float32, 2, -1.0, 1.0)?;
    let out = ctx.empty(&[16], DType::Float32)?;
    ctx.synchronize()?;
    for _ in 0..iterations / 10 {
        a.binary_into(BinaryOp::Add, &b, &out, None)?; // warm up
    }
    // A failure panics with the library's message: the loop must not be
    // slowed down by anything the C loop does not do either.
    let safe = || a.binary_into(BinaryOp::Add, &b, &out, None).expect("binary_into");
    // The raw layer, to show what the safe layer adds.
    let (ra, rb) = (a.as_raw(), b.as_raw());
    let raw = || {
        let mut o = out.as_raw();
        let status = unsafe { tessera::sys::tsr_binary(tessera::sys::TSR_ADD, ra, rb, std::ptr::null_mut(), &mut o) };
        assert_eq!(status, tessera::sys::TSR_OK);
    };
    // A new result each time, dropped at once (bench_tiny_op.c's "c-alloc").
    let alloc = || drop(a.add(&b).expect("add"));
    for _ in 0..runs {
        time_run(&ctx, "rust", iterations, safe)?;
        time_run(&ctx, "rust-sys", iterations, raw)?;
        time_run(&ctx, "rust-alloc", iterations, alloc)?;
    }
    Ok(())
}
