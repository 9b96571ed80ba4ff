//! `report.html` without a browser: sections, escaping, self-containment, the playback data.

use super::fixtures;
use crate::report::html::{run_page, InlineChart, Provenance};
use crate::report::{write, write_with, HTML_FILE};
use crate::run::outcome::{Playback, Spread};
use crate::run::Outcome;

/// The realistic fixture with a playback of `n` nodes: a heartbeat of n0 reaching node `i`
/// after `i` ms (node 3 never), and a publish.
fn with_playback(n: usize) -> Outcome {
    let mut o = fixtures::realistic();
    let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
    let spread = |at_ms: f64| Spread {
        origin: 0,
        at_ms,
        id: 42,
        up: vec![true; n],
        arrived_ms: (0..n)
            .map(|i| (i != 3).then_some(at_ms + i as f64))
            .collect(),
    };
    o.playback = Some(Playback {
        names,
        heartbeat: Some(spread(12_000.0)),
        publish: Some(spread(30_000.0)),
    });
    o
}

fn hostile() -> Provenance {
    Provenance::new(
        "pekonode run 'sc</script>.json' --seed 1",
        Some("<img src=x onerror=alert(1)> & \"quotes\""),
    )
}

/// The JSON inside `<script type="application/json" id="pb-data">`.
fn playback_json(page: &str) -> serde_json::Value {
    let start = page
        .find("id=\"pb-data\">")
        .map(|i| i + "id=\"pb-data\">".len())
        .unwrap_or(0);
    let len = page[start..].find("</script>").unwrap_or(0);
    serde_json::from_str(&page[start..start + len]).unwrap_or_default()
}

#[test]
fn a_run_page_has_header_playback_summary_and_charts() {
    let o = with_playback(50);
    let chart = InlineChart {
        stem: "convergence",
        svg: "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 10 10\"></svg>\n",
    };
    let page = run_page(
        &o,
        &[chart],
        &Provenance::new("pekonode run s.json --seed 7", None),
    );
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    assert!(page.ends_with("</html>\n"));
    for needle in [
        "<h1>quickstart</h1>",
        "<dt>seed</dt><dd>",
        concat!(
            "<dt>program</dt><dd>pekonode ",
            env!("CARGO_PKG_VERSION"),
            "</dd>"
        ),
        "<code id=\"command\">pekonode run s.json --seed 7</code>",
        "<section id=\"playback\">",
        "<div id=\"playback\" data-frame=\"0\"",
        "<section id=\"summary\">",
        "<tr><th>scenario</th><td>quickstart</td></tr>",
        "<section id=\"charts\">",
        "<figure id=\"chart-convergence\">\n<svg viewBox",
        "<a href=\"convergence.png\">png</a>",
        "id=\"pb-cursor\"",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert!(!page.contains("<?xml"), "the XML prolog is dropped");
    assert_eq!(page.matches("<circle class=\"node\"").count(), 50);
}

#[test]
fn everything_from_files_is_escaped() {
    let mut o = with_playback(5);
    o.scenario = "<b>bold</b>".into();
    if let Some(p) = &mut o.playback {
        p.names[1] = "</script><script>alert(1)</script>".into();
    }
    let page = run_page(&o, &[], &hostile());
    assert!(page.contains("<h1>&lt;b&gt;bold&lt;/b&gt;</h1>"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"));
    assert!(page.contains("pekonode run &#39;sc&lt;/script&gt;.json&#39; --seed 1"));
    assert!(page.contains("<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
    assert!(!page.contains("<img"));
    assert!(!page.contains("<b>bold"));
    // Two scripts of our own plus the playback's data: nothing injected closes one early.
    assert_eq!(page.matches("<script").count(), 3);
    assert_eq!(page.matches("</script>").count(), 3);
}

#[test]
fn the_page_needs_no_network() {
    let page = run_page(&with_playback(8), &[], &Provenance::default());
    for external in ["<link", " src=", "http://", "https://", "url(", "@import"] {
        assert!(!page.contains(external), "{external} in the page");
    }
}

#[test]
fn the_playback_data_is_relative_to_each_spread_s_start() {
    let page = run_page(&with_playback(6), &[], &Provenance::default());
    let data = playback_json(&page);
    let spreads = data["spreads"].as_array().cloned().unwrap_or_default();
    assert_eq!(spreads.len(), 2);
    assert_eq!(spreads[0]["kind"], "heartbeat");
    assert_eq!(
        spreads[0]["label"],
        "heartbeat #42 of n0, emitted at 12.0 s"
    );
    assert_eq!(spreads[1]["kind"], "publish");
    let arrived: Vec<Option<f64>> = spreads[0]["arrived"]
        .as_array()
        .map(|a| a.iter().map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    assert_eq!(
        arrived,
        [Some(0.0), Some(1.0), Some(2.0), None, Some(4.0), Some(5.0)]
    );
    assert_eq!(data["run_ms"], 180_000.0);
}

#[test]
fn grids_for_large_clusters_and_no_playback_without_data_or_on_sockets() {
    let grid = run_page(&with_playback(300), &[], &Provenance::default());
    assert_eq!(grid.matches("<circle class=\"node\"").count(), 300);
    let none = run_page(&fixtures::realistic(), &[], &Provenance::default());
    assert!(!none.contains("id=\"playback\""));
    let mut sockets = with_playback(5);
    sockets.real_sockets = true;
    let page = run_page(&sockets, &[], &Provenance::default());
    assert!(!page.contains("id=\"playback\""));
    assert!(
        !page.contains("id=\"command\""),
        "no command without a provenance"
    );
}

#[test]
fn write_puts_the_page_last_and_keeps_the_playback_out_of_the_summary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = with_playback(5);
    let written = write_with(&o, dir.path(), &hostile()).expect("write");
    assert!(written.last().is_some_and(|p| p.ends_with(HTML_FILE)));
    let summary = std::fs::read_to_string(dir.path().join("summary.json")).unwrap_or_default();
    assert!(!summary.contains("playback"));
    let mut plain = o.clone();
    plain.playback = None;
    let other = tempfile::tempdir().expect("temp dir");
    write(&plain, other.path()).expect("write");
    let summary_plain =
        std::fs::read_to_string(other.path().join("summary.json")).unwrap_or_default();
    assert_eq!(summary, summary_plain);
    let a = std::fs::read(dir.path().join(HTML_FILE)).unwrap_or_default();
    write_with(&o, other.path(), &hostile()).expect("write");
    let b = std::fs::read(other.path().join(HTML_FILE)).unwrap_or_default();
    assert!(!a.is_empty() && a == b, "same outcome, same page");
}
