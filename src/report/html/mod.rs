//! `report.html`: one self-contained page beside every report (one run, many seeds, a sweep).
//!
//! No network and no external file: the charts are inlined as SVG, the style and the small
//! playback script are inlined too, so the page works opened straight from disk (`file://`),
//! offline. It shows the scenario, its description, the seed(s), the program version and the
//! command that reproduces the report, every chart and the summary tables; a single simulated
//! run of at most [`PLAYBACK_MAX_NODES`](crate::run::outcome::PLAYBACK_MAX_NODES) nodes also
//! gets an infection playback ([`playback`]).
//!
//! The page is deterministic like every other report file: the same report gives the same
//! bytes (no timestamp, no map iteration order).

mod escape;
mod playback;
mod tables;

use std::fmt::Write as _;

use crate::run::Outcome;
use crate::study::seeds::SeedSummary;
use crate::study::sweep::SweepResult;

pub(crate) use escape::esc;

/// File name of the page.
pub const HTML_FILE: &str = "report.html";

/// The page's style sheet.
const STYLE: &str = include_str!("style.css");
/// Catches script errors into the page (`data-errors` on `<html>`), for people and for the
/// headless-browser test.
const ERRORS_JS: &str = include_str!("errors.js");

/// Where a report came from, shown in the header of `report.html`: what the [`Outcome`] alone
/// does not know.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The scenario's `description`, if it has one.
    pub description: Option<String>,
    /// The command line that reproduces the report, e.g.
    /// `pekonode run scenarios/quickstart.json --seed 1`.
    pub command: Option<String>,
    /// The revisions of the builds that ran the simulations, when other than this one (a
    /// merge of unit results: [`crate::study::merge::Merge::revisions`]); empty for this
    /// build. Only `provenance.json` names them (see [`crate::report::PROVENANCE_FILE`]).
    pub revisions: Vec<String>,
}

impl Provenance {
    /// A provenance with the reproducing `command` and the scenario's `description`.
    pub fn new(command: impl Into<String>, description: Option<&str>) -> Provenance {
        Provenance {
            description: description.map(str::to_owned),
            command: Some(command.into()),
            revisions: Vec::new(),
        }
    }
}

/// One chart to inline: its file stem and SVG text.
pub(crate) struct InlineChart<'a> {
    /// File stem (`convergence`); the `.svg` and `.png` beside the page are linked.
    pub(crate) stem: &'a str,
    /// The SVG document.
    pub(crate) svg: &'a str,
}

/// A page under construction: header facts, then sections in order.
struct Page {
    title: String,
    facts: Vec<(&'static str, String)>,
    provenance: Provenance,
    sections: Vec<(&'static str, &'static str, String)>,
}

impl Page {
    fn new(title: &str, provenance: &Provenance) -> Page {
        Page {
            title: title.to_owned(),
            facts: Vec::new(),
            provenance: provenance.clone(),
            sections: Vec::new(),
        }
    }

    fn fact(&mut self, name: &'static str, value: String) {
        self.facts.push((name, value));
    }

    /// Adds a section with an `id`, a heading and its inner HTML.
    fn section(&mut self, id: &'static str, heading: &'static str, body: String) {
        self.sections.push((id, heading, body));
    }

