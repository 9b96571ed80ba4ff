//! Every node's view as the records tell it: one bit per (node, member) pair and a count per
//! node, so the membership observer never reads a node.

/// Every node's view as the records tell it: one bit per (node, member) pair.
pub(crate) struct Views {
    words: usize,
    bits: Vec<u64>,
    len: Vec<u32>,
}

impl Views {
    pub(crate) fn new(nodes: usize) -> Views {
        let words = nodes.div_ceil(64);
        Views {
            words,
            bits: vec![0; words * nodes],
            len: vec![0; nodes],
        }
    }

    /// The number of members node `i` lists.
    pub(crate) fn len(&self, i: usize) -> usize {
        self.len[i] as usize
    }

    pub(crate) fn row(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words..(i + 1) * self.words]
    }

    pub(crate) fn knows(&self, i: usize, j: usize) -> bool {
        self.bits[i * self.words + j / 64] & (1 << (j % 64)) != 0
    }

    /// Sets or clears bit (i, j); returns whether it changed.
    pub(crate) fn put(&mut self, i: usize, j: usize, on: bool) -> bool {
        // Both must be plan nodes (made-up identities are counted apart): anything else
        // changes nothing rather than a neighbour's bits or a panic.
        if i >= self.len.len() || j >= self.words * 64 {
            return false;
        }
        let word = &mut self.bits[i * self.words + j / 64];
        let bit = 1u64 << (j % 64);
        if (*word & bit != 0) == on {
            return false;
        }
        *word ^= bit;
        if on {
            self.len[i] += 1;
        } else {
            self.len[i] -= 1;
        }
        true
    }

    pub(crate) fn clear(&mut self, i: usize) {
        self.bits[i * self.words..(i + 1) * self.words].fill(0);
        self.len[i] = 0;
    }
}
