//! `redis-script`: every check of the `redis-script` crate, and the debugging workflow of
//! its scripts, for any team and any language: check a folder of Redis Lua scripts and
//! function libraries against what Redis accepts, print what is sent, load, run and step
//! through them.
//!
//! The work is split by subcommand: `files` finds and reads scripts, `check`, `header`,
//! `expand` work on files alone, `server` talks to Redis (`load`, `run`, `ldb`), and
//! `json` writes the machine-readable output.

/// `println!` that does not panic when the reader went away (`redis-script check | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod check;
mod coverage;
mod expand;
mod files;
mod header;
mod json;
mod lsp;
mod rules;
mod server;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Checks, expands, loads, runs and debugs Redis Lua scripts and function libraries.
///
/// Scripts are files with a header comment declaring KEYS, ARGV and RETURNS (see the
/// `redis-script` crate's `header` docs); a file starting with `#!lua name=...` is a
/// Redis Functions library. `--- @include "file"` lines pull in shared Lua from the same
/// scripts folder.
#[derive(Debug, Parser)]
#[command(name = "redis-script", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Checks scripts and libraries as the #[redis_script] and #[redis_library] macros do:
    /// Lua syntax, commands and their arguments, the sandbox, the KEYS/ARGV contract,
    /// RETURNS, error codes. Exits with 1 when any file has an error.
    Check {
        /// Files or folders to check (folders recursively; files that other files
        /// `@include` are checked through them).
        #[arg(default_value = "lua_scripts")]
        paths: Vec<PathBuf>,
        /// The server the scripts must run on, and its oldest version: redis-7.0,
        /// redis-7.4, redis-8.0, valkey-8.0, valkey-8.1, valkey-9.0. Without it, each file
        /// is checked for the target its crate gives it (its binding's `target = "..."`,
        /// else `[package.metadata.redis-script] target` in Cargo.toml), else redis-7.0.
        #[arg(long, value_name = "TARGET")]
        target: Option<String>,
        /// How to print the problems: `human` (like rustc), `json` (one object per line),
        /// `github` (workflow annotations).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Print no warnings, only errors.
        #[arg(long)]
        quiet: bool,
        /// Allow a rule, by name or code (repeatable; `redis-script rules` lists them):
        /// its findings are not shown. Over the crate's `[package.metadata.redis-script]`
        /// levels. Every rule but the syntax rules can be set.
        #[arg(long, value_name = "RULE")]
        allow: Vec<String>,
        /// Make a rule's findings warnings (repeatable).
        #[arg(long, value_name = "RULE")]
        warn: Vec<String>,
        /// Make a rule's findings errors (repeatable).
        #[arg(long, value_name = "RULE")]
        deny: Vec<String>,
    },
    /// Prints what a rule finds, why it matters, a script that breaks it and the same
    /// script right.
    Explain {
        /// The rule's name (`unknown_command`) or code (`RS0101`).
        rule: String,
    },
    /// Lists every rule: code, name, default level, what it rests on and what it finds.
    Rules,
    /// Serves an editor over stdin/stdout as a Language Server Protocol server: the
    /// checks as you type (for the target and levels each file's crate sets), hover docs
    /// of commands, KEYS/ARGV entries and the redis table, completion, go to definition,
    /// document symbols and quick fixes. See the README for editor setups.
    Lsp,
    /// Prints a header for a script, inferred from its body: the KEYS and ARGV it reads
    /// and the type its literal returns agree on.
    Header {
        /// The script.
        file: PathBuf,
        /// Insert the header at the top of the file (after a `#!lua` line), when it has
        /// no header comment yet.
        #[arg(long)]
        write: bool,
    },
    /// Prints the text that is sent to Redis (`@include`s expanded) on stdout, and its
    /// SHA1 on stderr.
    Expand {
        /// The script or library.
        file: PathBuf,
        /// Also print, on stderr, which lines of the text come from which file.
        #[arg(long)]
        map: bool,
    },
    /// Loads scripts (SCRIPT LOAD) and libraries (FUNCTION LOAD REPLACE) on a server,
    /// printing each one's name, SHA1 and node. Files with errors are not loaded. Exits
    /// with 1 when any did not load, listing them.
    Load {
        /// The server, e.g. redis://127.0.0.1:6379 (with --cluster, any node).
        #[arg(long, env = "REDIS_URL")]
        url: String,
        /// The server is a Redis Cluster: scripts go to every node, libraries to every
        /// primary, with a line per node.
        #[arg(long)]
        cluster: bool,
        /// Files or folders to load.
        #[arg(default_value = "lua_scripts")]
        paths: Vec<PathBuf>,
        /// The server the scripts were checked for (see `check --target`).
        #[arg(long, value_name = "TARGET")]
        target: Option<String>,
    },
    /// Runs a script once: its keys and arguments are checked against the header (count
    /// and declared types) before anything is sent, the reply is printed as RETURNS
    /// declares it, and an error is shown at the file and line it comes from.
    Run {
        /// The script.
        file: PathBuf,
        /// The server, e.g. redis://127.0.0.1:6379.
        #[arg(long, env = "REDIS_URL")]
        url: String,
        /// Also print the lines the script wrote with redis.log (read from the server's
        /// log file, which works when the server runs on this machine and logs to a
        /// file).
        #[arg(long)]
        log: bool,
        /// The keys, then `--`, then the arguments: `run x.lua k1 k2 -- a1 a2`.
        #[arg(value_name = "KEY")]
        keys: Vec<String>,
        /// The arguments (after `--`).
        #[arg(last = true, value_name = "ARG")]
        args: Vec<String>,
    },
    /// Adds up the line counts tests recorded in coverage mode (redis-script's `coverage`
    /// feature, with REDIS_SCRIPT_COVERAGE naming the folder): prints the lines run per
    /// file, writes an lcov tracefile and, where `genhtml` is installed, an HTML report.
    Coverage(coverage::Asked),
    /// Steps through a script in Redis's Lua debugger: starts `redis-cli --ldb --eval`
    /// with the text that is sent (includes expanded) and the keys and arguments. The
    /// debugger works on a copy of the data and rolls back at the end.
    Ldb {
        /// The script.
        file: PathBuf,
        /// The server, e.g. redis://127.0.0.1:6379.
        #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
        url: String,
        /// The keys, then `--`, then the arguments.
        #[arg(value_name = "KEY")]
        keys: Vec<String>,
        /// The arguments (after `--`).
        #[arg(last = true, value_name = "ARG")]
        args: Vec<String>,
        /// Print the redis-cli command instead of starting it.
        #[arg(long)]
        print: bool,
    },
}

