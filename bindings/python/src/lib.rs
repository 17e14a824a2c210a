//! Python bindings of kleroterion: the native module `kleroterion._native`.
//!
//! This crate only converts: JSON texts and Python values in, JSON texts and Python values
//! out. Every computation is done by the core crate (`kleroterion`) or the fair crate
//! (`kleroterion-fair`) or the files crate (`kleroterion-files`). Errors become Python exceptions in one place, [`errors`]. The typed
//! Python facade (`kleroterion/__init__.py`) builds on this module.

#![forbid(unsafe_code)]

pub mod errors;
pub mod fair;
pub mod files;
pub mod protocol;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add("SPEC_VERSION", protocol::SPEC)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "DECOMPOSITION_TARGET",
        kleroterion_fair::DECOMPOSITION_TARGET,
    )?;
    m.add_class::<protocol::Records>()?;
    m.add_class::<protocol::Bundle>()?;
    m.add_class::<protocol::Stream>()?;
    m.add_class::<fair::Instance>()?;
    m.add_class::<fair::Distribution>()?;
    m.add_class::<files::Table>()?;
    m.add_class::<files::QuotaTable>()?;
    m.add_class::<files::People>()?;
    m.add_class::<files::Committed>()?;
    m.add_function(wrap_pyfunction!(files::check_feasible, m)?)?;
    m.add_function(wrap_pyfunction!(files::commit, m)?)?;
    m.add_function(wrap_pyfunction!(files::parse_reveal, m)?)?;
    m.add_function(wrap_pyfunction!(files::parse_recipe, m)?)?;
    m.add_function(wrap_pyfunction!(files::read_manifest, m)?)?;
    m.add_function(wrap_pyfunction!(files::read_openings, m)?)?;
    m.add_function(wrap_pyfunction!(files::remaining_tickets, m)?)?;
    m.add_function(wrap_pyfunction!(files::write_draw_csvs, m)?)?;
    m.add_function(wrap_pyfunction!(files::write_text, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::stream_key, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::record_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::leaf_hash, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::verify_inclusion, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::manifest_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::commitment, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::validate_manifest, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::check_committed_pool, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::maxent_count, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::reveal_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::seed, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::rfc3797_key, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::first_drand_round, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::canonical_numbers, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::check_reveal, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::check_text, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::check_reveal_recipe, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::normalize, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::draw, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::verify, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::verify_json, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::verify_chain, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::verify_chain_json, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::check_path, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::report_headline, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::parse_lottery_result, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::display, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::parse_utc, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::lottery_registry, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::source_time, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::replace, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::seal, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::check_receipt, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::receipt_proof_verifies, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::rfc3797, m)?)?;
    m.add_function(wrap_pyfunction!(protocol::largest_remainder, m)?)?;
    m.add_function(wrap_pyfunction!(fair::leximin, m)?)?;
    m.add_function(wrap_pyfunction!(fair::decomposition_fraction, m)?)?;
    m.add_function(wrap_pyfunction!(fair::feasibility, m)?)?;
    Ok(())
}
