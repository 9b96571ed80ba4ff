//! Datagrams captured from real Go PekoNode v1.0.8 nodes decode to the expected messages and
//! re-encode to the very same bytes.

use pekonode::protocol::{Metadata, NodeInfo, PacketKind};
use pekonode::wire::{Endpoint, JsonCodec};

fn golden(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/golden/go-pekonode-1.0.8/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn codec() -> JsonCodec {
    JsonCodec::new("test_key")
}

fn ep(port: u16) -> Endpoint {
    Endpoint::new("127.0.0.1", port)
}

fn all_three() -> Vec<Endpoint> {
    vec![ep(39601), ep(39602), ep(39700)]
}

#[test]
fn every_golden_datagram_re_encodes_to_the_same_bytes() {
    for name in [
        "heartbeat.json",
        "heartbeat-forwarded.json",
        "update.json",
        "swap-request.json",
        "swap-reply.json",
    ] {
        let bytes = golden(name);
        let packet = codec()
            .decode(&bytes)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(codec().encode(&packet), bytes, "{name}");
        assert_eq!(codec().encoded_len(&packet), bytes.len(), "{name}");
    }
}

#[test]
fn heartbeat_is_bs_own_with_its_picks_infected() {
    let p = codec().decode(&golden("heartbeat.json")).unwrap();
    assert_eq!(p.kind, PacketKind::Heartbeat);
    assert_eq!(
        p.node,
        NodeInfo::new(ep(39602), "B").with_private_data("data-B")
    );
    assert_eq!(p.infected.iter().cloned().collect::<Vec<_>>(), all_three());
    assert_eq!(p.metadata, Metadata::default());
}

#[test]
fn forwarded_heartbeat_keeps_the_origin() {
    let p = codec().decode(&golden("heartbeat-forwarded.json")).unwrap();
    assert_eq!(p.kind, PacketKind::Heartbeat);
    assert_eq!(p.node.id, ep(39601));
    assert_eq!(p.node.name(), "A");
}

#[test]
fn update_carries_the_published_bytes_and_version() {
    let p = codec().decode(&golden("update.json")).unwrap();
    assert_eq!(p.kind, PacketKind::Update);
    assert_eq!(
        p.metadata,
        Metadata::new(b"hello from go", 1795587634038004538)
    );
    assert_eq!(p.infected.len(), 3);
}

#[test]
fn swap_request_carries_empty_not_null_metadata() {
    let p = codec().decode(&golden("swap-request.json")).unwrap();
    assert_eq!(p.kind, PacketKind::SwapRequest);
    assert_eq!(p.metadata, Metadata::initial());
    assert!(p.infected.is_empty());
}

#[test]
fn swap_reply_carries_as_metadata() {
    let p = codec().decode(&golden("swap-reply.json")).unwrap();
    assert_eq!(p.kind, PacketKind::SwapReply);
    assert_eq!(p.node.id, ep(39601));
    assert_eq!(p.metadata.bytes(), b"hello from go");
}

#[test]
fn golden_datagrams_with_another_key_are_rejected() {
    let other = JsonCodec::new("not_the_key");
    assert!(other.decode(&golden("heartbeat.json")).is_err());
}
