//! The configuration of the number formats a run computes in ([`ArithConfig`],
//! [`crate::model::params::Params::arith`]): plain `f32` or the BrainScaleS-2 formats
//! (SPEC §6). Plain data, below the parameters; the arithmetic itself is
//! [`crate::model::arith`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::chip_options::check_mac_lists;
pub use crate::model::chip_options::{
    ANALOG_GAIN_DEFAULT, ANALOG_NOISE_DEFAULT, ANALOG_SENDS_MAX, AnalogExact, AnalogModel,
    AnalogSends, ApicalMac, MulRounding, PerMatrix, PhiModel,
};

/// Which arithmetic a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArithKind {
    /// IEEE-754 single precision throughout.
    #[default]
    Float,
    /// The BrainScaleS-2 formats of SPEC §6 (see [`crate::model::bss2`]).
    Bss2,
}
crate::json::unit_enum!(ArithKind: "ArithKind", Float = "float", Bss2 = "bss2");

/// How a weight update below one LSB is written back to a 6-bit weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// Clear the low bits (toward −∞), the hardware default: sub-LSB potentiation
    /// vanishes, sub-LSB depression costs a whole LSB.
    #[default]
    Floor,
    /// Add a uniform draw in `[0, 2^k)` to the `k` fractional bits, then clear them:
    /// unbiased, `E[round(x)] = x`.
    Stochastic,
}
crate::json::unit_enum!(Rounding: "Rounding", Floor = "floor", Stochastic = "stochastic");

/// Where stochastic rounding draws its random bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RngModel {
    /// The run's seeded PCG-64 stream: 32 independent uniform bits per draw (ideal).
    #[default]
    Pcg,
    /// The chip's per-column generators ([`crate::model::lfsr`]): a 16-bit LFSR per
    /// postsynaptic column, 8-bit output, one new bit per draw, a column's synapses
    /// drawn in row order, so consecutive draws share 7 of their 8 bits.
    Lfsr,
}
crate::json::unit_enum!(RngModel: "RngModel", Pcg = "pcg", Lfsr = "lfsr");

/// The register that keeps a synapse's weight change between write-backs (with a
/// write-back interval or carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accumulator {
    /// A 32-bit register with 15 fractional bits below one weight LSB (ideal: the
    /// PPU's vector unit has 8- and 16-bit lanes only).
    #[default]
    Ideal32,
    /// A 16-bit saturating shadow weight `h = w 2^F + a` with `F =
    /// arith.shadow_frac_bits` fractional bits: each update is rounded to `F` bits
    /// before it is added, and the shadow saturates at the weight's range.
    Shadow16,
}
crate::json::unit_enum!(Accumulator: "Accumulator", Ideal32 = "ideal32", Shadow16 = "shadow16");

impl std::str::FromStr for RngModel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "pcg" => Ok(RngModel::Pcg),
            "lfsr" => Ok(RngModel::Lfsr),
            _ => Err(Error::param("rng", format!("{s:?}"), "lfsr or pcg")),
        }
    }
}

impl std::str::FromStr for Accumulator {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "ideal32" => Ok(Accumulator::Ideal32),
            "shadow16" => Ok(Accumulator::Shadow16),
            _ => Err(Error::param(
                "accumulator",
                format!("{s:?}"),
                "shadow16 or ideal32",
            )),
        }
    }
}

impl RngModel {
    pub fn name(self) -> &'static str {
        match self {
            RngModel::Pcg => "pcg",
            RngModel::Lfsr => "lfsr",
        }
    }
}

impl Accumulator {
    pub fn name(self) -> &'static str {
        match self {
            Accumulator::Ideal32 => "ideal32",
            Accumulator::Shadow16 => "shadow16",
        }
    }
}

/// Largest `arith.shadow_frac_bits`: the shadow weight must hold the 6-bit code's
/// range ±63 with its fraction in 16 bits, `64 · 2^F ≤ 2^15`.
pub const SHADOW_FRAC_BITS_MAX: u32 = 9;

impl std::str::FromStr for ArithKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "float" => Ok(ArithKind::Float),
            "bss2" => Ok(ArithKind::Bss2),
            _ => Err(Error::param("arith", format!("{s:?}"), "float or bss2")),
        }
    }
}

