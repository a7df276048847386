//! The rule fixtures: `analyzer/tests/rules/<rule>/<case>.lua`, each next to a
//! `<case>.expect` that says how to run it, what the servers answer and what the analyzer
//! finds. A `.lua` without an `.expect` is a helper that fixtures `@include`.
//!
//! ```text
//! # what the case shows
//! library                       a Redis Functions library (else a script)
//! keys: job:1 queue             the KEYS to run it with
//! argv: 5 token                 the ARGV
//! function: take                the library function to call
//! server: refused at run        every server's verdict: refused at load, refused at run,
//!                               runs (or crashes, for a server bug)
//! server redis-7.0: runs        one server's (or a family's: `server valkey: ...`)
//! deny: key_not_from_keys        rules denied for it (one allowed by default)
//! target: valkey-8.0             the target the findings below are for (else redis-7.0)
//! overlay: argv(opts: msgpack)   the binding's overlay, as written in its attribute
//! 9:19 unknown_command `INCRR` is not a Redis 7.0.15 command
//!                               a finding: line:column rule, then its message
//! ```
//!
//! Read by the analyzer's fixture test (the findings) and by the differential test of the
//! workspace, which runs every fixture on each server of the suite.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The servers of the suite, as verdict selectors name them (a selector is a prefix of
/// one or more: `redis`, `valkey-8`, `redis-7.0`).
pub const SERVERS: [&str; 4] = ["redis-7.0", "redis-8.0", "valkey-8.1", "valkey-9"];

/// What a server does with a fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `SCRIPT LOAD` / `FUNCTION LOAD` refuses it.
    RefusedAtLoad,
    /// It loads, and the call ends in an error.
    RefusedAtRun,
    /// It loads and the call returns.
    Runs,
    /// The server goes away (a server bug the fixture shows).
    Crashes,
}

impl Verdict {
    fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "refused at load" => Some(Self::RefusedAtLoad),
            "refused at run" => Some(Self::RefusedAtRun),
            "runs" => Some(Self::Runs),
            "crashes" => Some(Self::Crashes),
            _ => None,
        }
    }

    /// Whether the server refused it, at load or at run, or went away.
    pub fn refused(self) -> bool {
        self != Self::Runs
    }

    /// How the `.expect` files and the README write it.
    pub fn text(self) -> &'static str {
        match self {
            Self::RefusedAtLoad => "refused at load",
            Self::RefusedAtRun => "refused at run",
            Self::Runs => "runs",
            Self::Crashes => "crashes",
        }
    }
}

/// One fixture.
#[derive(Debug)]
pub struct Fixture {
    /// The rule it is filed under (its folder).
    pub rule: String,
    /// `<rule>/<case>.lua`, inside [`root`].
    pub relative: String,
    /// Its text.
    pub text: String,
    /// Whether it is a Functions library.
    pub library: bool,
    /// The KEYS to run it with.
    pub keys: Vec<String>,
    /// The ARGV to run it with.
    pub argv: Vec<String>,
    /// The library function to call.
    pub function: Option<String>,
    /// The servers' verdicts: `(selector, verdict)`, the selector empty for every server.
    pub verdicts: Vec<(String, Verdict)>,
    /// Rules denied for it.
    pub deny: Vec<String>,
    /// The target the findings are for (`None`: the default, redis-7.0).
    pub target: Option<String>,
    /// The binding's overlay.
    pub overlay: redis_script_analyzer::Overlay,
    /// The findings for that target, `line:column rule message`, in order.
    pub findings: Vec<String>,
    /// Where its `.expect` is.
    pub expect_path: PathBuf,
    /// The `.expect` as read.
    pub spec: String,
}

impl Fixture {
    /// The analyzer's options for it, for `target`.
    pub fn options(&self, target: redis_script_analyzer::Target) -> redis_script_analyzer::Options {
        let mut options = redis_script_analyzer::Options {
            target,
            overlay: self.overlay.clone(),
            ..Default::default()
        };
        for rule in &self.deny {
            options
                .levels
                .set(rule, redis_script_analyzer::Level::Deny)
                .unwrap_or_else(|e| panic!("{}: {e}", self.relative));
        }
        options
    }

    /// What the server named `server` (`redis-7.0`, `valkey-9.0`) does with it: the
    /// verdict of the longest selector it starts with.
    pub fn verdict_on(&self, server: &str) -> Verdict {
        self.verdicts
            .iter()
            .filter(|(selector, _)| server.starts_with(selector.as_str()))
            .max_by_key(|(selector, _)| selector.len())
            .map(|(_, verdict)| *verdict)
            .unwrap_or_else(|| panic!("{}: no `server:` line", self.relative))
    }

