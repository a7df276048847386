//! The shape of a command's arguments, as `COMMAND DOCS` describes it, against the words a
//! script passes: repeated groups (the field/value pairs of `HSET`), option tokens (`SET k
//! v EX 10`), and how many words there must be.
//!
//! Only what is certain is reported. A word known only at run time may be any value or any
//! token; a list that ends with a call or `...` (any number of words) is not matched at
//! all. A string literal where a number goes must read as one (with the forms Redis
//! accepts: `-inf`, `+inf`, and `(1.5` for exclusive ranges). Consecutive optional
//! arguments are matched in any order, as Redis parses options (`SET k v EX 10 NX` and
//! `SET k v NX EX 10` both work).

use std::collections::{BTreeSet, HashSet};

/// Positions in the words, sorted, without repeats.
type Positions = Vec<usize>;

/// `positions` sorted, without repeats.
fn normalized(mut positions: Positions) -> Positions {
    positions.sort_unstable();
    positions.dedup();
    positions
}

use super::commands::{Arg, ArgKind};
use super::target::Target;

/// One word a script passes, as far as its form tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word<'a> {
    /// A string literal: a value, or maybe a token.
    Text(&'a str),
    /// A number literal: a value.
    Number,
    /// Known only at run time: any one word.
    Dynamic,
}

/// Where the words stop fitting the command's shape, and what would fit there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The index of the first word that does not fit (the number of words when one is
    /// missing at the end).
    pub at: usize,
    /// What would fit there: tokens in capitals, values as `<name>`.
    pub expected: Vec<String>,
    /// Whether the command could also end there (the word at `at` is one too many).
    pub could_end: bool,
}

/// Matches `words` against `args`, the arguments of a command, for `target` (arguments
/// added in a later version are left out).
pub fn check(args: &[Arg], words: &[Word<'_>], target: Target) -> Result<(), Mismatch> {
    let mut matcher = Matcher {
        words,
        target,
        furthest: 0,
        expected: BTreeSet::new(),
    };
    let ends = matcher.sequence(args, 0);
    if ends.contains(&words.len()) {
        return Ok(());
    }
    let longest = ends.iter().copied().max();
    match longest {
        // Every reading ends before the words do, past any failed attempt: the next
        // word is one too many.
        Some(longest) if longest > matcher.furthest => Err(Mismatch {
            at: longest,
            expected: Vec::new(),
            could_end: true,
        }),
        _ => Err(Mismatch {
            at: matcher.furthest,
            expected: matcher.expected.into_iter().collect(),
            could_end: longest == Some(matcher.furthest),
        }),
    }
}

struct Matcher<'w> {
    words: &'w [Word<'w>],
    target: Target,
    /// The furthest word a failed match stopped at.
    furthest: usize,
    /// What would have fit at `furthest`.
    expected: BTreeSet<String>,
}

/// How many consecutive optional arguments are matched in any order (beyond that, in the
/// order written, to bound the work).
const MAX_UNORDERED: usize = 16;

