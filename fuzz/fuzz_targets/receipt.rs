#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kleroterion_fuzz::receipt(data));
