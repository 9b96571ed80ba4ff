//! The report layer's error type: every variant names the path that failed.

use std::io;
use std::path::PathBuf;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The report folder could not be created.
    #[error("cannot create report folder {}: {source}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// A report file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// The summary could not be serialized to JSON.
    #[error("cannot serialize the summary for {}: {source}", path.display())]
    Json {
        /// The file it was meant for.
        path: PathBuf,
        /// The underlying serde error.
        source: serde_json::Error,
    },
    /// A chart could not be drawn.
    #[error("cannot draw chart {}: {message}", path.display())]
    Chart {
        /// The file it was meant for.
        path: PathBuf,
        /// What the drawing library reported.
        message: String,
    },
    /// A bitmap could not be encoded as PNG.
    #[error("cannot encode PNG {}: {message}", path.display())]
    Png {
        /// The file it was meant for.
        path: PathBuf,
        /// What the encoder reported.
        message: String,
    },
}
