use super::*;
use crate::{Infected, Metadata, NodeInfo, PacketKind};

const NOW: u64 = 1_800_000_000_000;

fn key(b: u8) -> Key {
    Key::from_bytes([b; 32])
}

fn packet(name: &str) -> Packet<Endpoint> {
    let me = Endpoint::new("127.0.0.1", 8000);
    Packet {
        kind: PacketKind::Heartbeat,
        node: NodeInfo::new(me.clone(), name),
        infected: Infected::of(me),
        metadata: Metadata::new(b"cluster data", 5),
        lineage: None,
    }
}

/// The receiver the tests seal for.
fn b_end() -> Endpoint {
    Endpoint::new("127.0.0.1", 8001)
}

fn pair(ring: Keyring) -> (Sealed, Sealed) {
    (Sealed::new(ring.clone(), 1), Sealed::new(ring, 2))
}

#[test]
fn a_sealed_packet_round_trips_and_hides_its_content_and_keys() {
    let (mut a, mut b) = pair(Keyring::new(key(3)));
    let p = packet("secret-name");
    let d = a.encode(&p, &b_end(), NOW);
    assert_eq!(d.len(), JsonCodec::new("").encode(&p).len() + OVERHEAD);
    assert_eq!(&d[..2], &[MAGIC, VERSION]);
    let text = String::from_utf8_lossy(&d);
    assert!(!text.contains("secret-name") && !text.contains("SecretKey"));
    assert!(!d.windows(32).any(|w| w == [3u8; 32]));
    assert_eq!(b.decode(&d, NOW).unwrap(), p);
}

#[test]
fn edited_truncated_and_wrong_key_datagrams_are_not_authentic() {
    let (mut a, _) = pair(Keyring::new(key(3)));
    let d = a.encode(&packet("A"), &b_end(), NOW);
    let mut stranger = Sealed::new(Keyring::new(key(4)), 9);
    assert_eq!(stranger.decode(&d, NOW), Err(RejectReason::Unauthentic));
    // Every single-bit edit past the version byte is caught (the header is authenticated;
    // edits of the timestamp may be caught as stale first).
    for i in 2..d.len() {
        let mut edited = d.clone();
        edited[i] ^= 0x01;
        let mut b = Sealed::new(Keyring::new(key(3)), 2);
        let got = b.decode(&edited, NOW);
        assert!(
            matches!(
                got,
                Err(RejectReason::Unauthentic | RejectReason::Stale { .. })
            ),
            "byte {i}: {got:?}"
        );
    }
    let mut b = Sealed::new(Keyring::new(key(3)), 2);
    assert!(matches!(
        b.decode(&d[..d.len() - 1], NOW),
        Err(RejectReason::Unauthentic)
    ));
    assert!(matches!(
        b.decode(&d[..10], NOW),
        Err(RejectReason::Envelope(_))
    ));
}

#[test]
fn replays_and_stale_datagrams_are_refused_and_order_within_the_window_is_free() {
    let (mut a, mut b) = pair(Keyring::new(key(3)));
    let first = a.encode(&packet("A"), &b_end(), NOW);
    let second = a.encode(&packet("A"), &b_end(), NOW);
    assert!(b.decode(&second, NOW).is_ok());
    assert!(b.decode(&first, NOW).is_ok()); // reordered: fine once
    assert_eq!(b.decode(&first, NOW), Err(RejectReason::Replayed));
    assert_eq!(b.decode(&second, NOW + 1_000), Err(RejectReason::Replayed));
    // A datagram captured now and replayed to a node that never saw it, a minute later.
    let mut late = Sealed::new(Keyring::new(key(3)), 5);
    assert_eq!(
        late.decode(&first, NOW + 60_000),
        Err(RejectReason::Stale { skew_ms: -60_000 })
    );
    // A sender whose clock runs ahead of the window.
    let ahead = a.encode(&packet("A"), &b_end(), NOW + 31_000);
    assert_eq!(
        b.decode(&ahead, NOW),
        Err(RejectReason::Stale { skew_ms: 31_000 })
    );
}

#[test]
fn plain_json_and_unknown_versions_are_not_envelopes() {
    let mut b = Sealed::new(Keyring::new(key(3)), 2);
    let json = JsonCodec::new("").encode(&packet("A"));
    assert!(matches!(
        b.decode(&json, NOW),
        Err(RejectReason::Envelope(_))
    ));
    let (mut a, _) = pair(Keyring::new(key(3)));
    let mut v1 = a.encode(&packet("A"), &b_end(), NOW);
    v1[1] = 1;
    let Err(RejectReason::Envelope(why)) = b.decode(&v1, NOW) else {
        panic!("version 1 must be refused as an envelope");
    };
    assert!(why.contains("version 1"), "{why}");
    v1[1] = 3;
    assert!(matches!(b.decode(&v1, NOW), Err(RejectReason::Envelope(_))));
}