impl std::str::FromStr for Rounding {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "floor" => Ok(Rounding::Floor),
            "stochastic" => Ok(Rounding::Stochastic),
            _ => Err(Error::param(
                "rounding",
                format!("{s:?}"),
                "floor or stochastic",
            )),
        }
    }
}

impl ArithKind {
    pub fn name(self) -> &'static str {
        match self {
            ArithKind::Float => "float",
            ArithKind::Bss2 => "bss2",
        }
    }
}

impl Rounding {
    pub fn name(self) -> &'static str {
        match self {
            Rounding::Floor => "floor",
            Rounding::Stochastic => "stochastic",
        }
    }
}

/// The arithmetic settings of a run ([`Params::arith`](crate::model::params::Params::arith)).
/// Everything but `kind` matters only with [`ArithKind::Bss2`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArithConfig {
    pub kind: ArithKind,
    /// Write-back rounding of the 6-bit weights.
    pub rounding: Rounding,
    /// Standard deviation of the Gaussian noise added to every 8-bit readout, in LSB.
    pub readout_noise: f32,
    /// Per-projection weight scale rule: the 6-bit grid covers
    /// `±headroom · max|initial range|` (see [`crate::model::bss2::WeightScales`]).
    pub headroom: f32,
    /// Largest representable |W^up_k| per layer k = 1..N, replacing the headroom
    /// rule for W^up (and the W^ip that mirror it); `None`: the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub w_up_max: Option<Vec<f32>>,
    /// Gain of the postsynaptic error factor of W^up_k per layer k = 1..N before it
    /// is stored as Q0.7 (the factor's unit becomes `rate_max / gain`); W^ip_k, which
    /// mirrors W^up_{k+1}, takes the gain of layer k+1. `None`: 1.
    /// Hidden errors are far below one Q0.7 LSB (1/128) without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_gain_up: Option<Vec<f32>>,
    /// Rate of the largest 5-bit input code 31 (rates are clamped to `[0, rate_max]`).
    pub rate_max: f32,
    /// Potential of the readout code 128: potentials and dendritic sums are read as
    /// int8 codes `round(128 x / potential_range)` in −128..127.
    pub potential_range: f32,
    /// Write-back interval: the weight change of each synapse accumulates (at 2^-15
    /// LSB, in a 32-bit PPU register) over this many updates of its matrix (SteadNet:
    /// exposures, PyraLNet: Euler steps) before it is rounded and written back once.
    /// 1: every update is written back (left out of configs).
    #[serde(skip_serializing_if = "is_one")]
    pub write_back_every: u32,
    /// Keep what write-back rounds off: the part of a synapse's accumulated change
    /// below one LSB (what floor clears, or stochastic rounding does not carry up)
    /// stays in its 32-bit PPU register and joins the next update, so the code
    /// follows the summed updates to within one LSB instead of random-walking
    /// around them. false: cleared at every write-back (left out of configs).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub carry: bool,
    /// PyraLNet only: Euler steps per plasticity update, as a PPU that runs the rule
    /// periodically rather than every 0.1 ms. Every `P`-th step reads the errors and
    /// takes one step of `P dt` (`Δ += P dt/τ_w (E − Δ)`, `W += P dt η Δ`), so the
    /// trace's increments are `P` times larger against the one-LSB truncation of the
    /// Q0.15 floor multiply. 1: every step (left out of configs).
    #[serde(skip_serializing_if = "is_one")]
    pub plasticity_every: u32,
    /// Random bits of stochastic rounding: `pcg` (ideal, left out of configs) or the
    /// chip's per-column `lfsr`.
    #[serde(skip_serializing_if = "is_pcg")]
    pub rng: RngModel,
    /// The write-back register: `ideal32` (left out of configs) or the chip's
    /// 16-bit saturating shadow weight `shadow16`.
    #[serde(skip_serializing_if = "is_ideal32")]
    pub accumulator: Accumulator,
    /// Fractional bits `F` of the `shadow16` weight (1..=9; 9 fills 16 bits).
    #[serde(skip_serializing_if = "is_default_frac")]
    pub shadow_frac_bits: u32,
    /// The synapse array's dendritic sums: `ideal` (left out of configs) or
    /// hxtorch's `mock` of the analog multiply-accumulate.
    #[serde(skip_serializing_if = "is_ideal_analog")]
    pub analog: AnalogModel,
    /// Gain of one send of the mock MAC: output LSB per unit of `Σ x w` (codes).
    #[serde(skip_serializing_if = "is_default_gain")]
    pub analog_gain: f32,
    /// Standard deviation of the mock MAC's noise per block readout, in LSB.
    #[serde(skip_serializing_if = "is_default_noise")]
    pub analog_noise: f32,
    /// Standard deviation of the fixed per-channel offsets (LSB) that remain after
    /// the readout's baseline subtraction, drawn once per seed; 0: none.
    #[serde(skip_serializing_if = "is_zero")]
    pub analog_offset: f32,
    /// Add half an LSB per block when converting a MAC's code back (a digital
    /// constant on the PPU or host): `floor` biases each block readout by −½ LSB
    /// on average once the noise dithers it (σ ≳ 1 LSB); false: as hxtorch.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub analog_center: bool,
    /// Sends per input of each MAC; `None`: one each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analog_sends: Option<AnalogSends>,
    /// Sends of a second, finer readout of each MAC, 0: none. The MAC runs at
    /// both gains and the finer code is used unless it saturated (range
    /// extension, [`crate::model::analog`]); `None`: one readout each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analog_fine_sends: Option<AnalogSends>,
    /// Matrices whose sums are exact with `analog: mock` (true: as `analog: ideal`);
    /// `None`: every matrix through the MAC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analog_exact: Option<AnalogExact>,
    /// The apical pair as two MACs added digitally (`split`, left out of configs)
    /// or as one (`joint`).
    #[serde(skip_serializing_if = "is_split")]
    pub analog_apical: ApicalMac,
    /// φ of the error factors: `f32` (left out of configs) or a Q0.15 `table`.
    #[serde(skip_serializing_if = "is_f32_phi")]
    pub phi: PhiModel,
    /// Rounding of the error gain's multiply with `phi = table` (`nearest` is
    /// left out of configs).
    #[serde(skip_serializing_if = "is_nearest")]
    pub gain_rounding: MulRounding,
}

