//! Snapshot ids: `YYYYMMDD_HHMMSS_mmm` in UTC (19 characters, as Mooncake names its snapshots), so
//! sorting ids as strings sorts snapshots by creation time. Only names of exactly this shape are treated
//! as snapshots; anything else in the store belongs to someone else and is never touched.

use std::fmt;

/// The id of one snapshot.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SnapshotId(String);

impl SnapshotId {
    /// The id for a snapshot taken at `unix_ms`.
    pub fn at(unix_ms: u64) -> Self {
        let ms = unix_ms % 1000;
        let secs = unix_ms / 1000;
        let (hour, minute, second) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
        let (year, month, day) = civil_from_days((secs / 86_400) as i64);
        Self(format!(
            "{year:04}{month:02}{day:02}_{hour:02}{minute:02}{second:02}_{ms:03}"
        ))
    }

    /// An id newer than both `unix_ms` and `after` (two snapshots in one millisecond get distinct ids).
    pub fn next(unix_ms: u64, after: Option<&SnapshotId>) -> Self {
        let mut ms = unix_ms;
        if let Some(after) = after.and_then(SnapshotId::unix_ms) {
            ms = ms.max(after + 1);
        }
        Self::at(ms)
    }

    /// Parses a name of exactly the id shape; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        let b = name.as_bytes();
        let shape_ok = b.len() == 19
            && b[8] == b'_'
            && b[15] == b'_'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 8 || i == 15 || c.is_ascii_digit());
        let id = Self(name.to_owned());
        (shape_ok && id.unix_ms().is_some()).then_some(id)
    }

    /// The creation time the id encodes (Unix ms), `None` for an impossible date.
    pub fn unix_ms(&self) -> Option<u64> {
        let n = |range: std::ops::Range<usize>| self.0.get(range)?.parse::<u64>().ok();
        let (year, month, day) = (n(0..4)?, n(4..6)?, n(6..8)?);
        let (hour, minute, second, ms) = (n(9..11)?, n(11..13)?, n(13..15)?, n(16..19)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = days_from_civil(year as i64, month as u32, day as u32);
        let secs = u64::try_from(days).ok()? * 86_400 + hour * 3600 + minute * 60 + second;
        Some(secs * 1000 + ms)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SnapshotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `unix_ms` as RFC 3339 UTC with milliseconds (`2026-01-02T03:04:05.678Z`), for people and JSON.
pub fn rfc3339(unix_ms: u64) -> String {
    let id = SnapshotId::at(unix_ms);
    let s = id.as_str();
    format!(
        "{}-{}-{}T{}:{}:{}.{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15],
        &s[16..19]
    )
}

// Howard Hinnant's civil-date algorithms (days since 1970-01-01 <-> proleptic Gregorian date).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_encode_utc_time_and_round_trip() {
        // 2024-02-29T23:59:58.007Z
        let ms = 1_709_251_198_007;
        let id = SnapshotId::at(ms);
        assert_eq!(id.as_str(), "20240229_235958_007");
        assert_eq!(id.unix_ms(), Some(ms));
        assert_eq!(SnapshotId::parse(id.as_str()), Some(id));
        assert_eq!(rfc3339(ms), "2024-02-29T23:59:58.007Z");
        assert_eq!(SnapshotId::at(0).as_str(), "19700101_000000_000");
    }

    #[test]
    fn ids_sort_by_time() {
        let ids: Vec<_> = [1_000, 999_999_999_999, 1_700_000_000_000, 1_700_000_000_001]
            .map(SnapshotId::at)
            .into();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn next_never_repeats_an_id() {
        let first = SnapshotId::at(5_000);
        assert_eq!(SnapshotId::next(5_000, Some(&first)), SnapshotId::at(5_001));
        assert_eq!(SnapshotId::next(9_000, Some(&first)), SnapshotId::at(9_000));
    }

    #[test]
    fn only_exact_shapes_are_ids() {
        for other in [
            "latest.txt",
            "20240229_235958_07",
            "20240229-235958_007",
            "2024022a_235958_007",
            "20241329_235958_007",
            "20240229_245958_007",
            "README",
            "",
        ] {
            assert_eq!(SnapshotId::parse(other), None, "{other}");
        }
    }
}
