//! What the walk recognises as a command call (`redis.call`, `redis.pcall`, through `server`,
//! an alias or a forwarding function) and as a call of the `redis` table's other functions,
//! with what can be read of their arguments and where values come from.

use full_moon::ast::{BinOp, Call, Expression, FunctionCall, Index, Prefix, Suffix, UnOp, Var};
use full_moon::node::Node;

use super::state::{Binding, Walker};
use crate::lua::facts::{ApiCall, Argument, CommandCall, Decoded, OpenLoop, Site, Source};
use crate::lua::syntax::{
    call_arguments, called_name, expands, integer_literal, parenthesized, site_of_node,
    string_literal, token_text, word,
};
use crate::model::ParamKind;
use crate::types::Codec;

impl Walker {
    /// Where the value of `expression` comes from, as far as the code shows it.
    pub(super) fn source_of(&self, expression: &Expression) -> Source {
        match expression {
            Expression::Parentheses { expression, .. } => self.source_of(expression),
            Expression::String(_) => Source::Literal,
            Expression::BinaryOperator {
                binop: BinOp::TwoDots(_),
                ..
            } => Source::Built,
            Expression::UnaryOperator {
                unop: UnOp::Hash(_),
                expression,
            } => match self.source_of(expression) {
                Source::Args => Source::Args,
                _ => Source::Unknown,
            },
            Expression::Var(Var::Name(name)) => match self.resolve(&token_text(name)) {
                Some(Binding::Value(source)) => *source,
                Some(Binding::Element(ParamKind::Key, _)) => Source::Keys,
                Some(Binding::Element(ParamKind::Arg, _)) => Source::Args,
                _ => Source::Unknown,
            },
            Expression::Var(Var::Expression(var)) => {
                let Prefix::Name(base) = var.prefix() else {
                    return Source::Unknown;
                };
                let indexed = var.suffixes().count() == 1
                    && matches!(var.suffixes().next(), Some(Suffix::Index(_)));
                match (self.array_named(&token_text(base)), indexed) {
                    (Some(ParamKind::Key), true) => Source::Keys,
                    (Some(ParamKind::Arg), true) => Source::Args,
                    _ => Source::Unknown,
                }
            }
            Expression::FunctionCall(call) => {
                if self.command_arguments(call).is_some() {
                    return Source::Reply;
                }
                let argument = call_arguments(call).and_then(|args| args.first().copied());
                match called_name(call) {
                    Some(("string", Some("format"))) => Source::Built,
                    Some(("tonumber" | "tostring", None))
                    | Some(("cjson" | "cmsgpack", Some("decode" | "unpack"))) => {
                        argument.map_or(Source::Unknown, |a| self.source_of(a))
                    }
                    _ => Source::Unknown,
                }
            }
            _ => Source::Unknown,
        }
    }

    /// The element of KEYS or ARGV `expression` is, at a literal index: `ARGV[2]`, or a
    /// local holding it.
    pub(super) fn element_of(&self, expression: &Expression) -> Option<(ParamKind, usize)> {
        match expression {
            Expression::Parentheses { expression, .. } => self.element_of(expression),
            Expression::Var(Var::Name(name)) => match self.resolve(&token_text(name)) {
                Some(Binding::Element(kind, index)) => Some((*kind, *index)),
                _ => None,
            },
            Expression::Var(Var::Expression(var)) => {
                let Prefix::Name(base) = var.prefix() else {
                    return None;
                };
                let kind = self.array_named(&token_text(base))?;
                let mut suffixes = var.suffixes();
                let (Some(Suffix::Index(Index::Brackets { expression, .. })), None) =
                    (suffixes.next(), suffixes.next())
                else {
                    return None;
                };
                Some((kind, integer_literal(expression)?))
            }
            _ => None,
        }
    }

    /// `cjson.decode(ARGV[n])` or `cmsgpack.unpack(ARGV[n])`: which entry it decodes, how.
    pub(super) fn decoded(&self, call: &FunctionCall) -> Option<Decoded> {
        let codec = match called_name(call)? {
            ("cjson", Some("decode")) => Codec::Json,
            ("cmsgpack", Some("unpack")) => Codec::Msgpack,
            _ => return None,
        };
        if self
            .resolve(if codec == Codec::Json {
                "cjson"
            } else {
                "cmsgpack"
            })
            .is_some()
        {
            return None;
        }
        let argument = call_arguments(call)?.first().copied()?;
        let (kind, index) = self.element_of(argument)?;
        Some(Decoded {
            kind,
            index,
            codec,
            function: self.current_function(),
            site: site_of_node(call),
        })
    }

