import { createRequire } from "node:module";
import path from "node:path";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig, task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NewTaskActionFunction } from "hardhat/types/tasks";

// The compiler is the wasm build shipped in the npm package `solc`: nothing is downloaded.
const require = createRequire(import.meta.url);
const SOLC_PATH = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

// One EVM target for every contract: Cancun runs on Ethereum mainnet and on Arbitrum
// (ArbOS 20+); no contract here needs an opcode introduced after it.
const EVM_VERSION = "cancun";

const common = { version: SOLC_VERSION, path: SOLC_PATH };

const DEEP = process.env.CM_TEST_PROFILE === "deep";

// Scripts governance and operators run: thin tasks over the library in src/. Each builds the
// contracts and their TypeChain types first (a no-op when up to date), so every task works on a
// fresh clone, before anything else has been run.
const built =
  <A>(load: () => Promise<{ default: (args: A, hre: HardhatRuntimeEnvironment) => unknown }>) =>
  async (): Promise<{ default: NewTaskActionFunction }> => ({
    default: async (args, hre) => {
      await hre.tasks.getTask("build").run({ quiet: true });
      return (await load()).default(args as A, hre);
    },
  });

const proposalOptions = <T extends ReturnType<typeof task>>(t: T) =>
  t
    .addOption({
      name: "from",
      description: "first epoch to release (default: oldest due)",
      defaultValue: "",
    })
    .addOption({
      name: "to",
      description: "last epoch to release (default: current epoch)",
      defaultValue: "",
    })
    .addOption({
      name: "curve",
      description: "instead of a release: 'initialWei,decayBps,epochsPerPeriod'",
      defaultValue: "",
    })
    .addOption({ name: "account", description: "index of the account that signs", defaultValue: "0" })
    .addFlag({ name: "dryRun", description: "print what would be sent, send nothing" });

// The Ignition deploy tasks' options (deploy:ethereum, deploy:arbitrum).
const deployOptions = <T extends ReturnType<typeof task>>(t: T) =>
  t
    .addOption({
      name: "strategy",
      description:
        "Ignition strategy: create2 (CreateX: addresses from the deployer and the config) or basic",
      defaultValue: "create2",
    })
    .addOption({
      name: "salt",
      description:
        "CREATE2 salt tag: a new deployment of the same contracts by the same deployer needs a new one",
      defaultValue: "v1",
    });

