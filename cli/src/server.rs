//! The subcommands that talk to Redis: `load`, `run` and `ldb`. They describe each file
//! to the `redis-script` runtime the way the macros do at compile time, so loading,
//! replies and errors (mapped to the file and line) work exactly as in Rust code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use redis::Value;
use redis_script::__private::{
    ScriptKind, ScriptParts, call, push, script_meta, segment, source_file, source_map,
};
use redis_script::{ReplyShape, ScriptMeta};
use redis_script_analyzer::{Param, ParamType, Params, ReturnType};

use crate::files::{self, Checked, Model};

/// A string that lives as long as the program: the runtime's descriptions are static, as
/// the macros make them.
fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// The runtime's description of a checked file: a script (with its RETURNS) or a library.
fn describe(checked: &Checked) -> Option<&'static ScriptMeta> {
    let sources = &checked.sources;
    let files: Vec<_> = sources
        .files
        .iter()
        .map(|file| source_file(leak(&file.path), file.included_from))
        .collect();
    let segments: Vec<_> = sources
        .segments
        .iter()
        .map(|s| segment(s.first_line, s.file, s.file_line))
        .collect();
    let map = source_map(
        Box::leak(files.into_boxed_slice()),
        Box::leak(segments.into_boxed_slice()),
    );
    let (name, returns, returns_declared, read_only, kind) = match checked.model.as_ref()? {
        Model::Script(script) => (
            checked.file.relative.clone(),
            script.returns.ty().map_or(&ReplyShape::Any, shape),
            script.returns.declared(),
            script
                .shebang
                .as_ref()
                .is_some_and(|s| s.has_flag("no-writes")),
            ScriptKind::Script,
        ),
        Model::Library(library) => (
            library.name.clone(),
            &ReplyShape::Any,
            "undeclared".to_owned(),
            false,
            ScriptKind::Library {
                name: leak(&library.name),
            },
        ),
    };
    let meta = script_meta(ScriptParts {
        name: leak(&name),
        path: leak(&sources.main().path),
        sha1: leak(&redis_script_analyzer::sha1_hex(sources.text.as_bytes())),
        source: leak(&sources.text),
        returns,
        returns_declared: leak(&returns_declared),
        read_only,
        target: "redis-7.0",
        source_map: map,
        kind,
    });
    Some(Box::leak(Box::new(meta)))
}

/// The runtime's reply shape of a RETURNS type.
fn shape(ty: &ReturnType) -> &'static ReplyShape {
    let shape = match ty {
        ReturnType::Int => ReplyShape::Int,
        ReturnType::Float => ReplyShape::Float,
        ReturnType::Bool => ReplyShape::Bool,
        ReturnType::String => ReplyShape::String,
        ReturnType::Bytes => ReplyShape::Bytes,
        ReturnType::Status => ReplyShape::Status,
        ReturnType::Nil => ReplyShape::Nil,
        ReturnType::Value => ReplyShape::Any,
        ReturnType::Encoded(_) => ReplyShape::Bytes,
        ReturnType::Optional(inner) => ReplyShape::Optional(shape(inner)),
        ReturnType::Array(inner) => ReplyShape::Array(shape(inner)),
        ReturnType::Map(key, value) => ReplyShape::Map(shape(key), shape(value)),
        ReturnType::Tuple(items) => {
            let items: Vec<ReplyShape> = items.iter().map(|item| *shape(item)).collect();
            ReplyShape::Tuple(Box::leak(items.into_boxed_slice()))
        }
        ReturnType::Union(alternatives) => {
            let items: Vec<ReplyShape> = alternatives.iter().map(|a| *shape(&a.ty)).collect();
            ReplyShape::Union(Box::leak(items.into_boxed_slice()))
        }
    };
    Box::leak(Box::new(shape))
}

/// `checked`, or `None` after printing its errors when it has any.
fn without_errors(checked: Checked) -> Option<Checked> {
    if !checked.has_errors() {
        return Some(checked);
    }
    files::print_errors(&checked.sources, &checked.diagnostics);
    None
}

/// `host:port` of a redis URL, for messages.
fn node_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

