//! `fanout plot`: an SVG from result CSVs. The drawing itself lives in the
//! report layer; this module only validates the flags.

use crate::cli::PlotArgs;
use crate::error::Result;
use std::path::PathBuf;

/// `plot`'s flags, validated.
pub struct PlotConfig {
    /// The CSV files to read.
    pub inputs: Vec<PathBuf>,
    /// The SVG to write.
    pub output: PathBuf,
}

impl PlotConfig {
    /// Refuses an output that is also an input (it would be overwritten);
    /// the report layer checks the rest.
    pub fn from_args(args: &PlotArgs) -> Result<PlotConfig> {
        let inputs: Vec<(String, PathBuf)> = args
            .csv
            .iter()
            .map(|p| (format!("the input CSV {}", p.display()), p.clone()))
            .collect();
        crate::output::refuse_clashes(&[("-o".to_string(), args.output.clone())], &inputs)?;
        Ok(PlotConfig {
            inputs: args.csv.clone(),
            output: args.output.clone(),
        })
    }
}

/// Draws the plot.
pub fn execute(cfg: &PlotConfig) -> Result<()> {
    crate::plot::plot(&cfg.inputs, &cfg.output)
}
