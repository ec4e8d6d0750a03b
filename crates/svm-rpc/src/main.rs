//! `svm-rpc`: the Solana JSON-RPC and websocket API that `@solana/web3.js` and Anchor's TS
//! client use, served on 127.0.0.1 over the compute-market test chain (agave's runtime through
//! `solana-program-test`, with the Anchor program registered natively; see `svm-harness`).
//!
//! A test chain, not a validator: one bank, no gossip, no leader schedule; every processed
//! transaction is immediately final. Compute units of the natively-registered program are NOT
//! metered (only SBF programs such as SPL Token consume real units). Extra methods:
//! `cm_timeTravel {unixTimestamp?, slots?}` and `cm_clock` move and read the cluster clock.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

mod capture;

use std::io::Write as _;

use anchor_lang::prelude::Pubkey;
use axum::{
    extract::{
        ws::{Message, WebSocket, WebSocketUpgrade},
        State,
    },
    response::IntoResponse,
    routing::get,
    Json, Router,
};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::{versioned::VersionedTransaction, Transaction};
use solana_transaction_error::TransactionError;
use svm_harness::{solana_program_test::BanksClient, Chain};
use tokio::sync::{mpsc, Mutex};

const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

struct TxRecord {
    slot: u64,
    block_time: i64,
    err: Option<TransactionError>,
    logs: Vec<String>,
    units: u64,
    tx: VersionedTransaction,
    pre_balances: Vec<u64>,
    post_balances: Vec<u64>,
}

struct Node {
    chain: Mutex<Chain>,
    banks: BanksClient,
    faucet: Keypair,
    genesis_hash: String,
    txs: std::sync::Mutex<HashMap<Signature, Arc<TxRecord>>>,
    /// The recorded signatures in execution order (`getSignaturesForAddress`).
    history: std::sync::Mutex<Vec<Signature>>,
    next_subscription: AtomicU64,
    /// Transactions execute one at a time, as a leader would order them; without it concurrent
    /// submissions touching one account would fail with `AccountInUse`.
    submit: Mutex<()>,
    /// The native program's `msg!` output, spliced into logs.
    capture: capture::Capture,
    program_id: String,
}

struct RpcError {
    code: i64,
    message: String,
    data: Option<Value>,
}

type RpcResult = Result<Value, RpcError>;

fn invalid_params(message: impl Into<String>) -> RpcError {
    RpcError {
        code: -32602,
        message: message.into(),
        data: None,
    }
}

fn internal(err: impl std::fmt::Display) -> RpcError {
    RpcError {
        code: -32603,
        message: err.to_string(),
        data: None,
    }
}

fn param(params: &Value, index: usize) -> &Value {
    params.get(index).unwrap_or(&Value::Null)
}

fn parse_pubkey(value: &Value) -> Result<Pubkey, RpcError> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid_params(format!("Invalid param: not a base58 public key: {value}")))
}

fn parse_signature(value: &Value) -> Result<Signature, RpcError> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid_params(format!("Invalid param: not a base58 signature: {value}")))
}

fn err_json(err: &Option<TransactionError>) -> Value {
    err.as_ref().map_or(Value::Null, |e| {
        serde_json::to_value(e).unwrap_or(Value::Null)
    })
}

fn decode_transaction(params: &Value) -> Result<VersionedTransaction, RpcError> {
    let encoded = param(params, 0)
        .as_str()
        .ok_or_else(|| invalid_params("missing transaction"))?;
    let encoding = param(params, 1)
        .get("encoding")
        .and_then(Value::as_str)
        .unwrap_or("base58");
    let bytes = match encoding {
        "base64" => B64
            .decode(encoded)
            .map_err(|e| invalid_params(format!("invalid base64: {e}")))?,
        "base58" => bs58::decode(encoded)
            .into_vec()
            .map_err(|e| invalid_params(format!("invalid base58: {e}")))?,
        other => return Err(invalid_params(format!("unsupported encoding: {other}"))),
    };
    bincode::deserialize(&bytes)
        .map_err(|e| invalid_params(format!("failed to deserialize transaction: {e}")))
}

