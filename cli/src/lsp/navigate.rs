//! Navigation: from an `--- @include` line to the file, from `KEYS[n]`/`ARGV[n]` to its
//! header line; the functions a library registers as the document's symbols.

use lsp_types::{DocumentSymbol, Location as LspLocation, Position, Range, SymbolKind};
use redis_script_analyzer::Location;

use super::cursor;
use super::documents;
use super::source::Source;
use crate::files::Model;

/// Where what is at `position` is defined.
pub fn definition(source: &Source, position: Position) -> Option<LspLocation> {
    let (line, index) = documents::line_at(&source.file.text, position)?;
    let line_number = position.line as usize + 1;
    if cursor::include_on(line).is_some() {
        let included = source
            .checked
            .sources
            .files
            .iter()
            .find(|file| file.included_from == Some((0, line_number)))?;
        let uri = documents::uri_of(included.absolute.as_ref()?)?;
        return Some(LspLocation::new(uri, Range::default()));
    }
    let (keys, n) = cursor::array_index_at(line, index)?;
    let contract = source.contract_at(line_number)?;
    let params = if keys { &contract.keys } else { &contract.args };
    let param = params
        .fixed
        .get(n.checked_sub(1)?)
        .or(params.tail.as_ref().filter(|tail| tail.index <= n))?;
    let uri = documents::uri_of(&source.file.root.join(&source.file.relative))?;
    let label = Location::new(source.file_line(param.label.line)?, param.label.column);
    let range = documents::range(&source.file.text, label, param.label_width);
    Some(LspLocation::new(uri, range))
}

/// The functions a library registers, each at its registration.
#[allow(deprecated)] // `DocumentSymbol::deprecated` is a field every literal must give.
pub fn symbols(source: &Source) -> Vec<DocumentSymbol> {
    let Some(Model::Library(library)) = &source.checked.model else {
        return Vec::new();
    };
    library
        .functions
        .iter()
        .filter_map(|function| {
            let line = source.file_line(function.line)?;
            let range = documents::range(
                &source.file.text,
                Location::new(line, 1),
                source
                    .file
                    .text
                    .split('\n')
                    .nth(line - 1)
                    .map_or(1, |text| text.trim_end_matches('\r').chars().count()),
            );
            Some(DocumentSymbol {
                name: function.name.clone(),
                detail: function.description.clone(),
                kind: SymbolKind::FUNCTION,
                tags: None,
                deprecated: None,
                range,
                selection_range: range,
                children: None,
            })
        })
        .collect()
}
