//! SteadNet MNIST (784-500-500-10) against the memory traffic it cannot avoid
//! (issue 17): times a pattern, times streaming the same bytes, prints both.
//!
//! A pattern settles `n_passes` times before learning and again after each of
//! `n_exposures` updates; each pass reads the weights once (later passes skip
//! W^up_1, whose input has not changed), each update reads and writes W and Δ. The floor is that
//! traffic at the speed of loops over arrays of the network's size: a product
//! (read, the passes' kernel) and `Δ = kΔ + c; W += cΔ` (read and write), both vectorised.
//!
//!     cargo run --release --example mnist_bound

use std::hint::black_box;
use std::time::Instant;

use microcircuit::EngineKind;
use microcircuit::model::kernels::matvec;
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

    // Plain streams over the network's W and Δ (4 bytes each per synapse).
    let mut w = vec![0.5f32; syn];
    let mut d = vec![0.25f32; syn];
    // A product over all the weights as one 784-column matrix, through the same
    // kernel (and copy) as the passes.
    let (cols, rows) = (784, syn / 784);
    let (x, mut y) = (vec![0.5f32; cols], vec![0.0f32; rows]);
    let read = time(21, || {
        matvec(black_box(&w), rows, cols, &x, &mut y);
        black_box(&y);
    });
    let rw = time(21, || {
        for (w, d) in w.iter_mut().zip(d.iter_mut()) {
            *d = 0.999 * *d + 1e-6;
            *w += 1e-6 * *d;
        }
        black_box((&w, &d));
    });
    let bytes = syn as f64 * 4.0;
    // Passes after the first skip W^up_1 (its input has not changed).
    let b = usize::from(p.bias.is_some());
    let up1 = (p.layers[1] * (p.layers[0] + b)) as f64 / syn as f64;
    let reads = (1.0 + exposures) * (1.0 + (passes - 1.0) * (1.0 - up1));
    let floor = reads * read + exposures * rw;
    println!(
        "SteadNet MNIST {:?}: {syn} synapses, {:.1} MB of f32 weights; {passes} passes, {exposures} exposure(s)",
        p.layers,
        bytes / 1e6
    );
    println!(
        "streams over {:.1} MB: read {:.0} µs ({:.1} GB/s), read and write W and Δ {:.0} µs ({:.1} GB/s)",
        bytes / 1e6,
        read * 1e6,
        bytes / read / 1e9,
        rw * 1e6,
        4.0 * bytes / rw / 1e9
    );
    println!(
        "floor per pattern: {reads:.2} reads of all weights and {exposures} update(s) = {:.0} µs",
        floor * 1e6
    );
    for s in [Simd::Baseline, Simd::Auto] {
        set_simd(s);
        let mut bench = Bench::new(EngineKind::SteadNet, "mnist", 20, 1)?;
        let n = bench.patterns() as f64;
        let t = time(5, || bench.run().expect("a bench run")) / n;
        println!(
            "pattern ({}): {:.0} µs = {:.2} × the floor",
            simd::name(),
            t * 1e6,
            t / floor
        );
    }
    Ok(())
}
