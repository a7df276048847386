//! With the `coverage` feature (redis-script's), a binding also registers the text its
//! script runs as while coverage is recorded, and the lines of its files that can run.

use proc_macro2::TokenStream;
use quote::quote;
use redis_script_analyzer::Sources;

/// The registration of the coverage-mode text of `sources` (a script, or a `library`),
/// whose SHA1 is `sha1`.
pub fn registration(sources: &Sources, sha1: &str, library: bool) -> TokenStream {
    let Some(instrumented) = redis_script_analyzer::instrument(&sources.text, sha1, library) else {
        return TokenStream::new();
    };
    let text = &instrumented.text;
    let text_sha1 = redis_script_analyzer::sha1_hex(text.as_bytes());
    let lines = instrumented.lines.iter().map(|&line| {
        let origin = sources.origin(line);
        let file = sources
            .files
            .iter()
            .position(|f| std::ptr::eq(f, origin.file))
            .unwrap_or(0);
        let (line, file, file_line) = (
            u32::try_from(line).unwrap_or(u32::MAX),
            u16::try_from(file).unwrap_or(u16::MAX),
            u32::try_from(origin.line).unwrap_or(u32::MAX),
        );
        quote!((#line, #file, #file_line))
    });
    let files = sources.files.iter().map(|file| {
        file.absolute.as_ref().map_or_else(
            || file.path.clone(),
            |path| path.to_string_lossy().into_owned(),
        )
    });
    quote! {
        ::redis_script::__private::inventory::submit! {
            ::redis_script::__private::coverage_map(
                #sha1,
                #text,
                #text_sha1,
                &[#(#lines),*],
                &[#(#files),*],
            )
        }
    }
}
