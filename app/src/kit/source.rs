//! The crate's own source as the structure tests read it (the layout rules, the locale
//! keys): its files, and their code without line comments.

use std::path::{Path, PathBuf};

/// Every `.rs` file below `dir`.
pub fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code without line comments (doc comments name paths they do not import).
pub fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // `://` is a URL inside a string, not a comment.
            Some(at) if !line[..at].ends_with(':') && !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}
