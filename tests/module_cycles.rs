//! No module cycles, file by file. Within each crate, file A depends on file B when A names an
//! item B defines: through `use crate::…`, `use super::…`, `use self::…`, a `use` of a child
//! module by its bare name, or such a path written inline in code (`super::view::Lag`). A
//! cycle (A needs B needs A) means the two files are one concept split in two, or a third
//! concept both lean on that wants its own file; either way neither can be read, moved or
//! tested alone.
//!
//! The rules the graph is built by, chosen to be exact enough to act on and simple enough to
//! read here:
//!
//! - Test code is left out: files named `tests.rs`, `*_tests.rs`, `tests_*.rs` or under a
//!   `tests/` folder, and every item marked `#[cfg(test)]` (a unit test may import anything).
//! - A path resolves to the file that defines the last module it names; the next segment is
//!   the item's name (`crate::scenario::validate::Checker` → `src/scenario/validate.rs`).
//! - A name that file only imports or re-exports (`pub use child::Name`, `use sibling::Name`,
//!   or a glob re-export `pub use child::*` of a module that defines it) resolves on to the
//!   file that defines it, so a hub's re-exports never stand between two real files — as far
//!   as the importer could have named that file's module itself. A private `mod clock;` in
//!   `view.rs` is `view.rs`'s own business: `forwarding.rs` importing `view::Clock` depends
//!   on `view.rs`, through whose interface it has to go.
//! - A file's use of its own ancestors (`super::Name` or `crate::Name` defined in the `mod.rs`
//!   or `lib.rs` above it) is no edge: a child module is a part of its parent, which declared
//!   it to share the parent's definitions. The cycles this test hunts run between files that
//!   are not nested in one another (siblings, cousins), or from a parent down and back up
//!   through a sibling.
//! - A re-export is no dependency of the hub itself unless the hub's own code uses the name
//!   (a `mod.rs` that only says `pub use table::Table;` does not need `table.rs`). A private
//!   `use` always is (it may bring in a trait for its methods).
//! - Importing a module (`use super::html;`) is no edge; the paths through it
//!   (`html::tables::row`) are.
//! - Macros by `macro_rules!` scope and `#[path]` on non-test modules are not followed; the
//!   crates use neither for non-test code.

mod module_graph;

use std::collections::{BTreeMap, BTreeSet};

use module_graph::{Crate, ModPath};

/// The crates of the workspace, with their root files.
const CRATES: &[(&str, &str)] = &[
    ("pekonode-proto", "crates/proto/src/lib.rs"),
    ("pekonode-run", "crates/run/src/lib.rs"),
    ("pekonode-sim", "crates/sim/src/lib.rs"),
    ("pekonode-udp", "crates/udp/src/lib.rs"),
    ("pekonode (library)", "src/lib.rs"),
    ("pekonode (binary)", "src/main.rs"),
];

/// Deep enough for any chain of re-exports; a guard against `use a as b; use b as a` loops.
const MAX_DEPTH: usize = 16;

/// Edges of one crate's file graph: from file, to file, with the names that tie them.
type Edges = BTreeMap<usize, BTreeMap<usize, BTreeSet<String>>>;

struct Resolver<'a> {
    k: &'a Crate,
}

