//! The daemon's keyring file, re-read once a second so that a rotation needs no restart.

use std::path::PathBuf;

use pekonode::keys::{read_keyring, KeyFileError};
use pekonode::wire::Keyring;

/// A keyring file and the keyring last taken from it.
pub struct KeyringWatch {
    path: PathBuf,
    current: Keyring,
    /// The last error reported, so a broken file is said once, not every second.
    last_error: Option<String>,
}

/// What a look at the file found.
pub enum Change {
    /// The file holds another valid keyring: use it.
    Reloaded(Keyring),
    /// The file cannot be used now (the running keyring stays); said once per distinct error.
    Refused(KeyFileError),
}

impl KeyringWatch {
    /// Reads the keyring at `path` (an error if it cannot be used) and watches it.
    pub fn open(path: PathBuf) -> Result<KeyringWatch, KeyFileError> {
        let current = read_keyring(&path)?;
        Ok(KeyringWatch {
            path,
            current,
            last_error: None,
        })
    }

    /// The keyring in force.
    pub fn current(&self) -> &Keyring {
        &self.current
    }

    /// Reads the file again: a change to report, or `None` when nothing new.
    pub fn poll(&mut self) -> Option<Change> {
        match read_keyring(&self.path) {
            Ok(ring) => {
                self.last_error = None;
                if ring == self.current {
                    return None;
                }
                self.current = ring.clone();
                Some(Change::Reloaded(ring))
            }
            Err(e) => {
                let text = e.to_string();
                if self.last_error.as_deref() == Some(text.as_str()) {
                    return None;
                }
                self.last_error = Some(text);
                Some(Change::Refused(e))
            }
        }
    }
}
