//! What the plasticity rule of a run in the chip's formats would need of one
//! BrainScaleS-2 PPU: memory for the per-synapse state and cycles per rule call,
//! against what the chip has (`bench --arith bss2` prints them; a need the chip
//! cannot meet is flagged, not hidden).
//!
//! Memory (`ppu_sram_bytes`): every plastic synapse keeps its trace Δ (Q0.15, 2
//! bytes) and, with carry or a write-back interval, its register (`ideal32`: 4
//! bytes, `shadow16`: 2). The weight itself is in the synapse array. Each quantity
//! is an array in the vector unit's row layout: one row per presynaptic input
//! (matrices that read the same population share rows, their columns side by side,
//! as placed on the chip), each row padded to whole 128-byte vectors, so one load
//! fetches the state of a synapse row. The packed size (no padding) is reported
//! too: what a program that gathers narrow rows could reach.
//!
//! Cycles (`ppu_cycles_per_rule_call`): per synapse row, loop overhead, reading and
//! writing both rows of the signed weight (excitatory and inhibitory), and per
//! vector of 64 16-bit lanes the rule's vector instructions and the state's loads
//! and stores; per call, the CADC readouts and a φ table lookup per neuron. The
//! constants are assumptions, each named and commented; the period the chip has
//! is `rule_period_us_at_1000x` (the rule's biological period at the chip's 1000×
//! speed-up: 1 ms biological = 1 µs).

use serde::Serialize;

use crate::model::arith::MatrixId;
use crate::model::engine::EngineKind;
use crate::model::formats::Accumulator;
use crate::model::params::Params;
use crate::model::plasticity::{eta, matrices};
use crate::model::weights::Projection;

/// The PPU's internal memory, code and stack included (libnux's linker script).
pub const PPU_SRAM_BYTES: usize = 16 * 1024;
/// Assumed code and constant data of a plasticity program: libnux's runtime, the
/// rule's kernel and a φ table (Q0.15, 256 entries = 512 bytes).
pub const PPU_CODE_BYTES: usize = 6 * 1024;
/// Assumed stack (libnux puts it at the top of the memory, growing down).
pub const PPU_STACK_BYTES: usize = 2 * 1024;
/// Bytes of one vector register of the PPU's vector unit (128 8-bit or 64 16-bit
/// lanes).
pub const VECTOR_BYTES: usize = 128;
/// PPU clock.
pub const PPU_CLOCK_MHZ: f64 = 250.0;
/// The chip runs 1000× faster than biological time.
pub const SPEEDUP: f64 = 1000.0;
/// Assumed cycles to read or write 128 columns of one synapse row through the
/// vector unit's synapse-array port.
pub const CYCLES_SYNAPSE_IO: usize = 4;
/// Assumed cycles to load or store one 128-byte vector from internal memory.
pub const CYCLES_SRAM_VECTOR: usize = 2;
/// Vector instructions of the rule per vector of 64 synapses (one cycle each,
/// pipelined): E = e·ρ (1), the trace step Δ ⊕ c(E ⊖ Δ) (3), the weight change
/// Λ·Δ (1), adding it to the register (1), stochastic rounding (LFSR draw, shift,
/// add, clear: 4), clamping to ±63 (2), splitting the code into its two rows and
/// joining them (4).
pub const VECTOR_OPS_PER_SYNAPSE_VECTOR: usize = 16;
/// Assumed scalar loop overhead per synapse row (addresses, branch).
pub const CYCLES_ROW_OVERHEAD: usize = 10;
/// Assumed cycles of one CADC readout of 128 columns (one quantity).
pub const CYCLES_CADC_READ: usize = 8;
/// Assumed cycles of one scalar φ lookup in a Q0.15 table (no FPU on the PPU).
pub const CYCLES_PHI_LOOKUP: usize = 4;

/// The budget of one run's plasticity rule on one PPU.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub plastic_synapses: usize,
    pub ppu_sram_bytes: usize,
    pub ppu_sram_bytes_packed: usize,
    /// `PPU_SRAM_BYTES − PPU_CODE_BYTES − PPU_STACK_BYTES`.
    pub ppu_sram_available_bytes: usize,
    /// "internal" or "external memory" (row layout).
    pub ppu_memory: &'static str,
    pub ppu_cycles_per_rule_call: usize,
    pub ppu_us_per_rule_call: f64,
    pub rule_period_us_at_1000x: f64,
    /// Every need the chip cannot meet, in words (empty: none).
    pub ppu_flags: Vec<String>,
}

/// The shape of plastic matrix `m` (postsynaptic neurons, presynaptic inputs).
fn shape(p: &Params, m: MatrixId) -> (usize, usize) {
    let (n, b, k) = (&p.layers, usize::from(p.bias.is_some()), m.k);
    match m.proj {
        Projection::Up => (n[k], n[k - 1] + b),
        Projection::Ip => (n[k + 1], n[k] + b),
        Projection::Pi | Projection::Down => (n[k], n[k + 1]),
    }
}

