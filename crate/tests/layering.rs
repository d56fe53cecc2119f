//! The core reads one way (DESIGN.md): har, net, logs -> signals -> timeline, report, redact -> rules ->
//! analysis -> wasm, CLI. This test reads every source file of crate/src and fails on an import cycle between
//! its folders (top-level modules), or between the files of one folder, naming the cycle.
//!
//! References are `crate::x::...` and `super::...` paths in library code (a file's `#[cfg(test)]` module is
//! not read: tests may use anything).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module path of a source file: `src/rules/idle_timeout.rs` -> `["rules", "idle_timeout"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_owned());
    }
    parts
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module paths a file's library code refers to, resolved to absolute paths from the crate root.
fn references(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut refs = Vec::new();
    let bytes = code.as_bytes();
    let ident = |from: usize| -> (String, usize) {
        let end =
            code[from..].find(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(code.len(), |i| from + i);
        (code[from..end].to_owned(), end)
    };
    for (start, kind) in code
        .match_indices("crate::")
        .map(|(i, _)| (i, "crate"))
        .chain(code.match_indices("super::").map(|(i, _)| (i, "super")))
    {
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let mut path: Vec<String> =
            if kind == "crate" { Vec::new() } else { module[..module.len().saturating_sub(1)].to_vec() };
        let mut at = start + kind.len() + 2;
        // `super::super::x`
        while code[at..].starts_with("super::") {
            path.pop();
            at += "super::".len();
        }
        if code[at..].starts_with('{') {
            // `use super::{a, b::c}`: each first segment.
            let close = code[at..].find('}').map_or(code.len(), |i| at + i);
            for item in code[at + 1..close].split(',') {
                let first = item.trim().split("::").next().unwrap_or_default().trim().to_owned();
                if !first.is_empty() && first != "self" {
                    let mut p = path.clone();
                    p.push(first);
                    refs.push(p);
                }
            }
            continue;
        }
        let (name, _) = ident(at);
        if !name.is_empty() {
            path.push(name);
            refs.push(path);
        }
    }
    refs
}

/// A cycle in a graph, if any (depth-first search).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_between_folders_or_between_the_files_of_a_folder() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|f| module_of(&src, f)).collect();
    // Edges between top-level modules, and per folder between its files.
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut siblings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &all {
        let module = module_of(&src, file);
        if module.first().is_some_and(|m| m == "bin") || module.is_empty() {
            continue; // the CLI and lib.rs sit on top of everything
        }
        let text = std::fs::read_to_string(file).unwrap();
        if text.contains("#![cfg(test)]") {
            continue; // test support, compiled only for tests
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for target in references(&module, code) {
            // The longest known module the reference names (a path may end in an item).
            let Some(known) =
                (1..=target.len()).rev().map(|n| target[..n].to_vec()).find(|p| modules.contains(p))
            else {
                continue;
            };
            if known[0] != module[0] {
                folders.entry(module[0].clone()).or_default().insert(known[0].clone());
            } else if module.len() >= 2
                && known.len() >= 2
                && known[..known.len() - 1] == module[..module.len() - 1]
                && known != module
            {
                siblings.entry(module.join("::")).or_default().insert(known.join("::"));
            }
        }
    }
    assert!(
        folders.contains_key("rules") && folders["rules"].contains("timeline"),
        "the reader found the edges: {folders:?}"
    );
    if let Some(cycle) = find_cycle(&folders) {
        panic!("import cycle between crate/src folders: {}", cycle.join(" -> "));
    }
    if let Some(cycle) = find_cycle(&siblings) {
        panic!("import cycle between the files of one folder: {}", cycle.join(" -> "));
    }
}
