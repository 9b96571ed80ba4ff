//! The golden gate of `pekonode check`: each scenario file's fresh outcome (the one its
//! expectations are checked on; no extra run) against its committed golden file, every metric
//! within its tolerance (`src/study/golden.rs`, `src/study/drift.rs`); `--bless` rewrites the
//! golden files and says what moved.

use std::path::{Path, PathBuf};

use clap::Args;
use pekonode::run::Outcome;
use pekonode::scenario::Scenario;
use pekonode::study::drift::{self, GoldenFailure};
use pekonode::study::golden::Golden;

/// The golden gate's options of `pekonode check`.
#[derive(Args, Debug, Clone, Default)]
pub struct GoldenArgs {
    /// Folder of the golden files (`DIR/<file stem>.json`). Default: `golden/` beside each
    /// scenario file (scenarios/golden/quickstart.json for scenarios/quickstart.json).
    #[arg(long, value_name = "DIR", conflicts_with = "no_golden")]
    golden: Option<PathBuf>,
    /// Switch the golden gate off: check `expect` blocks only (files without one are skipped).
    #[arg(long)]
    no_golden: bool,
    /// A scenario file without a golden file fails (by default it is a note); with --bless,
    /// every file given gets one, with or without an `expect` block.
    #[arg(long, conflicts_with = "no_golden")]
    require_golden: bool,
    /// Rewrite the golden file of every file checked with this run's values (keeping its
    /// `tolerance` overrides) and print each metric that moved, old → new, within or outside
    /// its tolerance. Expectations are still enforced.
    #[arg(long, conflicts_with_all = ["no_golden", "shard", "shard_count", "resume", "out"])]
    bless: bool,
}

/// Whether `check` runs a scenario file.
pub enum Entry {
    /// Run it: it has expectations, a golden file, or is to get one.
    Run,
    /// Skip it, for this reason.
    Skip(String),
    /// It needs a golden file and has none: fail it without running it.
    Missing(GoldenFailure),
}

/// What the gate found for one file.
#[derive(Default)]
pub struct Verdict {
    /// What fails the gate.
    pub failures: Vec<GoldenFailure>,
    /// Lines for people, in order (failures, the command that re-blesses, what moved).
    pub lines: Vec<String>,
    /// A note for the file's case (no golden file, blessed).
    pub note: Option<String>,
    /// For the `ok:` line: how the golden values fared, when they were compared.
    pub summary: Option<String>,
}

impl GoldenArgs {
    /// Whether the gate is on.
    pub fn on(&self) -> bool {
        !self.no_golden
    }

    /// Whether `--bless` rewrites the golden files.
    pub fn blessing(&self) -> bool {
        self.on() && self.bless
    }

    /// The golden file of the scenario file `file`.
    pub fn path(&self, file: &Path) -> PathBuf {
        let stem = file.file_stem().unwrap_or(file.as_os_str());
        let dir = match &self.golden {
            Some(dir) => dir.clone(),
            None => file.parent().unwrap_or(Path::new("")).join("golden"),
        };
        // Not `with_extension`: the stem of `a.b.json` is `a.b`, whose extension is `b`.
        let mut name = stem.to_os_string();
        name.push(".json");
        dir.join(name)
    }

    /// The command that (re)writes the golden file of `file`.
    fn bless_command(&self, file: &Path) -> String {
        let dir = self
            .golden
            .as_ref()
            .map(|d| format!(" --golden {}", d.display()))
            .unwrap_or_default();
        format!("pekonode check {}{dir} --bless", file.display())
    }

    /// Whether `check` runs `file` (a scenario with `expectations` expectations): a golden
    /// file makes a file checkable.
    pub fn entry(&self, file: &Path, scenario: &Scenario, expectations: usize) -> Entry {
        if !self.on() {
            return match expectations {
                0 => Entry::Skip("no expectations".into()),
                _ => Entry::Run,
            };
        }
        let golden = self.path(file);
        // An unreadable folder counts as a golden file: running the file then names the error.
        let exists = !matches!(golden.try_exists(), Ok(false));
        if exists || expectations > 0 || (self.require_golden && self.bless) {
            return Entry::Run;
        }
        if self.require_golden {
            return Entry::Missing(self.missing(file, scenario));
        }
        Entry::Skip(format!(
            "no expectations, no golden file {}",
            golden.display()
        ))
    }

