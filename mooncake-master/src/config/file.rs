//! Loads a master config file (YAML or JSON by extension) into [`MasterArgs`], naming the key at fault.

use std::path::Path;

use super::args::MasterArgs;
use super::error::ConfigError;

/// The formats a config file may have, chosen by its extension as Mooncake does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Yaml,
    Json,
}

/// Reads `path` (`.yaml`, `.yml` or `.json`). Keys are the underscore flag names; unknown keys are
/// errors, so a typo cannot silently leave a default in place.
pub fn load(path: &Path) -> Result<MasterArgs, ConfigError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some("yaml" | "yml") => Format::Yaml,
        Some("json") => Format::Json,
        _ => {
            return Err(ConfigError::UnsupportedFormat {
                path: path.to_owned(),
            });
        }
    };
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text, format).map_err(|failure| failure.into_error(path))
}

fn parse(text: &str, format: Format) -> Result<MasterArgs, Failure> {
    match format {
        Format::Yaml => {
            // An empty file, or one holding only comments, is an empty YAML document: no settings.
            if matches!(
                serde_yaml::from_str::<serde_yaml::Value>(text),
                Ok(serde_yaml::Value::Null)
            ) {
                return Ok(MasterArgs::default());
            }
            serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(text)).map_err(Failure::from)
        }
        Format::Json => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let args = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
                // A truncated or malformed document is not the fault of the key read last.
                let broken = error.inner().is_syntax() || error.inner().is_eof();
                let mut failure = Failure::from(error);
                if broken {
                    failure.key = None;
                }
                failure
            })?;
            deserializer.end().map_err(|e| Failure {
                key: None,
                message: e.to_string(),
            })?;
            Ok(args)
        }
    }
}

/// A parse failure before the file path is attached.
struct Failure {
    /// The key whose value failed; `None` for failures of the document as a whole.
    key: Option<String>,
    message: String,
}

impl<E: std::fmt::Display> From<serde_path_to_error::Error<E>> for Failure {
    fn from(error: serde_path_to_error::Error<E>) -> Self {
        let key = error.path().to_string();
        let mut message = error.inner().to_string();
        // serde_yaml already starts its messages with the key path; keep the key once.
        if let Some(rest) = message.strip_prefix(&format!("{key}: ")) {
            message = rest.to_owned();
        }
        Self {
            key: (key != ".").then_some(key),
            message,
        }
    }
}

impl Failure {
    fn into_error(self, path: &Path) -> ConfigError {
        let path = path.to_owned();
        // serde reports an unknown key at the document root as "unknown field `k`, expected one of
        // `a`, `b`, ..."; the backquoted words are the key and then the known keys.
        if let Some(rest) = self.message.strip_prefix("unknown field ") {
            let quoted: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
            if let Some((key, known)) = quoted.split_first() {
                return ConfigError::UnknownKey {
                    path,
                    key: (*key).to_owned(),
                    suggestion: closest(key, known).map(str::to_owned),
                };
            }
        }
        match self.key {
            Some(key) => ConfigError::FileValue {
                path,
                key,
                problem: self.message,
            },
            None => ConfigError::Syntax {
                path,
                problem: self.message,
            },
        }
    }
}

