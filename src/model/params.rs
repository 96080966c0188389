//! Parameters of the microcircuit and its two engines, with the published presets.
//!
//! Units: time in ms, conductances in 1/ms (capacitance 1), potentials and rates
//! dimensionless. A [`Params`] is plain data (serde); [`Params::validate`] checks it
//! and every constructor of a network calls it, so a bad value is reported where the
//! user made it, with its name, its value and the allowed range.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::formats::{ArithConfig, PhiModel};

/// Largest number of synapses (all matrices together) a network may have. Each
/// synapse costs a weight and a low-pass trace (8 bytes): 20 M synapses are 160 MB,
/// which a browser tab can still hold.
pub const MAX_SYNAPSES: usize = 20_000_000;

/// Largest population size of one layer.
pub const MAX_LAYER_SIZE: usize = 100_000;

/// Most layer sizes `[n_0, ..., n_N]` a network may have. Every layer costs a few
/// vectors and matrix headers whatever its size, so without a bound a list of a
/// million 1-neuron layers (within [`MAX_SYNAPSES`]) would still exhaust memory.
pub const MAX_LAYERS: usize = 64;

/// Longest JSON config [`Params::from_json`] reads (a config is a few hundred bytes).
pub const MAX_CONFIG_BYTES: usize = 1_000_000;

/// Somatic transfer function φ: rate as a function of potential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    /// `φ(u) = log(1 + e^u)` (mimic task).
    SoftRelu,
    /// `φ(u) = 1 / (1 + e^{-u})` (Yin-Yang, MNIST).
    Logistic,
}
crate::json::unit_enum!(Transfer: "Transfer", SoftRelu = "soft_relu", Logistic = "logistic");

/// How the weights are drawn at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitMode {
    /// Every matrix uniform in its own range.
    Random,
    /// `W^up` and `W^down` uniform; `W^ip` and `W^pi` set to the self-predicting
    /// state (SPEC §2) so that apical potentials start at zero.
    SelfPredicting,
}
crate::json::unit_enum!(InitMode: "InitMode",
    Random = "random", SelfPredicting = "self_predicting",
);

/// Where PyraLNet's input and target low-pass start when the network is at rest
/// (a new run, or a run resumed without its engine state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LowpassStart {
    /// At the first pattern's input rates and target, as the seed's code does.
    #[default]
    FirstPattern,
    /// At 0, so the first pattern fades in with τ_0 (this project before 2026-12).
    Zero,
}
crate::json::unit_enum!(LowpassStart: "LowpassStart",
    FirstPattern = "first_pattern", Zero = "zero",
);

impl LowpassStart {
    pub fn is_default(&self) -> bool {
        *self == LowpassStart::default()
    }
}

/// What the top-down weights W^down are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Feedback {
    /// Fixed random W^down (or learning by η^down), as the paper uses.
    #[default]
    Fixed,
    /// `W^down_k = (W^up_{k+1})ᵀ` (bias column left out), kept so as W^up learns;
    /// where W^pi is frozen (η^pi = 0) it follows as `W^pi_k = −W^down_k`, so the
    /// self-predicting state holds.
    Transpose,
}
crate::json::unit_enum!(Feedback: "Feedback", Fixed = "fixed", Transpose = "transpose");

impl Feedback {
    pub fn is_default(&self) -> bool {
        *self == Feedback::default()
    }
}

/// A closed interval `[lo, hi]` for uniform initial weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range {
    pub lo: f32,
    pub hi: f32,
}

impl Range {
    /// The symmetric interval `[-a, a]`.
    pub const fn sym(a: f32) -> Self {
        Range { lo: -a, hi: a }
    }
}

/// Initial weight distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Init {
    pub mode: InitMode,
    pub w_up: Range,
    pub w_down: Range,
    /// Used only with [`InitMode::Random`].
    pub w_ip: Range,
    /// Used only with [`InitMode::Random`].
    pub w_pi: Range,
    /// Ranges of the two projections that touch the output layer, replacing `w_up`
    /// and `w_down` there; `None` (the default, and what a JSON without the field
    /// means): every layer uses the shared ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputRanges>,
}

