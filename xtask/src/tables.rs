//! `cargo xtask redis-tables`: writes `analyzer/src/redis/tables.rs` from real servers
//! (every server the suite runs on): each one's command table (`COMMAND`: arity and flags,
//! subcommands included; `COMMAND DOCS`: arguments and the version that added each), and
//! the globals and library functions of its Lua environment. The analyzer checks scripts
//! against these tables; the file is checked in, so builds need no server.
//!
//! Commands that are the same on several servers are written once and shared.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use redis::Value;
use redis_script_testing::RedisServer;

/// Where the generated tables go, from the workspace root.
const OUTPUT: &str = "analyzer/src/redis/tables.rs";

/// Lists the Lua environment: every global with its type, and every member of the library
/// tables scripts may use.
const LUA_ENVIRONMENT: &str = "
local out = {}
for name, value in pairs(_G) do
    out[#out + 1] = name .. ':' .. type(value)
    if type(value) == 'table' and name ~= '_G' and name ~= 'KEYS' and name ~= 'ARGV' then
        for member in pairs(value) do
            out[#out + 1] = name .. '.' .. member .. ':member'
        end
    end
end
return out
";

/// One command or subcommand as the analyzer needs it.
struct Command {
    name: String,
    /// `config|get` for a subcommand: the key of its docs.
    full_name: String,
    arity: i64,
    write: bool,
    noscript: bool,
    subcommands: Vec<Command>,
}

/// What `COMMAND DOCS` says of a command or an argument, as key/value pairs.
type Doc<'a> = Vec<(String, &'a Value)>;

/// What one server's tables say.
struct ServerTables {
    /// The constant's name: `REDIS_7_0`.
    ident: String,
    /// `Redis 7.0.15`.
    display: String,
    /// `Redis` or `Valkey`.
    family: &'static str,
    /// Major and minor version.
    version: (u32, u32),
    /// Each command, rendered, sorted by name.
    commands: Vec<String>,
    /// The globals of its Lua environment, sorted.
    globals: Vec<String>,
    /// The members of its library tables, sorted.
    members: Vec<String>,
}

/// Starts each server binary of `binaries`, reads its tables and writes them all to
/// [`OUTPUT`].
pub fn generate(root: &Path, binaries: &[PathBuf]) -> Result<(), String> {
    let tables = binaries
        .iter()
        .map(|binary| read_server(binary))
        .collect::<Result<Vec<_>, _>>()?;
    let text = render(&tables);
    let path = root.join(OUTPUT);
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    let servers: Vec<&str> = tables.iter().map(|t| t.display.as_str()).collect();
    println!("wrote {} from {}", path.display(), servers.join(", "));
    Ok(())
}

/// Reads the tables of a throwaway server of `binary`.
fn read_server(binary: &Path) -> Result<ServerTables, String> {
    let server = RedisServer::start_from(binary, &[]);
    let mut con = server.connection();
    let info: String = redis::cmd("INFO")
        .arg("server")
        .query(&mut con)
        .map_err(|e| format!("INFO: {e}"))?;
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|v| v.trim().to_owned())
    };
    let (family, version) = match field("valkey_version:") {
        Some(version) => ("Valkey", version),
        None => (
            "Redis",
            field("redis_version:").ok_or("INFO server has no redis_version")?,
        ),
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let mut commands: Vec<Command> = redis::cmd("COMMAND")
        .query::<Vec<Value>>(&mut con)
        .map_err(|e| format!("COMMAND: {e}"))?
        .iter()
        .map(parse_command)
        .collect::<Result<_, _>>()?;
    commands.sort_by(|a, b| a.name.cmp(&b.name));
    let docs_reply: Value = redis::cmd("COMMAND")
        .arg("DOCS")
        .query(&mut con)
        .map_err(|e| format!("COMMAND DOCS: {e}"))?;
    let docs = named_docs(&docs_reply)?;
    let environment: Vec<String> = redis::cmd("EVAL")
        .arg(LUA_ENVIRONMENT)
        .arg(0)
        .query(&mut con)
        .map_err(|e| format!("reading the Lua environment: {e}"))?;
    let mut globals = BTreeMap::new();
    let mut members = Vec::new();
    for entry in environment {
        let Some((name, kind)) = entry.rsplit_once(':') else {
            continue;
        };
        if kind == "member" {
            members.push(name.to_owned());
        } else if !name.starts_with("__") {
            globals.insert(name.to_owned(), kind.to_owned());
        }
    }
    members.sort();
    Ok(ServerTables {
        ident: format!("{}_{major}_{minor}", family.to_uppercase()),
        display: format!("{family} {version}"),
        family,
        version: (major, minor),
        commands: commands
            .iter()
            .map(|command| {
                let mut out = String::new();
                render_command(&mut out, command, &docs, 0);
                out.trim().trim_end_matches(',').to_owned()
            })
            .collect(),
        globals: globals.into_keys().collect(),
        members,
    })
}

