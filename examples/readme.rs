//! PekoNode's README example on real UDP sockets, with a 1 s cycle: A; B and C join via A;
//! D joins via B; D stops and its list empties; D re-adds B, starts, and the lists refill.
//!
//! Run it with `cargo run --release --example readme` (about 10 s).

use std::time::{Duration, Instant};

use pekonode::udp::{Config, Node, NodeList, UdpError};

fn main() -> Result<(), UdpError> {
    let config = Config {
        protocol: pekonode::protocol::Config {
            cycle: Duration::from_secs(1),
            // Go's rule: a timeout not longer than the cycle would become 3 × cycle + 2 s.
            timeout: Duration::from_secs(3),
            ..pekonode::protocol::Config::hardened()
        },
        listen_addr: "127.0.0.1".to_string(),
        ..Config::default()
    };
    let start = Instant::now();
    let node = |name: &str| NodeList::new(Node::new("127.0.0.1", 0, name), config.clone());
    let mut printer = Printer::new(start);

    // A is the first node: it joins alone.
    let a = node("A")?;
    a.join();
    // B and C join through A.
    let b = node("B")?;
    b.set(a.local().clone());
    b.join();
    let c = node("C")?;
    c.set(a.local().clone());
    c.join();
    // D joins through B.
    let d = node("D")?;
    d.set(b.local().clone());
    d.join();
    let all = [&a, &b, &c, &d];
    printer.say("A started; B and C joined via A; D joined via B");
    printer.watch_until(&all, Duration::from_secs(20), |lists| {
        lists.iter().all(|l| l.len() == 4)
    });

    printer.say("D stops: the others expire it, then its own list empties");
    d.stop();
    printer.watch_until(&all, Duration::from_secs(20), |lists| {
        lists[3].is_empty() && lists[..3].iter().all(|l| l.len() == 3)
    });

    printer.say("D re-adds B and starts again");
    d.set(b.local().clone());
    d.start();
    printer.watch_until(&all, Duration::from_secs(20), |lists| {
        lists.iter().all(|l| l.len() == 4)
    });
    printer.say("done: every list holds A, B, C and D");
    Ok(())
}

/// Prints each node's list whenever it changes.
struct Printer {
    start: Instant,
    last: Vec<Vec<String>>,
}

impl Printer {
    fn new(start: Instant) -> Printer {
        Printer {
            start,
            last: Vec::new(),
        }
    }

    fn say(&self, what: &str) {
        println!("{:6.1}s  == {what}", self.start.elapsed().as_secs_f64());
    }

    /// Polls the lists every 50 ms, printing changes, until `done` holds or `limit` passes.
    fn watch_until(
        &mut self,
        nodes: &[&NodeList],
        limit: Duration,
        done: impl Fn(&[Vec<String>]) -> bool,
    ) {
        let deadline = Instant::now() + limit;
        loop {
            let lists: Vec<Vec<String>> = nodes
                .iter()
                .map(|n| n.get().into_iter().map(|m| m.name).collect())
                .collect();
            for (i, list) in lists.iter().enumerate() {
                if self.last.get(i) != Some(list) {
                    println!(
                        "{:6.1}s  {}: [{}]",
                        self.start.elapsed().as_secs_f64(),
                        nodes[i].local().name,
                        list.join(", ")
                    );
                }
            }
            self.last = lists.clone();
            if done(&lists) {
                return;
            }
            if Instant::now() > deadline {
                println!("gave up waiting after {limit:?}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
