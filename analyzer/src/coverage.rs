//! Line coverage: the text a script (or library) is sent as in coverage mode, which counts
//! how many times each line's first statement runs and writes the counts to the server's
//! log, and the lines that count.
//!
//! The counting never changes what the script does: every insertion is on the line of the
//! code it goes with (so every line number, in errors too, stays as written), nothing is
//! caught or raised, no command is added. A statement becomes
//! `__rs_c[12]=(__rs_c[12] or 0)+1;` followed by the statement. The counts are written
//! with `redis.log(redis.LOG_WARNING, "redis-script-coverage <sha1> 12:1 13:4 ...")`, a
//! line per 800 characters, by `__rs_c.flush`, called:
//!
//! - by every `return` of the script's main chunk (of a library's callbacks), as
//!   `return __rs_c.flush(<what it returned>)`, which passes the values on;
//! - at the end of the main chunk (of a callback) when it can reach it without a return;
//! - right before a statement that calls `error`, `assert` or `redis.call`, which may
//!   raise (before the first statement of its line, or of the closest line above where a
//!   statement starts), except in loops (a write per turn could take as long as the loop)
//!   and, in a library, outside its callbacks' code (helpers may run while it loads).
//!
//! The one thing added is a local, `__rs_c`, at the top of the file: a file whose top
//! level declares all 200 locals Lua allows fails to compile in coverage mode.
//!
//! A call that ends in a Lua runtime error writes nothing since its last write: raising
//! keeps the error exactly as the server reports it, which catching it would not (Redis
//! reports the line the error was raised from). Lines a library runs when it loads are
//! counted then and written with the next call of one of its functions (writing to the
//! log while a library loads crashes Valkey 9.1).

use full_moon::ast::{FunctionBody, FunctionCall, LastStmt, Prefix, Stmt, Suffix};
use full_moon::node::Node;
use full_moon::visitors::Visitor;

use crate::lua::body_start;

/// The word the counts are logged under.
pub const COVERAGE_MARK: &str = "redis-script-coverage";

/// A script's (or library's) text as sent in coverage mode, and the lines that count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instrumented {
    /// The text sent.
    pub text: String,
    /// The lines (of the text as written, includes expanded) whose first statement is
    /// counted, in order: the lines that can run.
    pub lines: Vec<usize>,
}

/// `source` (a script, or with `library` a Functions library, includes expanded) as sent
/// in coverage mode, its counts logged under `id` (the SHA1 of `source`); `None` when it
/// does not parse (it is not bound then).
pub fn instrument(source: &str, id: &str, library: bool) -> Option<Instrumented> {
    crate::lua::on_roomy_stack(|| instrument_here(source, id, library)).flatten()
}

fn instrument_here(source: &str, id: &str, library: bool) -> Option<Instrumented> {
    let facts = if library {
        crate::lua::read_library(source).facts
    } else {
        crate::lua::read(source).facts
    };
    // Where a `redis.call` may raise (a library's load-time calls aside).
    let raising: Vec<usize> = facts
        .commands
        .iter()
        .filter(|call| {
            let loading = library && call.at_load;
            !call.protected && !loading
        })
        .map(|call| call.site.at.line)
        .collect();
    let ast = crate::lua::parse_for_tools(source)?;
    let callbacks = if library {
        crate::lua::callback_bodies(ast.nodes())
    } else {
        Vec::new()
    };
    let mut plan = Plan {
        library,
        callbacks,
        functions: Vec::new(),
        main_loops: 0,
        counted: Vec::new(),
        insertions: Vec::new(),
    };
    plan.visit_ast(&ast);
    plan.flush_before_calls(&raising);
    // The main chunk of a script flushes at its end, unless it ends with a `return`.
    if !library && ast.nodes().last_stmt().is_none() {
        plan.insert(source.len(), 2, "\n__rs_c.flush()".to_owned());
    }
    let first = first_code_line(source);
    // A file that is only a `#!` line gets a line for the prelude.
    let newline = if first > 0 && first == source.len() && !source.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    plan.insert(first, 0, format!("{newline}{}", prelude(id)));
    let mut text = String::with_capacity(source.len() * 2);
    let mut at = 0;
    plan.insertions
        .sort_by_key(|(offset, order, _)| (*offset, *order));
    // `return{1}`, `else(f)()`: a word inserted right after a word needs a space.
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    for (offset, _, inserted) in &plan.insertions {
        text.push_str(&source[at..*offset]);
        if glued(text.chars().next_back()) && glued(inserted.chars().next()) {
            text.push(' ');
        }
        text.push_str(inserted);
        at = *offset;
    }
    text.push_str(&source[at..]);
    let mut lines: Vec<usize> = plan.counted.iter().map(|(line, ..)| *line).collect();
    lines.sort_unstable();
    Some(Instrumented { text, lines })
}

