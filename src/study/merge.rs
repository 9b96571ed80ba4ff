//! `pekonode merge`: unit result files from one or many folders back into one study, the
//! very result the single-process run computes (so its report is the same bytes).
//!
//! Refused, each with an error naming the units or files: units of different scenario files
//! (hashes), of different studies, of another program version, of different revisions of the
//! program (unless allowed: see [`crate::revision`]), one unit with two different contents,
//! and missing units (unless partial results are allowed). Duplicates with the
//! same content are fine and reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::sweep::{SweepPlan, SweepResult, SweepRun};
use super::unit::{self, StudyShape, UnitFile, VERSION};
use super::unit_error::UnitError;
use crate::run::Outcome;
use crate::scenario::Scenario;

/// How deep under each folder unit files are looked for (`DIR/units/<name>-<hash>-<study>/*.json`).
const MAX_DEPTH: usize = 4;
/// How many units an error or note names before "and N more".
const LISTED: usize = 8;

/// What the units rebuild.
#[derive(Clone, Debug)]
pub enum Merged {
    /// A sweep (`sweep.csv`, `sweep.json`, `sweep.md`, charts).
    Sweep(SweepResult),
    /// The seeds of `run --seeds`, in seed order.
    Seeds(Vec<Outcome>),
}

/// A merge: the study, and what was noticed on the way.
#[derive(Clone, Debug)]
pub struct Merge {
    /// The scenario's name.
    pub scenario: String,
    /// Its hash.
    pub hash: String,
    /// The scenario file's text.
    pub text: String,
    /// The scenario file's path as the units name it (the first unit's), if they do.
    pub file: Option<String>,
    /// What the units rebuild.
    pub merged: Merged,
    /// Units in the study.
    pub total: usize,
    /// Distinct units found.
    pub found: usize,
    /// Units found more than once (same content), with the files.
    pub duplicates: Vec<String>,
    /// Units missing (only when partial results are allowed).
    pub missing: Vec<String>,
    /// The revisions of the builds that ran the units (sorted; one unless mixed revisions
    /// were allowed).
    pub revisions: Vec<String>,
}

