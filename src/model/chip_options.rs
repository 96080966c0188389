//! The options of the chip's analog multiply-accumulate and of its φ and gain
//! arithmetic ([`crate::model::formats::ArithConfig`]'s `analog*`, `phi`,
//! `gain_rounding`): plain data, named as the CLI and configs spell them.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How the synapse array computes a dendritic sum `W r` (6-bit weight codes times
/// 5-bit input codes, [`crate::model::analog`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnalogModel {
    /// The exact sum of the codes' values in f32 (ideal).
    #[default]
    Ideal,
    /// hxtorch's mock of the analog multiply-accumulate: per block of 128 inputs
    /// `clamp(floor(g Σ x w + offset + N(0, σ²)), −128, 127)`, blocks summed.
    Mock,
}
crate::json::unit_enum!(AnalogModel: "AnalogModel", Ideal = "ideal", Mock = "mock");

/// How the apical sum `W^down_k r_{k+1} + W^pi_k r^I_k` goes through the mock MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApicalMac {
    /// Two MACs, one per projection, their readouts added digitally.
    #[default]
    Split,
    /// One MAC: both projections' synapse rows drive the same apical column and
    /// are read once (one weight scale for the pair, equal sends).
    Joint,
}
crate::json::unit_enum!(ApicalMac: "ApicalMac", Split = "split", Joint = "joint");

/// How φ is computed for the error factors (what plasticity reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhiModel {
    /// `φ` of the readout's potential in f32, the gain in f32, rounded to Q0.7
    /// (ideal: the PPU has no FPU).
    #[default]
    F32,
    /// A Q0.15 table indexed by the 8-bit readout code ([`crate::model::ppu`]), the
    /// gain an integer multiply with `arith.gain_rounding`.
    Table,
}
crate::json::unit_enum!(PhiModel: "PhiModel", F32 = "f32", Table = "table");

/// Rounding of a fixed-point multiply's result to fewer bits (the PPU program
/// chooses: a shift floors, a division truncates, adding half first rounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MulRounding {
    /// Toward −∞ (an arithmetic shift).
    Floor,
    /// Toward zero (a signed division).
    Zero,
    /// To nearest, halves toward +∞ (add half an LSB, then shift).
    #[default]
    Nearest,
}
crate::json::unit_enum!(MulRounding: "MulRounding",
    Floor = "floor", Zero = "zero", Nearest = "nearest",
);

impl std::str::FromStr for AnalogModel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "ideal" => Ok(AnalogModel::Ideal),
            "mock" => Ok(AnalogModel::Mock),
            _ => Err(Error::param("analog", format!("{s:?}"), "mock or ideal")),
        }
    }
}

impl std::str::FromStr for PhiModel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "f32" => Ok(PhiModel::F32),
            "table" => Ok(PhiModel::Table),
            _ => Err(Error::param("phi", format!("{s:?}"), "table or f32")),
        }
    }
}

impl std::str::FromStr for MulRounding {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "floor" => Ok(MulRounding::Floor),
            "zero" => Ok(MulRounding::Zero),
            "nearest" => Ok(MulRounding::Nearest),
            _ => Err(Error::param(
                "gain_rounding",
                format!("{s:?}"),
                "floor, zero or nearest",
            )),
        }
    }
}

impl AnalogModel {
    pub fn name(self) -> &'static str {
        match self {
            AnalogModel::Ideal => "ideal",
            AnalogModel::Mock => "mock",
        }
    }
}

impl PhiModel {
    pub fn name(self) -> &'static str {
        match self {
            PhiModel::F32 => "f32",
            PhiModel::Table => "table",
        }
    }
}

impl MulRounding {
    pub fn name(self) -> &'static str {
        match self {
            MulRounding::Floor => "floor",
            MulRounding::Zero => "zero",
            MulRounding::Nearest => "nearest",
        }
    }
}

/// One value per matrix of each projection, layer k = 1.. (`up`: N values, the
/// others N − 1): the shape of `arith.analog_sends` and `arith.analog_exact`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerMatrix<T> {
    pub up: Vec<T>,
    pub ip: Vec<T>,
    pub pi: Vec<T>,
    pub down: Vec<T>,
}

impl<T: Copy> PerMatrix<T> {
    /// The entries of W^down and W^pi at index `i` (layer `i + 1`).
    pub fn apical_pair(&self, i: usize) -> (T, T) {
        (self.down[i], self.pi[i])
    }
}

/// Sends per input of each analog multiply-accumulate (hxtorch's `num_sends`):
/// the charge of every input event is deposited that many times, so the MAC's
/// gain is `sends · arith.analog_gain`.
pub type AnalogSends = PerMatrix<u32>;