/// Reads `[name, arity, flags, first, last, step, acl, tips, key specs, subcommands]`.
fn parse_command(value: &Value) -> Result<Command, String> {
    let Value::Array(fields) = value else {
        return Err(format!("unexpected COMMAND entry {value:?}"));
    };
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Value::SimpleString(s) => Some(s.clone()),
            Value::Okay => Some("ok".to_owned()),
            _ => None,
        }
    };
    let name = fields
        .first()
        .and_then(text)
        .ok_or("a command without a name")?;
    let arity = match fields.get(1) {
        Some(Value::Int(arity)) => *arity,
        other => return Err(format!("{name}: unexpected arity {other:?}")),
    };
    let flags: Vec<String> = match fields.get(2) {
        Some(Value::Array(flags) | Value::Set(flags)) => flags.iter().filter_map(text).collect(),
        _ => Vec::new(),
    };
    let subcommands = match fields.get(9) {
        Some(Value::Array(subs)) => subs.iter().map(parse_command).collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    Ok(Command {
        full_name: name.to_lowercase(),
        name: name.rsplit('|').next().unwrap_or(&name).to_lowercase(),
        arity,
        write: flags.iter().any(|f| f == "write"),
        noscript: flags.iter().any(|f| f == "noscript"),
        subcommands,
    })
}

fn render(tables: &[ServerTables]) -> String {
    let servers: Vec<&str> = tables.iter().map(|t| t.display.as_str()).collect();
    let mut out = format!(
        "//! The command tables and Lua environments of {}, for checking scripts.\n\
         //!\n\
         //! Generated by `cargo xtask redis-tables` from real servers (`COMMAND`,\n\
         //! `COMMAND DOCS` and the globals of their Lua); do not edit. A command that is the\n\
         //! same on several servers is written once.\n\
         //! Redis and Valkey are BSD-licensed; this file holds facts read from them, not their code.\n\n\
         use super::commands::{{Arg, ArgKind::*, Command}};\n\
         use super::table::{{Family, Table}};\n\
         use super::version::RedisVersion;\n\n\
         const O: u8 = Arg::OPTIONAL;\n\
         const M: u8 = Arg::MULTIPLE;\n\
         const T: u8 = Arg::MULTIPLE_TOKEN;\n\n\
         const fn v(major: u32, minor: u32) -> Option<RedisVersion> {{\n    Some(RedisVersion::new(major, minor))\n}}\n\n",
        servers.join(", ")
    );
    let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
    for table in tables {
        for command in &table.commands {
            let next = shared.len();
            shared.entry(command.as_str()).or_insert(next);
        }
    }
    let mut statics: Vec<(&usize, &&str)> = shared.iter().map(|(text, n)| (n, text)).collect();
    statics.sort();
    for (n, text) in statics {
        let _ = writeln!(out, "static C{n}: Command = {text};");
    }
    for table in tables {
        let (major, minor) = table.version;
        let _ = write!(
            out,
            "\n/// {}.\npub const {}: Table = Table {{\n    server: {:?},\n    family: Family::{},\n    version: RedisVersion::new({major}, {minor}),\n    commands: &[",
            table.display, table.ident, table.display, table.family
        );
        let refs: Vec<String> = table
            .commands
            .iter()
            .map(|command| format!("&C{}", shared[command.as_str()]))
            .collect();
        out.push_str(&refs.join(", "));
        out.push_str("],\n    globals: &[");
        out.push_str(&quoted(&table.globals));
        out.push_str("],\n    members: &[");
        out.push_str(&quoted(&table.members));
        out.push_str("],\n};\n");
    }
    let idents: Vec<String> = tables.iter().map(|t| format!("&{}", t.ident)).collect();
    let _ = writeln!(
        out,
        "\n/// Every table, oldest first within each family.\npub const TABLES: &[&Table] = &[{}];",
        idents.join(", ")
    );
    out
}

