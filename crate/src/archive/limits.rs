//! How much inflating an archive may cost: a maximum expansion ratio per member and a maximum total across
//! one analysis. The shells inflate (flate2 natively, `DecompressionStream` in the browser) and report each
//! step to a [`Meter`], which says stop, naming the limit, before a bomb fills the disk, the memory or the
//! afternoon. A breach ends that member only: the shell reports it and goes on with the next one.
//!
//! Defaults, and why:
//! - **Ratio 200:1**, checked once a member has produced [`Limits::ratio_grace`] (16 MiB): JSON HARs and
//!   server logs deflate 5:1 to 30:1 in practice (a HAR of repeated small XHRs reaches about 50:1), while a
//!   deflate bomb reaches 1032:1, the format's maximum. A small member, however repetitive, costs nothing, so
//!   the first 16 MiB are never refused.
//! - **Total 8 GiB** of inflated bytes per analysis: a support zip holds at most a few GiB of logs (ten
//!   rotations of 20 MiB per log, a few logs per product) and the budgets cover a 1 GB HAR; 8 GiB is half a
//!   minute of work natively, the most a bomb can cost before it is refused.
//!
//! Declared sizes (a zip's central directory, a gzip's trailer) are checked with [`Limits::check_declared`]
//! before anything is inflated; the meter catches a member whose headers lie.

/// The limits of one analysis. See the module documentation for the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest inflated size per compressed byte of a member.
    pub max_ratio: u64,
    /// Inflated bytes of a member before the ratio is checked.
    pub ratio_grace: u64,
    /// Largest total of inflated bytes across every member and every compressed input of one analysis.
    pub max_total: u64,
}

/// [`Limits::max_ratio`] by default.
pub const DEFAULT_MAX_RATIO: u64 = 200;
/// [`Limits::ratio_grace`] by default: 16 MiB.
pub const DEFAULT_RATIO_GRACE: u64 = 16 << 20;
/// [`Limits::max_total`] by default: 8 GiB.
pub const DEFAULT_MAX_TOTAL: u64 = 8 << 30;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_ratio: DEFAULT_MAX_RATIO,
            ratio_grace: DEFAULT_RATIO_GRACE,
            max_total: DEFAULT_MAX_TOTAL,
        }
    }
}

/// A limit reached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("expands more than {max}:1 ({inflated} bytes from {compressed}), like an archive bomb")]
    Ratio { max: u64, inflated: u64, compressed: u64 },
    #[error("the inflated inputs exceed {max} bytes in total")]
    Total { max: u64 },
}

impl Limits {
    /// Whether a member that declares `size` inflated bytes from `compressed` may be read, given `used`
    /// bytes already inflated in this analysis. Declared sizes may lie: the [`Meter`] checks the real ones.
    pub fn check_declared(&self, compressed: u64, size: u64, used: u64) -> Result<(), LimitError> {
        self.check(compressed, size, used.saturating_add(size))
    }

    fn check(&self, compressed: u64, inflated: u64, total: u64) -> Result<(), LimitError> {
        if total > self.max_total {
            return Err(LimitError::Total { max: self.max_total });
        }
        if inflated > self.ratio_grace && inflated / self.max_ratio.max(1) > compressed {
            return Err(LimitError::Ratio { max: self.max_ratio, inflated, compressed });
        }
        Ok(())
    }
}

/// The running account of one analysis: [`Meter::begin`] at each member (or compressed input), then
/// [`Meter::add`] as compressed bytes go in and inflated bytes come out.
#[derive(Debug, Clone, Default)]
pub struct Meter {
    limits: Limits,
    total: u64,
    compressed: u64,
    inflated: u64,
}

impl Meter {
    pub fn new(limits: Limits) -> Self {
        Meter { limits, ..Meter::default() }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Starts a member: its ratio is counted from zero.
    pub fn begin(&mut self) {
        self.compressed = 0;
        self.inflated = 0;
    }

    /// Counts `compressed` more bytes read and `inflated` more bytes produced by the current member; an
    /// error means stop inflating it (the bytes counted stay counted in the total).
    pub fn add(&mut self, compressed: u64, inflated: u64) -> Result<(), LimitError> {
        self.compressed = self.compressed.saturating_add(compressed);
        self.inflated = self.inflated.saturating_add(inflated);
        self.total = self.total.saturating_add(inflated);
        self.limits.check(self.compressed, self.inflated, self.total)
    }

    /// Inflated bytes of the whole analysis so far.
    pub fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_counts_after_the_grace() {
        let limits = Limits { max_ratio: 10, ratio_grace: 100, max_total: 10_000 };
        let mut meter = Meter::new(limits);
        meter.begin();
        // 100 bytes from 1: within the grace.
        assert_eq!(meter.add(1, 100), Ok(()));
        // 101 from 1: past it, 101:1 > 10:1.
        assert_eq!(meter.add(0, 1), Err(LimitError::Ratio { max: 10, inflated: 101, compressed: 1 }));
        meter.begin();
        assert_eq!(meter.add(20, 200), Ok(()), "exactly 10:1 is allowed");
        assert!(meter.add(0, 10).is_err());
    }

    #[test]
    fn the_total_spans_members() {
        let limits = Limits { max_ratio: 1000, ratio_grace: 0, max_total: 1000 };
        let mut meter = Meter::new(limits);
        meter.begin();
        assert_eq!(meter.add(100, 600), Ok(()));
        meter.begin();
        assert_eq!(meter.add(100, 400), Ok(()));
        assert_eq!(meter.add(0, 1), Err(LimitError::Total { max: 1000 }));
        assert_eq!(meter.total(), 1001);
        assert_eq!(
            limits.check_declared(10, 500, 600),
            Err(LimitError::Total { max: 1000 }),
            "a declared size that does not fit is refused up front"
        );
        assert_eq!(Limits::default().check_declared(1 << 20, 1 << 30, 0).map_err(|_| ()), Err(()));
    }
}
