//! Mutation fuzzing of the decoders and the node, in both wire modes: no input panics, and
//! the invariants hold (the view stays within its bound, metadata versions within the skew
//! bound, a decoded packet re-encodes to one that decodes the same, and no mutated sealed
//! datagram is ever accepted).
//!
//! Seeded and deterministic: a failure prints the case number and its bytes. CI runs 20,000
//! cases per mode; for a long run (about 10 M datagrams):
//!
//! ```text
//! PEKONODE_FUZZ_CASES=5000000 cargo test --release -p pekonode-proto --test fuzz -- --nocapture
//! ```

use std::time::Duration;

use pekonode_proto::wire::{Endpoint, JsonCodec, Key, Keyring, Sealed};
use pekonode_proto::{
    ChaCha8Rng, Config, Infected, Metadata, Node, NodeInfo, Packet, PacketKind, SeedableRng, Time,
    Trust,
};
use rand::Rng;

/// Unix ms and ns of the fuzzed node's clock at `Time::ZERO`.
const WALL_MS: u64 = 1_800_000_000_000;
const WALL_NS: i64 = WALL_MS as i64 * 1_000_000;

fn cases() -> u64 {
    std::env::var("PEKONODE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// Well-formed packets of every kind: the seeds mutations start from.
fn seeds() -> Vec<Packet<Endpoint>> {
    let ep = |p| Endpoint::new("127.0.0.1", p);
    let mut out = Vec::new();
    for (i, kind) in [
        PacketKind::Heartbeat,
        PacketKind::Update,
        PacketKind::SwapRequest,
        PacketKind::SwapReply,
    ]
    .into_iter()
    .enumerate()
    {
        let from = ep(8000 + i as u16);
        let infected: Infected<Endpoint> = (0..i as u16 * 3).map(|k| ep(9000 + k)).collect();
        out.push(Packet {
            kind,
            node: NodeInfo::new(from.clone(), &format!("node-{i} <&>\n")).with_private_data("p"),
            infected: if kind.is_swap() {
                infected
            } else {
                infected.iter().cloned().chain([from]).collect()
            },
            metadata: Metadata::new(&vec![i as u8; i * 7], WALL_NS + i as i64),
            lineage: None,
        });
    }
    out
}

/// Tokens that stress a JSON decoder where a number or string goes.
const SPLICES: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e400",
    "-0",
    "0.5",
    "65536",
    "null",
    "true",
    "[]",
    "{}",
    "\"\\u0000\\ud800\"",
    "\"\\u001b[31m\"",
    "{\"a\":{\"b\":{\"c\":[[[[]]]]}}}",
];

/// One random mutation of `bytes`.
fn mutate(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>, other: &[u8]) {
    let len = bytes.len();
    match rng.gen_range(0..8) {
        0 if len > 0 => {
            let i = rng.gen_range(0..len);
            bytes[i] ^= 1 << rng.gen_range(0..8);
        }
        1 if len > 0 => {
            let i = rng.gen_range(0..len);
            bytes[i] = rng.gen();
        }
        2 => {
            let i = rng.gen_range(0..=len);
            let junk: Vec<u8> = (0..rng.gen_range(1..8)).map(|_| rng.gen()).collect();
            bytes.splice(i..i, junk);
        }
        3 if len > 0 => {
            let a = rng.gen_range(0..len);
            let b = rng.gen_range(a..=len.min(a + 32));
            bytes.drain(a..b);
        }
        4 if len > 0 => {
            let a = rng.gen_range(0..len);
            let b = rng.gen_range(a..=len.min(a + 64));
            let copy = bytes[a..b].to_vec();
            let at = rng.gen_range(0..=bytes.len());
            bytes.splice(at..at, copy);
        }
        5 if !other.is_empty() => {
            let cut = rng.gen_range(0..=len);
            let from = rng.gen_range(0..other.len());
            bytes.truncate(cut);
            bytes.extend_from_slice(&other[from..]);
        }
        6 => {
            // Replace a number or a string literal with a stressing token.
            let token = SPLICES[rng.gen_range(0..SPLICES.len())].as_bytes();
            let starts: Vec<usize> = (0..len)
                .filter(|&i| bytes[i] == b':' && i + 1 < len)
                .collect();
            if let Some(&at) = starts.get(rng.gen_range(0..starts.len().max(1))) {
                let end = (at + 1..len)
                    .find(|&j| matches!(bytes[j], b',' | b'}'))
                    .unwrap_or(len);
                bytes.splice(at + 1..end, token.iter().copied());
            }
        }
        _ => bytes.truncate(rng.gen_range(0..=len)),
    }
}

fn hardened_node(seed: u64) -> Node<Endpoint> {
    let config = Config {
        trust: Trust {
            max_view: 64,
            ..Trust::HARDENED
        },
        ..Config::default()
    };
    let me = NodeInfo::new(Endpoint::new("127.0.0.1", 7000), "me");
    let mut node = Node::new(me, config, ChaCha8Rng::seed_from_u64(seed), Time::ZERO).unwrap();
    node.set_wall_clock(Time::ZERO, WALL_NS);
    node.join(Time::ZERO);
    node
}

/// The node's invariants after any input.
fn check(node: &mut Node<Endpoint>, now: Time, case: u64, bytes: &[u8]) {
    while node.poll_transmit().is_some() {}
    while node.poll_event().is_some() {}
    let ctx = || format!("case {case}: {:?}", String::from_utf8_lossy(bytes));
    assert!(node.view_len() <= 64, "view past its bound, {}", ctx());
    let limit = WALL_NS + now.as_micros() as i64 * 1_000 + 60_000_000_000;
    assert!(
        node.read().version() <= limit,
        "version past the skew bound, {}",
        ctx()
    );
}

#[test]
fn mutated_json_datagrams_never_panic_and_keep_the_invariants() {
    let codec = JsonCodec::new("");
    let corpus: Vec<Vec<u8>> = seeds().iter().map(|p| codec.encode(p)).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(0x5EED);
    let mut node = hardened_node(1);
    let mut accepted = 0u64;
    for case in 0..cases() {
        let mut bytes = corpus[rng.gen_range(0..corpus.len())].clone();
        let other = &corpus[rng.gen_range(0..corpus.len())];
        for _ in 0..rng.gen_range(1..4) {
            mutate(&mut rng, &mut bytes, other);
        }
        if let Ok(packet) = codec.decode(&bytes) {
            accepted += 1;
            // What we read, we write back as Go would, and read the same again.
            let again = codec.decode(&codec.encode(&packet));
            assert_eq!(again.as_ref(), Ok(&packet), "case {case}: round trip");
        }
        let now = Time::from_millis(case);
        node.handle_datagram(now, &bytes, &codec);
        node.handle_timeout(now);
        check(&mut node, now, case, &bytes);
    }
    // The mutations are not all fatal: some mutated datagrams still decode.
    assert!(accepted > 0);
}

#[test]
fn mutated_sealed_datagrams_are_never_accepted() {
    let ring = Keyring::new(Key::from_bytes([5; 32]));
    let mut sender = Sealed::new(ring.clone(), 1);
    let mut receiver = Sealed::new(ring, 2).with_skew(Duration::from_secs(30));
    let corpus: Vec<Vec<u8>> = seeds()
        .iter()
        .map(|p| sender.encode(p, &p.node.id, WALL_MS))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(0x5EA1);
    let mut node = hardened_node(2);
    for case in 0..cases() {
        let original = &corpus[rng.gen_range(0..corpus.len())];
        let mut bytes = original.clone();
        let other = &corpus[rng.gen_range(0..corpus.len())];
        for _ in 0..rng.gen_range(1..4) {
            mutate(&mut rng, &mut bytes, other);
        }
        let now = Time::from_millis(case % 1_000);
        let wall = WALL_MS + case % 1_000;
        let fresh = corpus.iter().all(|c| *c != bytes);
        let got = receiver.decode(&bytes, wall);
        assert!(
            !(fresh && got.is_ok()),
            "case {case}: a mutated envelope was accepted: {bytes:?}"
        );
        node.handle_datagram_with(now, &bytes, |d| receiver.decode(d, wall));
        check(&mut node, now, case, &bytes);
    }
}