/// `redis-script load`.
pub fn load(
    url: &str,
    cluster: bool,
    paths: &[PathBuf],
    asked: &files::Asked,
) -> Result<ExitCode, String> {
    let found = files::collect(paths)?;
    let mut checker = files::Checker::new(asked.clone());
    let mut checked = Vec::new();
    for file in &found {
        checked.push(checker.check(file)?);
    }
    let mut failed: Vec<String> = Vec::new();
    let mut metas = Vec::new();
    for file in files::entry_points(checked) {
        let display = file.file.display();
        match without_errors(file).as_ref().and_then(describe) {
            Some(meta) => metas.push(meta),
            None => failed.push(format!("{display} (it has errors: see above)")),
        }
    }
    let node = node_of(url);
    if cluster {
        let client = redis::cluster::ClusterClient::new(vec![url])
            .map_err(|error| format!("{url}: {error}"))?;
        let mut con = client
            .get_connection()
            .map_err(|error| format!("cannot connect to the cluster at {node}: {error}"))?;
        for meta in metas {
            if meta.library_name().is_none() {
                match meta.load(&mut con) {
                    Ok(()) => out!("{}  {}  every node", meta.sha1(), meta.describe()),
                    Err(error) => failed.push(error.to_string()),
                }
                continue;
            }
            match meta.load_cluster(&mut con) {
                Ok(reports) => {
                    for report in reports {
                        match report.outcome {
                            Ok(()) => {
                                out!("{}  {}  {}", meta.sha1(), meta.describe(), report.node)
                            }
                            Err(error) => failed.push(format!("{}: {error}", report.node)),
                        }
                    }
                }
                Err(error) => failed.push(error.to_string()),
            }
        }
    } else {
        let mut con = redis::Client::open(url)
            .and_then(|client| client.get_connection())
            .map_err(|error| format!("cannot connect to {node}: {error}"))?;
        for meta in metas {
            match meta.load(&mut con) {
                Ok(()) => out!("{}  {}  {node}", meta.sha1(), meta.describe()),
                Err(error) => failed.push(error.to_string()),
            }
        }
    }
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("not loaded:");
    for failure in &failed {
        eprintln!("  {failure}");
    }
    Ok(ExitCode::from(1))
}

