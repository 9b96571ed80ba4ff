//! `pekonode ab --against REV`: the other build, made from a git revision of the repository
//! this command runs in.
//!
//! The revision is resolved with `git rev-parse`, its tree exported with `git archive` (no
//! worktree is added to the repository) into `<cache>/<revision>/src`, and built there with
//! `cargo build --release` into its own `<cache>/<revision>/target`. The binary is then copied
//! to `<cache>/<revision>/pekonode`, whose presence is what the next call reuses: an
//! interrupted or failed build is started again from a clean export. Only the tree of the
//! revision named is ever built.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

/// The other build: a binary, and how to name it.
pub struct OtherBuild {
    /// The binary to run.
    pub bin: PathBuf,
    /// What the output calls it: `HEAD~3 (1a2b3c4d5e6f)` or the path given.
    pub name: String,
}

/// The top folder of the git repository around the working directory, if there is one.
pub fn repository() -> Option<PathBuf> {
    let top = git(None, &["rev-parse", "--show-toplevel"]).ok()?;
    Some(PathBuf::from(top))
}

/// `revision` of the repository at `repo`, built (or found built) under `cache`.
pub fn build(repo: &Path, revision: &str, cache: &Path) -> anyhow::Result<OtherBuild> {
    if revision.starts_with('-') {
        bail!("--against {revision}: not a revision");
    }
    let sha = git(
        Some(repo),
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        anyhow::anyhow!(
            "--against {revision}: not a commit of the repository at {}",
            repo.display()
        )
    })?;
    let name = format!("{revision} ({})", &sha[..sha.len().min(12)]);
    let home = cache.join(&sha);
    let bin = home.join("pekonode");
    if bin.is_file() {
        errln!("ab: {name}: built before ({})", bin.display());
        return Ok(OtherBuild { bin, name });
    }
    let src = home.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src)
            .with_context(|| format!("cannot clear {} for a fresh export", src.display()))?;
    }
    std::fs::create_dir_all(&src).with_context(|| format!("cannot create {}", src.display()))?;
    errln!("ab: exporting {name} to {}", src.display());
    export(repo, &sha, &src)?;
    let log = home.join("build.log");
    errln!(
        "ab: building {name} (cargo build --release; minutes the first time; log: {})",
        log.display()
    );
    cargo_build(&src, &home.join("target"), &sha, &log)
        .with_context(|| format!("cannot build {name}"))?;
    let built = home.join("target/release/pekonode");
    std::fs::copy(&built, &bin)
        .with_context(|| format!("cannot copy {} to {}", built.display(), bin.display()))?;
    Ok(OtherBuild { bin, name })
}

/// `git archive SHA | tar -x -C DEST`.
fn export(repo: &Path, sha: &str, dest: &Path) -> anyhow::Result<()> {
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", sha])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run git (is it installed?)")?;
    let Some(tar_input) = archive.stdout.take() else {
        bail!("git archive gave no output");
    };
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dest)
        .stdin(tar_input)
        .stderr(Stdio::piped())
        .output()
        .context("cannot run tar (is it installed?)")?;
    let archived = archive.wait_with_output().context("git archive failed")?;
    if !archived.status.success() {
        bail!("git archive {sha} failed: {}", last_line(&archived.stderr));
    }
    if !untar.status.success() {
        bail!(
            "tar -x into {} failed: {}",
            dest.display(),
            last_line(&untar.stderr)
        );
    }
    Ok(())
}

/// `cargo build --release --bin pekonode` in `src` into `target`, its output in `log`. The
/// revision is passed to the build (`PEKONODE_BUILD_REVISION`): the export has no `.git`.
fn cargo_build(src: &Path, target: &Path, sha: &str, log: &Path) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let log_file =
        std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let status = Command::new(&cargo)
        .current_dir(src)
        .args(["build", "--release", "--bin", "pekonode", "--target-dir"])
        .arg(target)
        .env("PEKONODE_BUILD_REVISION", sha)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::null())
        .stderr(log_file)
        .status()
        .with_context(|| format!("cannot run {}", cargo.to_string_lossy()))?;
    if !status.success() {
        let text = log_tail(log);
        bail!(
            "cargo build --release failed ({status}): {} (log: {})",
            last_error(&text),
            log.display()
        );
    }
    Ok(())
}

/// The last 64 KiB of the build log, where cargo's error is: a failed build of a large tree can
/// log megabytes, and only its end is shown.
fn log_tail(log: &Path) -> Vec<u8> {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 64 * 1024;
    let Ok(mut file) = std::fs::File::open(log) else {
        return Vec::new();
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let mut text = Vec::new();
    if file.seek(SeekFrom::Start(len.saturating_sub(TAIL))).is_ok() {
        let _ = file.take(TAIL).read_to_end(&mut text);
    }
    text
}

/// `git ARGS` (in `repo`, or the working directory): its trimmed stdout, or an error with the
/// last line git wrote.
fn git(repo: Option<&Path>, args: &[&str]) -> anyhow::Result<String> {
    let mut cmd = Command::new("git");
    if let Some(repo) = repo {
        cmd.arg("-C").arg(repo);
    }
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!("git {} failed: {}", args.join(" "), last_line(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The last non-empty line of a tool's output.
pub fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no output)")
        .trim()
        .to_owned()
}

/// cargo's first `error…` line, else its last line.
fn last_error(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .find(|l| l.starts_with("error"))
        .map_or_else(|| last_line(bytes), |l| l.trim().to_owned())
}