/// Initial ranges at the output layer N (see [`Init::output`]). The output layer is
/// unlike the hidden ones: its potential is read out against the targets, so
/// `W^up_N` must start small enough that the logistic of the output potentials is
/// not saturated, and `W^down_{N-1}` sums the rates of only n_N output neurons, so
/// it needs a wider range than a hidden-to-hidden `W^down` to give the top hidden
/// layer an apical signal of useful size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputRanges {
    /// `W^up_N`: top hidden layer (or input) to output.
    pub w_up: Range,
    /// `W^down_{N-1}`: output to top hidden layer (unused without hidden layers).
    /// With [`InitMode::SelfPredicting`] `W^pi_{N-1} = -W^down_{N-1}` follows it.
    pub w_down: Range,
}

impl Init {
    /// Initial range of `W^up_k` in a network with `n_layers` = N layers above the
    /// input.
    pub fn up_range(&self, k: usize, n_layers: usize) -> Range {
        match self.output {
            Some(o) if k == n_layers => o.w_up,
            _ => self.w_up,
        }
    }

    /// Initial range of `W^down_k` (k = 1..N-1) in a network with `n_layers` = N.
    pub fn down_range(&self, k: usize, n_layers: usize) -> Range {
        match self.output {
            Some(o) if k + 1 == n_layers => o.w_down,
            _ => self.w_down,
        }
    }
}

/// Entry of layer k (k = 1..=N) of a per-layer list (`eta_up`, `eta_ip`, `eta_pi`,
/// `eta_down`, `arith.w_up_max`, `arith.error_gain_up`). The lists hold layers
/// 1, 2, … from index 0 (configs list them in layer order), while the weights and
/// the state are indexed by k itself: code reads every list through this one
/// function, so layer k is always called k.
pub fn layer<T: Copy>(list: &[T], k: usize) -> T {
    list[k - 1]
}

/// Model and engine parameters (SPEC §1–4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Layer sizes `[n_0 (input), n_1, ..., n_N (output)]`; layers 1..N-1 are hidden
    /// pyramidal layers, each with `n_{k+1}` interneurons.
    pub layers: Vec<usize>,
    pub transfer: Transfer,
    /// Rate of the bias input to pyramidal basal and interneuron dendrites; `None`
    /// for no bias.
    pub bias: Option<f32>,
    /// Leak conductance g_l.
    pub g_l: f32,
    /// Basal conductance g_B.
    pub g_b: f32,
    /// Apical conductance g_A.
    pub g_a: f32,
    /// Interneuron dendritic conductance g_D.
    pub g_d: f32,
    /// Somatic nudging conductance g_som (output and interneurons).
    pub g_som: f32,
    /// Euler time step (PyraLNet), ms.
    pub dt: f32,
    /// Low-pass time constant of input rates and target potentials, ms.
    pub tau_0: f32,
    /// PyraLNet: where that low-pass starts from rest (absent in older files: the
    /// default, the seed's choice, which files leave out).
    #[serde(default, skip_serializing_if = "LowpassStart::is_default")]
    pub lowpass_start: LowpassStart,
    /// Low-pass time constant of the plasticity traces Δ, ms.
    pub tau_w: f32,
    /// Presentation time of one pattern, ms.
    pub t_pattern: f32,
    /// No plasticity for this long after each pattern onset, ms.
    pub learning_lag: f32,
    /// The output of a pattern is the mean of u_N over `[out_lag, t_pattern]`, ms.
    pub out_lag: f32,
    /// Set every Δ to zero at each new pattern.
    pub reset_deltas: bool,
    /// Somatic noise σ (Euler–Maruyama, `σ √dt N(0,1)` per step).
    pub noise: f32,
    /// Learning rates of `W^up_k`, k = 1..N (one per layer); 0 freezes a matrix.
    pub eta_up: Vec<f32>,
    /// Learning rates of `W^ip_k`, k = 1..N-1.
    pub eta_ip: Vec<f32>,
    /// Learning rates of `W^pi_k`, k = 1..N-1.
    pub eta_pi: Vec<f32>,
    /// Learning rates of `W^down_k`, k = 1..N-1 (0: fixed, the paper's default).
    pub eta_down: Vec<f32>,
    /// Top-down weights: fixed random (the default, left out of configs) or the
    /// transpose of the forward weights.
    #[serde(default, skip_serializing_if = "Feedback::is_default")]
    pub feedback: Feedback,
    /// Learning rates of the reference learners (`backprop`,
    /// `feedback-alignment`), one per W^up_k; `None` (the default, left out of
    /// configs): derived from η^up ([`crate::model::backprop::derived_rates`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_bp: Option<Vec<f32>>,
    pub init: Init,
    /// Target potential of the wrong classes (classification).
    pub u_low: f32,
    /// Target potential of the true class (classification).
    pub u_high: f32,
    /// SteadNet: up-and-down passes per settling.
    pub n_passes: usize,
    /// SteadNet: weight updates per pattern.
    pub n_exposures: usize,
    /// A somatic potential beyond ±this stops the run as diverged.
    pub max_potential: f32,
    /// Number formats: float (the default, left out of configs) or the BSS-2 chip's
    /// (SPEC §6, [`crate::model::bss2`]). Fixed for a run.
    #[serde(default, skip_serializing_if = "ArithConfig::is_default")]
    pub arith: ArithConfig,
}

