//! Escaping text for HTML: every string that reaches `report.html` from a scenario file or a
//! run (names, descriptions, labels, paths) goes through here.

/// `text` safe as HTML element content and as a quoted attribute value.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON text safe inside a `<script type="application/json">` element: `<` (the only way to
/// close the element or open a comment) becomes `\u003c`, which JSON reads back as `<`. A `<`
/// can only occur inside a JSON string, where the escape is valid.
pub(crate) fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            esc(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(esc("n0 · 50 nodes"), "n0 · 50 nodes");
    }

    #[test]
    fn json_cannot_close_its_script() {
        let text = script_json(r#"{"name":"</script><b>"}"#);
        assert!(!text.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back["name"], "</script><b>");
    }
}