/// Per matrix, whether its dendritic sums are exact (as `analog: ideal`) instead of
/// the mock MAC's: a diagnostic that finds which projection's MAC costs accuracy.
pub type AnalogExact = PerMatrix<bool>;

/// Largest `arith.analog_sends` entry.
pub const ANALOG_SENDS_MAX: u32 = 10_000;

/// hxtorch's default gain of one send (`constants::defaults::gain`).
pub const ANALOG_GAIN_DEFAULT: f32 = 0.002;
/// hxtorch's default membrane noise, LSB (`constants::defaults::noise_std`).
pub const ANALOG_NOISE_DEFAULT: f32 = 2.0;

/// Checks the per-matrix MAC settings `arith.analog_sends`, `analog_fine_sends`,
/// `analog_exact` (one value per matrix; sends in range, a fine readout finer
/// than its matrix's) and that `analog_apical = joint` has one gain and one
/// exactness for each apical pair.
pub fn check_mac_lists(
    sends: Option<&AnalogSends>,
    fine: Option<&AnalogSends>,
    exact_list: Option<&AnalogExact>,
    apical: ApicalMac,
    n_layers: usize,
) -> Result<()> {
    let coarse = match sends {
        Some(s) => Some(per_matrix("analog_sends", s, n_layers)?),
        None => None,
    };
    for (name, list) in coarse.iter().flatten() {
        if let Some((i, x)) =
            (list.iter().enumerate()).find(|(_, x)| !(1..=ANALOG_SENDS_MAX).contains(*x))
        {
            return Err(Error::param(
                format!("arith.analog_sends.{name}[{i}]"),
                x,
                format!("an integer with 1 <= sends <= {ANALOG_SENDS_MAX}"),
            ));
        }
    }
    if let Some(s) = fine {
        for (j, (name, list)) in per_matrix("analog_fine_sends", s, n_layers)?
            .into_iter()
            .enumerate()
        {
            for (i, &x) in list.iter().enumerate() {
                // Finer: more sends than the matrix's own readout.
                let c = coarse.as_ref().map_or(1, |c| c[j].1[i]);
                if x != 0 && !(c + 1..=ANALOG_SENDS_MAX).contains(&x) {
                    return Err(Error::param(
                        format!("arith.analog_fine_sends.{name}[{i}]"),
                        x,
                        format!(
                            "0 (none), or an integer with {} <= sends <= {ANALOG_SENDS_MAX} \
                             (more than arith.analog_sends.{name}[{i}] = {c})",
                            c + 1
                        ),
                    ));
                }
            }
        }
    }
    if let Some(s) = exact_list {
        per_matrix("analog_exact", s, n_layers)?;
    }
    if apical == ApicalMac::Joint {
        // One readout has one gain, and is either exact or the MAC's.
        for i in 0..n_layers.saturating_sub(1) {
            let pair = sends.map_or((1, 1), |s| s.apical_pair(i));
            let exact = exact_list.map_or((false, false), |s| s.apical_pair(i));
            let fine = fine.map_or((0, 0), |s| s.apical_pair(i));
            let why = if pair.0 != pair.1 {
                format!("split, or equal arith.analog_sends.down[{i}] and .pi[{i}]")
            } else if fine.0 != fine.1 {
                format!("split, or equal arith.analog_fine_sends.down[{i}] and .pi[{i}]")
            } else if exact.0 != exact.1 {
                format!("split, or equal arith.analog_exact.down[{i}] and .pi[{i}]")
            } else {
                continue;
            };
            return Err(Error::param("arith.analog_apical", "joint", why));
        }
    }
    Ok(())
}

/// `arith.<field>`'s lists by name, refused unless each has one value per matrix
/// (`up`: N, the others N − 1).
fn per_matrix<'a, T: std::fmt::Debug>(
    field: &str,
    s: &'a PerMatrix<T>,
    n_layers: usize,
) -> Result<[(&'static str, &'a [T]); 4]> {
    let hidden = n_layers.saturating_sub(1);
    let lists = [
        ("up", &s.up[..]),
        ("ip", &s.ip[..]),
        ("pi", &s.pi[..]),
        ("down", &s.down[..]),
    ];
    for (name, list) in lists {
        let len = if name == "up" { n_layers } else { hidden };
        if list.len() != len {
            return Err(Error::param(
                format!("arith.{field}.{name}"),
                format!("{list:?}"),
                format!("{len} value(s), one per W^{name} matrix"),
            ));
        }
    }
    Ok(lists)
}
