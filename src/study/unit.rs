//! Unit result files: what one unit of a sharded study (one sweep point × seed, or one seed
//! of `run --seeds`) measured, in a small self-describing JSON file that `pekonode merge`
//! turns back into the single-process report, byte for byte.
//!
//! A study's units go to `<out>/units/<scenario name>-<hash>-<study>/` (`<study>`: `sweep`
//! or `seeds<first>+<count>`), one file each:
//! `p<point>-s<seed>.json` for a sweep, `s<seed>.json` for seeds. `<hash>` is
//! [`scenario_hash`]: 16 hex digits of FNV-1a 64 over the scenario file's canonical JSON
//! (keys sorted, no spaces), so line endings and indentation do not matter but any value
//! does. Each file holds the scenario text itself, the program version and revision
//! ([`crate::revision::build_id`]), the study's shape,
//! the unit's point and seed and the full [`Outcome`]; it is written to a temporary file in
//! the same folder and renamed, so a file is whole or absent.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::unit_error::UnitError;
use crate::run::Outcome;

/// The `format` field of every unit file.
pub const UNIT_FORMAT: &str = "pekonode-unit/1";
/// This program's version, recorded in every unit and required to match at merge.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// This build as reproduce lines name it: version and short revision (`0.1.0 1a2b3c4d5e6f`,
/// `-dirty` appended for an edited checkout; see [`crate::revision::label`]).
pub fn program_label() -> String {
    crate::revision::label()
}

/// Largest unit file read back (an outcome of a million samples fits).
pub const MAX_UNIT_BYTES: u64 = 512 * 1024 * 1024;

/// The shape of the study a unit belongs to: which units there are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum StudyShape {
    /// `pekonode sweep`: `points × seeds_per_point` units, point by point, seeds fastest.
    Sweep {
        /// Points of the grid.
        points: usize,
        /// Seeds per point.
        seeds_per_point: usize,
    },
    /// `pekonode run --seeds`: one unit per seed, `first_seed …`.
    Seeds {
        /// The first seed.
        first_seed: u64,
        /// How many seeds.
        seeds: usize,
    },
}

impl StudyShape {
    /// `sweep`, or `seeds<first>+<count>` (`seeds1+64`): names the study's folder.
    pub fn tag(&self) -> String {
        match *self {
            StudyShape::Sweep { .. } => "sweep".to_string(),
            StudyShape::Seeds { first_seed, seeds } => format!("seeds{first_seed}+{seeds}"),
        }
    }

    /// Units in all.
    pub fn unit_count(&self) -> usize {
        match *self {
            StudyShape::Sweep {
                points,
                seeds_per_point,
            } => points * seeds_per_point,
            StudyShape::Seeds { seeds, .. } => seeds,
        }
    }
}

/// One unit result file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitFile {
    /// Always [`UNIT_FORMAT`].
    pub format: String,
    /// The pekonode version that ran it.
    pub program_version: String,
    /// The revision of the build that ran it ([`crate::revision::build_id`]: git revision,
    /// `-dirty` for an edited checkout); `unknown` in units of older builds, which lack it.
    #[serde(default = "unknown_revision")]
    pub program_revision: String,
    /// The scenario's name.
    pub scenario: String,
    /// [`scenario_hash`] of `scenario_text`.
    pub scenario_hash: String,
    /// The study it belongs to.
    pub study: StudyShape,
    /// Its number among the study's units (`0 …`).
    pub unit: usize,
    /// The sweep point (index into the grid), for a sweep.
    pub point: Option<usize>,
    /// The point's label, e.g. `nodes = 4, forwarding = faithful`.
    pub point_label: Option<String>,
    /// The point's value on each axis.
    pub point_values: Value,
    /// The seed.
    pub seed: u64,
    /// The scenario file as given (merge rebuilds the sweep from it).
    pub scenario_text: String,
    /// The scenario file's path as the reproducing command names it (for `report.html`);
    /// absent in units of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_file: Option<String>,
    /// Everything the run measured.
    pub outcome: Outcome,
}

/// Which unit a file is (or will be): everything but the outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitKey {
    /// The scenario's name.
    pub scenario: String,
    /// [`scenario_hash`] of `scenario_text`.
    pub scenario_hash: String,
    /// The scenario file as given.
    pub scenario_text: String,
    /// The scenario file's path as the reproducing command names it.
    pub scenario_file: Option<String>,
    /// The study.
    pub study: StudyShape,
    /// The unit's number.
    pub unit: usize,
    /// The sweep point, for a sweep.
    pub point: Option<usize>,
    /// The point's label, for a sweep.
    pub point_label: Option<String>,
    /// The point's value on each axis (`[]` without a sweep).
    pub point_values: Value,
    /// The seed.
    pub seed: u64,
}

impl UnitKey {
    /// `p2-s1` or `s5`: the unit's file stem.
    pub fn stem(&self) -> String {
        unit_stem(self.point, self.seed)
    }

    /// The unit file of this unit with what its run measured.
    pub fn into_file(self, outcome: Outcome) -> UnitFile {
        UnitFile {
            format: UNIT_FORMAT.to_string(),
            program_version: VERSION.to_string(),
            program_revision: crate::revision::build_id(),
            scenario: self.scenario,
            scenario_hash: self.scenario_hash,
            study: self.study,
            unit: self.unit,
            point: self.point,
            point_label: self.point_label,
            point_values: self.point_values,
            seed: self.seed,
            scenario_text: self.scenario_text,
            scenario_file: self.scenario_file,
            outcome,
        }
    }
}

