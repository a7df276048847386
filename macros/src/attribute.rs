//! The attribute's arguments: the script's path relative to `lua_scripts/` (checked before
//! any file is touched), then options: `#[redis_script("x.lua", target = "redis-8.0",
//! allow = ["key_not_from_keys"])]`, and the overlays of a header the crate cannot edit:
//! `keys(1 as wait: key)`, `argv(opts: msgpack - "the options")`, `returns = "int | nil"`.

use proc_macro2::{TokenStream, TokenTree};
use redis_script_analyzer::{
    EntryOverlay, Level, Options, OverlayPart, ParamKind, ReturnsOverlay, Target,
};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// Everything the attribute says.
pub struct Arguments {
    /// Where the script is.
    pub path: ScriptPath,
    /// How to check it.
    pub options: Options,
    /// Whether the attribute names the target (else the crate's default applies).
    pub target_given: bool,
    /// Where the overlays are written, for their messages.
    pub overlay_spans: OverlaySpans,
}

/// Where each part of the overlay (in `options.overlay`) is written.
#[derive(Default)]
pub struct OverlaySpans {
    /// Each entry overlay's tokens, in the order of `Overlay::entries`.
    pub entries: Vec<TokenStream>,
    /// The `returns` literal.
    pub returns: Option<LitStr>,
}

impl OverlaySpans {
    /// An error at the overlay `part`.
    pub fn error(&self, part: OverlayPart, message: String) -> Option<syn::Error> {
        match part {
            OverlayPart::Entry(at) => self
                .entries
                .get(at as usize)
                .map(|tokens| syn::Error::new_spanned(tokens, message)),
            OverlayPart::Returns => self
                .returns
                .as_ref()
                .map(|literal| syn::Error::new(literal.span(), message)),
        }
    }

    /// Where a warning about the overlay `part` goes.
    pub fn span(&self, part: OverlayPart) -> Option<proc_macro2::Span> {
        match part {
            OverlayPart::Entry(at) => self
                .entries
                .get(at as usize)
                .and_then(|tokens| tokens.clone().into_iter().next())
                .map(|token| token.span()),
            OverlayPart::Returns => self.returns.as_ref().map(LitStr::span),
        }
    }

    /// The first overlay written, if any.
    pub fn first(&self) -> Option<proc_macro2::Span> {
        self.span(OverlayPart::Entry(0))
            .or_else(|| self.span(OverlayPart::Returns))
    }
}

/// The script path as written in `#[redis_script("rate_limiting/token_bucket.lua")]`.
pub struct ScriptPath {
    /// The string literal, for spans.
    pub literal: LitStr,
    /// The path inside `lua_scripts/`, with `/` separators.
    pub relative: String,
}

impl ScriptPath {
    /// The path from the crate root, as shown in messages: `lua_scripts/<relative>`.
    pub fn display(&self) -> String {
        format!("lua_scripts/{}", self.relative)
    }
}

/// Parses and checks the attribute's arguments.
pub fn parse(attr: TokenStream) -> syn::Result<Arguments> {
    syn::parse2(attr)
}