    /// The failure of a file without a golden file under `--require-golden`.
    fn missing(&self, file: &Path, scenario: &Scenario) -> GoldenFailure {
        GoldenFailure::File {
            scenario: scenario.name().to_string(),
            message: format!(
                "no golden file {} (write it with `{}`)",
                self.path(file).display(),
                self.bless_command(file)
            ),
        }
    }

    /// The gate on the `outcomes` of `scenario` (from `file`): compares them with its golden
    /// file, or with `--bless` rewrites it.
    pub fn judge(&self, file: &Path, scenario: &Scenario, outcomes: &[Outcome]) -> Verdict {
        let mut v = Verdict::default();
        if !self.on() {
            return v;
        }
        let path = self.path(file);
        let name = scenario.name();
        let mut fresh = Golden::of(scenario, outcomes);
        let stored = match Golden::read(&path) {
            Ok(stored) => stored,
            Err(e) => {
                // Blessing over a file that cannot be read would lose its overrides: say so.
                let message = format!(
                    "{e} (fix or delete it, then `{}`)",
                    self.bless_command(file)
                );
                v.lines.push(format!("FAIL {name}: golden: {message}"));
                v.failures.push(GoldenFailure::File {
                    scenario: name.to_string(),
                    message,
                });
                return v;
            }
        };
        let Some(stored) = stored else {
            if self.bless {
                self.write(&fresh, &path, name, &mut v);
                if v.failures.is_empty() {
                    v.lines
                        .push(format!("blessed: {} (new golden file)", path.display()));
                    v.note = Some(format!("wrote the new golden file {}", path.display()));
                }
            } else if self.require_golden {
                let failure = self.missing(file, scenario);
                v.lines.push(failure.to_string());
                v.failures.push(failure);
            } else {
                let note = format!(
                    "no golden file {}: its metrics are not compared (write it with `{}`)",
                    path.display(),
                    self.bless_command(file)
                );
                v.lines.push(format!("note: {}: {note}", file.display()));
                v.note = Some(note);
            }
            return v;
        };
        let comparison = drift::compare(&stored, &fresh);
        if self.bless {
            fresh.tolerance = stored.tolerance.clone();
            self.write(&fresh, &path, name, &mut v);
            if !v.failures.is_empty() {
                return v;
            }
            let moved = comparison.drifts.len();
            v.lines.push(format!(
                "blessed: {} ({moved} metric(s) moved)",
                path.display()
            ));
            for problem in &comparison.problems {
                v.lines.push(format!("  {problem}"));
            }
            for d in &comparison.drifts {
                v.lines.push(format!("  {d}"));
            }
            v.note = Some(format!(
                "rewrote the golden file {}: {moved} metric(s) moved",
                path.display()
            ));
            return v;
        }
        v.failures = comparison.failures(name);
        if v.failures.is_empty() {
            let within = comparison.drifts.len();
            v.summary = Some(match within {
                0 => "golden values unchanged".to_string(),
                n => format!("golden: {n} metric(s) moved within tolerance"),
            });
            return v;
        }
        v.lines.extend(v.failures.iter().map(ToString::to_string));
        v.lines.push(format!(
            "  re-bless if the change is meant: {}",
            self.bless_command(file)
        ));
        v
    }

    /// Writes `golden` to `path`; an error is the file's failure.
    fn write(&self, golden: &Golden, path: &Path, name: &str, v: &mut Verdict) {
        if let Err(e) = golden.write(path) {
            let failure = GoldenFailure::File {
                scenario: name.to_string(),
                message: e.to_string(),
            };
            v.lines.push(failure.to_string());
            v.failures.push(failure);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_files_live_beside_the_scenarios_unless_a_folder_is_given() {
        let mut args = GoldenArgs::default();
        assert_eq!(
            args.path(Path::new("scenarios/quickstart.json")),
            Path::new("scenarios/golden/quickstart.json")
        );
        assert_eq!(args.path(Path::new("q.json")), Path::new("golden/q.json"));
        args.golden = Some(PathBuf::from("/g"));
        assert_eq!(
            args.path(Path::new("scenarios/a.b.json")),
            Path::new("/g/a.b.json")
        );
        assert_eq!(
            args.bless_command(Path::new("q.json")),
            "pekonode check q.json --golden /g --bless"
        );
    }
}
