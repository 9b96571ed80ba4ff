//! Report tests: determinism, degenerate outcomes, CSV layout, the table.
//!
//! Set `PEKONODE_REPORT_PREVIEW=DIR` to also write the fixtures' reports under `DIR` for a
//! look at the charts.

pub(crate) mod fixtures;
mod html;

use std::fs;
use std::path::Path;

use super::{csv, file_names, summary_json, table, write};
use crate::run::Outcome;

fn all_fixtures() -> Vec<Outcome> {
    vec![
        fixtures::realistic(),
        fixtures::explosion(),
        fixtures::empty(),
        fixtures::single(),
    ]
}

#[test]
fn same_outcome_gives_identical_bytes() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    for outcome in [fixtures::realistic(), fixtures::explosion()] {
        let da = a.path().join(&outcome.scenario);
        let db = b.path().join(&outcome.scenario);
        let fa = write(&outcome, &da).expect("first write");
        let fb = write(&outcome, &db).expect("second write");
        assert_eq!(fa.len(), fb.len());
        let names: Vec<String> = fa
            .iter()
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(names, file_names(&outcome));
        for (pa, pb) in fa.iter().zip(&fb) {
            let xa = fs::read(pa).expect("read a");
            let xb = fs::read(pb).expect("read b");
            assert!(!xa.is_empty(), "{} is empty", pa.display());
            assert!(xa == xb, "{} differs between runs", pa.display());
        }
    }
}

#[test]
fn degenerate_outcomes_still_write_every_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for outcome in [fixtures::empty(), fixtures::single()] {
        let out = dir.path().join(&outcome.scenario);
        let files = write(&outcome, &out).expect("degenerate outcome writes");
        assert_eq!(files.len(), file_names(&outcome).len());
        for f in &files {
            let meta = fs::metadata(f).expect("file exists");
            assert!(meta.len() > 0, "{} is empty", f.display());
        }
        let png = fs::read(out.join("convergence.png")).expect("png");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let svg = fs::read_to_string(out.join("traffic.svg")).expect("svg");
        assert!(svg.contains("no cycle recorded") || svg.contains("no traffic"));
        assert!(!table(&outcome).is_empty());
    }
}

#[test]
fn write_names_the_path_that_failed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("file");
    fs::write(&blocker, b"x").expect("write blocker");
    let target = blocker.join("report");
    let err = write(&fixtures::empty(), &target).expect_err("cannot create under a file");
    assert!(
        err.to_string().contains(&target.display().to_string()),
        "{err}"
    );
}

#[test]
fn timeseries_csv_has_header_and_fixed_rows() {
    let outcome = fixtures::realistic();
    let text = csv::timeseries(&outcome.samples);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("t_ms,up,converged_fraction,mean_view,min_view,max_view,in_flight,sent,delivered")
    );
    assert_eq!(text.lines().count(), outcome.samples.len() + 1);
    let first = lines.next().unwrap_or_default();
    let s = &outcome.samples[0];
    assert_eq!(
        first,
        format!(
            "0.000,50,{:.6},{:.3},47,50,{},{},{}",
            s.converged_fraction, s.mean_view, s.in_flight, s.sent, s.delivered
        )
    );
    assert!(text.ends_with('\n'));

    let cycles = csv::per_cycle(&outcome.per_cycle);
    assert!(cycles.starts_with("start_ms,sent,delivered,lost,dropped,duplicates,bytes_sent\n"));
    assert_eq!(cycles.lines().count(), outcome.per_cycle.len() + 1);

    assert_eq!(csv::fixed(-0.0, 3), "0.000");
    assert_eq!(csv::fixed(-0.0001, 2), "0.00");
    assert_eq!(csv::fixed(1.0 / 3.0, 6), "0.333333");
    assert_eq!(csv::fixed(f64::NAN, 2), "NaN");
    assert_eq!(
        csv::timeseries(&[]),
        format!("{}\n", csv::TIMESERIES_HEADER)
    );
}

#[test]
fn summary_json_drops_series_and_keeps_field_order() {
    let outcome = fixtures::realistic();
    let text = summary_json(&outcome);
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert!(value.get("samples").is_none());
    assert!(value.get("per_cycle").is_none());
    assert_eq!(value["series"]["timeseries.csv"], 181);
    assert_eq!(value["series"]["per_cycle.csv"], 180);
    assert_eq!(value["traffic"]["packets_per_heartbeat"], 147.04);
    assert!(text.find("\"scenario\"") < text.find("\"seed\""));
    assert!(text.find("\"seed\"") < text.find("\"protocol\""));
    assert_eq!(text, summary_json(&outcome));
}

