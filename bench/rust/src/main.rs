//! Host cost of a tiny op from Rust: the same 16-element float32 add into a
//! preallocated output as bench/bench_tiny_op.c, through the safe layer
//! (`binary_into`), and through tessera-sys directly for reference.
//! Usage: bench-tiny-op [iterations per run] [runs]
use std::time::Instant;

use tessera::{BinaryOp, Context, DType, DeviceKind};

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
    for _ in 0..runs {
        ctx.synchronize()?;
        let t0 = Instant::now();
        for _ in 0..iterations {
            a.binary_into(BinaryOp::Add, &b, &out, None)?;
        }
        ctx.synchronize()?;
        println!("rust {:.1}", t0.elapsed().as_nanos() as f64 / iterations as f64);
    }
    // The raw layer, to show what the safe layer adds.
    let (ra, rb) = (a.as_raw(), b.as_raw());
    for _ in 0..runs {
        ctx.synchronize()?;
        let t0 = Instant::now();
        for _ in 0..iterations {
            let mut o = out.as_raw();
            let status = unsafe { tessera::sys::tsr_binary(tessera::sys::TSR_ADD, ra, rb, std::ptr::null_mut(), &mut o) };
            assert_eq!(status, tessera::sys::TSR_OK);
        }
        ctx.synchronize()?;
        println!("rust-sys {:.1}", t0.elapsed().as_nanos() as f64 / iterations as f64);
    }
    Ok(())
}
