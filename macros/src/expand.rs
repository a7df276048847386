//! From the attribute and the struct to the generated code: constants, the typed entry
//! point and the `Script` impl. Every error found is reported; when the header could be
//! read, the whole API is generated next to the errors (as thiserror does), so code
//! calling the script does not fail in cascade; otherwise the struct is emitted unchanged.

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use redis_script_analyzer::{Analysis, Script, Sources, Target};
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::attribute;
use crate::items::{
    MetaParts, Prepared, call_fn, error_enum, meta_tokens, source_map_tokens, source_tokens,
    warning_tokens,
};
use crate::locate;
use crate::manifest;
use crate::{docs, rust_types};

/// Which attribute is expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `#[redis_script]`: a script file.
    Script,
    /// `#[redis_library]`: a Redis Functions library file.
    Library,
}

impl Binding {
    /// The attribute as written, for messages.
    pub fn attribute(self) -> &'static str {
        match self {
            Self::Script => "#[redis_script]",
            Self::Library => "#[redis_library]",
        }
    }
}

/// Expands `#[redis_script(attr)] item` (or `#[redis_library]`) in the crate being
/// compiled; with the `coverage` feature, the binding also carries its coverage-mode
/// text.
pub fn expand(binding: Binding, attr: TokenStream, item: TokenStream) -> TokenStream {
    match locate::crate_root() {
        Ok(root) => expand_in(binding, &root, attr, item, cfg!(feature = "coverage")),
        Err(message) => syn::Error::new(Span::call_site(), message).to_compile_error(),
    }
}

/// Expands `binding`'s attribute for the crate whose root is `crate_root`, with the
/// coverage-mode text when `coverage`.
pub fn expand_in(
    binding: Binding,
    crate_root: &Path,
    attr: TokenStream,
    item: TokenStream,
    coverage: bool,
) -> TokenStream {
    let mut prepared = match prepare(binding, crate_root, attr, item) {
        Ok(prepared) => prepared,
        Err(tokens) => return tokens,
    };
    prepared.coverage = coverage;
    let scripts = crate_root.join("lua_scripts");
    let relative = &prepared.path.relative;
    match binding {
        Binding::Script => {
            let analysis = redis_script_analyzer::check_file(
                &scripts,
                relative,
                &prepared.file.source,
                &prepared.options,
            );
            let api = analysis
                .model
                .as_ref()
                .map(|script| generate(&prepared, script, &analysis.sources));
            finish(prepared, &analysis, api)
        }
        Binding::Library => {
            let analysis = redis_script_analyzer::check_library_file(
                &scripts,
                relative,
                &prepared.file.source,
                &prepared.options,
            );
            let api = analysis
                .model
                .as_ref()
                .map(|library| crate::library::generate(&prepared, library, &analysis.sources));
            finish(prepared, &analysis, api)
        }
    }
}

/// Reads the struct, the crate's settings, the attribute and the file; on failure, the
/// tokens to emit instead (the struct as written and the errors).
fn prepare(
    binding: Binding,
    crate_root: &Path,
    attr: TokenStream,
    item: TokenStream,
) -> Result<Prepared, TokenStream> {
    let attribute = binding.attribute();
    let input: DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                format!("{attribute} goes on a unit struct: `pub struct RateLimiter;`"),
            )
            .to_compile_error();
            return Err(quote!(#item #error));
        }
    };
    let mut errors = Vec::new();
    let unit_struct = check_unit_struct(attribute, &input)
        .map_err(|e| errors.push(e))
        .is_ok();
    let settings = manifest::read(crate_root);
    let read = attribute::parse(attr).and_then(|arguments| {
        let path = arguments.path;
        let mut options = arguments.options;
        let overlay_spans = arguments.overlay_spans;
        if let (Binding::Library, Some(span)) = (binding, overlay_spans.first()) {
            return Err(syn::Error::new(
                span,
                "overlays (`keys(...)`, `argv(...)`, `returns`) refine a script's header; a library's functions are typed by the doc comments above their registrations",
            ));
        }
        let crate_levels = settings.levels.as_ref().map_err(|message| {
            syn::Error::new(
                path.literal.span(),
                format!("in Cargo.toml, [package.metadata.redis-script]: {message}"),
            )
        })?;
        options.levels = crate_levels.overridden_by(&options.levels);
        if let (false, Some(target)) = (arguments.target_given, &settings.target) {
            options.target = Target::parse(target).map_err(|message| {
                syn::Error::new(
                    path.literal.span(),
                    format!("in Cargo.toml, [package.metadata.redis-script] target: {message}"),
                )
            })?;
        }
        let file =
            locate::read(crate_root, &path).map_err(|m| syn::Error::new(path.literal.span(), m))?;
        Ok((path, file, options, overlay_spans))
    });
    match read {
        Ok((path, file, options, overlay_spans)) => Ok(Prepared {
            input,
            path,
            file,
            options,
            overlay_spans,
            settings,
            errors,
            unit_struct,
            coverage: false,
        }),
        Err(error) => {
            errors.push(error);
            Err(with_errors(&input, errors))
        }
    }
}

