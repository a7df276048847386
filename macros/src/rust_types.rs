//! Header types in Rust: parameter types, how each parameter is written into the command,
//! reply types, and the reply shape the runtime checks.
//!
//! Types are spelled once, with a path prefix: the generated code uses the runtime's
//! `::redis_script::__private::` paths, the docs use bare names.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use redis_script_analyzer::{Codec, Param, ParamType, ReturnType, Script};

/// The prefix of every runtime path in generated code.
const CODE_PREFIX: &str = "::redis_script::__private::";

/// How a parameter's Rust type reads, with `prefix` before runtime names.
pub fn param_type_text(param: &Param, prefix: &str) -> String {
    let single = match param.ty {
        None | Some(ParamType::Key) => format!("impl {prefix}ToSingleRedisArg"),
        Some(ParamType::String) => format!("impl {prefix}AsRef<str>"),
        Some(ParamType::Bytes) => format!("impl {prefix}AsRef<[u8]>"),
        Some(ParamType::Int) => "i64".to_owned(),
        Some(ParamType::Float) => "f64".to_owned(),
        Some(ParamType::Bool) => "bool".to_owned(),
        Some(ParamType::Json | ParamType::Msgpack) if param.variadic => {
            return format!("&[impl {prefix}Serialize]");
        }
        Some(ParamType::Json | ParamType::Msgpack) => {
            format!("&(impl {prefix}Serialize + ?Sized)")
        }
    };
    if param.variadic {
        format!("&[{single}]")
    } else {
        single
    }
}

/// How a reply's Rust type reads, with `prefix` before runtime names; a union reads as
/// `union`, the name of its generated enum.
pub fn return_type_text(ty: &ReturnType, prefix: &str, union: &str) -> String {
    let text = |ty: &ReturnType| return_type_text(ty, prefix, union);
    match ty {
        ReturnType::Int => "i64".to_owned(),
        ReturnType::Float => "f64".to_owned(),
        ReturnType::Bool => "bool".to_owned(),
        ReturnType::String | ReturnType::Status => format!("{prefix}String"),
        ReturnType::Bytes => format!("{prefix}Vec<u8>"),
        ReturnType::Nil => "()".to_owned(),
        ReturnType::Value => format!("{prefix}Value"),
        // The caller picks the type the value decodes into.
        ReturnType::Encoded(Codec::Json) => format!("{prefix}Json<Reply>"),
        ReturnType::Encoded(Codec::Msgpack) => format!("{prefix}Msgpack<Reply>"),
        ReturnType::Optional(inner) => format!("{prefix}Option<{}>", text(inner)),
        ReturnType::Array(inner) => format!("{prefix}Vec<{}>", text(inner)),
        ReturnType::Map(key, value) => {
            format!("{prefix}HashMap<{}, {}>", text(key), text(value))
        }
        ReturnType::Tuple(items) => {
            let items: Vec<String> = items.iter().map(text).collect();
            format!("({})", items.join(", "))
        }
        ReturnType::Union(_) => union.to_owned(),
    }
}

/// The parameter's type in generated code.
pub fn param_type(param: &Param) -> TokenStream {
    tokens(&param_type_text(param, CODE_PREFIX))
}

/// The reply type in generated code; a union is the enum `union`.
pub fn return_type(ty: &ReturnType, union: &Ident) -> TokenStream {
    tokens(&return_type_text(ty, CODE_PREFIX, &union.to_string()))
}

fn tokens(text: &str) -> TokenStream {
    text.parse().expect("type spellings are valid Rust tokens")
}

