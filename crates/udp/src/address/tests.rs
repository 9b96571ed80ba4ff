use super::*;

fn v4_socket() -> Resolver {
    Resolver::new("127.0.0.1:1".parse().unwrap())
}

/// Polls `r` for `to` until it answers something other than "unresolved" (at most 10 s).
fn settle(r: &mut Resolver, to: &Endpoint) -> Result<SocketAddr, Unreachable> {
    for _ in 0..1_000 {
        match r.resolve(to) {
            Err(Unreachable::Unresolved) => std::thread::sleep(Duration::from_millis(10)),
            done => return done,
        }
    }
    Err(Unreachable::Unresolved)
}

#[test]
fn unspecified_destination_means_this_machine() {
    let mut r = v4_socket();
    let to = r.resolve(&Endpoint::new("0.0.0.0", 8000));
    assert_eq!(to, Ok("127.0.0.1:8000".parse().unwrap()));
    let mut r6 = Resolver::new("[::]:1".parse().unwrap());
    assert_eq!(
        r6.resolve(&Endpoint::new("::", 8000)),
        Ok("[::1]:8000".parse().unwrap())
    );
}

#[test]
fn ipv6_socket_reaches_ipv4_nodes_through_mapped_addresses() {
    let mut r = Resolver::new("[::]:1".parse().unwrap());
    let to = r.resolve(&Endpoint::new("127.0.0.1", 9)).unwrap();
    assert_eq!(to, "[::ffff:127.0.0.1]:9".parse().unwrap());
    assert_eq!(
        v4_socket().resolve(&Endpoint::new("::1", 9)),
        Err(Unreachable::NoAddress)
    );
}

#[test]
fn host_names_resolve_off_the_caller_thread_and_bad_ones_do_not() {
    let mut r = v4_socket();
    let local = Endpoint::new("localhost", 9);
    assert_eq!(r.resolve(&local), Err(Unreachable::Unresolved));
    assert!(settle(&mut r, &local).unwrap().ip().is_loopback());
    let bad = Endpoint::new("no such host!", 9);
    assert_eq!(settle(&mut r, &bad), Err(Unreachable::NoAddress));
}

#[test]
fn a_stalled_resolver_never_holds_the_caller() {
    // A resolver that never answers in time (finding: one forged name froze a node for 10 s).
    let stall: NameLookup = Arc::new(|_: &str, _: u16| {
        std::thread::sleep(Duration::from_secs(30));
        Vec::new()
    });
    let mut r = Resolver::with_lookup("127.0.0.1:1".parse().unwrap(), stall);
    let start = Instant::now();
    for i in 0..1_000 {
        let name = Endpoint::new(&format!("name{i}.invalid"), 9);
        assert_eq!(r.resolve(&name), Err(Unreachable::Unresolved));
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    // Only the queue's worth (and what the lookup threads took off it meanwhile) was taken
    // for lookup; the rest are asked again later.
    let pending = r
        .names
        .values()
        .filter(|(_, k)| matches!(k, Known::Pending))
        .count();
    assert!(
        (MAX_QUEUED..=MAX_QUEUED + LOOKUP_THREADS).contains(&pending),
        "{pending} pending"
    );
    // IP literals are untouched by the stalled lookups.
    assert!(r.resolve(&Endpoint::new("127.0.0.1", 9)).is_ok());
    // Past the deadline a pending name counts as failed and is not queued again for a while.
    let name = Endpoint::new("name0.invalid", 9);
    let late = Instant::now() + LOOKUP_DEADLINE + Duration::from_millis(1);
    assert_eq!(r.cached(&name, late), Err(Unreachable::NoAddress));
    assert_eq!(r.cached(&name, late), Err(Unreachable::NoAddress));
}

#[test]
fn pinned_contacts_stay_when_the_lookup_changes() {
    let mut r = v4_socket();
    let contact = Endpoint::new("seed.example", 8000);
    let addr: SocketAddr = "127.0.0.7:8000".parse().unwrap();
    assert!(r.pin(&contact, &[addr]));
    assert_eq!(r.resolve(&contact), Ok(addr));
    r.set_lookup(Arc::new(|_: &str, _: u16| Vec::new()));
    assert_eq!(r.resolve(&contact), Ok(addr));
    assert!(!r.pin(&Endpoint::new("gone.example", 1), &[]));
}

#[test]
fn listen_addresses_parse_or_fail_with_a_typed_error() {
    assert_eq!(
        bind_addr("[::1]", 5).unwrap(),
        "[::1]:5".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(
        bind_addr("0.0.0.0", 0).unwrap(),
        "0.0.0.0:0".parse::<SocketAddr>().unwrap()
    );
    assert!(matches!(bind_addr("", 0), Err(UdpError::BadAddress { .. })));
    assert!(matches!(
        bind_addr("no such host!", 0),
        Err(UdpError::BadAddress { .. })
    ));
}
