//! Human-friendly value types shared by flags, environment and config files: sizes and durations.
//!
//! Each type parses from a string (for clap and `MOONCAKE_*` variables) and deserializes from either a
//! number or a string (for YAML/JSON), so `cxl_size: 8GiB` and `cxl_size: 8589934592` mean the same.
//! Plain numbers keep Mooncake's unit for the key: bytes for sizes, seconds for `*_sec`/`*_seconds`
//! keys, milliseconds for the `*_kv_*_ttl` keys.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Why a size or duration string was rejected; shown after the key or flag name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(String);

/// A byte count: `3.2GB`, `512MiB`, `64mb`, `1k`, or plain bytes.
///
/// As in Mooncake, every unit is a power of 1024 whether or not it carries the `i`
/// (`1GB` = `1GiB` = 1073741824), so sizes copied from a Mooncake deployment keep their meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// The number of bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ByteSize {
    /// Exact when the size is a whole number of a unit, otherwise two decimals (logs only).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        let mut unit = 0;
        let mut scaled = self.0 as f64;
        while scaled >= 1024.0 && unit + 1 < UNITS.len() {
            scaled /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            write!(f, "{} B", self.0)
        } else if scaled.fract() == 0.0 {
            write!(f, "{scaled} {}", UNITS[unit])
        } else {
            write!(f, "{scaled:.2} {}", UNITS[unit])
        }
    }
}

