//! The network a run asks for: latency, loss, duplication, per-link overrides, a per-packet
//! service time. A description only: the simulator plays all of it (its network model draws
//! from these distributions); the loopback cluster plays what real sockets can and refuses or
//! notes the rest.

use std::time::Duration;

use crate::node_index::NodeIndex;

/// A latency distribution.
#[derive(Clone, Debug, PartialEq)]
pub enum Latency {
    /// Always the same.
    Constant(Duration),
    /// Uniform between two bounds.
    Uniform {
        /// Lower bound.
        min: Duration,
        /// Upper bound.
        max: Duration,
    },
    /// Normal, truncated below at `min`.
    Normal {
        /// Mean.
        mean: Duration,
        /// Standard deviation.
        stddev: Duration,
        /// Floor.
        min: Duration,
    },
    /// Log-normal with this median and shape `sigma`, floored at `min`.
    LogNormal {
        /// Median.
        median: Duration,
        /// Shape (standard deviation of the log).
        sigma: f64,
        /// Floor.
        min: Duration,
    },
}

impl Latency {
    /// Draws one latency from two uniform numbers in [0, 1) (so every draw costs the same).
    // Called for every simulated packet from another crate: inlining it there is measurable.
    #[inline]
    pub fn sample(&self, u1: f64, u2: f64) -> Duration {
        let secs = |d: &Duration| d.as_secs_f64();
        let value = match self {
            Latency::Constant(d) => secs(d),
            Latency::Uniform { min, max } => secs(min) + (secs(max) - secs(min)) * u1,
            Latency::Normal { mean, stddev, min } => {
                let z = standard_normal(u1, u2);
                (secs(mean) + secs(stddev) * z).max(secs(min))
            }
            Latency::LogNormal { median, sigma, min } => {
                let z = standard_normal(u1, u2);
                (secs(median) * (sigma * z).exp()).max(secs(min))
            }
        };
        Duration::from_secs_f64(value.clamp(0.0, 86_400.0))
    }

    /// Checks that the distribution can be sampled (finite, non-negative, ordered bounds).
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Latency::Uniform { min, max } if min > max => {
                Err(format!("uniform latency min {min:?} is above max {max:?}"))
            }
            Latency::LogNormal { sigma, .. } if !sigma.is_finite() || *sigma < 0.0 => Err(format!(
                "log-normal sigma {sigma} must be finite and non-negative"
            )),
            _ => Ok(()),
        }
    }
}

/// Box–Muller from two uniforms: the standard normal without a per-call distribution object.
#[inline]
fn standard_normal(u1: f64, u2: f64) -> f64 {
    let u1 = u1.max(f64::MIN_POSITIVE);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// An override for packets between some nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRule {
    /// Senders it applies to (empty: any).
    pub from: Vec<NodeIndex>,
    /// Receivers it applies to (empty: any).
    pub to: Vec<NodeIndex>,
    /// Loss probability instead of the global one.
    pub loss: Option<f64>,
    /// Latency instead of the global one.
    pub latency: Option<Latency>,
    /// Duplication probability instead of the global one.
    pub duplicate: Option<f64>,
}

impl LinkRule {
    /// Whether the rule applies to packets from `from` to `to` (an empty side matches all).
    #[inline]
    pub fn matches(&self, from: NodeIndex, to: NodeIndex) -> bool {
        (self.from.is_empty() || self.from.contains(&from))
            && (self.to.is_empty() || self.to.contains(&to))
    }
}

/// The network model's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkSpec {
    /// Latency of every packet, unless a link rule says otherwise.
    pub latency: Latency,
    /// Loss probability, unless a link rule says otherwise.
    pub loss: f64,
    /// Probability that a delivered packet arrives twice.
    pub duplicate: f64,
    /// Overrides; for each setting, the first matching rule that sets it wins.
    pub links: Vec<LinkRule>,
    /// Time a node takes to process one packet; with a non-zero value the receive queue
    /// (`buffer`) can fill and drop packets. Zero: processing is instant.
    pub service_time: Duration,
}

impl Default for NetworkSpec {
    fn default() -> NetworkSpec {
        NetworkSpec {
            latency: Latency::Constant(Duration::from_millis(10)),
            loss: 0.0,
            duplicate: 0.0,
            links: Vec::new(),
            service_time: Duration::ZERO,
        }
    }
}
