//! An OpenZeppelin `StandardMerkleTree` (`@openzeppelin/merkle-tree`, default options) over rows
//! that are already ABI-encoded: for static types (`uint256`, `address`, `bytes32`, ...) the
//! encoding of a row is its values' 32-byte words one after the other, so this crate never needs
//! to know the types.
//!
//! The library's layout, which this reproduces node for node:
//! - a leaf is `keccak256(keccak256(row))`;
//! - leaves are sorted by hash (ties keep the rows' order: the library's sort is stable);
//! - the tree is an array of `2n - 1` nodes, the `i`-th smallest leaf at `2n - 2 - i`, and every
//!   internal node `i` is `keccak256(min(c1, c2) ++ max(c1, c2))` of its children `2i + 1`, `2i + 2`
//!   (the sorted-pair hash of OpenZeppelin's `MerkleProof`); the root is node 0.
//!
//! A proof for the node at `p` is its sibling (`p - 1` if `p` is even, else `p + 1`), then the
//! sibling of its parent `(p - 1) / 2`, up to the root: `~log2(n)` positional reads of the array.
use rayon::prelude::*;
use sha3::{Digest, Keccak256};

pub mod batch;
use batch::keccak_batch;

/// One tree node (or leaf hash).
pub type Node = [u8; 32];

/// Hashes per task: a level or a chunk of rows is split into pieces this big for the threads.
const PIECE: usize = 1 << 11;

/// keccak256 of `data`.
pub fn keccak(data: &[u8]) -> Node {
    Keccak256::digest(data).into()
}

/// The library's `standardLeafHash`: `keccak256(keccak256(abi.encode(values)))`.
pub fn leaf_hash(row: &[u8]) -> Node {
    keccak(&keccak(row))
}

/// The library's `standardNodeHash`: keccak256 of the two children, the smaller first.
pub fn node_hash(a: &Node, b: &Node) -> Node {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut h = Keccak256::new();
    h.update(lo);
    h.update(hi);
    h.finalize().into()
}

/// Leaf hashes of `rows` (each `row_bytes` long), in the rows' order, on every thread.
pub fn leaf_hashes(rows: &[u8], row_bytes: usize) -> Vec<Node> {
    assert!(
        row_bytes > 0 && rows.len().is_multiple_of(row_bytes),
        "rows are not whole"
    );
    let mut out = vec![[0u8; 32]; rows.len() / row_bytes];
    out.par_chunks_mut(PIECE)
        .zip(rows.par_chunks(PIECE * row_bytes))
        .for_each(|(leaves, rows)| {
            let mut inner = vec![[0u8; 32]; leaves.len()];
            keccak_batch(rows, row_bytes, row_bytes, &mut inner);
            keccak_batch(inner.as_flattened(), 32, 32, leaves);
        });
    out
}

/// A built tree: its nodes in the library's array layout, and where each row's leaf went.
pub struct Tree {
    /// `2n - 1` nodes; `nodes[0]` is the root.
    pub nodes: Vec<Node>,
    /// `positions[r]`: the index in `nodes` of row `r`'s leaf.
    pub positions: Vec<u32>,
}

/// Errors of [`build`].
#[derive(Debug, PartialEq, Eq)]
pub enum BuildError {
    /// A tree needs at least one leaf (the library refuses an empty one too).
    Empty,
    /// `2n - 1` nodes must be addressable by a `u32` position.
    TooManyLeaves(usize),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Empty => write!(f, "no leaves: a tree needs at least one"),
            BuildError::TooManyLeaves(n) => write!(f, "{n} leaves: at most 2^31 fit"),
        }
    }
}