impl Params {
    /// Replaces the hidden layer sizes, keeping input and output. The per-matrix
    /// learning-rate lists are cut or extended with their last value; W^down stays
    /// fixed (η^down = 0) in new layers, as in every preset.
    pub fn set_hidden(&mut self, hidden: &[usize]) {
        let (first, last) = (self.layers[0], *self.layers.last().unwrap_or(&0));
        self.layers = std::iter::once(first)
            .chain(hidden.iter().copied())
            .chain([last])
            .collect();
        let nl = self.n_layers();
        let fit = |v: &mut Vec<f32>, n: usize| {
            let last = v.last().copied().unwrap_or(0.0);
            v.resize(n, last);
        };
        fit(&mut self.eta_up, nl);
        fit(&mut self.eta_ip, nl.saturating_sub(1));
        fit(&mut self.eta_pi, nl.saturating_sub(1));
        self.eta_down.resize(nl.saturating_sub(1), 0.0);
        if let Some(list) = &mut self.eta_bp {
            fit(list, nl);
        }
        for list in [&mut self.arith.w_up_max, &mut self.arith.error_gain_up]
            .into_iter()
            .flatten()
        {
            fit(list, nl);
        }
    }

    /// Number of layers above the input, N.
    pub fn n_layers(&self) -> usize {
        self.layers.len().saturating_sub(1)
    }

    /// Number of hidden layers, N - 1.
    pub fn n_hidden(&self) -> usize {
        self.n_layers().saturating_sub(1)
    }

    /// Total synapses of all matrices (bias columns included).
    pub fn n_synapses(&self) -> usize {
        let b = usize::from(self.bias.is_some());
        let n = &self.layers;
        let mut total = 0usize;
        for k in 1..n.len() {
            total = total.saturating_add(n[k].saturating_mul(n[k - 1] + b));
            if k + 1 < n.len() {
                // W^ip (n_{k+1} x (n_k + b)), W^pi and W^down (n_k x n_{k+1}).
                let ip = n[k + 1].saturating_mul(n[k] + b);
                let lateral = n[k].saturating_mul(n[k + 1]).saturating_mul(2);
                total = total.saturating_add(ip).saturating_add(lateral);
            }
        }
        total
    }

    /// Total conductance of a hidden pyramidal soma, `g_l + g_B + g_A`.
    pub fn g_tot_hidden(&self) -> f32 {
        self.g_l + self.g_b + self.g_a
    }

    /// Every learning rate times `s` (a schedule's decay, [`crate::model::presets::EtaDecay`]).
    pub fn scale_rates(&mut self, s: f32) {
        let lists = [
            &mut self.eta_up,
            &mut self.eta_ip,
            &mut self.eta_pi,
            &mut self.eta_down,
        ];
        for eta in lists.into_iter().chain(self.eta_bp.as_mut()) {
            eta.iter_mut().for_each(|x| *x *= s);
        }
    }

