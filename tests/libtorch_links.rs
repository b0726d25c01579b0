//! The build embeds libtorch's directory as an rpath: this runs without LD_LIBRARY_PATH.
#![cfg(feature = "torch")]

#[test]
fn libtorch_is_found_at_run_time() {
    let t = tch::Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
    assert_eq!(t.sum(tch::Kind::Float).double_value(&[]), 6.0);
}
