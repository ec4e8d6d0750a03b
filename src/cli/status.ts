// `cm status`: what is deployed where (the deployment records), who holds which role, what a key
// holds on each chain, and its open rentals. Reads only; sends nothing.
import { existsSync } from "node:fs";

import { getAccount, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { LAMPORTS_PER_SOL, PublicKey } from "@solana/web3.js";
import { Command } from "commander";
import { formatEther, getAddress, ZeroAddress } from "ethers";
import { z } from "zod";

import { readDeployment } from "../deployments.js";
import { erc20Denomination, type EvmConnection } from "../evm/context.js";
import { rolesOf } from "../evm/roles.js";
import { RentalEscrow__factory } from "../../types/ethers-contracts/index.js";
import { readKeypair } from "../solana/context.js";
import { openRentals } from "../solana/escrow.js";
import { formatAmount } from "../units.js";

import { checkEvmNetwork, emit, evmConnection, solana, withOutput } from "./common.js";

const CHAINS = ["ethereum", "arbitrum", "solana"] as const;
type Chain = (typeof CHAINS)[number];

interface StatusOptions {
  json: boolean;
  chains: string;
  ethereum: string;
  arbitrum: string;
  solana: string;
  ethereumRpcUrl?: string;
  arbitrumRpcUrl?: string;
}

const withNetworks = (c: Command) =>
  withOutput(c)
    .option("--chains <list>", "which chains, comma-separated", CHAINS.join(","))
    .option("--ethereum <network>", "Ethereum's Hardhat network", "localhost")
    .option("--arbitrum <network>", "Arbitrum's Hardhat network", "localArbitrum")
    .option("--solana <network>", "Solana deployment record", "localnet")
    .option("--ethereum-rpc-url <url>", "override the Ethereum network's RPC URL")
    .option("--arbitrum-rpc-url <url>", "override the Arbitrum network's RPC URL");

function chainsOf(o: StatusOptions): Chain[] {
  const list = o.chains.split(",").filter(Boolean);
  for (const c of list)
    if (!CHAINS.includes(c as Chain))
      throw new Error(`--chains '${o.chains}': '${c}' is not one of ${CHAINS.join(", ")}`);
  return list as Chain[];
}

const Addresses = z.object({ addresses: z.record(z.string(), z.string()), fromBlock: z.number().optional() });

/** The record of `chain` for its network option, a one-line error naming the option if missing. */
async function record(o: StatusOptions, chain: Chain) {
  const network = o[chain];
  if (chain !== "solana") await checkEvmNetwork(network, `--${chain}`);
  try {
    if (chain === "solana")
      return { network, record: readDeployment<Record<string, unknown>>(`solana-${network}`) };
    return { network, record: Addresses.parse(readDeployment(`${chain}-${network}`)) };
  } catch (err) {
    throw new Error(`--${chain} '${network}': ${(err as Error).message}`);
  }
}

async function evm(o: StatusOptions, chain: "ethereum" | "arbitrum"): Promise<EvmConnection> {
  try {
    return await evmConnection(o[chain], chain === "ethereum" ? o.ethereumRpcUrl : o.arbitrumRpcUrl);
  } catch (err) {
    throw new Error(
      (err as Error).message.replace(/^--network/, `--${chain}`).replace(/^--rpc-url/, `--${chain}-rpc-url`),
    );
  }
}

/** `--key`: an EVM address, a Solana public key, or a Solana keypair file. */
function parseKey(key: string): { evm?: string; solana?: PublicKey } {
  if (/^0x[0-9a-fA-F]{40}$/.test(key)) return { evm: getAddress(key.toLowerCase()) };
  if (existsSync(key)) {
    try {
      return { solana: readKeypair(key).publicKey };
    } catch (err) {
      throw new Error(`--key ${(err as Error).message}`);
    }
  }
  try {
    return { solana: new PublicKey(key) };
  } catch {
    throw new Error(`--key '${key}': not an EVM address, a Solana public key or a keypair file`);
  }
}

async function splBalance(
  connection: import("@solana/web3.js").Connection,
  mint: PublicKey,
  owner: PublicKey,
) {
  try {
    return (await getAccount(connection, getAssociatedTokenAddressSync(mint, owner))).amount;
  } catch {
    return 0n;
  }
}

export function statusCommands() {
  const group = new Command("status").description(
    "deployed addresses, role holders, balances and open rentals of a key (reads only)",
  );

  group.addCommand(
    withNetworks(new Command("addresses"))
      .description("every deployed address, from the deployment records")
      .action(async (o: StatusOptions) => {
        const out: Record<string, unknown> = {};
        const lines: string[] = [];
        for (const chain of chainsOf(o)) {
          const { network, record: r } = await record(o, chain);
          const addresses =
            chain === "solana"
              ? Object.fromEntries(
                  Object.entries(r).filter(([, v]) => typeof v === "string" && v !== network),
                )
              : (r as z.infer<typeof Addresses>).addresses;
          out[chain] = { network, addresses };
          lines.push(
            `${chain} (${network}):`,
            ...Object.entries(addresses).map(([k, v]) => `  ${k.padEnd(18)} ${String(v)}`),
          );
        }
        emit(o, out, lines);
      }),
  );

  group.addCommand(
    withNetworks(new Command("roles"))
      .description(
        "who holds which role: AccessControl roles on the EVM chains, the Solana market's authorities",
      )
      .action(async (o: StatusOptions) => {
        const out: Record<string, unknown> = {};
        const lines: string[] = [];
        for (const chain of chainsOf(o)) {
          const { network, record: r } = await record(o, chain);
          if (chain === "solana") {
            const ctx = solana({ network }, false);
            const m = await ctx.program.account.marketConfig.fetch(ctx.market);
            const roles = {
              authority: m.authority.toBase58(),
              pendingAuthority: m.pendingAuthority.equals(PublicKey.default)
                ? null
                : m.pendingAuthority.toBase58(),
              priceAuthority: m.priceAuthority.toBase58(),
              subsidyAuthority: m.subsidyAuthority.toBase58(),
              treasury: m.treasury.toBase58(),
              paused: m.paused,
            };
            out.solana = { network, market: ctx.market.toBase58(), roles };
            lines.push(`solana (${network}) market ${ctx.market.toBase58()}${m.paused ? " PAUSED" : ""}:`);
            for (const [k, v] of Object.entries(roles))
              if (k !== "paused") lines.push(`  ${k.padEnd(18)} ${v ?? "-"}`);
          } else {
            const conn = await evm(o, chain);
            const rec = r as z.infer<typeof Addresses>;
            const contracts: Record<string, { address: string; roles: { role: string; account: string }[] }> =
              {};
            lines.push(`${chain} (${network}):`);
            for (const [name, address] of Object.entries(rec.addresses)) {
              const held = await rolesOf(conn.ethers.provider, address, rec.fromBlock ?? 0);
              if (held.length === 0) continue;
              contracts[name] = {
                address,
                roles: held.map((h) => ({ role: h.role, account: getAddress(h.account) })),
              };
              lines.push(
                `  ${name} ${address}`,
                ...held.map((h) => `    ${h.role.padEnd(20)} ${getAddress(h.account)}`),
              );
            }
            out[chain] = { network, contracts };
          }
        }
        emit(o, out, lines);
      }),
  );

  group.addCommand(
    withNetworks(new Command("balances"))
      .description("what a key holds on each chain (native coin, market token, stablecoin)")
      .requiredOption("--key <key>", "EVM address, Solana public key or Solana keypair file")
      .action(async (o: StatusOptions & { key: string }) => {
        const key = parseKey(o.key);
        const out: Record<string, unknown> = {};
        const lines: string[] = [];
        for (const chain of chainsOf(o)) {
          if (chain === "solana") {
            if (!key.solana) continue;
            const ctx = solana({ network: o.solana }, false);
            const [lamports, stable, token] = await Promise.all([
              ctx.connection.getBalance(key.solana),
              splBalance(ctx.connection, ctx.stableMint, key.solana),
              splBalance(ctx.connection, ctx.tokenMint, key.solana),
            ]);
            const [st, tk] = [await ctx.denomination(ctx.stableMint), await ctx.denomination(ctx.tokenMint)];
            out.solana = {
              network: o.solana,
              account: key.solana.toBase58(),
              lamports: BigInt(lamports),
              stable,
              token,
            };
            lines.push(
              `solana ${key.solana.toBase58()}: ${lamports / LAMPORTS_PER_SOL} SOL, ${formatAmount(stable, st)}, ${formatAmount(token, tk)}`,
            );
          } else {
            if (!key.evm) continue;
            const { record: r } = await record(o, chain);
            const rec = r as z.infer<typeof Addresses>;
            const conn = await evm(o, chain);
            const wei = await conn.ethers.provider.getBalance(key.evm);
            const coins: Record<string, bigint> = {};
            const parts = [`${formatEther(wei)} ETH`];
            for (const name of ["token", "stablecoin"]) {
              const address = rec.addresses[name];
              if (!address) continue;
              const d = await erc20Denomination(conn.ethers, address);
              const { IERC20Metadata__factory } = await import("../../types/ethers-contracts/index.js");
              coins[name] = await IERC20Metadata__factory.connect(address, conn.ethers.provider).balanceOf(
                key.evm,
              );
              parts.push(formatAmount(coins[name], d));
            }
            out[chain] = { network: o[chain], account: key.evm, wei, ...coins };
            lines.push(`${chain} ${key.evm}: ${parts.join(", ")}`);
          }
        }
        emit(o, out, lines);
      }),
  );

  group.addCommand(
    withNetworks(new Command("rentals"))
      .description("open rentals of a key, as customer or supplier (Solana and Arbitrum)")
      .requiredOption("--key <key>", "EVM address, Solana public key or Solana keypair file")
      .action(async (o: StatusOptions & { key: string }) => {
        const key = parseKey(o.key);
        const out: Record<string, unknown> = {};
        const lines: string[] = [];
        for (const chain of chainsOf(o)) {
          if (chain === "solana" && key.solana) {
            const ctx = solana({ network: o.solana }, false);
            const { asCustomer, asSupplier } = await openRentals(ctx.program, ctx.market, key.solana);
            const row = (r: (typeof asCustomer)[number], role: string) => ({
              role,
              rental: r.publicKey.toBase58(),
              ref: `${r.account.customer.toBase58()}:${r.account.rentalId.toString()}`,
              state: Object.keys(r.account.state)[0],
              hours: r.account.hours,
              gpu: `${r.account.gpuCount} x ${r.account.gpuModel}`,
              price: BigInt(r.account.price.toString()),
              fee: BigInt(r.account.fee.toString()),
              paymentMint: r.account.paymentMint.toBase58(),
            });
            const rentals = [
              ...asCustomer.map((r) => row(r, "customer")),
              ...asSupplier.map((r) => row(r, "supplier")),
            ];
            out.solana = { network: o.solana, account: key.solana.toBase58(), rentals };
            lines.push(`solana ${key.solana.toBase58()}: ${rentals.length} open rentals`);
            for (const r of rentals) lines.push(`  ${r.ref} ${r.state} ${r.hours} h of ${r.gpu} (${r.role})`);
          } else if (chain === "arbitrum" && key.evm) {
            const { record: r } = await record(o, chain);
            const rec = r as z.infer<typeof Addresses>;
            const conn = await evm(o, chain);
            if (!rec.addresses.rentalEscrow)
              throw new Error(`--arbitrum '${o.arbitrum}': the record has no rentalEscrow`);
            const escrow = RentalEscrow__factory.connect(rec.addresses.rentalEscrow, conn.ethers.provider);
            const from = rec.fromBlock ?? 0;
            const [asCustomer, asSupplier] = await Promise.all([
              escrow.queryFilter(escrow.filters.RentalCreated(undefined, key.evm), from),
              escrow.queryFilter(escrow.filters.RentalCreated(undefined, undefined, key.evm), from),
            ]);
            const STATES = ["None", "Created", "Active", "Disputed", "Closed"];
            const rentals = [];
            for (const [role, events] of [
              ["customer", asCustomer],
              ["supplier", asSupplier],
            ] as const) {
              for (const e of events) {
                const id = e.args.rentalId;
                const x = await escrow.rentals(id);
                const state = STATES[Number(x.state)];
                if (state === "Closed" || x.customer === ZeroAddress) continue;
                rentals.push({
                  role,
                  rentalId: id,
                  state,
                  hours: Number(x.hours_),
                  customer: x.customer,
                  supplier: x.supplier,
                  price: x.price,
                  fee: x.fee,
                  currency: Number(x.currency) === 0 ? "stable" : "token",
                });
              }
            }
            out.arbitrum = { network: o.arbitrum, account: key.evm, rentals };
            lines.push(`arbitrum ${key.evm}: ${rentals.length} open rentals`);
            for (const r of rentals)
              lines.push(`  ${r.rentalId} ${r.state} ${r.hours} h (${r.role}, paid in ${r.currency})`);
          }
        }
        emit(o, out, lines);
      }),
  );
  return group;
}
