//! STAND-IN (to be replaced by the engine helper's version).
use crate::sim::time::SimDuration;
use rand::Rng;
use rand_distr::Distribution;
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Shape {
    Const,
    Exp,
    LogNormal { cv: f64 },
    Pareto { alpha: f64 },
}
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceDist {
    mean: SimDuration,
    shape: Shape,
}
impl ServiceDist {
    pub fn new(mean: SimDuration, shape: Shape) -> Result<ServiceDist, String> {
        Ok(ServiceDist { mean, shape })
    }
    pub fn constant(mean: SimDuration) -> ServiceDist {
        ServiceDist {
            mean,
            shape: Shape::Const,
        }
    }
    pub fn exp(mean: SimDuration) -> ServiceDist {
        ServiceDist {
            mean,
            shape: Shape::Exp,
        }
    }
    pub fn mean(&self) -> SimDuration {
        self.mean
    }
    pub fn shape(&self) -> Shape {
        self.shape
    }
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        self.sample_with_mean(self.mean, rng)
    }
    pub fn sample_with_mean<R: Rng + ?Sized>(&self, mean: SimDuration, rng: &mut R) -> SimDuration {
        let x: f64 = match self.shape {
            Shape::Const => 1.0,
            Shape::Exp => rand_distr::Exp1.sample(rng),
            Shape::LogNormal { cv } => rand_distr::LogNormal::from_mean_cv(1.0, cv)
                .unwrap()
                .sample(rng),
            Shape::Pareto { alpha } => rand_distr::Pareto::new((alpha - 1.0) / alpha, alpha)
                .unwrap()
                .sample(rng),
        };
        SimDuration::from_secs_f64_saturating(mean.as_secs_f64() * x)
    }
}
