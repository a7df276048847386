//! Every script bound with `#[redis_script]` and library bound with `#[redis_library]` in
//! the program.
//!
//! Each bound struct registers its [`ScriptMeta`] at link time (with the `inventory`
//! crate), so the list is complete without anyone maintaining it; [`load_all`](crate::load_all)
//! loads them: the seed article's `load_scripts(redis_client)`, typed.

use crate::meta::{ScriptKind, ScriptMeta};

/// A bound script's entry in the registry; made by the generated code.
#[doc(hidden)]
#[derive(Debug)]
pub struct Registration(&'static ScriptMeta);

impl Registration {
    /// Registers `meta`.
    pub(crate) const fn new(meta: &'static ScriptMeta) -> Self {
        Self(meta)
    }
}

inventory::collect!(Registration);

/// Every script bound with `#[redis_script]` in this program, sorted by path then name.
///
/// A file bound by several structs appears once per struct.
pub fn scripts() -> Vec<&'static ScriptMeta> {
    registered(|meta| matches!(meta.kind(), ScriptKind::Script))
}

/// Every function library bound with `#[redis_library]` in this program, sorted by path
/// then name.
pub fn libraries() -> Vec<&'static ScriptMeta> {
    registered(|meta| matches!(meta.kind(), ScriptKind::Library { .. }))
}

/// The registered descriptions `keep` accepts, sorted by path then name.
fn registered(keep: impl Fn(&ScriptMeta) -> bool) -> Vec<&'static ScriptMeta> {
    let mut all: Vec<&'static ScriptMeta> = inventory::iter::<Registration>
        .into_iter()
        .map(|registration| registration.0)
        .filter(|meta| keep(meta))
        .collect();
    all.sort_by_key(|meta| (meta.path(), meta.name()));
    all
}
