//! The committed protocol comparison (`reports/compare_crash`, `reports/compare_partition`):
//! PekoNode first-copy, compat and hardened, against SWIM through foca, on one scenario each.
//! Its tables are what the sweeps produce today, byte for byte, and what the README says of
//! them still holds. Regenerate with `cargo run --release -- sweep scenarios/NAME.json --out
//! reports/NAME` (about 30 s each).

use std::collections::BTreeMap;
use std::process::Command;

/// Runs the sweep of `scenarios/{name}.json`; checks its tables against the committed ones and
/// returns the rows of `sweep.csv` by (first axis value, protocol), each a map column → cell.
fn sweep(name: &str) -> Option<BTreeMap<(String, String), BTreeMap<String, String>>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    if root.join("Cargo.toml.orig").exists() && !root.join("reports").exists() {
        eprintln!("reports/ is not shipped in the package: nothing to compare {name} with");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .current_dir(root)
        .args([
            "sweep",
            &format!("scenarios/{name}.json"),
            "--threads",
            "2",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["sweep.csv", "sweep.md", "sweep.json"] {
        let fresh = std::fs::read(dir.path().join(file)).unwrap();
        let old = std::fs::read(root.join(format!("reports/{name}/{file}"))).unwrap();
        assert!(
            fresh == old,
            "reports/{name}/{file} differs from what the sweep of scenarios/{name}.json \
             produces now; regenerate with `cargo run --release -- sweep scenarios/{name}.json \
             --out reports/{name}` and say why"
        );
    }
    let csv = std::fs::read_to_string(dir.path().join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut rows = BTreeMap::new();
    for line in lines {
        let row: BTreeMap<String, String> = head
            .iter()
            .zip(line.split(','))
            .map(|(h, c)| (h.to_string(), c.to_string()))
            .collect();
        let key = (row[head[0]].clone(), row["protocol"].clone());
        rows.insert(key, row);
    }
    Some(rows)
}

fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap_or(f64::NAN)
}

/// The README: SWIM removes no live node at any loss and sends a tenth to a twentieth of
/// PekoNode's traffic, but needs about twice as long to remove a crashed node everywhere.
#[test]
fn the_crash_comparison_is_current_and_says_what_the_readme_says() {
    let Some(rows) = sweep("compare_crash") else {
        return;
    };
    for loss in ["0", "0.05", "0.1", "0.2"] {
        let row = |p: &str| &rows[&(loss.to_string(), p.to_string())];
        let (peko, swim) = (row("pekonode"), row("swim"));
        assert_eq!(num(swim, "false_removals_mean"), 0.0, "loss {loss}");
        assert!(num(peko, "false_removals_median") > 0.0, "loss {loss}");
        let traffic =
            num(peko, "per_node_per_cycle_median") / num(swim, "per_node_per_cycle_median");
        assert!(
            traffic > 9.0,
            "loss {loss}: PekoNode sends {traffic}× SWIM's traffic"
        );
        let slower =
            num(swim, "crash_detection_ms_median") / num(peko, "crash_detection_ms_median");
        assert!(
            (1.5..2.5).contains(&slower),
            "loss {loss}: SWIM {slower}× slower"
        );
    }
}

/// The README: after a partition longer than the timeout, SWIM is one cluster again, PekoNode
/// compat never is, and the hardened profile's rejoin mends it.
#[test]
fn the_partition_comparison_is_current_and_says_what_the_readme_says() {
    let Some(rows) = sweep("compare_partition") else {
        return;
    };
    for loss in ["0", "0.05", "0.1"] {
        let row = |p: &str| &rows[&(loss.to_string(), p.to_string())];
        assert_eq!(
            num(row("swim"), "final_converged_fraction_mean"),
            1.0,
            "loss {loss}"
        );
        assert_eq!(
            num(row("pekonode"), "final_converged_fraction_mean"),
            0.0,
            "loss {loss}"
        );
        let hardened = num(row("pekonode-hardened"), "final_converged_fraction_median");
        assert!(hardened > 0.95, "loss {loss}: hardened {hardened}");
    }
}
