//! The `#[redis_script("file.lua")]` and `#[redis_library("file.lua")]` attributes. Use
//! them through the `redis-script` crate, which re-exports them and provides the runtime
//! the generated code calls.
//!
//! The work is split as thiserror and askama split theirs: `attribute` reads the
//! attribute, `locate` finds and reads the file, `redis-script-analyzer` turns it into
//! a model (or diagnostics), and `expand` (`library` for function libraries) generates the
//! code, with `docs` and `rust_types` for its two parts.

mod attribute;
mod coverage;
mod docs;
mod expand;
mod items;
mod library;
mod locate;
mod manifest;
mod rust_types;

use proc_macro::TokenStream;

/// Binds `lua_scripts/<path>` to the unit struct it is placed on. See the `redis-script`
/// crate for what it generates.
#[proc_macro_attribute]
pub fn redis_script(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Binding::Script, attr.into(), item.into()).into()
}

/// Binds the Redis Functions library `lua_scripts/<path>` to the unit struct it is placed
/// on: a typed method per registered function. See the `redis-script` crate.
#[proc_macro_attribute]
pub fn redis_library(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Binding::Library, attr.into(), item.into()).into()
}

#[cfg(test)]
mod snapshots;
