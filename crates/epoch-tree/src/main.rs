//! `epoch-tree`: the native half of the epoch builder (src/epoch/tree.ts runs it).
//!
//! ```text
//! epoch-tree --row-bytes <k*32> --tree <file> [--stats]  < rows  > positions
//! epoch-tree --keccak-bench <calls> --row-bytes <k*32>
//! ```
//!
//! Build mode reads the ABI-encoded rows from stdin (as they arrive, hashing each chunk on every
//! thread), writes the tree's `2n - 1` nodes (32 bytes each, the library's array layout) to
//! `--tree`, and writes to stdout, for every row in order, the position of its leaf in the tree
//! (`u32`, little-endian). Bench mode prints one native keccak's cost, in nanoseconds, for the
//! three inputs an epoch hashes (a row, a 32-byte leaf, a 64-byte node pair), on one thread, as
//! JSON, then the same hashed in batches on the widest SIMD instruction set this CPU runs.
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use epoch_tree::batch::{best_isa, keccak_batch_on, Isa};
use epoch_tree::{build, keccak, leaf_hashes, Node};

/// Rows hashed per chunk while stdin is still being read.
const CHUNK_ROWS: usize = 1 << 15;

struct Args {
    row_bytes: usize,
    tree: Option<String>,
    keccak_bench: Option<u64>,
    stats: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        row_bytes: 0,
        tree: None,
        keccak_bench: None,
        stats: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--row-bytes" => {
                args.row_bytes = value()?.parse().map_err(|e| format!("--row-bytes: {e}"))?
            }
            "--tree" => args.tree = Some(value()?),
            "--stats" => args.stats = true,
            "--keccak-bench" => {
                args.keccak_bench = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--keccak-bench: {e}"))?,
                )
            }
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if args.row_bytes == 0 || !args.row_bytes.is_multiple_of(32) {
        return Err("--row-bytes must be a positive multiple of 32 (one word per value)".into());
    }
    Ok(args)
}

/// Reads whole rows from stdin and hashes them chunk by chunk.
fn read_leaves(row_bytes: usize) -> Result<Vec<Node>, String> {
    let mut stdin = io::stdin().lock();
    let mut leaves = Vec::new();
    let mut buf = vec![0u8; CHUNK_ROWS * row_bytes];
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match stdin.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(k) => filled += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("reading rows: {e}")),
            }
        }
        if !filled.is_multiple_of(row_bytes) {
            return Err(format!(
                "the rows end mid-row: {} bytes is not a multiple of {row_bytes}",
                leaves.len() * row_bytes + filled
            ));
        }
        leaves.extend(leaf_hashes(&buf[..filled], row_bytes));
        if filled < buf.len() {
            return Ok(leaves);
        }
    }
}

/// This process's peak resident memory in KiB (Linux: VmHWM of /proc/self/status).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run_build(row_bytes: usize, tree_path: &str, stats: bool) -> Result<(), String> {
    let start = Instant::now();
    let leaves = read_leaves(row_bytes)?;
    let hashed = start.elapsed();
    let tree = build(&leaves).map_err(|e| e.to_string())?;
    let built = start.elapsed();
    drop(leaves);
    let file = File::create(tree_path).map_err(|e| format!("{tree_path}: {e}"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(tree.nodes.as_flattened())
        .and_then(|_| out.flush())
        .map_err(|e| format!("{tree_path}: {e}"))?;
    let positions: Vec<u8> = tree
        .positions
        .iter()
        .flat_map(|p| p.to_le_bytes())
        .collect();
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&positions)
        .and_then(|_| stdout.flush())
        .map_err(|e| format!("writing positions: {e}"))?;
    if stats {
        // for `npm run bench:epoch`: where the time went, and the peak memory of this process
        eprintln!(
            "epoch-tree stats {{\"leaves\":{},\"readAndHashMs\":{},\"treeMs\":{},\"totalMs\":{},\"threads\":{},\"peakRssKib\":{}}}",
            tree.positions.len(),
            hashed.as_millis(),
            (built - hashed).as_millis(),
            start.elapsed().as_millis(),
            rayon::current_num_threads(),
            peak_rss_kib().unwrap_or(0)
        );
    }
    Ok(())
}

/// Nanoseconds per keccak256 of `len` bytes, over `calls` calls on this thread.
fn ns_per_keccak(len: usize, calls: u64) -> f64 {
    let mut data = vec![0u8; len];
    let start = Instant::now();
    for i in 0..calls {
        data[..8].copy_from_slice(&i.to_le_bytes());
        let h = keccak(&data);
        data[8] ^= h[0]; // a data dependency, so no call can be skipped
    }
    std::hint::black_box(&data);
    start.elapsed().as_nanos() as f64 / calls as f64
}

/// Nanoseconds per keccak256 of `len` bytes when hashed in batches on `isa`, on this thread.
fn ns_per_batched_keccak(isa: Isa, len: usize, calls: usize) -> f64 {
    let data: Vec<u8> = (0..len * 4096).map(|i| i as u8).collect();
    let mut out = vec![[0u8; 32]; 4096];
    let rounds = calls.div_ceil(4096);
    let start = Instant::now();
    for _ in 0..rounds {
        keccak_batch_on(isa, &data, len, len, &mut out);
        std::hint::black_box(&out);
    }
    start.elapsed().as_nanos() as f64 / (rounds * 4096) as f64
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| match (args.keccak_bench, &args.tree) {
        (Some(calls), _) => {
            let calls = calls.max(1);
            let isa = best_isa();
            let batched = calls as usize;
            println!(
                "{{\"rowNs\":{:.2},\"leafNs\":{:.2},\"nodeNs\":{:.2},\"batch\":{{\"isa\":\"{:?}\",\"rowNs\":{:.2},\"leafNs\":{:.2},\"nodeNs\":{:.2}}}}}",
                ns_per_keccak(args.row_bytes, calls),
                ns_per_keccak(32, calls),
                ns_per_keccak(64, calls),
                isa,
                ns_per_batched_keccak(isa, args.row_bytes, batched),
                ns_per_batched_keccak(isa, 32, batched),
                ns_per_batched_keccak(isa, 64, batched)
            );
            Ok(())
        }
        (None, Some(tree)) => run_build(args.row_bytes, tree, args.stats),
        (None, None) => Err("usage: epoch-tree --row-bytes <k*32> --tree <file> < rows > positions | --keccak-bench <calls> --row-bytes <k*32>".into()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("epoch-tree: {e}");
            ExitCode::FAILURE
        }
    }
}