impl Parse for Arguments {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let literal: LitStr = input.parse().map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected the script's path inside lua_scripts/, as a string: #[redis_script(\"rate_limiter.lua\")]",
            )
        })?;
        let relative = check_relative(&literal.value())
            .map_err(|message| syn::Error::new(literal.span(), message))?;
        let mut options = Options::default();
        let mut target_given = false;
        let mut overlay_spans = OverlaySpans::default();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let name: Ident = input.parse()?;
            let kind = match name.to_string().as_str() {
                "keys" => Some(ParamKind::Key),
                "argv" => Some(ParamKind::Arg),
                _ => None,
            };
            if let Some(kind) = kind {
                let content;
                syn::parenthesized!(content in input);
                for tokens in entries(content.parse()?) {
                    let entry = EntryOverlay::parse(kind, &tokens.to_string())
                        .map_err(|message| syn::Error::new_spanned(&tokens, message))?;
                    options.overlay.entries.push(entry);
                    overlay_spans.entries.push(tokens);
                }
                continue;
            }
            input.parse::<Token![=]>()?;
            match name.to_string().as_str() {
                "returns" => {
                    let value: LitStr = input.parse()?;
                    let returns = ReturnsOverlay::parse(&value.value())
                        .map_err(|message| syn::Error::new(value.span(), message))?;
                    options.overlay.returns = Some(returns);
                    overlay_spans.returns = Some(value);
                }
                "target" => {
                    let value: LitStr = input.parse()?;
                    options.target = Target::parse(&value.value())
                        .map_err(|message| syn::Error::new(value.span(), message))?;
                    target_given = true;
                }
                word @ ("allow" | "warn" | "deny") => {
                    let level = Level::parse(word).unwrap_or(Level::Warn);
                    let content;
                    syn::bracketed!(content in input);
                    let names =
                        content.parse_terminated(|input| input.parse::<LitStr>(), Token![,])?;
                    for name in names {
                        options
                            .levels
                            .set(&name.value(), level)
                            .map_err(|message| syn::Error::new(name.span(), message))?;
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        name.span(),
                        format!(
                            "unknown option `{other}`: the options are `target = \"redis-8.0\"` (the server the script must run on and its oldest version), `allow`, `warn`, `deny = [\"rule\", ...]` (the levels of rules, by name or code), and the overlays of a header: `keys(name: type, ...)`, `argv(3 as name: type - \"description\", ...)`, `returns = \"type\"`"
                        ),
                    ));
                }
            }
        }
        Ok(Self {
            path: ScriptPath { literal, relative },
            options,
            target_given,
            overlay_spans,
        })
    }
}

/// The entries of `keys(...)` or `argv(...)`: its tokens split at the commas between them.
fn entries(tokens: TokenStream) -> Vec<TokenStream> {
    let mut entries = vec![TokenStream::new()];
    for token in tokens {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => {
                entries.push(TokenStream::new());
            }
            _ => entries.last_mut().expect("never empty").extend([token]),
        }
    }
    entries.retain(|entry| !entry.is_empty());
    entries
}

/// Checks that `path` stays inside `lua_scripts/`; returns it with `/` separators.
fn check_relative(path: &str) -> Result<String, String> {
    if path.trim().is_empty() {
        return Err(
            "the script path is empty: name a file inside lua_scripts/, e.g. \"rate_limiter.lua\""
                .to_owned(),
        );
    }
    if path.contains('\\') {
        return Err(format!(
            "`{path}` uses `\\`: write paths with `/`, e.g. \"{}\"",
            path.replace('\\', "/")
        ));
    }
    let is_absolute =
        path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') || path.starts_with('~');
    if is_absolute {
        return Err(format!(
            "`{path}` is an absolute path: scripts are read from lua_scripts/ in the crate root, so write the path relative to it, e.g. \"rate_limiter.lua\""
        ));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(format!(
            "`{path}` leaves lua_scripts/ with `..`: keep scripts inside lua_scripts/ (subfolders are fine)"
        ));
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_files_and_subfolders() {
        assert_eq!(
            check_relative("rate_limiter.lua").unwrap(),
            "rate_limiter.lua"
        );
        assert_eq!(
            check_relative("./rate_limiting//token_bucket.lua").unwrap(),
            "rate_limiting/token_bucket.lua"
        );
    }

    #[test]
    fn rejects_escapes() {
        assert!(
            check_relative("/etc/x.lua")
                .unwrap_err()
                .contains("absolute path")
        );
        assert!(
            check_relative("C:/x.lua")
                .unwrap_err()
                .contains("absolute path")
        );
        assert!(
            check_relative("../secret.lua")
                .unwrap_err()
                .contains("leaves lua_scripts/")
        );
        assert!(
            check_relative("a/../../b.lua")
                .unwrap_err()
                .contains("leaves lua_scripts/")
        );
        assert!(
            check_relative("a\\b.lua")
                .unwrap_err()
                .contains("write paths with `/`")
        );
        assert!(check_relative(" ").unwrap_err().contains("empty"));
    }
}
