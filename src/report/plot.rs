//! placeholder
pub fn plot(_i: &[std::path::PathBuf], _o: &std::path::Path) -> crate::error::Result<()> {
    Err(crate::error::FanoutError::failure("not yet"))
}
