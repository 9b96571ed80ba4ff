use std::time::Duration;

use super::*;

#[test]
fn defaults_are_a_small_healthy_cluster() {
    let plan = Builder::new().seed(3).plan().expect("plan");
    assert_eq!(plan.nodes.len(), 8);
    assert_eq!(plan.seed, 3);
    assert_eq!(plan.duration, Duration::from_secs(60));
    assert_eq!(plan.config.forwarding, Forwarding::FirstCopy);
    assert_eq!(plan.timeline.len(), 8, "one join per node");
    let first = &plan.timeline[0].action;
    assert_eq!(
        *first,
        Action::Join {
            node: 0,
            contacts: (1..8).collect()
        }
    );
}

#[test]
fn injected_actions_are_ordered_after_the_joins_in_time() {
    let plan = Builder::new()
        .nodes(3)
        .heal(Duration::from_secs(9))
        .crash(Duration::from_secs(5), 1)
        .seed(1)
        .plan()
        .expect("plan");
    let kinds: Vec<String> = plan
        .timeline
        .iter()
        .map(|t| t.action.label(&plan.nodes))
        .collect();
    assert_eq!(kinds, ["join n0", "join n1", "join n2", "crash n1", "heal"]);
}

#[test]
fn runs_are_deterministic_and_measure_what_was_injected() {
    let build = || {
        Builder::new()
            .name("crash")
            .nodes(10)
            .duration(Duration::from_secs(30))
            .crash(Duration::from_secs(8), 4)
            .seed(5)
    };
    let a = build().run().expect("runs");
    let b = build().run().expect("runs");
    assert_eq!(a, b);
    assert_eq!((a.scenario.as_str(), a.seed), ("crash", 5));
    assert_eq!(a.failure_detection.len(), 1);
    assert_eq!(a.failure_detection[0].node, "n4");
    assert!(a.convergence.first_converged_ms.is_some());
}

#[test]
fn a_bad_plan_is_an_error_not_a_panic() {
    let err = Builder::new()
        .nodes(2)
        .crash(Duration::from_secs(1), 9)
        .seed(1)
        .run()
        .expect_err("node 9 does not exist");
    assert!(err.to_string().contains("node 9"), "{err}");
    let err = Builder::new()
        .loss(1.5)
        .seed(1)
        .run()
        .expect_err("not a probability");
    assert!(err.to_string().contains("1.5"), "{err}");
}
