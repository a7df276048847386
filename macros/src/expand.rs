//! From the attribute and the struct to the generated code: constants, the typed entry
//! point and the `Script` impl. Every error found is reported; when the header could be
//! read, the whole API is generated next to the errors (as thiserror does), so code
//! calling the script does not fail in cascade; otherwise the struct is emitted unchanged.

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use redis_script_analyzer::{Analysis, DeclaredError, Options, Script, Sources, Target};
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::attribute::{self, ScriptPath};
use crate::locate::{self, ScriptFile};
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
/// compiled.
pub fn expand(binding: Binding, attr: TokenStream, item: TokenStream) -> TokenStream {
    match locate::crate_root() {
        Ok(root) => expand_in(binding, &root, attr, item),
        Err(message) => syn::Error::new(Span::call_site(), message).to_compile_error(),
    }
}

/// What both attributes read before the file is analyzed.
pub struct Prepared {
    /// The struct.
    pub input: DeriveInput,
    /// Where the file is.
    pub path: ScriptPath,
    /// The file.
    pub file: ScriptFile,
    /// How it is checked.
    pub options: Options,
    /// The crate's settings.
    settings: manifest::Settings,
    /// Errors found so far (a struct that is not a unit struct).
    errors: Vec<syn::Error>,
    /// Whether the struct is a unit struct, so its items can be generated.
    unit_struct: bool,
}

/// Expands `binding`'s attribute for the crate whose root is `crate_root`.
pub fn expand_in(
    binding: Binding,
    crate_root: &Path,
    attr: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let prepared = match prepare(binding, crate_root, attr, item) {
        Ok(prepared) => prepared,
        Err(tokens) => return tokens,
    };
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
            let api = analysis.model.as_ref().map(|script| {
                generate(
                    &prepared.input,
                    &prepared.path,
                    &prepared.file,
                    script,
                    &analysis.sources,
                    &prepared.options,
                )
            });
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
        Ok((path, file, options))
    });
    match read {
        Ok((path, file, options)) => Ok(Prepared {
            input,
            path,
            file,
            options,
            settings,
            errors,
            unit_struct,
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
        mut errors,
        unit_struct,
        ..
    } = prepared;
    let span = path.literal.span();
    errors.extend(
        analysis
            .errors()
            .map(|d| syn::Error::new(span, analysis.render(d))),
    );
    let warnings: Vec<TokenStream> = analysis
        .warnings()
        .map(|d| warning_tokens(&analysis.render(d), &path.literal))
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

fn generate(
    input: &DeriveInput,
    path: &ScriptPath,
    file: &ScriptFile,
    script: &Script,
    sources: &Sources,
    options: &Options,
) -> TokenStream {
    let DeriveInput {
        attrs, vis, ident, ..
    } = input;
    let has_user_docs = attrs.iter().any(|a| a.path().is_ident("doc"));
    let struct_docs = docs::struct_docs(script, sources, has_user_docs, &format!("{ident}::call"));
    let call_docs = docs::call_docs(script, &format!("`{}`", script.path));
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
    );
    let target = options.target.name();
    let errors = error_enum(vis, ident, &script.errors, &script.path);
    let features = rust_types::required_features(script);
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

        #tracked

        #features

        ::redis_script::__private::inventory::submit! {
            ::redis_script::__private::registration(#ident::META)
        }
    }
}

/// What differs between the descriptions of a script, a library and a function; the
/// path, SHA1 and source are always the item's `PATH`, `SHA1` and `SOURCE`.
pub(crate) struct MetaParts<'a> {
    /// The Rust item's name.
    pub name: &'a str,
    /// The reply shape, a constant expression.
    pub returns: TokenStream,
    /// RETURNS as written.
    pub returns_declared: &'a str,
    /// Whether it is sent as `EVALSHA_RO` / `FCALL_RO`.
    pub read_only: bool,
    /// The target, a constant expression of type `&'static str`.
    pub target: TokenStream,
    /// The source map, a constant expression.
    pub source_map: TokenStream,
    /// The `ScriptKind`, a constant expression.
    pub kind: TokenStream,
}

/// The `&'static ScriptMeta` of `parts`, as a constant expression.
pub(crate) fn meta_tokens(parts: MetaParts<'_>) -> TokenStream {
    let MetaParts {
        name,
        returns,
        returns_declared,
        read_only,
        target,
        source_map,
        kind,
    } = parts;
    quote! {
        &::redis_script::__private::script_meta(::redis_script::__private::ScriptParts {
            name: #name,
            path: Self::PATH,
            sha1: Self::SHA1,
            source: Self::SOURCE,
            returns: &#returns,
            returns_declared: #returns_declared,
            read_only: #read_only,
            target: #target,
            source_map: #source_map,
            kind: #kind,
        })
    }
}

