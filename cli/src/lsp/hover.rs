//! Hover: a command's summary, syntax and availability on the target; a `KEYS[n]` or
//! `ARGV[n]` read's header entry; what a member of `redis` does and where.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::cursor;
use super::reference;
use super::source::Source;

/// What to show at `position`, if anything.
pub fn hover(source: &Source, position: Position) -> Option<Hover> {
    let (line, index) = super::documents::line_at(&source.file.text, position)?;
    let aliases = cursor::command_aliases(&source.file.text);
    let text = if let Some((name, _, _)) = cursor::command_at(line, index, &aliases) {
        reference::command_doc(&name, source.options.target)
    } else if let Some((keys, n)) = cursor::array_index_at(line, index) {
        entry_doc(source, keys, n, position.line as usize + 1)?
    } else if let Some(member) = cursor::api_member_at(line, index) {
        reference::api_doc(&member, source.options.target)?
    } else {
        return None;
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: None,
    })
}

/// The header entry `KEYS[n]` (or `ARGV[n]`) of the script, or of the library function
/// whose code is at `line`.
fn entry_doc(source: &Source, keys: bool, n: usize, line: usize) -> Option<String> {
    let contract = source.contract_at(line)?;
    let params = if keys { &contract.keys } else { &contract.args };
    let array = if keys { "KEYS" } else { "ARGV" };
    let Some(param) = params
        .fixed
        .get(n.checked_sub(1)?)
        .or(params.tail.as_ref().filter(|tail| tail.index <= n))
    else {
        return Some(format!("**{array}[{n}]** is not declared in the header."));
    };
    let ty = param
        .ty
        .map_or("any value".to_owned(), |ty| format!("`{}`", ty.name()));
    Some(format!(
        "**{array}[{n}]** `{}`: {ty}\n\n{}\n\n(header line {})",
        param.name, param.description, param.line
    ))
}
