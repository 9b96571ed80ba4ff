//! Thinning of long series before they are drawn: a chart is at most a thousand pixels wide,
//! so a line of millions of points (a 1 ms cycle for an hour) only makes the SVG huge.

/// Lines with at most this many points are drawn as they are (every shipped report's are).
pub(crate) const MAX_POINTS: usize = 4_000;

/// `points` unchanged when there are at most [`MAX_POINTS`]; otherwise cut, in order, into
/// `MAX_POINTS / 2` runs of consecutive points, each kept as its lowest and its highest point
/// (in x order), so spikes and dips survive. Deterministic: it depends only on the points.
pub(crate) fn decimate(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let buckets = MAX_POINTS / 2;
    let mut out = Vec::with_capacity(MAX_POINTS);
    for b in 0..buckets {
        let (start, end) = (b * points.len() / buckets, (b + 1) * points.len() / buckets);
        let Some(run) = points.get(start..end).filter(|r| !r.is_empty()) else {
            continue;
        };
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in run.iter().enumerate() {
            if p.1 < run[lo].1 {
                lo = i;
            }
            if p.1 > run[hi].1 {
                hi = i;
            }
        }
        out.push(run[lo.min(hi)]);
        if lo != hi {
            out.push(run[lo.max(hi)]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_untouched() {
        let points: Vec<(f64, f64)> = (0..MAX_POINTS).map(|i| (i as f64, 1.0)).collect();
        assert_eq!(decimate(points.clone()), points);
    }

    #[test]
    fn long_lines_keep_their_extremes_in_order() {
        let mut points: Vec<(f64, f64)> = (0..1_000_000).map(|i| (i as f64, 5.0)).collect();
        points[123_456].1 = 99.0;
        points[654_321].1 = -3.0;
        let thin = decimate(points);
        assert!(thin.len() <= MAX_POINTS);
        assert!(thin.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(thin.contains(&(123_456.0, 99.0)));
        assert!(thin.contains(&(654_321.0, -3.0)));
        assert_eq!(thin.first(), Some(&(0.0, 5.0)));
    }
}