#[test]
fn rotation_opens_with_any_installed_key_and_seals_with_the_primary() {
    let (old, new) = (key(1), key(2));
    let mut a = Sealed::new(Keyring::new(old.clone()), 1);
    let mut b = Sealed::new(Keyring::new(old.clone()), 2);
    // 1. install the new key everywhere; 2. use it on A first: B still opens A.
    for s in [&mut a, &mut b] {
        let mut ring = s.keyring().clone();
        ring.install(new.clone()).unwrap();
        s.set_keyring(ring);
    }
    let mut ring = a.keyring().clone();
    ring.use_key(&new).unwrap();
    a.set_keyring(ring);
    assert!(b
        .decode(&a.encode(&packet("A"), &b_end(), NOW), NOW)
        .is_ok());
    assert!(a
        .decode(&b.encode(&packet("B"), &b_end(), NOW), NOW)
        .is_ok());
    // 3. remove the old key from A: B, still sealing with it, is no longer heard.
    let mut ring = a.keyring().clone();
    ring.remove(&old).unwrap();
    a.set_keyring(ring);
    assert_eq!(
        a.decode(&b.encode(&packet("B"), &b_end(), NOW), NOW),
        Err(RejectReason::Unauthentic)
    );
}

#[test]
fn a_datagram_opens_only_at_the_receiver_it_was_sealed_for() {
    let ring = Keyring::new(key(3));
    let mut a = Sealed::new(ring.clone(), 1);
    let c_end = Endpoint::new("127.0.0.1", 8002);
    let mut b = Sealed::new(ring.clone(), 2).for_receivers(&[b_end()]);
    let mut c = Sealed::new(ring, 3).for_receivers(std::slice::from_ref(&c_end));
    // Captured on its way to C, replayed to B: refused unopened, and C still takes it once.
    let to_c = a.encode(&packet("A"), &c_end, NOW);
    assert_eq!(b.decode(&to_c, NOW), Err(RejectReason::OtherReceiver));
    assert!(c.decode(&to_c, NOW).is_ok());
    // Other spellings of B's address are B.
    let mapped = Endpoint::new("::ffff:127.0.0.1", 8001);
    assert!(b.decode(&a.encode(&packet("A"), &mapped, NOW), NOW).is_ok());
}

#[test]
fn what_was_sealed_before_a_restart_stays_refused() {
    let ring = Keyring::new(key(3));
    let mut a = Sealed::new(ring.clone(), 1);
    let captured = a.encode(&packet("A"), &b_end(), NOW);
    // B restarts 5 s later: new replay windows, but it refuses what predates its start.
    let mut restarted = Sealed::new(ring, 9).not_before(NOW + 5_000);
    assert_eq!(
        restarted.decode(&captured, NOW + 6_000),
        Err(RejectReason::BeforeStart { early_ms: 5_000 })
    );
    let fresh = a.encode(&packet("A"), &b_end(), NOW + 6_000);
    assert!(restarted.decode(&fresh, NOW + 6_000).is_ok());
}

#[test]
fn forged_envelopes_cost_one_key_at_most_whatever_the_keyring() {
    // 16 installed keys; a forgery whose hint matches none is refused without decryption,
    // and one carrying a real hint is tried against that key alone.
    let keys: Vec<Key> = (1..=MAX_KEYS as u8).map(key).collect();
    let ring = Keyring::from_keys(keys.clone()).unwrap();
    let mut b = Sealed::new(ring, 2);
    let mut stranger = Sealed::new(Keyring::new(key(200)), 7);
    let mut forged = stranger.encode(&packet("F"), &b_end(), NOW);
    assert_eq!(b.decode(&forged, NOW), Err(RejectReason::Unauthentic));
    let candidates = |d: &[u8]| {
        b.hints
            .iter()
            .filter(|h| h[..] == d[2..2 + HINT_LEN])
            .count()
    };
    assert_eq!(candidates(&forged), 0);
    forged[2..2 + HINT_LEN].copy_from_slice(&key_hint(&keys[9]));
    assert_eq!(candidates(&forged), 1);
    assert_eq!(b.decode(&forged, NOW), Err(RejectReason::Unauthentic));
    // The hint is no key material: it is not any 4 bytes of a key.
    for k in &keys {
        assert!(!k.bytes().windows(HINT_LEN).any(|w| w == key_hint(k)));
    }
}
