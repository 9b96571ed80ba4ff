//! Keyring files for sealed mode: creating keys, reading a keyring file safely.
//!
//! A keyring file holds one base64 key per line, the primary (sealing) key first; blank lines
//! and `#` comments are ignored. It must be a regular file of at most 4 KiB that only its
//! owner can read or write (mode 0600 or stricter), as ssh demands of private keys.

use std::path::Path;

use crate::wire::sealed::KEY_LEN;
use crate::wire::{Key, Keyring, KeyringError};

/// Largest keyring file read: 16 keys of 44 characters with comments fit many times over.
pub const MAX_KEYRING_FILE: u64 = 4096;

/// Why a keyring file cannot be used. Messages name the file, never a key.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// The file cannot be read (missing, not a regular file, too large).
    #[error("keyring {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Group or others may read or write the file.
    #[error(
        "keyring {path} is accessible to group or others (mode {mode:04o}): \
         run `chmod 600 {path}`"
    )]
    Permissions {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The file is not UTF-8 text.
    #[error("keyring {path}: not UTF-8 text")]
    NotText {
        /// The file.
        path: String,
    },
    /// The text is not a keyring.
    #[error("keyring {path}: {source}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        source: KeyringError,
    },
    /// The operating system gave no random bytes.
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
}

/// A new key from the operating system's cryptographic random source.
pub fn random_key() -> Result<Key, KeyFileError> {
    let mut bytes = [0u8; KEY_LEN];
    getrandom::fill(&mut bytes).map_err(|e| KeyFileError::Random(e.to_string()))?;
    Ok(Key::from_bytes(bytes))
}

/// Reads the keyring file at `path`, checking its permissions first.
pub fn read_keyring(path: &Path) -> Result<Keyring, KeyFileError> {
    let name = path.display().to_string();
    let read_err = |source| KeyFileError::Read {
        path: name.clone(),
        source,
    };
    crate::files::ensure_regular(path).map_err(read_err)?;
    check_private(path, &name)?;
    let bytes = crate::files::read_bounded(path, MAX_KEYRING_FILE).map_err(read_err)?;
    let text =
        String::from_utf8(bytes).map_err(|_| KeyFileError::NotText { path: name.clone() })?;
    Keyring::parse(&text).map_err(|source| KeyFileError::Invalid { path: name, source })
}

#[cfg(unix)]
fn check_private(path: &Path, name: &str) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|source| KeyFileError::Read {
            path: name.to_string(),
            source,
        })?
        .permissions()
        .mode()
        & 0o7777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::Permissions {
            path: name.to_string(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path, _: &str) -> Result<(), KeyFileError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn a_private_file_is_read_and_a_shared_one_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let key = random_key().unwrap();
        let text = format!("# primary\n{}\n", key.to_base64());
        let ok = write(dir.path(), "ok", &text, 0o600);
        assert_eq!(read_keyring(&ok).unwrap().primary(), &key);
        let shared = write(dir.path(), "shared", &text, 0o644);
        let err = read_keyring(&shared).unwrap_err().to_string();
        assert!(
            err.contains("mode 0644") && err.contains("chmod 600"),
            "{err}"
        );
        assert!(!err.contains(&key.to_base64()));
        let bad = write(dir.path(), "bad", "hunter2\n", 0o600);
        let err = read_keyring(&bad).unwrap_err().to_string();
        assert!(err.ends_with("line 1: a key is not base64"), "{err}");
        assert!(read_keyring(Path::new("/dev/zero")).is_err());
    }

    #[test]
    fn random_keys_differ() {
        assert_ne!(random_key().unwrap(), random_key().unwrap());
    }
}
