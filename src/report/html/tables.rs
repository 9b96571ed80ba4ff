//! The summary tables of `report.html`, as HTML tables with the very cells the terminal
//! tables print.

use std::fmt::Write as _;

use super::esc;
use crate::report::rows::{seeds_rows, sweep_rows, SEEDS_HEAD};
use crate::study::seeds::SeedSummary;
use crate::study::sweep::SweepResult;

/// An HTML table with a header row and body rows (cells escaped); numeric-looking columns
/// are right-aligned by the style sheet through `class="num"`.
fn table<S: AsRef<str>>(head: &[S], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h.as_ref()));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i > 0 && looks_numeric(cell) {
                let _ = write!(out, "<td class=\"num\">{}</td>", esc(cell));
            } else {
                let _ = write!(out, "<td>{}</td>", esc(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

fn looks_numeric(cell: &str) -> bool {
    !cell.is_empty()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | ',' | ' ' | '…' | 'e'))
}

/// The table of one run, from the printed table: `key  value` lines become rows, `!!` lines
/// (the explosion guard) a warning above and below.
pub(crate) fn run_table(text: &str) -> String {
    let mut out = String::new();
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    for line in text.lines() {
        if let Some(warning) = line.strip_prefix("!! ") {
            warnings.push(warning);
        } else if let Some((key, value)) = line.split_once("  ") {
            rows.push((key.trim(), value.trim()));
        } else if !line.trim().is_empty() {
            rows.push((line.trim(), ""));
        }
    }
    for w in &warnings {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", esc(w));
    }
    out.push_str("<table class=\"facts-table\">\n<tbody>\n");
    for (key, value) in rows {
        let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(key), esc(value));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The multi-seed statistics, one row per metric.
pub(crate) fn seeds_table(s: &SeedSummary) -> String {
    let rows: Vec<Vec<String>> = seeds_rows(s).into_iter().map(Vec::from).collect();
    let mut out = String::new();
    for stop in &s.guard_stops {
        let _ = writeln!(
            out,
            "<p class=\"warning\">seed {}: {}</p>",
            stop.seed,
            esc(&stop.message)
        );
    }
    out.push_str(&table(&SEEDS_HEAD, &rows));
    if s.seeds.len() > 1 {
        out.push_str(
            "<p class=\"note\">sd: sample standard deviation over seeds; 95 % CI: mean ± \
             t(0.975, n − 1) · sd / √n</p>\n",
        );
    }
    out
}

/// The sweep's points, one row each (the cells of `sweep.md`).
pub(crate) fn sweep_table(r: &SweepResult) -> String {
    let (head, rows) = sweep_rows(r);
    table(&head, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_table_keeps_every_row_and_escapes() {
        let html = run_table("!! stopped <now>\nscenario  a<b>\nseed      1\n");
        assert!(html.contains("<p class=\"warning\">stopped &lt;now&gt;</p>"));
        assert!(html.contains("<tr><th>scenario</th><td>a&lt;b&gt;</td></tr>"));
        assert!(html.contains("<tr><th>seed</th><td>1</td></tr>"));
    }

    #[test]
    fn numbers_are_right_aligned_words_are_not() {
        let html = table(
            &["a", "b", "c"],
            &[vec!["x".into(), "1,234.5".into(), "never".into()]],
        );
        assert!(html.contains("<td class=\"num\">1,234.5</td><td>never</td>"));
    }
}
