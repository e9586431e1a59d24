//! Logging in the format Terraform reads from a plugin's stderr: hclog JSON lines.
//!
//! Each event becomes one line such as
//! `{"@level":"debug","@message":"planned","@module":"provider","@timestamp":"2026-11-28T15:04:05.123456Z","type_name":"lambda_function_version"}`.
//! Terraform parses these lines, keeps the level and shows the other keys as
//! key/value pairs; the timestamp must carry exactly six fractional digits or
//! Terraform demotes the line to plain text.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (default `info`; `off`
//! disables logging; `json` means `trace`).

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{Layer, Registry};

/// The `@module` of every line.
pub const MODULE: &str = "provider";

/// Errors from [`try_init`].
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// Another global subscriber is already installed.
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled,
}

/// Installs the global hclog-JSON subscriber on stderr, at the level chosen by
/// `TF_LOG_PROVIDER`/`TF_LOG`. Does nothing if a subscriber is already installed.
pub fn init() {
    let _ = try_init();
}

/// Like [`init`], but reports when a global subscriber already exists.
pub fn try_init() -> Result<(), LoggingError> {
    try_init_quieting(&[])
}

/// Like [`init`], with the crates (tracing target prefixes) in `quiet` capped at `info`:
/// for a provider's cloud SDK, whose debug and trace lines hold whole requests and
/// responses, and with them values Terraform marks sensitive, which must never reach the
/// logs whatever `TF_LOG` says.
pub fn init_quieting(quiet: &[&str]) {
    let _ = try_init_quieting(quiet);
}

/// Like [`init_quieting`], but reports when a global subscriber already exists.
pub fn try_init_quieting(quiet: &[&str]) -> Result<(), LoggingError> {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    let filter = filter_quieting(level, quiet);
    let subscriber = Registry::default().with(HclogLayer::new(std::io::stderr).with_filter(filter));
    tracing::subscriber::set_global_default(subscriber).map_err(|_| LoggingError::AlreadyInstalled)
}

/// Crates whose debug/trace output (HTTP/2 frames, TLS records) would drown the
/// provider's own logs; they are capped at `warn`.
pub const NOISY_TARGETS: &[&str] = &[
    "h2",
    "hyper",
    "hyper_util",
    "tower",
    "tonic",
    "rustls",
    "tokio_rustls",
    "mio",
];

/// `level` for everything except [`NOISY_TARGETS`], which never go below `warn`.
pub fn filter_for(level: LevelFilter) -> Targets {
    let capped = level.min(LevelFilter::WARN);
    Targets::new()
        .with_default(level)
        .with_targets(NOISY_TARGETS.iter().map(|t| (*t, capped)))
}

/// [`filter_for`], with the targets in `quiet` never below `info`.
pub fn filter_quieting(level: LevelFilter, quiet: &[&str]) -> Targets {
    let capped = level.min(LevelFilter::INFO);
    filter_for(level).with_targets(quiet.iter().map(|t| (*t, capped)))
}

/// The level filter for the given `TF_LOG_PROVIDER` and `TF_LOG` values.
///
/// The first non-empty one wins. Known names are matched case-insensitively;
/// `json` means trace; an unknown name falls back to trace, as Terraform does.
/// Neither set: info.
pub fn level_from_env(tf_log_provider: Option<&str>, tf_log: Option<&str>) -> LevelFilter {
    let chosen = [tf_log_provider, tf_log]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|v| !v.is_empty());
    match chosen.map(str::to_ascii_lowercase).as_deref() {
        None => LevelFilter::INFO,
        Some("off") => LevelFilter::OFF,
        Some("error") => LevelFilter::ERROR,
        Some("warn") => LevelFilter::WARN,
        Some("info") => LevelFilter::INFO,
        Some("debug") => LevelFilter::DEBUG,
        Some(_) => LevelFilter::TRACE, // "trace", "json", unknown
    }
}

/// A `tracing` layer writing one hclog JSON line per event.
#[derive(Debug, Clone)]
pub struct HclogLayer<W> {
    make_writer: W,
}

impl<W> HclogLayer<W>
where
    W: for<'w> MakeWriter<'w> + 'static,
{
    /// A layer writing to the writers `make_writer` produces (e.g. `std::io::stderr`).
    pub fn new(make_writer: W) -> Self {
        Self { make_writer }
    }
}

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut line = render_line(event, SystemTime::now());
        line.push('\n');
        // One write call per line so concurrent events do not interleave.
        let mut writer = self.make_writer.make_writer();
        let _ = writer.write_all(line.as_bytes());
        let _ = writer.flush();
    }
}

/// Renders `event` as one hclog JSON object (without newline).
fn render_line(event: &Event<'_>, now: SystemTime) -> String {
    let mut fields = FieldCollector::default();
    event.record(&mut fields);

    let mut obj = Map::new();
    obj.insert(
        "@level".into(),
        Value::from(level_name(*event.metadata().level())),
    );
    obj.insert(
        "@message".into(),
        Value::from(fields.message.unwrap_or_default()),
    );
    obj.insert("@module".into(), Value::from(MODULE));
    obj.insert("@timestamp".into(), Value::from(format_timestamp(now)));
    for (key, value) in fields.fields {
        // Never let a field shadow the reserved keys.
        let key = if key.starts_with('@') {
            format!("_{key}")
        } else {
            key
        };
        obj.insert(key, value);
    }
    Value::Object(obj).to_string()
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// Collects the event's message and its other fields as JSON values.
#[derive(Default)]
struct FieldCollector {
    message: Option<String>,
    fields: Vec<(String, Value)>,
}

impl FieldCollector {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.push((field.name().to_string(), value));
        }
    }
}

