//! `json` and `msgpack` entries and replies: what the header declares encoded, the body
//! must decode (and with the same encoding), and KEYS hold key names, never encoded values.

use crate::diagnostic::{Diagnostic, OverlayPart};
use crate::lua::facts::Facts;
use crate::model::{ParamKind, Script};
use crate::rules;

/// Checks the encoded entries of a script (`function` is `None`) or of a library function.
pub fn check(script: &Script, facts: &Facts, function: Option<&str>, out: &mut Vec<Diagnostic>) {
    for param in script.keys.iter() {
        if let Some(codec) = param.ty.and_then(|ty| ty.codec()) {
            out.push(
                Diagnostic::new(
                    &rules::STRUCTURED_CODEC,
                    format!(
                        "{} is declared `{}`, but KEYS hold key names",
                        param.label(),
                        codec.name()
                    ),
                    param.label,
                    param.label_width,
                )
                .with_help("declare the encoded value in ARGV, and its key (if any) in KEYS")
                .in_overlay(param.overlay.map(OverlayPart::entry)),
            );
        }
    }
    for param in script.args.fixed.iter() {
        let Some(codec) = param.ty.and_then(|ty| ty.codec()) else {
            continue;
        };
        let decodings: Vec<_> = facts
            .decoded
            .iter()
            .filter(|d| {
                d.kind == ParamKind::Arg
                    && d.index == param.index
                    && d.function.as_deref() == function
            })
            .collect();
        if let Some(other) = decodings.iter().find(|d| d.codec != codec) {
            out.push(
                Diagnostic::new(
                    &rules::STRUCTURED_CODEC,
                    format!(
                        "{} is declared `{}`, but this decodes it with `{}`",
                        param.label(),
                        codec.name(),
                        other.codec.lua_decode()
                    ),
                    other.site.at,
                    other.site.width,
                )
                .with_help(format!(
                    "the caller sends {}: decode it with `{}`, or declare it `{}`",
                    codec.name(),
                    codec.lua_decode(),
                    other.codec.name()
                ))
                .in_overlay(param.overlay.map(OverlayPart::entry)),
            );
        } else if decodings.is_empty() {
            out.push(
                Diagnostic::new(&rules::UNDECODED_ARGUMENT,
                    format!(
                        "{} (`{}`) is declared `{}`, but the {} never decodes it with `{}`",
                        param.label(),
                        param.name,
                        codec.name(),
                        super::wording::unit(function),
                        codec.lua_decode()
                    ),
                    param.label,
                    param.label_width,
                )
                .with_help(format!(
                    "the {} receives the encoded text: decode it (`local value = {}({})`), or declare it `string`/`bytes` if the text is what it needs",
                    super::wording::unit(function),
                    codec.lua_decode(),
                    param.label()
                ))
                .in_overlay(param.overlay.map(OverlayPart::entry)),
            );
        }
    }
}
