//! placeholder
pub struct QueueParams {
    pub lambda: f64,
    pub servers: u32,
    pub service: String,
    pub customers: u64,
    pub seed: u64,
    pub csv: Option<std::path::PathBuf>,
}
pub fn run(_p: &QueueParams, _o: &mut dyn std::io::Write) -> crate::error::Result<()> {
    Err(crate::error::FanoutError::failure("not yet"))
}
