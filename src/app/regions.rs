//! The decision-region grid of a two-dimensional task (Yin-Yang, or a CSV file of
//! points), computed row by row on a steady-state copy of the network so that the
//! worker yields between rows.

use crate::charts::regions::Regions;
use crate::data::Dataset;
use crate::error::Result;
use crate::model::engine::Engine;

/// A grid in progress: it keeps the weights it started with.
pub(crate) struct RegionsJob {
    net: Box<dyn Engine>,
    n: usize,
    next: usize,
    outputs: Vec<f32>,
}

impl RegionsJob {
    pub(crate) fn new(net: Box<dyn Engine>, n: usize) -> Self {
        let n_out = net.network().params.layers.last().copied().unwrap_or(0);
        RegionsJob {
            net,
            n,
            next: 0,
            outputs: Vec::with_capacity(n * n * n_out),
        }
    }

    /// Grid side.
    pub(crate) fn n(&self) -> usize {
        self.n
    }

    /// Works until the grid is complete (true) or `out_of_time()` (asked after each
    /// row).
    pub(crate) fn work(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> Result<bool> {
        let n = self.n;
        while self.next < n * n {
            let x = Regions::input_at(self.next % n, self.next / n, n);
            let out = self.net.evaluate(&x)?;
            self.outputs.extend_from_slice(out);
            self.next += 1;
            if self.next % n == 0 && out_of_time() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The picture of a complete grid with `test`'s points, true classes and
    /// predictions. `circle`: fade the pixels outside the Yin-Yang circle.
    pub(crate) fn finish(
        mut self,
        test: &Dataset,
        class_names: Vec<String>,
        circle: bool,
    ) -> Result<Regions> {
        let p = &self.net.network().params;
        let (u_low, u_high) = (p.u_low, p.u_high);
        let n_out = p.layers.last().copied().unwrap_or(0);
        let mut predicted = Vec::with_capacity(test.len());
        for i in 0..test.len() {
            let out = self.net.evaluate(test.input(i))?;
            predicted.push(crate::train::argmax(out) as u8);
        }
        let mut r = Regions::from_outputs(self.n, &self.outputs, n_out, u_low, u_high);
        if !circle {
            r.rgba.chunks_exact_mut(4).for_each(|px| px[3] = 255);
        }
        r.points = (0..test.len())
            .flat_map(|i| {
                let x = test.input(i);
                [x[0], x[1]]
            })
            .collect();
        let labels = (0..test.len())
            .map(|i| test.label(i).unwrap_or(0) as u8)
            .collect();
        r.set_points(labels, predicted, class_names);
        Ok(r)
    }
}