/// The byte offset of the first line after a `#!` line (the start when there is none):
/// the `#!` line stays first, as the servers require.
fn first_code_line(source: &str) -> usize {
    if source.starts_with("#!") {
        source.find('\n').map_or(source.len(), |end| end + 1)
    } else {
        0
    }
}

/// The counter table, its `flush` function inside it (a script's top level gets one local
/// more, no other), on one line before the first line of code.
fn prelude(id: &str) -> String {
    let log = format!("redis.log(redis.LOG_WARNING, '{COVERAGE_MARK} {id}' .. __rs_s)");
    format!(
        "local __rs_c = {{}} __rs_c.flush = function(...) local __rs_s = '' \
         for __rs_l, __rs_h in pairs(__rs_c) do if __rs_l ~= 'flush' then \
         __rs_s = __rs_s .. ' ' .. __rs_l .. ':' .. __rs_h __rs_c[__rs_l] = nil \
         if #__rs_s > 800 then {log} __rs_s = '' end end end \
         if __rs_s ~= '' then {log} end return ... end "
    )
}

/// A function body the walk is in.
struct Frame {
    /// Whether it is a callback the library registers.
    registered: bool,
    /// Whether it is a callback's code: the callback, or a function inside one.
    callback_code: bool,
    /// How many loops of its own the walk is in.
    loops: usize,
}

/// What the walk decides to insert, and where.
struct Plan {
    library: bool,
    /// Where the bodies of a library's callbacks start (their parameter lists).
    callbacks: Vec<usize>,
    /// The function bodies the walk is in, innermost last.
    functions: Vec<Frame>,
    /// How many loops of the main chunk the walk is in.
    main_loops: usize,
    /// The lines counted, with the offset of the statement counted and whether a flush
    /// may go before it (not in a library's load-time code).
    counted: Vec<(usize, usize, bool)>,
    /// (byte offset, order among insertions at that offset, text).
    insertions: Vec<(usize, u8, String)>,
}

impl Plan {
    fn insert(&mut self, offset: usize, order: u8, text: String) {
        let entry = (offset, order, text);
        if !self.insertions.contains(&entry) {
            self.insertions.push(entry);
        }
    }

    /// Whether a `return` here returns the reply: in the main chunk of a script, or in the
    /// body of a library's callback.
    fn returns_the_reply(&self) -> bool {
        match self.functions.last() {
            None => !self.library,
            Some(frame) => frame.registered,
        }
    }

    /// Whether a write may go here: never in a loop (a write per turn could take as long
    /// as the loop), never while a library loads (Valkey 9.1 crashes): in a library only in
    /// the callbacks' code.
    fn may_write(&self) -> bool {
        match self.functions.last() {
            None => !self.library && self.main_loops == 0,
            Some(frame) => (!self.library || frame.callback_code) && frame.loops == 0,
        }
    }

    fn enter_loop(&mut self) {
        match self.functions.last_mut() {
            Some(frame) => frame.loops += 1,
            None => self.main_loops += 1,
        }
    }

    fn leave_loop(&mut self) {
        match self.functions.last_mut() {
            Some(frame) => frame.loops = frame.loops.saturating_sub(1),
            None => self.main_loops = self.main_loops.saturating_sub(1),
        }
    }

