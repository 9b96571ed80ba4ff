//! Codec rules checked on hand-made packets.

use super::*;
use crate::{Infected, Metadata, NodeInfo, PacketKind};

fn ep(port: u16) -> Endpoint {
    Endpoint::new("127.0.0.1", port)
}

fn packet(kind: PacketKind) -> Packet<Endpoint> {
    Packet {
        kind,
        node: NodeInfo::new(ep(8000), "A").with_private_data("x"),
        infected: [ep(8000), ep(39601), ep(9)].into_iter().collect(),
        metadata: Metadata::default(),
        lineage: None,
    }
}

#[test]
fn infected_keys_are_sorted_as_strings_like_go() {
    let bytes = JsonCodec::new("").encode(&packet(PacketKind::Heartbeat));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(
        r#""Infected":{"127.0.0.1:39601":true,"127.0.0.1:8000":true,"127.0.0.1:9":true}"#
    ));
}

#[test]
fn strings_are_escaped_as_go_escapes_them() {
    let mut p = packet(PacketKind::Heartbeat);
    p.node = NodeInfo::new(p.node.id, "a<b>&\"\\\n\u{1}\u{2028}é");
    let text = String::from_utf8(JsonCodec::new("").encode(&p)).unwrap();
    assert!(
        text.contains(r#""Name":"a\u003cb\u003e\u0026\"\\\n\u0001\u2028é""#),
        "{text}"
    );
    let back = JsonCodec::new("").decode(text.as_bytes()).unwrap();
    assert_eq!(back.node.name(), p.node.name());
}

#[test]
fn encoded_len_matches_encode_for_every_kind_and_shape() {
    let codec = JsonCodec::new("k");
    for kind in [
        PacketKind::Heartbeat,
        PacketKind::Update,
        PacketKind::SwapRequest,
        PacketKind::SwapReply,
    ] {
        for data in [None, Some(&b""[..]), Some(&b"a"[..]), Some(&b"abcd"[..])] {
            for version in [0i64, 7, -12, i64::MAX] {
                let mut p = packet(kind);
                p.metadata = Metadata::from_parts(data, version);
                assert_eq!(codec.encoded_len(&p), codec.encode(&p).len(), "{p:?}");
                p.infected = Infected::new();
                p.node = NodeInfo::new(p.node.id.clone(), "<&>\u{2029}");
                p.node.id = Endpoint::new("a\"b", 1);
                assert_eq!(codec.encoded_len(&p), codec.encode(&p).len(), "{p:?}");
            }
        }
    }
}

#[test]
fn field_names_match_case_insensitively_and_unknown_fields_are_ignored() {
    let text = br#"{"node":{"ADDR":"10.0.0.1","port":7,"extra":1},"infected":{"10.0.0.1:7":true},
        "isswap":0,"IsUpdate":false,"Whatever":[1,2,3]}"#;
    let p = JsonCodec::new("").decode(text).unwrap();
    assert_eq!(p.node.id, Endpoint::new("10.0.0.1", 7));
    assert!(p.infected.contains(&Endpoint::new("10.0.0.1", 7)));
    assert_eq!(p.kind, PacketKind::Heartbeat);
}

