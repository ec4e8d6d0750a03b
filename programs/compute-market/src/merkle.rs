//! Ignition-subsidy leaves and proofs, bit-compatible with OpenZeppelin's Solidity and JS
//! libraries, so that one epoch builder (`@openzeppelin/merkle-tree`'s `StandardMerkleTree` or
//! the project's faster builder) serves the EVM rewards and these subsidies.
//!
//! - Leaf: OpenZeppelin's *standard* leaf, `keccak256(keccak256(abi.encode(bytes32 market,
//!   uint256 epoch, uint256 index, bytes32 supplier, uint256 amount)))`, where `market` is the
//!   MarketConfig PDA and `supplier` the Supplier PDA. The ABI encoding of these five static
//!   types is five 32-byte words, integers big-endian.
//! - Proof: `MerkleProof.processProof`, hashing each pair sorted (`commutativeKeccak256`).
//!
//! Domain: programs on Solana cannot see a chain id, but `market` is a PDA of this program
//! (derived from the program id and the market's creator), so a leaf signed off for one market
//! of one deployment proves nothing in another market, another deployment, or on another
//! cluster where the same program id runs (a different creator, hence a different market).
//! A leaf also names its epoch, so a proof for one epoch never verifies in another.
//!
//! A node cannot be presented as a leaf: a leaf is the hash of a 32-byte hash of a 160-byte
//! encoding, an internal node the hash of 64 bytes, so passing a node as the claimed leaf
//! would need a 160-byte preimage of a keccak output that equals the node's 64-byte preimage's
//! hash: a second-preimage attack on keccak256.

use anchor_lang::prelude::Pubkey;

/// keccak256 of the concatenation of `parts` (one `sol_keccak256` syscall on chain).
pub fn keccak(parts: &[&[u8]]) -> [u8; 32] {
    solana_keccak_hasher::hashv(parts).to_bytes()
}

/// A `uint256` ABI word holding `value`.
pub fn word(value: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&value.to_be_bytes());
    w
}

/// The standard leaf of one claim (two keccak256 calls: 160 bytes, then 32).
pub fn subsidy_leaf(
    market: &Pubkey,
    epoch: u64,
    index: u32,
    supplier: &Pubkey,
    amount: u64,
) -> [u8; 32] {
    let inner = keccak(&[
        market.as_ref(),
        &word(epoch),
        &word(u64::from(index)),
        supplier.as_ref(),
        &word(amount),
    ]);
    keccak(&[&inner])
}

/// OpenZeppelin's `Hashes.commutativeKeccak256`: the hash of the sorted pair.
pub fn hash_pair(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    if a < b {
        keccak(&[a, b])
    } else {
        keccak(&[b, a])
    }
}

/// OpenZeppelin's `MerkleProof.processProof`: the root that `proof` leads to from `leaf`
/// (one keccak256 of 64 bytes per proof element).
pub fn process_proof(proof: &[[u8; 32]], leaf: [u8; 32]) -> [u8; 32] {
    proof
        .iter()
        .fold(leaf, |node, sibling| hash_pair(&node, sibling))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn keccak_of_the_empty_string() {
        assert_eq!(
            keccak(&[]),
            hex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        );
    }

    #[test]
    fn pairs_hash_in_sorted_order() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        assert_eq!(hash_pair(&a, &b), hash_pair(&b, &a));
        assert_eq!(hash_pair(&a, &b), keccak(&[&a, &b]));
        assert_eq!(
            process_proof(&[], a),
            a,
            "a one-leaf tree's root is its leaf"
        );
    }

    /// The same leaf as `StandardMerkleTree.of([[market, 7, 3, supplier, 1000]],
    /// ["bytes32","uint256","uint256","bytes32","uint256"]).leafHash(...)` with
    /// `market = 0x11..11`, `supplier = 0x22..22` (computed with @openzeppelin/merkle-tree 1.0.8).
    #[test]
    fn leaf_matches_openzeppelin_standard_tree() {
        let market = Pubkey::new_from_array([0x11; 32]);
        let supplier = Pubkey::new_from_array([0x22; 32]);
        assert_eq!(
            subsidy_leaf(&market, 7, 3, &supplier, 1_000),
            hex(OZ_LEAF_7_3_1000)
        );
    }

    const OZ_LEAF_7_3_1000: &str =
        "43ca7b6b192d18216a28355ad0647162974086abe9623dbe79a669b65805119b";
}
