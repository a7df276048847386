//! The items every binding gets, a script's and a library's alike: what the attribute
//! and the file gave ([`Prepared`]), the metadata, the source, the call function and the
//! error enum.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use redis_script_analyzer::{DeclaredError, Options, Script, Sources};
use syn::{DeriveInput, LitStr};

use crate::attribute::ScriptPath;
use crate::locate::ScriptFile;
use crate::manifest;
use crate::rust_types;

/// What both attributes read before the file is analyzed.
pub struct Prepared {
    /// The struct.
    pub input: DeriveInput,
    /// Where the file is.
    pub path: ScriptPath,
    /// The file.
    pub file: ScriptFile,
    /// How it is checked (with the overlays the attribute gives).
    pub options: Options,
    /// Where the attribute's overlays are written.
    pub overlay_spans: crate::attribute::OverlaySpans,
    /// The crate's settings.
    pub settings: manifest::Settings,
    /// Errors found so far (a struct that is not a unit struct).
    pub errors: Vec<syn::Error>,
    /// Whether the struct is a unit struct, so its items can be generated.
    pub unit_struct: bool,
    /// Whether to generate the coverage-mode text (redis-script's `coverage` feature).
    pub coverage: bool,
}

/// What differs between the descriptions of a script, a library and a function; the
/// path, SHA1 and source are always the item's `PATH`, `SHA1` and `SOURCE`.
pub struct MetaParts<'a> {
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
pub fn meta_tokens(parts: MetaParts<'_>) -> TokenStream {
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
pub fn source_tokens(
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
pub fn source_map_tokens(sources: &Sources) -> TokenStream {
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
/// library function) `meta` describes, whose contract is `script`; a union reply is the
/// enum `union` (see [`rust_types::reply_enum`]).
pub fn call_fn(
    vis: &syn::Visibility,
    name: &Ident,
    meta: TokenStream,
    script: &Script,
    docs: &str,
    union: &Ident,
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
            rust_types::return_type(ty, union),
        ),
        Some(ty) => (quote!(), rust_types::return_type(ty, union)),
        None => (
            quote!(<Reply: ::redis_script::__private::FromRedisValue>),
            quote!(Reply),
        ),
    };
    quote! {
        #[doc = #docs]
        #[must_use = "a ScriptCall does nothing until it is invoked"]
        // A parameter per KEYS and ARGV entry: the script decides how many.
        #[allow(clippy::too_many_arguments)]
        #vis fn #name #generics(#(#idents: #types),*) -> ::redis_script::__private::ScriptCall<#reply> {
            let mut #call = ::redis_script::__private::call(#meta, #num_keys, #num_args);
            #(#writes)*
            #call
        }
    }
}

/// A compiler warning at `span` (the attribute's literal, or an overlay): stable Rust gives
/// proc macros no warnings of their own, so the message rides on the use of a deprecated
/// item.
pub fn warning_tokens(message: &str, span: Span) -> TokenStream {
    let item = Ident::new("redis_script_warning", span);
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
pub fn error_enum(
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
        .map(|code| Ident::new(&redis_script_analyzer::upper_camel(code), Span::call_site()))
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
