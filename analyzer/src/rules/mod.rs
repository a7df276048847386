//! The rules: every check and lint the analyzer applies, each declared once, in a file of
//! its own here, with a stable name and code, a default level, a one-line summary and an
//! explanation with a wrong and a right example.
//!
//! A rule rests on one of three grounds ([`Basis`]): what the servers refuse (proven by the
//! differential test, which loads and runs every rule's fixtures on each server and
//! compares), the header's contract with the Rust caller (the servers would run the script,
//! but the binding would not say what it does), or advice (it runs, slowly or riskily).
//!
//! Every rule can be allowed, made a warning or denied (an error), per line (`--
//! redis-script: allow(name)`), per script (`allow = ["name"]` in the attribute), per crate
//! (`[package.metadata.redis-script]`) and on the command line, except the syntax rules:
//! a file that cannot be read has nothing to bind. The checks, the parsers and the Lua
//! walk find what breaks each rule; a diagnostic always names its rule.

mod blocking_command;
mod command_arity;
mod command_syntax;
mod fractional_return;
mod function_registration;
mod global_write;
mod header_syntax;
mod include;
mod key_not_from_keys;
mod library_name;
mod load_time_sandbox;
mod lua_syntax;
mod mergeable_calls;
mod missing_header;
mod missing_member;
mod noscript_command;
mod overlay_entry;
mod redis_api_arguments;
mod redundant_overlay;
mod reserved_error_code;
mod returns_mismatch;
mod shebang;
mod structured_codec;
mod unbindable_function;
mod unbounded_loop;
mod undeclared_parameter;
mod undecoded_argument;
mod undefined_global;
mod unknown_command;
mod unread_parameter;
mod whole_collection_reply;
mod write_in_no_writes;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use blocking_command::RULE as BLOCKING_COMMAND;
pub use command_arity::RULE as COMMAND_ARITY;
pub use command_syntax::RULE as COMMAND_SYNTAX;
pub use fractional_return::RULE as FRACTIONAL_RETURN;
pub use function_registration::RULE as FUNCTION_REGISTRATION;
pub use global_write::RULE as GLOBAL_WRITE;
pub use header_syntax::RULE as HEADER_SYNTAX;
pub use include::RULE as INCLUDE;
pub use key_not_from_keys::RULE as KEY_NOT_FROM_KEYS;
pub use library_name::RULE as LIBRARY_NAME;
pub use load_time_sandbox::RULE as LOAD_TIME_SANDBOX;
pub use lua_syntax::RULE as LUA_SYNTAX;
pub use mergeable_calls::RULE as MERGEABLE_CALLS;
pub use missing_header::RULE as MISSING_HEADER;
pub use missing_member::RULE as MISSING_MEMBER;
pub use noscript_command::RULE as NOSCRIPT_COMMAND;
pub use overlay_entry::RULE as OVERLAY_ENTRY;
pub use redis_api_arguments::RULE as REDIS_API_ARGUMENTS;
pub use redundant_overlay::RULE as REDUNDANT_OVERLAY;
pub use reserved_error_code::RULE as RESERVED_ERROR_CODE;
pub use returns_mismatch::RULE as RETURNS_MISMATCH;
pub use shebang::RULE as SHEBANG;
pub use structured_codec::RULE as STRUCTURED_CODEC;
pub use unbindable_function::RULE as UNBINDABLE_FUNCTION;
pub use unbounded_loop::RULE as UNBOUNDED_LOOP;
pub use undeclared_parameter::RULE as UNDECLARED_PARAMETER;
pub use undecoded_argument::RULE as UNDECODED_ARGUMENT;
pub use undefined_global::RULE as UNDEFINED_GLOBAL;
pub use unknown_command::RULE as UNKNOWN_COMMAND;
pub use unread_parameter::RULE as UNREAD_PARAMETER;
pub use whole_collection_reply::RULE as WHOLE_COLLECTION_REPLY;
pub use write_in_no_writes::RULE as WRITE_IN_NO_WRITES;