    /// What the analyzer finds in it for `target`, with the text it sends (includes
    /// expanded, under `root`).
    pub fn analyze(
        &self,
        root: &Path,
        target: redis_script_analyzer::Target,
    ) -> (
        Vec<redis_script_analyzer::Diagnostic>,
        redis_script_analyzer::Sources,
    ) {
        let options = self.options(target);
        if self.library {
            let analysis = redis_script_analyzer::check_library_file(
                root,
                &self.relative,
                &self.text,
                &options,
            );
            (analysis.diagnostics, analysis.sources)
        } else {
            let analysis =
                redis_script_analyzer::check_file(root, &self.relative, &self.text, &options);
            (analysis.diagnostics, analysis.sources)
        }
    }

    /// The target its findings are for.
    pub fn findings_target(&self) -> redis_script_analyzer::Target {
        self.target
            .as_deref()
            .map_or_else(Default::default, |target| {
                redis_script_analyzer::Target::parse(target)
                    .unwrap_or_else(|e| panic!("{}: {e}", self.relative))
            })
    }

    /// Whether the fixture breaks its own rule, for the target of its findings.
    pub fn breaks_its_rule(&self) -> bool {
        self.findings
            .iter()
            .any(|finding| finding.split(' ').nth(1) == Some(self.rule.as_str()))
    }
}

/// The folder of the fixtures.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

/// The folder of the fixtures, seen from the workspace's own tests.
pub fn root_from(manifest_dir: &str) -> PathBuf {
    Path::new(manifest_dir).join("analyzer/tests/rules")
}

/// Every fixture under `root`, sorted by path.
pub fn all(root: &Path) -> Vec<Fixture> {
    let mut fixtures = Vec::new();
    let mut rules: Vec<_> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    rules.sort();
    for folder in rules {
        let rule = folder.file_name().unwrap().to_string_lossy().into_owned();
        let mut cases: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "expect"))
            .collect();
        cases.sort();
        for expect in cases {
            let lua = expect.with_extension("lua");
            let text =
                std::fs::read_to_string(&lua).unwrap_or_else(|e| panic!("{}: {e}", lua.display()));
            let case = lua.file_name().unwrap().to_string_lossy().into_owned();
            let relative = format!("{rule}/{case}");
            let spec = std::fs::read_to_string(&expect).unwrap();
            let mut fixture = read(rule.clone(), relative, text, &spec);
            fixture.expect_path = expect;
            fixture.spec = spec;
            fixtures.push(fixture);
        }
    }
    fixtures
}

/// A fixture from its text and its `.expect`.
fn read(rule: String, relative: String, text: String, spec: &str) -> Fixture {
    let mut fixture = Fixture {
        rule,
        relative,
        text,
        library: false,
        keys: Vec::new(),
        argv: Vec::new(),
        function: None,
        verdicts: Vec::new(),
        deny: Vec::new(),
        target: None,
        overlay: Default::default(),
        findings: Vec::new(),
        expect_path: PathBuf::new(),
        spec: String::new(),
    };
    let words = |text: &str| text.split_whitespace().map(str::to_owned).collect();
    for line in spec.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "library" {
            fixture.library = true;
        } else if let Some(rest) = line.strip_prefix("keys:") {
            fixture.keys = words(rest);
        } else if let Some(rest) = line.strip_prefix("argv:") {
            fixture.argv = words(rest);
        } else if let Some(rest) = line.strip_prefix("deny:") {
            fixture.deny = words(rest);
        } else if let Some(rest) = line.strip_prefix("target:") {
            fixture.target = Some(rest.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("overlay:") {
            fixture.overlay = redis_script_analyzer::Overlay::parse(rest)
                .unwrap_or_else(|e| panic!("{}: {e}", fixture.relative));
        } else if let Some(rest) = line.strip_prefix("function:") {
            fixture.function = Some(rest.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("server") {
            let (selector, verdict) = rest.split_once(':').unwrap_or_else(|| {
                panic!("{}: `{line}` needs `server: <verdict>`", fixture.relative)
            });
            let verdict = Verdict::parse(verdict).unwrap_or_else(|| {
                panic!(
                    "{}: `{line}`: the verdicts are refused at load, refused at run, runs, crashes",
                    fixture.relative
                )
            });
            let selector = selector.trim();
            assert!(
                selector.is_empty() || SERVERS.iter().any(|server| server.starts_with(selector)),
                "{}: `server {selector}` names none of {SERVERS:?}",
                fixture.relative
            );
            fixture.verdicts.push((selector.to_owned(), verdict));
        } else if line
            .split_once(' ')
            .is_some_and(|(at, _)| at.split(':').all(|n| n.parse::<usize>().is_ok()))
        {
            fixture.findings.push(line.to_owned());
        } else {
            panic!("{}: cannot read `{line}`", fixture.relative);
        }
    }
    assert!(
        fixture.library == fixture.function.is_some(),
        "{}: a library names the function to call, a script does not",
        fixture.relative
    );
    fixture
}
