//! The README's table of rules, between its two marker lines: the first five columns
//! come from the rules' declarations (checked by the analyzer's tests), each server's
//! column from the differential test run on that server (`tests/rules.rs`).

#![allow(dead_code)]

use redis_script_analyzer::{RULES, Rule};

/// The line before the table.
const START: &str = "<!-- rules table: the first five columns come from analyzer/src/rules, each server's from tests/rules.rs on it -->";
/// The line after it.
const END: &str = "<!-- end of rules table -->";
/// The columns from the declarations.
const DECLARED: [&str; 5] = ["code", "rule", "level", "rests on", "finds"];

/// The table of `readme`: its header cells and, per row, its cells.
fn table(readme: &str) -> Result<(usize, usize, Vec<Vec<String>>), String> {
    let start = readme
        .find(START)
        .ok_or_else(|| format!("no line `{START}`"))?;
    let end = readme[start..]
        .find(END)
        .map(|at| start + at)
        .ok_or_else(|| format!("no line `{END}`"))?;
    let rows = readme[start + START.len()..end]
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("|---"))
        .map(cells)
        .collect();
    Ok((start, end, rows))
}

/// The cells of a table row (`\|` is a `|` inside a cell).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().unwrap().push('|');
                chars.next();
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
        .into_iter()
        .map(|cell| cell.trim().to_owned())
        .collect()
}

/// A table row of `cells`.
fn row(cells: &[String]) -> String {
    let escaped: Vec<String> = cells.iter().map(|cell| cell.replace('|', "\\|")).collect();
    format!("| {} |", escaped.join(" | "))
}

/// The cells the declarations give `rule`.
fn declared(rule: &Rule) -> [String; 5] {
    [
        rule.code.to_owned(),
        format!("`{}`", rule.name),
        rule.default.text().to_owned(),
        rule.basis.text().to_owned(),
        rule.summary.to_owned(),
    ]
}

/// `readme` with its table rebuilt: a row per rule from the declarations, each server
/// column's cell taken from the row of the same rule (empty for a new rule), and where
/// the table differed.
fn rebuilt(
    readme: &str,
    server_cell: &dyn Fn(&str, &str, Option<&String>) -> String,
) -> Result<(String, Vec<String>), String> {
    let (start, end, rows) = table(readme)?;
    let header = rows.first().ok_or("the table has no header")?.clone();
    if header[..DECLARED.len().min(header.len())] != DECLARED {
        return Err(format!("the table's first columns must be {DECLARED:?}"));
    }
    let servers = &header[DECLARED.len()..];
    let mut wrong = Vec::new();
    let mut lines = vec![START.to_owned(), String::new(), row(&header)];
    lines.push(format!("|{}", "---|".repeat(header.len())));
    for rule in RULES {
        let old = rows[1..]
            .iter()
            .find(|cells| cells.get(1).map(String::as_str) == Some(&format!("`{}`", rule.name)));
        let mut cells: Vec<String> = declared(rule).into();
        for (i, server) in servers.iter().enumerate() {
            let before = old.and_then(|cells| cells.get(DECLARED.len() + i));
            cells.push(server_cell(server, rule.name, before));
        }
        match old {
            Some(old) if *old == cells => {}
            Some(old) => wrong.push(format!(
                "{}:\n  README: {}\n  now:    {}",
                rule.name,
                row(old),
                row(&cells)
            )),
            None => wrong.push(format!("{}: no row", rule.name)),
        }
        lines.push(row(&cells));
    }
    for old in &rows[1..] {
        if !RULES
            .iter()
            .any(|rule| old.get(1) == Some(&format!("`{}`", rule.name)))
        {
            wrong.push(format!("a row for no rule: {}", row(old)));
        }
    }
    lines.push(String::new());
    let updated = format!(
        "{}{}\n{}",
        &readme[..start],
        lines.join("\n"),
        &readme[end..]
    );
    Ok((updated, wrong))
}

/// `readme` with the declared columns of its table as the rules say, and where they
/// differ.
pub fn declared_columns(readme: &str) -> Result<(String, Vec<String>), String> {
    rebuilt(readme, &|_, _, before| before.cloned().unwrap_or_default())
}

/// `readme` with the column of `server` as `cell` gives it for each rule, and where it
/// differs.
pub fn server_column(
    readme: &str,
    server: &str,
    cell: &dyn Fn(&str) -> String,
) -> Result<(String, Vec<String>), String> {
    let (_, _, rows) = table(readme)?;
    if !rows
        .first()
        .is_some_and(|header| header.iter().any(|h| h == server))
    {
        return Err(format!("the rules table has no column `{server}`"));
    }
    rebuilt(readme, &|column, rule, before| {
        if column == server {
            cell(rule)
        } else {
            before.cloned().unwrap_or_default()
        }
    })
}
