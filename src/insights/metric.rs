//! One duration metric over a set of incidents: count, mean, median and
//! p90 (nearest rank) of values in minutes.

use serde::Serialize;

/// Summary of one metric; every figure `None` (JSON `null`) when no
/// incident had the metric's end point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Metric {
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

impl Metric {
    /// The summary of `values` (minutes, in any order).
    pub fn of(values: &[f64]) -> Metric {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n == 0 {
            return Metric::default();
        }
        #[allow(clippy::cast_precision_loss)] // counts of incidents are small
        let mean = sorted.iter().sum::<f64>() / n as f64;
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            f64::midpoint(sorted[n / 2 - 1], sorted[n / 2])
        };
        Metric {
            count: n,
            mean: Some(mean),
            median: Some(median),
            p90: Some(sorted[nearest_rank(n, 90) - 1]),
        }
    }
}

/// The nearest rank of the `percent`-th percentile among `n` values:
/// ⌈percent/100 · n⌉, at least 1.
pub fn nearest_rank(n: usize, percent: usize) -> usize {
    (percent * n).div_ceil(100).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_odd_count_has_the_middle_value_as_median() {
        let m = Metric::of(&[30.0, 10.0, 20.0]);
        assert_eq!(m.count, 3);
        assert_eq!(m.mean, Some(20.0));
        assert_eq!(m.median, Some(20.0));
        // ⌈0.9·3⌉ = 3: the largest.
        assert_eq!(m.p90, Some(30.0));
    }

    #[test]
    fn an_even_count_averages_the_two_middle_values() {
        let m = Metric::of(&[4.0, 1.0, 3.0, 10.0]);
        assert_eq!(m.median, Some(3.5));
        assert_eq!(m.mean, Some(4.5));
        assert_eq!(m.p90, Some(10.0));
    }

    #[test]
    fn p90_is_the_nearest_rank() {
        assert_eq!(nearest_rank(1, 90), 1);
        assert_eq!(nearest_rank(10, 90), 9);
        assert_eq!(nearest_rank(11, 90), 10);
        assert_eq!(nearest_rank(20, 90), 18);
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(Metric::of(&values).p90, Some(18.0));
    }

    #[test]
    fn no_values_give_nulls() {
        let m = Metric::of(&[]);
        assert_eq!(m, Metric::default());
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"count":0,"mean":null,"median":null,"p90":null}"#
        );
    }
}