/// The script's text, and what makes cargo rebuild when one of its files changes. Without
/// includes the text is the file itself, embedded with `include_str!`; with includes it is
/// the expanded text, and every file is embedded once more where nothing reads it, so
/// that editing any of them rebuilds the crate.
pub(crate) fn source_tokens(
    file: &ScriptFile,
    sources: &Sources,
    span: Span,
) -> (TokenStream, TokenStream) {
    let embedded = |path: &std::path::Path| {
        let path = LitStr::new(&path.to_string_lossy(), span);
        quote!(::core::include_str!(#path))
    };
    if !sources.has_includes() {
        return (embedded(&file.absolute), TokenStream::new());
    }
    let files: Vec<TokenStream> = sources
        .files
        .iter()
        .filter_map(|f| f.absolute.as_deref())
        .map(embedded)
        .collect();
    let count = files.len();
    let text = LitStr::new(&sources.text, span);
    (
        quote!(#text),
        quote!(const _: [&str; #count] = [#(#files),*];),
    )
}

/// The runtime's `SourceMap` of `sources`, as a constant expression.
pub(crate) fn source_map_tokens(sources: &Sources) -> TokenStream {
    let files = sources.files.iter().map(|file| {
        let path = &file.path;
        let included_from = match file.included_from {
            Some((parent, line)) => quote!(::core::option::Option::Some((#parent, #line))),
            None => quote!(::core::option::Option::None),
        };
        quote!(::redis_script::__private::source_file(#path, #included_from))
    });
    let segments = sources.segments.iter().map(|segment| {
        let (first, file, line) = (segment.first_line, segment.file, segment.file_line);
        quote!(::redis_script::__private::segment(#first, #file, #line))
    });
    quote! {
        ::redis_script::__private::source_map(&[#(#files),*], &[#(#segments),*])
    }
}

/// `pub fn <name>(keys..., args...) -> ScriptCall<Reply>`, a call of the script (or
/// library function) `meta` describes, whose contract is `script`.
pub(crate) fn call_fn(
    vis: &syn::Visibility,
    name: &Ident,
    meta: TokenStream,
    script: &Script,
    docs: &str,
) -> TokenStream {
    // Mixed-site hygiene: no parameter name from a header can clash with this local.
    let call = Ident::new("__redis_script_call", Span::mixed_site());
    let params: Vec<_> = script.keys.iter().chain(script.args.iter()).collect();
    let idents: Vec<Ident> = params
        .iter()
        .map(|p| Ident::new(&p.name, Span::call_site()))
        .collect();
    let types = params.iter().map(|p| rust_types::param_type(p));
    let writes = params
        .iter()
        .zip(&idents)
        .map(|(p, ident)| rust_types::write_param(p, ident, &call));
    let count = |params: &redis_script_analyzer::Params| {
        let fixed = params.fixed.len();
        match &params.tail {
            Some(tail) => {
                let tail = Ident::new(&tail.name, Span::call_site());
                quote!(#fixed + #tail.len())
            }
            None => quote!(#fixed),
        }
    };
    let (num_keys, num_args) = (count(&script.keys), count(&script.args));
    let (generics, reply) = match script.returns.ty() {
        Some(ty) if !ty.codecs().is_empty() => (
            quote!(<Reply: ::redis_script::__private::DeserializeOwned>),
            rust_types::return_type(ty),
        ),
        Some(ty) => (quote!(), rust_types::return_type(ty)),
        None => (
            quote!(<Reply: ::redis_script::__private::FromRedisValue>),
            quote!(Reply),
        ),
    };
    quote! {
        #[doc = #docs]
        #[must_use = "a ScriptCall does nothing until it is invoked"]
        #vis fn #name #generics(#(#idents: #types),*) -> ::redis_script::__private::ScriptCall<#reply> {
            let mut #call = ::redis_script::__private::call(#meta, #num_keys, #num_args);
            #(#writes)*
            #call
        }
    }
}

/// A compiler warning on the attribute's literal: stable Rust gives proc macros no warnings
/// of their own, so the message rides on the use of a deprecated item.
pub(crate) fn warning_tokens(message: &str, literal: &LitStr) -> TokenStream {
    let item = Ident::new("redis_script_warning", literal.span());
    quote! {
        const _: () = {
            #[deprecated(note = #message)]
            #[allow(non_camel_case_types)]
            struct redis_script_warning;
            let _ = #item;
        };
    }
}

/// For a script with an ERRORS section (a library whose functions have some): `enum
/// <Name>Error` with a variant per code, and `<Name>::error_of(&error)` to match an error
/// against them. `path` is the file, for the docs.
pub(crate) fn error_enum(
    vis: &syn::Visibility,
    ident: &Ident,
    errors: &[DeclaredError],
    path: &str,
) -> TokenStream {
    if errors.is_empty() {
        return TokenStream::new();
    }
    let name = Ident::new(&format!("{ident}Error"), ident.span());
    let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let variants: Vec<Ident> = codes
        .iter()
        .map(|code| Ident::new(&camel_case(code), Span::call_site()))
        .collect();
    let descriptions = errors.iter().map(|e| {
        if e.description.is_empty() {
            format!("`{}`.", e.code)
        } else {
            format!("`{}`: {}", e.code, e.description)
        }
    });
    let enum_docs = format!(
        "The error codes `{path}` declares in its ERRORS sections; match an error against them with [`{ident}::error_of`]."
    );
    quote! {
        #[doc = #enum_docs]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #vis enum #name {
            #(#[doc = #descriptions] #variants,)*
        }

        impl #name {
            /// The code as the script sends it.
            #vis const fn code(self) -> &'static str {
                match self {
                    #(Self::#variants => #codes,)*
                }
            }

            /// The variant for `code`, when the ERRORS section declares it.
            #vis fn from_code(code: &str) -> ::core::option::Option<Self> {
                match code {
                    #(#codes => ::core::option::Option::Some(Self::#variants),)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl #ident {
            /// The declared error `error` carries, if any: `None` for other failures and for
            /// codes the ERRORS section does not declare (those stay in `error.kind()`).
            #vis fn error_of(error: &::redis_script::Error) -> ::core::option::Option<#name> {
                error.code().and_then(#name::from_code)
            }
        }
    }
}

/// `INSUFFICIENT_BALANCE` -> `InsufficientBalance`.
fn camel_case(code: &str) -> String {
    code.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect()
}
