//! What advise accepts, one rule for every caller (`pekonode advise --loss`, `pekonode node
//! --loss`, a scenario's `network.loss` with `"auto"`): the loss it models, the fan-outs it
//! considers and the coverage a fan-out must reach to be advised.

/// Fewest nodes a heartbeat must reach for its fan-out to be advised: 90 %. The false
/// removal rate `(1 − q)q^T` falls again as `q` nears 1 (a heartbeat that reaches no one
/// "removes" no one), and it grows with `q` only while `q < T/(T + 1)`; with at least
/// [`MIN_MISSES`](super::MIN_MISSES) = 2 misses that holds for every `q ≤ 0.1` with a wide
/// margin, so an upper bound on `q` is an upper bound on false removals. A fan-out whose
/// heartbeats miss more than one node in ten is listed but never advised.
pub const COVERAGE_FLOOR: f64 = 0.9;

/// Largest fan-out advise considers (`--max-fanout`).
pub const MAX_FANOUT: u32 = 64;

/// Largest loss advise models: 0.95. Above it even fan-out [`MAX_FANOUT`] misses more than a
/// share `1 −` [`COVERAGE_FLOOR`] of the nodes (early die-out included: 8.9 % at 0.95, 18 %
/// at 0.96), so no fan-out could be advised.
pub const MAX_LOSS: f64 = 0.95;

/// Largest target, in false removals a day, cluster-wide (`--per-day`,
/// `protocol.target_false_removals_per_day`): more is no target.
pub const MAX_PER_DAY: f64 = 1e12;

/// A loss advise does not model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{} is not a loss advise models: use 0 to {MAX_LOSS} (0.01 = 1 %; above {MAX_LOSS} no \
     fan-out up to {MAX_FANOUT} reaches 90 % of the nodes)",
    shown(*.0)
)]
pub struct LossOutOfRange(pub f64);

/// A number as an error repeats it: short whatever its size (`1e300`, not 301 digits; `0`,
/// not `0.0`).
///
/// ```
/// use pekonode::advise::shown;
/// assert_eq!(shown(1e300), "1e300");
/// assert_eq!(shown(0.0), "0");
/// assert_eq!(shown(0.25), "0.25");
/// ```
pub fn shown(x: f64) -> String {
    // `{:?}` switches to an exponent outside 1e-5 ..= 1e16, unlike `{}`.
    let text = format!("{x:?}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// `loss` if advise models it (`0 ≤ loss ≤` [`MAX_LOSS`]), the error otherwise. Callers put
/// the flag or JSON path in front of the error: it starts with the value ([`shown`]).
///
/// ```
/// use pekonode::advise::check_loss;
/// assert_eq!(check_loss(0.5), Ok(0.5));
/// assert!(check_loss(0.99).unwrap_err().to_string().starts_with("0.99 is not a loss"));
/// assert!(check_loss(f64::NAN).is_err());
/// ```
pub fn check_loss(loss: f64) -> Result<f64, LossOutOfRange> {
    if loss.is_finite() && (0.0..=MAX_LOSS).contains(&loss) {
        Ok(loss)
    } else {
        Err(LossOutOfRange(loss))
    }
}

/// Whether a heartbeat that misses a node with probability `miss` reaches the floor.
pub fn reaches_floor(miss: f64) -> bool {
    1.0 - miss >= COVERAGE_FLOOR
}

#[cfg(test)]
mod tests {
    use super::super::dieout::limit_miss;
    use super::*;

    #[test]
    fn the_loss_bound_is_where_the_largest_fanout_stops_reaching_the_floor() {
        assert!(reaches_floor(limit_miss(MAX_FANOUT, MAX_LOSS)));
        assert!(!reaches_floor(limit_miss(MAX_FANOUT, MAX_LOSS + 0.01)));
    }

    #[test]
    fn losses_outside_the_model_are_refused_with_the_value_short() {
        for bad in [-0.1, 0.96, 1.0, f64::INFINITY, f64::NAN, 1e300] {
            assert!(check_loss(bad).is_err(), "{bad}");
        }
        assert_eq!(check_loss(0.0), Ok(0.0));
        assert_eq!(check_loss(MAX_LOSS), Ok(MAX_LOSS));
        let e = check_loss(1e300).unwrap_err().to_string();
        assert!(e.starts_with("1e300 is not a loss") && e.len() < 200, "{e}");
    }
}
