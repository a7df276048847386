//! The `#[redis_script("file.lua")]` attribute. Use it through the `redis-script` crate,
//! which re-exports it and provides the runtime the generated code calls.
//!
//! The work is split as thiserror and askama split theirs: `attribute` reads the
//! attribute, `locate` finds and reads the file, `redis-script-analyzer` turns it into
//! a model (or diagnostics), and `expand` generates the code, with `docs` and
//! `rust_types` for its two parts.

mod attribute;
mod docs;
mod expand;
mod locate;
mod manifest;
mod rust_types;

use proc_macro::TokenStream;

/// Binds `lua_scripts/<path>` to the unit struct it is placed on. See the `redis-script`
/// crate for what it generates.
#[proc_macro_attribute]
pub fn redis_script(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into()).into()
}

#[cfg(test)]
mod snapshots;
