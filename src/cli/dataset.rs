//! `microcircuit dataset ...`

use std::io::Write;

use clap::Subcommand;
use microcircuit::data::{mnist_subset, yinyang};
use microcircuit::{Error, Result};

#[derive(Subcommand)]
pub enum DatasetCmd {
    /// Yin-Yang samples as CSV (x,y,x_flipped,y_flipped,label) on stdout.
    Yinyang {
        #[arg(long, default_value_t = 5000)]
        size: usize,
        #[arg(long, default_value_t = 42)]
        seed: u32,
    },
    /// The embedded MNIST subset.
    Mnist {
        /// Print sizes and class counts of the fixed train/test split as JSON.
        #[arg(long)]
        info: bool,
    },
}

pub fn run(cmd: DatasetCmd) -> Result<serde_json::Value> {
    match cmd {
        DatasetCmd::Yinyang { size, seed } => {
            let yy = yinyang::generate(size, seed)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let io = |e: std::io::Error| Error::data("stdout", e.to_string());
            writeln!(out, "x,y,x_flipped,y_flipped,label").map_err(io)?;
            for (s, l) in yy.samples.iter().zip(&yy.labels) {
                // `{:?}` prints the shortest decimal that reads back to the same f64.
                writeln!(out, "{:?},{:?},{:?},{:?},{l}", s[0], s[1], s[2], s[3]).map_err(io)?;
            }
            out.flush().map_err(io)?;
            Ok(serde_json::Value::Null)
        }
        DatasetCmd::Mnist { info } => {
            if !info {
                return Err(Error::param("dataset mnist", "(no flag)", "--info"));
            }
            let info = mnist_subset::subset_info()?;
            serde_json::to_value(info).map_err(|e| Error::data("MNIST info", e.to_string()))
        }
    }
}
