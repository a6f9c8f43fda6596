//! (placeholder: being written)
/// Placeholder.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceDist;
