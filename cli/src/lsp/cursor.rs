//! What is under the cursor, read from the line's text: a command name in a call, a
//! `KEYS[n]`/`ARGV[n]` read, an `@include` path, a member of the `redis` table.

/// A quoted string on `line` around character `index`: its text and its character span
/// (quotes included).
fn string_at(line: &[char], index: usize) -> Option<(String, usize, usize)> {
    let mut open: Option<(usize, char)> = None;
    for (i, &c) in line.iter().enumerate() {
        match open {
            None if c == '\'' || c == '"' => open = Some((i, c)),
            Some((start, quote)) if c == quote => {
                if start <= index && index <= i {
                    return Some((line[start + 1..i].iter().collect(), start, i + 1));
                }
                open = None;
            }
            _ => {}
        }
    }
    // An unclosed string being typed.
    let (start, _) = open?;
    (start <= index).then(|| (line[start + 1..].iter().collect(), start, line.len()))
}

/// The identifier ending right before `end` on `line` (spaces skipped), and where it
/// starts.
fn identifier_before(line: &[char], end: usize) -> Option<(String, usize)> {
    let mut stop = end;
    while stop > 0 && line[stop - 1] == ' ' {
        stop -= 1;
    }
    let mut start = stop;
    while start > 0 && (line[start - 1].is_alphanumeric() || matches!(line[start - 1], '_' | '.')) {
        start -= 1;
    }
    (start < stop).then(|| (line[start..stop].iter().collect(), start))
}

/// The command name being written or read at `index`: the first argument of
/// `redis.call(`, `redis.pcall(`, `server.call(`..., or of a call through a name in
/// `callers` (aliases such as `rcall`). Its text and character span.
pub fn command_at(line: &str, index: usize, callers: &[String]) -> Option<(String, usize, usize)> {
    let chars: Vec<char> = line.chars().collect();
    let (text, start, end) = string_at(&chars, index)?;
    let mut before = start;
    while before > 0 && chars[before - 1] == ' ' {
        before -= 1;
    }
    if before == 0 || chars[before - 1] != '(' {
        return None;
    }
    let (called, _) = identifier_before(&chars, before - 1)?;
    let direct = matches!(
        called.as_str(),
        "redis.call" | "redis.pcall" | "server.call" | "server.pcall"
    );
    (direct || callers.contains(&called)).then_some((text, start, end))
}

/// The names `text` calls commands through besides `redis.call`/`redis.pcall`: locals
/// bound to them (`local rcall = redis.call` gives `rcall`) or to the table
/// (`local r = redis` gives `r.call` and `r.pcall`).
pub fn command_aliases(text: &str) -> Vec<String> {
    let mut aliases = Vec::new();
    for line in text.lines() {
        let Some((name, value)) = line
            .trim()
            .strip_prefix("local ")
            .and_then(|rest| rest.split_once('='))
        else {
            continue;
        };
        let name = name.trim();
        match value.trim() {
            "redis.call" | "redis.pcall" | "server.call" | "server.pcall" => {
                aliases.push(name.to_owned());
            }
            "redis" | "server" => {
                aliases.push(format!("{name}.call"));
                aliases.push(format!("{name}.pcall"));
            }
            _ => {}
        }
    }
    aliases
}

