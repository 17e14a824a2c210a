//! The spinner's line while LEXIMIN runs and while its result is rounded to a lottery, in `fair`
//! and `commit --method lottery`.

use std::sync::Mutex;

use kleroterion_fair::{Phase, Progress, decomposition_fraction};

/// Remembers the decomposition's first deviation, to show how far it has gone.
#[derive(Default)]
pub struct LeximinLine {
    first: Mutex<Option<f64>>,
}

impl LeximinLine {
    /// The line for a progress report: people fixed while levels are solved; while the
    /// distribution is decomposed into panels (when nobody's probability is final until the
    /// end), the percentage of the way from the first deviation to the target, on a log scale;
    /// while the result is rounded, the largest change of anyone's probability so far.
    pub fn line(&self, p: &Progress) -> String {
        match p.phase {
            Phase::Relaxation => format!(
                "LEXIMIN: relaxation level {}, {} of {} people fixed",
                p.level, p.fixed, p.people
            ),
            Phase::Decomposing => {
                let done = self.first.lock().map_or(0.0, |mut first| {
                    decomposition_fraction(*first.get_or_insert(p.value), p.value)
                });
                format!(
                    "LEXIMIN: decomposing into panels, {:.0}% ({} panels, largest gap {:.1e})",
                    done * 100.0,
                    p.panels,
                    p.value
                )
            }
            Phase::Rounding => format!(
                "rounding to a lottery: round {}, {} panels to take from, largest change so far \
                 {:.3} points (no lottery does better than {:.3})",
                p.level,
                p.panels,
                p.value * 100.0,
                p.bound * 100.0
            ),
            _ => format!(
                "LEXIMIN: level {}, {} of {} people fixed, {} panels",
                p.level, p.fixed, p.people, p.panels
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(phase: Phase, value: f64) -> Progress {
        Progress {
            phase,
            level: 1,
            fixed: 0,
            people: 150,
            panels: 40,
            value,
            bound: value,
        }
    }

    #[test]
    fn the_decomposition_line_moves_from_the_first_gap_to_the_target() {
        let line = LeximinLine::default();
        assert!(
            line.line(&report(Phase::Decomposing, 0.1))
                .starts_with("LEXIMIN: decomposing into panels, 0% (40 panels")
        );
        let middle = (0.1 * kleroterion_fair::DECOMPOSITION_TARGET).sqrt();
        assert!(
            line.line(&report(Phase::Decomposing, middle))
                .contains(", 50% ("),
        );
        assert!(
            line.line(&report(Phase::Decomposing, 1e-9))
                .contains(", 100% (")
        );
        assert_eq!(
            line.line(&report(Phase::Relaxation, 0.05)),
            "LEXIMIN: relaxation level 1, 0 of 150 people fixed"
        );
    }

    #[test]
    fn the_rounding_line_gives_the_largest_change_in_points() {
        let line = LeximinLine::default();
        let p = Progress {
            bound: 0.00048,
            ..report(Phase::Rounding, 0.0012)
        };
        assert_eq!(
            line.line(&p),
            "rounding to a lottery: round 1, 40 panels to take from, largest change so far \
             0.120 points (no lottery does better than 0.048)"
        );
    }
}
