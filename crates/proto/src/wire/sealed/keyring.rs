//! Keys and the keyring: one primary key seals, every installed key opens.

use base64::Engine;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of a key in bytes (XChaCha20-Poly1305 takes 256-bit keys).
pub const KEY_LEN: usize = 32;

/// Most keys a keyring holds: each received datagram may be tried against every one.
pub const MAX_KEYS: usize = 16;

/// A 256-bit secret key. Its bytes are wiped when it is dropped and never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Key([u8; KEY_LEN]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    /// A key of these bytes (take them from a cryptographic random source).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Key {
        Key(bytes)
    }

    /// A key written as standard base64 of 32 bytes (what [`to_base64`](Key::to_base64) and
    /// `pekonode keygen` write).
    pub fn from_base64(text: &str) -> Result<Key, KeyringError> {
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| KeyringError::NotBase64)?;
        let key = <[u8; KEY_LEN]>::try_from(bytes.as_slice())
            .map(Key)
            .map_err(|_| KeyringError::WrongLength(bytes.len()));
        bytes.zeroize();
        key
    }

    /// The key as standard base64.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

/// Why a key or keyring is refused. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    /// A key is not standard base64.
    #[error("a key is not base64")]
    NotBase64,
    /// A key does not decode to 32 bytes.
    #[error("a key decodes to {0} bytes, not 32")]
    WrongLength(usize),
    /// The keyring has no key.
    #[error("the keyring has no key")]
    Empty,
    /// The keyring has more than [`MAX_KEYS`] keys.
    #[error("the keyring has more than {MAX_KEYS} keys")]
    TooMany,
    /// A key is listed twice.
    #[error("a key is listed twice")]
    Duplicate,
    /// Line `line` of a keyring file is not a key.
    #[error("line {line}: {source}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        source: Box<KeyringError>,
    },
    /// The key to use or remove is not installed.
    #[error("that key is not installed")]
    NotInstalled,
    /// The primary key cannot be removed: make another key primary first.
    #[error("the primary key cannot be removed (use another key first)")]
    RemovePrimary,
}

/// The keys of a sealed cluster: the **primary** seals every datagram this node sends; every
/// installed key (primary included) opens. Rotation without downtime, as Serf's keyring:
/// install the new key on every node, then use it (make it primary) on every node, then remove
/// the old one.
///
/// ```
/// use pekonode_proto::wire::{Key, Keyring};
/// let old = Key::from_bytes([1; 32]);
/// let new = Key::from_bytes([2; 32]);
/// let mut ring = Keyring::new(old.clone());
/// ring.install(new.clone()).unwrap();
/// ring.use_key(&new).unwrap();
/// ring.remove(&old).unwrap();
/// assert_eq!(ring.primary(), &new);
/// // The file format: one base64 key per line, the primary first; '#' starts a comment.
/// let text = format!("# rotated 2026-11-27\n{}\n", new.to_base64());
/// assert_eq!(Keyring::parse(&text).unwrap(), ring);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyring {
    /// The primary first.
    keys: Vec<Key>,
}

impl Keyring {
    /// A keyring of one key, the primary.
    pub fn new(primary: Key) -> Keyring {
        Keyring {
            keys: vec![primary],
        }
    }

    /// A keyring of `keys`, the first primary.
    pub fn from_keys(keys: Vec<Key>) -> Result<Keyring, KeyringError> {
        if keys.is_empty() {
            return Err(KeyringError::Empty);
        }
        if keys.len() > MAX_KEYS {
            return Err(KeyringError::TooMany);
        }
        for (i, k) in keys.iter().enumerate() {
            if keys[..i].contains(k) {
                return Err(KeyringError::Duplicate);
            }
        }
        Ok(Keyring { keys })
    }

    /// Parses a keyring file: one base64 key per line, the primary first; blank lines and
    /// lines starting with `#` are ignored.
    pub fn parse(text: &str) -> Result<Keyring, KeyringError> {
        let mut keys = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = Key::from_base64(line).map_err(|e| KeyringError::Line {
                line: i + 1,
                source: Box::new(e),
            })?;
            keys.push(key);
        }
        Keyring::from_keys(keys)
    }

    /// The keyring in the file format [`parse`](Keyring::parse) reads.
    pub fn to_text(&self) -> String {
        self.keys.iter().map(|k| k.to_base64() + "\n").collect()
    }

    /// The key that seals.
    pub fn primary(&self) -> &Key {
        &self.keys[0]
    }

    /// Every installed key, the primary first.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Installs `key` to open with (it does not seal until [`use_key`](Keyring::use_key)).
    /// Installing a key already there does nothing.
    pub fn install(&mut self, key: Key) -> Result<(), KeyringError> {
        if self.keys.contains(&key) {
            return Ok(());
        }
        if self.keys.len() >= MAX_KEYS {
            return Err(KeyringError::TooMany);
        }
        self.keys.push(key);
        Ok(())
    }

    /// Makes the installed `key` the primary.
    pub fn use_key(&mut self, key: &Key) -> Result<(), KeyringError> {
        let i = self
            .keys
            .iter()
            .position(|k| k == key)
            .ok_or(KeyringError::NotInstalled)?;
        self.keys[..=i].rotate_right(1);
        Ok(())
    }

    /// Removes the installed `key`, which must not be the primary.
    pub fn remove(&mut self, key: &Key) -> Result<(), KeyringError> {
        let i = self
            .keys
            .iter()
            .position(|k| k == key)
            .ok_or(KeyringError::NotInstalled)?;
        if i == 0 {
            return Err(KeyringError::RemovePrimary);
        }
        self.keys.remove(i);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_with_bad_lines_name_the_line_and_never_echo_a_key() {
        let good = Key::from_bytes([7; 32]).to_base64();
        let err = Keyring::parse(&format!("{good}\nnot-a-key!\n")).unwrap_err();
        assert_eq!(err.to_string(), "line 2: a key is not base64");
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 16]);
        let err = Keyring::parse(&short).unwrap_err();
        assert_eq!(err.to_string(), "line 1: a key decodes to 16 bytes, not 32");
        assert_eq!(Keyring::parse("# nothing\n\n"), Err(KeyringError::Empty));
        assert_eq!(
            Keyring::parse(&format!("{good}\n{good}")),
            Err(KeyringError::Duplicate)
        );
        assert_eq!(format!("{:?}", Key::from_bytes([9; 32])), "Key(..)");
    }

    #[test]
    fn rotation_keeps_one_primary_and_refuses_to_remove_it() {
        let (a, b) = (Key::from_bytes([1; 32]), Key::from_bytes([2; 32]));
        let mut ring = Keyring::new(a.clone());
        assert_eq!(ring.use_key(&b), Err(KeyringError::NotInstalled));
        ring.install(b.clone()).unwrap();
        ring.install(b.clone()).unwrap();
        assert_eq!(ring.keys().len(), 2);
        assert_eq!(ring.primary(), &a);
        assert_eq!(ring.remove(&a), Err(KeyringError::RemovePrimary));
        ring.use_key(&b).unwrap();
        assert_eq!(ring.keys(), &[b.clone(), a.clone()]);
        ring.remove(&a).unwrap();
        assert_eq!(Keyring::parse(&ring.to_text()).unwrap(), ring);
        let full: Vec<Key> = (0..=MAX_KEYS as u8)
            .map(|i| Key::from_bytes([i; 32]))
            .collect();
        assert_eq!(Keyring::from_keys(full), Err(KeyringError::TooMany));
    }
}
