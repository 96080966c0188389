//! Recording of chosen quantities with bounded memory.
//!
//! A [`Recorder`] samples its probes every `every` ticks (Euler steps for
//! PyraLNet, patterns for SteadNet) into a buffer allocated once. When the buffer
//! is full it drops every second row and doubles `every`, so a run of any length
//! keeps at most `capacity` rows that still cover it from start to end.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::network::{Network, State};
use crate::model::weights::Projection;

/// Largest number of values a recorder may hold (rows × row width).
pub const MAX_RECORD_VALUES: usize = 50_000_000;

/// A quantity to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Probe {
    /// Pyramidal somatic potentials u_k (k = 1..=N).
    SomaP { layer: usize },
    /// Interneuron somatic potentials u^I_k (k = 1..N).
    SomaI { layer: usize },
    /// Apical potentials v_A,k (k = 1..N).
    Apical { layer: usize },
    /// Low-passed target potentials u_trgt.
    Target,
    /// All entries of one weight matrix.
    Weights {
        projection: Projection,
        layer: usize,
    },
    /// Mean |v_A| over all hidden neurons (one value).
    MeanAbsApical,
    /// `‖W^ip − W^ip_SPS‖` and `‖W^pi + W^down‖` (two values).
    SpsDistance,
}

impl Probe {
    /// Reads weights (which PyraLNet keeps column-major while it steps, if narrow).
    pub fn reads_weights(&self) -> bool {
        matches!(self, Probe::Weights { .. } | Probe::SpsDistance)
    }

    /// Number of values the probe gives for `net`, or an error if it names a layer
    /// the network does not have.
    pub fn width(&self, net: &Network) -> Result<usize> {
        let p = &net.params;
        let nl = p.n_layers();
        let bad = |layer: usize, range: String| {
            Err(Error::param(
                format!("probe {self:?}"),
                layer,
                format!("layer in {range}"),
            ))
        };
        match *self {
            Probe::SomaP { layer } if (1..=nl).contains(&layer) => Ok(p.layers[layer]),
            Probe::SomaP { layer } => bad(layer, format!("1..={nl}")),
            Probe::SomaI { layer } | Probe::Apical { layer } if (1..nl).contains(&layer) => {
                Ok(if matches!(self, Probe::SomaI { .. }) {
                    p.layers[layer + 1]
                } else {
                    p.layers[layer]
                })
            }
            Probe::SomaI { layer } | Probe::Apical { layer } => bad(layer, format!("1..{nl}")),
            Probe::Target => Ok(p.layers[nl]),
            Probe::Weights { projection, layer } => {
                let m = net
                    .w
                    .get(projection)
                    .get(layer)
                    .filter(|m| !m.data.is_empty());
                match m {
                    Some(m) => Ok(m.data.len()),
                    None => bad(layer, "the layers that have this projection".into()),
                }
            }
            Probe::MeanAbsApical => Ok(1),
            Probe::SpsDistance => Ok(2),
        }
    }

    fn write(&self, net: &Network, s: &State, out: &mut [f32]) {
        match *self {
            Probe::SomaP { layer } => out.copy_from_slice(&s.u[layer]),
            Probe::SomaI { layer } => out.copy_from_slice(&s.u_i[layer]),
            Probe::Apical { layer } => out.copy_from_slice(&s.v_a[layer]),
            Probe::Target => out.copy_from_slice(&s.u_trgt),
            Probe::Weights { projection, layer } => {
                out.copy_from_slice(&net.w.get(projection)[layer].data)
            }
            Probe::MeanAbsApical => out[0] = s.mean_abs_apical(),
            Probe::SpsDistance => {
                let (a, b) = net.sps_distance();
                out[0] = a;
                out[1] = b;
            }
        }
    }
}

/// Decimated, bounded traces of a set of probes.
#[derive(Debug, Clone)]
pub struct Recorder {
    probes: Vec<Probe>,
    offsets: Vec<usize>,
    row: usize,
    every: u64,
    capacity: usize,
    ticks: u64,
    times: Vec<f64>,
    data: Vec<f32>,
}

