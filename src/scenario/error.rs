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
    /// A problem at `path` with `message`; quoted pieces of the file's text in `message`
    /// longer than [`ECHO_CHARS`] are cut ([`echo`]).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: echo(&path.into()),
            message: cap_tokens(&cap_quoted(&message.into())),
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
            p => echo(&p),
        };
        let inner = err.into_inner();
        let (line, column) = (inner.line(), inner.column());
        let message = cap_quoted(&strip_position(&inner.to_string()));
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

/// Longest piece of the user's text an error repeats, in characters.
pub const ECHO_CHARS: usize = 64;

/// `text` as an error repeats it: whole up to [`ECHO_CHARS`] characters, else its start and
/// its length (a 10 KB name in a file must not come back as a 10 KB error line).
///
/// ```
/// use pekonode::scenario::echo;
/// assert_eq!(echo("n1"), "n1");
/// let long = "x".repeat(10_000);
/// assert_eq!(echo(&long), format!("{}… (10000 bytes)", "x".repeat(64)));
/// ```
pub fn echo(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
    }
}

/// `message` with every quoted piece (between backticks or double quotes) longer than
/// [`ECHO_CHARS`] cut by [`echo`]: the JSON parser repeats unknown names and values whole.
fn cap_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = &rest[open..open + 1];
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        match rest.find(quote) {
            Some(close) => {
                out.push_str(&echo(&rest[..close]));
                out.push_str(quote);
                rest = &rest[close + 1..];
            }
            None => {
                out.push_str(&echo(rest));
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `message` with every run of non-space text longer than [`ECHO_CHARS`] + 16 bytes cut by
/// [`echo`]: a backstop for names quoted any other way ('n1') or not at all. No word of an
/// error's own text is that long.
fn cap_tokens(message: &str) -> String {
    if message.split(' ').all(|t| t.len() <= ECHO_CHARS + 16) {
        return message.to_string();
    }
    let capped: Vec<String> = message
        .split(' ')
        .map(|t| {
            if t.len() > ECHO_CHARS + 16 {
                echo(t)
            } else {
                t.to_string()
            }
        })
        .collect();
    capped.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_pieces_of_the_file_are_cut_in_errors() {
        let name = "y".repeat(10_000);
        let p = Problem::new(
            "events[0].crash.node",
            format!("there is no node named '{name}'; ok"),
        );
        assert!(p.message.len() < 200, "{}", p.message);
        assert!(p.message.ends_with("(10003 bytes) ok"), "{}", p.message);
        let quoted = cap_quoted(&format!("unknown field `{name}`, expected `a`"));
        assert_eq!(
            quoted,
            format!(
                "unknown field `{}… (10000 bytes)`, expected `a`",
                &name[..64]
            )
        );
        let short = "at most 64 characters: \"n1\" and 'n2' stay whole";
        assert_eq!(Problem::new("x", short).message, short);
        // A multi-byte name is cut on a character boundary.
        assert_eq!(
            echo(&"é".repeat(100)),
            format!("{}… (200 bytes)", "é".repeat(64))
        );
    }
}
