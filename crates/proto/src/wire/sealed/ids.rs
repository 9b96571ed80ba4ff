//! The envelope's two public identifiers: a key hint and a receiver tag, each a truncated
//! SHA-256 under its own domain label, so neither a key nor an address travels in clear.

use sha2::{Digest, Sha256};

use super::keyring::Key;
use crate::wire::Endpoint;

/// Bytes of the key hint.
pub const HINT_LEN: usize = 4;
/// Bytes of the receiver tag.
pub const RECEIVER_LEN: usize = 8;

/// The hint of `key`: which installed key to try first. 32 bits of a one-way hash of the key
/// (no key material); a forged hint that matches no key costs a receiver no decryption, and
/// one that matches costs one, however many keys are installed.
pub fn key_hint(key: &Key) -> [u8; HINT_LEN] {
    let mut h = Sha256::new();
    h.update(b"pekonode sealed v2 key hint\0");
    h.update(key.bytes());
    let digest = h.finalize();
    let mut out = [0u8; HINT_LEN];
    out.copy_from_slice(&digest[..HINT_LEN]);
    out
}

/// The tag of receiver `to`: the receiver a datagram is sealed for, authenticated with it.
///
/// Computed (without any lookup: `core::net` only parses) over a canonical text of the endpoint, so that spellings of one address agree:
/// IP literals in their canonical form (IPv4-mapped IPv6 as IPv4, no brackets), host names in
/// lower case, then `:port`.
pub fn receiver_tag(to: &Endpoint) -> [u8; RECEIVER_LEN] {
    let host = to.addr();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let host = match host.parse::<core::net::IpAddr>() {
        Ok(ip) => ip.to_canonical().to_string(),
        Err(_) => host.to_ascii_lowercase(),
    };
    let mut h = Sha256::new();
    h.update(b"pekonode sealed v2 receiver\0");
    h.update(host.as_bytes());
    h.update(b":");
    h.update(to.port().to_string().as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; RECEIVER_LEN];
    out.copy_from_slice(&digest[..RECEIVER_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_receiver_share_a_tag_and_others_do_not() {
        let tag = receiver_tag(&Endpoint::new("127.0.0.1", 8000));
        assert_eq!(tag, receiver_tag(&Endpoint::new("::ffff:127.0.0.1", 8000)));
        assert_eq!(
            tag,
            receiver_tag(&Endpoint::new("[::ffff:127.0.0.1]", 8000))
        );
        assert_ne!(tag, receiver_tag(&Endpoint::new("127.0.0.1", 8001)));
        assert_ne!(tag, receiver_tag(&Endpoint::new("127.0.0.2", 8000)));
        assert_eq!(
            receiver_tag(&Endpoint::new("Node-A.example", 1)),
            receiver_tag(&Endpoint::new("node-a.example", 1))
        );
    }

    #[test]
    fn hints_differ_between_keys_and_carry_no_key_bytes() {
        let (a, b) = (Key::from_bytes([1; 32]), Key::from_bytes([2; 32]));
        assert_ne!(key_hint(&a), key_hint(&b));
        assert_ne!(key_hint(&a), [1; HINT_LEN]);
    }
}
