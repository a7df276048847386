//! Code actions on the diagnostics the editor sends back: insert the header `redis-script
//! header` proposes, allow a rule on this line, replace a misspelled command with the
//! closest one.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, NumberOrString, Position, Range,
    TextEdit, Uri, WorkspaceEdit,
};
use redis_script_analyzer::Rule;

/// The actions for `diagnostics` of the file `uri`, whose text is `text`.
pub fn actions(uri: &Uri, text: &str, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    let mut found = Vec::new();
    for diagnostic in diagnostics {
        let Some(NumberOrString::String(code)) = &diagnostic.code else {
            continue;
        };
        let Some(rule) = Rule::find(code) else {
            continue;
        };
        if rule.name == "missing_header" {
            found.push(action(
                "Insert the header redis-script proposes",
                uri,
                diagnostic,
                insert_header(text),
            ));
        }
        if rule.name == "unknown_command"
            && let Some(edit) = replace_command(text, diagnostic)
        {
            let title = format!("Replace with {}", edit.new_text);
            found.push(action(&title, uri, diagnostic, edit));
        }
        let line_text = text
            .split('\n')
            .nth(diagnostic.range.start.line as usize)
            .unwrap_or_default();
        // On an `@include` line the finding is in the included file: a comment after the
        // path would break the include.
        if rule.allowable && super::cursor::include_on(line_text).is_none() {
            let line = diagnostic.range.start.line;
            let end = text
                .split('\n')
                .nth(line as usize)
                .map_or(0, |l| l.trim_end_matches('\r').encode_utf16().count());
            let at = Position::new(line, end as u32);
            found.push(action(
                &format!("Allow `{}` on this line", rule.name),
                uri,
                diagnostic,
                TextEdit::new(
                    Range::new(at, at),
                    format!(" -- redis-script: allow({})", rule.name),
                ),
            ));
        }
    }
    found
}

fn action(title: &str, uri: &Uri, diagnostic: &Diagnostic, edit: TextEdit) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: title.to_owned(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The header `redis-script header` proposes, inserted at the top (after a `#!` line).
fn insert_header(text: &str) -> TextEdit {
    let line = u32::from(text.starts_with("#!"));
    let at = Position::new(line, 0);
    let mut header = redis_script_analyzer::suggest_header(text);
    if !header.ends_with('\n') {
        header.push('\n');
    }
    TextEdit::new(Range::new(at, at), header)
}

/// The command literal of an unknown command, with the name its help suggests.
fn replace_command(text: &str, diagnostic: &Diagnostic) -> Option<TextEdit> {
    let suggested = diagnostic
        .message
        .split("did you mean `")
        .nth(1)?
        .split('`')
        .next()?;
    let range = diagnostic.range;
    let line = text.split('\n').nth(range.start.line as usize)?;
    let written: String = line
        .encode_utf16()
        .skip(range.start.character as usize)
        .take(range.end.character.saturating_sub(range.start.character) as usize)
        .map(|unit| char::from_u32(u32::from(unit)).unwrap_or('\''))
        .collect();
    let quote = written.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    Some(TextEdit::new(range, format!("{quote}{suggested}{quote}")))
}
