//! Which build this is: the program version and the git revision it was built from (captured
//! by the root crate's `build.rs`), for `--version`, the reproduce lines, `provenance.json`
//! beside every report and the unit files of sharded studies.
//!
//! Two builds of one version differ in their revision; an edited checkout is *dirty*. Without
//! git (a crate package, a source tarball) the revision is `unknown`.

/// The program version (`Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git revision built (40 hex digits), or `unknown`.
pub const REVISION: &str = env!("PEKONODE_REVISION");

/// `true` if the checkout had changes when built, `false` if clean, `unknown` with no revision.
pub const DIRTY: &str = env!("PEKONODE_DIRTY");

/// `pekonode --version`'s text after the name, e.g. `0.1.0 (rev 1a2b3c4d5e6f, dirty)`.
pub const LONG_VERSION: &str = const_format_long();

// `concat!` takes literals only; `env!` is one, so the variants are spelled out.
const fn const_format_long() -> &'static str {
    if is_dirty() {
        concat!(
            env!("CARGO_PKG_VERSION"),
            " (rev ",
            env!("PEKONODE_REVISION"),
            ", dirty)"
        )
    } else {
        concat!(
            env!("CARGO_PKG_VERSION"),
            " (rev ",
            env!("PEKONODE_REVISION"),
            ")"
        )
    }
}

const fn is_dirty() -> bool {
    matches!(DIRTY.as_bytes(), b"true")
}

/// Whether the checkout had changes when built.
pub fn dirty() -> bool {
    is_dirty()
}

/// This build's revision as unit files record it and merges compare it: the revision, with
/// `-dirty` after it for an edited checkout (`1a2b…-dirty`), or `unknown`.
pub fn build_id() -> String {
    id(REVISION, dirty())
}

/// The revision id of `revision` (`unknown` stays so), `-dirty` appended if `dirty`.
pub fn id(revision: &str, dirty: bool) -> String {
    if dirty && revision != "unknown" {
        format!("{revision}-dirty")
    } else {
        revision.to_owned()
    }
}

/// A revision id shortened for a line of text: 12 hex digits (`-dirty` kept).
pub fn short(id: &str) -> String {
    let first = |rev: &str| rev.chars().take(12).collect::<String>();
    match id.split_once('-') {
        Some((rev, rest)) => format!("{}-{rest}", first(rev)),
        None => first(id),
    }
}

/// What a reproduce line names the build by: `0.1.0 1a2b3c4d5e6f` (`-dirty` appended when so).
pub fn label() -> String {
    format!("{VERSION} {}", short(&build_id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_their_short_forms() {
        let rev = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(id(rev, false), rev);
        assert_eq!(id(rev, true), format!("{rev}-dirty"));
        assert_eq!(id("unknown", true), "unknown");
        assert_eq!(short(rev), "0123456789ab");
        assert_eq!(short(&id(rev, true)), "0123456789ab-dirty");
        assert_eq!(short("unknown"), "unknown");
    }

    #[test]
    fn the_build_has_a_revision_or_says_it_has_none() {
        let ok = REVISION == "unknown"
            || (REVISION.len() == 40 && REVISION.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(ok, "{REVISION}");
        assert!(["true", "false", "unknown"].contains(&DIRTY));
        assert!(LONG_VERSION.starts_with(VERSION));
        assert!(LONG_VERSION.contains(REVISION));
    }
}
