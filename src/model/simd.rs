//! Wider SIMD where the CPU has it: the hot kernels compiled twice on x86-64, for
//! the build's baseline (SSE2, four f32 lanes, like wasm `simd128`) and for AVX2
//! (eight lanes), with the choice made at run time.
//!
//! The values cannot change: both copies are the same source, Rust never
//! reassociates floats nor fuses a multiply and an add unless asked, so only the
//! width of the vectors differs (checked by `tests/simd.rs`, which runs the engines
//! both ways and compares every bit). Elsewhere (wasm32, aarch64) there is one copy.

use std::sync::atomic::{AtomicU8, Ordering};

/// Which copy of the kernels runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simd {
    /// AVX2 when the CPU has it (the default), else the baseline.
    Auto,
    /// The baseline copy (four lanes) even where AVX2 exists: for comparing with
    /// wasm at the same vector width, and for the tests.
    Baseline,
}

// 0: not decided yet; 1: baseline; 2: AVX2.
static MODE: AtomicU8 = AtomicU8::new(0);

/// Chooses the kernels' copy for the whole process (every thread).
pub fn set_simd(s: Simd) {
    let wide = s == Simd::Auto && avx2_available();
    MODE.store(if wide { 2 } else { 1 }, Ordering::Relaxed);
}

/// Whether the AVX2 copy runs now.
pub fn wide() -> bool {
    match MODE.load(Ordering::Relaxed) {
        0 => {
            set_simd(Simd::Auto);
            MODE.load(Ordering::Relaxed) == 2
        }
        m => m == 2,
    }
}

/// The vector width in use, for benchmarks' reports: "avx2" or "baseline".
pub fn name() -> &'static str {
    if wide() { "avx2" } else { "baseline" }
}

fn avx2_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines a function whose body is compiled for the baseline and, on x86-64, for
/// AVX2 as well; each call runs the copy [`wide`] selects. On x86-64 the function
/// itself is inlined into its callers (the check is a load and a branch) and the
/// two copies are not, so slices passed to them keep their no-overlap guarantee
/// (see `outer::lines`); elsewhere it is the plain function, and `noinline;`
/// first keeps it out of line there too. The body's `#[inline(always)]` callees are
/// compiled into each copy; other callees make their own choice.
macro_rules! multiversion {
    (noinline; $($f:tt)*) => { $crate::model::simd::multiversion!(@emit [#[inline(never)]] $($f)*); };
    (@emit [$($other:tt)*]
        $(#[$m:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        #[cfg(not(target_arch = "x86_64"))]
        $(#[$m])*
        $($other)*
        $vis fn $name($($arg: $ty),*) $body

        #[cfg(target_arch = "x86_64")]
        $(#[$m])*
        #[inline(always)]
        $vis fn $name($($arg: $ty),*) {
            #[inline(never)]
            fn base($($arg: $ty),*) $body
            #[target_feature(enable = "avx2")]
            #[inline(never)]
            unsafe fn avx2($($arg: $ty),*) $body
            if $crate::model::simd::wide() {
                // SAFETY: `wide()` is true only when the CPU reports AVX2.
                return unsafe { avx2($($arg),*) };
            }
            base($($arg),*)
        }
    };
    ($($f:tt)*) => { $crate::model::simd::multiversion!(@emit [] $($f)*); };
}
pub(crate) use multiversion;
