//! Encoding packets exactly as Go's `encoding/json` writes PekoNode's packet struct.

use base64::Engine;

use crate::{NodeInfo, Packet, PacketKind};

use super::endpoint::Endpoint;

/// Writes `s` as a JSON string the way Go's `encoding/json` does: `<`, `>` and `&` escaped as
/// `\u003c`-style sequences, U+2028 and U+2029 escaped, other control characters as `\u00XX`
/// except `\n`, `\r`, `\t`, `\b` and `\f`.
pub(crate) fn write_go_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    // Names, addresses and keys are nearly always printable ASCII needing no escape: one copy.
    let plain =
        |b: &u8| (0x20..0x7f).contains(b) && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&');
    if s.as_bytes().iter().all(plain) {
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\u{0}'..='\u{1f}' => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// The length of [`write_go_string`]'s output, without writing it.
pub(crate) fn go_string_len(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\u{0}'..='\u{1f}' => 6,
            c => c.len_utf8(),
        })
        .sum::<usize>()
}

fn digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

fn i64_len(n: i64) -> usize {
    usize::from(n < 0) + digits(n.unsigned_abs())
}

/// Field names and punctuation of every packet, in Go's field order.
const FIXED: &[&str] = &[
    r#"{"Node":{"Addr":"#,
    r#","Port":"#,
    r#","Name":"#,
    r#","PrivateData":"#,
    r#"},"Infected":{"#,
    r#"},"Metadata":{"Data":"#,
    r#","Update":"#,
    r#"},"IsUpdate":"#,
    r#","IsSwap":"#,
    r#","SecretKey":"#,
    "}",
];

fn flags(kind: PacketKind) -> (bool, u8) {
    match kind {
        PacketKind::Heartbeat => (false, 0),
        PacketKind::Update => (true, 0),
        PacketKind::SwapRequest => (false, 1),
        PacketKind::SwapReply => (false, 2),
    }
}

/// Encodes `packet` as Go PekoNode's JSON, with `secret` (the hex digest, or empty) as
/// `SecretKey`.
pub(crate) fn encode(packet: &Packet<Endpoint>, secret: &str) -> Vec<u8> {
    // Room for the fixed part and a typical record, and each infected key: no regrowth.
    let mut out = Vec::with_capacity(256 + 32 * packet.infected.len());
    let n = &packet.node;
    out.extend_from_slice(FIXED[0].as_bytes());
    write_go_string(&mut out, n.id.addr());
    out.extend_from_slice(FIXED[1].as_bytes());
    out.extend_from_slice(n.id.port().to_string().as_bytes());
    out.extend_from_slice(FIXED[2].as_bytes());
    write_go_string(&mut out, n.name());
    out.extend_from_slice(FIXED[3].as_bytes());
    write_go_string(&mut out, n.private_data());
    out.extend_from_slice(FIXED[4].as_bytes());
    // Go sorts map keys as byte strings, which is not the order of (addr, port).
    let mut keys: Vec<String> = packet.infected.iter().map(Endpoint::key).collect();
    keys.sort();
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_go_string(&mut out, k);
        out.extend_from_slice(b":true");
    }
    out.extend_from_slice(FIXED[5].as_bytes());
    match packet.metadata.data() {
        None => out.extend_from_slice(b"null"),
        Some(d) => {
            out.push(b'"');
            out.extend_from_slice(
                base64::engine::general_purpose::STANDARD
                    .encode(d)
                    .as_bytes(),
            );
            out.push(b'"');
        }
    }
    out.extend_from_slice(FIXED[6].as_bytes());
    out.extend_from_slice(packet.metadata.version().to_string().as_bytes());
    let (is_update, is_swap) = flags(packet.kind);
    out.extend_from_slice(FIXED[7].as_bytes());
    out.extend_from_slice(if is_update { b"true" } else { b"false" });
    out.extend_from_slice(FIXED[8].as_bytes());
    out.extend_from_slice(is_swap.to_string().as_bytes());
    out.extend_from_slice(FIXED[9].as_bytes());
    write_go_string(&mut out, secret);
    out.extend_from_slice(FIXED[10].as_bytes());
    out
}

/// The encoded length of `packet` for any identity, given the length of each identity's
/// `addr:port` key (addresses needing no JSON escaping) and of the secret digest.
///
/// The simulator uses it to account bytes and the size limit without encoding a packet.
pub fn encoded_len_by<Id>(
    packet: &Packet<Id>,
    secret_len: usize,
    key_len: impl Fn(&Id) -> usize,
) -> usize {
    let record = record_len_by(&packet.node, &key_len);
    encoded_len_with_record(packet, secret_len, record, key_len)
}

/// The part of a packet's encoded length that its node record decides: the record's key, name
/// and private data, as [`encoded_len_by`] counts them.
#[doc(hidden)] // a driver fast path (the simulator), not codec API
pub fn record_len_by<Id>(node: &NodeInfo<Id>, key_len: impl Fn(&Id) -> usize) -> usize {
    // `"addr"` and the port digits: the key minus its colon, plus two quotes.
    key_len(&node.id) + 1 + go_string_len(node.name()) + go_string_len(node.private_data())
}

/// [`encoded_len_by`] with the node record's part already known (from [`record_len_by`]): a
/// driver that sends many packets of the same few records measures each record once.
#[doc(hidden)] // a driver fast path (the simulator), not codec API
pub fn encoded_len_with_record<Id>(
    packet: &Packet<Id>,
    secret_len: usize,
    record_len: usize,
    key_len: impl Fn(&Id) -> usize,
) -> usize {
    let fixed: usize = FIXED.iter().map(|s| s.len()).sum();
    let infected: usize = packet
        .infected
        .iter()
        .map(|id| key_len(id) + 2 + 5)
        .sum::<usize>()
        + packet.infected.len().saturating_sub(1);
    let data = match packet.metadata.data() {
        None => 4,
        Some(d) => 2 + d.len().div_ceil(3) * 4,
    };
    let (is_update, is_swap) = flags(packet.kind);
    fixed
        + record_len
        + infected
        + data
        + i64_len(packet.metadata.version())
        + if is_update { 4 } else { 5 }
        + digits(u64::from(is_swap))
        + 2
        + secret_len
}
