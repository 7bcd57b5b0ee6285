//! In-process cluster harness shared by the end-to-end scenarios.
