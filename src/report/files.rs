//! Writing report files into one folder, each failure naming its path.

use std::fs;
use std::path::{Path, PathBuf};

use super::charts::figure::{self, Figure};
use super::error::ReportError;

/// A report folder being filled; remembers what it wrote, in order.
pub(crate) struct Folder {
    dir: PathBuf,
    pub(crate) written: Vec<PathBuf>,
    /// Each figure written: its stem and SVG text, for `report.html`.
    pub(crate) svgs: Vec<(String, String)>,
}

impl Folder {
    /// Creates `dir` if needed.
    pub(crate) fn create(dir: &Path) -> Result<Folder, ReportError> {
        fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Folder {
            dir: dir.to_path_buf(),
            written: Vec::new(),
            svgs: Vec::new(),
        })
    }

    /// Writes `name` with `bytes`.
    pub(crate) fn put(&mut self, name: &str, bytes: &[u8]) -> Result<(), ReportError> {
        let path = self.dir.join(name);
        fs::write(&path, bytes).map_err(|source| ReportError::Write {
            path: path.clone(),
            source,
        })?;
        self.written.push(path);
        Ok(())
    }

    /// Writes `value` as pretty JSON with a final newline.
    pub(crate) fn json(
        &mut self,
        name: &str,
        value: &impl serde::Serialize,
    ) -> Result<(), ReportError> {
        let mut text = serde_json::to_string_pretty(value).map_err(|source| ReportError::Json {
            path: self.dir.join(name),
            source,
        })?;
        text.push('\n');
        self.put(name, text.as_bytes())
    }

    /// Writes `figure` as `<stem>.svg` and `<stem>.png`.
    pub(crate) fn figure<F: Figure>(&mut self, stem: &str, f: &F) -> Result<(), ReportError> {
        let (svg, png) = figure::render(f).map_err(|e| ReportError::Chart {
            path: self.dir.join(format!("{stem}.svg")),
            message: e.0,
        })?;
        self.put(&format!("{stem}.svg"), svg.as_bytes())?;
        self.put(&format!("{stem}.png"), &png)?;
        self.svgs.push((stem.to_owned(), svg));
        Ok(())
    }

    /// The figures written so far, to inline into `report.html`.
    pub(crate) fn inline_charts(&self) -> Vec<super::html::InlineChart<'_>> {
        self.svgs
            .iter()
            .map(|(stem, svg)| super::html::InlineChart { stem, svg })
            .collect()
    }
}