    /// The open loop a loop over `bound` makes: one bounded by ARGV or by a reply.
    pub(super) fn open_loop(&self, bound: Option<&Expression>, site: Site) -> Option<OpenLoop> {
        let bound = match bound? {
            // `ipairs(x)`, `pairs(x)`: bounded by x.
            Expression::FunctionCall(call)
                if matches!(called_name(call), Some(("ipairs" | "pairs", None))) =>
            {
                self.source_of(call_arguments(call)?.first().copied()?)
            }
            other => self.source_of(other),
        };
        matches!(bound, Source::Args | Source::Reply).then_some(OpenLoop { site, bound })
    }

    /// The arguments of `call` when it calls a command: `redis.call(...)`, `redis.pcall(...)`
    /// (also through `server` or a local alias of either table), or an alias or forwarder
    /// of them. The command name is the first argument.
    pub(super) fn command_arguments<'a>(
        &self,
        call: &'a FunctionCall,
    ) -> Option<Vec<&'a Expression>> {
        let Prefix::Name(base) = call.prefix() else {
            return None;
        };
        let suffixes: Vec<&Suffix> = call.suffixes().collect();
        let args = match suffixes.as_slice() {
            [
                Suffix::Index(Index::Dot { name, .. }),
                Suffix::Call(Call::AnonymousCall(args)),
                ..,
            ] if self.is_command_table(&token_text(base))
                && matches!(token_text(name).as_str(), "call" | "pcall") =>
            {
                args
            }
            [Suffix::Call(Call::AnonymousCall(args)), ..]
                if matches!(
                    self.resolve(&token_text(base)),
                    Some(Binding::Command | Binding::Forwarder)
                ) =>
            {
                args
            }
            _ => return None,
        };
        parenthesized(args)
    }

    /// `call` as a command call, with what can be read of its arguments.
    pub(super) fn command_call(&self, call: &FunctionCall) -> Option<CommandCall> {
        let arguments = self.command_arguments(call)?;
        let open_ended = arguments.last().is_some_and(|last| expands(last));
        let site = arguments
            .first()
            .map_or_else(|| site_of_node(call), |first| site_of_node(*first));
        Some(CommandCall {
            at_load: self.at_load(),
            function: self.current_function(),
            name: arguments.first().and_then(|e| string_literal(e)),
            args: arguments.iter().skip(1).map(|e| self.argument(e)).collect(),
            open_ended,
            empty: arguments.is_empty(),
            protected: called_name(call).is_some_and(|(_, member)| member == Some("pcall")),
            site,
            returned: self.returned_call.is_some()
                && call.start_position().map(|p| (p.line(), p.character())) == self.returned_call,
            block: self.blocks.last().copied().unwrap_or(0),
            open_loop: self.loops.iter().rev().flatten().next().copied(),
        })
    }

    /// What can be read of one argument of a call.
    pub(super) fn argument(&self, expression: &Expression) -> Argument {
        Argument {
            word: word(expression),
            source: self.source_of(expression),
            text: expression.to_string().trim().to_owned(),
            site: site_of_node(expression),
        }
    }

    /// `call` as a call of one of the `redis` table's other functions:
    /// `redis.sha1hex(x)` (also through `server` or a local alias).
    pub(super) fn api_call(&self, call: &FunctionCall) -> Option<ApiCall> {
        let Prefix::Name(base) = call.prefix() else {
            return None;
        };
        let suffixes: Vec<&Suffix> = call.suffixes().collect();
        let [
            Suffix::Index(Index::Dot { name, .. }),
            Suffix::Call(Call::AnonymousCall(args)),
        ] = suffixes.as_slice()
        else {
            return None;
        };
        let member = token_text(name);
        if !self.is_command_table(&token_text(base)) || matches!(member.as_str(), "call" | "pcall")
        {
            return None;
        }
        let arguments = parenthesized(args)?;
        Some(ApiCall {
            member,
            open_ended: arguments.last().is_some_and(|last| expands(last)),
            args: arguments.iter().map(|e| self.argument(e)).collect(),
            site: site_of_node(call),
        })
    }
}
