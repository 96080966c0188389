//! The trained network as chip data (issue 19, item 4): everything a BrainScaleS-2
//! run needs to hold the network the emulation ([`crate::model::bss2`]) computes
//! with, as one serde document ([`ChipExport`], format
//! [`EXPORT_FORMAT`] version [`EXPORT_VERSION`]; fields in docs/hardware.md).
//!
//! - **weights**: per matrix, row-major (rows: postsynaptic neurons) 6-bit
//!   magnitudes `0..=63` and the synapse row each goes to, `0` excitatory and `1`
//!   inhibitory ([`two_rows`]: a signed code `w` is `max(w, 0)` on the excitatory
//!   and `max(−w, 0)` on the inhibitory row of its input; code 0 is listed
//!   excitatory), and the per-projection scale `s`, so the emulation's weight is
//!   `±magnitude · s` bit for bit (f32).
//! - **analog MAC**, **input** (5-bit rates), **readout** (int8): the settings the
//!   emulation's MAC and readouts use.
//! - **PPU rule**: the integer constants of [`crate::model::bss2`]'s rule per
//!   plastic matrix (`Λ`, the error gain's multiplier `M`), the trace step's Q0.15
//!   constants, the write-back's rounding, generator and register, and the φ table.
//!
//! Every value comes from the functions the emulation calls (the weight scales,
//! [`weight_code`], `Bss2::lambda`, the engines' `consolidation`, [`gain`],
//! [`gain_multiplier`], [`PhiTable`]), so the export is what the emulation
//! computes with. Weights not yet on their grid (an untrained network) are put on
//! it as the emulation does when a run starts ([`Bss2::quantise`]). Not exported:
//! the traces Δ, the write-back registers and the generators' states (a chip run
//! starts its learning state afresh).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::analog::{
    BLOCK, OUT_MAX, OUT_MIN, RATE_MAX, exact, fine_sends, gain, rate_code, sends, two_rows,
    weight_code,
};
use crate::model::arith::{Arith, Consolidation, MatrixId};
use crate::model::bss2::{Bss2, TraceStep};
use crate::model::engine::EngineKind;
use crate::model::formats::{
    Accumulator, AnalogModel, ApicalMac, ArithKind, MulRounding, PhiModel, RngModel, Rounding,
};
use crate::model::lfsr::TAPS;
use crate::model::network::Network;
use crate::model::plasticity::{eta, matrices};
use crate::model::ppu::{GAIN_FRAC_BITS, PhiTable, gain_multiplier};
use crate::model::weights::Projection;
use crate::model::writeback::{UPDATE_FRAC_BITS, W_MAX};
use crate::model::{pyralnet, steadnet};

/// The export's format name and version; a reader refuses anything else.
pub const EXPORT_FORMAT: &str = "microcircuit-bss2-export";
pub const EXPORT_VERSION: u32 = 1;

/// The network as chip data (module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChipExport {
    pub format: String,
    pub version: u32,
    /// The engine whose rule the PPU constants are for (`pyralnet`, `steadnet`).
    pub engine: EngineKind,
    /// Neurons per layer, input first (`n_0 .. n_N`).
    pub layers: Vec<usize>,
    /// The bias input (an extra presynaptic column of W^up_k and W^ip_k), if any.
    pub bias: Option<BiasInput>,
    pub input: InputEncoding,
    pub readout: Readout,
    pub analog: AnalogMac,
    pub ppu: PpuRule,
    /// Every matrix, in the order the rule visits them: W^up_1..N, then per hidden
    /// layer k W^ip_k, W^pi_k, W^down_k.
    pub matrices: Vec<MatrixExport>,
    /// Where it came from (set by the caller, e.g. the CLI's checkpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The bias input's rate and its 5-bit code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BiasInput {
    pub rate: f32,
    pub code: i32,
}

/// Rates as synaptic input: `x = clamp(round(31 r / rate_max), 0, 31)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputEncoding {
    pub bits: u32,
    pub code_max: i32,
    pub rate_max: f32,
}

/// The CADC readout for plasticity: int8 `round(128 v / potential_range)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Readout {
    pub bits: u32,
    pub code_min: i32,
    pub code_max: i32,
    /// Potential of code 128.
    pub potential_range: f32,
    /// The emulation's Gaussian readout noise, LSB.
    pub noise_lsb: f32,
}

/// The analog multiply-accumulate's settings (per matrix: `sends`, `gain`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalogMac {
    /// `ideal` (exact sums) or `mock` (hxtorch's model), as the emulation ran.
    pub model: AnalogModel,
    /// Gain of one send, output LSB per unit of `Σ x w`.
    pub gain_per_send: f32,
    pub noise_lsb: f32,
    pub offset_sd_lsb: f32,
    /// ½ LSB added back per block readout.
    pub center: bool,
    /// `joint`: W^down_k's and W^pi_k's rows drive the same apical column and are
    /// read once (one scale, one gain); `split`: two readouts added digitally.
    #[serde(default)]
    pub apical: ApicalMac,
    /// Signed inputs per block (two synapse rows each).
    pub block: usize,
    pub out_min: i32,
    pub out_max: i32,
}