/// Statements writing the parameter `ident` into the call `call`.
pub fn write_param(param: &Param, ident: &Ident, call: &Ident) -> TokenStream {
    if let Some(codec) = param.ty.and_then(ParamType::codec) {
        let push = Ident::new(&format!("push_{}", codec.name()), Span::call_site());
        let entry = format!("{} (`{}`)", param.label(), param.name);
        if param.variadic {
            let item = Ident::new("__redis_script_item", Span::mixed_site());
            return quote! {
                for #item in #ident {
                    ::redis_script::__private::#push(&mut #call, #item, #entry);
                }
            };
        }
        return quote!(::redis_script::__private::#push(&mut #call, #ident, #entry););
    }
    let convert = |value: TokenStream| match param.ty {
        Some(ParamType::String | ParamType::Bytes) => quote!(#value.as_ref()),
        _ => value,
    };
    if param.variadic {
        let item = Ident::new("__redis_script_item", Span::mixed_site());
        let item = quote!(#item);
        let value = convert(item.clone());
        quote! {
            for #item in #ident {
                ::redis_script::__private::push(&mut #call, #value);
            }
        }
    } else {
        let value = convert(quote!(#ident));
        quote!(::redis_script::__private::push(&mut #call, #value);)
    }
}

/// The encodings a script's entries and reply use (`json`, `msgpack`), each once.
pub fn codecs(script: &Script) -> Vec<Codec> {
    let mut codecs: Vec<Codec> = script
        .keys
        .iter()
        .chain(script.args.iter())
        .filter_map(|param| param.ty.and_then(ParamType::codec))
        .chain(
            script
                .returns
                .ty()
                .map(ReturnType::codecs)
                .unwrap_or_default(),
        )
        .collect();
    codecs.sort_by_key(|codec| codec.name());
    codecs.dedup();
    codecs
}

/// Items that fail the build, naming the feature, when the runtime lacks a feature
/// `script` needs (`json`, `msgpack`).
pub fn required_features(script: &Script) -> TokenStream {
    let path = &script.path;
    let checks = codecs(script).into_iter().map(|codec| {
        let check = Ident::new(&format!("require_{}", codec.name()), Span::call_site());
        quote!(::redis_script::__private::#check!(#path);)
    });
    quote!(#(#checks)*)
}

/// A constant expression of type `ReplyShape` for a declared reply (`Any` for none).
pub fn reply_shape(ty: Option<&ReturnType>) -> TokenStream {
    let shape = quote!(::redis_script::__private::ReplyShape);
    let Some(ty) = ty else {
        return quote!(#shape::Any);
    };
    match ty {
        ReturnType::Int => quote!(#shape::Int),
        ReturnType::Float => quote!(#shape::Float),
        ReturnType::Bool => quote!(#shape::Bool),
        ReturnType::String => quote!(#shape::String),
        ReturnType::Bytes => quote!(#shape::Bytes),
        ReturnType::Status => quote!(#shape::Status),
        ReturnType::Nil => quote!(#shape::Nil),
        ReturnType::Value => quote!(#shape::Any),
        ReturnType::Encoded(_) => quote!(#shape::Bytes),
        ReturnType::Optional(inner) => {
            let inner = reply_shape(Some(inner));
            quote!(#shape::Optional(&#inner))
        }
        ReturnType::Array(inner) => {
            let inner = reply_shape(Some(inner));
            quote!(#shape::Array(&#inner))
        }
        ReturnType::Map(key, value) => {
            let (key, value) = (reply_shape(Some(key)), reply_shape(Some(value)));
            quote!(#shape::Map(&#key, &#value))
        }
        ReturnType::Tuple(items) => {
            let items = items.iter().map(|item| reply_shape(Some(item)));
            quote!(#shape::Tuple(&[#(#items),*]))
        }
        ReturnType::Union(alternatives) => {
            let items = alternatives.iter().map(|a| reply_shape(Some(&a.ty)));
            quote!(#shape::Union(&[#(#items),*]))
        }
    }
}

/// For a union RETURNS, `enum <union>` with a variant per alternative (a tuple's items are
/// its fields, `nil` has none) and its `FromRedisValue`: the first alternative whose shape
/// the reply fits is the variant. Nothing for other types.
pub fn reply_enum(
    vis: &syn::Visibility,
    union: &Ident,
    ty: Option<&ReturnType>,
    path: &str,
) -> TokenStream {
    let Some(ReturnType::Union(alternatives)) = ty else {
        return TokenStream::new();
    };
    let declared = ty.map(ToString::to_string).unwrap_or_default();
    let docs = format!(
        "The replies `{path}` may send: its RETURNS `{declared}`, a variant per alternative. A reply is the first alternative whose shape it fits."
    );
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for alternative in alternatives {
        let variant = Ident::new(&alternative.variant(), Span::call_site());
        let variant_docs = format!("`{}`.", alternative.ty);
        let shape = reply_shape(Some(&alternative.ty));
        let value = Ident::new("__redis_script_value", Span::mixed_site());
        let (fields, read) = match &alternative.ty {
            ReturnType::Nil => (quote!(), quote!(Self::#variant)),
            ReturnType::Tuple(items) => {
                let types: Vec<TokenStream> =
                    items.iter().map(|item| return_type(item, union)).collect();
                let names: Vec<Ident> = (0..items.len())
                    .map(|i| Ident::new(&format!("__redis_script_{i}"), Span::mixed_site()))
                    .collect();
                (
                    quote!((#(#types),*)),
                    quote!({
                        let (#(#names,)*): (#(#types,)*) =
                            ::redis_script::__private::FromRedisValue::from_redis_value(#value)?;
                        Self::#variant(#(#names),*)
                    }),
                )
            }
            other => {
                let ty = return_type(other, union);
                (
                    quote!((#ty)),
                    quote!(Self::#variant(
                        ::redis_script::__private::FromRedisValue::from_redis_value(#value)?
                    )),
                )
            }
        };
        variants.push(quote!(#[doc = #variant_docs] #variant #fields));
        arms.push(quote! {
            if #shape.accepts(&#value) {
                return ::core::result::Result::Ok(#read);
            }
        });
    }
    let value = Ident::new("__redis_script_value", Span::mixed_site());
    quote! {
        #[doc = #docs]
        #[derive(Debug, Clone, PartialEq)]
        #vis enum #union {
            #(#variants,)*
        }

        impl ::redis_script::__private::FromRedisValue for #union {
            fn from_redis_value(
                #value: ::redis_script::__private::Value,
            ) -> ::core::result::Result<Self, ::redis_script::__private::ParsingError> {
                #(#arms)*
                ::core::result::Result::Err(::redis_script::__private::no_alternative(#declared, &#value))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_nested_reply_types() {
        let ty = ReturnType::parse("[{string: int?}]?").unwrap();
        assert_eq!(
            return_type_text(&ty, "", "R"),
            "Option<Vec<HashMap<String, Option<i64>>>>"
        );
        let tuple = ReturnType::parse("(int, [string])").unwrap();
        assert_eq!(return_type_text(&tuple, "", "R"), "(i64, Vec<String>)");
        let union = ReturnType::parse("int | (string, int)").unwrap();
        assert_eq!(return_type_text(&union, "", "TakeReply"), "TakeReply");
        let name = Ident::new("R", Span::call_site());
        return_type(&ty, &name);
        return_type(&tuple, &name);
    }
}
