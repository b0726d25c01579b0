// The README's build.rs, verbatim: libtorch's directory as an rpath, so that the binary
// runs without LD_LIBRARY_PATH (tests/discovery.rs runs it with that variable removed).
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(dir) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
