//! The member list against a sorted-vector model, and its `Dense` form's invariants.

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn agrees_with_a_sorted_vector_through_inserts_and_removals() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut m: Members<u32> = Members::Sorted(Vec::new());
    let mut model: Vec<u32> = Vec::new();
    for _ in 0..4000 {
        let id = rng.gen_range(0..24);
        if rng.gen_range(0..3) > 0 {
            insert_both(&mut m, &mut model, id);
        } else {
            m.retain(|x| *x != id);
            model.retain(|x| *x != id);
        }
        assert_eq!(m.len(), model.len());
        let mut listed = Vec::new();
        m.for_each(|_, id| listed.push(id));
        assert_eq!(listed, model);
        for probe in 0..30 {
            assert_eq!(m.find(&probe), model.binary_search(&probe));
        }
        for (k, &id) in model.iter().enumerate() {
            assert_eq!(m.get(k), id);
        }
        check_invariants(&m, &model);
    }
}

/// Inserts `id` into both lists unless present.
fn insert_both(m: &mut Members<u32>, model: &mut Vec<u32>, id: u32) {
    if let Err(at) = m.find(&id) {
        m.insert(at, id);
    }
    if let Err(at) = model.binary_search(&id) {
        model.insert(at, id);
    }
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
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let mut m: Members<u32> = Members::Sorted(Vec::new());
    let mut model: Vec<u32> = Vec::new();
    for _ in 0..3000 {
        let id = rng.gen_range(0..300);
        // Mostly inserts, and removals by batches as an expiry makes them.
        if rng.gen_range(0..50) > 0 {
            insert_both(&mut m, &mut model, id);
        } else {
            let cut = rng.gen_range(0..300);
            m.retain(|x| (x * 7 + cut) % 300 > 20);
            model.retain(|x| (x * 7 + cut) % 300 > 20);
        }
        assert_eq!(m.len(), model.len());
        for (k, &id) in model.iter().enumerate() {
            assert_eq!(m.get(k), id);
        }
        for probe in 0..310 {
            assert_eq!(m.find(&probe), model.binary_search(&probe));
        }
        check_invariants(&m, &model);
    }
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