    /// Counts the statement starting at `node`, when it is the first of its line.
    fn count(&mut self, node: &impl Node) {
        let Some(start) = node.start_position() else {
            return;
        };
        let (line, offset) = (start.line(), start.bytes());
        if self.counted.iter().any(|(counted, ..)| *counted == line) {
            return;
        }
        let may_write = self.may_write();
        self.counted.push((line, offset, may_write));
        self.insert(
            offset,
            1,
            format!("__rs_c[{line}]=(__rs_c[{line}] or 0)+1;"),
        );
    }
}

impl Plan {
    /// Flushes before the statement of each line in `lines` (a `redis.call` there may
    /// raise, and a raised error writes nothing): before the first statement of the line
    /// itself, or of the closest line above it where a statement starts.
    fn flush_before_calls(&mut self, lines: &[usize]) {
        let mut flushed = Vec::new();
        for &line in lines {
            let statement = self
                .counted
                .iter()
                .filter(|(counted, ..)| *counted <= line)
                .max_by_key(|(counted, ..)| *counted)
                .copied();
            if let Some((counted, offset, true)) = statement
                && !flushed.contains(&counted)
            {
                flushed.push(counted);
                self.insert(offset, 2, "__rs_c.flush();".to_owned());
            }
        }
    }
}

impl Visitor for Plan {
    fn visit_function_body(&mut self, body: &FunctionBody) {
        let registered = self.library && self.callbacks.contains(&body_start(body));
        let inside = self
            .functions
            .last()
            .is_some_and(|frame| frame.callback_code);
        self.functions.push(Frame {
            registered,
            callback_code: registered || inside,
            loops: 0,
        });
        if registered
            && body.block().last_stmt().is_none()
            && let Some(end) = body.end_token().start_position()
        {
            self.insert(end.bytes(), 2, "__rs_c.flush() ".to_owned());
        }
    }

    fn visit_function_body_end(&mut self, _: &FunctionBody) {
        self.functions.pop();
    }

    fn visit_while(&mut self, _: &full_moon::ast::While) {
        self.enter_loop();
    }

    fn visit_while_end(&mut self, _: &full_moon::ast::While) {
        self.leave_loop();
    }

    fn visit_repeat(&mut self, _: &full_moon::ast::Repeat) {
        self.enter_loop();
    }

    fn visit_repeat_end(&mut self, _: &full_moon::ast::Repeat) {
        self.leave_loop();
    }

    fn visit_numeric_for(&mut self, _: &full_moon::ast::NumericFor) {
        self.enter_loop();
    }

    fn visit_numeric_for_end(&mut self, _: &full_moon::ast::NumericFor) {
        self.leave_loop();
    }

    fn visit_generic_for(&mut self, _: &full_moon::ast::GenericFor) {
        self.enter_loop();
    }

    fn visit_generic_for_end(&mut self, _: &full_moon::ast::GenericFor) {
        self.leave_loop();
    }

    fn visit_stmt(&mut self, stmt: &Stmt) {
        self.count(stmt);
        if self.may_write()
            && let Stmt::FunctionCall(call) = stmt
            && raises(call)
            && let Some(start) = stmt.start_position()
        {
            self.insert(start.bytes(), 2, "__rs_c.flush();".to_owned());
        }
    }

    fn visit_last_stmt(&mut self, last: &LastStmt) {
        self.count(last);
        let LastStmt::Return(ret) = last else {
            return;
        };
        if !self.returns_the_reply() {
            return;
        }
        let Some(after_keyword) = ret.token().end_position().map(|p| p.bytes()) else {
            return;
        };
        let first = ret.returns().iter().next().and_then(Node::start_position);
        // The end of the last token: full_moon ends an indexed expression (`t[k]`) before
        // its closing bracket.
        let last = ret
            .returns()
            .tokens()
            .filter_map(|token| token.token().end_position().into())
            .max_by_key(|position: &full_moon::tokenizer::Position| position.bytes());
        match (first, last) {
            (Some(start), Some(end)) => {
                self.insert(start.bytes(), 3, "__rs_c.flush(".to_owned());
                self.insert(end.bytes(), 0, ")".to_owned());
            }
            _ => self.insert(after_keyword, 3, " __rs_c.flush()".to_owned()),
        }
    }
}