/// How `check` prints problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Like rustc: the message, the file and line, the source line and a caret.
    Human,
    /// One JSON object per problem and line, then a summary object.
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`).
    Github,
}

/// What the command line asks of the checks: `--target` and the rule levels.
fn asked(
    target: Option<String>,
    allow: &[String],
    warn: &[String],
    deny: &[String],
) -> Result<files::Asked, String> {
    let mut asked = files::Asked {
        target,
        ..Default::default()
    };
    for (names, level) in [
        (allow, redis_script_analyzer::Level::Allow),
        (warn, redis_script_analyzer::Level::Warn),
        (deny, redis_script_analyzer::Level::Deny),
    ] {
        for name in names {
            asked.levels.set(name, level)?;
        }
    }
    Ok(asked)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check {
            paths,
            target,
            format,
            quiet,
            allow,
            warn,
            deny,
        } => asked(target, &allow, &warn, &deny)
            .and_then(|asked| check::run(&paths, &asked, format, quiet)),
        Command::Explain { rule } => rules::explain(&rule),
        Command::Coverage(asked) => coverage::run(&asked),
        Command::Rules => rules::list(),
        Command::Lsp => lsp::run(),
        Command::Header { file, write } => header::run(&file, write),
        Command::Expand { file, map } => expand::run(&file, map),
        Command::Load {
            url,
            cluster,
            paths,
            target,
        } => asked(target, &[], &[], &[])
            .and_then(|asked| server::load(&url, cluster, &paths, &asked)),
        Command::Run {
            file,
            url,
            log,
            keys,
            args,
        } => server::run(&file, &url, log, &keys, &args),
        Command::Ldb {
            file,
            url,
            keys,
            args,
            print,
        } => server::ldb(&file, &url, &keys, &args, print),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
