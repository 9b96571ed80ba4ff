//! The network model, kept apart from the protocol (in the spirit of str0m's `netem` and
//! turmoil's rules): latency, loss, per-link overrides, partitions, duplication.
//!
//! For each packet the model returns a [`Verdict`]. Rules are checked in a fixed order —
//! partition, then loss, then latency — and every packet draws the same number of random
//! values from its sender's stream, so changing a loss rate never shifts a latency draw.

use std::time::Duration;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use pekonode_run::{NetworkSpec, NodeIndex};

use crate::links::LinkIndex;

/// What happens to one packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Delivered after this latency (a second copy after the second, if duplicated).
    Deliver(Duration, Option<Duration>),
    /// Lost by the network.
    Lost,
    /// Dropped at a partition.
    Partitioned,
}

/// The network's state during a run: the spec plus partitions and loss changes.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    /// The spec, its link rules moved into `links`.
    spec: NetworkSpec,
    links: LinkIndex,
    /// Partitions in force: the group of each node (`u32::MAX`: the implicit rest group),
    /// and whether only traffic from group 0 to group 1 is cut. They add up until `heal`.
    partitions: Vec<(Vec<u32>, bool)>,
}

impl Network {
    pub(crate) fn new(mut spec: NetworkSpec) -> Network {
        let links = LinkIndex::new(std::mem::take(&mut spec.links));
        Network {
            spec,
            links,
            partitions: Vec::new(),
        }
    }

    pub(crate) fn set_loss(&mut self, loss: f64) {
        self.spec.loss = loss.clamp(0.0, 1.0);
    }

    /// Adds a partition: packets between different groups are dropped (only those from the
    /// first group to the second when `oneway`). Nodes in no group form one more group.
    pub(crate) fn partition(&mut self, nodes: usize, groups: &[Vec<NodeIndex>], oneway: bool) {
        let mut group = vec![u32::MAX; nodes];
        for (g, members) in groups.iter().enumerate() {
            for &m in members {
                if let Some(slot) = group.get_mut(m as usize) {
                    *slot = g as u32;
                }
            }
        }
        self.partitions.push((group, oneway));
    }

    /// Removes every partition.
    pub(crate) fn heal(&mut self) {
        self.partitions.clear();
    }

    fn cut(&self, from: NodeIndex, to: NodeIndex) -> bool {
        self.partitions.iter().any(|(group, oneway)| {
            let (gf, gt) = (group[from as usize], group[to as usize]);
            gf != gt && (!oneway || (gf == 0 && gt == 1))
        })
    }

    /// Decides the fate of one packet from `from` to `to`, drawing from the sender's stream.
    pub(crate) fn verdict(&self, from: NodeIndex, to: NodeIndex, rng: &mut ChaCha8Rng) -> Verdict {
        let draws: [f64; 5] = [rng.gen(), rng.gen(), rng.gen(), rng.gen(), rng.gen()];
        if self.cut(from, to) {
            return Verdict::Partitioned;
        }
        let (loss, latency, duplicate) = if self.links.is_empty() {
            (self.spec.loss, &self.spec.latency, self.spec.duplicate)
        } else {
            let o = self.links.resolve(from, to);
            (
                o.loss.unwrap_or(self.spec.loss),
                o.latency.unwrap_or(&self.spec.latency),
                o.duplicate.unwrap_or(self.spec.duplicate),
            )
        };
        if draws[0] < loss {
            return Verdict::Lost;
        }
        let first = latency.sample(draws[1], draws[2]);
        let second = (draws[3] < duplicate).then(|| latency.sample(draws[4], draws[2]));
        Verdict::Deliver(first, second)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pekonode_run::{Latency, LinkRule};
    use rand::SeedableRng;

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(9)
    }

    #[test]
    fn loss_rate_is_respected() {
        let net = Network::new(NetworkSpec {
            loss: 0.3,
            ..NetworkSpec::default()
        });
        let mut r = rng();
        let lost = (0..20_000)
            .filter(|_| net.verdict(0, 1, &mut r) == Verdict::Lost)
            .count();
        assert!((5_600..6_400).contains(&lost), "{lost}");
    }