#[test]
fn table_is_aligned_and_complete() {
    let text = table(&fixtures::realistic());
    for key in [
        "scenario",
        "seed",
        "nodes",
        "forwarding",
        "converged first at",
        "final converged fraction",
        "packets per heartbeat",
        "datagrams per heartbeat",
        "coverage median / min",
        "duplicates",
        "lost / dropped",
        "false removals",
        "failure detection",
        "metadata spread",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(key)),
            "missing {key}:\n{text}"
        );
    }
    let columns: Vec<usize> = text
        .lines()
        .map(|l| {
            l.find("  ")
                .map(|i| i + l[i..].len() - l[i..].trim_start().len())
        })
        .map(Option::unwrap_or_default)
        .collect();
    assert!(
        columns.windows(2).all(|w| w[0] == w[1]),
        "values not aligned:\n{text}"
    );
    assert!(text.contains("17.0 s"));
    assert!(text.contains("100.0 % / 94.0 %"));
    assert!(text.contains("147.04"));
    assert!(!text.contains("EXPLOSION"));

    let stopped = table(&fixtures::explosion());
    let first = stopped.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("!! STOPPED BY THE EXPLOSION GUARD"),
        "{stopped}"
    );
    assert!(first.contains("first-copy forwarding avoids it"));
    assert!(
        stopped.contains("not before the explosion guard stopped the run at"),
        "{stopped}"
    );
    assert!(stopped.contains("converged fraction at stop"), "{stopped}");
    assert!(!stopped.contains("final converged fraction"), "{stopped}");
    assert!(stopped.contains("21,523,360.00"), "{stopped}");
    assert!(
        stopped.contains("14,348,907 passed 10,000,000"),
        "{stopped}"
    );
}

#[test]
fn short_durations_print_in_ms_and_latencies_as_quantiles() {
    assert_eq!(super::table::secs(38.0), "38 ms");
    assert_eq!(super::table::secs(2.5), "2.5 ms");
    assert_eq!(super::table::secs(0.0), "0 ms");
    assert_eq!(super::table::secs(16_100.0), "16.1 s");
    let text = table(&fixtures::realistic());
    assert!(
        text.contains("38 ms / 160 ms / 454 ms / 500 ms / 512 ms (q 0 / 0.5 / 0.95 / 0.99 / 1 over 5); 3,795 never everywhere"),
        "{text}"
    );
    assert!(
        text.contains("48.90 per heartbeat, 187,776.00 per publish"),
        "{text}"
    );
}

#[test]
fn a_real_socket_run_says_real_time_and_leaves_out_what_it_did_not_measure() {
    let mut o = fixtures::realistic();
    o.real_sockets = true;
    let text = table(&o);
    assert!(
        text.contains("real time") && !text.contains("virtual time"),
        "{text}"
    );
    let dup = text.lines().find(|l| l.starts_with("duplicates"));
    assert!(dup.is_some_and(|l| l.contains("not measured")), "{text}");
    let names = file_names(&o);
    assert!(
        !names.iter().any(|n| n.starts_with("infection")),
        "{names:?}"
    );
    assert_eq!(names.len(), file_names(&fixtures::realistic()).len() - 2);
}

/// Not a check: writes every fixture's report to `$PEKONODE_REPORT_PREVIEW` when set.
#[test]
fn preview_reports() {
    let Some(dir) = std::env::var_os("PEKONODE_REPORT_PREVIEW") else {
        return;
    };
    for outcome in all_fixtures() {
        let out = Path::new(&dir).join(&outcome.scenario);
        write(&outcome, &out).expect("preview writes");
        print!("{}", table(&outcome));
    }
}

#[test]
fn the_many_seed_convergence_chart_marks_shared_events_and_draws_up_nodes() {
    let mut a = fixtures::realistic();
    let mut b = fixtures::realistic();
    b.seed = a.seed + 1;
    // One event only the second seed had (as a nemesis draws its faults per seed).
    b.marks.push(crate::run::outcome::Mark {
        at_ms: 150_000.0,
        label: "pause n9".into(),
    });
    // At the first sample one node is up: a view trivially equal to the up set is not
    // convergence and must not enter the band.
    for o in [&mut a, &mut b] {
        o.samples[0].up = 1;
        o.samples[0].converged_fraction = 1.0;
    }
    let summary = crate::study::seeds::aggregate(&[a.clone(), b.clone()]).expect("two seeds");
    assert_eq!(summary.marks.len(), a.marks.len());
    assert_eq!(summary.seed_marks, 1);
    assert!(summary.convergence.first().map(|p| p.x) > Some(a.samples[0].t_ms));
    assert_eq!(summary.up.len(), a.samples.len());
    let dir = tempfile::tempdir().expect("temp dir");
    let provenance = super::Provenance::new("pekonode run x.json --seeds 2", None);
    super::write_seeds(&summary, &[a, b], dir.path(), &provenance).expect("written");
    let svg = fs::read_to_string(dir.path().join("convergence.svg")).expect("chart");
    assert!(svg.contains("crash n7"), "shared events are labelled");
    assert!(svg.contains("up nodes"), "the up-nodes panel is drawn");
    assert!(
        !svg.contains("pause n9"),
        "a one-seed event is not drawn as shared"
    );
    assert!(svg.contains("1 per-seed event not marked"));
}
