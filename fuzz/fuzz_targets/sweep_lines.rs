#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| microcircuit_fuzz::parsers::check_sweep_lines(data));
