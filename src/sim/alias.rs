//! STAND-IN.
use rand::RngExt;
pub struct AliasTable {
    cum: Vec<f64>,
}
impl AliasTable {
    pub fn new(w: &[f64]) -> Result<AliasTable, String> {
        let mut c = 0.0;
        let cum = w
            .iter()
            .map(|x| {
                c += x;
                c
            })
            .collect();
        Ok(AliasTable { cum })
    }
    pub fn sample<R: rand::Rng + ?Sized>(&self, r: &mut R) -> u32 {
        let x: f64 = r.random::<f64>() * self.cum.last().unwrap();
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len() - 1) as u32
    }
    pub fn len(&self) -> usize {
        self.cum.len()
    }
}
