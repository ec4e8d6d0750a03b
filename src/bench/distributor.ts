// The tree of ReferenceMerkleDistributor (contracts/mocks/reference), the one-leaf-per-claim
// distributor `npm run bench:gas` measures CheckerRewards against: an OpenZeppelin standard tree
// of `(uint256 index, address account, uint256 amount)`, built by the project's epoch builder
// (native where built), so a tree of 10^6 leaves takes seconds.
import { getAddress } from "ethers";

import { encodeRow, WORD } from "../epoch/abi.js";
import { buildTreeSync, proofPositions } from "../epoch/tree.js";

export const DISTRIBUTOR_LEAF_TYPES = ["uint256", "address", "uint256"] as const;

export interface DistributorTree {
  root: string;
  /** leaf `index`'s proof (index = its row: the leaves are given in index order from 0) */
  proof(index: number): string[];
}

/** The tree whose leaf `i` is `(i, account, amounts[i])`: one account holds every leaf. */
export function distributorTree(account: string, amounts: readonly bigint[]): DistributorTree {
  const who = getAddress(account);
  const rowBytes = DISTRIBUTOR_LEAF_TYPES.length * WORD;
  const rows = Buffer.alloc(amounts.length * rowBytes);
  amounts.forEach((amount, i) =>
    encodeRow(DISTRIBUTOR_LEAF_TYPES, [BigInt(i), who, amount]).copy(rows, i * rowBytes),
  );
  const tree = buildTreeSync({ rows, rowBytes });
  const node = (p: number) => "0x" + tree.nodes.toString("hex", p * WORD, p * WORD + WORD);
  return {
    root: tree.root,
    proof(index: number) {
      if (!Number.isInteger(index) || index < 0 || index >= amounts.length)
        throw new Error(`no leaf ${index}`);
      return proofPositions(tree.positions[index]).map(node);
    },
  };
}
