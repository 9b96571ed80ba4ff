//! What the runtime asks of the OS about its socket beyond std: the kernel receive buffer's
//! size (it replaced the hand-off queue: `buffer`) and how many datagrams the kernel dropped
//! because that buffer was full.

use std::net::UdpSocket;

/// The least receive buffer asked of the kernel, in bytes. The OS default (208 KiB on Linux)
/// holds only a few hundred small datagrams, about 2 ms of a flood of 150,000 a second: a node
/// descheduled that long on a busy machine would lose datagrams. The kernel caps the request at
/// `net.core.rmem_max`; it is a limit, not an allocation: an idle node uses none of it.
pub(crate) const RECEIVE_BUFFER_FLOOR: usize = 4 << 20;

/// Asks the kernel for a receive buffer holding at least `buffer` datagrams of `size` bytes
/// (Go's `buffer` datagrams waiting for the handler), and at least
/// [`RECEIVE_BUFFER_FLOOR`]. Never shrinks the OS default. Returns the size in force.
pub(crate) fn size_receive_buffer(
    socket: &UdpSocket,
    buffer: usize,
    size: usize,
) -> std::io::Result<usize> {
    let socket = socket2::SockRef::from(socket);
    let want = buffer.saturating_mul(size).max(RECEIVE_BUFFER_FLOOR);
    // The kernel doubles what it is given (room for its bookkeeping) and caps the request at
    // its maximum; asking more than it allows is not an error.
    if socket.recv_buffer_size()? < want {
        let _ = socket.set_recv_buffer_size(want.min(i32::MAX as usize / 2));
    }
    socket.recv_buffer_size()
}

/// Datagrams the kernel dropped at this socket since it was opened, because its receive buffer
/// was full (Linux: `SO_MEMINFO`'s drop count). 0 where the OS does not say.
#[cfg(target_os = "linux")]
pub(crate) fn kernel_drops(socket: &UdpSocket) -> u64 {
    use std::os::fd::AsRawFd;
    // Why unsafe: neither std nor socket2 reads SO_MEMINFO, the only place the kernel says how
    // many datagrams it dropped for a full receive buffer once the queue moved into the kernel.
    // The drop count is the last of the kernel's fields (`SK_MEMINFO_DROPS`, index 8).
    let mut info = [0u32; libc::SK_MEMINFO_DROPS as usize + 1];
    let mut len = std::mem::size_of_val(&info) as libc::socklen_t;
    // SAFETY: `info` is a live array of `len` bytes; the kernel writes at most `len` bytes and
    // sets `len` to what it wrote; the descriptor is this socket's, open for the borrow.
    let rc = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_MEMINFO,
            info.as_mut_ptr().cast(),
            &mut len,
        )
    };
    let drops = libc::SK_MEMINFO_DROPS as usize;
    if rc == 0 && len as usize >= (drops + 1) * std::mem::size_of::<u32>() {
        u64::from(info[drops])
    } else {
        0
    }
}

/// Datagrams the kernel dropped at this socket: not known on this OS.
#[cfg(not(target_os = "linux"))]
pub(crate) fn kernel_drops(_socket: &UdpSocket) -> u64 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_receive_buffer_grows_and_drops_start_at_zero() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let before = socket2::SockRef::from(&socket).recv_buffer_size().unwrap();
        let after = size_receive_buffer(&socket, 9, 16_384).unwrap();
        assert!(after >= before, "{after} < {before}");
        assert_eq!(kernel_drops(&socket), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_receive_buffer_is_counted() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let _ = socket2::SockRef::from(&socket).set_recv_buffer_size(4096);
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        for _ in 0..1_000 {
            let _ = sender.send_to(&[7; 512], socket.local_addr().unwrap());
        }
        assert!(kernel_drops(&socket) > 0);
    }
}
