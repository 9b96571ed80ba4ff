//! Rules of a view: picks, expiry, lookups.

use super::*;
use rand::SeedableRng;

const T: Duration = Duration::from_secs(20);

fn view_of(n: u32) -> View<u32> {
    let mut v = View::new(T, T);
    for id in 0..n {
        v.refresh(Time::ZERO, &NodeInfo::bare(id), T);
    }
    v
}

#[test]
fn picks_never_target_an_infected_node_nor_more_than_amount() {
    let v = view_of(40);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for round in 0..500u32 {
        let infected: Vec<u32> = (0..(round % 40)).step_by(2).collect();
        let mut picked = Vec::new();
        v.pick_uninfected(&mut rng, 3, &infected, &mut picked, &mut Vec::new());
        assert!(picked.len() <= 3);
        for p in &picked {
            assert!(!infected.contains(p), "picked infected {p}");
        }
        let mut unique = picked.clone();
        unique.dedup();
        assert_eq!(unique.len(), picked.len());
    }
}

#[test]
fn picks_take_every_candidate_when_fewer_than_amount_remain() {
    let v = view_of(10);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let infected: Vec<u32> = (0..8).collect();
    let mut picked = Vec::new();
    v.pick_uninfected(&mut rng, 3, &infected, &mut picked, &mut Vec::new());
    picked.sort();
    assert_eq!(picked, vec![8, 9]);
}

#[test]
fn picks_are_spread_over_the_whole_view() {
    let v = view_of(10);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut hits = [0u32; 10];
    for _ in 0..3000 {
        let infected = [0];
        let mut picked = Vec::new();
        v.pick_uninfected(&mut rng, 3, &infected, &mut picked, &mut Vec::new());
        for p in picked {
            hits[p as usize] += 1;
        }
    }
    assert_eq!(hits[0], 0);
    // 9000 picks over 9 nodes: 1000 each on average.
    assert!(
        hits[1..].iter().all(|&h| (850..1150).contains(&h)),
        "{hits:?}"
    );
}

#[test]
fn expiry_boundary_is_more_than_timeout() {
    let mut v = view_of(1);
    let mut gone = Vec::new();
    v.expire(Time::ZERO + T, T, |id| gone.push(id));
    assert!(
        gone.is_empty(),
        "exactly timeout of silence keeps the entry"
    );
    v.expire(Time::ZERO + T + Duration::from_micros(1), T, |id| {
        gone.push(id)
    });
    assert_eq!(gone, vec![0]);
    assert_eq!(v.len(), 0);
    assert_eq!(v.next_expiry(), None);
}

#[test]
fn a_view_knows_when_it_holds_exactly_the_dense_ids() {
    let mut v = View::new(T, T);
    for id in (0..10u32).filter(|&id| id != 3) {
        v.refresh(Time::ZERO, &NodeInfo::bare(id), T);
    }
    assert!(
        matches!(&v.members, Members::Dense { span: 10, holes } if holes == &[3]),
        "3 is missing"
    );
    v.refresh(Time::from_secs(1), &NodeInfo::bare(3), T);
    assert!(matches!(&v.members, Members::Dense { span: 10, holes } if holes.is_empty()));
    // Everything but 3 expires: {3} is not {0}.
    v.expire(Time::ZERO + T + Duration::from_micros(1), T, |_| {});
    assert!(matches!(&v.members, Members::Sorted(ids) if ids == &[3]));
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    assert_eq!(v.pick_other(&mut rng, &0), Some(3));
}

#[test]
fn swap_partner_is_never_the_local_node() {
    let v = view_of(3);
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    for _ in 0..100 {
        assert_ne!(v.pick_other(&mut rng, &1), Some(1));
    }
    assert_eq!(view_of(1).pick_other(&mut rng, &0), None);
}

#[test]
fn a_view_entry_is_a_quarter_of_a_cache_line() {
    // A received heartbeat reads and writes its origin's entry: within one line, not two.
    assert_eq!(std::mem::size_of::<Option<Entry>>(), 16);
    assert_eq!(std::mem::align_of::<Option<Entry>>(), 16);
}

#[test]
fn times_survive_a_rebase_and_forwards_keep_their_lag() {
    let mut v = view_of(3);
    let window = Duration::from_secs(3);
    let base = Time::from_micros(u64::from(u32::MAX) - 1_000);
    let info = NodeInfo::bare(1u32);
    v.refresh(base, &info, T);
    let forwards = |v: &mut View<u32>| {
        crate::forwarding::decide(
            crate::Forwarding::FirstCopy,
            crate::PacketKind::Heartbeat,
            false,
            v.last_forward(&1),
            window,
        )
    };
    assert!(forwards(&mut v));
    // Past 32 bits of microseconds: the view rebases; the forward is 2 ms old, not forgotten.
    let later = base + Duration::from_millis(2);
    v.refresh(later, &info, T);
    assert!(!forwards(&mut v));
    let times: Vec<Time> = v.iter().map(|(_, t)| t).collect();
    assert_eq!(times[1], later);
    // Entries 0 and 2 were seen at zero, long before the new base: still expired on time.
    let mut gone = Vec::new();
    v.expire(later, T, |id| gone.push(id));
    assert_eq!(gone, vec![0, 2]);
    v.refresh(later + window, &info, T);
    assert!(forwards(&mut v));
}
