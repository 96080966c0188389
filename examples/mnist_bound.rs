//! SteadNet MNIST (784-500-500-10) against the memory traffic it cannot avoid
//! (issue 17): times a pattern, times streaming the same bytes, prints both.
//!
//! A pattern settles `n_passes` times before learning and again after each of
//! `n_exposures` updates; each pass reads the weights once (later passes skip
//! W^up_1, whose input has not changed), each update reads and writes the plastic
//! matrices' W and Δ. The floor is that
//! traffic at the speed of the engine's own kernels over arrays of the network's
//! size, in the same copy (four-lane or AVX2) as the pattern: the passes' product
//! (read) and the update's `Δ = (1 − a) Δ + a E; W += c_w Δ` (read and write).
//!
//!     cargo run --release --example mnist_bound

use std::hint::black_box;
use std::time::Instant;

use microcircuit::EngineKind;
use microcircuit::model::kernels::{Layout, matvec};
use microcircuit::model::network::Network;
use microcircuit::model::outer::lowpass_discrete;
use microcircuit::model::plasticity::{eta, matrices};
use microcircuit::model::presets::Preset;
use microcircuit::model::simd::{self, Simd, set_simd};
use microcircuit::train::bench::Bench;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Seconds of `f`, median of `reps` runs.
fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() -> microcircuit::Result<()> {
    let p = Preset::by_name("mnist")?.params;
    let syn = p.n_synapses();
    let (passes, exposures) = (p.n_passes as f64, p.n_exposures as f64);
    let bytes = syn as f64 * 4.0;
    // Passes after the first skip W^up_1 (its input has not changed).
    let b = usize::from(p.bias.is_some());
    let up1 = (p.layers[1] * (p.layers[0] + b)) as f64 / syn as f64;
    let reads = (1.0 + exposures) * (1.0 + (passes - 1.0) * (1.0 - up1));
    // An update reads and writes the plastic matrices only (η ≠ 0: W^up and W^ip;
    // the preset fixes W^pi and W^down).
    let net = Network::new(p.clone(), 1)?;
    let plastic: usize = matrices(p.n_layers())
        .filter(|&m| eta(&net.params, m) != 0.0)
        .map(|m| net.w.get(m.proj)[m.k].data.len())
        .sum();
    let updated = plastic as f64 / syn as f64;
    println!(
        "SteadNet MNIST {:?}: {syn} synapses, {:.1} MB of f32 weights; {passes} passes, {exposures} exposure(s)",
        p.layers,
        bytes / 1e6
    );

    // All the weights as one 784-column matrix, with its trace.
    let (cols, rows) = (784, syn / 784);
    let mut w = vec![0.5f32; rows * cols];
    let mut d = vec![0.25f32; rows * cols];
    let (x, mut y) = (vec![0.5f32; cols], vec![0.0f32; rows]);
    let post = vec![1e-3f32; rows];
    for s in [Simd::Baseline, Simd::Auto] {
        set_simd(s);
        // The passes' product and the update's kernel, in the copy the pattern runs.
        let read = time(21, || {
            matvec(black_box(&w), rows, cols, &x, &mut y);
            black_box(&y);
        });
        let rw = time(21, || {
            lowpass_discrete(Layout::Rows, &mut w, &mut d, &post, &x, 1e-6, 0.001);
            black_box((&w, &d));
        });
        let floor = reads * read + exposures * updated * rw;
        let mut bench = Bench::new(EngineKind::SteadNet, "mnist", 20, 1)?;
        let n = bench.patterns() as f64;
        let t = time(5, || bench.run().expect("a bench run")) / n;
        println!(
            "{}: read {:.0} µs ({:.1} GB/s), read and write W and Δ {:.0} µs ({:.1} GB/s); \
             floor {reads:.2} reads and {exposures} update(s) of {plastic} plastic synapses = {:.0} µs; \
             pattern {:.0} µs = {:.2} × the floor",
            simd::name(),
            read * 1e6,
            bytes / read / 1e9,
            rw * 1e6,
            4.0 * bytes / rw / 1e9,
            floor * 1e6,
            t * 1e6,
            t / floor
        );
    }
    Ok(())
}
