//! Typed errors of scenario loading: each names the file, the JSON path and, where the parser
//! knows it, the line and column.

use std::fmt;

/// Why a scenario file could not be loaded.
///
/// Every variant names the file (as given to [`Scenario::from_path`] or the label given to
/// [`Scenario::from_str_named`]). Loading has no side effects, so an error leaves nothing behind.
///
/// [`Scenario::from_path`]: super::Scenario::from_path
/// [`Scenario::from_str_named`]: super::Scenario::from_str_named
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read (missing, unreadable, a folder, ...).
    #[error("{file}: cannot read the scenario file: {source}")]
    Io {
        /// The file that was being read.
        file: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The file is larger than any scenario needs ([`MAX_FILE_BYTES`](super::MAX_FILE_BYTES)).
    #[error("{file}: the scenario file is {bytes} bytes; at most {max} bytes are accepted")]
    TooLarge {
        /// The file that was being read.
        file: String,
        /// Its size in bytes.
        bytes: u64,
        /// The largest accepted size in bytes.
        max: u64,
    },

    /// The text is not JSON (a missing comma, an unclosed brace, text that ends early, ...).
    #[error("{file}:{line}:{column}: JSON syntax error: {message}")]
    Syntax {
        /// The file the text came from.
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },

    /// The text is JSON but does not fit the schema: an unknown field, a missing field, a value
    /// of the wrong type or out of the type's range.
    #[error("{file}:{line}:{column}: at `{path}`: {message}")]
    Schema {
        /// The file the text came from.
        file: String,
        /// JSON path of the offending value, e.g. `events[3].crash.node`.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong and what is allowed.
        message: String,
    },

    /// The scenario fits the schema but makes no sense (loss 1.5, an event after the end, a node
    /// that does not exist, a size the machine cannot hold, ...). All problems found are listed.
    #[error("{}", Problems { file, problems })]
    Invalid {
        /// The file the scenario came from.
        file: String,
        /// Every problem found, in document order; never empty.
        problems: Vec<Problem>,
    },
}

/// One semantic problem of a scenario: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON path of the offending value, e.g. `network.loss` or `events[2].partition.groups[1]`.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    /// A problem at `path` with `message`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

/// Display helper: one line per problem, each prefixed with the file.
struct Problems<'a> {
    file: &'a str,
    problems: &'a [Problem],
}

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", self.file, problem)?;
        }
        Ok(())
    }
}

impl ScenarioError {
    /// The file (or label) the error is about.
    pub fn file(&self) -> &str {
        match self {
            Self::Io { file, .. }
            | Self::TooLarge { file, .. }
            | Self::Syntax { file, .. }
            | Self::Schema { file, .. }
            | Self::Invalid { file, .. } => file,
        }
    }

    /// Turns a `serde_json` error wrapped by `serde_path_to_error` into a typed error.
    pub(crate) fn from_json(
        file: &str,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> Self {
        let path = match err.path().to_string() {
            p if p == "." || p.is_empty() => "(top level)".to_string(),
            p => p,
        };
        let inner = err.into_inner();
        let (line, column) = (inner.line(), inner.column());
        let message = strip_position(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Data => Self::Schema {
                file: file.to_string(),
                path,
                line,
                column,
                message,
            },
            _ => Self::Syntax {
                file: file.to_string(),
                line,
                column,
                message,
            },
        }
    }
}

/// serde_json appends " at line L column C" to its messages; we print the position up front.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
