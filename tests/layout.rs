//! The layout of `src/`: the module import graph has no cycle, and no source file is
//! longer than [`MAX_LINES`] before its `#[cfg(test)]` module.
//!
//! The graph is read from the text: every file is a module (a folder's `mod.rs` is
//! the folder's module, `lib.rs` the crate root, `main.rs` the binary's root), and
//! every path that starts with `crate::`, `super::`, `self::`, a child module's
//! name or (in the binary) `microcircuit::` is an edge to the deepest module it
//! names. `mod x;` declarations are containment, not imports; comments, string
//! literals and the `#[cfg(test)]` module are left out. A path to an item of the
//! crate root (`crate::Error`) is an edge to `lib.rs`, so code inside the crate uses
//! the defining module's path and leaves the root's re-exports to users.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest source file, in lines before its `#[cfg(test)]` module.
const MAX_LINES: usize = 600;

/// A module: its path from the crate root (`["model", "params"]`), with the root
/// of the binary under `"bin"`.
type ModPath = Vec<String>;

struct Source {
    file: String,
    module: ModPath,
    /// Lines before the `#[cfg(test)]` module.
    lines: usize,
    /// The code before it, without comments and literals.
    code: String,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module a file under `src/` defines.
fn module_of(rel: &Path) -> ModPath {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    match stem {
        "lib" if parts.is_empty() => {}
        "main" if parts.is_empty() => parts.push("bin".into()),
        "mod" => {}
        _ => parts.push(stem.into()),
    }
    // The command-line modules belong to the binary (`mod cli;` in main.rs).
    if parts.first().is_some_and(|p| p == "cli") {
        parts.insert(0, "bin".into());
    }
    parts
}

/// The text before the test module (a `#[cfg(test)]` line followed by `mod` or
/// `pub(crate) mod`).
fn before_tests(text: &str) -> (usize, String) {
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, l) in lines.iter().enumerate() {
        if l.trim() == "#[cfg(test)]" {
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            let n = next.map_or("", |n| n.trim_start());
            let n = n.strip_prefix("pub(crate) ").unwrap_or(n);
            if n.starts_with("mod ") {
                end = i;
                break;
            }
        }
    }
    (end, lines[..end].join("\n"))
}

/// `code` with comments, string and character literals blanked out.
fn strip(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < c.len() {
        let at = |j: usize| c.get(j).copied().unwrap_or('\0');
        if at(i) == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if at(i) == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if at(i) == 'r'
            && (at(i + 1) == '"'
                || (at(i + 1) == '#' && at(i + 2) == '#' || at(i + 1) == '#' && at(i + 2) == '"'))
            && (i == 0 || !(at(i - 1).is_alphanumeric() || at(i - 1) == '_'))
        {
            // Raw string r"..." / r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let close: Vec<char> = close.chars().collect();
            while j < c.len() && c[j..].iter().take(close.len()).ne(close.iter()) {
                j += 1;
            }
            i = j + close.len();
            out.push_str("\"\"");
        } else if at(i) == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if at(i) == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                let mut j = i + 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push_str("' '");
            } else {
                out.push('\'');
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// Every path in `code`, with `use` trees expanded (`a::{b, c::d}` gives `a::b` and
/// `a::c::d`); a path is the list of its segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if !is_ident(c[i]) || (i > 0 && (is_ident(c[i - 1]) || c[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < c.len() && is_ident(c[i]) {
            i += 1;
        }
        let word: String = c[start..i].iter().collect();
        if word == "use" {
            let end = c[i..]
                .iter()
                .position(|&x| x == ';')
                .map_or(c.len(), |p| i + p);
            let tree: String = c[i..end].iter().collect();
            expand(&tree, &mut Vec::new(), &mut out);
            i = end;
            continue;
        }
        // A plain path: word(::word)*.
        let mut segs = vec![word];
        while c.get(i) == Some(&':')
            && c.get(i + 1) == Some(&':')
            && c.get(i + 2).is_some_and(|&x| is_ident(x))
        {
            i += 2;
            let s = i;
            while i < c.len() && is_ident(c[i]) {
                i += 1;
            }
            segs.push(c[s..i].iter().collect());
        }
        if segs.len() > 1 {
            out.push(segs);
        }
    }
    out
}

/// Expands one `use` tree below `prefix`.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let segments = |s: &str| -> Vec<String> {
        s.split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "self" && *s != "*")
            .map(String::from)
            .collect()
    };
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let n = prefix.len();
        prefix.extend(segments(&tree[..open]));
        let inner: Vec<char> = tree[open + 1..tree.rfind('}').unwrap_or(tree.len())]
            .chars()
            .collect();
        let (mut depth, mut from) = (0, 0);
        for (j, &ch) in inner.iter().enumerate() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[from..j].iter().collect::<String>(), prefix, out);
                    from = j + 1;
                }
                _ => {}
            }
        }
        expand(&inner[from..].iter().collect::<String>(), prefix, out);
        prefix.truncate(n);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap_or(tree);
        let mut p = prefix.clone();
        p.extend(segments(path));
        out.push(p);
    }
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&root, &mut files);
    files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(&root).unwrap();
            let text = std::fs::read_to_string(f).unwrap();
            let (lines, code) = before_tests(&text);
            Source {
                file: format!("src/{}", rel.display()),
                module: module_of(rel),
                lines,
                code: strip(&code),
            }
        })
        .collect()
}

