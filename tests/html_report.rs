//! `report.html` as written by the binary: present beside one-run and many-seed reports, naming
//! the command that reproduces it; and, when headless Chromium is installed (Debian's
//! `chromium`), loaded offline in it: no console message, no script error, the playback moves,
//! the screenshot is not blank. Without Chromium that part is skipped with a note, unless
//! `PEKONODE_REQUIRE_CHROMIUM` is set (CI sets it), which makes a missing browser a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn pekonode(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_pekonode"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("pekonode runs");
    assert!(
        out.status.success(),
        "pekonode {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn quickstart(dir: &Path) -> PathBuf {
    let out = dir.join("q");
    pekonode(&[
        "run",
        "scenarios/quickstart.json",
        "--out",
        out.to_str().expect("utf-8 temp path"),
    ]);
    out.join("report.html")
}

#[test]
fn every_report_has_a_page_naming_its_command() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let page = std::fs::read_to_string(quickstart(tmp.path())).expect("report.html");
    assert!(page.contains("pekonode run scenarios/quickstart.json --seed 1</code>"));
    assert!(page.contains("<section id=\"playback\">"));
    let seeds = tmp.path().join("s");
    pekonode(&[
        "run",
        "scenarios/quickstart.json",
        "--seeds",
        "2",
        "--out",
        seeds.to_str().expect("utf-8 temp path"),
    ]);
    let page = std::fs::read_to_string(seeds.join("report.html")).expect("seeds report.html");
    assert!(page.contains("pekonode run scenarios/quickstart.json --seed 1 --seeds 2</code>"));
    assert!(page.contains("<h2>Statistics over seeds</h2>"));
    assert!(page.contains("<figure id=\"chart-convergence\">"));
    assert!(
        !page.contains("id=\"playback\""),
        "playback is for single runs"
    );
}

fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// Headless Chromium on `url`, offline (no host name resolves), timers run for 2.5 s.
fn chromium(browser: &Path, profile: &Path, extra: &[&str], url: &str) -> Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,1500",
            "--virtual-time-budget=2500",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs")
}

/// Distinct RGB(A) pixel values of a PNG (up to 1000).
fn colours(png_bytes: &[u8]) -> usize {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let Ok(mut reader) = decoder.read_info() else {
        return 0;
    };
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let Ok(info) = reader.next_frame(&mut buf) else {
        return 0;
    };
    let step = info.color_type.samples();
    let mut seen = std::collections::BTreeSet::new();
    for px in buf[..info.buffer_size()].chunks(step) {
        seen.insert(px.to_vec());
        if seen.len() >= 1000 {
            break;
        }
    }
    seen.len()
}

#[test]
fn the_page_plays_in_headless_chromium() {
    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("PEKONODE_REQUIRE_CHROMIUM").is_none(),
            "PEKONODE_REQUIRE_CHROMIUM is set but chromium is not installed"
        );
        eprintln!("note: chromium is not installed: report.html not checked in a browser");
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let page = quickstart(tmp.path());
    let url = format!("file://{}#play", page.display());
    let profile = tmp.path().join("profile");

    let out = chromium(
        &browser,
        &profile,
        &["--enable-logging=stderr", "--v=0", "--dump-dom"],
        &url,
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(
        dom.contains("<html lang=\"en\" data-errors=\"0\""),
        "script errors: {}",
        dom.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    let frame: u32 = dom
        .split("id=\"playback\" data-frame=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.parse().ok())
        .expect("the playback's data-frame");
    assert!(frame > 1, "the playback did not move: data-frame={frame}");

    let shot = tmp.path().join("shot.png");
    let arg = format!("--screenshot={}", shot.display());
    chromium(&browser, &profile, &[&arg], &url);
    let bytes = std::fs::read(&shot).expect("a screenshot");
    let n = colours(&bytes);
    assert!(n > 16, "the screenshot looks blank: {n} colours");
    eprintln!("chromium: playback at {frame} nodes, screenshot with {n}+ colours");
}