    /// λ_out = g_som / (g_l + g_B + g_som): output nudging strength.
    pub fn lambda_out(&self) -> f32 {
        self.g_som / (self.g_l + self.g_b + self.g_som)
    }

    /// λ_inter = g_som / (g_l + g_D + g_som): interneuron nudging strength.
    pub fn lambda_inter(&self) -> f32 {
        self.g_som / (self.g_l + self.g_d + self.g_som)
    }

    /// `(g_l+g_D)/g_D · g_B/(g_l+g_B+g_A^{(k+1)})`, with g_A^{(k+1)} = 0 for the
    /// output: the self-predicting `W^ip_k = c_k W^up_{k+1}` (SPEC §2).
    pub fn sps_factor(&self, k: usize) -> f32 {
        let g_a_next = if k + 1 == self.n_layers() {
            0.0
        } else {
            self.g_a
        };
        (self.g_l + self.g_d) / self.g_d * self.g_b / (self.g_l + self.g_b + g_a_next)
    }

    /// λ_hidden = g_A / (g_l + g_B + g_A): weight of the apical potential.
    pub fn lambda_hidden(&self) -> f32 {
        self.g_a / self.g_tot_hidden()
    }

    /// Euler steps per pattern, `t_pattern / dt`.
    pub fn steps_per_pattern(&self) -> usize {
        (self.t_pattern / self.dt).round() as usize
    }

    /// Steps at the start of a pattern without plasticity.
    pub fn lag_steps(&self) -> usize {
        (self.learning_lag / self.dt).round() as usize
    }

    /// First step of a pattern that counts toward its output.
    pub fn out_lag_steps(&self) -> usize {
        (self.out_lag / self.dt).round() as usize
    }