const tasks = [
  deployOptions(
    task(
      "deploy:ethereum",
      "Deploy token, vesting, emission schedule and governance from the tokenomics config",
    ).addOption({
      name: "tokenomics",
      description: "tokenomics config",
      defaultValue: "config/ethereum/tokenomics.json",
    }),
  )
    .addFlag({ name: "dryRun", description: "validate the config and print the plan only" })
    .setAction(built(() => import("./scripts/tasks/deploy-ethereum.js")))
    .build(),
  task(
    "audit:roles",
    "Read every privileged role of the network's deployment from chain and compare with the configs",
  )
    .addFlag({ name: "json", description: "print one JSON document" })
    .setAction(built(() => import("./scripts/tasks/audit-roles.js")))
    .build(),
  task("emission:plan", "Print the next epochs' releases from chain state")
    .addOption({ name: "epochs", description: "how many epochs", defaultValue: "8" })
    .setAction(built(() => import("./scripts/tasks/emission-plan.js")))
    .build(),
  proposalOptions(task("emission:propose", "Propose an emission release (or a curve change) to the Governor"))
    .setAction(built(() => import("./scripts/tasks/emission-propose.js")))
    .build(),
  proposalOptions(task("governance:vote", "Vote on an emission proposal"))
    .addOption({ name: "support", description: "for | against | abstain", defaultValue: "for" })
    .setAction(built(() => import("./scripts/tasks/governance-vote.js")))
    .build(),
  proposalOptions(task("emission:execute", "Queue a passed emission proposal, or execute a queued one"))
    .setAction(built(() => import("./scripts/tasks/emission-execute.js")))
    .build(),
  task("governance:veto", "Guardian: veto a queued proposal during the bootstrap period (GuardianCanceller)")
    .addOption({ name: "id", description: "the proposal id", defaultValue: "" })
    .addOption({ name: "account", description: "index of the guardian account", defaultValue: "0" })
    .addFlag({ name: "dryRun", description: "print the timelock operation only" })
    .setAction(built(() => import("./scripts/tasks/governance-veto.js")))
    .build(),
  task("token:delegate", "Delegate an account's votes (to itself by default)")
    .addOption({ name: "account", description: "index of the delegating account", defaultValue: "0" })
    .addOption({
      name: "to",
      description: "delegatee address (default: the account itself)",
      defaultValue: "",
    })
    .addFlag({ name: "dryRun", description: "print only" })
    .setAction(built(() => import("./scripts/tasks/token-delegate.js")))
    .build(),
  task("dev:advance", "Advance a local chain's clock (local chains only)")
    .addOption({ name: "seconds", description: "seconds to add", defaultValue: "1" })
    .setAction(built(() => import("./scripts/tasks/dev-advance.js")))
    .build(),
  deployOptions(
    task(
      "deploy:arbitrum",
      "Deploy licence, sale, rewards, bridged token and rental escrow from config/arbitrum",
    )
      .addOption({
        name: "licenses",
        description: "licence config",
        defaultValue: "config/arbitrum/licenses.json",
      })
      .addOption({
        name: "escrow",
        description: "rental escrow config",
        defaultValue: "config/arbitrum/escrow.json",
      }),
  )
    .addFlag({ name: "dryRun", description: "validate the config only" })
    .setAction(built(() => import("./scripts/tasks/deploy-arbitrum.js")))
    .build(),
  task("licenses:buy", "Quote and buy CheckerNode licences (allowlist proof found automatically)")
    .addOption({ name: "quantity", description: "how many licences", defaultValue: "1" })
    .addOption({ name: "currency", description: "eth | stable", defaultValue: "eth" })
    .addOption({ name: "referral", description: "referral code", defaultValue: "" })
    .addOption({
      name: "maxTotal",
      description: "slippage guard in wei/units (default: the quote)",
      defaultValue: "",
    })
    .addOption({ name: "account", description: "index of the buying account", defaultValue: "0" })
    .addFlag({ name: "dryRun", description: "quote only" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-buy.js")))
    .build(),
  task("licenses:referral", "Register a referral code for an account")
    .addOption({ name: "code", description: "the code (up to 31 characters)", defaultValue: "" })
    .addOption({ name: "account", description: "index of the referrer account", defaultValue: "0" })
    .addFlag({ name: "dryRun", description: "print only" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-referral.js")))
    .build(),
  task("escrow:set-price", "Price relayer: post the market token's price to the rental escrow's oracle")
    .addOption({ name: "price", description: "stablecoin per whole token, e.g. 2.5", defaultValue: "" })
    .addOption({ name: "account", description: "index of the price-setter account", defaultValue: "0" })
    .addFlag({ name: "dryRun", description: "print only" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-set-price.js")))
    .build(),
  task("dev:bridge-deposit", "Local Arbitrum only: act as the L2 gateway and fund the rewards contract")
    .addOption({ name: "amount", description: "tokens (decimal)", defaultValue: "0" })
    .addOption({
      name: "gatewayAccount",
      description: "index of the account configured as gateway",
      defaultValue: "9",
    })
    .addOption({
      name: "to",
      description: "recipient: address or signer:N (default: the rewards contract)",
      defaultValue: "",
    })
    .addOption({
      name: "stable",
      description: "also mint this much test stablecoin, e.g. 1000",
      defaultValue: "0",
    })
    .setAction(built(() => import("./scripts/tasks/arbitrum-bridge-deposit.js")))
    .build(),
  task("licenses:delegate", "Delegate (or revoke, with no --operator) the operation of licences")
    .addOption({ name: "ids", description: "licence ids, comma-separated", defaultValue: "" })
    .addOption({
      name: "operator",
      description: "operator address or signer:N (empty: revoke)",
      defaultValue: "",
    })
    .addOption({ name: "account", description: "index of the holder account", defaultValue: "0" })
    .addFlag({ name: "dryRun", description: "print only" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-delegate.js")))
    .build(),
  task(
    "rewards:build-epoch",
    "Build an epoch's artifact (Merkle tree, root, sharded claims: a directory) from checker reports (CSV, JSONL or JSON) for --network's rewards contract (read from its deployment record; nothing is sent)",
  )
    .addOption({ name: "epoch", description: "epoch number", defaultValue: "0" })
    .addOption({ name: "budget", description: "tokens to distribute (decimal)", defaultValue: "0" })
    .addOption({ name: "reports", description: "reports file (licenseId, checksPassed)", defaultValue: "" })
    .addOption({ name: "out", description: "epoch directory to write", defaultValue: "epoch" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-build-epoch.js")))
    .build(),
  task("rewards:post", "Post an epoch's root (REWARD_ROLE)")
    .addOption({
      name: "epochDir",
      description: "epoch directory from rewards:build-epoch",
      defaultValue: "epoch",
    })
    .addOption({ name: "account", description: "index of the poster account", defaultValue: "0" })
    .addFlag({ name: "dryRun", description: "print only" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-post.js")))
    .build(),
  task("rewards:claim", "Claim every reward of an epoch that the account holds or operates")
    .addOption({
      name: "epochDir",
      description: "epoch directory from rewards:build-epoch",
      defaultValue: "epoch",
    })
    .addOption({ name: "account", description: "index of the holder or operator account", defaultValue: "0" })
    .addOption({
      name: "batch",
      description: "claims per transaction (a re-run resumes)",
      defaultValue: "100",
    })
    .addFlag({ name: "dryRun", description: "print only" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-claim.js")))
    .build(),
  task(
    "rewards:close",
    "Close an epoch whose claim window has ended: its unclaimed rewards return to the pool",
  )
    .addOption({ name: "epoch", description: "epoch number", defaultValue: "" })
    .addOption({
      name: "account",
      description: "index of the account that signs (anyone)",
      defaultValue: "0",
    })
    .addFlag({ name: "dryRun", description: "print only" })
    .setAction(built(() => import("./scripts/tasks/arbitrum-close.js")))
    .build(),
];

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks,
  solidity: {
    // Standard interfaces the scripts and the CLI use to talk to any token (TypeChain types).
    npmFilesToBuild: ["@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol"],
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
      // Mutation testing only (scripts/mutation/solidity.sh rebuilds the mutated file with every
      // mutant): the default settings without the optimizer, which compiles 2-3x faster in the
      // wasm solc. The optimizer keeps semantics, so a test kills the same mutants either way.
      mutation: {
        ...common,
        settings: { evmVersion: EVM_VERSION, optimizer: { enabled: false } },
      },
    },
  },
  // Source verification of public deployments: `npx hardhat ignition verify <deployment id>`
  // (e.g. ethereum-mainnet, arbitrum-arbitrumOne) verifies every contract Ignition deployed, with
  // Etherscan's multichain API key (Ethereum and Arbitrum) read only when used.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  paths: {
    tests: { mocha: "test/evm", solidity: "test/evm" },
    // Ignition's journals (ignition/deployments/<id>); tests put theirs in a temporary directory.
    ignition: process.env.CM_IGNITION_DIR ?? "ignition",
  },
  // Two profiles: `npm test` runs the quick one; `npm run test:deep` (CM_TEST_PROFILE=deep) runs
  // 10 000 fuzz runs per property and deeper invariant campaigns.
  test: {
    solidity: DEEP
      ? { fuzz: { runs: 10_000 }, invariant: { runs: 256, depth: 64, failOnRevert: false } }
      : { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 64, failOnRevert: false } },
  },
  networks: {
    // In-process chains for tests (EDR). `hardhat` plays Ethereum, `hardhatArbitrum` Arbitrum.
    hardhat: { type: "edr-simulated", chainType: "l1" },
    hardhatArbitrum: { type: "edr-simulated", chainType: "generic", chainId: 412346 },
    // Local nodes over HTTP (`hardhat node`, started by `npm run main`); tests that start their
    // own on other ports point these at them with CM_EVM_URL / CM_ARB_URL.
    localhost: { type: "http", url: process.env.CM_EVM_URL ?? "http://127.0.0.1:8545", chainType: "l1" },
    localArbitrum: {
      type: "http",
      url: process.env.CM_ARB_URL ?? "http://127.0.0.1:8547",
      chainType: "generic",
    },
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