fn is_ideal_analog(x: &AnalogModel) -> bool {
    *x == AnalogModel::Ideal
}

fn is_default_gain(x: &f32) -> bool {
    *x == ANALOG_GAIN_DEFAULT
}

fn is_default_noise(x: &f32) -> bool {
    *x == ANALOG_NOISE_DEFAULT
}

fn is_zero(x: &f32) -> bool {
    *x == 0.0
}

fn is_split(x: &ApicalMac) -> bool {
    *x == ApicalMac::Split
}

fn is_f32_phi(x: &PhiModel) -> bool {
    *x == PhiModel::F32
}

fn is_nearest(x: &MulRounding) -> bool {
    *x == MulRounding::Nearest
}

fn is_pcg(x: &RngModel) -> bool {
    *x == RngModel::Pcg
}

fn is_ideal32(x: &Accumulator) -> bool {
    *x == Accumulator::Ideal32
}

fn is_default_frac(x: &u32) -> bool {
    *x == SHADOW_FRAC_BITS_MAX
}

fn is_one(x: &u32) -> bool {
    *x == 1
}

impl Default for ArithConfig {
    fn default() -> Self {
        ArithConfig {
            kind: ArithKind::Float,
            rounding: Rounding::Floor,
            readout_noise: 0.0,
            headroom: 4.0,
            w_up_max: None,
            error_gain_up: None,
            rate_max: 1.0,
            potential_range: 4.0,
            write_back_every: 1,
            carry: false,
            plasticity_every: 1,
            rng: RngModel::Pcg,
            accumulator: Accumulator::Ideal32,
            shadow_frac_bits: SHADOW_FRAC_BITS_MAX,
            analog: AnalogModel::Ideal,
            analog_gain: ANALOG_GAIN_DEFAULT,
            analog_noise: ANALOG_NOISE_DEFAULT,
            analog_offset: 0.0,
            analog_center: false,
            analog_sends: None,
            analog_fine_sends: None,
            analog_exact: None,
            analog_apical: ApicalMac::Split,
            phi: PhiModel::F32,
            gain_rounding: MulRounding::Nearest,
        }
    }
}

