#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kleroterion_fuzz::bundle_json(data));
