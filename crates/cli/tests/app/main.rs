//! The integration suite: one test binary, every story run against SQLite and PostgreSQL through
//! the real router (`both!`), plus the command line and a real headless Chromium.

#[macro_use]
mod support;

mod access;
mod browser;
mod business;
mod cases;
mod children;
mod cli;
mod coop;
mod edge;
mod foundation;
mod letters;
mod nik_privacy;
mod portal;
mod products;
mod registry;
mod route_table;
mod safekeeping;
mod timeouts;
mod trainings;
mod transfer;
