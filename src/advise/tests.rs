use super::*;

#[test]
fn more_fanout_needs_fewer_cycles_and_the_choice_meets_the_target() {
    let a = advise(&Inputs {
        nodes: 500,
        max_fanout: 6,
        ..Inputs::default()
    });
    assert_eq!(a.options.len(), 5);
    for w in a.options.windows(2) {
        assert!(w[1].miss < w[0].miss);
        assert!(w[1].misses <= w[0].misses);
    }
    let c = &a.options[a.chosen.expect("a choice")];
    assert!(c.false_removals_per_day <= 1.0);
    assert_eq!(
        c.timeout,
        Duration::from_secs(6).mul_f64(f64::from(c.misses) + 0.5)
    );
}

#[test]
fn the_monte_carlo_stays_near_its_budget_at_any_size() {
    // 8 million sends per fan-out: 200 heartbeats of 5,000 nodes at fan-out 8, at most
    // 20,000 heartbeats for small clusters, and the budget held up to the largest size.
    assert_eq!(trials(5_000, 8), 200);
    assert_eq!(trials(100, 3), 20_000);
    let n = MONTE_CARLO_MAX_NODES;
    for f in 2..=16 {
        let sends = u64::from(trials(n, f)) * u64::from(n) * u64::from(f);
        assert!(sends <= TRIALS_BUDGET, "fan-out {f}: {sends} sends");
        assert!(
            sends >= TRIALS_BUDGET * 9 / 10,
            "fan-out {f}: {sends} sends"
        );
    }
}

#[test]
fn past_the_monte_carlo_size_the_limit_is_used_and_errs_towards_safety() {
    let at = |nodes| {
        estimate(
            &Inputs {
                nodes,
                ..Inputs::default()
            },
            3,
        )
    };
    let (cap, big) = (at(MONTE_CARLO_MAX_NODES), at(1_000_000));
    let limit = 1.0 - push::limit_coverage(3.0);
    assert_eq!(big.miss, limit);
    // The Monte Carlo at its largest size is within 2 % of the limit, and under it.
    assert!(cap.miss <= limit && cap.miss > 0.98 * limit, "{}", cap.miss);
    assert!((big.copies / cap.copies - 20.0).abs() < 1e-9);
    assert!(big.carried > cap.carried);
    let advice = advise(&Inputs {
        nodes: 1_000_000,
        max_fanout: 4,
        ..Inputs::default()
    });
    assert!(advice.asymptotic);
    assert!(advice.chosen.is_some());
}

#[test]
fn the_run_total_counts_the_fresh_start_once_and_the_windows_that_end_in_it() {
    let c = choice(
        &Inputs::default(),
        3,
        3,
        &push::PushEstimate {
            miss: 0.1,
            copies: 300.0,
            carried: 10.0,
        },
    );
    let (cycle, nodes) = (Duration::from_secs(6), 100);
    // All join at 0, timeout 3.5 cycles, 10 cycles: the fresh start needs the heartbeats
    // at 1, 2, 3 cycles to miss (0.001); heartbeats received at 1..=6 cycles start a window
    // that ends by 10 (6 × 0.9 × 0.001). 100 × 99 pairs.
    let all_at_once = Horizon {
        duration: cycle * 10,
        joins_over: Duration::ZERO,
    };
    let expected = 9900.0 * 0.001 * (1.0 + 6.0 * 0.9);
    assert!((c.false_removals_in(nodes, cycle, &all_at_once) - expected).abs() < 1e-9);
    assert!((c.false_removals_per_cycle - 9.9 * 0.9).abs() < 1e-9);
    // Joins spread over a cycle: 7 or 6 of b's heartbeats start a window that ends by 10
    // cycles (as b joined before or after half a cycle), less, for the half of the pairs
    // where b joined first, the one sent before a was up: 6 on average. The fresh start
    // needs 3 or 4 misses, half and half.
    let spread = Horizon {
        joins_over: cycle,
        ..all_at_once
    };
    let later = 0.9 * 0.001 * 6.0;
    let fresh = 0.5 * 0.001 + 0.5 * 0.0001;
    let got = c.false_removals_in(nodes, cycle, &spread) / 9900.0;
    assert!(
        (got - (later + fresh)).abs() < 0.01 * (later + fresh),
        "{got}"
    );
}

