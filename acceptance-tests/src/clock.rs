//! Wall-clock helpers: epoch milliseconds, and the timestamp formats AWS
//! uses (Lambda's `LastModified` strings, epoch seconds for `timestamp`
//! members, ISO 8601 for query parameters).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
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

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parts(ms: u64) -> (i64, u32, u32, u64, u64, u64, u64) {
    let secs = ms / 1000;
    let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    (y, mo, d, rem / 3600, (rem % 3600) / 60, rem % 60, ms % 1000)
}

/// Lambda's `LastModified` format: `2024-01-02T03:04:05.678+0000`.
pub fn lambda_timestamp(ms: u64) -> String {
    let (y, mo, d, h, mi, s, milli) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}+0000")
}

/// ISO 8601 UTC: `2024-01-02T03:04:05.678Z`.
pub fn iso8601(ms: u64) -> String {
    let (y, mo, d, h, mi, s, milli) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// A `timestamp` member in rest-json: epoch seconds (fractional).
pub fn epoch_seconds_value(ms: u64) -> Value {
    serde_json::Number::from_f64(ms as f64 / 1000.0)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Parses epoch seconds (`1700000000.5`) or ISO 8601
/// (`2024-01-02T03:04:05Z`, optional fraction, `Z` or `+hh:mm`) into epoch
/// milliseconds.
pub fn parse_timestamp(raw: &str) -> Option<u64> {
    if let Ok(secs) = raw.parse::<f64>() {
        return (secs >= 0.0).then(|| (secs * 1000.0).round() as u64);
    }
    let (date, time) = raw.split_once('T')?;
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let (clock, offset_secs) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0i64)
    } else if let Some(idx) = time.rfind(['+', '-']) {
        let (c, off) = time.split_at(idx);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits: String = off[1..].chars().filter(char::is_ascii_digit).collect();
        let hours: i64 = digits.get(0..2)?.parse().ok()?;
        let mins: i64 = digits.get(2..4).unwrap_or("0").parse().ok()?;
        (c, sign * (hours * 3600 + mins * 60))
    } else {
        (time, 0)
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let mut t = hms.split(':');
    let h: i64 = t.next()?.parse().ok()?;
    let mi: i64 = t.next()?.parse().ok()?;
    let s: i64 = t.next().unwrap_or("0").parse().ok()?;
    let millis: i64 = format!("{frac:0<3}").get(0..3)?.parse().ok()?;
    let secs = days_from_civil(year, month, day) * 86_400 + h * 3600 + mi * 60 + s - offset_secs;
    u64::try_from(secs * 1000 + millis).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let ms = 1_700_000_000_123;
        assert_eq!(lambda_timestamp(ms), "2023-11-14T22:13:20.123+0000");
        assert_eq!(iso8601(ms), "2023-11-14T22:13:20.123Z");
        assert_eq!(parse_timestamp("2023-11-14T22:13:20.123Z"), Some(ms));
        assert_eq!(parse_timestamp("2023-11-14T22:13:20.123+0000"), Some(ms));
        assert_eq!(parse_timestamp("2023-11-14T23:13:20.123+01:00"), Some(ms));
        assert_eq!(parse_timestamp("1700000000.123"), Some(ms));
        assert_eq!(parse_timestamp("garbage"), None);
    }
}
