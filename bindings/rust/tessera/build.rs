//! Tests and examples of this crate find libtessera where tessera-sys linked
//! it from (an rpath), so `cargo test` needs no LD_LIBRARY_PATH.
use std::env;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TESSERA_LIB_DIR");
    let unix = env::var("CARGO_CFG_TARGET_OS").map(|os| os != "windows").unwrap_or(true);
    if let (true, Ok(dir)) = (unix, env::var("DEP_TESSERA_LIB_DIR")) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
}
