//! Features accepted and validated now but run by later issues; each becomes a start-up warning.
//!
//! When a capability lands, its line here goes away (and its `(not active yet)` help text with it).

use super::args::MasterArgs;
use super::runtime::InactiveFeature;

/// One entry per feature the operator switched on that this build does not run yet.
pub(crate) fn inactive_features(args: &MasterArgs) -> Vec<InactiveFeature> {
    let on = |flag: Option<bool>| flag.unwrap_or(false);
    let feature = |flag, capability, meanwhile| InactiveFeature {
        flag,
        capability,
        meanwhile,
    };
    let root_fs_set = args
        .root_fs_dir
        .as_deref()
        .is_some_and(|dir| !dir.trim().is_empty());

    let switches = [
        (
            on(args.enable_oplog),
            feature(
                "--enable-oplog",
                "the etcd operation log",
                "standbys replicate the leader's metadata over a direct stream instead",
            ),
        ),
        (
            on(args.enable_offload),
            feature(
                "--enable-offload",
                "SSD offload and promotion",
                "objects live in node memory only",
            ),
        ),
        (
            root_fs_set,
            feature(
                "--root-fs-dir",
                "the shared-filesystem tier",
                "no replicas are placed on it",
            ),
        ),
        (
            on(args.enable_cxl),
            feature("--enable-cxl", "CXL memory", "no CXL memory is allocated"),
        ),
    ];
    let task_flags = [
        (
            args.max_total_finished_tasks.is_some(),
            "--max-total-finished-tasks",
        ),
        (
            args.max_total_pending_tasks.is_some(),
            "--max-total-pending-tasks",
        ),
        (
            args.max_total_processing_tasks.is_some(),
            "--max-total-processing-tasks",
        ),
        (
            args.pending_task_timeout_sec.is_some(),
            "--pending-task-timeout-sec",
        ),
        (
            args.processing_task_timeout_sec.is_some(),
            "--processing-task-timeout-sec",
        ),
        (args.max_retry_attempts.is_some(), "--max-retry-attempts"),
    ]
    .map(|(set, flag)| {
        (
            set,
            feature(flag, "the task manager", "the value is validated and kept unused"),
        )
    });
    switches
        .into_iter()
        .chain(task_flags)
        .filter_map(|(switched_on, feature)| switched_on.then_some(feature))
        .collect()
}
