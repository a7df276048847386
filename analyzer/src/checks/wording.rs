//! Words the messages of several checks share.

/// What the checked code is, for messages: `script`, or `function` for a library's
/// (`function` names it).
pub(crate) fn unit(function: Option<&str>) -> &'static str {
    if function.is_some() {
        "function"
    } else {
        "script"
    }
}
