//! Just enough of a Rust lexer for the module-cycle test: comments, strings and character
//! literals are blanked first (a doc comment's example or a message naming `crate::x` is no
//! import), then the rest is cut into identifiers, `::` and single punctuation characters.

/// One token of blanked source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword (`$crate` reads as `crate`; numbers land here too).
    Id(String),
    /// The path separator `::`.
    Colons,
    /// Any other character that is not white space.
    P(char),
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The source with comments, string and character literals replaced by spaces (line breaks
/// kept), so that only code is left to read paths from.
pub fn blank(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let keep = |out: &mut String, from: &[char]| {
        for &ch in from {
            out.push(if ch == '\n' { '\n' } else { ' ' });
        }
    };
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied().unwrap_or('\0');
        // `br"…"` is a raw string too: its `b` does not make the `r` part of an identifier.
        let word_start = |k: usize| k == 0 || !is_ident(c[k - 1]);
        let prev_ident = !(word_start(i) || (at(i - 1) == 'b' && word_start(i - 1)));
        let end = if at(i) == '/' && at(i + 1) == '/' {
            (i..c.len()).find(|&k| c[k] == '\n').unwrap_or(c.len())
        } else if at(i) == '/' && at(i + 1) == '*' {
            // Block comments nest in Rust.
            let (mut k, mut depth) = (i, 0usize);
            while k < c.len() {
                if at(k) == '/' && at(k + 1) == '*' {
                    depth += 1;
                    k += 2;
                } else if at(k) == '*' && at(k + 1) == '/' {
                    depth -= 1;
                    k += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    k += 1;
                }
            }
            k
        } else if at(i) == 'r' && !prev_ident && matches!(at(i + 1), '"' | '#') {
            // r"..." or r#"..."#; `r#ident` (a raw identifier) has no quote after the hashes.
            let hashes = (i + 1..c.len()).take_while(|&k| c[k] == '#').count();
            if at(i + 1 + hashes) != '"' {
                out.push(c[i]);
                i += 1;
                continue;
            }
            let mut k = i + 2 + hashes;
            while k < c.len() && !(c[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#')) {
                k += 1;
            }
            (k + 1 + hashes).min(c.len())
        } else if at(i) == '"' {
            let mut k = i + 1;
            while k < c.len() && c[k] != '"' {
                k += if c[k] == '\\' { 2 } else { 1 };
            }
            (k + 1).min(c.len())
        } else if at(i) == '\'' && at(i + 1) == '\\' {
            (i + 3..c.len())
                .find(|&k| c[k] == '\'')
                .map_or(c.len(), |k| k + 1)
        } else if at(i) == '\'' && at(i + 2) == '\'' {
            i + 3
        } else {
            // Code, a lifetime's quote included.
            out.push(c[i]);
            i += 1;
            continue;
        };
        keep(&mut out, &c[i..end]);
        i = end;
    }
    out
}

/// Blanked source cut into tokens.
pub fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if is_ident(ch) || (ch == '$' && c.get(i + 1).is_some_and(|&n| is_ident(n))) {
            let start = if ch == '$' { i + 1 } else { i };
            let end = (start..c.len())
                .find(|&k| !is_ident(c[k]))
                .unwrap_or(c.len());
            out.push(Tok::Id(c[start..end].iter().collect()));
            i = end;
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::Colons);
            i += 2;
        } else {
            out.push(Tok::P(ch));
            i += 1;
        }
    }
    out
}

/// The index just past the bracket group that opens at `open` (`(`, `[` or `{`).
pub fn close(toks: &[Tok], open: usize) -> usize {
    let (mut depth, mut k) = (0usize, open);
    while k < toks.len() {
        match toks[k] {
            Tok::P('(' | '[' | '{') => depth += 1,
            Tok::P(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
        k += 1;
    }
    toks.len()
}

/// The tokens without any item marked `#[cfg(test)]`: unit tests may import whatever they
/// test, so their imports are no part of the module graph.
pub fn without_test_items(toks: Vec<Tok>) -> Vec<Tok> {
    let id = |s: &str| Tok::Id(s.to_string());
    let cfg_test = [
        Tok::P('#'),
        Tok::P('['),
        id("cfg"),
        Tok::P('('),
        id("test"),
        Tok::P(')'),
        Tok::P(']'),
    ];
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if !toks[i..].starts_with(&cfg_test) {
            out.push(toks[i].clone());
            i += 1;
            continue;
        }
        i += cfg_test.len();
        // Further attributes, then the item up to its `;` or the end of its first `{…}`.
        while toks.get(i) == Some(&Tok::P('#')) {
            i = close(&toks, i + 1);
        }
        while i < toks.len() {
            match toks[i] {
                Tok::P(';') => {
                    i += 1;
                    break;
                }
                Tok::P('{') => {
                    i = close(&toks, i);
                    break;
                }
                Tok::P('(' | '[') => i = close(&toks, i),
                _ => i += 1,
            }
        }
    }
    out
}
