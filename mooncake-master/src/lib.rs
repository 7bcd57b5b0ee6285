//! Mooncake Store master service.
