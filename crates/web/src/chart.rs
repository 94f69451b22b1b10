//! Line charts drawn on the server as inline SVG: no script, no chart library, a few hundred
//! bytes, and readable on a 360 px phone. The numbers beside a chart stay in a table, which is
//! what screen readers and printouts use; the chart is the glance.

use std::fmt::Write;

/// One line of a chart: a value per x position, `None` where nothing was reported (the line
/// breaks there rather than pretending the month was zero).
pub struct Series<'a> {
    pub label: &'a str,
    pub colour: &'static str,
    pub values: Vec<Option<i64>>,
}

const WIDTH: i64 = 340;
const HEIGHT: i64 = 170;
const LEFT: i64 = 8;
const RIGHT: i64 = 8;
const TOP: i64 = 22;
const BOTTOM: i64 = 40;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `n`, so the axis reads in round numbers.
fn nice_ceiling(n: i64) -> i64 {
    if n <= 0 {
        return 0;
    }
    let mut step = 1i64;
    while step.saturating_mul(10) <= n {
        step *= 10;
    }
    [1, 2, 5, 10]
        .iter()
        .map(|k| step.saturating_mul(*k))
        .find(|c| *c >= n)
        .unwrap_or(i64::MAX)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG line chart over `x_labels` (the first and last are written under the axis), scaled from
/// the lowest value (or zero) to a round top; `format` writes the top and bottom of the axis.
/// Returns an empty string when no series has a value, so the page shows its empty state instead.
pub fn line_chart(
    title: &str,
    x_labels: &[String],
    series: &[Series<'_>],
    format: impl Fn(i64) -> String,
) -> String {
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let (Some(max), Some(min)) = (values.clone().max(), values.min()) else {
        return String::new();
    };
    let top = nice_ceiling(max.max(0));
    let bottom = -nice_ceiling((-min).max(0));
    let span = (top - bottom).max(1);
    let n = x_labels.len().max(1) as i64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| {
        LEFT + if n > 1 {
            plot_w * i as i64 / (n - 1)
        } else {
            plot_w / 2
        }
    };
    let y = |v: i64| TOP + ((top - v) as i128 * plot_h as i128 / span as i128) as i64;

    let mut svg = String::with_capacity(1024);
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    // The frame: the top of the axis, the zero line, and the bottom when values go below zero.
    let _ = write!(
        svg,
        r##"<g font-size="10" fill="#555"><text x="{LEFT}" y="{}">{}</text>"##,
        TOP - 6,
        escape(&format(top))
    );
    for v in [top, 0].into_iter().chain((bottom < 0).then_some(bottom)) {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{yy}" y2="{yy}" stroke="{}" stroke-width="1"/>"##,
            WIDTH - RIGHT,
            if v == 0 { "#888" } else { "#ddd" },
            yy = y(v)
        );
    }
    if bottom < 0 {
        let _ = write!(
            svg,
            r#"<text x="{LEFT}" y="{}">{}</text>"#,
            y(bottom) + 11,
            escape(&format(bottom))
        );
    }
    if let (Some(first), Some(last)) = (x_labels.first(), x_labels.last()) {
        let base = HEIGHT - BOTTOM + 13;
        let _ = write!(
            svg,
            r#"<text x="{LEFT}" y="{base}">{}</text>"#,
            escape(first)
        );
        if x_labels.len() > 1 {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{base}" text-anchor="end">{}</text>"#,
                WIDTH - RIGHT,
                escape(last)
            );
        }
    }
    svg.push_str("</g>");
    // The lines, broken where a month has no report; a lone point is drawn as a dot.
    for s in series {
        let mut runs: Vec<Vec<(i64, i64)>> = vec![Vec::new()];
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => runs.last_mut().expect("one run").push((x(i), y(*v))),
                None if !runs.last().expect("one run").is_empty() => runs.push(Vec::new()),
                None => {}
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            if let [(cx, cy)] = run.as_slice() {
                let _ = write!(
                    svg,
                    r#"<circle cx="{cx}" cy="{cy}" r="2.5" fill="{}"/>"#,
                    s.colour
                );
            } else {
                let points: Vec<String> = run.iter().map(|(a, b)| format!("{a},{b}")).collect();
                let _ = write!(
                    svg,
                    r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
                    s.colour,
                    points.join(" ")
                );
            }
        }
    }
    // The legend under the axis labels.
    let mut lx = LEFT;
    for s in series {
        let ly = HEIGHT - 8;
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="{}" width="10" height="3" fill="{c}"/><text x="{}" y="{ly}" font-size="10" fill="{c}">{}</text>"#,
            ly - 4,
            lx + 13,
            escape(s.label),
            c = s.colour
        );
        lx += 24 + 6 * s.label.chars().count() as i64;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("M{i}")).collect()
    }

    #[test]
    fn round_axis_tops() {
        assert_eq!(nice_ceiling(0), 0);
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(4_250_000), 5_000_000);
        assert_eq!(nice_ceiling(1_000_000), 1_000_000);
        assert_eq!(nice_ceiling(1_000_001), 2_000_000);
    }

    #[test]
    fn no_values_no_chart() {
        let s = Series {
            label: "Omzet",
            colour: "#06c",
            values: vec![None, None],
        };
        assert_eq!(line_chart("t", &labels(2), &[s], |v| v.to_string()), "");
    }

    #[test]
    fn lines_break_at_gaps_and_scale_to_the_frame() {
        let s = Series {
            label: "Omzet",
            colour: "#06c",
            values: vec![Some(0), Some(1000), None, Some(500)],
        };
        let svg = line_chart("Omzet <bulanan>", &labels(4), &[s], |v| v.to_string());
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Omzet &lt;bulanan&gt;"), "title escaped");
        // One polyline for the first two months, one dot for the last.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
        // Zero sits on the bottom of the plot, the top value (1000) on its top.
        let bottom = HEIGHT - BOTTOM;
        assert!(svg.contains(&format!("points=\"{LEFT},{bottom} ")), "{svg}");
        assert!(svg.contains(&format!(",{TOP}\"")), "{svg}");
        assert!(svg.contains(">1000<"), "axis top labelled");
    }

    #[test]
    fn losses_extend_the_axis_below_zero() {
        let s = Series {
            label: "Laba",
            colour: "#080",
            values: vec![Some(300), Some(-150)],
        };
        let svg = line_chart("Laba", &labels(2), &[s], |v| v.to_string());
        assert!(svg.contains(">-200<"), "{svg}");
        assert!(svg.contains(">500<"), "{svg}");
        // Every drawn y coordinate stays inside the frame.
        let pts = svg
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        for p in pts.split(' ') {
            let y: i64 = p.split(',').nth(1).unwrap().parse().unwrap();
            assert!((TOP..=HEIGHT - BOTTOM).contains(&y), "{p} outside");
        }
    }
}
