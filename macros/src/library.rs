//! The code `#[redis_library]` generates: the library's constants and description, one
//! typed method per registered function, the error enum of their ERRORS, the registry
//! entry, and the markers that make library and function names unique in the crate.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use redis_script_analyzer::{DeclaredError, Function, Library, Sources};

use crate::docs;
use crate::items::{
    MetaParts, Prepared, call_fn, error_enum, meta_tokens, source_map_tokens, source_tokens,
};
use crate::rust_types;

/// The API of `library`, read from the file `prepared` found.
pub fn generate(prepared: &Prepared, library: &Library, sources: &Sources) -> TokenStream {
    let input = &prepared.input;
    let (attrs, vis, ident) = (&input.attrs, &input.vis, &input.ident);
    let has_user_docs = attrs.iter().any(|a| a.path().is_ident("doc"));
    let struct_docs = docs::library_docs(library, sources, has_user_docs);
    let span = prepared.path.literal.span();
    let (source, tracked) = source_tokens(&prepared.file, sources, span);
    let source_map = source_map_tokens(sources);
    let display = prepared.path.display();
    let (name, sha1) = (&library.name, &library.sha1);
    let item_name = ident.to_string();
    let target = prepared.options.target.name();
    let (functions, reply_enums): (Vec<TokenStream>, Vec<TokenStream>) = library
        .functions
        .iter()
        .map(|function| function_items(vis, ident, library, function))
        .unzip();
    let errors = error_enum(vis, ident, &declared_errors(library), &library.path);
    let markers = unique_markers(library, span);
    let coverage = prepared
        .coverage
        .then(|| crate::coverage::registration(sources, sha1, true));
    let meta = meta_tokens(MetaParts {
        name: &item_name,
        returns: quote!(::redis_script::__private::ReplyShape::Any),
        returns_declared: "undeclared",
        read_only: false,
        target: quote!(#target),
        source_map,
        kind: quote!(::redis_script::__private::ScriptKind::Library { name: #name }),
    });
    quote! {
        #(#attrs)*
        #[doc = #struct_docs]
        #vis struct #ident;

        impl #ident {
            /// The library's name, from its `#!lua name=` line: what Redis knows it by.
            #vis const NAME: &'static str = #name;
            /// SHA1 of the library's source: what tells two versions apart.
            #vis const SHA1: &'static str = #sha1;
            /// The library's source as sent to `FUNCTION LOAD`: the file's bytes, with
            /// each `@include` line replaced by the file it names.
            #vis const SOURCE: &'static str = #source;
            /// The library's path from the crate root.
            #vis const PATH: &'static str = #display;
            /// The library's description for the runtime: load it with
            /// `LIBRARY.load(&mut con)` (`FUNCTION LOAD REPLACE`), compare it with the
            /// server's with `LIBRARY.deployed(&mut con)`.
            #vis const LIBRARY: &'static ::redis_script::__private::ScriptMeta = #meta;

            #(#functions)*
        }

        impl ::redis_script::__private::Library for #ident {
            const LIBRARY: &'static ::redis_script::__private::ScriptMeta = #ident::LIBRARY;
        }

        #errors

        #(#reply_enums)*

        #tracked

        #markers

        #coverage

        ::redis_script::__private::inventory::submit! {
            ::redis_script::__private::registration(#ident::LIBRARY)
        }
    }
}

/// The hidden description of `function` and its typed method (items of the struct), and
/// the enum of its reply when it is a union (an item next to the struct).
fn function_items(
    vis: &syn::Visibility,
    ident: &Ident,
    library: &Library,
    function: &Function,
) -> (TokenStream, TokenStream) {
    let meta = meta_ident(function);
    let method = Ident::new(&function.rust_name, Span::call_site());
    let contract = &function.contract;
    let item_name = format!("{ident}::{}", function.rust_name);
    let function_name = &function.name;
    let shape = rust_types::reply_shape(contract.returns.ty());
    let returns_declared = contract.returns.declared();
    let read_only = function.read_only();
    let union = Ident::new(
        &format!(
            "{ident}{}Reply",
            redis_script_analyzer::upper_camel(&function.rust_name)
        ),
        ident.span(),
    );
    let docs = docs::function_docs(library, function, &union.to_string());
    let call = call_fn(vis, &method, quote!(Self::#meta), contract, &docs, &union);
    let reply_enum = rust_types::reply_enum(vis, &union, contract.returns.ty(), &library.path);
    let features = rust_types::required_features(contract);
    let description = meta_tokens(MetaParts {
        name: &item_name,
        returns: shape,
        returns_declared: &returns_declared,
        read_only,
        target: quote!(Self::LIBRARY.target()),
        source_map: quote!(*Self::LIBRARY.source_map()),
        kind: quote!(::redis_script::__private::ScriptKind::Function {
            library: Self::LIBRARY,
            name: #function_name,
        }),
    });
    let items = quote! {
        #features

        #[doc(hidden)]
        #vis const #meta: &'static ::redis_script::__private::ScriptMeta = #description;

        #call
    };
    (items, reply_enum)
}

/// The name of the hidden constant describing `function`.
fn meta_ident(function: &Function) -> Ident {
    Ident::new(
        &format!("__FUNCTION_{}", function.rust_name.to_ascii_uppercase()),
        Span::call_site(),
    )
}

/// The ERRORS of every function, each code once.
fn declared_errors(library: &Library) -> Vec<DeclaredError> {
    let mut errors: Vec<DeclaredError> = Vec::new();
    for error in library.functions.iter().flat_map(|f| &f.contract.errors) {
        if !errors.iter().any(|known| known.code == error.code) {
            errors.push(error.clone());
        }
    }
    errors
}

/// A hidden macro named after the library and one after each function, exported at the
/// crate root: a second library of the same name, or a second function of the same name
/// in any library of the crate, defines one twice, which the compiler refuses with that
/// name. (Redis keeps function names in one space across libraries, and would refuse the
/// second library at load time.)
fn unique_markers(library: &Library, span: Span) -> TokenStream {
    let names = std::iter::once(format!(
        "redis_library_named_{}_is_bound_once_per_crate",
        library.name
    ))
    .chain(library.functions.iter().map(|function| {
        // Redis compares function names without regard to case.
        format!(
            "redis_function_named_{}_is_registered_once_per_crate",
            function.name.to_ascii_lowercase()
        )
    }));
    let markers = names.map(|name| {
        let name = Ident::new(&name, span);
        quote! {
            #[doc(hidden)]
            #[macro_export]
            macro_rules! #name {
                () => {};
            }
        }
    });
    quote!(#(#markers)*)
}
