#![no_main]

libfuzzer_sys::fuzz_target!(|input: kleroterion_fuzz::DrawInput| kleroterion_fuzz::draw(&input));
