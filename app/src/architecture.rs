//! The layout's rules, checked against the source: shared plumbing (`kit`) and the shell know
//! no domain area, an area reads another area's `mod.rs`/`model.rs` but never its store, and
//! no file imports its way back to itself. Paths are read as text (`crate::…`, `super::…`,
//! `app::…` under `use` and in expressions), which is all this crate's style uses.

use crate::kit::source::{collect, strip_comments};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules that are plumbing or wiring, not domain areas.
const NOT_AREAS: &[&str] = &["kit", "shell", "architecture", "demo"];

/// Files that must import no area.
fn knows_no_area(module: &[String]) -> bool {
    matches!(module.first().map(String::as_str), Some("kit" | "shell"))
}

/// A store: SQL of its own area only. An area's `store` (and what lies in it), or a
/// sub-area's (`accounts/login/store`): any module below the area named so.
fn is_store(module: &[String]) -> bool {
    module
        .iter()
        .skip(1)
        .any(|part| matches!(part.as_str(), "store" | "queries"))
}

struct Source {
    module: Vec<String>,
    text: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).unwrap();
            let mut module: Vec<String> = relative
                .with_extension("")
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            Source {
                module,
                text: strip_comments(&text),
            }
        })
        .collect()
}

/// Every path the text names from `start` on (`crate::a::b`, `crate::a::{b, c::d}`), as
/// segments after the prefix.
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let (path, after) = segments(rest);
        if after.starts_with('{') {
            let close = after.find('}').unwrap_or(after.len());
            for item in after[1..close].split(',') {
                let (more, _) = segments(item.trim());
                if !more.is_empty() {
                    out.push(path.iter().cloned().chain(more).collect());
                }
            }
        } else if !path.is_empty() {
            out.push(path);
        }
    }
    out
}

/// `a::b::c` at the start of `text`, and what follows it.
fn segments(text: &str) -> (Vec<String>, &str) {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        parts.push(rest[..end].to_owned());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(more) => rest = more,
            None => break,
        }
    }
    (parts, rest)
}

/// The longest module of `modules` that `path` starts with.
fn resolve(modules: &BTreeSet<Vec<String>>, path: &[String]) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|candidate| modules.contains(candidate))
}

/// Module → the modules it names.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let sources = sources();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut graph = BTreeMap::new();
    for source in &sources {
        let mut targets = BTreeSet::new();
        for path in paths_after(&source.text, "crate::") {
            targets.extend(resolve(&modules, &path));
        }
        // `super::x`: a sibling module when one is named so, else the parent itself. (Inside
        // an inline `mod ssr`, `super` is the file itself: naming its own items is no edge.)
        let parent = &source.module[..source.module.len().saturating_sub(1)];
        for path in paths_after(&source.text, "super::") {
            let full: Vec<String> = parent.iter().cloned().chain(path).collect();
            if let Some(target) = resolve(&modules, &full) {
                if target.len() > parent.len() {
                    targets.insert(target);
                }
            }
        }
        targets.remove(&source.module);
        graph.insert(source.module.clone(), targets);
    }
    graph
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "lib".into()
    } else {
        module.join("/")
    }
}

#[test]
fn kit_and_shell_know_no_area() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, targets) in &graph {
        if !knows_no_area(module) {
            continue;
        }
        for target in targets {
            if let Some(area) = target.first() {
                if !NOT_AREAS.contains(&area.as_str()) {
                    wrong.push(format!("{} -> {}", name(module), name(target)));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "kit and shell import areas:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_area_reads_another_area_s_store() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, targets) in &graph {
        for target in targets {
            // The demo data is written through the areas' own stores, on purpose.
            let demo = module.first().is_some_and(|m| m == "demo");
            if is_store(target) && module.first() != target.first() && !demo {
                wrong.push(format!("{} -> {}", name(module), name(target)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "stores read from other areas:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_file_imports_its_way_back_to_itself() {
    let graph = graph();
    // A parent's `mod.rs` declaring and re-exporting its children is how Rust spells a
    // folder, not an import: only edges between files other than a folder and its own
    // children count.
    let edges = |module: &Vec<String>| -> Vec<Vec<String>> {
        graph[module]
            .iter()
            .filter(|target| !(target.len() > module.len() && target.starts_with(module)))
            .filter(|target| !(module.len() > target.len() && module.starts_with(target)))
            .cloned()
            .collect()
    };
    let mut circles = Vec::new();
    for start in graph.keys() {
        // Depth-first from `start`, looking for a way back to it through larger names only,
        // so that each circle is reported once (from its smallest file).
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, trail)) = stack.pop() {
            for next in edges(&at) {
                if next == *start {
                    circles.push(
                        trail
                            .iter()
                            .map(|m| name(m))
                            .collect::<Vec<_>>()
                            .join(" -> "),
                    );
                } else if next > *start && seen.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next, longer));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_reader_sees_paths_as_written() {
    let text = "use crate::kit::{db::Db, forms};\nlet x = super::queries::list(); // crate::no\n";
    assert_eq!(
        paths_after(&strip_comments(text), "crate::"),
        vec![
            vec!["kit".to_string(), "db".into(), "Db".into()],
            vec!["kit".to_string(), "forms".into()],
        ]
    );
    assert_eq!(
        paths_after(text, "super::"),
        vec![vec!["queries".to_string(), "list".into()]]
    );
}

#[test]
fn stores_are_found_in_areas_and_their_sub_areas() {
    let module = |path: &str| -> Vec<String> { path.split('/').map(str::to_owned).collect() };
    assert!(is_store(&module("tickets/store")));
    assert!(is_store(&module("users/store/activity")));
    assert!(is_store(&module("accounts/login/store")));
    assert!(is_store(&module("accounts/registration/store")));
    assert!(!is_store(&module("store")));
    assert!(!is_store(&module("accounts/login")));
    assert!(!is_store(&module("accounts/login/model")));
    assert!(!is_store(&module("tickets/api")));
}
