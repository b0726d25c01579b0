//! Embed the libtorch library directory as an rpath so that tests, examples and benches
//! run without `LD_LIBRARY_PATH`. torch-sys tells direct dependents where it found libtorch.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(dir) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