/// The trace step's Q0.15 constants (integers, value `x / 2^15`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum TraceConstants {
    /// PyraLNet: `Δ ← Δ ⊕ mul15(c_d, E ⊖ Δ)`, `c_d = P dt / τ_w`.
    Euler { c_d: i16 },
    /// SteadNet, `exposures` times per pattern: `Δ ← mul15(keep, Δ) ⊕ mul15(a, E)`.
    Discrete { keep: i16, a: i16, exposures: usize },
}

/// The PPU program's constants shared by every matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PpuRule {
    /// Fractional bits of the error and rate factors (Q0.7).
    pub factor_frac_bits: u32,
    /// Fractional bits of the trace Δ and of `E = 2 e ρ` (Q0.15).
    pub trace_frac_bits: u32,
    pub trace_step: TraceConstants,
    /// Fractional bits of every matrix's `lambda` (`Λ = round(2^15 λ)`) and of the
    /// weight change `u = floor(Λ Δ / 2^15)` below one weight LSB.
    pub lambda_frac_bits: u32,
    pub update_frac_bits: u32,
    /// Fractional bits of every matrix's `error_gain` (`M = round(2^16 / unit)`).
    pub gain_frac_bits: u32,
    pub gain_rounding: MulRounding,
    pub rounding: Rounding,
    pub rng: RngModel,
    /// With `rng: lfsr`: the feedback mask of column `c` is `lfsr_taps[c % 16]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lfsr_taps: Option<Vec<u16>>,
    pub accumulator: Accumulator,
    pub shadow_frac_bits: u32,
    pub carry: bool,
    pub write_back_every: u32,
    /// PyraLNet: Euler steps per rule call (1 for SteadNet).
    pub plasticity_every: u32,
    pub weight_max: i32,
    pub phi: PhiModel,
    /// With `phi: table`: `T[c]` (Q0.15) for readout codes `c = −128..=127`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phi_table: Option<Vec<i16>>,
}

/// One matrix: codes, scale, MAC and rule constants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixExport {
    /// `up_1`, `ip_1`, …
    pub name: String,
    pub proj: Projection,
    pub k: usize,
    pub rows: usize,
    pub cols: usize,
    pub plastic: bool,
    /// The value of one code LSB, `W = ±magnitude · scale`.
    pub scale: f32,
    /// Row-major 6-bit magnitudes, 0..=63.
    pub magnitude: Vec<u8>,
    /// Row-major synapse row: 0 excitatory, 1 inhibitory.
    pub row: Vec<u8>,
    /// Sends per input of its MAC and the MAC's gain `gain_per_send · sends`.
    pub sends: u32,
    pub mac_gain: f32,
    /// Sends of a second, finer readout of the same MAC, used where it does not
    /// saturate (`arith.analog_fine_sends`). Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_sends: Option<u32>,
    /// The emulation took this matrix's sums exact, not through the MAC
    /// (`analog: ideal`, or `arith.analog_exact` lists it). Absent: false.
    #[serde(default)]
    pub exact: bool,
    /// The PPU's constants of a plastic matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<MatrixRule>,
}

/// The rule's constants of one plastic matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixRule {
    /// The learning rate η it was trained with (after any decay).
    pub eta: f32,
    /// `Λ = round(2^15 λ)`, `λ = c_w · unit(e) · unit(ρ) / s` weight LSB per unit of
    /// Q0.15 trace.
    pub lambda: i64,
    /// Value of the error factor's Q0.7 code 128 (`r_max / gain`, or `V` for W^pi).
    pub error_unit: f32,
    /// `M = round(2^16 / error_unit)` (`phi: table`; none for W^pi, whose factor is
    /// the negated readout code itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_gain: Option<i64>,
}

/// Where an export came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
    pub seed: u64,
    pub epoch: usize,
    pub patterns: u64,
}