    fn charts(&mut self, charts: &[InlineChart<'_>]) {
        if charts.is_empty() {
            return;
        }
        let mut body = String::new();
        for c in charts {
            let stem = esc(c.stem);
            let _ = write!(
                body,
                "<figure id=\"chart-{stem}\">\n{}\n<figcaption>{stem} · \
                 <a href=\"{stem}.svg\">svg</a> · <a href=\"{stem}.png\">png</a></figcaption>\n</figure>\n",
                strip_xml_prolog(c.svg).trim_end()
            );
        }
        self.section("charts", "Charts", body);
    }

    fn finish(self) -> String {
        let mut out = String::with_capacity(64 * 1024);
        let title = esc(&self.title);
        let version = env!("CARGO_PKG_VERSION");
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\" data-errors=\"0\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"pekonode {version}\">\n\
             <title>{title} · pekonode report</title>\n<style>\n{STYLE}</style>\n\
             <script>\n{ERRORS_JS}</script>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n"
        );
        if let Some(d) = &self.provenance.description {
            let _ = writeln!(out, "<p class=\"description\">{}</p>", esc(d));
        }
        out.push_str("<dl class=\"facts\">\n");
        for (name, value) in &self.facts {
            let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(name), esc(value));
        }
        let _ = writeln!(out, "<dt>program</dt><dd>pekonode {version}</dd>");
        if let Some(c) = &self.provenance.command {
            let _ = writeln!(
                out,
                "<dt>reproduce</dt><dd><code id=\"command\">{}</code></dd>",
                esc(c)
            );
        }
        out.push_str("</dl>\n<nav>");
        let links: Vec<String> = self
            .sections
            .iter()
            .map(|(id, heading, _)| format!("<a href=\"#{id}\">{heading}</a>"))
            .collect();
        out.push_str(&links.join(" · "));
        out.push_str("</nav>\n</header>\n<main>\n");
        for (id, heading, body) in &self.sections {
            let _ = write!(
                out,
                "<section id=\"{id}\">\n<h2>{heading}</h2>\n{body}</section>\n"
            );
        }
        let _ = write!(
            out,
            "</main>\n<footer>pekonode {version} · a self-contained page: it works offline, \
             opened straight from disk. Same scenario and seed, same bytes.</footer>\n\
             <p id=\"errors\" hidden></p>\n</body>\n</html>\n"
        );
        out
    }
}

/// Drops an `<?xml …?>` prolog, not allowed inside HTML.
fn strip_xml_prolog(svg: &str) -> &str {
    let s = svg.trim_start();
    match s.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(s, |(_, after)| after.trim_start()),
        None => s,
    }
}

/// The page of one run: header, playback (small simulated runs), summary table, charts.
pub(crate) fn run_page(
    outcome: &Outcome,
    charts: &[InlineChart<'_>],
    provenance: &Provenance,
) -> String {
    let mut page = Page::new(&outcome.scenario, provenance);
    page.fact("seed", outcome.seed.to_string());
    page.fact("nodes", outcome.nodes.to_string());
    page.fact(
        "forwarding",
        format!(
            "{} · fan-out {}",
            outcome.protocol.forwarding, outcome.protocol.amount
        ),
    );
    if outcome.real_sockets {
        page.fact("driver", "real UDP sockets on 127.0.0.1".to_owned());
    }
    if let Some(body) = playback::section(outcome) {
        page.section("playback", "Infection playback", body);
    }
    page.section(
        "summary",
        "Summary",
        tables::run_table(&super::table::render(outcome)),
    );
    page.charts(charts);
    page.finish()
}

/// The page of a multi-seed run: header, the per-metric statistics, the band charts.
pub(crate) fn seeds_page(
    s: &SeedSummary,
    charts: &[InlineChart<'_>],
    provenance: &Provenance,
) -> String {
    let mut page = Page::new(&s.scenario, provenance);
    let first = s.seeds.first().copied().unwrap_or(s.first_seed);
    let last = s.seeds.last().copied().unwrap_or(first);
    page.fact(
        "seeds",
        format!("{first} … {last} ({} seeds)", s.seeds.len()),
    );
    page.fact("nodes", s.nodes.to_string());
    page.fact(
        "forwarding",
        format!("{} · fan-out {}", s.protocol.forwarding, s.protocol.amount),
    );
    page.section("summary", "Statistics over seeds", tables::seeds_table(s));
    page.charts(charts);
    page.finish()
}

/// The page of a sweep: header, the table of points, the charts and heatmaps.
pub(crate) fn sweep_page(
    r: &SweepResult,
    charts: &[InlineChart<'_>],
    provenance: &Provenance,
) -> String {
    let mut page = Page::new(&r.scenario, provenance);
    page.fact("parameters", r.params.join(" × "));
    page.fact("points", r.points.len().to_string());
    page.fact("seeds per point", r.seeds_per_point.to_string());
    page.section("summary", "Points", tables::sweep_table(r));
    page.charts(charts);
    page.finish()
}
