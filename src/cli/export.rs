//! `microcircuit export-chip --load CHECKPOINT --out FILE.json`: a trained run's
//! network as chip data ([`ChipExport`], docs/hardware.md "Export for a chip run").

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;

use microcircuit::model::chip_export::{ChipExport, Source};
use microcircuit::model::network::Network;
use microcircuit::train::{Checkpoint, MAX_CHECKPOINT_BYTES};
use microcircuit::{Error, Result};

use super::files::{data_name, read_text};

#[derive(Args)]
pub struct ExportArgs {
    /// A checkpoint of a run in the chip's formats (`train --save`, `params.arith.kind`
    /// = bss2).
    #[arg(long, value_name = "CHECKPOINT")]
    load: PathBuf,
    /// Where to write the export (JSON, one line).
    #[arg(long, value_name = "FILE.json")]
    out: PathBuf,
}

pub fn run(a: ExportArgs) -> Result<serde_json::Value> {
    let ck = Checkpoint::from_json(&read_text(&a.load, MAX_CHECKPOINT_BYTES)?)?;
    let what = a.load.display().to_string();
    let mut params = ck.params.clone();
    // The rates the run trains with at its position: the schedule's decay, as
    // the trainer applies it.
    if let Some(d) = &ck.config.schedule.eta_decay {
        params.scale_rates(d.scale(ck.epoch));
    }
    let net = Network::from_weights(params, ck.weights, Some(ck.deltas))?;
    let mut export = ChipExport::new(&net, ck.config.engine)
        .map_err(|e| Error::data(format!("checkpoint {what}"), e.to_string()))?;
    export.source = Some(Source {
        preset: ck.preset.clone(),
        checkpoint: Some(data_name(&a.load)),
        seed: ck.config.seed,
        epoch: ck.epoch,
        patterns: ck.patterns,
    });
    let text = serde_json::to_string(&export).map_err(|e| Error::Json {
        what: "chip export".into(),
        reason: e.to_string(),
    })? + "\n";
    write(&a.out, &text)?;
    let synapses: usize = export.matrices.iter().map(|m| m.magnitude.len()).sum();
    Ok(json!({
        "out": a.out.display().to_string(),
        "bytes": text.len(),
        "format": export.format,
        "version": export.version,
        "engine": export.engine,
        "layers": export.layers,
        "synapses": synapses,
        "matrices": export.matrices.iter().map(|m| json!({
            "name": m.name, "rows": m.rows, "cols": m.cols, "plastic": m.plastic,
        })).collect::<Vec<_>>(),
    }))
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text)
        .map_err(|e| Error::data(format!("--out {}", path.display()), e.to_string()))
}
