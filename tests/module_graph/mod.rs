//! The module tree of one crate, read from its source: which file defines which module, and
//! what each file imports and names. `tests/module_cycles.rs` builds the file graph from it.

mod lex;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lex::Tok;

/// A module's path from the crate root (`[]` is the root).
pub type ModPath = Vec<String>;

/// One name a `use` declaration brings in: `use a::b::C as D;` is path `[a, b, C]`, alias `D`.
#[derive(Debug)]
pub struct Use {
    /// The full path; the last segment is `*` for a glob.
    pub path: Vec<String>,
    /// The name it is known by in the file (`*` for a glob).
    pub alias: String,
    /// `pub use` (any visibility): a re-export, perhaps not used by the file itself.
    pub public: bool,
}

/// What the test needs to know of one non-test source file.
#[derive(Debug)]
pub struct File {
    /// Path from the repository root, for messages.
    pub rel: String,
    /// The module this file defines.
    pub module: ModPath,
    /// Its `use` declarations, flattened.
    pub uses: Vec<Use>,
    /// Paths written in code (not in `use` declarations), e.g. `super::view::Lag`.
    pub paths: Vec<Vec<String>>,
    /// Every identifier in code outside `use` declarations.
    pub idents: BTreeSet<String>,
    /// Names of items the file defines (over-approximated: methods count too).
    pub defines: BTreeSet<String>,
}

/// One crate: its files and where each module lives.
pub struct Crate {
    /// A name for messages.
    pub name: String,
    /// Its non-test files.
    pub files: Vec<File>,
    /// Module path to index in `files`.
    pub modules: BTreeMap<ModPath, usize>,
    /// Modules declared without `pub`: only their parent's subtree may name them.
    pub private: BTreeSet<ModPath>,
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads the crate whose root file is `root_file` (relative to the repository), following
/// `mod x;` declarations that are not `#[cfg(test)]`.
pub fn load(name: &str, root_file: &str) -> Crate {
    let mut krate = Crate {
        name: name.to_string(),
        files: Vec::new(),
        modules: BTreeMap::new(),
        private: BTreeSet::new(),
    };
    let mut todo = vec![(root().join(root_file), ModPath::new())];
    while let Some((path, module)) = todo.pop() {
        let src =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (file, mods) = parse(&path, module.clone(), &src);
        // Children of `lib.rs`, `main.rs` and `mod.rs` sit beside them; of `x.rs`, in `x/`.
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let parent = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let dir = match stem {
            "lib" | "main" | "mod" => parent,
            _ => parent.join(stem),
        };
        for (m, public) in mods {
            let flat = dir.join(format!("{m}.rs"));
            let child = if flat.exists() {
                flat
            } else {
                dir.join(&m).join("mod.rs")
            };
            let mut sub = module.clone();
            sub.push(m);
            if !public {
                krate.private.insert(sub.clone());
            }
            todo.push((child, sub));
        }
        krate.modules.insert(module, krate.files.len());
        krate.files.push(file);
    }
    krate
}

fn id(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Id(s)) => Some(s),
        _ => None,
    }
}

const ITEM_KEYWORDS: &[&str] = &[
    "fn", "struct", "enum", "trait", "type", "const", "static", "union", "mod",
];

/// Parses one file; also returns the child modules it declares (and whether each is `pub`).
fn parse(path: &Path, module: ModPath, src: &str) -> (File, Vec<(String, bool)>) {
    let toks = lex::without_test_items(lex::tokens(&lex::blank(src)));
    let rel = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let mut file = File {
        rel,
        module,
        uses: Vec::new(),
        paths: Vec::new(),
        idents: BTreeSet::new(),
        defines: BTreeSet::new(),
    };
    let mut mods = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let word = id(toks.get(i));
        if word == Some("use") {
            let public = (1..=5).any(|back| {
                i >= back && id(toks.get(i - back)) == Some("pub") && {
                    // Only `pub use` or `pub(…) use`: stop at an earlier statement's end.
                    !toks[i - back..i]
                        .iter()
                        .any(|t| matches!(t, Tok::P(';' | '{' | '}')))
                }
            });
            let end = (i..toks.len())
                .find(|&k| toks[k] == Tok::P(';'))
                .unwrap_or(toks.len());
            let mut k = i + 1;
            use_tree(&toks[..end], &mut k, Vec::new(), public, &mut file.uses);
            i = end + 1;
            continue;
        }
        if let Some(w) = word {
            if w == "mod" && toks.get(i + 2) == Some(&Tok::P(';')) {
                if let Some(m) = id(toks.get(i + 1)) {
                    // `pub mod x;` or `pub(…) mod x;`
                    let public = id(toks.get(i.wrapping_sub(1))) == Some("pub")
                        || (i > 0 && toks[i - 1] == Tok::P(')'));
                    mods.push((m.to_string(), public));
                }
            }
            if ITEM_KEYWORDS.contains(&w)
                || (w == "macro_rules" && toks.get(i + 1) == Some(&Tok::P('!')))
            {
                let at = if w == "macro_rules" { i + 2 } else { i + 1 };
                if let Some(name) = id(toks.get(at)) {
                    file.defines.insert(name.to_string());
                }
            }
            file.idents.insert(w.to_string());
            let starts_path =
                (i == 0 || toks[i - 1] != Tok::Colons) && toks.get(i + 1) == Some(&Tok::Colons);
            if starts_path {
                let mut segs = vec![w.to_string()];
                let mut k = i + 1;
                while toks.get(k) == Some(&Tok::Colons) {
                    match id(toks.get(k + 1)) {
                        Some(s) => segs.push(s.to_string()),
                        None => break,
                    }
                    k += 2;
                }
                file.paths.push(segs);
            }
        }
        i += 1;
    }
    (file, mods)
}

/// Flattens a use tree (`a::{b::C, d::*, self}`) into one `Use` per name.
fn use_tree(
    toks: &[Tok],
    i: &mut usize,
    mut prefix: Vec<String>,
    public: bool,
    out: &mut Vec<Use>,
) {
    while *i < toks.len() {
        match &toks[*i] {
            Tok::Colons => *i += 1,
            Tok::P('*') => {
                *i += 1;
                prefix.push("*".to_string());
                out.push(Use {
                    path: prefix,
                    alias: "*".to_string(),
                    public,
                });
                return;
            }
            Tok::P('{') => {
                *i += 1;
                while *i < toks.len() && toks[*i] != Tok::P('}') {
                    use_tree(toks, i, prefix.clone(), public, out);
                    if toks.get(*i) == Some(&Tok::P(',')) {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            Tok::Id(s) => {
                *i += 1;
                if s != "self" || prefix.is_empty() {
                    prefix.push(s.clone());
                }
                if toks.get(*i) == Some(&Tok::Colons) {
                    continue;
                }
                let mut alias = prefix.last().cloned().unwrap_or_default();
                if id(toks.get(*i)) == Some("as") {
                    alias = id(toks.get(*i + 1)).unwrap_or("_").to_string();
                    *i += 2;
                }
                out.push(Use {
                    path: prefix,
                    alias,
                    public,
                });
                return;
            }
            _ => {
                *i += 1;
                return;
            }
        }
    }
}

/// Every `.rs` file under `dir` (relative to the repository), as repository-relative paths.
pub fn all_files(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p.strip_prefix(root()).unwrap_or(&p).display().to_string());
            }
        }
    }
    out
}
