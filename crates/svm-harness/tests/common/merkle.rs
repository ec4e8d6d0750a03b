//! An OpenZeppelin-compatible Merkle tree for the tests: the layout of
//! `@openzeppelin/merkle-tree`'s `makeMerkleTree` with `StandardMerkleTree`'s leaf order, so the
//! roots and proofs here are the ones the JS library would build from the same leaves.
//!
//! - leaves sorted by hash (bytewise), placed at `tree[len - 1 - i]` for sorted leaf `i`,
//!   `len = 2n - 1`;
//! - `tree[i] = hash_pair(tree[2i + 1], tree[2i + 2])`, pairs hashed sorted;
//! - a proof collects the siblings from the leaf up to the root: `sibling(i) = i - (-1)^(i % 2)`
//!   (odd: i + 1, even: i - 1), `parent(i) = (i - 1) / 2`.

use anchor_lang::prelude::Pubkey;
use compute_market::merkle::{hash_pair, subsidy_leaf};

pub type Hash = [u8; 32];

pub struct Tree {
    pub nodes: Vec<Hash>,
    leaf_count: usize,
}

impl Tree {
    /// A tree over already-hashed leaves (sorted here, as `StandardMerkleTree` does).
    pub fn new(leaves: &[Hash]) -> Self {
        assert!(!leaves.is_empty(), "a tree needs a leaf");
        let mut sorted = leaves.to_vec();
        sorted.sort();
        let n = sorted.len();
        let len = 2 * n - 1;
        let mut nodes = vec![[0u8; 32]; len];
        for (i, leaf) in sorted.iter().enumerate() {
            nodes[len - 1 - i] = *leaf;
        }
        for i in (0..len - n).rev() {
            nodes[i] = hash_pair(&nodes[2 * i + 1], &nodes[2 * i + 2]);
        }
        Self {
            nodes,
            leaf_count: n,
        }
    }

    pub fn root(&self) -> Hash {
        self.nodes[0]
    }

    /// Position of `leaf` in `nodes`.
    pub fn position(&self, leaf: &Hash) -> usize {
        let first_leaf = self.nodes.len() - self.leaf_count;
        (first_leaf..self.nodes.len())
            .find(|&i| self.nodes[i] == *leaf)
            .expect("leaf in tree")
    }

    /// The proof of the node at `position` (a leaf, or an internal node for the node-as-leaf test).
    pub fn proof_at(&self, mut position: usize) -> Vec<Hash> {
        let mut proof = Vec::new();
        while position > 0 {
            let sibling = if position % 2 == 1 {
                position + 1
            } else {
                position - 1
            };
            proof.push(self.nodes[sibling]);
            position = (position - 1) / 2;
        }
        proof
    }

    pub fn proof(&self, leaf: &Hash) -> Vec<Hash> {
        self.proof_at(self.position(leaf))
    }
}

/// One row of a subsidy epoch: claim index, the Supplier account, amount.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub index: u32,
    pub supplier: Pubkey,
    pub amount: u64,
}

/// A subsidy epoch's tree over `rows`, leaves bound to `market` and `epoch`.
pub struct EpochTree {
    pub market: Pubkey,
    pub epoch: u64,
    pub rows: Vec<Row>,
    pub tree: Tree,
}

impl EpochTree {
    pub fn new(market: Pubkey, epoch: u64, rows: Vec<Row>) -> Self {
        let leaves: Vec<Hash> = rows
            .iter()
            .map(|r| subsidy_leaf(&market, epoch, r.index, &r.supplier, r.amount))
            .collect();
        Self {
            market,
            epoch,
            rows,
            tree: Tree::new(&leaves),
        }
    }

    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    pub fn total(&self) -> u64 {
        self.rows.iter().map(|r| r.amount).sum()
    }

    pub fn leaf(&self, row: &Row) -> Hash {
        subsidy_leaf(
            &self.market,
            self.epoch,
            row.index,
            &row.supplier,
            row.amount,
        )
    }

    pub fn proof(&self, row: &Row) -> Vec<Hash> {
        self.tree.proof(&self.leaf(row))
    }
}