impl Visit for FieldCollector {
    fn record_f64(&mut self, field: &Field, value: f64) {
        let json = serde_json::Number::from_f64(value)
            .map(Value::Number)
            .unwrap_or_else(|| Value::from(value.to_string()));
        self.put(field, json);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::from(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

/// Formats `t` as RFC 3339 in UTC with exactly six fractional digits,
/// e.g. `2026-11-28T15:04:05.123456Z`. Times before 1970 are clamped to the epoch.
pub fn format_timestamp(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let micros = since.subsec_micros();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Converts days since 1970-01-01 into a proleptic Gregorian (year, month, day),
/// using the classic era-based algorithm.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    fn capture(level: LevelFilter, f: impl FnOnce()) -> Vec<Value> {
        let buf = Buffer::default();
        let subscriber = Registry::default().with(HclogLayer::new(buf.clone()).with_filter(level));
        tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn line_format() {
        let lines = capture(LevelFilter::TRACE, || {
            tracing::debug!(
                type_name = "lambda_x",
                count = 3u64,
                ok = true,
                "planned {}",
                1
            );
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["@level"], "debug");
        assert_eq!(line["@message"], "planned 1");
        assert_eq!(line["@module"], "provider");
        assert_eq!(line["type_name"], "lambda_x");
        assert_eq!(line["count"], 3);
        assert_eq!(line["ok"], true);
        let ts = line["@timestamp"].as_str().unwrap();
        let re =
            regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$").unwrap();
        assert!(re.is_match(ts), "timestamp {ts}");
    }

    #[test]
    fn levels_and_filter() {
        let lines = capture(LevelFilter::WARN, || {
            tracing::trace!("t");
            tracing::info!("i");
            tracing::warn!("w");
            tracing::error!("e");
        });
        let levels: Vec<_> = lines.iter().map(|l| l["@level"].clone()).collect();
        assert_eq!(levels, vec![Value::from("warn"), Value::from("error")]);
        let all = capture(LevelFilter::TRACE, || {
            tracing::trace!("t");
            tracing::info!("i");
        });
        assert_eq!(all[0]["@level"], "trace");
        assert_eq!(all[1]["@level"], "info");
    }

    #[test]
    fn quiet_targets_stay_at_info_whatever_the_level() {
        let buf = Buffer::default();
        let filter = filter_quieting(LevelFilter::TRACE, &["cloud_sdk"]);
        let subscriber = Registry::default().with(HclogLayer::new(buf.clone()).with_filter(filter));
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "cloud_sdk::http", body = "SECRET", "transmitting request");
            tracing::debug!(target: "cloud_sdk_extra", "debug");
            tracing::info!(target: "cloud_sdk::client", "retrying");
            tracing::trace!(target: "my_provider::resource", "own trace");
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("SECRET"), "{text}");
        assert!(!text.contains("\"debug\""), "prefixes match too: {text}");
        assert!(
            text.contains("retrying") && text.contains("own trace"),
            "{text}"
        );
    }

    #[test]
    fn reserved_keys_are_not_shadowed() {
        let lines = capture(LevelFilter::TRACE, || {
            tracing::info!(answer = 42, "hello");
        });
        assert_eq!(lines[0]["@message"], "hello");
        assert_eq!(lines[0]["answer"], 42);
    }

    #[test]
    fn timestamp_exact() {
        let t = UNIX_EPOCH + Duration::new(1_795_878_245, 123_456_789);
        assert_eq!(format_timestamp(t), "2026-11-28T15:04:05.123456Z");
        assert_eq!(format_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(format_timestamp(leap), "2000-02-29T00:00:00.000000Z");
    }

    #[test]
    fn noisy_targets_are_capped() {
        let filter = filter_for(LevelFilter::TRACE);
        assert!(filter.would_enable("tfplug::serve", &Level::TRACE));
        assert!(!filter.would_enable("h2::codec", &Level::DEBUG));
        assert!(filter.would_enable("h2::codec", &Level::WARN));
        let quiet = filter_for(LevelFilter::ERROR);
        assert!(!quiet.would_enable("hyper", &Level::WARN));
        assert!(!filter_for(LevelFilter::OFF).would_enable("tfplug", &Level::ERROR));
    }

    #[test]
    fn level_selection() {
        assert_eq!(level_from_env(None, None), LevelFilter::INFO);
        assert_eq!(
            level_from_env(Some("debug"), Some("error")),
            LevelFilter::DEBUG
        );
        assert_eq!(level_from_env(Some(""), Some("WARN")), LevelFilter::WARN);
        assert_eq!(level_from_env(None, Some("json")), LevelFilter::TRACE);
        assert_eq!(level_from_env(Some("off"), Some("trace")), LevelFilter::OFF);
        assert_eq!(level_from_env(None, Some("TRACE")), LevelFilter::TRACE);
    }
}
