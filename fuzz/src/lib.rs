//! The checks of the fuzz targets: the same file the property tests use, so a
//! target and its regression test assert the same thing.

#[path = "../../tests/common/parsers.rs"]
pub mod parsers;
