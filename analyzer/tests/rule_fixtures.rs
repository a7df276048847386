//! The rule fixtures (`tests/rules/<rule>/<case>.lua`, see `support/fixtures.rs`): the
//! analyzer finds in each exactly what its `.expect` lists for the default target, and
//! every rule has a fixture that breaks it and a near-miss that does not. What the servers
//! do with the same fixtures is the workspace's differential test (`tests/rules.rs`).

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/readme_table.rs"]
mod readme_table;

use redis_script_analyzer::RULES;

/// `line:column rule message` of every finding of `fixture` for the target of its
/// findings, in the file it is in (an included helper's finding is reported on its
/// `@include` line).
fn findings(fixture: &fixtures::Fixture) -> Vec<String> {
    let (diagnostics, sources) = fixture.analyze(&fixtures::root(), fixture.findings_target());
    diagnostics
        .iter()
        .map(|diagnostic| {
            let (_, _, mapped) = sources.mapped(diagnostic);
            format!(
                "{}:{} {} {}",
                mapped.location.line, mapped.location.column, mapped.rule.name, mapped.message
            )
        })
        .collect()
}

/// With `UPDATE_RULE_FIXTURES=1`, writes what the analyzer finds into the `.expect`
/// files instead (review the diff).
#[test]
fn each_fixture_gets_the_findings_it_expects() {
    let mut wrong = Vec::new();
    let all = fixtures::all(&fixtures::root());
    let update = std::env::var_os("UPDATE_RULE_FIXTURES").is_some();
    for fixture in &all {
        let found = findings(fixture);
        if update && found != fixture.findings {
            let mut spec: Vec<&str> = fixture
                .spec
                .lines()
                .filter(|line| !fixture.findings.iter().any(|f| f == line.trim()))
                .collect();
            spec.extend(found.iter().map(String::as_str));
            std::fs::write(&fixture.expect_path, spec.join("\n") + "\n").unwrap();
            continue;
        }
        if found != fixture.findings {
            wrong.push(format!(
                "{}: expected {:?}, found {:?}",
                fixture.relative, fixture.findings, found
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(all.len() >= 2 * RULES.len(), "{} fixtures", all.len());
}

#[test]
fn every_rule_has_a_fixture_that_breaks_it_and_a_near_miss() {
    let all = fixtures::all(&fixtures::root());
    let mut missing = Vec::new();
    for rule in RULES {
        let filed: Vec<_> = all.iter().filter(|f| f.rule == rule.name).collect();
        if !filed.iter().any(|f| f.breaks_its_rule()) {
            missing.push(format!("{}: no fixture breaks it", rule.name));
        }
        if !filed.iter().any(|f| !f.breaks_its_rule()) {
            missing.push(format!("{}: no near-miss", rule.name));
        }
    }
    for fixture in &all {
        assert!(
            RULES.iter().any(|rule| rule.name == fixture.rule),
            "{} is filed under no rule",
            fixture.relative
        );
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The README's table of rules shows every rule as declared (`UPDATE_README=1` rewrites
/// it; the server columns are the differential test's).
#[test]
fn the_readme_lists_every_rule_as_declared() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (updated, wrong) =
        readme_table::declared_columns(&readme).unwrap_or_else(|e| panic!("README.md: {e}"));
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        wrong.is_empty(),
        "the README's rules table differs from the rules (run with UPDATE_README=1 and review):\n{}",
        wrong.join("\n")
    );
}
