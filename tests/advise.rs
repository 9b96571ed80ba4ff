//! `pekonode advise` against the simulator it advises for: the false removals it predicts for
//! a setting are the ones a run of that setting shows, and its command line teaches and
//! refuses bad input in one line.

use std::process::Command;
use std::time::Duration;

use pekonode::advise::{advise, Horizon, Inputs};
use pekonode::scenario::Scenario;

fn pekonode(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .args(args)
        .output()
        .expect("the pekonode binary runs")
}

#[test]
fn predicted_false_removals_match_a_simulated_run() {
    // 150 nodes, fan-out 3, removal after 3 misses: about 1.4 false removals a cycle.
    let (nodes, cycles) = (150u32, 300u32);
    let advice = advise(&Inputs {
        nodes,
        cycle: Duration::from_secs(1),
        timeout: Some(Duration::from_millis(3_500)),
        max_fanout: 3,
        ..Inputs::default()
    });
    let three = advice.options.last().expect("fan-out 3");
    assert_eq!((three.fanout, three.misses), (3, 3));
    let run = Horizon {
        duration: Duration::from_secs(u64::from(cycles)),
        joins_over: Duration::ZERO,
    };
    let predicted = three.false_removals_in(nodes, Duration::from_secs(1), &run);
    let text = format!(
        r#"{{ "name": "advise_check", "seed": 1, "duration_ms": {},
          "protocol": {{ "amount": 3, "cycle_ms": 1000, "timeout_ms": 3500, "forwarding": "first-copy" }},
          "network": {{ "latency": {{ "lognormal": {{ "median_ms": 10, "sigma": 0.5, "min_ms": 1 }} }} }},
          "nodes": {{ "count": {nodes}, "bootstrap": "all" }} }}"#,
        cycles * 1000
    );
    let scenario = Scenario::from_str_named(&text, "advise_check.json").expect("scenario");
    let outcome = pekonode::experiment::run(&scenario, |_| {}).expect("run");
    let measured = outcome.false_removals as f64;
    assert!(predicted > 200.0, "enough removals to compare: {predicted}");
    let error = (measured - predicted).abs() / predicted;
    eprintln!(
        "predicted {predicted:.1}, measured {measured} ({:+.1} %)",
        100.0 * (measured - predicted) / predicted
    );
    assert!(
        error < 0.10,
        "advise predicted {predicted:.1} false removals, the simulator measured {measured}"
    );
}

#[test]
fn predicted_false_removals_match_a_simulated_run_at_ten_percent_loss() {
    // 100 nodes, fan-out 3, 10 % loss, removal after 3 misses: about 1.6 a cycle, 10 minutes
    // (as advise_loss_rates; over 5 minutes seed 1 measures -7 %, within Poisson's spread).
    let (nodes, cycles) = (100u32, 600u32);
    let advice = advise(&Inputs {
        nodes,
        cycle: Duration::from_secs(1),
        loss: 0.1,
        timeout: Some(Duration::from_millis(3_500)),
        max_fanout: 3,
        ..Inputs::default()
    });
    let three = advice.options.last().expect("fan-out 3");
    let run = Horizon {
        duration: Duration::from_secs(u64::from(cycles)),
        joins_over: Duration::ZERO,
    };
    let predicted = three.false_removals_in(nodes, Duration::from_secs(1), &run);
    let text = format!(
        r#"{{ "name": "advise_loss_check", "seed": 1, "duration_ms": {},
          "protocol": {{ "amount": 3, "cycle_ms": 1000, "timeout_ms": 3500, "forwarding": "first-copy" }},
          "network": {{ "latency": {{ "lognormal": {{ "median_ms": 10, "sigma": 0.5, "min_ms": 1 }} }},
                       "loss": 0.1 }},
          "nodes": {{ "count": {nodes}, "bootstrap": "all" }} }}"#,
        cycles * 1000
    );
    let scenario = Scenario::from_str_named(&text, "advise_loss_check.json").expect("scenario");
    let outcome = pekonode::experiment::run(&scenario, |_| {}).expect("run");
    let measured = outcome.false_removals as f64;
    assert!(predicted > 200.0, "enough removals to compare: {predicted}");
    eprintln!(
        "predicted {predicted:.1}, measured {measured} ({:+.1} %)",
        100.0 * (measured - predicted) / predicted
    );
    assert!(
        (measured - predicted).abs() / predicted < 0.10,
        "advise predicted {predicted:.1} false removals at 10 % loss, the simulator measured {measured}"
    );
}

