//! `pekonode ab`: scenario files run by this build and by another one on the same seeds, and
//! the metrics that changed, with effect sizes and intervals.
//!
//! Both sides run the same command as a child process, `pekonode run FILE --seeds N --out
//! DIR` (this build through [`std::env::current_exe`]), and are compared from the
//! `summary.json` each writes (per-metric mean and standard deviation over the seeds) by the
//! seed-spread rule of `run --baseline`: a metric changed when Welch's 95 % interval of the
//! difference of the means excludes 0 ([`pekonode::study::baseline`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use clap::Args;
use pekonode::revision;

use super::ab_build::{self, last_line};
use super::ab_report::{self, AbCase};

/// Examples shown by `pekonode ab --help`.
pub const EXAMPLES: &str = "Examples:
  pekonode ab --against HEAD~3 scenarios/quickstart.json       # build HEAD~3, 8 seeds each side
  pekonode ab --against main scenarios/*.json --seeds 16 --all # every metric, not only changed ones
  pekonode ab --against-bin /opt/pekonode-0.1.0 scenarios/lossy_network.json
  pekonode ab --against v0.1.0 scenarios/quickstart.json --format junit > ab.xml

A revision is built once (git archive, then cargo build --release) under target/ab/<revision>/
(or --cache DIR) and reused. A = the other build, B = this one. The exit status is non-zero
when a metric regressed (got worse past the seed spread) in any file.";

/// Arguments of `pekonode ab`.
#[derive(Args, Debug)]
pub struct AbArgs {
    /// Scenario files to run with both builds (as `pekonode run FILE --seeds N`).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The other build: a git revision of the repository around the working directory (a
    /// commit, branch, tag, HEAD~3), built from its own sources into the cache.
    #[arg(
        long,
        value_name = "REV",
        required_unless_present = "against_bin",
        conflicts_with = "against_bin"
    )]
    against: Option<String>,
    /// The other build: a pekonode binary.
    #[arg(long, value_name = "PATH")]
    against_bin: Option<PathBuf>,
    /// Seeds per side and file: the file's seed and the next ones.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=10_000))]
    seeds: u32,
    /// Relative change a metric may show when it has no seed-to-seed spread on a side (0.05 =
    /// 5 %); with a spread, the seed-spread rule decides.
    #[arg(long, default_value_t = 0.05, value_name = "FRACTION")]
    tolerance: f64,
    /// Show every metric, not only those that changed.
    #[arg(long)]
    all: bool,
    /// `text` for people; `json` or `junit` (one test case per file, failed when a metric
    /// regressed) put one document on stdout for CI.
    #[arg(long, value_enum, default_value_t = AbFormat::Text)]
    format: AbFormat,
    /// Where revisions are built and runs written. Default: target/ab in the repository (or in
    /// the working directory outside one).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Threads per run. Default: every core. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
}

/// Output formats of `pekonode ab`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbFormat {
    /// Tables for people.
    Text,
    /// One JSON document.
    Json,
    /// JUnit XML.
    Junit,
}

/// `pekonode ab`.
pub fn run(args: AbArgs) -> anyhow::Result<()> {
    if !(args.tolerance.is_finite() && args.tolerance >= 0.0) {
        bail!(
            "--tolerance {} is not a fraction ≥ 0 (0.05 = 5 %)",
            args.tolerance
        );
    }
    for file in &args.files {
        if !file.is_file() {
            bail!("{}: not a file", file.display());
        }
    }
    let repo = ab_build::repository();
    let cache = match (&args.cache, &repo) {
        (Some(dir), _) => dir.clone(),
        (None, Some(repo)) => repo.join("target").join("ab"),
        (None, None) => PathBuf::from("target").join("ab"),
    };
    let other = match (&args.against, &args.against_bin) {
        (_, Some(bin)) => {
            if !bin.is_file() {
                bail!("--against-bin {}: not a file", bin.display());
            }
            ab_build::OtherBuild {
                bin: bin.clone(),
                name: bin.display().to_string(),
            }
        }
        (Some(rev), None) => {
            let Some(repo) = &repo else {
                bail!("--against {rev}: the working directory is not in a git repository");
            };
            ab_build::build(repo, rev, &cache)?
        }
        (None, None) => bail!("name the other build: --against REV or --against-bin PATH"),
    };
    let other = ab_build::OtherBuild {
        name: format!("{} = {}", other.name, version_of(&other.bin)),
        ..other
    };
    let this_bin = std::env::current_exe().context("cannot find this program's binary")?;
    let this = format!("pekonode {}", revision::label());
    let runs = cache.join(format!("runs-{}", std::process::id()));
    let result = compare_all(&args, &other, &this_bin, &runs);
    // The runs are only read back here: gone whatever happened.
    let _ = std::fs::remove_dir_all(&runs);
    let cases = result?;
    let regressed: Vec<String> = cases
        .iter()
        .filter(|c| !c.regressed().is_empty())
        .map(|c| format!("{} ({})", c.file, c.regressed().join(", ")))
        .collect();
    match args.format {
        AbFormat::Text => out!(
            "{}",
            ab_report::text(&cases, &other.name, &this, args.seeds, args.all)
        )?,
        AbFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&ab_report::json(
                &cases,
                &other.name,
                &this,
                args.seeds,
                args.tolerance
            ))?
        )?,
        AbFormat::Junit => out!("{}", ab_report::junit(&cases, &other.name))?,
    }
    if !regressed.is_empty() {
        bail!(
            "this build regressed against {} in {} of {} file(s): {}",
            other.name,
            regressed.len(),
            cases.len(),
            regressed.join("; ")
        );
    }
    Ok(())
}

/// What `BIN --version` says (`pekonode 0.1.0 (rev …)`), or `version unknown`.
fn version_of(bin: &Path) -> String {
    Command::new(bin)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| last_line(&o.stdout))
        .unwrap_or_else(|| "version unknown".to_owned())
}

/// Every file run by both builds and compared.
fn compare_all(
    args: &AbArgs,
    other: &ab_build::OtherBuild,
    this_bin: &Path,
    runs: &Path,
) -> anyhow::Result<Vec<AbCase>> {
    let mut cases = Vec::with_capacity(args.files.len());
    for (k, file) in args.files.iter().enumerate() {
        errln!(
            "ab: running {} with A/B, {} seeds each",
            file.display(),
            args.seeds
        );
        let a = summary(&other.bin, file, args, &runs.join(format!("{k}-a")), "A")?;
        let b = summary(this_bin, file, args, &runs.join(format!("{k}-b")), "B")?;
        let rows = ab_report::rows(&a, &b, args.tolerance)
            .map_err(|m| anyhow::anyhow!("{}: {m}", file.display()))?;
        cases.push(AbCase {
            file: file.display().to_string(),
            rows,
        });
    }
    Ok(cases)
}

/// `BIN run FILE --seeds N --out DIR`, and the `summary.json` it wrote. A run the explosion
/// guard stopped still wrote its summary (and exits non-zero): that is measured too.
fn summary(
    bin: &Path,
    file: &Path,
    args: &AbArgs,
    dir: &Path,
    side: &str,
) -> anyhow::Result<serde_json::Value> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    let mut cmd = Command::new(bin);
    cmd.arg("run")
        .arg(file)
        .args(["--seeds", &args.seeds.to_string(), "--out"])
        .arg(dir);
    if let Some(t) = args.threads {
        cmd.args(["--threads", &t.to_string()]);
    }
    let out = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("cannot run {} ({side})", bin.display()))?;
    let path = dir.join("summary.json");
    if !path.is_file() {
        bail!(
            "{side} ({}) wrote no summary of {} ({}): {}",
            bin.display(),
            file.display(),
            out.status,
            last_line(&out.stderr)
        );
    }
    if !out.status.success() {
        errln!("ab: {side}: {}", last_line(&out.stderr));
    }
    let text = pekonode::files::read_bounded(&path, pekonode::scenario::MAX_FILE_BYTES)
        .with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&text).with_context(|| format!("{}: not JSON", path.display()))
}