impl ChipExport {
    /// The export of `net` for a chip run of `engine`'s rule. Refuses a network in
    /// float arithmetic (`arith.kind`) and the reference learners (`engine`).
    pub fn new(net: &Network, engine: EngineKind) -> Result<Self> {
        let p = &net.params;
        if p.arith.kind != ArithKind::Bss2 {
            return Err(Error::param(
                "arith.kind",
                p.arith.kind.name(),
                "bss2: only a network trained in the chip's formats has chip data \
                 (train with --arith bss2 or the preset yin_yang_bss2)",
            ));
        }
        let hw = Bss2::new(p, 0);
        let step: Box<dyn Fn(f32) -> Consolidation> = match engine {
            EngineKind::SteadNet => Box::new(steadnet::consolidation(p)),
            EngineKind::PyraLNet => Box::new(pyralnet::consolidation(p, hw.plasticity_every())),
            other => {
                return Err(Error::param(
                    "engine",
                    other.name(),
                    "pyralnet or steadnet (the reference learners have no chip rule)",
                ));
            }
        };
        let a = &p.arith;
        let trace_step = match TraceStep::of(step(0.0)) {
            TraceStep::Euler { c_d } => TraceConstants::Euler { c_d: c_d.to_bits() },
            TraceStep::Discrete { keep, a } => TraceConstants::Discrete {
                keep: keep.to_bits(),
                a: a.to_bits(),
                exposures: p.n_exposures,
            },
        };
        let phi_table = (a.phi == PhiModel::Table).then(|| {
            let t = PhiTable::logistic(a.potential_range);
            (-128..=127).map(|c| t.get(c) as i16).collect()
        });
        let ppu = PpuRule {
            factor_frac_bits: 7,
            trace_frac_bits: 15,
            trace_step,
            lambda_frac_bits: 15,
            update_frac_bits: UPDATE_FRAC_BITS,
            gain_frac_bits: GAIN_FRAC_BITS,
            gain_rounding: a.gain_rounding,
            rounding: a.rounding,
            rng: a.rng,
            lfsr_taps: (a.rng == RngModel::Lfsr).then(|| TAPS.to_vec()),
            accumulator: a.accumulator,
            shadow_frac_bits: a.shadow_frac_bits,
            carry: a.carry,
            write_back_every: a.write_back_every,
            plasticity_every: match engine {
                EngineKind::PyraLNet => a.plasticity_every,
                _ => 1,
            },
            weight_max: W_MAX,
            phi: a.phi,
            phi_table,
        };
        let mut out = Vec::new();
        for m in matrices(p.n_layers()) {
            let w = &net.w.get(m.proj)[m.k];
            let s = hw.scales().get(m);
            let (mut magnitude, mut row) = (Vec::new(), Vec::new());
            for &x in &w.data {
                let (exc, inh) = two_rows(weight_code(x, 1.0 / s));
                magnitude.push((exc + inh) as u8);
                row.push(u8::from(inh > 0));
            }
            let eta = eta(p, m);
            let rule = (eta != 0.0).then(|| {
                let c_w = step(eta).c_w();
                let unit = hw.post_unit(m);
                MatrixRule {
                    eta,
                    lambda: hw.lambda(m, c_w),
                    error_unit: unit,
                    error_gain: (m.proj != Projection::Pi).then(|| gain_multiplier(unit)),
                }
            });
            let g = gain(a, m);
            out.push(MatrixExport {
                name: format!("{}_{}", m.proj.name(), m.k),
                proj: m.proj,
                k: m.k,
                rows: w.rows,
                cols: w.cols,
                plastic: rule.is_some(),
                scale: s,
                magnitude,
                row,
                sends: sends(a, m),
                mac_gain: g,
                fine_sends: Some(fine_sends(a, m)).filter(|&x| x > 0),
                exact: a.analog == AnalogModel::Ideal || exact(a, m),
                rule,
            });
        }
        Ok(ChipExport {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            engine,
            layers: p.layers.clone(),
            bias: p.bias.map(|b| BiasInput {
                rate: b,
                code: rate_code(b, a.rate_max),
            }),
            input: InputEncoding {
                bits: 5,
                code_max: RATE_MAX,
                rate_max: a.rate_max,
            },
            readout: Readout {
                bits: 8,
                code_min: -128,
                code_max: 127,
                potential_range: a.potential_range,
                noise_lsb: a.readout_noise,
            },
            analog: AnalogMac {
                model: a.analog,
                gain_per_send: a.analog_gain,
                noise_lsb: a.analog_noise,
                offset_sd_lsb: a.analog_offset,
                center: a.analog_center,
                apical: a.analog_apical,
                block: BLOCK,
                out_min: OUT_MIN,
                out_max: OUT_MAX,
            },
            ppu,
            matrices: out,
            source: None,
        })
    }

    /// The signed codes `±magnitude` of matrix `i`, from the two rows.
    pub fn codes(&self, i: usize) -> Vec<i32> {
        let m = &self.matrices[i];
        (m.magnitude.iter().zip(&m.row))
            .map(|(&x, &r)| if r == 1 { -i32::from(x) } else { i32::from(x) })
            .collect()
    }

    /// Reads an export, refusing another format or version by name.
    pub fn from_json(text: &str) -> Result<Self> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Json {
            what: "chip export".into(),
            reason: e.to_string(),
        })?;
        let format = v.get("format").and_then(|f| f.as_str()).unwrap_or("(none)");
        let version = v.get("version").and_then(|f| f.as_u64()).unwrap_or(0);
        if format != EXPORT_FORMAT || version != u64::from(EXPORT_VERSION) {
            return Err(Error::data(
                "chip export",
                format!(
                    "format {format:?} version {version}, expected {EXPORT_FORMAT:?} \
                     version {EXPORT_VERSION}"
                ),
            ));
        }
        crate::json::from_value(&v, "chip export")
    }
}

impl MatrixExport {
    /// The matrix this entry is.
    pub fn id(&self) -> MatrixId {
        MatrixId {
            proj: self.proj,
            k: self.k,
        }
    }
}