#[test]
fn a_short_run_with_spread_joins_matches_the_windows_it_holds() {
    // 300 nodes joining 3 ms apart (over 0.9 s), 12 cycles, removal after 3 misses: the
    // fresh start and the windows cut by the run's end weigh most here. 64 seeds measure a
    // mean of 81.7 (95 % interval 79.7-83.7); the model gives 80.7 (84.9 if all joined at
    // once; 94.4 with a window per cycle, as advise counted before).
    let (nodes, seeds) = (300u32, 16u64);
    let advice = advise(&Inputs {
        nodes,
        cycle: Duration::from_secs(1),
        timeout: Some(Duration::from_millis(3_500)),
        max_fanout: 3,
        ..Inputs::default()
    });
    let three = advice.options.last().expect("fan-out 3");
    let run = Horizon {
        duration: Duration::from_secs(12),
        joins_over: Duration::from_millis(3 * u64::from(nodes)),
    };
    let predicted = three.false_removals_in(nodes, Duration::from_secs(1), &run);
    let mut total = 0.0;
    for seed in 1..=seeds {
        let text = format!(
            r#"{{ "name": "advise_spread_check", "seed": {seed}, "duration_ms": 12000,
              "protocol": {{ "amount": 3, "cycle_ms": 1000, "timeout_ms": 3500, "forwarding": "first-copy" }},
              "network": {{ "latency": {{ "lognormal": {{ "median_ms": 10, "sigma": 0.5, "min_ms": 1 }} }} }},
              "nodes": {{ "count": {nodes}, "bootstrap": "all", "join_interval_ms": 3 }} }}"#
        );
        let scenario = Scenario::from_str_named(&text, "spread.json").expect("scenario");
        let outcome = pekonode::experiment::run(&scenario, |_| {}).expect("run");
        total += outcome.false_removals as f64;
    }
    let measured = total / seeds as f64;
    eprintln!("predicted {predicted:.1}, mean of {seeds} seeds {measured:.1}");
    assert!(
        (measured - predicted).abs() / predicted < 0.10,
        "advise predicted {predicted:.1} false removals, {seeds} seeds measured {measured:.1} on average"
    );
}

#[test]
fn the_command_advises_and_refuses_bad_input() {
    let out = pekonode(&[
        "advise",
        "--nodes",
        "100",
        "--cycle",
        "1s",
        "--max-fanout",
        "4",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("advised: fan-out 3, timeout 7500 ms"),
        "{text}"
    );
    assert!(text.contains("\"timeout_ms\": 7500"), "{text}");
    let out = pekonode(&["advise", "--nodes", "100", "--json", "--max-fanout", "3"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["options"].as_array().map(Vec::len), Some(2));
    for (args, says) in [
        (
            vec!["--loss", "1.5"],
            "--loss 1.5 is not a loss advise models: use 0 to 0.95",
        ),
        (
            vec!["--loss", "0.99"],
            "--loss 0.99 is not a loss advise models: use 0 to 0.95",
        ),
        (vec!["--per-day", "1e300"], "--per-day 1e300 is not a rate"),
        (vec!["--per-day", "0"], "--per-day 0 is not a rate above 0"),
        (vec!["--timeout", "1s"], "shorter than the cycle"),
    ] {
        let out = pekonode(&[&["advise", "--nodes", "50"], &args[..]].concat());
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says) && err.lines().count() == 1, "{err}");
    }
}

