//! Thousands of malformed datagrams: the decoder and a node reject every one with a reason and
//! never panic; the node's view and metadata are untouched.

use pekonode::protocol::{Config, Event, Node, NodeInfo, RejectReason, Time};
use pekonode::wire::{Endpoint, JsonCodec};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const GOLDEN: [&str; 5] = [
    "heartbeat.json",
    "heartbeat-forwarded.json",
    "update.json",
    "swap-request.json",
    "swap-reply.json",
];

fn golden(name: &str) -> String {
    let path = format!(
        "{}/tests/golden/go-pekonode-1.0.8/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Field values swapped for ones Go (or a sane node) must refuse.
const MUTATIONS: &[(&str, &str)] = &[
    (r#""Port":39601"#, r#""Port":70000"#),
    (r#""Port":39601"#, r#""Port":-1"#),
    (r#""Port":39601"#, r#""Port":"39601""#),
    (r#""Port":39601"#, r#""Port":39601.5"#),
    (r#""Port":39601"#, r#""Port":null"#),
    (r#""IsSwap":0"#, r#""IsSwap":300"#),
    (r#""IsSwap":0"#, r#""IsSwap":"0""#),
    (r#""IsSwap":0"#, r#""IsSwap":1e2"#),
    (r#""IsUpdate":false"#, r#""IsUpdate":0"#),
    (r#""Name":"A""#, r#""Name":12"#),
    (r#""Name":"A""#, r#""Name":{"x":1}"#),
    (r#""Addr":"127.0.0.1""#, r#""Addr":[]"#),
    (r#""Update":0"#, r#""Update":"0""#),
    (r#""Update":0"#, r#""Update":1.5"#),
    (r#""Update":0"#, r#""Update":99999999999999999999"#),
    (r#""Data":null"#, r#""Data":"%%%""#),
    (r#""Data":null"#, r#""Data":5"#),
    (r#""Metadata":{"#, r#""Metadata":7,"x":{"#),
    (r#""Node":{"#, r#""Node":"oops","y":{"#),
    (
        r#""SecretKey":"8c32d1183251df9828f929b935ae0419""#,
        r#""SecretKey":"wrong""#,
    ),
    (
        r#""SecretKey":"8c32d1183251df9828f929b935ae0419""#,
        r#""SecretKey":5"#,
    ),
    (
        r#""SecretKey":"8c32d1183251df9828f929b935ae0419""#,
        r#""SecretKey":"""#,
    ),
];

fn malformed() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for name in GOLDEN {
        let text = golden(name);
        // Every truncation: a prefix of a JSON object is never a JSON object.
        for cut in 0..text.len() {
            out.push(text.as_bytes()[..cut].to_vec());
        }
        for (from, to) in MUTATIONS {
            if text.contains(from) {
                out.push(text.replacen(from, to, 1).into_bytes());
            }
        }
        // The datagram that kills a Go node (a heartbeat or update; Go accepts a swap with it).
        let broadcast = text.contains(r#""IsSwap":0"#);
        if let Some(start) = text.find(r#""Infected":{"#).filter(|_| broadcast) {
            let end = start + text[start..].find('}').unwrap_or(0) + 1;
            out.push(format!("{}\"Infected\":null{}", &text[..start], &text[end..]).into_bytes());
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(0xBAD);
    for _ in 0..500 {
        let len = rng.gen_range(0..200);
        out.push((0..len).map(|_| rng.gen()).collect());
    }
    for doc in [
        "null",
        "true",
        "1",
        "\"x\"",
        "[]",
        "{",
        "}",
        "{\"Node\":",
        "\u{feff}{}",
    ] {
        out.push(doc.as_bytes().to_vec());
    }
    let mut huge = br#"{"Node":{"Addr":"127.0.0.1","Port":1,"Name":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'x', 10 << 20));
    huge.extend_from_slice(br#""},"Infected":{}}"#);
    out.push(huge);
    out.push(b"[".repeat(100_000));
    out
}

#[test]
fn the_decoder_rejects_every_malformed_datagram_with_a_reason() {
    let codec = JsonCodec::new("test_key");
    let cases = malformed();
    assert!(cases.len() >= 1_000, "only {} cases", cases.len());
    for bytes in &cases {
        match codec.decode(bytes) {
            Ok(p) => panic!("accepted {:?} as {p:?}", String::from_utf8_lossy(bytes)),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

#[test]
fn a_node_rejects_every_malformed_datagram_and_stays_unchanged() {
    let codec = JsonCodec::new("test_key");
    let me = Endpoint::new("127.0.0.1", 39700);
    let rng = ChaCha8Rng::seed_from_u64(1);
    let mut node = Node::new(NodeInfo::new(me, "rec"), Config::default(), rng, Time::ZERO).unwrap();
    node.set(
        Time::ZERO,
        NodeInfo::bare(Endpoint::new("127.0.0.1", 39601)),
    );
    while node.poll_event().is_some() {}
    let before: Vec<_> = node.get().collect();
    let cases = malformed();
    for bytes in &cases {
        node.handle_datagram(Time::from_secs(1), bytes, &codec);
        match node.poll_event() {
            Some(Event::PacketRejected { len, reason, .. }) => {
                assert_eq!(len, bytes.len());
                if bytes.len() >= node.config().size {
                    assert!(matches!(reason, RejectReason::Oversize { .. }));
                }
            }
            other => panic!("{:?} gave {other:?}", String::from_utf8_lossy(bytes)),
        }
        assert!(node.poll_event().is_none());
        assert!(node.poll_transmit().is_none());
    }
    assert_eq!(node.get().collect::<Vec<_>>(), before);
    assert_eq!(node.read().version(), 0);
}

#[test]
fn a_valid_golden_datagram_still_gets_through_after_the_garbage() {
    let codec = JsonCodec::new("test_key");
    let me = Endpoint::new("127.0.0.1", 39700);
    let rng = ChaCha8Rng::seed_from_u64(1);
    let mut node = Node::new(NodeInfo::new(me, "rec"), Config::default(), rng, Time::ZERO).unwrap();
    for bytes in malformed().iter().take(300) {
        node.handle_datagram(Time::ZERO, bytes, &codec);
    }
    node.handle_datagram(Time::ZERO, golden("update.json").as_bytes(), &codec);
    assert!(node.knows(&Endpoint::new("127.0.0.1", 39601)));
    assert_eq!(node.read().bytes(), b"hello from go");
}