impl Resolver<'_> {
    fn file(&self, m: &ModPath) -> Option<usize> {
        self.k.modules.get(m).copied()
    }

    /// Where a path written in file `f` leads: the last module it names, and the segment after
    /// it (the item's name), if any. `None` for paths outside the crate (`std::…`, other crates,
    /// types and variants).
    fn walk(&self, f: usize, segs: &[String], depth: usize) -> Option<(ModPath, Option<String>)> {
        let here = &self.k.files[f].module;
        let first = segs.first()?;
        let (mut cur, mut rest) = match first.as_str() {
            "crate" => (ModPath::new(), &segs[1..]),
            "self" => (here.clone(), &segs[1..]),
            "super" => {
                let mut cur = here.clone();
                let mut rest = segs;
                while rest.first().is_some_and(|s| s == "super") {
                    cur.pop()?;
                    rest = &rest[1..];
                }
                (cur, rest)
            }
            name => {
                let mut child = here.clone();
                child.push(name.to_string());
                if self.file(&child).is_some() {
                    (child, &segs[1..])
                } else {
                    (self.module_alias(f, name, depth + 1)?, &segs[1..])
                }
            }
        };
        while let Some(s) = rest.first() {
            let mut next = cur.clone();
            next.push(s.clone());
            if self.file(&next).is_none() {
                break;
            }
            cur = next;
            rest = &rest[1..];
        }
        Some((cur, rest.first().cloned()))
    }

    /// The module a name stands for in file `f` when a `use` imported a module under it.
    fn module_alias(&self, f: usize, name: &str, depth: usize) -> Option<ModPath> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.k.files[f]
            .uses
            .iter()
            .filter(|u| u.alias == name)
            .find_map(|u| match self.walk(f, &u.path, depth + 1)? {
                (m, None) => Some(m),
                _ => None,
            })
    }

    /// The file that defines `name` as module `m` offers it, following imports and re-exports.
    /// `from` is the module of the file that asked: a re-export is followed only into modules
    /// it may name.
    fn origin(&self, from: &ModPath, m: &ModPath, name: &str, depth: usize) -> Option<usize> {
        let f = self.file(m)?;
        let file = &self.k.files[f];
        if name == "*" || depth > MAX_DEPTH {
            return Some(f);
        }
        for u in file.uses.iter().filter(|u| u.alias == name) {
            if let Some((m2, n2)) = self.walk(f, &u.path, depth + 1) {
                if !self.visible(from, &m2) {
                    return Some(f);
                }
                return match n2 {
                    Some(n2) => self.origin(from, &m2, &n2, depth + 1),
                    None => self.file(&m2),
                };
            }
        }
        if file.defines.contains(name) {
            return Some(f);
        }
        for u in file.uses.iter().filter(|u| u.alias == "*") {
            let Some((m2, None)) = self.walk(f, &u.path[..u.path.len() - 1], depth + 1) else {
                continue;
            };
            let Some(g) = self.file(&m2) else { continue };
            let there = &self.k.files[g];
            let offers = there.defines.contains(name) || there.uses.iter().any(|u| u.alias == name);
            if offers && self.visible(from, &m2) {
                return self.origin(from, &m2, name, depth + 1);
            }
        }
        Some(f)
    }

    /// Whether code in module `from` may name module `m`: every private module on the way
    /// must be declared by `from` or one of its ancestors.
    fn visible(&self, from: &ModPath, m: &ModPath) -> bool {
        (1..=m.len()).all(|k| !self.k.private.contains(&m[..k]) || from.starts_with(&m[..k - 1]))
    }

    /// The file a path written in file `f` depends on, and the name that ties them.
    fn target(&self, f: usize, path: &[String]) -> Option<(usize, String)> {
        let (m, name) = self.walk(f, path, 0)?;
        let name = name?;
        let from = &self.k.files[f].module;
        Some((self.origin(from, &m, &name, 0)?, name))
    }

    fn edges(&self) -> Edges {
        let mut edges = Edges::new();
        for (f, file) in self.k.files.iter().enumerate() {
            let used = file.uses.iter().filter(|u| {
                // A re-export the file's own code does not use is a facade, not a need.
                !u.public || (u.alias != "*" && file.idents.contains(&u.alias))
            });
            let paths = used.map(|u| &u.path).chain(file.paths.iter());
            for path in paths {
                if let Some((to, name)) = self.target(f, path) {
                    // An ancestor's definitions are the context a child module was made in.
                    let ancestor = file.module.starts_with(&self.k.files[to].module);
                    if to != f && !ancestor {
                        edges
                            .entry(f)
                            .or_default()
                            .entry(to)
                            .or_default()
                            .insert(name);
                    }
                }
            }
        }
        edges
    }
}

/// Strongly connected components with more than one file (Tarjan's algorithm).
fn cycles(n: usize, edges: &Edges) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a Edges,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let succ: Vec<usize> = s
            .edges
            .get(&v)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default();
        for w in succ {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort_unstable();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}

/// The shortest cycle through `start` within the component (breadth first).
fn shortest_cycle(start: usize, comp: &[usize], edges: &Edges) -> Vec<usize> {
    let mut came: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in edges
            .get(&v)
            .map(|m| m.keys().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if !comp.contains(&w) || came.contains_key(&w) {
                continue;
            }
            came.insert(w, v);
            if w == start {
                let mut path = vec![start];
                let mut at = v;
                while at != start {
                    path.push(at);
                    at = came[&at];
                }
                path.push(start);
                path.reverse();
                return path;
            }
            queue.push_back(w);
        }
    }
    vec![start]
}

fn report(k: &Crate) -> Vec<String> {
    let edges = Resolver { k }.edges();
    let name = |f: usize| k.files[f].rel.clone();
    let mut out = Vec::new();
    for comp in cycles(k.files.len(), &edges) {
        let cycle = shortest_cycle(comp[0], &comp, &edges);
        let mut text = format!(
            "{}: {} files in a cycle, e.g. {}\n",
            k.name,
            comp.len(),
            cycle
                .iter()
                .map(|&f| name(f))
                .collect::<Vec<_>>()
                .join(" -> ")
        );
        for &a in &comp {
            for (&b, names) in edges.get(&a).into_iter().flatten() {
                if comp.contains(&b) {
                    let names: Vec<_> = names.iter().map(String::as_str).collect();
                    text += &format!("    {} -> {}: {}\n", name(a), name(b), names.join(", "));
                }
            }
        }
        out.push(text);
    }
    out
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let found: Vec<String> = CRATES
        .iter()
        .flat_map(|(name, root)| report(&module_graph::load(name, root)))
        .collect();
    assert!(
        found.is_empty(),
        "{} module cycle(s); move the shared definitions so that imports run one way:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// A test-only file by name; the cycle check leaves these out.
fn test_only(rel: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    file == "tests.rs"
        || file.ends_with("_tests.rs")
        || file.starts_with("tests_")
        || rel.contains("/tests/")
}

#[test]
fn the_cycle_check_reads_every_source_file() {
    let loaded: BTreeSet<String> = CRATES
        .iter()
        .flat_map(|(name, root)| module_graph::load(name, root).files)
        .map(|f| f.rel)
        .collect();
    assert!(loaded.len() > 50, "only {} files found", loaded.len());
    let dirs = [
        "crates/proto/src",
        "crates/run/src",
        "crates/sim/src",
        "crates/udp/src",
        "src",
    ];
    let missed: Vec<String> = dirs
        .iter()
        .flat_map(|d| module_graph::all_files(d))
        .filter(|f| !loaded.contains(f) && !test_only(f))
        .collect();
    assert!(
        missed.is_empty(),
        "not reached from a crate root: {missed:?}"
    );
}
