//! Runs without LD_LIBRARY_PATH: an rpath to where tessera-sys found libtessera.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TESSERA_LIB_DIR");
    let unix = std::env::var("CARGO_CFG_TARGET_OS").map(|os| os != "windows").unwrap_or(true);
    if let (true, Ok(dir)) = (unix, std::env::var("DEP_TESSERA_LIB_DIR")) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
}