    /// Checks every value; the error names the first bad field, its value and the
    /// allowed range.
    pub fn validate(&self) -> Result<()> {
        let n = &self.layers;
        if n.len() < 2 {
            return Err(Error::param(
                "layers",
                format!("{n:?}"),
                "at least 2 sizes: [input, ..., output]",
            ));
        }
        if n.len() > MAX_LAYERS {
            return Err(Error::param(
                "layers",
                format!("{} sizes", n.len()),
                format!("at most {MAX_LAYERS} sizes (input, hidden layers and output)"),
            ));
        }
        for (k, &size) in n.iter().enumerate() {
            if size == 0 || size > MAX_LAYER_SIZE {
                return Err(Error::param(
                    format!("layers[{k}]"),
                    size,
                    format!("1..={MAX_LAYER_SIZE}"),
                ));
            }
        }
        let syn = self.n_synapses();
        if syn > MAX_SYNAPSES {
            return Err(Error::param(
                "layers",
                format!("{n:?} ({syn} synapses)"),
                format!("at most {MAX_SYNAPSES} synapses in all"),
            ));
        }
        if let Some(b) = self.bias {
            finite_in("bias", b, -1e3, 1e3)?;
        }
        positive("g_l", self.g_l)?;
        positive("g_b", self.g_b)?;
        non_negative("g_a", self.g_a)?;
        positive("g_d", self.g_d)?;
        non_negative("g_som", self.g_som)?;
        positive("dt", self.dt)?;
        // Forward Euler is monotone (no overshoot) only when dt · g_tot < 1.
        let g_max =
            (self.g_l + self.g_b + self.g_a.max(self.g_som)).max(self.g_l + self.g_d + self.g_som);
        if self.dt * g_max >= 1.0 {
            return Err(Error::param(
                "dt",
                self.dt,
                format!("0 < dt < 1/g_tot = {} ms (Euler stability)", 1.0 / g_max),
            ));
        }
        non_negative("tau_0", self.tau_0)?;
        positive("tau_w", self.tau_w)?;
        positive("t_pattern", self.t_pattern)?;
        let steps = self.t_pattern / self.dt;
        if (steps - steps.round()).abs() > 1e-3 || steps.round() < 1.0 {
            return Err(Error::param(
                "t_pattern",
                self.t_pattern,
                format!("a positive multiple of dt = {}", self.dt),
            ));
        }
        if steps > 1e7 {
            return Err(Error::param(
                "t_pattern",
                self.t_pattern,
                format!("at most 1e7 steps of dt = {}", self.dt),
            ));
        }
        lag("learning_lag", self.learning_lag, self.t_pattern)?;
        lag("out_lag", self.out_lag, self.t_pattern)?;
        non_negative("noise", self.noise)?;
        let nl = self.n_layers();
        rates("eta_up", &self.eta_up, nl)?;
        rates("eta_ip", &self.eta_ip, nl - 1)?;
        rates("eta_pi", &self.eta_pi, nl - 1)?;
        rates("eta_down", &self.eta_down, nl - 1)?;
        if let Some(list) = &self.eta_bp {
            rates("eta_bp", list, nl)?;
        }
        if self.feedback == Feedback::Transpose && !self.arith.is_default() {
            return Err(Error::param(
                "feedback",
                "transpose",
                "fixed with the BSS-2 formats (W^up and W^down have their own weight \
                 scales on the chip)",
            ));
        }
        if self.feedback == Feedback::Transpose && self.eta_down.iter().any(|&e| e > 0.0) {
            return Err(Error::param(
                "feedback",
                "transpose",
                "fixed while W^down learns (eta_down > 0)",
            ));
        }
        let out = self.init.output;
        for (name, r) in [
            ("init.w_up", Some(self.init.w_up)),
            ("init.w_down", Some(self.init.w_down)),
            ("init.w_ip", Some(self.init.w_ip)),
            ("init.w_pi", Some(self.init.w_pi)),
            ("init.output.w_up", out.map(|o| o.w_up)),
            ("init.output.w_down", out.map(|o| o.w_down)),
        ] {
            let Some(r) = r else { continue };
            finite_in(&format!("{name}.lo"), r.lo, -1e3, 1e3)?;
            finite_in(&format!("{name}.hi"), r.hi, r.lo, 1e3)?;
        }
        finite_in("u_low", self.u_low, -1e3, 1e3)?;
        finite_in("u_high", self.u_high, self.u_low, 1e3)?;
        if self.u_high <= self.u_low {
            return Err(Error::param(
                "u_high",
                self.u_high,
                format!("greater than u_low = {}", self.u_low),
            ));
        }
        count("n_passes", self.n_passes, 1000)?;
        count("n_exposures", self.n_exposures, 1000)?;
        positive("max_potential", self.max_potential)?;
        self.arith.validate(nl)?;
        if self.arith.phi == PhiModel::Table && self.transfer != Transfer::Logistic {
            return Err(Error::param(
                "arith.phi",
                "table",
                "f32 with transfer soft_relu (its values exceed a Q0.15 table's range 0..1)",
            ));
        }
        Ok(())
    }

    /// Parses a JSON config and validates it.
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > MAX_CONFIG_BYTES {
            return Err(Error::data(
                "config",
                format!(
                    "{} bytes, more than the limit of {MAX_CONFIG_BYTES} bytes",
                    text.len()
                ),
            ));
        }
        let p: Params = crate::json::from_str(text, "config")?;
        p.validate()?;
        Ok(p)
    }
}

fn positive(field: &str, v: f32) -> Result<()> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(Error::param(field, v, "a finite number > 0"))
    }
}

fn non_negative(field: &str, v: f32) -> Result<()> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(Error::param(field, v, "a finite number >= 0"))
    }
}

fn finite_in(field: &str, v: f32, lo: f32, hi: f32) -> Result<()> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(Error::param(
            field,
            v,
            format!("a finite number in [{lo}, {hi}]"),
        ))
    }
}

fn lag(field: &str, v: f32, t_pattern: f32) -> Result<()> {
    if v.is_finite() && v >= 0.0 && v < t_pattern {
        Ok(())
    } else {
        Err(Error::param(
            field,
            v,
            format!("0 <= {field} < t_pattern = {t_pattern}"),
        ))
    }
}