impl Recorder {
    /// Records `probes` every `every` ticks, keeping at most `capacity` rows.
    pub fn new(net: &Network, probes: Vec<Probe>, every: u64, capacity: usize) -> Result<Self> {
        if every == 0 {
            return Err(Error::param("record.every", every, ">= 1"));
        }
        if capacity < 2 {
            return Err(Error::param("record.capacity", capacity, ">= 2"));
        }
        let mut offsets = Vec::with_capacity(probes.len() + 1);
        let mut row = 0usize;
        for pr in &probes {
            offsets.push(row);
            row += pr.width(net)?;
        }
        offsets.push(row);
        if row.saturating_mul(capacity) > MAX_RECORD_VALUES {
            return Err(Error::param(
                "record.capacity",
                capacity,
                format!(
                    "at most {} rows of {row} values",
                    MAX_RECORD_VALUES / row.max(1)
                ),
            ));
        }
        Ok(Recorder {
            probes,
            offsets,
            row,
            every,
            capacity,
            ticks: 0,
            times: Vec::with_capacity(capacity),
            data: Vec::with_capacity(row * capacity),
        })
    }

    /// Called once per tick; records a row at `time` (ms) every `every` ticks.
    pub fn tick(&mut self, time: f64, net: &Network, s: &State) {
        let due = self.ticks % self.every == 0;
        self.ticks += 1;
        if !due {
            return;
        }
        if self.times.len() == self.capacity {
            self.compact();
            // The tick that was due under the old interval may not be under the new.
            if (self.ticks - 1) % self.every != 0 {
                return;
            }
        }
        let start = self.data.len();
        self.data.resize(start + self.row, 0.0);
        for (i, pr) in self.probes.iter().enumerate() {
            let out = &mut self.data[start + self.offsets[i]..start + self.offsets[i + 1]];
            pr.write(net, s, out);
        }
        self.times.push(time);
    }

    /// Keeps rows 0, 2, 4, ... and doubles the interval.
    fn compact(&mut self) {
        let n = self.times.len();
        let keep = n.div_ceil(2);
        for i in 0..keep {
            self.times[i] = self.times[2 * i];
            let (dst, src) = (i * self.row, 2 * i * self.row);
            self.data.copy_within(src..src + self.row, dst);
        }
        self.times.truncate(keep);
        self.data.truncate(keep * self.row);
        self.every *= 2;
    }

    /// Times (ms) of the recorded rows.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Current sampling interval in ticks.
    pub fn every(&self) -> u64 {
        self.every
    }

    /// The probes, in recording order.
    pub fn probes(&self) -> &[Probe] {
        &self.probes
    }

    /// Rows of probe `i`: one slice of its width per recorded time.
    pub fn series(&self, i: usize) -> impl Iterator<Item = &[f32]> {
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        self.data
            .chunks_exact(self.row.max(1))
            .map(move |r| &r[a..b])
    }

    /// Forgets every row (keeps probes and the initial interval).
    pub fn clear(&mut self) {
        self.times.clear();
        self.data.clear();
        self.ticks = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::Params;

    #[test]
    fn memory_stays_bounded_and_covers_the_run() {
        let net = Network::new(Params::mimic(), 1).unwrap();
        let s = State::new(&net.params);
        let mut rec = Recorder::new(
            &net,
            vec![Probe::SomaP { layer: 2 }, Probe::SpsDistance],
            1,
            16,
        )
        .unwrap();
        for t in 0..1000 {
            rec.tick(t as f64, &net, &s);
        }
        assert!(rec.times().len() <= 16);
        assert_eq!(rec.times()[0], 0.0);
        assert!(*rec.times().last().unwrap() >= 900.0);
        // Evenly spaced after compaction.
        let dt: Vec<f64> = rec.times().windows(2).map(|w| w[1] - w[0]).collect();
        assert!(dt.iter().all(|&d| d == dt[0]), "{dt:?}");
        assert_eq!(rec.series(1).next().unwrap().len(), 2);
    }

    #[test]
    fn probes_outside_the_network_are_refused() {
        let net = Network::new(Params::mimic(), 1).unwrap();
        assert!(Recorder::new(&net, vec![Probe::Apical { layer: 2 }], 1, 8).is_err());
        assert!(Recorder::new(&net, vec![Probe::SomaP { layer: 3 }], 1, 8).is_err());
        assert!(Recorder::new(&net, vec![Probe::SomaP { layer: 1 }], 0, 8).is_err());
    }
}