/// A read of `KEYS[n]`, `ARGV[n]` (or a library callback's `keys[n]`, `args[n]`) at
/// `index`: whether it is KEYS, and `n`.
pub fn array_index_at(line: &str, index: usize) -> Option<(bool, usize)> {
    let chars: Vec<char> = line.chars().collect();
    for (name, keys) in [
        ("KEYS[", true),
        ("ARGV[", false),
        ("keys[", true),
        ("args[", false),
    ] {
        let name: Vec<char> = name.chars().collect();
        for start in 0..chars.len() {
            if !chars[start..].starts_with(&name) {
                continue;
            }
            let digits_start = start + name.len();
            let digits: String = chars[digits_start..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            let end = digits_start + digits.len();
            if chars.get(end) == Some(&']') && (start..=end).contains(&index) {
                return digits.parse().ok().map(|n| (keys, n));
            }
        }
    }
    None
}

/// Whether the cursor at `index` is right after `KEYS[` or `ARGV[` (or `keys[`, `args[`):
/// whether it is KEYS.
pub fn array_open_at(line: &str, index: usize) -> Option<bool> {
    let before: String = line.chars().take(index).collect();
    let before = before.trim_end_matches(|c: char| c.is_ascii_digit());
    if before.ends_with("KEYS[") || before.ends_with("keys[") {
        Some(true)
    } else if before.ends_with("ARGV[") || before.ends_with("args[") {
        Some(false)
    } else {
        None
    }
}

/// The path of an `--- @include "path"` line.
pub fn include_on(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("---")?.trim_start();
    let rest = rest.strip_prefix("@include")?.trim();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    rest[1..].split(quote).next()
}

/// The member of `redis` (or `server`) under the cursor: `redis.sha1hex` gives
/// `sha1hex`.
pub fn api_member_at(line: &str, index: usize) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut start = index.min(chars.len());
    while start > 0 && (chars[start - 1].is_alphanumeric() || matches!(chars[start - 1], '_' | '.'))
    {
        start -= 1;
    }
    let mut end = index.min(chars.len());
    while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
        end += 1;
    }
    let word: String = chars[start..end].iter().collect();
    let member = word
        .strip_prefix("redis.")
        .or_else(|| word.strip_prefix("server."))?;
    (!member.is_empty() && !member.contains('.')).then(|| member.to_owned())
}

/// Whether line `line` (0-based) of `text` is inside the header comment at the top.
pub fn in_header(text: &str, line: usize) -> bool {
    let mut long_comment = false;
    for (i, current) in text.lines().enumerate() {
        let trimmed = current.trim_start();
        let in_comment = if long_comment {
            if trimmed.contains("]]") {
                long_comment = false;
            }
            true
        } else if trimmed.starts_with("--[[") || trimmed.starts_with("--[=") {
            long_comment = !trimmed.contains("]]");
            true
        } else {
            trimmed.starts_with("--") || (i == 0 && trimmed.starts_with("#!"))
        };
        if !in_comment {
            return false;
        }
        if i == line {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_is_under_the_cursor() {
        let line = "local x = redis.call('GET', KEYS[1]) .. rcall(\"INCR\", ARGV[2])";
        assert_eq!(
            command_at(line, 23, &[]).map(|c| c.0),
            Some("GET".to_owned())
        );
        assert_eq!(command_at(line, 23 + 30, &[]), None);
        assert_eq!(
            command_at(line, 49, &["rcall".to_owned()]).map(|c| c.0),
            Some("INCR".to_owned())
        );
        assert_eq!(array_index_at(line, 31), Some((true, 1)));
        assert_eq!(array_index_at(line, 60), Some((false, 2)));
        assert_eq!(array_open_at("return KEYS[", 12), Some(true));
        assert_eq!(
            include_on("--- @include \"helpers/read\""),
            Some("helpers/read")
        );
        assert_eq!(
            api_member_at("redis.sha1hex(x)", 9),
            Some("sha1hex".to_owned())
        );
        assert_eq!(command_aliases("local rcall = redis.call\n"), ["rcall"]);
        let aliases = command_aliases("local r = redis\n");
        assert_eq!(aliases, ["r.call", "r.pcall"]);
        assert_eq!(
            command_at("return r.pcall('GET', k)", 17, &aliases).map(|c| c.0),
            Some("GET".to_owned())
        );
        assert!(in_header("--[[\n  KEYS:\n]]\nreturn 1", 1));
        assert!(!in_header("--[[\n  KEYS:\n]]\nreturn 1", 3));
    }
}