/// Every rule, in the order of their codes.
pub const RULES: &[&Rule] = &[
    &LUA_SYNTAX,
    &HEADER_SYNTAX,
    &INCLUDE,
    &LIBRARY_NAME,
    &UNKNOWN_COMMAND,
    &NOSCRIPT_COMMAND,
    &COMMAND_ARITY,
    &COMMAND_SYNTAX,
    &WRITE_IN_NO_WRITES,
    &GLOBAL_WRITE,
    &UNDEFINED_GLOBAL,
    &SHEBANG,
    &FUNCTION_REGISTRATION,
    &LOAD_TIME_SANDBOX,
    &REDIS_API_ARGUMENTS,
    &UNDECLARED_PARAMETER,
    &UNREAD_PARAMETER,
    &MISSING_HEADER,
    &RETURNS_MISMATCH,
    &FRACTIONAL_RETURN,
    &STRUCTURED_CODEC,
    &RESERVED_ERROR_CODE,
    &UNBINDABLE_FUNCTION,
    &UNDECODED_ARGUMENT,
    &OVERLAY_ENTRY,
    &MERGEABLE_CALLS,
    &BLOCKING_COMMAND,
    &WHOLE_COLLECTION_REPLY,
    &KEY_NOT_FROM_KEYS,
    &UNBOUNDED_LOOP,
    &MISSING_MEMBER,
    &REDUNDANT_OVERLAY,
];

/// One rule.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// The name it is allowed, warned or denied by: `unknown_command`.
    pub name: &'static str,
    /// Its stable code: `RS0101`.
    pub code: &'static str,
    /// Its level unless one is set.
    pub default: Level,
    /// What it rests on.
    pub basis: Basis,
    /// Whether a level can be set for it: every rule but the syntax rules.
    pub allowable: bool,
    /// What it finds, in one line.
    pub summary: &'static str,
    /// Why it matters, in a few sentences.
    pub explanation: &'static str,
    /// A script that breaks it.
    pub wrong: &'static str,
    /// The same script, right.
    pub right: &'static str,
}

/// What a rule rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The servers refuse it, when the script or library loads or when it runs.
    Server,
    /// The header's contract with the caller: the servers would run it, but the bound
    /// function would not say what the script does.
    Contract,
    /// Advice: it runs, and it is slow or risky.
    Advice,
}

impl Basis {
    /// How the README and `explain` name it.
    pub fn text(self) -> &'static str {
        match self {
            Self::Server => "what the servers refuse",
            Self::Contract => "the header's contract",
            Self::Advice => "advice",
        }
    }
}

/// What a rule does when it finds something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Nothing.
    Allow,
    /// A warning.
    Warn,
    /// An error: the script does not bind.
    Deny,
}

impl Level {
    /// The level named `word` (`allow`, `warn`, `deny`).
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "allow" => Some(Self::Allow),
            "warn" => Some(Self::Warn),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }

    /// Its name: `allow`, `warn`, `deny`.
    pub fn text(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Warn => "warn",
            Self::Deny => "deny",
        }
    }
}

impl Rule {
    /// The rule named `name`, or whose code is `name` (`RS0101`, in any case).
    pub fn find(name: &str) -> Option<&'static Rule> {
        RULES
            .iter()
            .copied()
            .find(|rule| rule.name == name || rule.code.eq_ignore_ascii_case(name))
    }

    /// The explanation `redis-script explain` prints: summary, level, basis, explanation,
    /// the wrong and the right example.
    pub fn explain(&self) -> String {
        let mut out = format!("{} ({}): {}\n\n", self.name, self.code, self.summary);
        let _ = writeln!(
            out,
            "Level: {} by default{}. Rests on: {}.\n",
            self.default.text(),
            if self.allowable {
                ""
            } else {
                " (a syntax rule: it cannot be allowed)"
            },
            self.basis.text()
        );
        let _ = writeln!(out, "{}\n", self.explanation);
        let _ = writeln!(out, "Wrong:\n\n{}\n", indent(self.wrong));
        let _ = write!(out, "Right:\n\n{}", indent(self.right));
        out
    }
}