/// The known key an operator most likely meant: the same words with `-` for `_`, or a near spelling.
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let normalized = key.replace('-', "_").to_ascii_lowercase();
    if let Some(exact) = known.iter().find(|k| **k == normalized) {
        return Some(exact);
    }
    known
        .iter()
        .map(|k| (edit_distance(&normalized, k), *k))
        .filter(|(distance, k)| *distance <= (k.len() / 4).max(2))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn yaml_and_json_give_the_same_settings() {
        let (_d1, yaml) = write(
            "m.yaml",
            "rpc_port: 50052\neviction_ratio: 0.1\nclient_live_ttl_sec: 60\nenable_ha: false\n",
        );
        let (_d2, json) = write(
            "m.json",
            r#"{"rpc_port": 50052, "eviction_ratio": 0.1, "client_live_ttl_sec": 60, "enable_ha": false}"#,
        );
        let from_yaml = load(&yaml).unwrap();
        assert_eq!(from_yaml, load(&json).unwrap());
        assert_eq!(from_yaml.rpc_port, Some(50052));
        assert_eq!(from_yaml.client_ttl.unwrap().get(), Duration::from_secs(60));
    }

    #[test]
    fn human_values_and_aliases_in_files() {
        let (_d, path) = write(
            "m.yml",
            "default_kv_lease_ttl: 2s\nmax_kv_soft_pin_ttl: 3600000\ncxl_size: 16GiB\nclient_ttl: 500ms\n\
             snapshot_payload_store_type: local\n",
        );
        let args = load(&path).unwrap();
        assert_eq!(args.default_kv_lease_ttl.unwrap().get(), Duration::from_secs(2));
        assert_eq!(args.max_kv_soft_pin_ttl.unwrap().get(), Duration::from_secs(3600));
        assert_eq!(args.cxl_size.unwrap().bytes(), 16 << 30);
        assert_eq!(args.client_ttl.unwrap().get(), Duration::from_millis(500));
        assert_eq!(args.snapshot_object_store_type.as_deref(), Some("local"));
    }

    #[test]
    fn empty_yaml_means_no_settings() {
        let (_d, path) = write("m.yaml", "# nothing here\n");
        assert_eq!(load(&path).unwrap(), MasterArgs::default());
    }

    #[test]
    fn unknown_key_is_named_with_a_suggestion() {
        let (_d, path) = write("m.yaml", "rpc_port: 1\nevicton_ratio: 0.2\n");
        let err = load(&path).unwrap_err();
        assert_eq!(err.key(), Some("evicton_ratio"));
        let text = err.to_string();
        assert!(text.starts_with("evicton_ratio: unknown key in "), "{text}");
        assert!(text.ends_with("(did you mean eviction_ratio?)"), "{text}");

        let (_d, path) = write("m.json", r#"{"eviction-high-watermark-ratio": 0.5}"#);
        let text = load(&path).unwrap_err().to_string();
        assert!(
            text.contains("did you mean eviction_high_watermark_ratio?"),
            "{text}"
        );
    }

    #[test]
    fn bad_value_names_its_key() {
        let (_d, path) = write("m.yaml", "rpc_port: 50051\neviction_ratio: lots\n");
        let err = load(&path).unwrap_err();
        assert_eq!(err.key(), Some("eviction_ratio"));
        assert!(
            err.to_string().starts_with("eviction_ratio: invalid type"),
            "{err}"
        );

        let (_d, path) = write("m.json", r#"{"default_kv_lease_ttl": "soon"}"#);
        let err = load(&path).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("default_kv_lease_ttl: expected a duration"),
            "{err}"
        );

        let (_d, path) = write("m.json", r#"{"enable_ha": "yes"}"#);
        assert_eq!(load(&path).unwrap_err().key(), Some("enable_ha"));
    }

    #[test]
    fn unsupported_extension_is_rejected() {
        let (_d, path) = write("m.toml", "rpc_port = 1\n");
        let err = load(&path).unwrap_err();
        assert!(matches!(err, ConfigError::UnsupportedFormat { .. }), "{err}");
        assert!(
            err.to_string().contains("unsupported config file format"),
            "{err}"
        );
    }

    #[test]
    fn missing_file_and_broken_syntax_are_errors() {
        assert!(matches!(
            load(Path::new("/nonexistent/m.yaml")),
            Err(ConfigError::Read { .. })
        ));
        let (_d, path) = write("m.json", "{\"rpc_port\": 1,");
        assert!(matches!(load(&path), Err(ConfigError::Syntax { .. })));
        let (_d, path) = write("m.yaml", "- a\n- b\n");
        assert!(matches!(load(&path), Err(ConfigError::Syntax { .. })));
    }

    #[test]
    fn shipped_example_configs_parse_and_resolve() {
        let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conf");
        for name in ["master.yaml", "master.json"] {
            let args = load(&conf.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let config = args.resolve().unwrap_or_else(|e| panic!("{name}: {e}"));
            // The examples spell out the defaults, so they must start the same master as no file.
            let defaults = MasterArgs::default().resolve().unwrap();
            assert_eq!(format!("{config:?}"), format!("{defaults:?}"), "{name}");
        }
        let ha = load(&conf.join("master-ha.yaml")).and_then(|args| args.resolve());
        let ha = ha.unwrap_or_else(|e| panic!("master-ha.yaml: {e}"));
        assert!(
            ha.ha.is_some_and(|ha| ha.lease_ttl.as_secs() == 3),
            "master-ha.yaml runs HA"
        );
        assert_eq!(ha.rpc_listen.to_string(), "10.0.0.1:50051");
    }
}
