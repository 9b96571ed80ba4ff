//! Reading the files people hand the CLI (scenarios, baselines, captured datagrams) with a
//! size cap: a path to `/dev/zero`, a FIFO or a multi-gigabyte file is an error naming the
//! limit, never an unbounded read or a read that blocks forever.

use std::io::Read;
use std::path::Path;

/// Reads the regular file at `path`, refusing anything else (a device, a FIFO, a directory)
/// and any file longer than `max` bytes, with an error that says which limit was hit.
///
/// ```
/// let dir = std::env::temp_dir().join("pekonode-files-doc");
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("small.json");
/// std::fs::write(&path, b"{}").unwrap();
/// assert_eq!(pekonode::files::read_bounded(&path, 16).unwrap(), b"{}");
/// assert!(pekonode::files::read_bounded(&path, 1).is_err());
/// assert!(pekonode::files::read_bounded(std::path::Path::new("/dev/zero"), 16).is_err());
/// ```
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    ensure_regular(path)?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {max} bytes, the most this command reads"),
        ));
    }
    Ok(bytes)
}

/// An error unless `path` is a regular file. Asked before opening: opening a FIFO with no
/// writer would block, and a device such as `/dev/zero` never ends.
pub fn ensure_regular(path: &Path) -> std::io::Result<()> {
    if std::fs::metadata(path)?.is_file() {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a device, FIFO or directory cannot be read as one)",
        ))
    }
}