/// `text` indented by four spaces, line by line.
fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}").trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The levels set for rules, by name; the others keep their default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleLevels {
    levels: BTreeMap<&'static str, Level>,
}

impl RuleLevels {
    /// Sets the level of the rule `name` (or code); an error when there is no such rule, or
    /// when it is a syntax rule.
    pub fn set(&mut self, name: &str, level: Level) -> Result<(), String> {
        let Some(rule) = Rule::find(name) else {
            let closest = RULES
                .iter()
                .map(|rule| (crate::names::edit_distance(name, rule.name), rule.name))
                .min()
                .filter(|(distance, _)| *distance <= 3);
            return Err(match closest {
                Some((_, close)) => format!(
                    "there is no rule `{name}`: did you mean `{close}`? (`redis-script rules` lists them)"
                ),
                None => format!("there is no rule `{name}`; `redis-script rules` lists them"),
            });
        };
        if !rule.allowable {
            return Err(format!(
                "`{}` is a syntax rule and cannot be set: a file that cannot be read has nothing to bind",
                rule.name
            ));
        }
        self.levels.insert(rule.name, level);
        Ok(())
    }

    /// The levels of `other` over these.
    pub fn overridden_by(&self, other: &RuleLevels) -> RuleLevels {
        let mut levels = self.levels.clone();
        levels.extend(other.levels.iter().map(|(name, level)| (*name, *level)));
        RuleLevels { levels }
    }

    /// The level of `rule`.
    pub fn level(&self, rule: &Rule) -> Level {
        self.levels.get(rule.name).copied().unwrap_or(rule.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_are_unique_and_in_order() {
        for (i, rule) in RULES.iter().enumerate() {
            for other in &RULES[i + 1..] {
                assert_ne!(rule.name, other.name);
                assert!(
                    rule.code < other.code,
                    "{} before {}",
                    rule.code,
                    other.code
                );
            }
            assert_eq!(Rule::find(rule.name), Some(*rule));
            assert_eq!(Rule::find(&rule.code.to_ascii_lowercase()), Some(*rule));
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                rule.name
            );
            assert!(
                !rule.summary.ends_with('.'),
                "{}: a summary is no sentence",
                rule.name
            );
            assert_ne!(rule.wrong, rule.right, "{}", rule.name);
        }
    }

    #[test]
    fn only_syntax_rules_cannot_be_set() {
        let mut levels = RuleLevels::default();
        levels.set("unknown_command", Level::Warn).unwrap();
        levels.set("RS0301", Level::Deny).unwrap();
        assert_eq!(levels.level(&UNKNOWN_COMMAND), Level::Warn);
        assert_eq!(levels.level(&MERGEABLE_CALLS), Level::Deny);
        assert!(
            levels
                .set("lua_syntax", Level::Allow)
                .unwrap_err()
                .contains("syntax rule")
        );
        assert_eq!(
            levels.set("unknown_comand", Level::Allow).unwrap_err(),
            "there is no rule `unknown_comand`: did you mean `unknown_command`? (`redis-script rules` lists them)"
        );
        assert!(
            levels
                .set("no_such", Level::Allow)
                .unwrap_err()
                .contains("`redis-script rules` lists them")
        );
        for rule in RULES {
            assert_eq!(
                rule.allowable,
                rule.code < "RS0001" || rule.code > "RS0099",
                "{}",
                rule.name
            );
        }
    }

    #[test]
    fn every_explanation_says_what_why_and_shows_both_examples() {
        for rule in RULES {
            let text = rule.explain();
            assert!(text.starts_with(&format!("{} ({})", rule.name, rule.code)));
            assert!(text.contains(rule.explanation));
            assert!(text.contains("Wrong:") && text.contains("Right:"));
        }
    }
}
