//! Master configuration: flags, `MOONCAKE_*` environment, YAML/JSON files, validated into
//! [`MasterConfig`]. (Being written.)
