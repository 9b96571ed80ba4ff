//! Records which git revision this program is built from, for `--version`, the reproduce lines,
//! `provenance.json` beside every report and the unit files of sharded studies (src/revision.rs).
//!
//! Sets, for the root crate:
//! - `PEKONODE_REVISION`: `git rev-parse HEAD` (40 hex digits), or `unknown` without git, out of
//!   a git checkout (a crate package, a source tarball) or when git fails;
//! - `PEKONODE_DIRTY`: `true` when `git status --porcelain` lists a change to a tracked file
//!   or an untracked one, `false` when clean, `unknown` with the revision unknown.
//!
//! `PEKONODE_BUILD_REVISION` set in the environment of the build wins over git (a tree exported
//! with `git archive`, as `pekonode ab` builds another revision, has no `.git`): a revision,
//! clean. No dependency: git is run as a process, and its absence is not an error.
//!
//! It runs again only when HEAD moves (a commit, a checkout), when the sources that go into the
//! binary change (which rebuilds the crate anyway) or when the override changes, so an edit to
//! the docs or the tests does not rebuild the program; the dirty flag is thus as of the last
//! change to those sources.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Sources whose change makes the build dirty and rebuilds the crate anyway.
const WATCHED: &[&str] = &[
    "src",
    "crates",
    "assets",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-env-changed=PEKONODE_BUILD_REVISION");
    for path in WATCHED {
        println!("cargo:rerun-if-changed={path}");
    }
    let (revision, dirty) = match std::env::var("PEKONODE_BUILD_REVISION") {
        Ok(rev) if is_revision(rev.trim()) => (rev.trim().to_owned(), "false".to_owned()),
        _ => from_git(&root).unwrap_or_else(|| ("unknown".to_owned(), "unknown".to_owned())),
    };
    println!("cargo:rustc-env=PEKONODE_REVISION={revision}");
    println!("cargo:rustc-env=PEKONODE_DIRTY={dirty}");
}

/// 40 lowercase hex digits.
fn is_revision(text: &str) -> bool {
    text.len() == 40
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The revision and dirty flag of the checkout at `root`, if it is one (its own `.git`, a
/// folder or a worktree's file: a package unpacked inside some other repository is not).
fn from_git(root: &Path) -> Option<(String, String)> {
    if !root.join(".git").exists() {
        return None;
    }
    // HEAD and the ref it points to, wherever this checkout keeps them (a worktree's HEAD is
    // under the main repository's .git/worktrees/, its refs in the common folder).
    for file in ["HEAD", "packed-refs"] {
        watch(root, &git(root, &["rev-parse", "--git-path", file])?);
    }
    if let Some(reference) = git(root, &["symbolic-ref", "-q", "HEAD"]) {
        watch(root, &git(root, &["rev-parse", "--git-path", &reference])?);
    }
    let revision = git(root, &["rev-parse", "HEAD"])?;
    if !is_revision(&revision) {
        return None;
    }
    let status = git(root, &["status", "--porcelain"])?;
    let dirty = if status.is_empty() { "false" } else { "true" };
    Some((revision, dirty.to_owned()))
}

/// Watches `path` (relative to `root` or absolute) if it exists: cargo reruns a build script
/// on every build when a watched file is missing (a ref packed into packed-refs, say).
fn watch(root: &Path, path: &str) {
    let path = Path::new(path);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// `git ARGS` in `root`: its trimmed stdout, or `None` if it cannot run or fails.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_owned())
}