fn rates(field: &str, etas: &[f32], len: usize) -> Result<()> {
    if etas.len() != len {
        return Err(Error::param(
            field,
            format!("{etas:?}"),
            format!("{len} learning rate(s), one per matrix"),
        ));
    }
    for (i, &eta) in etas.iter().enumerate() {
        if !(eta.is_finite() && (0.0..=1e3).contains(&eta)) {
            return Err(Error::param(
                format!("{field}[{i}]"),
                eta,
                "a finite number in [0, 1000]",
            ));
        }
    }
    Ok(())
}

fn count(field: &str, v: usize, max: usize) -> Result<()> {
    if (1..=max).contains(&v) {
        Ok(())
    } else {
        Err(Error::param(field, v, format!("1..={max}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambdas_match_the_spec() {
        let p = Params::yin_yang();
        assert!((p.lambda_out() - 0.34 / 1.44).abs() < 1e-7);
        assert!((p.lambda_inter() - 0.34 / 1.44).abs() < 1e-7);
        assert!((p.lambda_hidden() - 0.28 / 1.38).abs() < 1e-7);
        // τ = 1/(g_l + g_B + g_A) ≈ 0.5 ms for the paper's conductances.
        assert!((1.0 / Params::mimic().g_tot_hidden() - 0.526).abs() < 1e-3);
    }

    #[test]
    fn output_ranges_replace_the_shared_ones_at_the_output_only() {
        let mut p = Params::yin_yang();
        p.layers = vec![4, 6, 5, 3];
        p.eta_up = vec![0.1; 3];
        p.eta_ip = vec![0.0; 2];
        p.eta_pi = vec![0.0; 2];
        p.eta_down = vec![0.0; 2];
        p.init.w_up = Range::sym(0.5);
        p.init.w_down = Range::sym(1.0);
        let shared = crate::model::network::Network::new(p.clone(), 3).unwrap();
        // Output ranges equal to the shared ones draw exactly the same weights.
        p.init.output = Some(OutputRanges {
            w_up: p.init.w_up,
            w_down: p.init.w_down,
        });
        assert_eq!(
            crate::model::network::Network::new(p.clone(), 3).unwrap().w,
            shared.w
        );
        p.init.output = Some(OutputRanges {
            w_up: Range { lo: 2.0, hi: 3.0 },
            w_down: Range {
                lo: -30.0,
                hi: -20.0,
            },
        });
        let net = crate::model::network::Network::new(p.clone(), 3).unwrap();
        let within = |m: &crate::model::weights::Mat, lo: f32, hi: f32| {
            m.data.iter().all(|&x| (lo..=hi).contains(&x))
        };
        assert!(within(&net.w.up[3], 2.0, 3.0));
        assert!(within(&net.w.down[2], -30.0, -20.0));
        // Hidden layers keep the shared ranges, and the SPS follows W^down.
        assert!(within(&net.w.up[1], -0.5, 0.5) && within(&net.w.up[2], -0.5, 0.5));
        assert!(within(&net.w.down[1], -1.0, 1.0));
        assert!(within(&net.w.pi[2], 20.0, 30.0));
        assert_eq!(net.sps_distance(), (0.0, 0.0));
        assert_eq!(p.init.up_range(3, 3), Range { lo: 2.0, hi: 3.0 });
        assert_eq!(p.init.down_range(1, 3), Range::sym(1.0));
        // Checked like the shared ranges.
        p.init.output = Some(OutputRanges {
            w_up: Range { lo: 1.0, hi: -1.0 },
            w_down: Range::sym(1.0),
        });
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("init.output.w_up.hi"), "{e}");
    }

    #[test]
    fn init_without_output_ranges_reads_and_writes_as_before() {
        let text = r#"{"mode":"random","w_up":{"lo":-1,"hi":1},"w_down":{"lo":-1,"hi":1},
            "w_ip":{"lo":-1,"hi":1},"w_pi":{"lo":-1,"hi":1}}"#;
        let init: Init = serde_json::from_str(text).unwrap();
        assert_eq!(init.output, None);
        let json = serde_json::to_value(&Params::yin_yang().init).unwrap();
        assert!(json.get("output").is_none(), "{json}");
    }

    #[test]
    fn json_round_trip() {
        let p = Params::mnist();
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(Params::from_json(&text).unwrap(), p);
    }
}
