//! The MLP of examples/mlp_inference.c from Rust: 4 layers x 1024 wide,
//! batch 32, ReLU, the same seeds and ops, so it prints the same checksum
//! line. Weights are uploaded once; each pass is 4 `linear_into` calls into
//! two preallocated activation tensors that stay on the device; only the
//! checksum is read back. Usage: mlp-inference [passes] [cpu|cuda|hip|opencl]
use std::time::Instant;

use tessera::{Activation, Context, DType, DeviceKind, ReduceOp, Tensor};

const WIDTH: i64 = 1024;
const BATCH: i64 = 32;
const LAYERS: usize = 4;

fn parse_kind(s: Option<String>) -> DeviceKind {
    match s.as_deref() {
        Some("cpu") => DeviceKind::Cpu,
        Some("cuda") => DeviceKind::Cuda,
        Some("hip") => DeviceKind::Hip,
        Some("opencl") => DeviceKind::OpenCL,
        _ => DeviceKind::Best,
    }
}

fn run(passes: usize, kind: DeviceKind) -> tessera::Result<()> {
    let ctx = Context::on(kind, 0)?;
    let info = ctx.device()?.info()?;

    // Weights scaled by 1/sqrt(fan_in) keep activations O(1) through the layers.
    let mut weight = Vec::new();
    let mut bias = Vec::new();
    for l in 0..LAYERS as u64 {
        weight.push(ctx.random_uniform(&[WIDTH, WIDTH], DType::Float32, 100 + l, -0.03125, 0.03125)?);
        bias.push(ctx.random_uniform(&[WIDTH], DType::Float32, 200 + l, -0.1, 0.1)?);
    }
    let input = ctx.random_normal(&[BATCH, WIDTH], DType::Float32, 7, 0.0, 1.0)?;

    // Two ping-pong activation buffers, written in place on every pass.
    let act = [ctx.empty(&[BATCH, WIDTH], DType::Float32)?, ctx.empty(&[BATCH, WIDTH], DType::Float32)?];
    let stream = ctx.default_stream()?;
    let warmup = 5;
    let mut times = Vec::with_capacity(passes);
    for p in 0..warmup + passes {
        let t0 = Instant::now();
        let mut x: &Tensor = &input;
        for l in 0..LAYERS {
            let y = &act[l & 1];
            let activation = if l + 1 < LAYERS { Activation::Relu } else { Activation::None };
            x.linear_into(&weight[l], Some(&bias[l]), activation, y, Some(&stream))?;
            x = y;
        }
        stream.synchronize()?;
        if p >= warmup {
            times.push(t0.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).expect("times are finite"));

    // Checksum: the sum of the final activations, read back once.
    let total = act[(LAYERS - 1) & 1].reduce(ReduceOp::Sum, None, false, 0.0)?;
    let mut checksum = [0f32; 1];
    total.copy_to_slice_on(&mut checksum, Some(&stream))?;

    println!("device: {}", info.name);
    println!("mlp: {} layers x {} wide, batch {}, float32", LAYERS, WIDTH, BATCH);
    println!("checksum: {:.6}", checksum[0]);
    println!("median time per pass: {:.1} us over {} passes", times[passes / 2], passes);
    Ok(())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let passes = args.next().and_then(|s| s.parse::<usize>().ok()).unwrap_or(100).max(1);
    let kind = parse_kind(args.next().or_else(|| std::env::var("TESSERA_DEVICE").ok()));
    if let Err(e) = run(passes, kind) {
        eprintln!("Tessera error: {}", e);
        std::process::exit(1);
    }
}
