//! `surfnet`: compute-market's local Solana network, Surfpool's engine (`surfpool-core`, the
//! network Anchor 1.x starts for `anchor test`) embedded with the settings our scripts need:
//!
//! - JSON-RPC on `127.0.0.1:<port>` and its websockets on `<port> + 1` (as solana-test-validator);
//! - offline: no account is ever fetched from a remote cluster (Surfpool's default dials mainnet);
//! - a slot every 400 ms, as on the clusters, so a blockhash lives 150 slots = 60 s;
//! - SPL Token (p-token), Token-2022, the associated-token program and the other programs
//!   Surfpool's SVM (LiteSVM) puts at genesis;
//! - `--upgradeable-program <ID> <SO> <AUTHORITY>` (solana-test-validator's flag) puts a program in
//!   place as the BPF Upgradeable Loader would have deployed it: a program account pointing at its
//!   ProgramData account, which holds the ELF and the upgrade authority;
//! - per-transaction instruction profiling off: Surfpool re-executes every transaction on a copy
//!   of the whole SVM to profile it, which makes a 2 MB program's ~2,300 loader writes crawl.
//!
//! Once serving it prints one JSON line on stdout, `{"rpc": .., "ws": .., "programs": [..]}`, and
//! runs until killed. Time moves with `surfnet_timeTravel` (Surfpool's cheat code), as any
//! Surfpool-based setup does.

use std::{path::PathBuf, process::ExitCode, str::FromStr, time::Duration};

use crossbeam_channel::Receiver;
use serde_json::json;
use solana_pubkey::Pubkey;
use surfpool_core::{
    runloops::start_local_surfnet_runloop,
    surfnet::{locker::SurfnetSvmLocker, svm::SurfnetSvm, svm::SurfnetSvmConfig},
};
use surfpool_types::{
    BlockProductionMode, RpcConfig, SimnetConfig, SimnetEvent, SurfpoolConfig, SvmFeatureConfig,
};

const USAGE: &str = "usage: surfnet [--port <rpc port, websockets on port + 1; default 8899>] \
[--slot-time <ms, default 400>] [--upgradeable-program <program id> <path to .so> <upgrade authority>]... \
[--log]";

struct Program {
    id: Pubkey,
    so: PathBuf,
    authority: Pubkey,
}

