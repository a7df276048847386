//! What the editor shows about commands and the `redis` table: a command's syntax from
//! the servers' `COMMAND DOCS` (kept in the analyzer's tables), and what each member of
//! `redis` does, from the servers' scripting docs, in this project's words.

use redis_script_analyzer::{Arg, ArgKind, Command, Known, Target};

/// `GET key`, `SET key value [NX | XX] ...`: a command's syntax.
pub fn syntax(name: &str, command: &Command) -> String {
    let mut words = vec![name.to_ascii_uppercase()];
    words.extend(command.args.iter().map(argument));
    words.join(" ")
}

fn argument(arg: &Arg) -> String {
    let inner = match arg.kind {
        ArgKind::PureToken => arg.token.unwrap_or(arg.name).to_owned(),
        ArgKind::OneOf => arg
            .args
            .iter()
            .map(argument)
            .collect::<Vec<_>>()
            .join(" | "),
        ArgKind::Block => arg.args.iter().map(argument).collect::<Vec<_>>().join(" "),
        _ => match arg.token {
            Some(token) => format!("{token} {}", arg.name),
            None => arg.name.to_owned(),
        },
    };
    let repeated = if arg.flags & (Arg::MULTIPLE | Arg::MULTIPLE_TOKEN) != 0 {
        format!("{inner} [{inner} ...]")
    } else {
        inner
    };
    if arg.flags & Arg::OPTIONAL != 0 {
        format!("[{repeated}]")
    } else if arg.kind == ArgKind::OneOf {
        format!("<{repeated}>")
    } else {
        repeated
    }
}

/// Markdown about command `name` for `target`.
pub fn command_doc(name: &str, target: Target) -> String {
    let upper = name.to_ascii_uppercase();
    match target.command(name) {
        Known::Yes(command) => {
            let mut doc = format!(
                "**{upper}**: {}\n\n```\n{}\n```\n",
                command.summary,
                syntax(name, command)
            );
            if let Some(since) = command.since {
                doc.push_str(&format!(
                    "\nSince {} {}.",
                    target.family.display(),
                    since.text()
                ));
            }
            doc.push_str(&format!(" On {}: ", target.server()));
            doc.push_str(if command.noscript {
                "scripts may not call it."
            } else if command.write {
                "it writes (not in a `no-writes` script)."
            } else {
                "it reads."
            });
            doc
        }
        Known::Elsewhere(other) => format!(
            "**{upper}** is not on {}: it needs {} (`target = \"{}\"`).",
            target.server(),
            other.server(),
            other.name()
        ),
        Known::No => format!("**{upper}** is not a {} command.", target.server()),
    }
}

/// What the members of `redis` do (Valkey also names the table `server`).
const API: &[(&str, &str)] = &[
    (
        "call",
        "Runs a Redis command and returns its reply; an error reply fails the script.",
    ),
    (
        "pcall",
        "Runs a Redis command and returns its reply; an error reply comes back as a table `{err = ...}` instead of failing the script.",
    ),
    (
        "error_reply",
        "Makes an error reply: `return redis.error_reply('CODE message')`.",
    ),
    (
        "status_reply",
        "Makes a status reply: `return redis.status_reply('OK')`.",
    ),
    ("sha1hex", "The SHA1 of a string as 40 hex digits."),
    (
        "log",
        "Writes a line to the server's log: `redis.log(redis.LOG_WARNING, 'text')`.",
    ),
    ("LOG_DEBUG", "The debug log level."),
    ("LOG_VERBOSE", "The verbose log level."),
    ("LOG_NOTICE", "The notice log level."),
    ("LOG_WARNING", "The warning log level."),
    (
        "setresp",
        "Sets the protocol (2 or 3) of the replies `redis.call` gives the script.",
    ),
    (
        "set_repl",
        "Sets what the script's writes replicate to: `redis.REPL_ALL`, `REPL_AOF`, `REPL_REPLICA`, `REPL_NONE`.",
    ),
    (
        "replicate_commands",
        "Kept for old scripts: scripts replicate their commands since Redis 7.0.",
    ),
    (
        "breakpoint",
        "Stops here in the Lua debugger (`redis-script ldb`).",
    ),
    ("debug", "Prints a value in the Lua debugger's console."),
    (
        "acl_check_cmd",
        "Whether the current user may run a command with these arguments.",
    ),
    (
        "register_function",
        "Registers a function of a library (only while the library loads).",
    ),
    ("REDIS_VERSION", "The server's version as text."),
    ("REDIS_VERSION_NUM", "The server's version as a number."),
    ("REPL_ALL", "Replicate to the AOF and the replicas."),
    ("REPL_AOF", "Replicate to the AOF only."),
    ("REPL_REPLICA", "Replicate to the replicas only."),
    ("REPL_SLAVE", "The old name of `REPL_REPLICA`."),
    ("REPL_NONE", "Replicate nothing."),
];

/// Markdown about `redis.<member>` for `target`, when the member is known anywhere.
pub fn api_doc(member: &str, target: Target) -> Option<String> {
    let (_, what) = API.iter().find(|(name, _)| *name == member)?;
    let name = format!("redis.{member}");
    let here = match target.member(&name) {
        Known::Yes(()) => format!("{} has it.", target.server()),
        Known::Elsewhere(_) | Known::No => format!("**{} does not have it.**", target.server()),
    };
    let servers: Vec<&str> = Target::measured()
        .filter(|(_, server)| matches!(server.member(&name), Known::Yes(())))
        .map(|(shown, _)| shown)
        .collect();
    let on = if servers.is_empty() {
        "No server of the suite has it.".to_owned()
    } else {
        format!("On {}.", servers.join(", "))
    };
    Some(format!("**redis.{member}**: {what}\n\n{here} {on}"))
}
