//! shu
