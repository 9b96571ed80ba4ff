//! `pekonode merge`: the unit results of sharded processes back into one report.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use pekonode::report::Provenance;
use pekonode::study::merge::{self, Merged};
use pekonode::{report, revision, study};

/// Examples shown by `pekonode merge --help`.
pub const EXAMPLES: &str = "Examples:
  for i in 0 1 2; do pekonode sweep scenarios/cost_cliff.json --shard $i/3 --out /shared/cc & done; wait
  pekonode merge /shared/cc --out reports/cost_cliff      # = pekonode sweep scenarios/cost_cliff.json
  pekonode merge nodeA/q nodeB/q --out /tmp/q             # results copied back from two machines

Units live in DIR/units/<scenario>-<hash>-<study>/ (p<point>-s<seed>.json for a sweep, s<seed>.json for
--seeds); merge looks for them up to four folders deep under each DIR. Units of builds of different
git revisions are refused unless --allow-mixed-revisions.";

/// Arguments of `pekonode merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Folders holding unit results (each shard's --out, or copies of them).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Write the report here.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write a report of the units found even if some are missing (named on stderr).
    #[arg(long)]
    allow_partial: bool,
    /// Merge units written by builds of different git revisions (refused by default: their
    /// numbers may differ for reasons the report would not show); provenance.json lists them.
    #[arg(long)]
    allow_mixed_revisions: bool,
}

/// `pekonode merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let m = merge::merge(&args.dirs, args.allow_partial, args.allow_mixed_revisions)?;
    let built: Vec<String> = m.revisions.iter().map(|r| revision::short(r)).collect();
    errln!(
        "merge {}-{}: {} of {} units (pekonode {} {})",
        m.scenario,
        m.hash,
        m.found,
        m.total,
        revision::VERSION,
        built.join(" + ")
    );
    if m.revisions.len() > 1 {
        errln!(
            "warning: units of {} revisions merged (--allow-mixed-revisions): {}",
            m.revisions.len(),
            m.revisions.join(", ")
        );
    }
    if !m.duplicates.is_empty() {
        errln!(
            "note: {} unit(s) found more than once, same content: {}",
            m.duplicates.len(),
            m.duplicates.join("; ")
        );
    }
    if !m.missing.is_empty() {
        errln!(
            "warning: partial report: {} unit(s) missing: {}",
            m.missing.len(),
            m.missing.join(", ")
        );
    }
    let dir = &args.out;
    // What the single process would have named: the units keep the scenario file's path.
    // A scenario with "auto" says what it became, as `run` and `sweep` do: validate it again
    // (deterministic); the file as written otherwise.
    let file = m.file.clone().unwrap_or_default();
    let description = match pekonode::scenario::Scenario::from_str_named(&m.text, &file) {
        Ok(scenario) => super::provenance::description(&scenario),
        Err(_) => serde_json::from_str::<serde_json::Value>(&m.text)
            .ok()
            .and_then(|v| v.get("description")?.as_str().map(str::to_owned)),
    };
    let provenance = |command: Option<String>| Provenance {
        description: description.clone(),
        command,
        revisions: m.revisions.clone(),
    };
    match m.merged {
        Merged::Sweep(result) => {
            let command = m.file.as_ref().map(|f| format!("pekonode sweep {f}"));
            report::write_sweep(&result, dir, &provenance(command))?;
            out!("{}", report::sweep_table(&result))?;
            let stopped: usize = result.points.iter().map(|p| p.guard_stops.len()).sum();
            if stopped > 0 {
                outln!("{stopped} run(s) stopped by the explosion guard (recorded in the table)")?;
            }
            outln!("report: {}", dir.display())?;
        }
        Merged::Seeds(outcomes) if outcomes.len() == 1 && m.total == 1 => {
            let command = m
                .file
                .as_ref()
                .map(|f| format!("pekonode run {f} --seed {}", outcomes[0].seed));
            super::run::deliver(&outcomes[0], dir, false, &m.scenario, &provenance(command))?;
        }
        Merged::Seeds(outcomes) => {
            let Some(summary) = study::seeds::aggregate(&outcomes) else {
                bail!("no seed to merge");
            };
            let command = m.file.as_ref().map(|f| {
                format!(
                    "pekonode run {f} --seed {} --seeds {}",
                    summary.first_seed, m.total
                )
            });
            report::write_seeds(&summary, &outcomes, dir, &provenance(command))?;
            out!("{}", report::seeds_table(&summary))?;
            outln!("report: {}", dir.display())?;
            if !summary.guard_stops.is_empty() {
                bail!(
                    "{}: the explosion guard stopped {} of {} seeds (report of what was measured: {})",
                    m.scenario,
                    summary.guard_stops.len(),
                    outcomes.len(),
                    dir.display()
                );
            }
        }
    }
    Ok(())
}
