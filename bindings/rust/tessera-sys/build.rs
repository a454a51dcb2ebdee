//! Links libtessera from TESSERA_LIB_DIR, or else from the repository's
//! build tree (build/lib, where `cmake -B build` puts it).
use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=TESSERA_LIB_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let dir = match env::var_os("TESSERA_LIB_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            // bindings/rust/tessera-sys -> repository root
            let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
            let dir = manifest.join("..").join("..").join("..").join("build").join("lib");
            dir.canonicalize().unwrap_or(dir)
        }
    };
    let found = ["libtessera.so", "libtessera.dylib", "tessera.lib"]
        .iter()
        .any(|name| dir.join(name).exists());
    if !found {
        println!(
            "cargo:warning=libtessera not found in {}: build it (cmake -S . -B build && ninja -C build tessera) or set TESSERA_LIB_DIR",
            dir.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=tessera");
    // Read by dependents' build scripts (DEP_TESSERA_LIB_DIR) to set an rpath.
    println!("cargo:lib_dir={}", dir.display());
    if env::var("CARGO_CFG_TARGET_OS").map(|os| os != "windows").unwrap_or(true) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    }
}
