//! `redis-script lsp`: a Language Server Protocol server over stdio (rust-analyzer's
//! `lsp-server` and `lsp-types`) for the editors scripts are written in. It keeps the
//! open files' unsaved text and gives, for the target and rule levels each file's crate
//! sets: diagnostics as they type, hover docs, completion, navigation and code actions.
//!
//! Edits are debounced by coalescing: every message already waiting is handled before
//! any file is analyzed again, so a burst of keystrokes costs one analysis.

mod actions;
mod complete;
mod cursor;
mod diagnose;
mod documents;
mod hover;
mod navigate;
mod reference;
mod source;

use std::process::ExitCode;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, CompletionOptions, CompletionParams,
    CompletionResponse, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, HoverParams, HoverProviderCapability, OneOf, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri, notification, request,
};
use serde_json::Value;

use crate::files::{Asked, Checker};
use documents::Documents;
use source::Source;

/// Serves one editor on stdin/stdout until it says `exit`.
pub fn run() -> Result<ExitCode, String> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                // What is on disk (includes, Cargo.toml) is read again after a save.
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["'".into(), "\"".into(), "[".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let initialize = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "redis-script".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        },
    });
    let (id, _params) = connection
        .initialize_start()
        .map_err(|e| format!("lsp: the editor did not initialize: {e}"))?;
    connection
        .initialize_finish(id, initialize)
        .map_err(|e| format!("lsp: the editor did not initialize: {e}"))?;
    let mut server = Server {
        connection: &connection,
        documents: Documents::default(),
        checker: Checker::new(Asked::default()),
    };
    server.serve();
    drop(connection);
    io_threads
        .join()
        .map_err(|e| format!("lsp: the connection to the editor failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// What happens after a message.
enum Next {
    Go,
    Stop,
}

struct Server<'a> {
    connection: &'a Connection,
    documents: Documents,
    checker: Checker,
}

impl Server<'_> {
    fn serve(&mut self) {
        while let Ok(message) = self.connection.receiver.recv() {
            if let Next::Stop = self.handle(message) {
                return;
            }
            // Whatever else is waiting (a burst of edits) goes first: one analysis for it.
            while let Ok(message) = self.connection.receiver.try_recv() {
                if let Next::Stop = self.handle(message) {
                    return;
                }
            }
            self.publish_dirty();
        }
    }

    fn handle(&mut self, message: Message) -> Next {
        match message {
            Message::Request(request) => {
                if self.connection.handle_shutdown(&request).unwrap_or(true) {
                    return Next::Stop;
                }
                let id = request.id.clone();
                let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.respond(request)
                }))
                .unwrap_or_else(|_| {
                    Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "redis-script could not answer this request".to_owned(),
                    )
                });
                let _ = self.connection.sender.send(response.into());
                Next::Go
            }
            Message::Notification(notification) => {
                if notification.method == notification::Exit::METHOD {
                    return Next::Stop;
                }
                self.notified(notification);
                Next::Go
            }
            Message::Response(_) => Next::Go,
        }
    }

    fn notified(&mut self, notification: Notification) {
        match notification.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Ok(params) = params::<DidOpenTextDocumentParams>(notification.params) {
                    self.documents
                        .open(&params.text_document.uri, params.text_document.text);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(params) = params::<DidChangeTextDocumentParams>(notification.params)
                    && let Some(change) = params.content_changes.into_iter().last()
                {
                    self.documents
                        .change(&params.text_document.uri, change.text);
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(params) = params::<DidCloseTextDocumentParams>(notification.params) {
                    self.documents.close(&params.text_document.uri);
                    self.publish(params.text_document.uri, Vec::new());
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                // What is on disk changed: includers and fragments read it.
                self.checker.forget_crates();
                self.documents.mark_all_dirty();
            }
            _ => {}
        }
    }

    fn respond(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            request::HoverRequest::METHOD => params::<HoverParams>(request.params).map(|p| {
                let position = p.text_document_position_params;
                let source = self.source(&position.text_document.uri);
                to_value(source.and_then(|s| hover::hover(&s, position.position)))
            }),
            request::Completion::METHOD => params::<CompletionParams>(request.params).map(|p| {
                let position = p.text_document_position;
                let items = self
                    .source(&position.text_document.uri)
                    .map(|s| complete::complete(&s, position.position))
                    .unwrap_or_default();
                to_value(CompletionResponse::Array(items))
            }),
            request::GotoDefinition::METHOD => {
                params::<GotoDefinitionParams>(request.params).map(|p| {
                    let position = p.text_document_position_params;
                    let source = self.source(&position.text_document.uri);
                    to_value(
                        source
                            .and_then(|s| navigate::definition(&s, position.position))
                            .map(GotoDefinitionResponse::Scalar),
                    )
                })
            }
            request::DocumentSymbolRequest::METHOD => {
                params::<DocumentSymbolParams>(request.params).map(|p| {
                    let symbols = self
                        .source(&p.text_document.uri)
                        .map(|s| navigate::symbols(&s))
                        .unwrap_or_default();
                    to_value(DocumentSymbolResponse::Nested(symbols))
                })
            }
            request::CodeActionRequest::METHOD => {
                params::<CodeActionParams>(request.params).map(|p| {
                    let uri = p.text_document.uri;
                    let found = self
                        .documents
                        .text(&uri)
                        .map(|text| actions::actions(&uri, text, &p.context.diagnostics))
                        .unwrap_or_default();
                    to_value(found)
                })
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("redis-script does not answer {other}"),
            )),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn source(&mut self, uri: &Uri) -> Option<Source> {
        self.checker.unsaved = std::sync::Arc::new(self.documents.unsaved());
        Source::of(&mut self.checker, &self.documents, uri)
    }

    fn publish_dirty(&mut self) {
        let dirty = self.documents.take_dirty();
        if dirty.is_empty() {
            return;
        }
        self.checker.unsaved = std::sync::Arc::new(self.documents.unsaved());
        for uri in dirty {
            let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                diagnose::diagnose(&mut self.checker, &self.documents, &uri)
            }))
            .unwrap_or_else(|_| vec![diagnose::failed()]);
            self.publish(uri, found);
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams::new(uri, diagnostics, None);
        let notification =
            Notification::new(notification::PublishDiagnostics::METHOD.to_owned(), params);
        let _ = self.connection.sender.send(notification.into());
    }
}

/// A request's or notification's parameters, or the error to answer with.
fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

fn to_value(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
