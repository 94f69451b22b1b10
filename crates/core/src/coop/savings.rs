//! savings