impl Matcher<'_> {
    /// Every position where `args`, in order, can end when they start at `start`.
    fn sequence(&mut self, args: &[Arg], start: usize) -> Positions {
        let mut positions = vec![start];
        let mut i = 0;
        while i < args.len() && !positions.is_empty() {
            if !self.available(&args[i]) {
                i += 1;
            } else if args[i].optional() {
                let run_end = args[i..]
                    .iter()
                    .position(|arg| !arg.optional())
                    .map_or(args.len(), |n| i + n);
                let run: Vec<&Arg> = args[i..run_end]
                    .iter()
                    .filter(|arg| self.available(arg))
                    .collect();
                let mut next = Vec::new();
                for p in positions {
                    next.extend(self.options(&run, p));
                }
                positions = normalized(next);
                i = run_end;
            } else {
                let mut next = Vec::new();
                for p in positions {
                    next.extend(self.repeated(&args[i], p));
                }
                positions = normalized(next);
                i += 1;
            }
        }
        positions
    }

    /// Whether `arg` exists in the target version.
    fn available(&self, arg: &Arg) -> bool {
        self.target.has_since(arg.since)
    }

    /// Every end of any number of the optional `run`, each at most once, in any order.
    fn options(&mut self, run: &[&Arg], start: usize) -> Positions {
        if run.len() > MAX_UNORDERED {
            let mut positions = vec![start];
            for arg in run {
                let mut more = Vec::new();
                for &p in &positions {
                    more.extend(self.repeated(arg, p));
                }
                positions.extend(more);
                positions = normalized(positions);
            }
            return positions;
        }
        let mut ends = Vec::new();
        let mut seen = HashSet::new();
        let mut pending = vec![(start, 0_u32)];
        while let Some((position, used)) = pending.pop() {
            if !seen.insert((position, used)) {
                continue;
            }
            ends.push(position);
            for (k, arg) in run.iter().enumerate() {
                if used & (1 << k) == 0 {
                    for end in self.repeated(arg, position) {
                        pending.push((end, used | 1 << k));
                    }
                }
            }
        }
        normalized(ends)
    }

    /// Every end of `arg` once, or repeated when it may be.
    fn repeated(&mut self, arg: &Arg, start: usize) -> Positions {
        let token_once = arg.multiple() && !arg.multiple_token() && arg.kind != ArgKind::PureToken;
        let body_start = match (token_once, arg.token) {
            (true, Some(token)) => match self.token(token, start) {
                Some(next) => next,
                None => return Vec::new(),
            },
            _ => start,
        };
        let once = |matcher: &mut Self, position: usize| {
            if token_once {
                matcher.body(arg, position)
            } else {
                matcher.single(arg, position)
            }
        };
        let mut ends = once(self, body_start);
        if arg.multiple() {
            let mut frontier = ends.clone();
            while !frontier.is_empty() {
                let mut next = Vec::new();
                for p in frontier {
                    next.extend(once(self, p).into_iter().filter(|end| !ends.contains(end)));
                }
                let next = normalized(next);
                ends.extend(next.iter().copied());
                frontier = next;
            }
            ends = normalized(ends);
        }
        ends
    }

    /// Every end of one occurrence of `arg`: its token, if any, then its body.
    fn single(&mut self, arg: &Arg, start: usize) -> Positions {
        match (arg.kind, arg.token) {
            (ArgKind::PureToken, Some(token)) => self.token(token, start).into_iter().collect(),
            (_, Some(token)) => match self.token(token, start) {
                Some(next) => self.body(arg, next),
                None => Vec::new(),
            },
            (_, None) => self.body(arg, start),
        }
    }

    /// Every end of `arg`'s body (what follows its token).
    fn body(&mut self, arg: &Arg, start: usize) -> Positions {
        match arg.kind {
            ArgKind::PureToken => vec![start],
            ArgKind::OneOf => {
                let mut ends = Vec::new();
                for choice in arg.args {
                    if self.available(choice) {
                        ends.extend(self.repeated(choice, start));
                    }
                }
                normalized(ends)
            }
            ArgKind::Block => self.sequence(arg.args, start),
            _ => self.value(arg, start).into_iter().collect(),
        }
    }

    /// One value word at `start`.
    fn value(&mut self, arg: &Arg, start: usize) -> Option<usize> {
        let fits = match (self.words.get(start), arg.kind) {
            (None, _) => false,
            (Some(Word::Text(text)), ArgKind::Integer | ArgKind::UnixTime) => {
                text.trim().parse::<i64>().is_ok()
            }
            (Some(Word::Text(text)), ArgKind::Double) => reads_as_double(text),
            (Some(_), _) => true,
        };
        if fits {
            return Some(start + 1);
        }
        self.missed(start, format!("<{}>", arg.name));
        None
    }

    /// `token` at `start`: a literal equal to it (any case), or a word known only at run
    /// time.
    fn token(&mut self, token: &str, start: usize) -> Option<usize> {
        let fits = match self.words.get(start) {
            Some(Word::Text(text)) => text.eq_ignore_ascii_case(token),
            Some(Word::Dynamic) => true,
            Some(Word::Number) | None => false,
        };
        if fits {
            Some(start + 1)
        } else {
            self.missed(start, token.to_ascii_uppercase());
            None
        }
    }

    fn missed(&mut self, at: usize, expected: String) {
        if at > self.furthest {
            self.furthest = at;
            self.expected.clear();
        }
        if at == self.furthest {
            self.expected.insert(expected);
        }
    }
}

