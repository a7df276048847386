//! Completion: command names in the first argument of `redis.call` (with their syntax on
//! the target), `KEYS[`/`ARGV[` indices with their names, and inside the header, its
//! section names and types.

use lsp_types::{
    CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind, Position,
};
use redis_script_analyzer::ParamType;

use super::cursor;
use super::reference;
use super::source::Source;

/// The header's sections.
const SECTIONS: &[&str] = &["KEYS:", "ARGV:", "RETURNS:", "ERRORS:"];

/// What can be written at `position`.
pub fn complete(source: &Source, position: Position) -> Vec<CompletionItem> {
    let Some((line, index)) = super::documents::line_at(&source.file.text, position) else {
        return Vec::new();
    };
    let aliases = cursor::command_aliases(&source.file.text);
    if let Some((typed, _, _)) = cursor::command_at(line, index, &aliases) {
        return commands(source, &typed);
    }
    if let Some(keys) = cursor::array_open_at(line, index) {
        return indices(source, keys, position.line as usize + 1);
    }
    if cursor::in_header(&source.file.text, position.line as usize) {
        return header_words();
    }
    Vec::new()
}

fn commands(source: &Source, typed: &str) -> Vec<CompletionItem> {
    let target = source.options.target;
    let typed = typed.to_ascii_lowercase();
    target
        .commands()
        .filter(|command| command.name.starts_with(&typed) && !command.noscript)
        .map(|command| CompletionItem {
            label: command.name.to_ascii_uppercase(),
            kind: Some(CompletionItemKind::FUNCTION),
            detail: Some(reference::syntax(command.name, command)),
            documentation: Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: reference::command_doc(command.name, target),
            })),
            ..Default::default()
        })
        .collect()
}

fn indices(source: &Source, keys: bool, line: usize) -> Vec<CompletionItem> {
    let Some(contract) = source.contract_at(line) else {
        return Vec::new();
    };
    let params = if keys { &contract.keys } else { &contract.args };
    params
        .fixed
        .iter()
        .map(|param| CompletionItem {
            label: param.index.to_string(),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(param.name.clone()),
            documentation: Some(Documentation::String(param.description.clone())),
            insert_text: Some(format!("{}]", param.index)),
            ..Default::default()
        })
        .collect()
}

fn header_words() -> Vec<CompletionItem> {
    let sections = SECTIONS.iter().map(|section| CompletionItem {
        label: (*section).to_owned(),
        kind: Some(CompletionItemKind::KEYWORD),
        ..Default::default()
    });
    let types = ParamType::vocabulary()
        .split(", ")
        .map(|word| word.trim_matches('`').to_owned())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|word| CompletionItem {
            label: word,
            kind: Some(CompletionItemKind::TYPE_PARAMETER),
            ..Default::default()
        });
    sections.chain(types).collect()
}
