//! Chart marks: one per timeline action, with the joins of a staggered start gathered into one.

use std::time::Duration;

use pekonode_proto::Time;

use crate::outcome::Mark;
use crate::plan::Action;
use crate::stats::ms;

/// The marks of a run so far.
pub(crate) struct Marks {
    pub(crate) marks: Vec<Mark>,
    cycle: Duration,
    /// The mark that gathers recent joins, and how many it holds.
    join_group: Option<(usize, u32)>,
}

impl Marks {
    pub(crate) fn new(cycle: Duration) -> Marks {
        Marks {
            marks: Vec::new(),
            cycle,
            join_group: None,
        }
    }

    /// Marks `action` at `now`. Joins within one cycle of the previous join mark are merged
    /// into it ("start: 50 nodes", "joins: 12 nodes"), so staggered starts make one marker,
    /// not a thousand.
    pub(crate) fn action(&mut self, now: Time, action: &Action, names: &[String]) {
        if let Some(label) = self.label(now, action, names) {
            self.marks.push(Mark {
                at_ms: ms(now.as_micros()),
                label,
            });
        }
    }

    fn label(&mut self, now: Time, action: &Action, names: &[String]) -> Option<String> {
        if let Action::Join { .. } = action {
            if let Some((mark, count)) = self.join_group {
                let recent = self.marks.get(mark).is_some_and(|m| {
                    now.as_micros() as f64 / 1_000.0 - m.at_ms <= self.cycle.as_secs_f64() * 1_000.0
                });
                if recent && mark + 1 == self.marks.len() {
                    let count = count + 1;
                    let at_start = self.marks[mark].at_ms == 0.0;
                    self.marks[mark].label = if at_start {
                        format!("start: {count} nodes")
                    } else {
                        format!("joins: {count} nodes")
                    };
                    self.join_group = Some((mark, count));
                    return None;
                }
            }
            self.join_group = Some((self.marks.len(), 1));
            if now.as_micros() == 0 {
                return Some("start: 1 node".to_string());
            }
        }
        Some(action.label(names))
    }
}
