//! Everything the analyzer knows about Redis servers: their command table, the Lua
//! environment scripts run in, the shebang flags they accept, the error codes they use
//! for their own refusals, and which version brought what.
//!
//! `tables` is generated from a real server by `cargo xtask redis-tables`; the other
//! modules hold what the tables do not say.

pub mod commands;
pub mod environment;
pub mod errors;
pub mod flags;
pub mod functions;
pub mod shapes;
pub mod table;
pub mod target;
#[rustfmt::skip]
pub mod tables;
pub mod version;