    #[test]
    fn partitions_cut_between_groups_and_heal_restores() {
        let mut net = Network::new(NetworkSpec::default());
        net.partition(4, &[vec![0, 1], vec![2]], false);
        let mut r = rng();
        assert!(matches!(net.verdict(0, 1, &mut r), Verdict::Deliver(..)));
        assert_eq!(net.verdict(0, 2, &mut r), Verdict::Partitioned);
        assert_eq!(net.verdict(2, 0, &mut r), Verdict::Partitioned);
        assert_eq!(
            net.verdict(3, 0, &mut r),
            Verdict::Partitioned,
            "ungrouped nodes form a group"
        );
        net.heal();
        assert!(matches!(net.verdict(0, 2, &mut r), Verdict::Deliver(..)));
    }

    #[test]
    fn partitions_add_up_until_heal() {
        let mut net = Network::new(NetworkSpec::default());
        net.partition(3, &[vec![0]], false);
        net.partition(3, &[vec![1]], false);
        let mut r = rng();
        assert_eq!(net.verdict(2, 0, &mut r), Verdict::Partitioned);
        assert_eq!(net.verdict(2, 1, &mut r), Verdict::Partitioned);
        net.heal();
        assert!(matches!(net.verdict(2, 1, &mut r), Verdict::Deliver(..)));
    }

    #[test]
    fn oneway_partition_cuts_only_traffic_leaving_the_first_group() {
        let mut net = Network::new(NetworkSpec::default());
        net.partition(3, &[vec![0], vec![1, 2]], true);
        let mut r = rng();
        assert_eq!(net.verdict(0, 1, &mut r), Verdict::Partitioned);
        assert!(matches!(net.verdict(1, 0, &mut r), Verdict::Deliver(..)));
    }

    #[test]
    fn link_rules_override_the_global_model_first_match_wins() {
        let net = Network::new(NetworkSpec {
            links: vec![
                LinkRule {
                    from: vec![0],
                    to: vec![],
                    loss: Some(1.0),
                    latency: None,
                    duplicate: None,
                },
                LinkRule {
                    from: vec![],
                    to: vec![],
                    loss: Some(0.0),
                    latency: Some(Latency::Constant(Duration::from_millis(77))),
                    duplicate: None,
                },
            ],
            ..NetworkSpec::default()
        });
        let mut r = rng();
        assert_eq!(net.verdict(0, 1, &mut r), Verdict::Lost);
        assert_eq!(
            net.verdict(1, 0, &mut r),
            Verdict::Deliver(Duration::from_millis(77), None)
        );
    }

    #[test]
    fn latency_distributions_stay_within_their_bounds() {
        let ms = Duration::from_millis;
        let dists = [
            Latency::Uniform {
                min: ms(5),
                max: ms(15),
            },
            Latency::Normal {
                mean: ms(10),
                stddev: ms(5),
                min: ms(2),
            },
            Latency::LogNormal {
                median: ms(10),
                sigma: 0.5,
                min: ms(1),
            },
        ];
        let mut r = rng();
        for d in dists {
            let mut sum = 0.0;
            for _ in 0..10_000 {
                let s = d.sample(r.gen(), r.gen());
                assert!(s >= ms(1) && s < ms(1_000), "{d:?} gave {s:?}");
                sum += s.as_secs_f64();
            }
            let mean = sum / 10_000.0;
            assert!((0.008..0.013).contains(&mean), "{d:?} mean {mean}");
        }
        assert!(Latency::Uniform {
            min: ms(2),
            max: ms(1)
        }
        .validate()
        .is_err());
    }

    #[test]
    fn duplication_makes_a_second_copy() {
        let net = Network::new(NetworkSpec {
            duplicate: 1.0,
            ..NetworkSpec::default()
        });
        assert!(matches!(
            net.verdict(0, 1, &mut rng()),
            Verdict::Deliver(_, Some(_))
        ));
    }
}
