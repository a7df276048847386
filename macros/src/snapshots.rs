//! Snapshots of what the macro generates for a few representative scripts of the
//! workspace, so a change of the generated code shows in review as a diff of
//! `macros/tests/snapshots/*.rs`. Run with `UPDATE_SNAPSHOTS=1` to accept a change.

use std::path::{Path, PathBuf};

use quote::quote;

use crate::expand::{Binding, expand_in};

/// The workspace root: `lua_scripts/` there holds the scripts, and `tests/ui/` the broken
/// fixtures.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the macro crate lives in the workspace")
        .to_path_buf()
}

/// The expansion of `#[redis_script(<attr>)] pub struct <name>;` in the crate at `root`,
/// formatted, with machine-dependent paths replaced.
fn expansion(root: &Path, attr: proc_macro2::TokenStream, name: &str) -> String {
    expansion_of(Binding::Script, root, attr, name)
}

/// [`expansion`] of `binding`'s attribute.
fn expansion_of(
    binding: Binding,
    root: &Path,
    attr: proc_macro2::TokenStream,
    name: &str,
) -> String {
    let ident = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
    let item = quote!(
        /// Docs written on the struct.
        pub struct #ident;
    );
    let tokens = expand_in(binding, root, attr, item, false);
    let file: syn::File = syn::parse2(tokens).expect("the expansion is valid Rust");
    prettyplease::unparse(&file).replace(&workspace().display().to_string(), "$WORKSPACE")
}

/// Compares with (or, with `UPDATE_SNAPSHOTS=1`, writes) `tests/snapshots/<name>.rs`.
fn check(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion of {name} changed; if that is intended, run with UPDATE_SNAPSHOTS=1 \
         and review the diff of {}:\n{actual}",
        path.display()
    );
}

#[test]
fn line_header_with_inferred_names() {
    let actual = expansion(&workspace(), quote!("rate_limiter.lua"), "RateLimiter");
    check("rate_limiter", &actual);
}

#[test]
fn error_codes_become_an_enum() {
    let actual = expansion(&workspace(), quote!("transfer.lua"), "Transfer");
    check("transfer", &actual);
}

#[test]
fn every_parameter_type_and_a_variadic_tail() {
    let actual = expansion(&workspace(), quote!("testing/echo_keys.lua"), "EchoKeys");
    check("echo_keys", &actual);
}

#[test]
fn a_read_only_script_with_an_optional_reply() {
    let actual = expansion(&workspace(), quote!("testing/read_value.lua"), "ReadValue");
    check("read_value", &actual);
}

#[test]
fn a_body_error_keeps_the_api_next_to_the_error() {
    let fixtures = workspace().join("tests/ui");
    let actual = expansion(&fixtures, quote!("checks/unknown_command.lua"), "Checked");
    check("body_error", &actual);
}

#[test]
fn a_library_with_a_method_per_function() {
    let actual = expansion_of(
        Binding::Library,
        &workspace(),
        quote!("functions/ratelimit.lua"),
        "RateLimit",
    );
    check("ratelimit_library", &actual);
}

#[test]
fn crate_wide_rule_levels_apply_under_the_attribute() {
    let root = std::env::temp_dir().join(format!("redis-script-levels-{}", std::process::id()));
    std::fs::create_dir_all(root.join("lua_scripts")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\n\n[package.metadata.redis-script]\ndeny = [\"blocking_command\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lua_scripts/keys.lua"),
        "-- Lists keys.\n-- ARGV[1] = pattern\nreturn redis.call('KEYS', ARGV[1])\n",
    )
    .unwrap();
    let item = quote!(
        pub struct Keys;
    );
    let denied = expand_in(
        Binding::Script,
        &root,
        quote!("keys.lua"),
        item.clone(),
        false,
    )
    .to_string();
    assert!(denied.contains("compile_error"), "{denied}");
    assert!(denied.contains("blocking_command"), "{denied}");
    let allowed = expand_in(
        Binding::Script,
        &root,
        quote!("keys.lua", allow = ["blocking_command"]),
        item,
        false,
    )
    .to_string();
    assert!(!allowed.contains("compile_error"), "{allowed}");
    assert!(!allowed.contains("redis_script_warning"), "{allowed}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_coverage_mode_text_rides_along_when_asked() {
    let item = quote!(
        pub struct RateLimiter;
    );
    let plain = expand_in(
        Binding::Script,
        &workspace(),
        quote!("rate_limiter.lua"),
        item.clone(),
        false,
    );
    let counting = expand_in(
        Binding::Script,
        &workspace(),
        quote!("rate_limiter.lua"),
        item,
        true,
    );
    assert!(!plain.to_string().contains("coverage_map"));
    let counting = counting.to_string();
    assert!(counting.contains("coverage_map"), "{counting}");
    assert!(counting.contains("__rs_c.flush"), "{counting}");
}

#[test]
fn overlays_and_a_union_reply() {
    let actual = expansion(
        &workspace(),
        quote!(
            "vendor/moveToActive-4.lua",
            argv(
                token: string - "the worker's lock token",
                msgpacked_opts as opts: msgpack,
            ),
            returns = "code: int | job: (string, string, string, int)"
        ),
        "MoveToActive",
    );
    check("vendored_overlays", &actual);
}
