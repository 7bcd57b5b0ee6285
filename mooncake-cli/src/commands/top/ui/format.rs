//! How `mooncake top` prints sizes, rates, latencies and ages.

use std::time::Duration;

/// Binary-unit size: `3.62 MiB`, `512 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

/// A per-second rate with two decimals below 100, none above.
pub fn rate(per_second: f64) -> String {
    if per_second >= 100.0 {
        format!("{per_second:.0}/s")
    } else {
        format!("{per_second:.2}/s")
    }
}

/// A request latency: `85 µs`, `1.25 ms`, `2.10 s`.
pub fn latency(d: Duration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros < 1000.0 {
        format!("{micros:.0} µs")
    } else if micros < 1e6 {
        format!("{:.2} ms", micros / 1e3)
    } else {
        format!("{:.2} s", micros / 1e6)
    }
}

/// A coarse age or uptime: `42s`, `5m 3s`, `2h 10m`, `3d 4h`.
pub fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        3600..86400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86400, s % 86400 / 3600),
    }
}

/// The polling interval as given: `1s`, `200ms`.
pub fn interval(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_naturally() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(100_663_296), "96.00 MiB");
        assert_eq!(rate(2.5), "2.50/s");
        assert_eq!(rate(1234.4), "1234/s");
        assert_eq!(latency(Duration::from_micros(85)), "85 µs");
        assert_eq!(latency(Duration::from_micros(1250)), "1.25 ms");
        assert_eq!(age(Duration::from_secs(303)), "5m 3s");
        assert_eq!(age(Duration::from_secs(90_000)), "1d 1h");
        assert_eq!(interval(Duration::from_millis(200)), "200ms");
    }
}