impl UnitFile {
    /// `p2-s1` or `s5`: the unit's file stem.
    pub fn stem(&self) -> String {
        unit_stem(self.point, self.seed)
    }

    /// Whether `self` is the unit `key` describes (same format, program version and revision,
    /// scenario hash, study, number, point and seed); the outcome is not compared. A unit of
    /// another revision is not (`--resume` runs it again rather than leave a merge of mixed
    /// revisions).
    pub fn is_unit(&self, key: &UnitKey) -> bool {
        self.format == UNIT_FORMAT
            && self.program_version == VERSION
            && self.program_revision == crate::revision::build_id()
            && self.scenario_hash == key.scenario_hash
            && self.study == key.study
            && self.unit == key.unit
            && self.point == key.point
            && self.seed == key.seed
            && self.outcome.seed == key.seed
    }
}

fn unknown_revision() -> String {
    "unknown".to_owned()
}

/// `p<point>-s<seed>` for a sweep unit, `s<seed>` otherwise.
pub fn unit_stem(point: Option<usize>, seed: u64) -> String {
    match point {
        Some(p) => format!("p{p}-s{seed}"),
        None => format!("s{seed}"),
    }
}

/// Whether `name` is a unit file name (`p3-s2.json`, `s7.json`).
pub fn is_unit_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".json") else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match stem.strip_prefix('p').and_then(|r| r.split_once("-s")) {
        Some((p, s)) => digits(p) && digits(s),
        None => stem.strip_prefix('s').is_some_and(digits),
    }
}

/// 16 hex digits: FNV-1a 64 over the canonical JSON of `text` (keys sorted, compact); of
/// the bytes themselves if `text` is not JSON.
pub fn scenario_hash(text: &[u8]) -> String {
    let canonical = match serde_json::from_slice::<Value>(text) {
        Ok(v) => {
            let mut out = String::new();
            canonical(&v, &mut out);
            out.into_bytes()
        }
        Err(_) => text.to_vec(),
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in canonical {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Compact JSON with every object's keys sorted.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The folder of a study's units under `out`: `out/units/<name>-<hash>-<study>` (see
/// [`StudyShape::tag`]), so two studies of one scenario file (a sweep and `run --seeds`, or
/// `--seeds 8` and `--seeds 64`) sharing one folder never write over each other's units.
pub fn units_dir(out: &Path, name: &str, hash: &str, study: &StudyShape) -> PathBuf {
    out.join("units")
        .join(format!("{name}-{hash}-{}", study.tag()))
}

/// Reads the unit file at `path`: an error if it is not one (corrupt, partial, too large).
pub fn read(path: &Path) -> Result<UnitFile, UnitError> {
    let bytes =
        crate::files::read_bounded(path, MAX_UNIT_BYTES).map_err(|source| UnitError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let unit: UnitFile = serde_json::from_slice(&bytes).map_err(|e| UnitError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if unit.format != UNIT_FORMAT {
        return Err(UnitError::Format {
            path: path.to_path_buf(),
            message: format!("format {:?}, expected {UNIT_FORMAT:?}", unit.format),
        });
    }
    Ok(unit)
}

/// Whether `dir` already holds `key`'s unit, whole (for `--resume`): anything else, a
/// corrupt or partial file or another version's included, is to be run again.
pub fn is_done(dir: &Path, key: &UnitKey) -> bool {
    read(&dir.join(format!("{}.json", key.stem()))).is_ok_and(|u| u.is_unit(key))
}

/// Writes `unit` to `dir/<stem>.json` atomically (a temporary file in `dir`, then a
/// rename), after checking that it reads back exactly. Returns the path.
pub fn write(dir: &Path, unit: &UnitFile) -> Result<PathBuf, UnitError> {
    let path = dir.join(format!("{}.json", unit.stem()));
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| UnitError::Io { path: p, source }
    };
    let text = serde_json::to_string_pretty(unit).map_err(|e| UnitError::Format {
        path: path.clone(),
        message: e.to_string(),
    })?;
    match serde_json::from_str::<UnitFile>(&text) {
        Ok(back) if back == *unit => {}
        _ => return Err(UnitError::NotExact { path }),
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let tmp = dir.join(format!(".{}.json.{}.tmp", unit.stem(), std::process::id()));
    let mut file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_layout_but_not_values() {
        let a = scenario_hash(b"{\"a\": 1, \"b\": [1, 2]}");
        assert_eq!(a, scenario_hash(b"{\r\n  \"b\":[1,2],\r\n  \"a\":1\r\n}"));
        assert_ne!(a, scenario_hash(b"{\"a\": 2, \"b\": [1, 2]}"));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn unit_names_are_recognised() {
        for ok in ["p0-s1.json", "p12-s300.json", "s7.json"] {
            assert!(is_unit_name(ok), "{ok}");
        }
        for no in [
            "sweep.json",
            "summary.json",
            "seeds.csv",
            "p-s1.json",
            "s.json",
            "px-s1.json",
        ] {
            assert!(!is_unit_name(no), "{no}");
        }
    }
}