struct Args {
    port: u16,
    slot_time: u64,
    programs: Vec<Program>,
    log: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        port: 8899,
        slot_time: 400,
        programs: vec![],
        log: false,
    };
    let pubkey = |flag: &str, value: Option<String>| -> Result<Pubkey, String> {
        let value = value.ok_or(format!("{flag}: missing value"))?;
        Pubkey::from_str(&value).map_err(|_| format!("{flag}: not a Solana address: {value}"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let v = args.next().ok_or("--port: missing value")?;
                out.port = v
                    .parse()
                    .ok()
                    .filter(|p| *p > 0 && *p < u16::MAX)
                    .ok_or(format!("--port: not a port below 65535: {v}"))?;
            }
            "--slot-time" => {
                let v = args.next().ok_or("--slot-time: missing value")?;
                out.slot_time = v.parse().ok().filter(|ms| *ms >= 10).ok_or(format!(
                    "--slot-time: not a number of milliseconds >= 10: {v}"
                ))?;
            }
            "--upgradeable-program" => {
                let flag = "--upgradeable-program";
                let id = pubkey(flag, args.next())?;
                let so = PathBuf::from(args.next().ok_or(format!("{flag}: missing the .so path"))?);
                let authority = pubkey(flag, args.next())?;
                out.programs.push(Program { id, so, authority });
            }
            "--log" => out.log = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("surfnet: {message}");
            return ExitCode::from(2);
        }
    };
    // Read every ELF before starting anything: a bad path is a one-line error.
    let mut elfs = Vec::with_capacity(args.programs.len());
    for p in &args.programs {
        match std::fs::read(&p.so) {
            Ok(bytes) => elfs.push(bytes),
            Err(e) => {
                eprintln!("surfnet: {}: {e}", p.so.display());
                return ExitCode::from(2);
            }
        }
    }
    match run(args, elfs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("surfnet: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args, elfs: Vec<Vec<u8>>) -> Result<(), String> {
    let ws_port = args
        .port
        .checked_add(1)
        .ok_or("--port: no room for the websocket port")?;
    let simnet = SimnetConfig {
        offline_mode: true,
        remote_rpc_url: None,
        slot_time: args.slot_time,
        block_production_mode: BlockProductionMode::Clock,
        instruction_profiling_enabled: false,
        max_profiles: 1,
        ..SimnetConfig::default()
    };
    let config = SurfpoolConfig {
        rpc: RpcConfig {
            bind_host: "127.0.0.1".to_string(),
            bind_port: args.port,
            ws_port,
            ..RpcConfig::default()
        },
        simnets: vec![simnet.clone()],
        ..SurfpoolConfig::default()
    };
    let (svm, events, geyser) = SurfnetSvm::new(SurfnetSvmConfig {
        surfnet_id: simnet.surfnet_id.clone(),
        slot_time: simnet.slot_time,
        instruction_profiling_enabled: simnet.instruction_profiling_enabled,
        max_profiles: simnet.max_profiles,
        log_bytes_limit: simnet.log_bytes_limit,
        // no overrides: the feature set active on mainnet-beta, what the program meets there
        feature_config: SvmFeatureConfig::default(),
        skip_blockhash_check: false,
    })
    .map_err(|e| format!("the SVM did not start: {e}"))?;
    let locker = SurfnetSvmLocker::new(svm);
    let (commands_tx, commands_rx) = crossbeam_channel::unbounded();

    let runloop_locker = locker.clone();
    std::thread::Builder::new()
        .name("surfnet".into())
        .spawn(move || {
            let runloop = start_local_surfnet_runloop(
                runloop_locker,
                config,
                commands_tx,
                commands_rx,
                geyser,
            );
            if let Err(e) = hiro_system_kit::nestable_block_on(runloop) {
                eprintln!("surfnet: {e}");
                std::process::exit(1);
            }
        })
        .map_err(|e| e.to_string())?;

    wait_until_serving(&events)?;

    for (p, elf) in args.programs.iter().zip(&elfs) {
        hiro_system_kit::nestable_block_on(locker.write_program(
            p.id,
            Some(p.authority),
            0,
            elf,
            &None,
        ))
        .map_err(|e| format!("{}: not loaded: {e}", p.so.display()))?;
    }

    let programs: Vec<_> = args
        .programs
        .iter()
        .map(|p| json!({ "programId": p.id.to_string(), "authority": p.authority.to_string() }))
        .collect();
    println!(
        "{}",
        json!({
            "rpc": format!("http://127.0.0.1:{}", args.port),
            "ws": format!("ws://127.0.0.1:{ws_port}"),
            "programs": programs,
        })
    );

    // The event channel is unbounded: read it for as long as the network runs.
    loop {
        match events.recv() {
            Ok(SimnetEvent::Aborted(e)) => return Err(format!("aborted: {e}")),
            Ok(SimnetEvent::Shutdown) => return Ok(()),
            Ok(SimnetEvent::ErrorLog(_, message)) if args.log => {
                eprintln!("surfnet: error: {message}")
            }
            Ok(SimnetEvent::WarnLog(_, message)) if args.log => {
                eprintln!("surfnet: warning: {message}")
            }
            Ok(SimnetEvent::InfoLog(_, message)) if args.log => eprintln!("surfnet: {message}"),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
}

/// Waits for the runloop's `CoreStarted`: the RPC and websocket servers are bound.
fn wait_until_serving(events: &Receiver<SimnetEvent>) -> Result<(), String> {
    loop {
        match events.recv_timeout(Duration::from_secs(60)) {
            Ok(SimnetEvent::CoreStarted(_)) => return Ok(()),
            Ok(SimnetEvent::Aborted(e)) => return Err(format!("did not start: {e}")),
            Ok(SimnetEvent::Shutdown) => return Err("shut down while starting".into()),
            Ok(SimnetEvent::ErrorLog(_, message)) => eprintln!("surfnet: error: {message}"),
            Ok(_) => {}
            Err(e) => return Err(format!("did not start in 60 s: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_are_a_clusters_slot_time_on_8899() {
        let a = parse(&[]).unwrap();
        assert_eq!(
            (a.port, a.slot_time, a.programs.len(), a.log),
            (8899, 400, 0, false)
        );
    }

    #[test]
    fn upgradeable_program_takes_id_path_and_authority() {
        let id = Pubkey::new_unique();
        let auth = Pubkey::new_unique();
        let a = parse(&[
            "--upgradeable-program",
            &id.to_string(),
            "target/deploy/x.so",
            &auth.to_string(),
            "--port",
            "9000",
        ])
        .unwrap();
        assert_eq!(a.port, 9000);
        assert_eq!(a.programs[0].id, id);
        assert_eq!(a.programs[0].so, PathBuf::from("target/deploy/x.so"));
        assert_eq!(a.programs[0].authority, auth);
    }

    #[test]
    fn bad_input_is_one_clear_error() {
        assert_eq!(
            parse(&["--port", "65535"]).err().unwrap(),
            "--port: not a port below 65535: 65535"
        );
        assert_eq!(parse(&["--port"]).err().unwrap(), "--port: missing value");
        assert_eq!(
            parse(&["--slot-time", "1"]).err().unwrap(),
            "--slot-time: not a number of milliseconds >= 10: 1"
        );
        assert_eq!(
            parse(&["--upgradeable-program", "nope"]).err().unwrap(),
            "--upgradeable-program: not a Solana address: nope"
        );
        assert!(parse(&["--bogus"])
            .err()
            .unwrap()
            .starts_with("unknown argument --bogus\nusage:"));
    }
}