impl FromStr for ByteSize {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, ValueError> {
        let (number, unit) = split_number(text).ok_or_else(|| {
            ValueError(format!(
                "expected a size like 512MiB, 3.2GB or 1048576, got {text:?}"
            ))
        })?;
        let multiplier: u64 = match unit.to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" | "kib" => 1 << 10,
            "m" | "mb" | "mib" => 1 << 20,
            "g" | "gb" | "gib" => 1 << 30,
            "t" | "tb" | "tib" => 1 << 40,
            "p" | "pb" | "pib" => 1 << 50,
            _ => {
                return Err(ValueError(format!(
                    "unknown size unit {unit:?} in {text:?} (use B, KB, MB, GB, TB, or KiB, MiB, GiB, TiB)"
                )));
            }
        };
        let bytes = number * multiplier as f64;
        // 2^64 is exactly representable, so this also rejects values that would round up past u64::MAX.
        if bytes >= 18_446_744_073_709_551_616.0 {
            return Err(ValueError(format!("size {text:?} is too large")));
        }
        Ok(Self(bytes.round() as u64))
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SizeVisitor;
        impl Visitor<'_> for SizeVisitor {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size in bytes or a string like \"512MiB\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v)
                    .map(ByteSize)
                    .map_err(|_| E::custom(format!("size must not be negative, got {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ByteSize, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ByteSize, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(SizeVisitor)
    }
}

/// A finite number, for the `*_ratio` keys; the range is checked per key when resolving.
///
/// Its own type so `NaN` and `inf` are rejected where they are typed (clap's and serde's `f64` accept
/// them, and a NaN would slip through every range comparison).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Ratio(pub f64);

impl Ratio {
    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }

    fn checked(value: f64) -> Result<Self, ValueError> {
        if value.is_finite() {
            Ok(Self(value))
        } else {
            Err(ValueError(format!(
                "expected a finite number like 0.05, got {value}"
            )))
        }
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Ratio {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, ValueError> {
        let value: f64 = text
            .trim()
            .parse()
            .map_err(|_| ValueError(format!("expected a number like 0.05, got {text:?}")))?;
        Self::checked(value)
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::checked(f64::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}

/// A duration whose plain numbers are seconds (`client_ttl`, `*_sec`, `*_seconds` keys).
/// Also accepts `500ms`, `30s`, `5m`, `1h`, `1h 30m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Seconds(pub Duration);

/// A duration whose plain numbers are milliseconds (the `*_kv_*_ttl` keys, as in Mooncake).
/// Also accepts `500ms`, `30s`, `5m`, `1h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub Duration);

macro_rules! duration_type {
    ($name:ident, $plain_unit:expr, $example:expr) => {
        impl $name {
            /// The duration.
            pub fn get(self) -> Duration {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", humantime::format_duration(self.0))
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                parse_duration(text, $plain_unit, $example).map(Self)
            }
        }

        // Serialized as text (`1h 30m 500ms`) so a value survives a round trip at full precision.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(&humantime::format_duration(self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct DurationVisitor;
                impl Visitor<'_> for DurationVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(
                            f,
                            "a number of {} or a string like {:?}",
                            $plain_unit.name(),
                            $example
                        )
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        Ok($name($plain_unit.of(v)))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        u64::try_from(v)
                            .map(|v| $name($plain_unit.of(v)))
                            .map_err(|_| E::custom(format!("duration must not be negative, got {v}")))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        v.to_string().parse().map_err(E::custom)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_any(DurationVisitor)
            }
        }
    };
}

duration_type!(Seconds, PlainUnit::Seconds, "30s");
duration_type!(Millis, PlainUnit::Millis, "500ms");

/// What a bare number means for a duration key.
#[derive(Clone, Copy)]
enum PlainUnit {
    Seconds,
    Millis,
}

impl PlainUnit {
    fn name(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Millis => "milliseconds",
        }
    }

    fn of(self, amount: u64) -> Duration {
        match self {
            Self::Seconds => Duration::from_secs(amount),
            Self::Millis => Duration::from_millis(amount),
        }
    }

    /// Divisor turning a bare number into seconds (division keeps `500` ms exact).
    fn per_second(self) -> f64 {
        match self {
            Self::Seconds => 1.0,
            Self::Millis => 1e3,
        }
    }
}

fn parse_duration(text: &str, plain: PlainUnit, example: &str) -> Result<Duration, ValueError> {
    let invalid = || {
        ValueError(format!(
            "expected a duration like {example} or a number of {}, got {text:?}",
            plain.name()
        ))
    };
    let Some((number, unit)) = split_number(text) else {
        // Compound forms such as `1h 30m` (and what Display prints) go through humantime.
        return humantime::parse_duration(text.trim()).map_err(|_| invalid());
    };
    // (multiplier, divisor) to seconds; dividing keeps `500ms` exact where multiplying by 1e-3 would not.
    let (multiplier, divisor) = match unit.to_ascii_lowercase().as_str() {
        "" => (1.0, plain.per_second()),
        "ns" => (1.0, 1e9),
        "us" | "µs" => (1.0, 1e6),
        "ms" => (1.0, 1e3),
        "s" | "sec" | "secs" => (1.0, 1.0),
        "m" | "min" | "mins" => (60.0, 1.0),
        "h" | "hr" | "hour" | "hours" => (3600.0, 1.0),
        "d" | "day" | "days" => (86_400.0, 1.0),
        _ => return humantime::parse_duration(text.trim()).map_err(|_| invalid()),
    };
    Duration::try_from_secs_f64(number * multiplier / divisor)
        .map_err(|_| ValueError(format!("duration {text:?} is out of range")))
}

/// Splits `"3.2 GB"` into `(3.2, "GB")`; `None` when there is no leading non-negative number.
fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(end);
    let number: f64 = number.parse().ok()?;
    number.is_finite().then_some((number, unit.trim()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_accept_units_and_plain_bytes() {
        let size = |s: &str| s.parse::<ByteSize>().unwrap().bytes();
        assert_eq!(size("1048576"), 1 << 20);
        assert_eq!(size("512MiB"), 512 << 20);
        assert_eq!(size("512mb"), 512 << 20);
        assert_eq!(size("3.2GB"), (3.2 * (1u64 << 30) as f64).round() as u64);
        assert_eq!(size("1 k"), 1024);
        assert_eq!(size("8GiB"), 8 << 30);
        assert_eq!(size("0"), 0);
    }

    #[test]
    fn sizes_reject_garbage() {
        for bad in ["", "GB", "12 parsecs", "-1", "1e3", "99999999999PB"] {
            assert!(bad.parse::<ByteSize>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn sizes_deserialize_from_numbers_and_strings() {
        let size: ByteSize = serde_json::from_str("17179869184").unwrap();
        assert_eq!(size.bytes(), 16 << 30);
        let size: ByteSize = serde_json::from_str("\"16GiB\"").unwrap();
        assert_eq!(size.bytes(), 16 << 30);
        assert!(serde_json::from_str::<ByteSize>("-5").is_err());
        assert!(serde_json::from_str::<ByteSize>("true").is_err());
    }

    #[test]
    fn size_display_is_human() {
        assert_eq!(ByteSize(512).to_string(), "512 B");
        assert_eq!(ByteSize(8 << 30).to_string(), "8 GiB");
        assert_eq!(ByteSize(1536).to_string(), "1.50 KiB");
    }

    #[test]
    fn ratios_must_be_finite() {
        assert_eq!("0.05".parse::<Ratio>().unwrap().get(), 0.05);
        assert_eq!("2".parse::<Ratio>().unwrap().get(), 2.0);
        for bad in ["NaN", "inf", "-inf", "lots", ""] {
            assert!(bad.parse::<Ratio>().is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(serde_yaml::from_str::<Ratio>("1").unwrap().get(), 1.0);
        assert!(serde_yaml::from_str::<Ratio>(".nan").is_err());
    }

    #[test]
    fn plain_numbers_take_the_key_unit() {
        assert_eq!("30".parse::<Seconds>().unwrap().get(), Duration::from_secs(30));
        assert_eq!(
            "1.5".parse::<Seconds>().unwrap().get(),
            Duration::from_millis(1500)
        );
        assert_eq!("500".parse::<Millis>().unwrap().get(), Duration::from_millis(500));
        let secs: Seconds = serde_json::from_str("60").unwrap();
        assert_eq!(secs.get(), Duration::from_secs(60));
        let ms: Millis = serde_json::from_str("10000").unwrap();
        assert_eq!(ms.get(), Duration::from_secs(10));
    }

    #[test]
    fn durations_accept_units() {
        assert_eq!(
            "500ms".parse::<Seconds>().unwrap().get(),
            Duration::from_millis(500)
        );
        assert_eq!("2s".parse::<Millis>().unwrap().get(), Duration::from_secs(2));
        assert_eq!("30m".parse::<Millis>().unwrap().get(), Duration::from_secs(1800));
        assert_eq!(
            "24h".parse::<Millis>().unwrap().get(),
            Duration::from_secs(86_400)
        );
        assert_eq!(
            "1h 30m".parse::<Seconds>().unwrap().get(),
            Duration::from_secs(5400)
        );
        let ms: Millis = serde_yaml::from_str("\"2s\"").unwrap();
        assert_eq!(ms.get(), Duration::from_secs(2));
    }

    #[test]
    fn durations_reject_garbage() {
        for bad in ["", "soon", "-5", "5 fortnights"] {
            assert!(bad.parse::<Seconds>().is_err(), "{bad:?} should be rejected");
        }
        assert!(serde_json::from_str::<Seconds>("-1").is_err());
    }

    #[test]
    fn durations_round_trip_through_serde() {
        let value = Millis(Duration::new(5400, 3));
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(serde_json::from_str::<Millis>(&text).unwrap(), value);
    }
}
