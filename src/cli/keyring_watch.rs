//! The daemon's keyring file, re-read once a second so that a rotation needs no restart.

use std::path::PathBuf;

use pekonode::keys::{read_keyring, KeyFileError};
use pekonode::udp::NodeList;
use pekonode::wire::Keyring;
use tracing::{info, warn};

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

    /// Reads the file again at once, as asked (SIGHUP): the new keyring (`None` when the file
    /// holds the one in force) or why the file cannot be used, said even if said before.
    pub fn reread(&mut self) -> Result<Option<Keyring>, KeyFileError> {
        match read_keyring(&self.path) {
            Ok(ring) => {
                self.last_error = None;
                if ring == self.current {
                    return Ok(None);
                }
                self.current = ring.clone();
                Ok(Some(ring))
            }
            Err(e) => {
                // The once-a-second look need not say it again.
                self.last_error = Some(e.to_string());
                Err(e)
            }
        }
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

/// The once-a-second look: a changed keyring file goes into `list`; a file that cannot be used
/// is said once, and the keyring in force stays.
pub fn poll_into(watch: Option<&mut KeyringWatch>, list: &NodeList) -> anyhow::Result<()> {
    match watch.and_then(KeyringWatch::poll) {
        Some(Change::Reloaded(ring)) => {
            let keys = ring.keys().len();
            list.set_keyring(ring)?;
            info!(keys, "keyring reloaded");
        }
        Some(Change::Refused(e)) => warn!("{e}; the keyring in force stays"),
        None => {}
    }
    Ok(())
}

/// SIGHUP: re-reads the keyring file at once and says what came of it (nothing to reload
/// without `--keyring`). The node keeps running whatever the file holds.
pub fn reload_into(watch: Option<&mut KeyringWatch>, list: &NodeList) -> anyhow::Result<()> {
    let Some(watch) = watch else {
        info!("SIGHUP: nothing to reload (no --keyring)");
        return Ok(());
    };
    match watch.reread() {
        Ok(Some(ring)) => {
            let keys = ring.keys().len();
            list.set_keyring(ring)?;
            info!(keys, "SIGHUP: keyring reloaded");
        }
        Ok(None) => info!(
            keys = watch.current().keys().len(),
            "SIGHUP: keyring re-read, unchanged"
        ),
        Err(e) => warn!("SIGHUP: {e}; the keyring in force stays"),
    }
    Ok(())
}