/// 50 % loss past the Monte Carlo's size, fan-outs 2 to 10.
fn big(nodes: u32, loss: f64) -> Inputs {
    Inputs {
        nodes,
        loss,
        max_fanout: 10,
        ..Inputs::default()
    }
}

#[test]
fn past_the_monte_carlo_size_q_falls_with_the_fanout_and_counts_early_die_out() {
    for loss in [0.1, 0.5] {
        let inputs = big(100_000, loss);
        let q: Vec<f64> = (2..=10).map(|f| estimate(&inputs, f).miss).collect();
        for (f, w) in (2..).zip(q.windows(2)) {
            assert!(
                w[1] <= w[0],
                "loss {loss}: fan-out {} q {} > {f}'s {}",
                f + 1,
                w[1],
                w[0]
            );
        }
    }
    // An independent Monte Carlo of 50,000 nodes at 50 % loss: 0.0759, 0.0427, 0.0262 at
    // fan-outs 6, 7, 8 (a rumor that dies in its first hops misses nearly everyone).
    let inputs = big(100_000, 0.5);
    for (f, independent) in [(6, 0.0759), (7, 0.0427)] {
        let q = estimate(&inputs, f).miss;
        assert!(
            q >= 0.98 * independent,
            "fan-out {f}: q {q} under {independent}"
        );
    }
}

#[test]
fn no_fanout_below_the_coverage_floor_is_ever_advised() {
    // With q = 1 a heartbeat reaches no one and "removes" no one: once advised at fan-out 2.
    for (nodes, loss) in [(100_000, 0.5), (50_001, 0.5), (1_000, 0.6)] {
        let advice = advise(&Inputs {
            nodes,
            loss,
            ..Inputs::default()
        });
        if let Some(i) = advice.chosen {
            let c = &advice.options[i];
            assert!(
                c.coverage >= COVERAGE_FLOOR,
                "{nodes} nodes, loss {loss}: {c:?}"
            );
        }
        for c in &advice.options {
            assert_eq!(
                c.meets(1.0),
                reaches_floor(c.miss) && c.false_removals_per_day <= 1.0
            );
        }
    }
    let none = advise(&big(1_000_000, 0.9));
    assert_eq!(
        none.chosen, None,
        "fan-outs up to 10 at 90 % loss reach no one"
    );
}

#[test]
fn advice_at_the_monte_carlo_size_and_one_node_past_it_agree() {
    let (at, past) = (advise(&big(50_000, 0.5)), advise(&big(50_001, 0.5)));
    let (a, b) = (
        &at.options[at.chosen.expect("a choice at 50,000")],
        &past.options[past.chosen.expect("a choice at 50,001")],
    );
    assert_eq!(a.fanout, b.fanout);
    assert!(a.misses.abs_diff(b.misses) <= 1, "{a:?} vs {b:?}");
    for (x, y) in at.options.iter().zip(&past.options) {
        if reaches_floor(y.miss) {
            assert!((x.miss - y.miss).abs() <= 0.05 * y.miss, "{x:?} vs {y:?}");
        }
    }
}

#[test]
fn a_fixed_fanout_under_the_floor_gets_no_timeout() {
    // Fan-out 2 at 50 % loss passes each heartbeat on to one node on average: q = 1 "met"
    // any target with the shortest timeout. Now it is refused, and so is a loss past the model.
    let inputs = Inputs {
        nodes: 100_000,
        loss: 0.5,
        ..Inputs::default()
    };
    let err = auto::resolve(&inputs, Some(2)).unwrap_err();
    assert!(
        matches!(err, auto::AutoError::BelowFloor { fanout: 2, .. }),
        "{err}"
    );
    let lossy = Inputs {
        loss: 0.99,
        ..inputs
    };
    let err = auto::resolve(&lossy, None).unwrap_err();
    assert!(matches!(err, auto::AutoError::Loss(_)), "{err}");
}
