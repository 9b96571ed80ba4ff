//! The member list against a sorted-vector model, and its `Dense` form's invariants.

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Drives a member list and a sorted vector through the same `steps` random changes over
/// identities `0..span`: one in `1 + inserts` a removal of every identity `remove(draw, id)`
/// names, the others an insert; after each, both must agree on everything the list answers.
fn agrees_with_the_model(
    seed: u64,
    steps: usize,
    span: u32,
    inserts: u32,
    remove: impl Fn(u32, u32) -> bool,
) -> Members<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut m: Members<u32> = Members::Sorted(Vec::new());
    let mut model: Vec<u32> = Vec::new();
    for _ in 0..steps {
        let id = rng.gen_range(0..span);
        if rng.gen_range(0..=inserts) > 0 {
            if let Err(at) = m.find(&id) {
                m.insert(at, id);
            }
            if let Err(at) = model.binary_search(&id) {
                model.insert(at, id);
            }
        } else {
            let draw = rng.gen_range(0..span);
            m.retain(|&x| !remove(draw, x));
            model.retain(|&x| !remove(draw, x));
        }
        assert_eq!(m.len(), model.len());
        let mut listed = Vec::new();
        m.for_each(|_, id| listed.push(id));
        assert_eq!(listed, model);
        for probe in 0..span + 10 {
            assert_eq!(m.find(&probe), model.binary_search(&probe));
        }
        for (k, &id) in model.iter().enumerate() {
            assert_eq!(m.get(k), id);
        }
        check_invariants(&m, &model);
    }
    m
}

#[test]
fn agrees_with_a_sorted_vector_through_inserts_and_removals() {
    agrees_with_the_model(11, 4000, 24, 2, |draw, id| id == draw);
}

/// The `Dense` form's promises: holes ascending below the last member and no more
/// numerous than the members; and a prefix `0..n` is always stored as `Dense`.
fn check_invariants(m: &Members<u32>, model: &[u32]) {
    if let Members::Dense { span, holes } = m {
        assert!(*span > 0, "an empty list is Sorted");
        assert!(holes.windows(2).all(|w| w[0] < w[1]), "{holes:?}");
        assert!(
            holes.iter().all(|&h| (h as usize) < span - 1),
            "{holes:?} {span}"
        );
        assert!(holes.len() <= span - holes.len(), "{holes:?} {span}");
    }
    let is_prefix = model.iter().enumerate().all(|(k, &id)| id as usize == k);
    if !model.is_empty() && is_prefix {
        assert!(matches!(m, Members::Dense { holes, .. } if holes.is_empty()));
    }
}

#[test]
fn a_few_missing_members_are_stored_as_holes() {
    let mut m: Members<u32> = Members::Sorted(Vec::new());
    for id in 0..1000u32 {
        let at = m.find(&id).unwrap_err();
        m.insert(at, id);
    }
    m.retain(|&id| id % 100 != 7);
    let Members::Dense { span, holes } = &m else {
        panic!("10 of 1000 missing: {m:?}");
    };
    assert_eq!((*span, holes.len()), (1000, 10));
    assert_eq!(m.len(), 990);
    assert_eq!(m.get(7), 8);
    assert_eq!(m.find(&7), Err(7));
    assert_eq!(m.find(&8), Ok(7));
    assert_eq!(m.find(&999), Ok(989));
    // Refilled, the list is `0..n` again; emptied from the top, the span shrinks.
    for id in (0..10).map(|k| k * 100 + 7) {
        let at = m.find(&id).unwrap_err();
        m.insert(at, id);
    }
    assert!(matches!(&m, Members::Dense { span: 1000, holes } if holes.is_empty()));
    m.retain(|&id| id < 600 && id != 3);
    assert!(matches!(&m, Members::Dense { span: 600, holes } if holes == &[3]));
    // Most missing: a sorted list is smaller.
    m.retain(|&id| id % 3 == 0);
    assert!(matches!(&m, Members::Sorted(ids) if ids.len() == 199));
}

#[test]
fn agrees_with_a_sorted_vector_when_few_are_missing() {
    // Mostly inserts, and removals by batches (about 7 %) as an expiry makes them.
    let m = agrees_with_the_model(12, 3000, 300, 49, |draw, id| (id * 7 + draw) % 300 <= 20);
    assert!(matches!(m, Members::Dense { .. }), "ends mostly full");
}

#[test]
fn find_agrees_with_binary_search_on_dense_ids() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..300 {
        let mut ids: Vec<u32> = (0..rng.gen_range(0..60))
            .map(|_| rng.gen_range(0..80))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for probe in 0..90u32 {
            assert_eq!(
                find(&ids, &probe),
                ids.binary_search(&probe),
                "{ids:?} {probe}"
            );
        }
    }
}
