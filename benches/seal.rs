//! The cost of sealed mode per datagram: a typical heartbeat (a 10-member infected set, 381
//! bytes of JSON) written as Go's JSON vs sealed, and read back; plus the worst case for
//! a receiver, a forged envelope tried against a full keyring of 16 keys.
//!
//! Run: `cargo bench --bench seal` (about a minute). Sealed mode adds
//! `pekonode::wire::sealed::OVERHEAD` (54) bytes to each datagram.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use pekonode::protocol::{Infected, Metadata, NodeInfo, Packet, PacketKind};
use pekonode::wire::{sealed, Endpoint, JsonCodec, Key, Keyring, Sealed};

const NOW_MS: u64 = 1_800_000_000_000;

fn heartbeat() -> Packet<Endpoint> {
    let me = Endpoint::new("10.0.0.1", 8000);
    let infected: Infected<Endpoint> = (0..10)
        .map(|i| Endpoint::new("10.0.0.2", 8000 + i))
        .collect();
    Packet {
        kind: PacketKind::Heartbeat,
        node: NodeInfo::new(me, "node-1").with_private_data("rack=a"),
        infected,
        metadata: Metadata::default(),
        lineage: None,
    }
}

fn bench(c: &mut Criterion) {
    let packet = heartbeat();
    let json = JsonCodec::new("");
    let ring = Keyring::new(Key::from_bytes([1; 32]));
    let mut group = c.benchmark_group("wire");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("json_encode", |b| {
        b.iter(|| json.encode(black_box(&packet)))
    });
    let bytes = json.encode(&packet);
    group.bench_function("json_decode", |b| b.iter(|| json.decode(black_box(&bytes))));
    let to = Endpoint::new("127.0.0.1", 8001);
    let mut sender = Sealed::new(ring.clone(), 1);
    group.bench_function("sealed_encode", |b| {
        b.iter(|| sender.encode(black_box(&packet), &to, NOW_MS))
    });
    // Every datagram opened must be new to the replay window: seal a fresh batch per sample.
    let mut receiver = Sealed::new(ring.clone(), 2);
    let mut source = Sealed::new(ring, 3);
    group.bench_function("sealed_decode", |b| {
        b.iter_batched(
            || source.encode(&packet, &to, NOW_MS),
            |d| receiver.decode(black_box(&d), NOW_MS),
            criterion::BatchSize::SmallInput,
        )
    });
    // Forged envelopes (sealed under a key the receiver lacks): against 1 and 16 installed
    // keys, with a hint that matches no installed key (refused before any decryption) and
    // with a copied hint that matches one (one failed decryption, whatever the keyring).
    let full: Vec<Key> = (1..=16).map(|i| Key::from_bytes([i; 32])).collect();
    let rings = [
        ("1_key", Keyring::new(full[0].clone())),
        (
            "16_keys",
            Keyring::from_keys(full.clone()).unwrap_or_else(|e| panic!("{e}")),
        ),
    ];
    let forged =
        Sealed::new(Keyring::new(Key::from_bytes([99; 32])), 5).encode(&packet, &to, NOW_MS);
    let mut hinted = forged.clone();
    hinted[2..2 + sealed::HINT_LEN].copy_from_slice(&sealed::key_hint(&full[0]));
    for (name, ring) in rings {
        let mut receiver = Sealed::new(ring, 4);
        group.bench_function(format!("forged_vs_{name}_no_hint"), |b| {
            b.iter(|| receiver.decode(black_box(&forged), NOW_MS))
        });
        group.bench_function(format!("forged_vs_{name}_hint_matches"), |b| {
            b.iter(|| receiver.decode(black_box(&hinted), NOW_MS))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