/// The generated `api` (when the model was read) with every error and warning of
/// `analysis`: the whole API is generated next to the errors, so code calling the script
/// compiles on and shows no second, misleading error.
fn finish<M>(prepared: Prepared, analysis: &Analysis<M>, api: Option<TokenStream>) -> TokenStream {
    let Prepared {
        input,
        path,
        settings,
        overlay_spans,
        mut errors,
        unit_struct,
        ..
    } = prepared;
    let span = path.literal.span();
    // A problem an overlay causes is shown at the overlay: the file may not be the user's.
    errors.extend(analysis.errors().map(|d| {
        let message = analysis.render(d);
        d.overlay
            .and_then(|part| overlay_spans.error(part, message.clone()))
            .unwrap_or_else(|| syn::Error::new(span, message))
    }));
    let warnings: Vec<TokenStream> = analysis
        .warnings()
        .map(|d| {
            let at = d.overlay.and_then(|part| overlay_spans.span(part));
            warning_tokens(&analysis.render(d), at.unwrap_or(span))
        })
        .collect();
    match api {
        Some(api) if unit_struct => {
            let errors = errors.iter().map(syn::Error::to_compile_error);
            let settings = settings.manifest.as_ref().map(|manifest| {
                let manifest = LitStr::new(&manifest.to_string_lossy(), span);
                // Editing the crate's settings rebuilds what they apply to.
                quote!(
                    const _: &[u8] = ::core::include_bytes!(#manifest);
                )
            });
            quote!(#(#warnings)* #api #settings #(#errors)*)
        }
        _ => with_errors(&input, errors),
    }
}

/// The struct as written, plus every error.
fn with_errors(input: &DeriveInput, errors: Vec<syn::Error>) -> TokenStream {
    let errors = errors.iter().map(syn::Error::to_compile_error);
    quote!(#input #(#errors)*)
}

fn check_unit_struct(attribute: &str, input: &DeriveInput) -> syn::Result<()> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!("{attribute} goes on a unit struct, like `pub struct RateLimiter;`"),
        ));
    };
    if !matches!(data.fields, Fields::Unit) {
        return Err(syn::Error::new_spanned(
            &data.fields,
            format!(
                "{attribute} generates the struct's items; declare it without fields: `pub struct RateLimiter;`"
            ),
        ));
    }
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            format!("{attribute} structs cannot have generic parameters"),
        ));
    }
    Ok(())
}

fn generate(prepared: &Prepared, script: &Script, sources: &Sources) -> TokenStream {
    let Prepared {
        input,
        path,
        file,
        options,
        ..
    } = prepared;
    let DeriveInput {
        attrs, vis, ident, ..
    } = input;
    let has_user_docs = attrs.iter().any(|a| a.path().is_ident("doc"));
    let union = Ident::new(&format!("{ident}Reply"), ident.span());
    let struct_docs = docs::struct_docs(
        script,
        sources,
        has_user_docs,
        &format!("{ident}::call"),
        &union.to_string(),
    );
    let call_docs = docs::call_docs(script, &format!("`{}`", script.path), &union.to_string());
    let reply_enum = rust_types::reply_enum(vis, &union, script.returns.ty(), &script.path);
    let name = ident.to_string();
    let display = path.display();
    let sha1 = &script.sha1;
    let (source, tracked) = source_tokens(file, sources, path.literal.span());
    let source_map = source_map_tokens(sources);
    let returns_declared = script.returns.declared();
    let shape = rust_types::reply_shape(script.returns.ty());
    let read_only = script
        .shebang
        .as_ref()
        .is_some_and(|shebang| shebang.has_flag("no-writes"));
    let call = call_fn(
        vis,
        &Ident::new("call", Span::call_site()),
        quote!(Self::META),
        script,
        &call_docs,
        &union,
    );
    let target = options.target.name();
    let errors = error_enum(vis, ident, &script.errors, &script.path);
    let features = rust_types::required_features(script);
    let coverage = prepared
        .coverage
        .then(|| crate::coverage::registration(sources, sha1, false));
    let meta = meta_tokens(MetaParts {
        name: &name,
        returns: shape,
        returns_declared: &returns_declared,
        read_only,
        target: quote!(#target),
        source_map,
        kind: quote!(::redis_script::__private::ScriptKind::Script),
    });
    quote! {
        #(#attrs)*
        #[doc = #struct_docs]
        #vis struct #ident;

        impl #ident {
            /// SHA1 of the script: 40 lowercase hex digits, the name Redis knows it by.
            #vis const SHA1: &'static str = #sha1;
            /// The text sent to Redis, which its SHA1 is of: the file's bytes, each
            /// `--- @include` line replaced by the file it names.
            #vis const SOURCE: &'static str = #source;
            /// The script's path from the crate root.
            #vis const PATH: &'static str = #display;
            /// The script's description for the runtime: loading, messages.
            #vis const META: &'static ::redis_script::__private::ScriptMeta = #meta;

            #call
        }

        impl ::redis_script::__private::Script for #ident {
            const META: &'static ::redis_script::__private::ScriptMeta = #ident::META;
        }

        #errors

        #reply_enum

        #tracked

        #features

        #coverage

        ::redis_script::__private::inventory::submit! {
            ::redis_script::__private::registration(#ident::META)
        }
    }
}
