//! `pekonode node --amount auto` / `--timeout auto`: the fan-out and timeout `pekonode advise`
//! gives for `--nodes`, the cycle, `--loss` and `--per-day`.

use std::time::Duration;

use anyhow::bail;
use pekonode::advise::{auto, Inputs};
use pekonode::protocol::Forwarding;
use pekonode::scenario::OrAuto;

/// `--amount`: a fan-out or `auto`.
pub fn amount_arg(text: &str) -> Result<OrAuto<usize>, String> {
    if text == "auto" {
        return Ok(OrAuto::Auto);
    }
    text.parse()
        .map(OrAuto::Value)
        .map_err(|_| format!("{text:?} is not a fan-out: give a number (3) or auto"))
}

/// `--timeout`: a duration (20s, 500ms) or `auto`.
pub fn timeout_arg(text: &str) -> Result<OrAuto<Duration>, String> {
    if text == "auto" {
        return Ok(OrAuto::Auto);
    }
    humantime::parse_duration(text)
        .map(OrAuto::Value)
        .map_err(|e| format!("{text:?} is not a duration (20s, 500ms) or auto: {e}"))
}

/// What the advice is asked for.
pub struct Target {
    /// `--nodes`: the cluster size.
    pub nodes: Option<u32>,
    /// `--loss`.
    pub loss: f64,
    /// `--per-day`.
    pub per_day: f64,
}

/// The amount and timeout to run with, and the line saying what `auto` became (`None` when
/// nothing was `auto`). A timeout of `None` is Go PekoNode's rule.
pub fn resolve(
    amount: OrAuto<usize>,
    timeout: Option<OrAuto<Duration>>,
    cycle: Duration,
    forwarding: Forwarding,
    target: &Target,
) -> anyhow::Result<(usize, Option<Duration>, Option<String>)> {
    let timeout_auto = matches!(timeout, Some(OrAuto::Auto));
    let given_timeout = match timeout {
        Some(OrAuto::Value(t)) => Some(t),
        _ => None,
    };
    let OrAuto::Value(fixed) = amount else {
        return advised(None, given_timeout, timeout_auto, cycle, forwarding, target);
    };
    if timeout_auto {
        return advised(Some(fixed), None, true, cycle, forwarding, target);
    }
    if target.nodes.is_some() {
        bail!("--nodes, --loss and --per-day are for --amount auto or --timeout auto");
    }
    Ok((fixed, given_timeout, None))
}

fn advised(
    amount: Option<usize>,
    timeout: Option<Duration>,
    timeout_auto: bool,
    cycle: Duration,
    forwarding: Forwarding,
    target: &Target,
) -> anyhow::Result<(usize, Option<Duration>, Option<String>)> {
    let Some(nodes) = target.nodes else {
        bail!("auto needs the cluster size: add --nodes N (advise bounds false removals among N nodes)");
    };
    if forwarding != Forwarding::FirstCopy {
        bail!("auto advises for first-copy forwarding (push gossip): drop --forwarding faithful or give numbers");
    }
    // The same rules as `pekonode advise` (values echo short: 1e300, not 301 digits).
    if let Err(e) = pekonode::advise::check_loss(target.loss) {
        bail!("--loss {e}");
    }
    let max = pekonode::advise::MAX_PER_DAY;
    if !(target.per_day.is_finite() && target.per_day > 0.0 && target.per_day <= max) {
        bail!(
            "--per-day {} is not a number of false removals above 0 (and at most {max:e})",
            pekonode::advise::shown(target.per_day)
        );
    }
    // Go's rule for a timeout not given: 3 × cycle + 2 s.
    let timeout = match (timeout_auto, timeout) {
        (true, _) => None,
        (false, Some(t)) if t > cycle => Some(t),
        (false, _) => Some(cycle * 3 + Duration::from_secs(2)),
    };
    let inputs = Inputs {
        nodes,
        cycle,
        loss: target.loss,
        per_day: target.per_day,
        timeout,
        ..Inputs::default()
    };
    let fanout = amount.map(|a| u32::try_from(a).unwrap_or(u32::MAX));
    let choice = auto::resolve(&inputs, fanout).map_err(|e| anyhow::anyhow!("auto: {e}"))?;
    let line = format!(
        "advised: amount {}{}, timeout {} ms{} for ≤ {} false removals a day at {nodes} nodes, cycle {} ms, loss {} (expected {:.3e} a day)",
        choice.fanout,
        if amount.is_none() { " (auto)" } else { "" },
        choice.timeout.as_millis(),
        if timeout_auto { " (auto)" } else { "" },
        target.per_day,
        cycle.as_millis(),
        target.loss,
        choice.false_removals_per_day
    );
    Ok((choice.fanout as usize, Some(choice.timeout), Some(line)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(nodes: Option<u32>) -> Target {
        Target {
            nodes,
            loss: 0.0,
            per_day: 1.0,
        }
    }

    #[test]
    fn auto_takes_the_advice_and_numbers_stay_as_given() {
        let cycle = Duration::from_secs(1);
        let ff = Forwarding::FirstCopy;
        let (a, t, line) = resolve(
            OrAuto::Auto,
            Some(OrAuto::Auto),
            cycle,
            ff,
            &target(Some(100)),
        )
        .unwrap();
        let advice = pekonode::advise::advise(&Inputs {
            nodes: 100,
            cycle,
            ..Inputs::default()
        });
        let best = &advice.options[advice.chosen.unwrap()];
        assert_eq!((a, t), (best.fanout as usize, Some(best.timeout)));
        assert!(line.unwrap().contains("(auto)"));
        let given = resolve(OrAuto::Value(4), None, cycle, ff, &target(None)).unwrap();
        assert_eq!(given, (4, None, None));
    }

    #[test]
    fn auto_without_nodes_or_with_faithful_forwarding_is_refused() {
        let cycle = Duration::from_secs(1);
        let err = resolve(
            OrAuto::Auto,
            None,
            cycle,
            Forwarding::FirstCopy,
            &target(None),
        );
        assert!(err.unwrap_err().to_string().contains("--nodes N"));
        let err = resolve(
            OrAuto::Auto,
            None,
            cycle,
            Forwarding::Faithful,
            &target(Some(9)),
        );
        assert!(err.unwrap_err().to_string().contains("first-copy"));
        let err = resolve(
            OrAuto::Value(3),
            None,
            cycle,
            Forwarding::FirstCopy,
            &target(Some(9)),
        );
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("are for --amount auto"));
        assert!(amount_arg("many").is_err());
        assert_eq!(timeout_arg("auto"), Ok(OrAuto::Auto));
        assert_eq!(timeout_arg("2s"), Ok(OrAuto::Value(Duration::from_secs(2))));
    }
}