/// Whether Redis reads `text` as a double: a number, `inf` with a sign or not, or either
/// after the `(` of an exclusive range bound.
fn reads_as_double(text: &str) -> bool {
    let text = text.trim();
    let text = text.strip_prefix('(').unwrap_or(text);
    text.parse::<f64>().is_ok()
        || matches!(text.to_ascii_lowercase().as_str(), "inf" | "+inf" | "-inf")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::redis::target::Family;
    use crate::redis::version::RedisVersion;

    const V: Target = Target {
        family: Family::Redis,
        version: RedisVersion::new(7, 0),
    };
    const OPT: u8 = Arg::OPTIONAL;

    const SET: &[Arg] = &[
        Arg::new("key", ArgKind::Key, None, 0, None, &[]),
        Arg::new("value", ArgKind::String, None, 0, None, &[]),
        Arg::new(
            "condition",
            ArgKind::OneOf,
            None,
            OPT,
            None,
            &[
                Arg::new("nx", ArgKind::PureToken, Some("NX"), 0, None, &[]),
                Arg::new("xx", ArgKind::PureToken, Some("XX"), 0, None, &[]),
            ],
        ),
        Arg::new(
            "get",
            ArgKind::PureToken,
            Some("GET"),
            OPT,
            Some(RedisVersion::new(6, 2)),
            &[],
        ),
        Arg::new(
            "expiration",
            ArgKind::OneOf,
            None,
            OPT,
            None,
            &[
                Arg::new("seconds", ArgKind::Integer, Some("EX"), 0, None, &[]),
                Arg::new("keepttl", ArgKind::PureToken, Some("KEEPTTL"), 0, None, &[]),
            ],
        ),
    ];

    const HSET: &[Arg] = &[
        Arg::new("key", ArgKind::Key, None, 0, None, &[]),
        Arg::new(
            "data",
            ArgKind::Block,
            None,
            Arg::MULTIPLE,
            None,
            &[
                Arg::new("field", ArgKind::String, None, 0, None, &[]),
                Arg::new("value", ArgKind::String, None, 0, None, &[]),
            ],
        ),
    ];

    const SORT_GET: &[Arg] = &[
        Arg::new("key", ArgKind::Key, None, 0, None, &[]),
        Arg::new(
            "pattern",
            ArgKind::Pattern,
            Some("GET"),
            OPT | Arg::MULTIPLE | Arg::MULTIPLE_TOKEN,
            None,
            &[],
        ),
    ];

    fn texts<'a>(words: &[&'a str]) -> Vec<Word<'a>> {
        words
            .iter()
            .map(|w| match *w {
                "?" => Word::Dynamic,
                "1" | "10" => Word::Number,
                text => Word::Text(text),
            })
            .collect()
    }

    #[test]
    fn options_in_any_order_and_dynamic_tokens() {
        for words in [
            &["k", "v"][..],
            &["k", "v", "NX"],
            &["k", "v", "ex", "10", "nx"],
            &["k", "v", "GET", "KEEPTTL", "XX"],
            &["k", "v", "?", "?"],
        ] {
            assert_eq!(check(SET, &texts(words), V), Ok(()), "{words:?}");
        }
    }

    #[test]
    fn an_unknown_option_is_named_with_what_fits() {
        let mismatch = check(SET, &texts(&["k", "v", "EXX", "10"]), V).unwrap_err();
        assert_eq!(mismatch.at, 2);
        assert_eq!(mismatch.expected, ["EX", "GET", "KEEPTTL", "NX", "XX"]);
        let twice = check(SET, &texts(&["k", "v", "NX", "NX"]), V).unwrap_err();
        assert_eq!(
            (twice.at, twice.could_end, twice.expected),
            (
                3,
                true,
                vec!["EX".to_owned(), "GET".to_owned(), "KEEPTTL".to_owned()]
            )
        );
        let missing = check(SET, &texts(&["k", "v", "EX"]), V).unwrap_err();
        assert_eq!(
            (missing.at, missing.expected),
            (3, vec!["<seconds>".to_owned()])
        );
    }

    #[test]
    fn repeated_groups_need_whole_groups() {
        assert_eq!(check(HSET, &texts(&["k", "f", "v", "f2", "v2"]), V), Ok(()));
        let odd = check(HSET, &texts(&["k", "f", "v", "f2"]), V).unwrap_err();
        assert_eq!((odd.at, odd.expected), (4, vec!["<value>".to_owned()]));
        let none = check(HSET, &texts(&["k"]), V).unwrap_err();
        assert_eq!(none.at, 1);
        assert_eq!(check(HSET, &texts(&["?", "?", "?"]), V), Ok(()));
    }

    #[test]
    fn a_repeated_token_comes_before_each_value() {
        assert_eq!(
            check(SORT_GET, &texts(&["k", "GET", "a", "GET", "b"]), V),
            Ok(())
        );
        let without = check(SORT_GET, &texts(&["k", "GET", "a", "b"]), V).unwrap_err();
        assert_eq!(without.at, 3);
    }

    #[test]
    fn arguments_of_later_versions_are_left_out() {
        let old = Target {
            family: Family::Redis,
            version: RedisVersion::new(6, 0),
        };
        assert!(check(SET, &texts(&["k", "v", "GET"]), old).is_err());
        assert_eq!(check(SET, &texts(&["k", "v", "GET"]), V), Ok(()));
    }
}