/// The module a path from `from` leads to: the deepest known module it names.
fn resolve(from: &ModPath, path: &[String], modules: &BTreeSet<ModPath>) -> Option<ModPath> {
    let in_bin = from.first().is_some_and(|m| m == "bin");
    let (mut at, rest): (ModPath, &[String]) = match path[0].as_str() {
        "crate" if in_bin => (vec!["bin".into()], &path[1..]),
        "crate" => (vec![], &path[1..]),
        "microcircuit" if in_bin => (vec![], &path[1..]),
        "self" => (from.clone(), &path[1..]),
        "super" => {
            let mut m = from.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                m.pop();
                rest = &rest[1..];
            }
            (m, rest)
        }
        _ => {
            let mut child = from.clone();
            child.push(path[0].clone());
            if !modules.contains(&child) {
                return None;
            }
            (child, &path[1..])
        }
    };
    for seg in rest {
        let mut next = at.clone();
        next.push(seg.clone());
        if !modules.contains(&next) {
            break;
        }
        at = next;
    }
    Some(at)
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// The import graph: module → the modules it names.
fn graph(srcs: &[Source]) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    // Test-only files (`#[cfg(test)] mod tests;`) are not part of the graph.
    let modules: BTreeSet<ModPath> = srcs
        .iter()
        .filter(|s| s.module.last().is_none_or(|m| m != "tests"))
        .map(|s| s.module.clone())
        .collect();
    let mut g = BTreeMap::new();
    for s in srcs.iter().filter(|s| modules.contains(&s.module)) {
        let edges: &mut BTreeSet<ModPath> = g.entry(s.module.clone()).or_default();
        for p in paths(&s.code) {
            if let Some(to) = resolve(&s.module, &p, &modules)
                && to != s.module
            {
                edges.insert(to);
            }
        }
    }
    g
}

/// A cycle of `g` as a list of modules (first = last), if there is one.
fn find_cycle(g: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Option<Vec<ModPath>> {
    fn dfs(
        n: &ModPath,
        g: &BTreeMap<ModPath, BTreeSet<ModPath>>,
        state: &mut BTreeMap<ModPath, u8>,
        stack: &mut Vec<ModPath>,
    ) -> Option<Vec<ModPath>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|x| x == m).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = dfs(m, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n).copied().unwrap_or(0) == 0
            && let Some(c) = dfs(n, g, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let g = graph(&sources());
    if let Some(c) = find_cycle(&g) {
        let names: Vec<String> = c.iter().map(name).collect();
        panic!("import cycle: {}", names.join(" -> "));
    }
}

#[test]
fn no_source_file_is_longer_than_the_limit() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.lines > MAX_LINES)
        .map(|s| format!("{}: {} lines before its tests", s.file, s.lines))
        .collect();
    assert!(
        long.is_empty(),
        "longer than {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checker_sees_cycles_and_paths() {
    // Paths of every form, and use trees.
    let code = strip(
        "use crate::a::{b::{self, C}, d as e};\n// crate::x::y\nlet s = \"crate::z::w\";\n\
         super::f::g(); child::h(); 'c'; fn f<'a>(x: &'a str) {}",
    );
    let p = paths(&code);
    let has = |want: &[&str]| {
        p.iter()
            .any(|q| q.iter().map(String::as_str).eq(want.iter().copied()))
    };
    assert!(has(&["crate", "a", "b"]), "{p:?}");
    assert!(has(&["crate", "a", "b", "C"]), "{p:?}");
    assert!(has(&["crate", "a", "d"]), "{p:?}");
    assert!(has(&["super", "f", "g"]), "{p:?}");
    assert!(has(&["child", "h"]), "{p:?}");
    assert!(!p.iter().flatten().any(|s| s == "x" || s == "z"), "{p:?}");
    // A two-module cycle is found and named.
    let m = |s: &str| -> ModPath { s.split("::").map(String::from).collect() };
    let mut g = BTreeMap::new();
    g.insert(m("a"), BTreeSet::from([m("b")]));
    g.insert(m("b"), BTreeSet::from([m("c")]));
    g.insert(m("c"), BTreeSet::from([m("a")]));
    let c = find_cycle(&g).unwrap();
    assert_eq!(c.iter().map(name).collect::<Vec<_>>(), ["a", "b", "c", "a"]);
    g.insert(m("c"), BTreeSet::new());
    assert!(find_cycle(&g).is_none());
}
