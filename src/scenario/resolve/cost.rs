//! The `[cost]` section: four prices, each checked against its key.

use super::Reader;
use crate::error::Result;
use crate::model::config::CostConfig;

impl Reader<'_> {
    /// The prices of machines and memory; the defaults are unit prices.
    pub(super) fn cost(&self) -> Result<CostConfig> {
        Ok(CostConfig {
            store_machine_hour: self.float("cost.store_machine_hour")?,
            cache_machine_hour: self.float("cost.cache_machine_hour")?,
            worker_machine_hour: self.float("cost.worker_machine_hour")?,
            memory_gb_hour: self.float("cost.memory_gb_hour")?,
        })
    }
}
