//! Batched receive: up to [`BATCH`] datagrams per system call (Linux `recvmmsg`), one
//! `recv_from` at a time elsewhere.
//!
//! Under a flood the node thread spent about a quarter of its time in `recvfrom`, one system
//! call per datagram; `recvmmsg` with `MSG_WAITFORONE` waits like `recv_from` for the first
//! datagram (the socket's read timeout still applies) and then takes whatever else is already
//! queued, without waiting for more.

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Datagrams read per system call at most. Timers run between batches, so they can be late
/// by this many datagrams' handling (about 0.1 ms at 7 µs each).
pub(crate) const BATCH: usize = 16;

/// Buffers for one batch: [`BATCH`] slots of `size` bytes, fixed at creation. A datagram of
/// `size` bytes or more arrives truncated to `size` (and the protocol rejects it): never a
/// read or an allocation sized by the network.
pub(crate) struct Batch {
    size: usize,
    buf: Vec<u8>,
    /// Length and source of each datagram of the last batch.
    got: Vec<(usize, Option<SocketAddr>)>,
}

impl Batch {
    /// Room for [`BATCH`] datagrams of `size` bytes.
    pub(crate) fn new(size: usize) -> Batch {
        let size = size.max(1);
        Batch {
            size,
            buf: vec![0; size * BATCH],
            got: Vec::with_capacity(BATCH),
        }
    }

    /// The datagrams of the last [`recv`](Batch::recv): bytes and source (`None` if the OS
    /// gave an address family other than IPv4 or IPv6).
    pub(crate) fn datagrams(&self) -> impl Iterator<Item = (&[u8], Option<SocketAddr>)> + '_ {
        self.got.iter().enumerate().map(|(k, &(len, from))| {
            let start = k * self.size;
            (&self.buf[start..start + len.min(self.size)], from)
        })
    }

    /// Reads one datagram or more: waits for the first as `recv_from` does (the socket's read
    /// timeout applies), then takes what else is queued, up to [`BATCH`]. Returns how many.
    #[cfg(target_os = "linux")]
    pub(crate) fn recv(&mut self, socket: &UdpSocket) -> io::Result<usize> {
        use std::os::fd::AsRawFd;
        self.got.clear();
        let base = self.buf.as_mut_ptr();
        let size = self.size;
        let mut iov: [libc::iovec; BATCH] = std::array::from_fn(|k| libc::iovec {
            iov_base: base.wrapping_add(k * size).cast(),
            iov_len: size,
        });
        // Why unsafe: neither std nor socket2 offers recvmmsg; it is the measured lever for a
        // flood (see docs/performance.md, "Real sockets").
        // SAFETY: all-zero bytes are a valid `sockaddr_storage` and `mmsghdr` (plain C structs
        // of integers and null pointers).
        let mut names: [libc::sockaddr_storage; BATCH] = unsafe { std::mem::zeroed() };
        let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
        for (k, m) in msgs.iter_mut().enumerate() {
            m.msg_hdr.msg_name = (&mut names[k] as *mut libc::sockaddr_storage).cast();
            m.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as _;
            m.msg_hdr.msg_iov = &mut iov[k];
            m.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: `msgs` holds BATCH headers, each pointing at a live `names` entry of the
        // size it states and at one iovec of `size` bytes inside `self.buf` (BATCH × size
        // bytes, not otherwise borrowed meanwhile); the kernel writes within those bounds and
        // sets `msg_len` and `msg_namelen`. The descriptor is this socket's, open for the
        // borrow. A null timeout: the socket's own read timeout bounds the wait.
        let n = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                msgs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = (n as usize).min(BATCH);
        for (m, name) in msgs.iter().zip(&names).take(n) {
            let len = (m.msg_len as usize).min(size);
            self.got
                .push((len, socket_addr(name, m.msg_hdr.msg_namelen)));
        }
        Ok(n)
    }

    /// Reads one datagram (no batched receive on this OS).
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn recv(&mut self, socket: &UdpSocket) -> io::Result<usize> {
        self.got.clear();
        let (len, from) = socket.recv_from(&mut self.buf[..self.size])?;
        self.got.push((len.min(self.size), Some(from)));
        Ok(1)
    }
}

/// The source address the kernel wrote into `name` (`len` bytes of it).
#[cfg(target_os = "linux")]
fn socket_addr(name: &libc::sockaddr_storage, len: libc::socklen_t) -> Option<SocketAddr> {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
    let len = len as usize;
    match libc::c_int::from(name.ss_family) {
        libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: the kernel wrote a `sockaddr_in` (family AF_INET, length checked) at
            // the start of the storage, which is larger and suitably aligned for it.
            let a =
                unsafe { &*(name as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
            Some(SocketAddr::V4(SocketAddrV4::new(
                ip,
                u16::from_be(a.sin_port),
            )))
        }
        libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for a `sockaddr_in6` (family AF_INET6, length checked).
            let a =
                unsafe { &*(name as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
            Some(SocketAddr::V6(SocketAddrV6::new(
                ip,
                u16::from_be(a.sin6_port),
                a.sin6_flowinfo,
                a.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn one_call_reads_what_is_queued_with_sources_and_truncates_to_size() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = socket.local_addr().unwrap();
        sender.send_to(b"first", to).unwrap();
        sender.send_to(&[], to).unwrap();
        sender.send_to(&[9; 40], to).unwrap();
        let mut batch = Batch::new(32);
        let mut seen: Vec<(Vec<u8>, Option<SocketAddr>)> = Vec::new();
        // Loopback queues all three before the first read on Linux; elsewhere one per call.
        for _ in 0..3 {
            if seen.len() == 3 {
                break;
            }
            batch.recv(&socket).unwrap();
            seen.extend(batch.datagrams().map(|(d, from)| (d.to_vec(), from)));
        }
        let from = Some(sender.local_addr().unwrap());
        assert_eq!(
            seen,
            vec![
                (b"first".to_vec(), from),
                (Vec::new(), from),
                (vec![9; 32], from)
            ]
        );
    }

    #[test]
    fn an_empty_socket_times_out_like_recv_from() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let err = Batch::new(64).recv(&socket).unwrap_err();
        assert!(matches!(
            err.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ));
    }

    #[test]
    fn a_v6_source_is_read_back() {
        let Ok(socket) = UdpSocket::bind("[::1]:0") else {
            return; // no IPv6 loopback here
        };
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let sender = UdpSocket::bind("[::1]:0").unwrap();
        sender.send_to(b"v6", socket.local_addr().unwrap()).unwrap();
        let mut batch = Batch::new(16);
        assert_eq!(batch.recv(&socket).unwrap(), 1);
        let got: Vec<_> = batch.datagrams().map(|(d, f)| (d.to_vec(), f)).collect();
        assert_eq!(
            got,
            vec![(b"v6".to_vec(), Some(sender.local_addr().unwrap()))]
        );
    }
}