impl Node {
    async fn slot(&self) -> Result<u64, RpcError> {
        self.banks.get_root_slot().await.map_err(internal)
    }

    async fn context(&self) -> Result<Value, RpcError> {
        Ok(json!({ "slot": self.slot().await?, "apiVersion": "4.2.2" }))
    }

    async fn account_json(&self, address: Pubkey, config: &Value) -> RpcResult {
        let Some(account) = self.banks.get_account(address).await.map_err(internal)? else {
            return Ok(Value::Null);
        };
        let encoding = config
            .get("encoding")
            .and_then(Value::as_str)
            .unwrap_or("base58");
        let data = match encoding {
            // Parsed JSON is not emulated: like a real node for unparseable data, fall back to base64.
            "base64" | "jsonParsed" => json!([B64.encode(&account.data), "base64"]),
            "base58" => json!([bs58::encode(&account.data).into_string(), "base58"]),
            other => return Err(invalid_params(format!("unsupported encoding: {other}"))),
        };
        Ok(json!({
            "data": data,
            "executable": account.executable,
            "lamports": account.lamports,
            "owner": account.owner.to_string(),
            "rentEpoch": account.rent_epoch,
            "space": account.data.len(),
        }))
    }

    async fn balances(&self, keys: &[Pubkey]) -> Result<Vec<u64>, RpcError> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            out.push(self.banks.get_balance(*key).await.map_err(internal)?);
        }
        Ok(out)
    }

    /// Simulates `tx`, with the program's printed lines spliced into the simulation's logs.
    /// Returns the error (if the simulation failed), the logs and the units consumed.
    async fn simulate(
        &self,
        tx: VersionedTransaction,
    ) -> Result<(Option<TransactionError>, Vec<String>, u64), RpcError> {
        self.capture.begin();
        let sim = self.banks.simulate_transaction(tx).await;
        let printed = self.capture.end();
        let sim = sim.map_err(internal)?;
        let err = sim.result.and_then(|r| r.err());
        let (logs, units) = sim
            .simulation_details
            .map(|d| (d.logs, d.units_consumed))
            .unwrap_or_default();
        Ok((err, capture::splice(logs, printed, &self.program_id), units))
    }

    /// Runs preflight (unless skipped), executes, and records the outcome like a node would.
    async fn submit(&self, tx: VersionedTransaction, skip_preflight: bool) -> RpcResult {
        let _ordered = self.submit.lock().await;
        let signature = *tx
            .signatures
            .first()
            .ok_or_else(|| invalid_params("transaction has no signature"))?;
        if !skip_preflight {
            let (sim_err, logs, units) = self.simulate(tx.clone()).await?;
            if let Some(err) = sim_err {
                return Err(RpcError {
                    code: -32002,
                    message: format!("Transaction simulation failed: {err}"),
                    data: Some(json!({
                        "err": err_json(&Some(err)),
                        "logs": logs,
                        "unitsConsumed": units,
                        "accounts": null,
                        "returnData": null,
                        "innerInstructions": null,
                    })),
                });
            }
        }
        let keys = tx.message.static_account_keys().to_vec();
        let pre_balances = self.balances(&keys).await?;
        self.capture.begin();
        let outcome = self
            .banks
            .process_transaction_with_metadata(tx.clone())
            .await;
        let printed = self.capture.end();
        let outcome = outcome.map_err(internal)?;
        let Some(metadata) = outcome.metadata else {
            // Never executed (bad signature, unknown blockhash, already processed...).
            let err = outcome.result.err();
            return Err(RpcError {
                code: -32002,
                message: format!(
                    "Transaction failed before execution: {}",
                    err.as_ref().map(|e| e.to_string()).unwrap_or_default()
                ),
                data: Some(json!({ "err": err_json(&err), "logs": [] })),
            });
        };
        let post_balances = self.balances(&keys).await?;
        let clock = self.chain.lock().await.clock().await;
        let record = TxRecord {
            slot: clock.slot,
            block_time: clock.unix_timestamp,
            err: outcome.result.err(),
            logs: capture::splice(metadata.log_messages, printed, &self.program_id),
            units: metadata.compute_units_consumed,
            tx,
            pre_balances,
            post_balances,
        };
        self.txs.lock().unwrap().insert(signature, Arc::new(record));
        self.history.lock().unwrap().push(signature);
        Ok(json!(signature.to_string()))
    }

    /// `getSignaturesForAddress`: the executed transactions (failed ones included) that name
    /// `address` among their account keys, newest first, after `before` and down to `until`
    /// (both exclusive), at most `limit` (default and most 1000), as a node returns them.
    fn signatures_for_address(&self, params: &Value) -> RpcResult {
        let address = parse_pubkey(param(params, 0))?;
        let config = param(params, 1);
        let limit = config
            .get("limit")
            .and_then(Value::as_u64)
            .unwrap_or(1_000)
            .clamp(1, 1_000) as usize;
        let signature_option = |name: &str| {
            config
                .get(name)
                .filter(|v| !v.is_null())
                .map(parse_signature)
                .transpose()
        };
        let (before, until) = (signature_option("before")?, signature_option("until")?);
        let history = self.history.lock().unwrap().clone();
        let txs = self.txs.lock().unwrap();
        let mut newest_first = history.iter().rev();
        if let Some(before) = before {
            // nothing when `before` is unknown, as a node answers
            if !newest_first.any(|s| *s == before) {
                return Ok(json!([]));
            }
        }
        let mut out = Vec::new();
        for signature in newest_first {
            if Some(*signature) == until || out.len() == limit {
                break;
            }
            let Some(r) = txs.get(signature) else {
                continue;
            };
            if !r.tx.message.static_account_keys().contains(&address) {
                continue;
            }
            out.push(json!({
                "signature": signature.to_string(),
                "slot": r.slot,
                "err": err_json(&r.err),
                "memo": null,
                "blockTime": r.block_time,
                "confirmationStatus": "finalized",
            }));
        }
        Ok(json!(out))
    }

    fn record(&self, signature: &Signature) -> Option<Arc<TxRecord>> {
        self.txs.lock().unwrap().get(signature).cloned()
    }

    fn transaction_json(record: &TxRecord, config: &Value) -> Value {
        let msg = &record.tx.message;
        let header = msg.header();
        let encoding = config
            .get("encoding")
            .and_then(Value::as_str)
            .unwrap_or("json");
        let transaction = if encoding == "base64" {
            json!([
                B64.encode(bincode::serialize(&record.tx).unwrap_or_default()),
                "base64"
            ])
        } else {
            let instructions: Vec<Value> = msg
                .instructions()
                .iter()
                .map(|ci| {
                    json!({
                        "programIdIndex": ci.program_id_index,
                        "accounts": ci.accounts,
                        "data": bs58::encode(&ci.data).into_string(),
                        "stackHeight": null,
                    })
                })
                .collect();
            let mut message = json!({
                "accountKeys": msg.static_account_keys().iter().map(|k| k.to_string()).collect::<Vec<_>>(),
                "header": {
                    "numRequiredSignatures": header.num_required_signatures,
                    "numReadonlySignedAccounts": header.num_readonly_signed_accounts,
                    "numReadonlyUnsignedAccounts": header.num_readonly_unsigned_accounts,
                },
                "instructions": instructions,
                "recentBlockhash": msg.recent_blockhash().to_string(),
            });
            if let Some(lookups) = msg.address_table_lookups() {
                message["addressTableLookups"] = lookups
                    .iter()
                    .map(|l| {
                        json!({
                            "accountKey": l.account_key.to_string(),
                            "writableIndexes": l.writable_indexes,
                            "readonlyIndexes": l.readonly_indexes,
                        })
                    })
                    .collect();
            }
            json!({
                "signatures": record.tx.signatures.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "message": message,
            })
        };
        let fee = LAMPORTS_PER_SIGNATURE * header.num_required_signatures as u64;
        let mut out = json!({
            "slot": record.slot,
            "blockTime": record.block_time,
            "transaction": transaction,
            "meta": {
                "err": err_json(&record.err),
                "status": match &record.err { None => json!({ "Ok": null }), Some(_) => json!({ "Err": err_json(&record.err) }) },
                "fee": fee,
                "preBalances": record.pre_balances,
                "postBalances": record.post_balances,
                "innerInstructions": [],
                "logMessages": record.logs,
                "preTokenBalances": [],
                "postTokenBalances": [],
                "rewards": [],
                "loadedAddresses": { "writable": [], "readonly": [] },
                "computeUnitsConsumed": record.units,
            },
        });
        if config.get("maxSupportedTransactionVersion").is_some() {
            out["version"] = match msg {
                solana_message::VersionedMessage::Legacy(_) => json!("legacy"),
                _ => json!(0),
            };
        }
        out
    }

    async fn time_travel(&self, config: &Value) -> RpcResult {
        let mut chain = self.chain.lock().await;
        if let Some(slots) = config.get("slots").and_then(Value::as_u64) {
            let current = chain.clock().await.slot;
            chain
                .ctx
                .warp_to_slot(current + slots.max(1))
                .map_err(|e| internal(format!("{e:?}")))?;
        }
        if let Some(ts) = config.get("unixTimestamp").and_then(Value::as_i64) {
            chain.set_unix_timestamp(ts).await;
        }
        let clock = chain.clock().await;
        Ok(
            json!({ "slot": clock.slot, "epoch": clock.epoch, "unixTimestamp": clock.unix_timestamp }),
        )
    }

    async fn dispatch(&self, method: &str, params: &Value) -> RpcResult {
        match method {
            "getHealth" => Ok(json!("ok")),
            "getVersion" => Ok(json!({ "solana-core": "4.2.2", "feature-set": 0 })),
            "getGenesisHash" => Ok(json!(self.genesis_hash)),
            "getSlot" => Ok(json!(self.slot().await?)),
            "getBlockHeight" => Ok(json!(self
                .banks
                .get_root_block_height()
                .await
                .map_err(internal)?)),
            "getEpochInfo" => {
                let clock = self.chain.lock().await.clock().await;
                let height = self.banks.get_root_block_height().await.map_err(internal)?;
                Ok(json!({
                    "absoluteSlot": clock.slot, "blockHeight": height, "epoch": clock.epoch,
                    "slotIndex": 0, "slotsInEpoch": 432_000, "transactionCount": self.txs.lock().unwrap().len(),
                }))
            }
            "getLatestBlockhash" => {
                let (hash, last_valid) = self
                    .banks
                    .get_latest_blockhash_with_commitment(Default::default())
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| internal("no blockhash"))?;
                Ok(
                    json!({ "context": self.context().await?, "value": { "blockhash": hash.to_string(), "lastValidBlockHeight": last_valid } }),
                )
            }
            "isBlockhashValid" => Ok(json!({ "context": self.context().await?, "value": true })),
            "getFeeForMessage" => {
                let encoded = param(params, 0)
                    .as_str()
                    .ok_or_else(|| invalid_params("missing message"))?;
                let bytes = B64
                    .decode(encoded)
                    .map_err(|e| invalid_params(e.to_string()))?;
                let signers = bytes.first().copied().unwrap_or(1) as u64;
                Ok(
                    json!({ "context": self.context().await?, "value": LAMPORTS_PER_SIGNATURE * signers }),
                )
            }
            "getRecentPrioritizationFees" => Ok(json!([])),
            // One bank: every slot's time is the cluster clock's (moved by cm_timeTravel).
            "getBlockTime" => Ok(json!(self.chain.lock().await.clock().await.unix_timestamp)),
            "getMinimumBalanceForRentExemption" => {
                let len = param(params, 0)
                    .as_u64()
                    .ok_or_else(|| invalid_params("missing data length"))?;
                let rent = self.banks.get_rent().await.map_err(internal)?;
                Ok(json!(rent.minimum_balance(len as usize)))
            }
            "getBalance" => {
                let key = parse_pubkey(param(params, 0))?;
                let lamports = self.banks.get_balance(key).await.map_err(internal)?;
                Ok(json!({ "context": self.context().await?, "value": lamports }))
            }
            "getAccountInfo" => {
                let key = parse_pubkey(param(params, 0))?;
                let value = self.account_json(key, param(params, 1)).await?;
                Ok(json!({ "context": self.context().await?, "value": value }))
            }
            "getMultipleAccounts" => {
                let keys = param(params, 0)
                    .as_array()
                    .ok_or_else(|| invalid_params("missing keys"))?;
                let mut values = Vec::with_capacity(keys.len());
                for key in keys {
                    values.push(
                        self.account_json(parse_pubkey(key)?, param(params, 1))
                            .await?,
                    );
                }
                Ok(json!({ "context": self.context().await?, "value": values }))
            }
            "getSignatureStatuses" => {
                let sigs = param(params, 0)
                    .as_array()
                    .ok_or_else(|| invalid_params("missing signatures"))?;
                let mut values = Vec::with_capacity(sigs.len());
                for sig in sigs {
                    values.push(match self.record(&parse_signature(sig)?) {
                        None => Value::Null,
                        Some(r) => json!({
                            "slot": r.slot, "confirmations": null, "err": err_json(&r.err),
                            "status": match &r.err { None => json!({ "Ok": null }), Some(_) => json!({ "Err": err_json(&r.err) }) },
                            "confirmationStatus": "finalized",
                        }),
                    });
                }
                Ok(json!({ "context": self.context().await?, "value": values }))
            }
            "getSignaturesForAddress" => self.signatures_for_address(params),
            "getTransaction" => {
                let sig = parse_signature(param(params, 0))?;
                Ok(self.record(&sig).map_or(Value::Null, |r| {
                    Self::transaction_json(&r, param(params, 1))
                }))
            }
            "sendTransaction" => {
                let tx = decode_transaction(params)?;
                let skip = param(params, 1)
                    .get("skipPreflight")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                self.submit(tx, skip).await
            }
            "simulateTransaction" => {
                let tx = decode_transaction(params)?;
                let (err, logs, units) = self.simulate(tx).await?;
                Ok(json!({
                    "context": self.context().await?,
                    "value": { "err": err_json(&err), "logs": logs, "unitsConsumed": units, "accounts": null, "returnData": null },
                }))
            }
            "requestAirdrop" => {
                let to = parse_pubkey(param(params, 0))?;
                let lamports = param(params, 1)
                    .as_u64()
                    .ok_or_else(|| invalid_params("missing lamports"))?;
                let blockhash = self.banks.get_latest_blockhash().await.map_err(internal)?;
                let ix = solana_system_interface::instruction::transfer(
                    &self.faucet.pubkey(),
                    &to,
                    lamports,
                );
                let tx = Transaction::new_signed_with_payer(
                    &[ix],
                    Some(&self.faucet.pubkey()),
                    &[&self.faucet],
                    blockhash,
                );
                self.submit(VersionedTransaction::from(tx), false).await
            }
            "cm_timeTravel" => self.time_travel(param(params, 0)).await,
            "cm_clock" => self.time_travel(&Value::Null).await,
            other => Err(RpcError {
                code: -32601,
                message: format!("Method not found: {other}"),
                data: None,
            }),
        }
    }

    async fn handle(&self, request: &Value) -> Value {
        let id = request.get("id").cloned().unwrap_or(Value::Null);
        let method = request.get("method").and_then(Value::as_str).unwrap_or("");
        let params = request.get("params").cloned().unwrap_or(Value::Null);
        match self.dispatch(method, &params).await {
            Ok(result) => json!({ "jsonrpc": "2.0", "result": result, "id": id }),
            Err(e) => {
                let mut error = json!({ "code": e.code, "message": e.message });
                if let Some(data) = e.data {
                    error["data"] = data;
                }
                json!({ "jsonrpc": "2.0", "error": error, "id": id })
            }
        }
    }
}