/// `"a", "b"` for the items.
fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("{item:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn render_command(
    out: &mut String,
    command: &Command,
    docs: &BTreeMap<String, Doc<'_>>,
    depth: usize,
) {
    let pad = "    ".repeat(depth);
    let doc = docs.get(&command.full_name);
    let since = doc.map_or_else(|| "None".to_owned(), |doc| since_of(doc));
    let args = match doc.and_then(|doc| field(doc, "arguments")) {
        Some(Value::Array(args)) => render_args(args),
        _ => "&[]".to_owned(),
    };
    let summary = doc
        .and_then(|doc| field(doc, "summary"))
        .and_then(text_of)
        .unwrap_or_default();
    let _ = write!(
        out,
        "{pad}Command {{ name: {:?}, summary: {summary:?}, arity: {}, write: {}, noscript: {}, since: {since}, args: {args}, subcommands: &[",
        command.name, command.arity, command.write, command.noscript
    );
    if command.subcommands.is_empty() {
        out.push_str("] },\n");
        return;
    }
    out.push('\n');
    let mut subcommands: Vec<&Command> = command.subcommands.iter().collect();
    subcommands.sort_by(|a, b| a.name.cmp(&b.name));
    for sub in subcommands {
        render_command(out, sub, docs, depth + 1);
    }
    let _ = writeln!(out, "{pad}] }},");
}

/// `&[Arg::new(...), ...]` for the argument docs `args`.
fn render_args(args: &[Value]) -> String {
    let rendered: Vec<String> = args
        .iter()
        .filter_map(|arg| pairs(arg).ok())
        .map(|arg| {
            let text = |key: &str| field(&arg, key).and_then(text_of);
            let kind = match text("type").as_deref() {
                Some("key") => "Key",
                Some("integer") => "Integer",
                Some("double") => "Double",
                Some("pattern") => "Pattern",
                Some("unix-time") => "UnixTime",
                Some("pure-token") => "PureToken",
                Some("oneof") => "OneOf",
                Some("block") => "Block",
                _ => "String",
            };
            let token = text("token").map_or_else(|| "None".to_owned(), |t| format!("Some({t:?})"));
            let flags: Vec<String> = match field(&arg, "flags") {
                Some(Value::Array(flags) | Value::Set(flags)) => {
                    flags.iter().filter_map(text_of).collect()
                }
                _ => Vec::new(),
            };
            let flag = |name: &str, letter: &'static str| {
                flags.iter().any(|f| f == name).then_some(letter)
            };
            let bits: Vec<&str> = [
                flag("optional", "O"),
                flag("multiple", "M"),
                flag("multiple_token", "T"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let bits = if bits.is_empty() {
                "0".to_owned()
            } else {
                bits.join(" | ")
            };
            let children = match field(&arg, "arguments") {
                Some(Value::Array(children)) => render_args(children),
                _ => "&[]".to_owned(),
            };
            format!(
                "Arg::new({:?}, {kind}, {token}, {bits}, {}, {children})",
                text("name").unwrap_or_default(),
                since_of(&arg)
            )
        })
        .collect();
    format!("&[{}]", rendered.join(", "))
}

/// `v(major, minor)` from a doc's `since`, or `None`.
fn since_of(doc: &Doc<'_>) -> String {
    let Some(since) = field(doc, "since").and_then(text_of) else {
        return "None".to_owned();
    };
    let mut parts = since.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    format!("v({major}, {minor})")
}

/// The docs of every command and subcommand (`config|get`), by lowercase name.
fn named_docs(reply: &Value) -> Result<BTreeMap<String, Doc<'_>>, String> {
    let mut docs = BTreeMap::new();
    for (name, doc) in pairs(reply)? {
        let doc = pairs(doc)?;
        if let Some(subcommands) = field(&doc, "subcommands") {
            for (sub, sub_doc) in pairs(subcommands)? {
                docs.insert(sub.to_lowercase(), pairs(sub_doc)?);
            }
        }
        docs.insert(name.to_lowercase(), doc);
    }
    Ok(docs)
}

/// The key/value pairs of a map reply (a RESP3 map, or a flat RESP2 array).
fn pairs(value: &Value) -> Result<Doc<'_>, String> {
    match value {
        Value::Map(pairs) => Ok(pairs
            .iter()
            .filter_map(|(k, v)| Some((text_of(k)?, v)))
            .collect()),
        Value::Array(items) => Ok(items
            .chunks_exact(2)
            .filter_map(|pair| Some((text_of(&pair[0])?, &pair[1])))
            .collect()),
        other => Err(format!("expected a map in COMMAND DOCS, got {other:?}")),
    }
}

fn field<'a>(doc: &Doc<'a>, key: &str) -> Option<&'a Value> {
    doc.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        _ => None,
    }
}