/// `redis-script run`.
pub fn run(
    file: &Path,
    url: &str,
    log: bool,
    keys: &[String],
    args: &[String],
) -> Result<ExitCode, String> {
    let script_file = files::one(file)?;
    if script_file.is_library() {
        return Err(format!(
            "{} is a function library: load it with `redis-script load`, then call its functions with `redis-cli FCALL <function> <numkeys> keys... args...`",
            file.display()
        ));
    }
    let asked = files::Asked::default();
    let Some(checked) = without_errors(files::Checker::new(asked).check(&script_file)?) else {
        return Ok(ExitCode::from(1));
    };
    let Some(Model::Script(script)) = &checked.model else {
        return Err(format!(
            "{} has no header that could be read",
            file.display()
        ));
    };
    check_values(&script.keys, keys, "key")?;
    check_values(&script.args, args, "argument")?;
    let meta = describe(&checked).ok_or("the script could not be described")?;
    let mut con = redis::Client::open(url)
        .and_then(|client| client.get_connection())
        .map_err(|error| format!("cannot connect to {}: {error}", node_of(url)))?;
    let log_file = if log { local_log(&mut con) } else { Ok(None) };
    let log_start = match &log_file {
        Ok(Some(path)) => std::fs::metadata(path).map(|m| m.len()).ok(),
        _ => None,
    };
    let mut invocation = call::<Value>(meta, keys.len(), args.len());
    for value in keys.iter().chain(args) {
        push(&mut invocation, value.as_str());
    }
    let outcome = invocation.invoke(&mut con);
    if log {
        print_log(&log_file, log_start);
    }
    match outcome {
        Ok(value) => {
            out!("{}", show(&value, script.returns.ty()));
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("error: {error}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Checks the number and declared types of `values` against `params`.
fn check_values(params: &Params, values: &[String], what: &str) -> Result<(), String> {
    let fixed = params.fixed.len();
    let array = if what == "key" { "KEYS" } else { "ARGV" };
    if values.len() < fixed || (params.tail.is_none() && values.len() > fixed) {
        let expected = match &params.tail {
            Some(_) => format!("at least {fixed}"),
            None => format!("{fixed}"),
        };
        let names: Vec<String> = params.iter().map(Param::label).collect();
        return Err(format!(
            "the header declares {expected} {what}{} ({}), but {} were given{}",
            if fixed == 1 && params.tail.is_none() {
                ""
            } else {
                "s"
            },
            if names.is_empty() {
                format!("no {array}")
            } else {
                names.join(", ")
            },
            values.len(),
            if what == "argument" {
                " (arguments go after `--`)"
            } else {
                ""
            },
        ));
    }
    for (i, value) in values.iter().enumerate() {
        let param = params.fixed.get(i).or(params.tail.as_ref());
        let Some(param) = param else { continue };
        let ok = match param.ty {
            Some(ParamType::Int) => value.parse::<i64>().is_ok(),
            Some(ParamType::Float) => value.parse::<f64>().is_ok(),
            Some(ParamType::Bool) => matches!(value.as_str(), "1" | "0" | "true" | "false"),
            _ => true,
        };
        if !ok {
            return Err(format!(
                "{} (`{}`) is declared `{}`, but `{value}` is not one",
                param.label(),
                param.name,
                param.ty.map_or("", |ty| ty.name())
            ));
        }
    }
    Ok(())
}

/// A reply, shown as RETURNS declares it.
fn show(value: &Value, ty: Option<&ReturnType>) -> String {
    if let Some(ReturnType::Union(alternatives)) = ty {
        // As the alternative the reply is read as: the first whose shape it fits.
        let alternative = alternatives.iter().find(|a| shape(&a.ty).accepts(value));
        return match alternative {
            Some(alternative) => format!(
                "{}: {}",
                alternative.variant(),
                show(value, Some(&alternative.ty))
            ),
            None => show(value, None),
        };
    }
    match (ty, value) {
        (_, Value::Nil) => "(nil)".to_owned(),
        (Some(ReturnType::Bool), Value::Int(n)) => (*n == 1).to_string(),
        (_, Value::Int(n)) => n.to_string(),
        (
            Some(ReturnType::Encoded(redis_script_analyzer::Codec::Json)),
            Value::BulkString(bytes),
        ) => String::from_utf8_lossy(bytes).into_owned(),
        (_, Value::BulkString(bytes)) => match std::str::from_utf8(bytes) {
            Ok(text) if !matches!(ty, Some(ReturnType::Bytes | ReturnType::Encoded(_))) => {
                format!("{text:?}")
            }
            _ => format!("{} bytes: {:02x?}", bytes.len(), bytes),
        },
        (_, Value::SimpleString(text)) => text.clone(),
        (_, Value::Okay) => "OK".to_owned(),
        (_, Value::Double(number)) => number.to_string(),
        (_, Value::Boolean(flag)) => flag.to_string(),
        (Some(ReturnType::Map(key, item)), Value::Array(items)) => {
            let pairs: Vec<String> = items
                .chunks(2)
                .map(|pair| match pair {
                    [k, v] => format!("{}: {}", show(k, Some(key)), show(v, Some(item))),
                    [k] => show(k, Some(key)),
                    _ => String::new(),
                })
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
        (_, Value::Array(items)) => {
            let inner = |i: usize| match ty {
                Some(ReturnType::Array(item)) => Some(&**item),
                Some(ReturnType::Tuple(items)) => items.get(i),
                Some(ReturnType::Optional(inner)) => match &**inner {
                    ReturnType::Array(item) => Some(&**item),
                    _ => None,
                },
                _ => None,
            };
            let shown: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, item)| show(item, inner(i)))
                .collect();
            format!("[{}]", shown.join(", "))
        }
        (_, other) => format!("{other:?}"),
    }
}

/// The server's log file when it can be read here: the server runs on this machine
/// (a loopback address) and logs to a file; else why not.
fn local_log(con: &mut redis::Connection) -> Result<Option<PathBuf>, String> {
    let logfile: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("logfile")
        .query(con)
        .map_err(|error| format!("CONFIG GET logfile: {error}"))?;
    let dir: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("dir")
        .query(con)
        .map_err(|error| format!("CONFIG GET dir: {error}"))?;
    let Some(name) = logfile.get(1).filter(|name| !name.is_empty()) else {
        return Err(
            "the server logs to its standard output, not to a file: read redis.log lines there"
                .to_owned(),
        );
    };
    let path = match dir.get(1) {
        Some(dir) if Path::new(name).is_relative() => Path::new(dir).join(name),
        _ => PathBuf::from(name),
    };
    if path.is_file() {
        Ok(Some(path))
    } else {
        Err(format!(
            "the server logs to {}, which is not on this machine: read redis.log lines there",
            path.display()
        ))
    }
}

/// Prints the lines written to the log since `start`, as the script's `redis.log` lines.
fn print_log(log_file: &Result<Option<PathBuf>, String>, start: Option<u64>) {
    match (log_file, start) {
        (Ok(Some(path)), Some(start)) => {
            let text = std::fs::read(path).unwrap_or_default();
            let new = text.get(start as usize..).unwrap_or_default();
            let new = String::from_utf8_lossy(new);
            let lines: Vec<&str> = new.lines().filter(|line| !line.trim().is_empty()).collect();
            if lines.is_empty() {
                eprintln!("log: nothing written by the script");
            }
            for line in lines {
                eprintln!("log: {line}");
            }
        }
        (Err(why), _) => eprintln!("log: {why}"),
        _ => eprintln!("log: the server's log file could not be read"),
    }
}

/// `redis-script ldb`.
pub fn ldb(
    file: &Path,
    url: &str,
    keys: &[String],
    args: &[String],
    print: bool,
) -> Result<ExitCode, String> {
    let script = files::one(file)?;
    if script.is_library() {
        return Err(
            "Redis's Lua debugger runs scripts sent with EVAL, not function libraries".to_owned(),
        );
    }
    let Some(sources) = script.expanded() else {
        return Ok(ExitCode::from(1));
    };
    // The debugger numbers the lines of the text it is sent: with includes, that is the
    // expanded text, written to a file of its own.
    let path = if sources.has_includes() {
        let folder = std::env::temp_dir().join("redis-script-ldb");
        let sha1 = redis_script_analyzer::sha1_hex(sources.text.as_bytes());
        let path = folder.join(format!("{sha1}.lua"));
        std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&path, &sources.text))
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        path
    } else {
        file.to_path_buf()
    };
    let node = node_of(url);
    let (host, port) = node.rsplit_once(':').unwrap_or((node.as_str(), "6379"));
    let mut command = std::process::Command::new(
        std::env::var_os("REDIS_CLI_BIN").unwrap_or_else(|| "redis-cli".into()),
    );
    command
        .args(["-h", host, "-p", port, "--ldb", "--eval"])
        .arg(&path);
    command.args(keys);
    if !args.is_empty() {
        command.arg(",").args(args);
    }
    if print {
        let words: Vec<String> = std::iter::once(command.get_program())
            .chain(command.get_args())
            .map(|word| word.to_string_lossy().into_owned())
            .collect();
        out!("{}", words.join(" "));
        return Ok(ExitCode::SUCCESS);
    }
    let status = command.status().map_err(|error| {
        format!("cannot start redis-cli: {error} (it comes with Redis; or set REDIS_CLI_BIN)")
    })?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_node() {
        assert_eq!(node_of("redis://127.0.0.1:6379"), "127.0.0.1:6379");
        assert_eq!(
            node_of("redis://:secret@cache.local:7000/2"),
            "cache.local:7000"
        );
    }

    #[test]
    fn replies_show_as_returns_declares() {
        let map = ReturnType::parse("{string: int}").unwrap();
        let reply = Value::Array(vec![Value::BulkString(b"a".to_vec()), Value::Int(1)]);
        assert_eq!(show(&reply, Some(&map)), "{\"a\": 1}");
        assert_eq!(show(&Value::Int(1), Some(&ReturnType::Bool)), "true");
        assert_eq!(show(&Value::Nil, None), "(nil)");
    }

    #[test]
    fn values_are_checked_against_the_header() {
        let script = redis_script_analyzer::analyze(
            "x.lua",
            "--[[\n  x\n  KEYS:\n    [1] key - a key\n  ARGV:\n    [1] count: int - how many\n--]]\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])",
        )
        .unwrap();
        let one = |v: &str| vec![v.to_owned()];
        check_values(&script.keys, &one("k"), "key").unwrap();
        assert!(
            check_values(&script.keys, &[], "key")
                .unwrap_err()
                .contains("declares 1 key (KEYS[1]), but 0 were given")
        );
        assert!(
            check_values(&script.args, &one("x"), "argument")
                .unwrap_err()
                .contains("is declared `int`")
        );
    }
}