#[test]
fn missing_fields_are_zero_and_null_leaves_a_field_zero() {
    let p = JsonCodec::new("")
        .decode(br#"{"Node":{"Addr":null,"Port":5},"Infected":{},"Metadata":null,"IsSwap":null}"#)
        .unwrap();
    assert_eq!(p.node.id, Endpoint::new("0.0.0.0", 5));
    assert!(p.infected.is_empty());
    assert_eq!(p.metadata, Metadata::default());
}

#[test]
fn what_go_rejects_is_a_typed_error() {
    let codec = JsonCodec::new("");
    type Expect = fn(&DecodeError) -> bool;
    let cases: &[(&[u8], Expect)] = &[
        (br#"{"Node":{"Port":5},"IsSwap":300}"#, |e| {
            matches!(e, DecodeError::IsSwapOutOfRange(_))
        }),
        (br#"{"Node":{"Port":5},"IsSwap":-1}"#, |e| {
            matches!(e, DecodeError::IsSwapOutOfRange(_))
        }),
        (br#"{"Node":{"Port":5},"IsSwap":1.5}"#, |e| {
            matches!(e, DecodeError::WrongType { .. })
        }),
        (br#"{"Node":{"Port":70000}}"#, |e| {
            matches!(e, DecodeError::InvalidPort(_))
        }),
        (br#"{"Node":{"Port":0}}"#, |e| {
            matches!(e, DecodeError::InvalidPort(_))
        }),
        (br#"{"Node":{"Port":"80"}}"#, |e| {
            matches!(e, DecodeError::WrongType { .. })
        }),
        (br#"{"Node":{"Port":5},"Infected":null}"#, |e| {
            matches!(e, DecodeError::NullInfected)
        }),
        (br#"{"Node":{"Port":5},"Infected":[]}"#, |e| {
            matches!(e, DecodeError::WrongType { .. })
        }),
        (br#"{"Node":{"Port":5},"Infected":{"a:1":1}}"#, |e| {
            matches!(e, DecodeError::WrongType { .. })
        }),
        (
            br#"{"Node":{"Port":5},"Infected":{},"Metadata":{"Data":"!!"}}"#,
            |e| matches!(e, DecodeError::InvalidBase64(_)),
        ),
        (
            br#"{"Node":{"Port":5},"Infected":{},"IsUpdate":"yes"}"#,
            |e| matches!(e, DecodeError::WrongType { .. }),
        ),
        (br#"{"Node":{"Port":5},"SecretKey":"abc"}"#, |e| {
            matches!(e, DecodeError::WrongSecret)
        }),
        (br#"[1]"#, |e| matches!(e, DecodeError::NotAnObject)),
        (br#"null"#, |e| matches!(e, DecodeError::NotAnObject)),
        (br#"{"Node":"#, |e| matches!(e, DecodeError::Json(_))),
    ];
    for (bytes, ok) in cases {
        let err = codec.decode(bytes).unwrap_err();
        assert!(ok(&err), "{} gave {err:?}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn missing_or_null_infected_is_refused_where_go_panics_and_accepted_where_go_accepts() {
    let codec = JsonCodec::new("");
    for broadcast in [
        br#"{"Node":{"Port":5}}"#.as_slice(),
        br#"{"Node":{"Port":5},"Infected":null}"#,
        br#"{"Node":{"Port":5},"IsUpdate":true}"#,
        br#"{"Node":{"Port":5},"IsUpdate":true,"Infected":null}"#,
    ] {
        let got = codec.decode(broadcast);
        assert_eq!(got.err(), Some(DecodeError::NullInfected));
    }
    for swap in [
        br#"{"Node":{"Port":5},"IsSwap":1}"#.as_slice(),
        br#"{"Node":{"Port":5},"IsSwap":1,"Infected":null}"#,
        br#"{"Node":{"Port":5},"IsSwap":2,"Infected":null}"#,
    ] {
        let p = codec.decode(swap).unwrap();
        assert!(p.kind.is_swap() && p.infected.is_empty());
    }
}

#[test]
fn a_huge_datagram_is_rejected_without_parsing() {
    let mut big = br#"{"Node":{"Port":5,"Name":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 10 << 20));
    big.extend_from_slice(br#""}}"#);
    assert!(matches!(
        JsonCodec::new("").decode(&big),
        Err(DecodeError::TooLong { .. })
    ));
}

#[test]
fn endpoint_keys_round_trip_and_bad_keys_name_nothing() {
    for e in [
        ep(1),
        Endpoint::new("::1", 65535),
        Endpoint::new("host.example", 80),
    ] {
        assert_eq!(Endpoint::parse_key(&e.key()), Some(e));
    }
    for bad in ["", "x", "a:", "a:0", "a:70000", "a:+80", "a:080", "a:b"] {
        assert_eq!(Endpoint::parse_key(bad), None, "{bad}");
    }
}