#[test]
fn a_scenario_with_auto_runs_with_the_advised_values_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("auto.json");
    let text = r#"{ "name": "auto", "seed": 1, "duration_ms": 20000,
        "protocol": { "amount": "auto", "timeout_ms": "auto", "cycle_ms": 1000,
                      "forwarding": "first-copy", "target_false_removals_per_day": 10 },
        "network": { "loss": 0.05 },
        "nodes": { "count": 30, "bootstrap": "all" } }"#;
    std::fs::write(&file, text).expect("write the scenario");
    let out_dir = dir.path().join("report");
    let file_arg = file.to_string_lossy().into_owned();
    let out_arg = out_dir.to_string_lossy().into_owned();
    let out = pekonode(&["run", &file_arg, "--out", &out_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What advise says for the same inputs is what the run used, and the run says it.
    let advice = advise(&Inputs {
        nodes: 30,
        cycle: Duration::from_secs(1),
        loss: 0.05,
        per_day: 10.0,
        // The file's latency: the default, 1 ms for every datagram.
        latency: pekonode::run::Latency::Constant(Duration::from_millis(1)),
        ..Inputs::default()
    });
    let best = &advice.options[advice.chosen.expect("a choice")];
    let timeout_ms = best.timeout.as_millis();
    let auto_line = format!("auto: amount {}, timeout {timeout_ms} ms (advise: ≤ 10 false removals a day at 30 nodes, cycle 1000 ms, loss 0.05;", best.fanout);
    assert!(stdout.starts_with(&auto_line), "{stdout}");
    let table = format!(
        "first-copy (fan-out {}, cycle 1000 ms, timeout {timeout_ms} ms)",
        best.fanout
    );
    assert!(stdout.contains(&table), "{stdout}");
    let html = std::fs::read_to_string(out_dir.join("report.html")).expect("report.html");
    assert!(
        html.contains(&format!(
            "Auto: amount {}, timeout {timeout_ms} ms",
            best.fanout
        )),
        "report.html names what auto became"
    );
    // Faithful forwarding is not what advise models: refused at the path.
    std::fs::write(&file, text.replace("first-copy", "faithful")).expect("write");
    let bad = pekonode(&["validate", &file_arg]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(stderr.contains("protocol.amount"), "{stderr}");
    assert!(stderr.contains("first-copy"), "{stderr}");
}

#[test]
fn the_command_never_advises_a_fanout_that_reaches_no_one() {
    // 100,000 nodes at 50 % loss: fan-out 2 reaches no one (q = 1, so "0 false removals") and
    // was advised; now the advice reaches at least 90 % of the nodes, and the rows under the
    // floor say so.
    let out = pekonode(&["advise", "--nodes", "100000", "--loss", "0.5", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let chosen = &v["chosen"];
    assert!(
        chosen["coverage"].as_f64().expect("a choice") >= 0.9,
        "{chosen}"
    );
    assert_eq!(v["coverage_floor"], 0.9);
    let two = &v["options"][0];
    assert_eq!(
        (two["amount"].as_u64(), two["reaches_floor"].as_bool()),
        (Some(2), Some(false))
    );
    // Nothing reaches 90 % at 90 % loss with fan-outs up to 8: refused in one line.
    let out = pekonode(&["advise", "--nodes", "1000000", "--loss", "0.9"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no fan-out up to 8 reaches 90 % of the nodes"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn a_scenario_with_auto_takes_the_same_loss_rule_as_the_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("lossy.json");
    let text = r#"{ "name": "lossy", "seed": 1, "duration_ms": 20000,
        "protocol": { "amount": "auto", "cycle_ms": 1000, "forwarding": "first-copy" },
        "network": { "loss": 0.99 }, "nodes": { "count": 30 } }"#;
    std::fs::write(&file, text).expect("write");
    let out = pekonode(&["validate", &file.to_string_lossy()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    // Once silently advised for 0.99; now refused at the path, with the range.
    assert!(
        err.contains("at `network.loss`: 0.99 is not a loss advise models: use 0 to 0.95"),
        "{err}"
    );
    // A fixed fan-out that reaches too few nodes is no setting to time out.
    let floor = text
        .replace(
            r#""amount": "auto""#,
            r#""amount": 2, "timeout_ms": "auto""#,
        )
        .replace("0.99", "0.5");
    std::fs::write(&file, floor).expect("write");
    let out = pekonode(&["validate", &file.to_string_lossy()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("at `protocol.timeout_ms`") && err.contains("below the 90 %"),
        "{err}"
    );
}
