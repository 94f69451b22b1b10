//! Domain types and rules of Desmigratif. No I/O: everything here is pure and unit-tested,
//! so the same rules hold whether a request comes from a page, the API or the CLI.

pub mod access;
pub mod agencies;
pub mod audit;
pub mod business;
pub mod cases;
pub mod catalog;
pub mod children;
pub mod coop;
pub mod crypto;
pub mod fees;
mod form;
pub mod id;
pub mod jobs;
pub mod letters;
pub mod migration;
pub mod net;
pub mod nik;
pub mod password;
pub mod photo;
pub mod products;
pub mod region;
pub mod registry;
pub mod reports;
pub mod text;
pub mod trainings;
pub mod user;
pub mod village;

pub use audit::now;

/// A rule of the domain was broken; the message is Indonesian because it reaches people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Invalid {
            field,
            message: message.into(),
        }
    }
}