/// Which population a matrix reads, as (kind, layer): rates r_k or interneurons.
fn source(m: MatrixId) -> (u8, usize) {
    match m.proj {
        Projection::Up => (0, m.k - 1),
        Projection::Ip => (0, m.k),
        Projection::Pi => (1, m.k),
        Projection::Down => (0, m.k + 1),
    }
}

/// `n` rounded up to a multiple of `to`.
fn pad(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

impl Budget {
    /// The budget of `p`'s rule run by `engine` (PyraLNet: every
    /// `plasticity_every` Euler steps; SteadNet: `n_exposures` times per pattern).
    pub fn new(p: &Params, engine: EngineKind) -> Self {
        let a = &p.arith;
        let reg_bytes = match (a.carry || a.write_back_every > 1, a.accumulator) {
            (false, _) => 0,
            (true, Accumulator::Ideal32) => 4,
            (true, Accumulator::Shadow16) => 2,
        };
        // Rows of each presynaptic population: (source, rows, postsynaptic columns).
        let mut groups: Vec<((u8, usize), usize, usize)> = Vec::new();
        let (mut synapses, mut posts) = (0, 0);
        for m in matrices(p.n_layers()).filter(|&m| eta(p, m) != 0.0) {
            let (rows, cols) = shape(p, m);
            synapses += rows * cols;
            posts += rows;
            let key = source(m);
            match groups.iter_mut().find(|g| g.0 == key) {
                Some(g) => (g.1, g.2) = (g.1.max(cols), g.2 + rows),
                None => groups.push((key, cols, rows)),
            }
        }
        let mut sram = 0;
        let mut cycles = 0;
        for &(_, rows, cols) in &groups {
            // Δ (2 bytes) and the register, each its own padded array.
            let row_bytes = pad(2 * cols, VECTOR_BYTES)
                + if reg_bytes > 0 {
                    pad(reg_bytes * cols, VECTOR_BYTES)
                } else {
                    0
                };
            sram += rows * row_bytes;
            let lanes16 = cols.div_ceil(VECTOR_BYTES / 2);
            let transfers = 2 * row_bytes / VECTOR_BYTES; // load and store
            let synapse_io = 2 * 2 * cols.div_ceil(VECTOR_BYTES) * CYCLES_SYNAPSE_IO;
            cycles += rows
                * (CYCLES_ROW_OVERHEAD
                    + synapse_io
                    + lanes16 * VECTOR_OPS_PER_SYNAPSE_VECTOR
                    + transfers * CYCLES_SRAM_VECTOR);
        }
        // Two readouts (soma and prediction) per postsynaptic neuron, each looked
        // up in the φ table.
        cycles += 2 * posts.div_ceil(VECTOR_BYTES) * CYCLES_CADC_READ;
        cycles += 2 * posts * CYCLES_PHI_LOOKUP;
        let packed = synapses * (2 + reg_bytes);
        let avail = PPU_SRAM_BYTES - PPU_CODE_BYTES - PPU_STACK_BYTES;
        let us = cycles as f64 / PPU_CLOCK_MHZ;
        // Biological ms of one rule period; at 1000× one ms is one µs.
        let period_ms = match engine {
            EngineKind::PyraLNet => f64::from(a.plasticity_every) * f64::from(p.dt),
            _ => f64::from(p.t_pattern) / p.n_exposures.max(1) as f64,
        };
        let period_us = period_ms * 1000.0 / SPEEDUP;
        let mut flags = Vec::new();
        if sram > avail {
            flags.push(format!(
                "state needs {sram} bytes in row layout ({packed} packed), {avail} available: \
                 external memory"
            ));
        }
        if us > period_us {
            flags.push(format!(
                "a rule call takes {us:.1} µs ({cycles} cycles), the period at 1000× is \
                 {period_us:.1} µs: the chip cannot meet it"
            ));
        }
        Budget {
            plastic_synapses: synapses,
            ppu_sram_bytes: sram,
            ppu_sram_bytes_packed: packed,
            ppu_sram_available_bytes: avail,
            ppu_memory: if sram <= avail {
                "internal"
            } else {
                "external memory"
            },
            ppu_cycles_per_rule_call: cycles,
            ppu_us_per_rule_call: us,
            rule_period_us_at_1000x: period_us,
            ppu_flags: flags,
        }
    }

    /// The budget in words, for the page: sizes, time per call, and each need the
    /// chip cannot meet.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "PPU budget: {} plastic synapses; rule state {} bytes in the vector unit's row \
             layout ({} packed) against {} available ({}); one rule call {} cycles \
             ({:.1} µs at {PPU_CLOCK_MHZ} MHz) every {:.1} µs at the chip's {SPEEDUP}× \
             speed-up.",
            self.plastic_synapses,
            self.ppu_sram_bytes,
            self.ppu_sram_bytes_packed,
            self.ppu_sram_available_bytes,
            self.ppu_memory,
            self.ppu_cycles_per_rule_call,
            self.ppu_us_per_rule_call,
            self.rule_period_us_at_1000x,
        );
        for f in &self.ppu_flags {
            s.push_str(&format!(" Flagged: {f}."));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_sentence_names_every_figure_and_flag() {
        let p = Params::yin_yang_bss2();
        let steadnet = Budget::new(&p, EngineKind::SteadNet);
        let text = steadnet.describe();
        for part in [
            "1326 plastic synapses",
            "33536 bytes",
            "(5304 packed)",
            "8192 available (external memory)",
            "7444 cycles (29.8 µs",
            "at 250 MHz) every 100.0 µs at the chip's 1000× speed-up.",
            "Flagged: state needs 33536 bytes",
        ] {
            assert!(text.contains(part), "{part:?} not in {text}");
        }
        assert!(!text.contains("cannot meet"), "{text}");
        let pyralnet = Budget::new(&p, EngineKind::PyraLNet).describe();
        assert!(
            pyralnet.contains("every 10.0 µs") && pyralnet.contains("the chip cannot meet it."),
            "{pyralnet}"
        );
    }

    #[test]
    fn yin_yang_budget_matches_the_hand_count() {
        // 4-120-3 with bias: plastic W^up_1 (120 × 5), W^up_2 and W^ip_1 (3 × 121
        // each), 1326 synapses. Rows: 5 inputs with 120 columns; 121 hidden rates
        // with 3 + 3 columns side by side.
        let mut p = Params::yin_yang_bss2();
        p.arith.accumulator = Accumulator::Ideal32;
        let b = Budget::new(&p, EngineKind::PyraLNet);
        assert_eq!(b.plastic_synapses, 1326);
        // ideal32: Δ 2 + register 4 bytes. Input rows: 240 → 256 and 480 → 512
        // bytes, 5 rows: 3840. Hidden rows: 12 → 128 and 24 → 128, 121 rows: 30976.
        assert_eq!(b.ppu_sram_bytes, 3840 + 30976);
        assert_eq!(b.ppu_sram_bytes_packed, 1326 * 6);
        assert_eq!(b.ppu_sram_available_bytes, 16384 - 6144 - 2048);
        assert_eq!(b.ppu_memory, "external memory");
        // Cycles per input row: 10 overhead + 2 rows × read and write × 4 + 2
        // vectors of 64 lanes × 16 ops + 6 vectors loaded and stored × 2 = 82;
        // per hidden row 10 + 16 + 16 + 2 × 2 × 2 = 50. Readouts: 126 neurons,
        // 2 CADC reads of 8 cycles and 2 × 126 lookups of 4. Total 7484.
        assert_eq!(b.ppu_cycles_per_rule_call, 5 * 82 + 121 * 50 + 16 + 1008);
        assert!((b.ppu_us_per_rule_call - 7484.0 / 250.0).abs() < 1e-9);
        // PyraLNet: the rule every 100 steps of 0.1 ms: 10 ms, 10 µs at 1000×.
        assert!((b.rule_period_us_at_1000x - 10.0).abs() < 1e-5);
        assert_eq!(b.ppu_flags.len(), 2, "{:?}", b.ppu_flags);
        assert!(b.ppu_flags[1].contains("cannot meet"));
        // SteadNet: one call per 100 ms pattern, 100 µs: met.
        let s = Budget::new(&p, EngineKind::SteadNet);
        assert!((s.rule_period_us_at_1000x - 100.0).abs() < 1e-9);
        assert!(s.ppu_flags.iter().all(|f| !f.contains("cannot meet")));
    }

    #[test]
    fn shadow16_halves_the_register_and_narrow_rows_pay_for_padding() {
        let mut p = Params::yin_yang_bss2();
        p.arith.accumulator = Accumulator::Shadow16;
        let b = Budget::new(&p, EngineKind::SteadNet);
        // Input rows 256 + 256, hidden rows 128 + 128.
        assert_eq!(b.ppu_sram_bytes, 5 * 512 + 121 * 256);
        assert_eq!(b.ppu_sram_bytes_packed, 1326 * 4);
        // Packed, the state fits the 8 KiB left; in row layout it does not.
        assert!(b.ppu_sram_bytes_packed <= b.ppu_sram_available_bytes);
        assert_eq!(b.ppu_memory, "external memory");
        assert_eq!(b.ppu_cycles_per_rule_call, 5 * 74 + 121 * 50 + 16 + 1008);
        // Without carry only the trace is kept.
        p.arith.carry = false;
        let b = Budget::new(&p, EngineKind::SteadNet);
        assert_eq!(b.ppu_sram_bytes_packed, 1326 * 2);
        // The output layer alone (4 + bias → 3): 5 rows of 128 bytes fit.
        p.layers = vec![4, 3];
        p.eta_up = vec![1e-3];
        (p.eta_ip, p.eta_pi, p.eta_down) = (vec![], vec![], vec![]);
        let b = Budget::new(&p, EngineKind::SteadNet);
        assert_eq!(b.ppu_sram_bytes, 5 * 128);
        assert_eq!(b.ppu_memory, "internal");
        assert!(b.ppu_flags.is_empty());
    }
}
