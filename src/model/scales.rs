//! The per-projection weight scales of the chip's 6-bit weight codes.

use crate::model::arith::MatrixId;
use crate::model::formats::ApicalMac;
use crate::model::params::{InitMode, Params, Range, layer};
use crate::model::weights::Projection;
use crate::model::writeback::W_MAX;

/// The per-projection weight scales `s` (value of one weight LSB), fixed at
/// initialisation from the parameters alone (so a checkpoint needs no extra field).
///
/// Rule: the grid covers `±headroom · max(|lo|, |hi|)` of the projection's initial
/// range, `s = headroom · max(|lo|, |hi|) / 63` (a zero range counts as 1), so that
/// learning can grow weights `headroom` times beyond their initial extent before
/// they saturate. `arith.w_up_max` (layer k) replaces it for W^up_k: `s = w_up_max / 63`.
/// In the self-predicting mode W^ip_k and W^pi_k mirror W^up_{k+1} and W^down_k, so
/// their scales are `c_k s(W^up_{k+1})` and `s(W^down_k)`, and the SPS holds code
/// for code. With `arith.analog_apical = joint` W^down_k and W^pi_k share the larger
/// of their two scales: one MAC reads both with one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightScales {
    pub up: Vec<f32>,
    pub ip: Vec<f32>,
    pub pi: Vec<f32>,
    pub down: Vec<f32>,
}

impl WeightScales {
    pub fn new(p: &Params) -> Self {
        let h = p.arith.headroom;
        let rule = |r: Range| {
            let m = r.lo.abs().max(r.hi.abs());
            h * if m > 0.0 { m } else { 1.0 } / W_MAX as f32
        };
        let nl = p.n_layers();
        let mut s = WeightScales {
            up: vec![0.0; nl + 1],
            ip: vec![0.0; nl],
            pi: vec![0.0; nl],
            down: vec![0.0; nl],
        };
        for k in 1..=nl {
            s.up[k] = match &p.arith.w_up_max {
                Some(m) => layer(m, k) / W_MAX as f32,
                None => rule(p.init.up_range(k, nl)),
            };
        }
        let joint = p.arith.analog_apical == ApicalMac::Joint;
        for k in 1..nl {
            s.down[k] = rule(p.init.down_range(k, nl));
            (s.ip[k], s.pi[k]) = match p.init.mode {
                InitMode::SelfPredicting => (p.sps_factor(k) * s.up[k + 1], s.down[k]),
                InitMode::Random => (rule(p.init.w_ip), rule(p.init.w_pi)),
            };
            if joint {
                // One MAC reads the pair's rows with one unit: one grid for both.
                let m = s.down[k].max(s.pi[k]);
                (s.down[k], s.pi[k]) = (m, m);
            }
        }
        s
    }

    /// The scale of matrix `m`.
    pub fn get(&self, m: MatrixId) -> f32 {
        match m.proj {
            Projection::Up => self.up[m.k],
            Projection::Ip => self.ip[m.k],
            Projection::Pi => self.pi[m.k],
            Projection::Down => self.down[m.k],
        }
    }
}
