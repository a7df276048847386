//! Rust parameter names for header entries (checked when given, inferred when not),
//! method names for library functions, and how close two names are (for suggestions).

/// Words Rust reserves: a parameter cannot be named after one of them.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Leading words that say nothing about the value.
const FILLER_WORDS: &[&str] = &["a", "an", "the"];

/// At most this many words of a description make an inferred name.
const MAX_NAME_WORDS: usize = 4;

/// Whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    RUST_KEYWORDS.contains(&word)
}

/// Whether `word` is a name a header may give: lowercase snake_case, not `_`.
pub fn is_snake_case_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && word != "_"
}

/// Infers a parameter name from an entry's description.
///
/// Takes the words before the first parenthesis or punctuation, drops a leading article,
/// keeps at most four, lowercases them and joins them with `_`:
/// "Maximum tokens (bucket capacity)" gives `maximum_tokens`, "Rate limit key (e.g.,
/// ...)" gives `rate_limit_key`. Returns `None` when no word is left.
pub fn infer(description: &str) -> Option<String> {
    let head = description
        .split(['(', ',', '.', ';', ':', '[', '{', '"', '\''])
        .next()
        .unwrap_or_default();
    let words: Vec<String> = head
        .split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(camel_case_parts)
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let skip = usize::from(words.len() > 1 && FILLER_WORDS.contains(&words[0].as_str()));
    let name = words
        .into_iter()
        .skip(skip)
        .take(MAX_NAME_WORDS)
        .collect::<Vec<_>>()
        .join("_");
    if name.is_empty() {
        return None;
    }
    Some(make_identifier(name))
}

/// The Rust method name of a library function registered as `function`: snake_case
/// (`myHset` and `my_hset` give `my_hset`, `HSET` gives `hset`), with the fixes of
/// [`infer`] for digits first and keywords.
pub fn method_name(function: &str) -> String {
    let words: Vec<String> = function
        .split('_')
        .flat_map(camel_case_parts)
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.is_empty() {
        return "function".to_owned();
    }
    make_identifier(words.join("_"))
}

/// `name` in UpperCamelCase, for Rust type and variant names: `INSUFFICIENT_BALANCE` gives
/// `InsufficientBalance`, `next_job` and `nextJob` give `NextJob`.
pub fn upper_camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(camel_case_parts)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect()
}

/// The parts of a camelCase word (`pushCmd` gives `push`, `Cmd`; `jobID` gives `job`, `ID`).
fn camel_case_parts(word: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = word.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase() {
            parts.push(&word[start..i]);
            start = i;
        }
    }
    parts.push(&word[start..]);
    parts
}

/// Turns a snake_case word into a usable identifier: digits first get a `n_` prefix and
/// keywords an `_` suffix.
fn make_identifier(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n_{name}")
    } else if is_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// Makes inferred names unique: where a name is already taken, appends `_2`, `_3`, ...
///
/// `names` holds `(name, given)`; given names are never changed (clashes between them
/// are reported elsewhere).
pub fn deduplicate(names: &mut [(String, bool)]) {
    let given: Vec<String> = names
        .iter()
        .filter(|(_, given)| *given)
        .map(|(name, _)| name.clone())
        .collect();
    let mut taken: Vec<String> = given;
    for (name, given) in names.iter_mut() {
        if *given {
            continue;
        }
        let mut candidate = name.clone();
        let mut suffix = 2;
        while taken.contains(&candidate) {
            candidate = format!("{name}_{suffix}");
            suffix += 1;
        }
        taken.push(candidate.clone());
        *name = candidate;
    }
}

/// Levenshtein distance between two short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_names_from_the_seed_descriptions() {
        assert_eq!(
            infer("Rate limit key (e.g., \"ratelimit:user:123\")").unwrap(),
            "rate_limit_key"
        );
        assert_eq!(
            infer("Maximum tokens (bucket capacity)").unwrap(),
            "maximum_tokens"
        );
        assert_eq!(
            infer("Refill rate (tokens per second)").unwrap(),
            "refill_rate"
        );
        assert_eq!(
            infer("Requested tokens (usually 1)").unwrap(),
            "requested_tokens"
        );
        assert_eq!(infer("rate limit key").unwrap(), "rate_limit_key");
        assert_eq!(infer("window (seconds)").unwrap(), "window");
        assert_eq!(infer("limit").unwrap(), "limit");
    }

    #[test]
    fn camel_case_words_are_split() {
        assert_eq!(infer("pushCmd").unwrap(), "push_cmd");
        assert_eq!(infer("jobID of the parent").unwrap(), "job_id_of_the");
        assert_eq!(infer("HTTP status").unwrap(), "http_status");
    }

    #[test]
    fn long_descriptions_keep_four_words_without_articles() {
        assert_eq!(
            infer("The key of the account that pays, as a string").unwrap(),
            "key_of_the_account"
        );
        assert_eq!(infer("A").unwrap(), "a");
    }

    #[test]
    fn keywords_digits_and_empty_descriptions() {
        assert_eq!(infer("type").unwrap(), "type_");
        assert_eq!(infer("Match (exact)").unwrap(), "match_");
        assert_eq!(infer("1st value").unwrap(), "n_1st_value");
        assert_eq!(infer("(nothing)"), None);
        assert_eq!(infer("   "), None);
        assert_eq!(infer("Größe der Liste").unwrap(), "gr_e_der_liste");
    }

    #[test]
    fn checks_given_names() {
        assert!(is_snake_case_identifier("bucket_2"));
        assert!(is_snake_case_identifier("_private"));
        assert!(!is_snake_case_identifier("_"));
        assert!(!is_snake_case_identifier("Bucket"));
        assert!(!is_snake_case_identifier("2nd"));
        assert!(!is_snake_case_identifier(""));
        assert!(is_keyword("type"));
        assert!(!is_keyword("typed"));
    }

    #[test]
    fn clashing_inferred_names_get_suffixes() {
        let mut names = vec![
            ("user".to_owned(), false),
            ("user".to_owned(), false),
            ("user_2".to_owned(), true),
            ("amount".to_owned(), false),
        ];
        deduplicate(&mut names);
        let names: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["user", "user_3", "user_2", "amount"]);
    }
}