async fn http(State(node): State<Arc<Node>>, Json(body): Json<Value>) -> Json<Value> {
    match body {
        Value::Array(batch) => {
            let mut out = Vec::with_capacity(batch.len());
            for request in &batch {
                out.push(node.handle(request).await);
            }
            Json(Value::Array(out))
        }
        request => Json(node.handle(&request).await),
    }
}

async fn ws(State(node): State<Arc<Node>>, upgrade: WebSocketUpgrade) -> impl IntoResponse {
    upgrade.on_upgrade(move |socket| ws_session(socket, node))
}

/// Subscriptions: `signatureSubscribe` notifies once the signature is processed (all processed
/// transactions are final here); other `*Subscribe` calls are acknowledged but never notify.
async fn ws_session(socket: WebSocket, node: Arc<Node>) {
    let (mut sink, mut stream) = socket.split();
    let (out, mut outbox) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(text) = outbox.recv().await {
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let Ok(request) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        let id = request.get("id").cloned().unwrap_or(Value::Null);
        let method = request.get("method").and_then(Value::as_str).unwrap_or("");
        let params = request.get("params").cloned().unwrap_or(Value::Null);
        let reply = if method.ends_with("Unsubscribe") {
            json!({ "jsonrpc": "2.0", "result": true, "id": id })
        } else if method.ends_with("Subscribe") {
            let subscription = node.next_subscription.fetch_add(1, Ordering::Relaxed);
            if method == "signatureSubscribe" {
                if let Ok(signature) = parse_signature(param(&params, 0)) {
                    let (node, out) = (node.clone(), out.clone());
                    tokio::spawn(async move {
                        for _ in 0..6_000 {
                            if let Some(r) = node.record(&signature) {
                                let note = json!({
                                    "jsonrpc": "2.0", "method": "signatureNotification",
                                    "params": { "result": { "context": { "slot": r.slot }, "value": { "err": err_json(&r.err) } }, "subscription": subscription },
                                });
                                let _ = out.send(note.to_string());
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    });
                }
            }
            json!({ "jsonrpc": "2.0", "result": subscription, "id": id })
        } else {
            node.handle(&request).await
        };
        if out.send(reply.to_string()).is_err() {
            break;
        }
    }
    writer.abort();
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() {
    let port: u16 = arg("--port")
        .map(|p| p.parse().expect("--port"))
        .unwrap_or(8899);
    let ws_port: u16 = arg("--ws-port")
        .map(|p| p.parse().expect("--ws-port"))
        .unwrap_or(port + 1);
    let (capture, mut real_stdout) = capture::Capture::install().expect("capture stdout");
    let chain = Chain::start().await;
    let node = Arc::new(Node {
        banks: chain.ctx.banks_client.clone(),
        faucet: chain.payer().insecure_clone(),
        genesis_hash: chain.ctx.genesis_config().hash().to_string(),
        chain: Mutex::new(chain),
        txs: Default::default(),
        history: Default::default(),
        next_subscription: AtomicU64::new(1),
        submit: Mutex::new(()),
        capture,
        program_id: svm_harness::program_id().to_string(),
    });
    let app = Router::new()
        .route("/", get(ws).post(http))
        .with_state(node);
    let rpc = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind rpc port");
    let pubsub = tokio::net::TcpListener::bind(("127.0.0.1", ws_port))
        .await
        .expect("bind websocket port");
    writeln!(
        real_stdout,
        "{}",
        json!({
            "rpc": format!("http://127.0.0.1:{port}"),
            "ws": format!("ws://127.0.0.1:{ws_port}"),
            "programId": svm_harness::program_id().to_string(),
        })
    )
    .and_then(|()| real_stdout.flush())
    .expect("write the ready line");
    let (a, b) = tokio::join!(axum::serve(rpc, app.clone()), axum::serve(pubsub, app));
    a.expect("rpc server");
    b.expect("websocket server");
}