/// Whether `call` is `error(...)` or `assert(...)`.
fn raises(call: &FunctionCall) -> bool {
    let Prefix::Name(name) = call.prefix() else {
        return false;
    };
    let is_call =
        matches!(call.suffixes().next(), Some(Suffix::Call(_))) && call.suffixes().count() == 1;
    is_call && matches!(name.token().to_string().as_str(), "error" | "assert")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_first_statement_of_each_line_and_keeps_every_line() {
        let source = "-- Counts.\n-- KEYS[1] = counter\nlocal n = redis.call('INCR', KEYS[1]) local m = 1\nif n > 10 then\n  return 0\nend\nreturn n\n";
        let done = instrument(source, "abc", false).unwrap();
        assert_eq!(done.lines, [3, 4, 5, 7]);
        assert_eq!(done.text.lines().count(), source.lines().count());
        let lines: Vec<&str> = done.text.lines().collect();
        assert!(lines[0].starts_with("local __rs_c = {} __rs_c.flush = function(...)"));
        assert!(lines[0].ends_with("-- Counts."));
        // The call may raise: what ran is written before it.
        assert_eq!(
            lines[2],
            "__rs_c[3]=(__rs_c[3] or 0)+1;__rs_c.flush();local n = redis.call('INCR', KEYS[1]) local m = 1"
        );
        assert_eq!(
            lines[4],
            "  __rs_c[5]=(__rs_c[5] or 0)+1;return __rs_c.flush(0)"
        );
        assert_eq!(
            lines[6],
            "__rs_c[7]=(__rs_c[7] or 0)+1;return __rs_c.flush(n)"
        );
        let indexed = instrument(
            "local r = {}\nreturn r[ARGV[1]], f(x)[1] -- two\n",
            "a",
            false,
        );
        assert!(
            indexed
                .unwrap()
                .text
                .ends_with("return __rs_c.flush(r[ARGV[1]], f(x)[1]) -- two\n"),
        );
    }

    #[test]
    fn a_script_that_can_end_without_return_flushes_at_its_end() {
        let source =
            "#!lua flags=no-writes\nredis.call('GET', KEYS[1])\nif ARGV[1] then error('bad') end";
        let done = instrument(source, "abc", false).unwrap();
        let lines: Vec<&str> = done.text.lines().collect();
        assert_eq!(lines[0], "#!lua flags=no-writes");
        assert!(
            lines[1].ends_with(
                "__rs_c[2]=(__rs_c[2] or 0)+1;__rs_c.flush();redis.call('GET', KEYS[1])"
            )
        );
        assert_eq!(
            lines[2],
            "__rs_c[3]=(__rs_c[3] or 0)+1;if ARGV[1] then __rs_c.flush();error('bad') end"
        );
        assert_eq!(lines[3], "__rs_c.flush()");
        assert_eq!(done.lines, [2, 3]);
    }

    #[test]
    fn only_a_library_s_callbacks_flush_and_never_at_load() {
        let source = "#!lua name=lib\nlocal function helper(x)\n  return x + 1\nend\nlocal function add(keys, args)\n  local n = helper(1)\n  if n then return n end\nend\nredis.register_function('add', add)\n";
        let done = instrument(source, "abc", true).unwrap();
        let lines: Vec<&str> = done.text.lines().collect();
        assert_eq!(lines[2], "  __rs_c[3]=(__rs_c[3] or 0)+1;return x + 1");
        assert_eq!(
            lines[6],
            "  __rs_c[7]=(__rs_c[7] or 0)+1;if n then return __rs_c.flush(n) end"
        );
        assert_eq!(lines[7], "__rs_c.flush() end");
        assert_eq!(done.lines, [2, 3, 5, 6, 7, 9]);
        assert!(instrument("local x = ", "abc", false).is_none());
    }

    #[test]
    fn a_library_never_writes_while_it_loads() {
        let source = "#!lua name=lib\nlocal function get(k) return redis.call('GET', k) end\nredis.register_function('get', function(keys)\n  return get(keys[1])\nend)\n";
        let done = instrument(source, "abc", true).unwrap();
        let lines: Vec<&str> = done.text.lines().collect();
        // Line 2 runs when the library loads: counted, never written there.
        assert!(lines[1].ends_with(
            "__rs_c[2]=(__rs_c[2] or 0)+1;local function get(k) return redis.call('GET', k) end"
        ));
        assert!(lines[2].starts_with("__rs_c[3]=(__rs_c[3] or 0)+1;redis.register_function"));
        assert_eq!(
            lines[3],
            "  __rs_c[4]=(__rs_c[4] or 0)+1;return __rs_c.flush(get(keys[1]))"
        );
    }

    #[test]
    fn words_glued_to_a_keyword_stay_apart() {
        let source =
            "if ARGV[1] then return{1} else(redis.log)(redis.LOG_NOTICE, 'x') end\nreturn\"s\"\n";
        let done = instrument(source, "abc", false).unwrap();
        let lines: Vec<&str> = done.text.lines().collect();
        assert!(
            lines[0].contains("then return __rs_c.flush({1}) else"),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines[1],
            "__rs_c[2]=(__rs_c[2] or 0)+1;return __rs_c.flush(\"s\")"
        );
        let nested = instrument("local x = 1\nif x then\nelse(print)(x) end\n", "abc", false);
        assert!(nested.unwrap().text.contains("else __rs_c[3]"));
    }

    #[test]
    fn nothing_is_written_per_turn_of_a_loop() {
        let source = "for i = 1, #KEYS do\n  redis.call('DEL', KEYS[i])\n  assert(i)\nend\nlocal n = redis.call('DBSIZE')\nreturn n\n";
        let done = instrument(source, "abc", false).unwrap();
        let lines: Vec<&str> = done.text.lines().collect();
        assert_eq!(
            lines[1],
            "  __rs_c[2]=(__rs_c[2] or 0)+1;redis.call('DEL', KEYS[i])"
        );
        assert_eq!(lines[2], "  __rs_c[3]=(__rs_c[3] or 0)+1;assert(i)");
        assert_eq!(
            lines[4],
            "__rs_c[5]=(__rs_c[5] or 0)+1;__rs_c.flush();local n = redis.call('DBSIZE')"
        );
    }

    #[test]
    fn a_library_s_callbacks_are_found_however_they_are_registered() {
        let source = "#!lua name=lib\nlocal function need(x)\n  assert(x)\nend\nneed(1)\nlocal add =\n  function(keys)\n    return 1\n  end\nredis.register_function{function_name = 'add', callback = add}\nredis.register_function('two', function(keys)\n  return 2\nend)\n";
        let done = instrument(source, "abc", true).unwrap();
        let lines: Vec<&str> = done.text.lines().collect();
        // A helper run while the library loads never writes.
        assert_eq!(lines[2], "  __rs_c[3]=(__rs_c[3] or 0)+1;assert(x)");
        assert_eq!(
            lines[7],
            "    __rs_c[8]=(__rs_c[8] or 0)+1;return __rs_c.flush(1)"
        );
        assert_eq!(
            lines[11],
            "  __rs_c[12]=(__rs_c[12] or 0)+1;return __rs_c.flush(2)"
        );
    }

    #[test]
    fn a_file_that_is_only_a_shebang_keeps_it_first() {
        let done = instrument("#!lua flags=no-writes", "abc", false).unwrap();
        assert!(
            done.text
                .starts_with("#!lua flags=no-writes\nlocal __rs_c = {}")
        );
    }
}