/// Every unit file under `dirs` (sorted by path, so merges do not depend on listing order).
pub fn find_units(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, UnitError> {
    let mut found = Vec::new();
    for dir in dirs {
        walk(dir, 0, &mut found)?;
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<(), UnitError> {
    let entries = std::fs::read_dir(dir).map_err(|source| UnitError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && depth < MAX_DEPTH {
            walk(&path, depth + 1, found)?;
        } else if kind.is_file()
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(unit::is_unit_name)
        {
            found.push(path);
        }
    }
    Ok(())
}

/// `a, b, c and 4 more`.
fn list(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > LISTED {
        out.push_str(&format!(" and {} more", items.len() - LISTED));
    }
    out
}

/// Every unit file under `dirs`, read: an error if there is none, if one does not parse, if
/// one was written by another program version, or if they come from builds of different
/// revisions.
pub fn read_units(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, UnitFile)>, UnitError> {
    read_units_with(dirs, false)
}

/// [`read_units`], accepting units of different revisions if `allow_mixed_revisions`.
pub fn read_units_with(
    dirs: &[PathBuf],
    allow_mixed_revisions: bool,
) -> Result<Vec<(PathBuf, UnitFile)>, UnitError> {
    let files = find_units(dirs)?;
    if files.is_empty() {
        let names: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(UnitError::NoUnits(names.join(", ")));
    }
    let mut units = Vec::with_capacity(files.len());
    for path in files {
        let u = unit::read(&path)?;
        units.push((path, u));
    }
    let foreign: Vec<String> = units
        .iter()
        .filter(|(_, u)| u.program_version != VERSION)
        .map(|(p, u)| format!("{} (pekonode {})", p.display(), u.program_version))
        .collect();
    if !foreign.is_empty() {
        return Err(UnitError::Version {
            count: foreign.len(),
            version: VERSION.to_string(),
            list: list(&foreign),
        });
    }
    if !allow_mixed_revisions {
        check_revisions(&units)?;
    }
    Ok(units)
}

/// An error naming two revisions (and a file of each) if the units come from more than one.
pub fn check_revisions(units: &[(PathBuf, UnitFile)]) -> Result<(), UnitError> {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for (p, u) in units {
        seen.entry(&u.program_revision).or_insert(p.as_path());
    }
    let mut named = seen
        .iter()
        .map(|(rev, p)| format!("{rev} (e.g. {})", p.display()));
    match (named.next(), named.next()) {
        (Some(first), Some(second)) => Err(UnitError::MixedRevisions { first, second }),
        _ => Ok(()),
    }
}

/// Merges the unit files under `dirs`; missing units are an error unless `allow_partial`,
/// units of builds of different revisions unless `allow_mixed_revisions`.
pub fn merge(
    dirs: &[PathBuf],
    allow_partial: bool,
    allow_mixed_revisions: bool,
) -> Result<Merge, UnitError> {
    let units = read_units_with(dirs, allow_mixed_revisions)?;
    let mut hashes: BTreeMap<&str, (&str, &Path)> = BTreeMap::new();
    for (p, u) in &units {
        hashes
            .entry(&u.scenario_hash)
            .or_insert((&u.scenario, p.as_path()));
    }
    if hashes.len() > 1 {
        let named: Vec<String> = hashes
            .iter()
            .map(|(h, (name, p))| format!("{name} {h} (e.g. {})", p.display()))
            .collect();
        return Err(UnitError::MixedScenarios(named.join(" vs ")));
    }
    merge_units(units, allow_partial)
}

/// Merges the units of one study (as read by [`read_units`], of one scenario hash); missing
/// units are an error unless `allow_partial`.
pub fn merge_units(
    units: Vec<(PathBuf, UnitFile)>,
    allow_partial: bool,
) -> Result<Merge, UnitError> {
    if units.is_empty() {
        return Err(UnitError::NoUnits(String::new()));
    }
    let (first_path, first) = &units[0];
    for (p, u) in &units {
        if u.study != first.study {
            return Err(UnitError::MixedStudies {
                scenario: first.scenario.clone(),
                detail: format!(
                    "{:?} ({}) vs {:?} ({})",
                    first.study,
                    first_path.display(),
                    u.study,
                    p.display()
                ),
            });
        }
        if unit::scenario_hash(u.scenario_text.as_bytes()) != u.scenario_hash {
            return Err(UnitError::Format {
                path: p.clone(),
                message: "its scenario text does not have its scenario hash".into(),
            });
        }
    }
    let study = first.study.clone();
    let total = study.unit_count();
    let mut revisions: Vec<String> = units
        .iter()
        .map(|(_, u)| u.program_revision.clone())
        .collect();
    revisions.sort();
    revisions.dedup();
    let mut by_unit: BTreeMap<usize, (PathBuf, UnitFile)> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for (p, u) in units {
        if u.unit >= total {
            return Err(UnitError::Format {
                path: p,
                message: format!("unit {} of a study of {total}", u.unit),
            });
        }
        match by_unit.get(&u.unit) {
            Some((q, v)) if *v == u => {
                duplicates.push(format!(
                    "{} ({} and {})",
                    u.stem(),
                    q.display(),
                    p.display()
                ));
            }
            Some((q, v)) => {
                return Err(UnitError::Conflict {
                    unit: v.stem(),
                    first: q.clone(),
                    second: p,
                })
            }
            None => {
                by_unit.insert(u.unit, (p, u));
            }
        }
    }
    let (_, any) = by_unit
        .values()
        .next()
        .ok_or_else(|| UnitError::NoUnits(String::new()))?;
    let (scenario, hash, text, file) = (
        any.scenario.clone(),
        any.scenario_hash.clone(),
        any.scenario_text.clone(),
        any.scenario_file.clone(),
    );
    let label = format!("{scenario}-{hash}");
    let (merged, missing) = match study {
        StudyShape::Seeds { first_seed, seeds } => {
            let missing: Vec<String> = (0..seeds)
                .filter(|k| !by_unit.contains_key(k))
                .map(|k| unit::unit_stem(None, first_seed.wrapping_add(k as u64)))
                .collect();
            let outcomes = by_unit.into_values().map(|(_, u)| u.outcome).collect();
            (Merged::Seeds(outcomes), missing)
        }
        StudyShape::Sweep { .. } => {
            let plan = SweepPlan::new(&Scenario::from_str_named(&text, &label)?)?;
            let expected = StudyShape::Sweep {
                points: plan.point_count(),
                seeds_per_point: plan.seeds_per_point(),
            };
            if expected != study {
                return Err(UnitError::MixedStudies {
                    scenario,
                    detail: format!("units say {study:?}, the scenario plans {expected:?}"),
                });
            }
            let mut missing = Vec::new();
            let mut runs: Vec<Vec<SweepRun>> = vec![Vec::new(); plan.point_count()];
            for k in 0..total {
                let (point, seed) = plan.unit(k);
                match by_unit.get(&k) {
                    Some((p, u)) if u.point != Some(point) || u.seed != seed => {
                        return Err(UnitError::Format {
                            path: p.clone(),
                            message: format!("unit {k} should be point {point}, seed {seed}"),
                        })
                    }
                    Some((_, u)) => runs[point].push(SweepRun::of(&u.outcome)),
                    None => missing.push(unit::unit_stem(Some(point), seed)),
                }
            }
            (Merged::Sweep(plan.assemble(runs)), missing)
        }
    };
    if !missing.is_empty() && !allow_partial {
        return Err(UnitError::Missing {
            scenario: label,
            missing: missing.len(),
            total,
            list: list(&missing),
        });
    }
    Ok(Merge {
        scenario,
        hash,
        text,
        file,
        found: total - missing.len(),
        merged,
        total,
        duplicates,
        missing,
        revisions,
    })
}
