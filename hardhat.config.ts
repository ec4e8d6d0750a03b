import { createRequire } from "node:module";
import path from "node:path";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler is the wasm build shipped in the npm package `solc`: nothing is downloaded.
const require = createRequire(import.meta.url);
const SOLC_PATH = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

// One EVM target for every contract: Cancun runs on Ethereum mainnet and on Arbitrum
// (ArbOS 20+); no contract here needs an opcode introduced after it.
const EVM_VERSION = "cancun";

const common = { version: SOLC_VERSION, path: SOLC_PATH };

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    profiles: {
      default: {
        ...common,
        settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs: 200 } },
      },
      production: {
        ...common,
        settings: {
          evmVersion: EVM_VERSION,
          viaIR: true,
          optimizer: { enabled: true, runs: 10_000 },
          metadata: { bytecodeHash: "none" },
        },
      },
    },
  },
  paths: {
    tests: { mocha: "test/evm", solidity: "test/evm" },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 64, failOnRevert: false },
    },
  },
  networks: {
    // In-process chains for tests (EDR). `hardhat` plays Ethereum, `hardhatArbitrum` Arbitrum.
    hardhat: { type: "edr-simulated", chainType: "l1" },
    hardhatArbitrum: { type: "edr-simulated", chainType: "generic", chainId: 412346 },
    // A real node over HTTP for scripts (`anvil` or `hardhat node`), see scripts/evm/node.sh.
    localhost: { type: "http", url: "http://127.0.0.1:8545", chainType: "l1" },
    localArbitrum: { type: "http", url: "http://127.0.0.1:8547", chainType: "generic" },
    // Public networks: URLs and keys only from configuration variables / the keystore.
    mainnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("MAINNET_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    arbitrumOne: {
      type: "http",
      chainType: "generic",
      url: configVariable("ARBITRUM_ONE_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    arbitrumSepolia: {
      type: "http",
      chainType: "generic",
      url: configVariable("ARBITRUM_SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});

export const SOLC = { version: SOLC_VERSION, path: path.relative(process.cwd(), SOLC_PATH) };
