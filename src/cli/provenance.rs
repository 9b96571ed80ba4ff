//! What `report.html` says of where a report came from: the scenario's description and the
//! command that reproduces it.

use std::path::Path;

use pekonode::report::Provenance;
use pekonode::scenario::Scenario;

/// `path` as a reproducing command names it: as given on the command line (so every shard of
/// a study, whatever its working directory, names it alike), quoted for a POSIX shell when it
/// holds anything but plain characters.
pub fn shown_path(path: &Path) -> String {
    quote(&path.display().to_string())
}

/// `word` quoted for a POSIX shell if it needs it.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The provenance of a report of `scenario` reproduced by `command`.
pub fn of(scenario: &Scenario, command: String) -> Provenance {
    Provenance::new(command, description(scenario).as_deref())
}

/// The scenario's description; one with `"auto"` parameters also says what they became.
pub fn description(scenario: &Scenario) -> Option<String> {
    let description = scenario.spec().description.clone();
    match scenario.advised() {
        Some(advised) => {
            let auto = format!("Auto: {advised}.");
            Some(description.map_or_else(|| auto.clone(), |d| format!("{d} {auto}")))
        }
        None => description,
    }
}

/// `pekonode run FILE --seed S` for one seed, `… --seeds N` for several.
pub fn run_command(file: &Path, scenario: &Scenario) -> String {
    let mut command = format!(
        "pekonode run {} --seed {}",
        shown_path(file),
        scenario.seed()
    );
    if scenario.seeds() > 1 {
        command.push_str(&format!(" --seeds {}", scenario.seeds()));
    }
    command
}

/// The command line this process was started with (for `cluster`, whose many flags have no
/// scenario file to stand for them).
pub fn this_command() -> String {
    let words: Vec<String> = std::env::args().skip(1).map(|w| quote(&w)).collect();
    format!("pekonode {}", words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(
            quote("scenarios/quickstart.json"),
            "scenarios/quickstart.json"
        );
        assert_eq!(quote("my file's.json"), r"'my file'\''s.json'");
        assert_eq!(quote("$(rm -rf)"), "'$(rm -rf)'");
    }
}