impl ArithConfig {
    /// True for the default (float) configuration, which configs leave out.
    pub fn is_default(&self) -> bool {
        *self == ArithConfig::default()
    }

    /// Checks every value; `n_layers` = N, the number of W^up matrices.
    pub fn validate(&self, n_layers: usize) -> Result<()> {
        let in_range = |field: &str, v: f32, lo: f32, hi: f32, open_lo: bool| {
            let ok = v.is_finite() && v <= hi && if open_lo { v > lo } else { v >= lo };
            if ok {
                Ok(())
            } else {
                let op = if open_lo { "<" } else { "<=" };
                Err(Error::param(
                    format!("arith.{field}"),
                    v,
                    format!("a finite number with {lo} {op} {field} <= {hi}"),
                ))
            }
        };
        in_range("readout_noise", self.readout_noise, 0.0, 128.0, false)?;
        in_range("headroom", self.headroom, 0.0, 1e6, true)?;
        in_range("rate_max", self.rate_max, 0.0, 1e6, true)?;
        in_range("potential_range", self.potential_range, 0.0, 1e6, true)?;
        if !(1..=1_000_000).contains(&self.write_back_every) {
            return Err(Error::param(
                "arith.write_back_every",
                self.write_back_every,
                "an integer with 1 <= write_back_every <= 1000000",
            ));
        }
        if !(1..=100_000).contains(&self.plasticity_every) {
            return Err(Error::param(
                "arith.plasticity_every",
                self.plasticity_every,
                "an integer with 1 <= plasticity_every <= 100000",
            ));
        }
        if !(1..=SHADOW_FRAC_BITS_MAX).contains(&self.shadow_frac_bits) {
            return Err(Error::param(
                "arith.shadow_frac_bits",
                self.shadow_frac_bits,
                format!(
                    "an integer with 1 <= shadow_frac_bits <= {SHADOW_FRAC_BITS_MAX} \
                     (the 16-bit shadow weight holds ±63 with F fractional bits)"
                ),
            ));
        }
        in_range("analog_gain", self.analog_gain, 0.0, 1e3, true)?;
        in_range("analog_noise", self.analog_noise, 0.0, 128.0, false)?;
        in_range("analog_offset", self.analog_offset, 0.0, 128.0, false)?;
        check_mac_lists(
            self.analog_sends.as_ref(),
            self.analog_fine_sends.as_ref(),
            self.analog_exact.as_ref(),
            self.analog_apical,
            n_layers,
        )?;
        for (name, list, hi) in [
            ("w_up_max", &self.w_up_max, 1e6),
            ("error_gain_up", &self.error_gain_up, 32768.0),
        ] {
            let Some(m) = list else { continue };
            if m.len() != n_layers {
                return Err(Error::param(
                    format!("arith.{name}"),
                    format!("{m:?}"),
                    format!("{n_layers} value(s), one per W^up matrix"),
                ));
            }
            for (i, &x) in m.iter().enumerate() {
                in_range(&format!("{name}[{i}]"), x, 0.0, hi, true)?;
            }
        }
        Ok(())
    }

