//! `idl-gen <program-dir>`: prints the program's IDL as JSON, built exactly as `anchor idl build`
//! builds it (the program's `idl-build` feature, through `anchor_lang_idl::build::IdlBuilder`).

fn main() {
    let program = std::env::args()
        .nth(1)
        .expect("usage: idl-gen <program-dir>");
    let path = std::fs::canonicalize(&program).expect("program directory");
    let idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(path)
        .resolution(true)
        .build()
        .unwrap_or_else(|e| {
            eprintln!("idl-gen: {e}");
            std::process::exit(1);
        });
    println!(
        "{}",
        serde_json::to_string_pretty(&idl).expect("serialize IDL")
    );
}