/// Builds the tree of the leaf hashes `leaves` (given in the rows' order).
pub fn build(leaves: &[Node]) -> Result<Tree, BuildError> {
    let n = leaves.len();
    if n == 0 {
        return Err(BuildError::Empty);
    }
    if n > 1 << 31 {
        return Err(BuildError::TooManyLeaves(n));
    }
    // Rows in leaf-hash order; the row number breaks ties as the library's stable sort does.
    // Sorted by (first 8 bytes, row) pairs, which sit together in memory; the rest of the hash
    // only decides between equal prefixes.
    let mut keyed: Vec<(u64, u32)> = leaves
        .par_iter()
        .enumerate()
        .map(|(r, h)| (u64::from_be_bytes(h[..8].try_into().unwrap()), r as u32))
        .collect();
    keyed.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| leaves[a.1 as usize].cmp(&leaves[b.1 as usize]))
            .then(a.1.cmp(&b.1))
    });
    let order: Vec<u32> = keyed.into_iter().map(|(_, r)| r).collect();

    let len = 2 * n - 1;
    let mut nodes = vec![[0u8; 32]; len];
    let mut positions = vec![0u32; n];
    for (i, &row) in order.iter().enumerate() {
        let at = len - 1 - i;
        nodes[at] = leaves[row as usize];
        // `at < 2^32 - 1` since n <= 2^31 (checked above)
        positions[row as usize] = at as u32;
    }

    // Internal nodes are 0..n-1. The nodes of depth d are [2^d - 1, 2^(d+1) - 1) and their
    // children start at 2^(d+1) - 1, so each depth only reads the one below it: hash a depth at a
    // time, from the deepest up, in parallel within the depth.
    let internal = n - 1;
    let mut depths = Vec::new();
    let mut first = 0usize;
    while first < internal {
        depths.push(first);
        first = 2 * first + 1;
    }
    for &lo in depths.iter().rev() {
        let boundary = 2 * lo + 1;
        let hi = boundary.min(internal);
        let (head, children) = nodes.split_at_mut(boundary);
        let parents = &mut head[lo..hi];
        parents
            .par_chunks_mut(PIECE)
            .enumerate()
            .for_each(|(c, piece)| {
                // the children of this piece of parents, each pair smaller first
                let first = 2 * c * PIECE;
                let mut pairs = vec![[0u8; 32]; 2 * piece.len()];
                for (j, pair) in pairs.chunks_exact_mut(2).enumerate() {
                    let (a, b) = (&children[first + 2 * j], &children[first + 2 * j + 1]);
                    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                    pair[0] = *lo;
                    pair[1] = *hi;
                }
                keccak_batch(pairs.as_flattened(), 64, 64, piece);
            });
    }
    Ok(Tree { nodes, positions })
}

/// The proof of the node at `position`: the siblings from it up to the root.
pub fn proof(nodes: &[Node], mut position: usize) -> Vec<Node> {
    let mut out = Vec::new();
    while position > 0 {
        let sibling = if position.is_multiple_of(2) {
            position - 1
        } else {
            position + 1
        };
        out.push(nodes[sibling]);
        position = (position - 1) / 2;
    }
    out
}

/// Folds `proof` onto `leaf` with the sorted-pair hash: equals the root when the proof is valid.
pub fn process_proof(leaf: &Node, proof: &[Node]) -> Node {
    proof
        .iter()
        .fold(*leaf, |acc, sibling| node_hash(&acc, sibling))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: u64) -> Vec<u8> {
        let mut r = vec![0u8; 64];
        r[24..32].copy_from_slice(&i.to_be_bytes());
        r[56..64].copy_from_slice(&(i * 7 + 1).to_be_bytes());
        r
    }

    #[test]
    fn every_proof_folds_to_the_root() {
        for n in [1usize, 2, 3, 4, 5, 7, 8, 9, 100, 1000, 4097, 10_001] {
            let rows: Vec<u8> = (0..n as u64).flat_map(row).collect();
            let leaves = leaf_hashes(&rows, 64);
            let tree = build(&leaves).unwrap();
            assert_eq!(tree.nodes.len(), 2 * n - 1);
            for (r, &p) in tree.positions.iter().enumerate() {
                assert_eq!(tree.nodes[p as usize], leaves[r]);
                let pf = proof(&tree.nodes, p as usize);
                assert_eq!(
                    process_proof(&leaves[r], &pf),
                    tree.nodes[0],
                    "n {n} row {r}"
                );
            }
        }
    }

    #[test]
    fn leaves_sit_at_the_end_in_hash_order() {
        let rows: Vec<u8> = (0..50u64).flat_map(row).collect();
        let tree = build(&leaf_hashes(&rows, 64)).unwrap();
        let leaves = &tree.nodes[49..];
        // the i-th smallest at 2n - 2 - i: descending from the front of the leaf range
        assert!(leaves.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn equal_leaves_keep_the_rows_order() {
        let rows: Vec<u8> = [row(1), row(1), row(2)].concat();
        let tree = build(&leaf_hashes(&rows, 64)).unwrap();
        // the library's stable sort puts row 0 before row 1, i.e. at the higher position
        assert!(tree.positions[0] > tree.positions[1]);
    }

    #[test]
    fn known_keccak() {
        // keccak256("") of the Ethereum yellow paper
        assert_eq!(
            keccak(b"")
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn error_an_empty_tree() {
        assert_eq!(build(&[]).err(), Some(BuildError::Empty));
    }
}