    /// The chip model's pieces that are idealised in a way that changes the run, by
    /// the names the CLI, configs and links select them with (`analog ideal`, `rng
    /// pcg`, ...): the random bits only matter to stochastic rounding, the register
    /// only with carry or a write-back interval. Empty: the realistic chip model.
    pub fn idealised(&self) -> Vec<&'static str> {
        let keeps = self.carry || self.write_back_every > 1;
        [
            (self.analog == AnalogModel::Ideal, "analog ideal"),
            (
                self.analog == AnalogModel::Mock && !self.exact_matrices().is_empty(),
                "analog_exact",
            ),
            (
                self.rounding == Rounding::Stochastic && self.rng == RngModel::Pcg,
                "rng pcg",
            ),
            (
                keeps && self.accumulator == Accumulator::Ideal32,
                "accumulator ideal32",
            ),
            (self.phi == PhiModel::F32, "phi f32"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// The matrices `analog_exact` lists as exact (`up_1`, `pi_1`, ...).
    pub fn exact_matrices(&self) -> Vec<String> {
        let Some(s) = &self.analog_exact else {
            return Vec::new();
        };
        named(s).filter(|&(_, x)| x).map(|(m, _)| m).collect()
    }

    /// The matrices with a finer second readout, as `up_1 at 524 sends`.
    pub fn fine_matrices(&self) -> Vec<String> {
        let Some(s) = &self.analog_fine_sends else {
            return Vec::new();
        };
        (named(s).filter(|&(_, x)| x > 0))
            .map(|(m, x)| format!("{m} at {x} sends"))
            .collect()
    }

    /// One line describing the formats, for the page and the CLI.
    pub fn describe(&self) -> String {
        match self.kind {
            ArithKind::Float => "float: IEEE-754 f32 weights, rates and traces".into(),
            ArithKind::Bss2 => {
                let noise = if self.readout_noise > 0.0 {
                    format!(" + N(0, {}²) LSB", self.readout_noise)
                } else {
                    String::new()
                };
                let carry = if self.carry { " with carry" } else { "" };
                let period = if self.plasticity_every > 1 {
                    format!(", PyraLNet rule every {} steps", self.plasticity_every)
                } else {
                    String::new()
                };
                let rng = match (self.rounding, self.rng) {
                    (Rounding::Stochastic, RngModel::Lfsr) => " from per-column LFSRs",
                    _ => "",
                };
                let register = match (self.accumulator, self.carry || self.write_back_every > 1) {
                    (Accumulator::Shadow16, true) => {
                        format!(
                            ", 16-bit shadow weights (Q{}.{})",
                            15 - self.shadow_frac_bits,
                            self.shadow_frac_bits
                        )
                    }
                    _ => String::new(),
                };
                let analog = match self.analog {
                    AnalogModel::Ideal => String::new(),
                    AnalogModel::Mock => {
                        let sends = if self.analog_sends.is_some() {
                            " × sends"
                        } else {
                            ""
                        };
                        let offset = if self.analog_offset > 0.0 {
                            format!(", offsets σ {} LSB", self.analog_offset)
                        } else {
                            String::new()
                        };
                        let center = if self.analog_center { ", + ½ LSB" } else { "" };
                        let exact = self.exact_matrices();
                        let exact = if exact.is_empty() {
                            String::new()
                        } else {
                            format!("; exact sums: {}", exact.join(", "))
                        };
                        let apical = match self.analog_apical {
                            ApicalMac::Split => "",
                            ApicalMac::Joint => "; apical pair one MAC",
                        };
                        let fine = self.fine_matrices();
                        let fine = if fine.is_empty() {
                            String::new()
                        } else {
                            format!("; also read finer: {}", fine.join(", "))
                        };
                        format!(
                            ", analog MAC (gain {}{sends}, noise {} LSB{offset}, int8 per 128 \
                             inputs{center}{apical}{fine}{exact})",
                            self.analog_gain, self.analog_noise
                        )
                    }
                };
                let phi = match self.phi {
                    PhiModel::F32 => String::new(),
                    PhiModel::Table => format!(
                        ", φ Q0.15 table (gain rounded {})",
                        self.gain_rounding.name()
                    ),
                };
                let ideal = self.idealised();
                let model = if ideal.is_empty() {
                    "realistic chip model".to_string()
                } else {
                    format!("idealised: {}", ideal.join(", "))
                };
                format!(
                    "BSS-2: weights 6-bit ±63 × scale, rates 5-bit{analog}, readouts int8{noise}, \
                     PPU Q0.7/Q0.15{phi}, {} rounding{rng}{carry}{register}{period}; {model}",
                    self.rounding.name()
                )
            }
        }
    }
}

/// A per-matrix list's entries with their matrices' names (`up_1`, ..., `down_1`).
fn named<T: Copy>(s: &PerMatrix<T>) -> impl Iterator<Item = (String, T)> + '_ {
    [
        ("up", &s.up),
        ("ip", &s.ip),
        ("pi", &s.pi),
        ("down", &s.down),
    ]
    .into_iter()
    .flat_map(|(name, list)| {
        (list.iter().enumerate()).map(move |(i, &x)| (format!("{name}_{}", i + 1), x))
    })
}
