# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mooncake_global_optspecs
    string join \n log-level= output= master= metadata-server= admin= h/help V/version
end

function __fish_mooncake_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mooncake_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mooncake_using_subcommand
    set -l cmd (__fish_mooncake_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mooncake -n "__fish_mooncake_needs_command" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_needs_command" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_needs_command" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_needs_command" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_needs_command" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_needs_command" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "master" -d 'Run the master: the service that decides where every object lives (also `mooncake_master`)'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "completions" -d 'Print the shell completion script for SHELL on stdout'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "put" -d 'Store FILE (or stdin) under KEY'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "get" -d 'Read KEY\'s value to stdout or a file; exit 1 if the key is not found'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "rm" -d 'Remove KEY, every key (--all) or the keys matching a regex (--regex)'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "exists" -d 'Exit 0 if KEY exists, 1 if it does not'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "query-key" -d 'Show replicas, sizes, status, lease and pins of keys, without extending any read lease'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "segments" -d 'List, query or unmount the memory segments nodes contribute'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "snapshot" -d 'List, create, inspect and verify metadata snapshots; explain how to restore one'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "node" -d 'Run a storage node (`mooncake node join`): contribute memory to the pool'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "up" -d 'Start a single-host store: a master with the embedded metadata server plus one node'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "doctor" -d 'Check this host and the cluster for the usual RDMA and network mistakes'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "bench" -d 'Measure put/get throughput and latency of a cluster (or one started with --local)'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "top" -d 'Watch a live cluster: capacity, keys, segments, request and error rates, HA, snapshots'
complete -c mooncake -n "__fish_mooncake_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l config -l config_path -l config-path -d 'YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l rpc-port -l rpc_port -d 'gRPC listen port; 0 picks a free port [default: 50051]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l port -d 'Deprecated spelling of --rpc-port, used when --rpc-port is not given [default: 50051]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l rpc-address -l rpc_address -d 'Address the gRPC server binds and advertises (with HA it must be reachable) [default: 0.0.0.0]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l rpc-interface -l rpc_interface -d 'Network interface whose IPv4 address replaces --rpc-address, resolved at start-up [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l rpc-thread-num -l rpc_thread_num -d 'gRPC worker threads; 0 uses one per core, capped by --max-threads when given [default: 0]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l max-threads -l max_threads -d 'Deprecated cap on worker threads when --rpc-thread-num is 0 [default: number of cores]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l rpc-conn-timeout-seconds -l rpc_conn_timeout_seconds -d 'Close RPC connections idle this long; 0 keeps them open [default: 0]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l rpc-enable-tcp-no-delay -l rpc_enable_tcp_no_delay -d 'Set TCP_NODELAY on RPC connections [default: true]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-metric-reporting -l enable_metric_reporting -d 'Log a metrics summary every 10 seconds [default: true]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l metrics-port -l metrics_port -d 'Port of the admin HTTP server (/metrics, /health, /query_key, ...) [default: 9003]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l metrics-host -l metrics_host -d 'Address the admin HTTP server binds ("::" for IPv6) [default: 0.0.0.0]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-http-metadata-server -l enable_http_metadata_server -d 'Run the transfer-engine metadata server inside the master [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l http-metadata-server-host -l http_metadata_server_host -d 'Address the metadata server binds [default: 0.0.0.0]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l http-metadata-server-port -l http_metadata_server_port -d 'Port of the metadata server [default: 8080]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-metadata-cleanup-on-timeout -l enable_metadata_cleanup_on_timeout -d 'Delete a client\'s mooncake/ram and mooncake/rpc_meta keys when it times out [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l memory-allocator -l memory_allocator -d 'Allocator inside each segment: offset (cachelib is not supported) [default: offset]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l allocation-strategy -l allocation_strategy -d 'Placement of new replicas: random, free_ratio_first, local_first or cxl [default: random]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l put-start-discard-timeout-sec -l put_start_discard_timeout_sec -d 'An unfinished put may be superseded after this; plain numbers are seconds [default: 30]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l put-start-release-timeout-sec -l put_start_release_timeout_sec -d 'The space of an unfinished put is released after this; must exceed the discard timeout [default: 600]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l default-kv-lease-ttl -l default_kv_lease_ttl -d 'Read lease granted by every get; plain numbers are milliseconds, or 2s, 500ms [default: 10000]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l default-kv-soft-pin-ttl -l default_kv_soft_pin_ttl -d 'Soft-pin TTL when a put pins without a TTL; plain numbers are milliseconds [default: 1800000 (30m)]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l max-kv-soft-pin-ttl -l max_kv_soft_pin_ttl -d 'Longest soft-pin TTL a put may ask for; plain numbers are milliseconds [default: 86400000 (24h)]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l allow-evict-soft-pinned-objects -l allow_evict_soft_pinned_objects -d 'Let eviction take soft-pinned objects once nothing else is left [default: true]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l eviction-ratio -l eviction_ratio -d 'Fraction of evictable objects freed per eviction pass, 0 to 1 [default: 0.05]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l eviction-high-watermark-ratio -l eviction_high_watermark_ratio -d 'Memory usage fraction above which eviction runs, 0 to 1 [default: 0.9]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l client-ttl -l client_ttl -l client_live_ttl_sec -d 'A client silent this long loses its segments; plain numbers are seconds; file key client_live_ttl_sec [default: 10]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-ha -l enable_ha -d 'Run as one of several masters with leader election; standbys keep a live copy of the leader\'s metadata and take over when its lease lapses [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l ha-backend-type -l ha_backend_type -d 'Leader-election backend: etcd or redis [default: etcd]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l ha-backend-connstring -l ha_backend_connstring -d 'Backend address: etcd endpoints "h1:2379;h2:2379" or redis://host:port [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l etcd-endpoints -l etcd_endpoints -d 'etcd endpoints separated by ";", used when --ha-backend-connstring is empty [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l cluster-id -l cluster_id -d 'Namespace of HA, oplog and snapshot data: letters, digits, _ . -, at most 128 [default: mooncake_cluster]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l ha-lease-ttl-seconds -l ha_lease_ttl_seconds -d 'Lease of the leader in the HA backend: a dead leader is replaced within this time; plain numbers are seconds [default: 3]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-oplog -l enable_oplog -d 'Replicate metadata changes to standbys through an etcd operation log; needs --enable-ha with etcd (not active yet) [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-snapshot -l enable_snapshot -d 'Write periodic metadata snapshots (a consistent, checksummed image of segments and objects) [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-snapshot-restore -l enable_snapshot_restore -d 'Restore metadata from the newest valid snapshot at start-up (older ones are tried when the newest is damaged) [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-interval-seconds -l snapshot_interval_seconds -d 'Time between snapshots; plain numbers are seconds [default: 600]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-child-timeout-seconds -l snapshot_child_timeout_seconds -d 'Time limit for writing one snapshot; plain numbers are seconds [default: 300]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-retention-count -l snapshot_retention_count -d 'Number of recent snapshots kept, at least 1 [default: 2]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-object-store-type -l snapshot_object_store_type -d 'Where snapshots go: local or s3; required when snapshots or restore are on [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-local-path -l snapshot_local_path -d 'Directory of local snapshots; required for the local store [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-catalog-store-type -l snapshot_catalog_store_type -d 'Snapshot catalog: embedded or redis [default: embedded]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-catalog-store-connstring -l snapshot_catalog_store_connstring -d 'Catalog address (redis://host:port); required for the redis catalog [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l snapshot-backup-dir -l snapshot_backup_dir -d 'Extra local copy of every snapshot saved or restored [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l max-total-finished-tasks -l max_total_finished_tasks -d 'Finished tasks kept in memory (not active yet) [default: 10000]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l max-total-pending-tasks -l max_total_pending_tasks -d 'Queued tasks allowed (not active yet) [default: 10000]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l max-total-processing-tasks -l max_total_processing_tasks -d 'Tasks processed at once (not active yet) [default: 10000]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l pending-task-timeout-sec -l pending_task_timeout_sec -d 'A queued task fails after this; 0 never; plain numbers are seconds [default: 300]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l processing-task-timeout-sec -l processing_task_timeout_sec -d 'A running task fails after this without progress; 0 never; plain numbers are seconds [default: 300]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l max-retry-attempts -l max_retry_attempts -d 'Retries of a failed task (not active yet) [default: 10]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-offload -l enable_offload -d 'Persist completed objects to the nodes\' SSDs (not active yet) [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l offload-on-evict -l offload_on_evict -d 'Offload only when eviction picks an object, not at put time; needs --enable-offload [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l offload-force-evict -l offload_force_evict -d 'Past the per-cycle offload cap, evict without offloading [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l promotion-on-hit -l promotion_on_hit -d 'Promote SSD-only objects back to memory after repeated reads; needs --enable-offload [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l promotion-admission-threshold -l promotion_admission_threshold -d 'Reads of an SSD-only object before it is promoted, 1 to 255 [default: 2]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l promotion-queue-limit -l promotion_queue_limit -d 'Promotions in flight at most [default: 50000]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l promotion-max-per-heartbeat -l promotion_max_per_heartbeat -d 'Promotion tasks handed to a client per heartbeat [default: 1]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l offloading-queue-limit -l offloading_queue_limit -d 'Offload tasks queued per client, 1 to 100000000 [default: 50000]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l offload-cap-ratio -l offload_cap_ratio -d 'Fraction of the offload queue one eviction cycle may fill, 0 to 1 [default: 0.5]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l quota-bytes -l quota_bytes -d 'Disk quota per client, like 100GiB; 0 means 90% of its SSD [default: 0]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-disk-eviction -l enable_disk_eviction -d 'Let clients evict SSD objects to stay within quota [default: true]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l root-fs-dir -l root_fs_dir -d 'Shared-filesystem (DFS) directory for disk replicas (not active yet) [default: none]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l global-file-segment-size -l global_file_segment_size -d 'Capacity declared for the shared-filesystem tier, like 10TiB [default: unlimited]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l enable-cxl -l enable_cxl -d 'Allocate from CXL-attached memory (not active yet) [default: false]' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l cxl-path -l cxl_path -d 'DAX device of the CXL memory [default: /dev/dax0.0]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l cxl-size -l cxl_size -d 'Size of the CXL memory, like 16GiB or plain bytes [default: 8589934592 (8GiB)]' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand master" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand completions" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand completions" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand completions" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand completions" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand completions" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand completions" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l generate -d 'Store SIZE generated bytes (512KiB, 4MB, 1048576) instead of reading FILE: for smoke tests' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l replica-num -d 'How many replicas to place' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l preferred-segment -d 'Place the first replica on this segment (a node\'s segment name) when it has room' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -l soft-pin -d 'Soft-pin the object: evicted only after unpinned objects'
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand put" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -s o -l output-file -d 'Where to write the value; `-` (the default) is stdout' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand get" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l regex -d 'Remove the objects whose key matches RE anywhere; prints how many' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l force -d 'Remove even objects under a read lease or with a replication task'
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -l all -d 'Remove every object; prints how many'
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand rm" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand exists" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand exists" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand exists" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand exists" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand exists" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand exists" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand exists" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand query-key" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand query-key" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand query-key" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand query-key" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand query-key" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand query-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand query-key" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -f -a "list" -d 'Every mounted segment: name, id, status, use and endpoint'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -f -a "query" -d 'The segments mounted under NAME; exit 1 if there are none'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -f -a "mount" -d 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -f -a "unmount" -d 'Unmount a segment by id (or name) on behalf of its node'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and not __fish_seen_subcommand_from list query mount unmount help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from list" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from list" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from list" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from list" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from list" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from query" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from query" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from query" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from query" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from query" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from query" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -l node -d 'The node\'s REST service, e.g. http://127.0.0.1:8081 (`mooncake up`) or :8080' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -l size -d 'How much memory (1GiB, 512MB, bytes)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from mount" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -l grace -d 'Drain the segment\'s objects for this many seconds before unmounting (0 = at once)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from unmount" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every mounted segment: name, id, status, use and endpoint'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from help" -f -a "query" -d 'The segments mounted under NAME; exit 1 if there are none'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from help" -f -a "mount" -d 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from help" -f -a "unmount" -d 'Unmount a segment by id (or name) on behalf of its node'
complete -c mooncake -n "__fish_mooncake_using_subcommand segments; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l store -d 'The snapshot store to read: local or s3 (the master\'s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master' -r -f -a "local\t'A local directory (--local-path)'
s3\t'An S3 bucket (MOONCAKE_AWS_BUCKET_NAME, MOONCAKE_AWS_ENDPOINT, credentials)'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l local-path -d 'Root directory of local snapshots (the master\'s MOONCAKE_SNAPSHOT_LOCAL_PATH)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l cluster-id -d 'The cluster whose snapshots to read (the master\'s --cluster-id)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -f -a "list" -d 'Published snapshots, newest first: id, creation time, size, which one is `latest`'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -f -a "create" -d 'Ask the running master (--admin) to write a snapshot now; prints its id, keys, size and duration'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -f -a "inspect" -d 'Show one snapshot: format version, creation time, segments, objects, bytes and the checksum verdict'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -f -a "verify" -d 'Check every snapshot in the store (or the files/ids given): exit 1 if any is damaged'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -f -a "restore" -d 'Explain how to restore: which snapshot a restarting master would load, and the command to use'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and not __fish_seen_subcommand_from list create inspect verify restore help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l store -d 'The snapshot store to read: local or s3 (the master\'s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master' -r -f -a "local\t'A local directory (--local-path)'
s3\t'An S3 bucket (MOONCAKE_AWS_BUCKET_NAME, MOONCAKE_AWS_ENDPOINT, credentials)'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l local-path -d 'Root directory of local snapshots (the master\'s MOONCAKE_SNAPSHOT_LOCAL_PATH)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l cluster-id -d 'The cluster whose snapshots to read (the master\'s --cluster-id)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l store -d 'The snapshot store to read: local or s3 (the master\'s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master' -r -f -a "local\t'A local directory (--local-path)'
s3\t'An S3 bucket (MOONCAKE_AWS_BUCKET_NAME, MOONCAKE_AWS_ENDPOINT, credentials)'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l local-path -d 'Root directory of local snapshots (the master\'s MOONCAKE_SNAPSHOT_LOCAL_PATH)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l cluster-id -d 'The cluster whose snapshots to read (the master\'s --cluster-id)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l store -d 'The snapshot store to read: local or s3 (the master\'s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master' -r -f -a "local\t'A local directory (--local-path)'
s3\t'An S3 bucket (MOONCAKE_AWS_BUCKET_NAME, MOONCAKE_AWS_ENDPOINT, credentials)'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l local-path -d 'Root directory of local snapshots (the master\'s MOONCAKE_SNAPSHOT_LOCAL_PATH)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l cluster-id -d 'The cluster whose snapshots to read (the master\'s --cluster-id)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l store -d 'The snapshot store to read: local or s3 (the master\'s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master' -r -f -a "local\t'A local directory (--local-path)'
s3\t'An S3 bucket (MOONCAKE_AWS_BUCKET_NAME, MOONCAKE_AWS_ENDPOINT, credentials)'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l local-path -d 'Root directory of local snapshots (the master\'s MOONCAKE_SNAPSHOT_LOCAL_PATH)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l cluster-id -d 'The cluster whose snapshots to read (the master\'s --cluster-id)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l store -d 'The snapshot store to read: local or s3 (the master\'s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master' -r -f -a "local\t'A local directory (--local-path)'
s3\t'An S3 bucket (MOONCAKE_AWS_BUCKET_NAME, MOONCAKE_AWS_ENDPOINT, credentials)'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l local-path -d 'Root directory of local snapshots (the master\'s MOONCAKE_SNAPSHOT_LOCAL_PATH)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l cluster-id -d 'The cluster whose snapshots to read (the master\'s --cluster-id)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "list" -d 'Published snapshots, newest first: id, creation time, size, which one is `latest`'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "create" -d 'Ask the running master (--admin) to write a snapshot now; prints its id, keys, size and duration'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show one snapshot: format version, creation time, segments, objects, bytes and the checksum verdict'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check every snapshot in the store (or the files/ids given): exit 1 if any is damaged'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Explain how to restore: which snapshot a restarting master would load, and the command to use'
complete -c mooncake -n "__fish_mooncake_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -f -a "join" -d 'Contribute memory to the pool and serve it until SIGINT/SIGTERM'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and not __fish_seen_subcommand_from join help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l local-hostname -l local_hostname -d 'Address peers reach this node at (`host` or `host:port`); the node binds and publishes it' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l global-segment-size -l global_segment_size -d 'Memory this node contributes to the pool (3.2GB, 512MiB, bytes)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l local-buffer-size -l local_buffer_size -d 'Transfer buffer size (accepted for compatibility: transfers use callers\' buffers directly)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l protocol -d 'Data-path protocol (tcp; same-host peers use shared memory automatically)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l device-name -l device_name -d 'RDMA device names (unused with tcp)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l rest-port -l rest_port -l port -d 'Port of the REST store service; default 8080 when free, otherwise the service is off' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l rest-host -l rest_host -d 'Address the REST store service binds' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l connect-retries -d 'Attempts to reach the master at start before giving up (with doubling backoff from 200 ms)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from join" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "join" -d 'Contribute memory to the pool and serve it until SIGINT/SIGTERM'
complete -c mooncake -n "__fish_mooncake_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l global-segment-size -l global_segment_size -d 'Memory the node contributes; default: 1 GiB, or an eighth of the available memory if less' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l host -d 'Address every service binds (loopback by default: a development stack)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l rpc-port -l rpc_port -d 'Master gRPC port' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l metrics-port -l metrics_port -d 'Master admin/metrics HTTP port' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l http-metadata-server-port -l http_metadata_server_port -d 'Embedded HTTP metadata server port' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l rest-port -l rest_port -d 'Node REST store service port' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand up" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l device -l device_name -d 'RDMA devices to check (repeat or comma-separate); every device found when omitted' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l sysfs-root -d 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l ib-port -d 'The RDMA device port the transfer engine uses (as MC_IB_PORT)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l gid-index -d 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l mtu -d 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l global-segment-size -l global_segment_size -d 'The segment a node on this host will register (as `node join --global-segment-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l local-buffer-size -l local_buffer_size -d 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l memlock-limit -d 'Use this locked-memory limit instead of this process\'s RLIMIT_MEMLOCK (tests)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l local-hostname -l local_hostname -l connectable_name -d 'The address peers reach this host at (Mooncake\'s local_hostname / connectable_name)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l rpc-port -d 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l metrics-port -d 'A master admin/metrics port you plan to bind here (9003 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l metadata-port -d 'An HTTP metadata server port you plan to bind here (8080 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l node-port -l rest_port -d 'A node\'s REST port you plan to bind here (`node join --rest-port`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l port -d 'Any other port you plan to bind here (repeat or comma-separate)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l max-clock-skew -d 'Warn when the master\'s clock differs from this host\'s by more than this (30s, 500ms)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l timeout -d 'How long each network probe may take' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l multi-host -d 'The cluster spans several hosts (also assumed when any address given is not loopback)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -l strict -d 'Exit 1 on warnings too (failures always exit 1)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -f -a "rdma" -d 'RDMA devices: port state, GID index, MTU, max_mr_size and the locked-memory limit'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -f -a "net" -d 'This host\'s network: local hostname, name resolution, planned ports, proxies, congestion control'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -f -a "cluster" -d 'The cluster from this host: master ready, admin /health, HA leader, metadata server, clock skew'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and not __fish_seen_subcommand_from rdma net cluster help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l device -l device_name -d 'RDMA devices to check (repeat or comma-separate); every device found when omitted' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l sysfs-root -d 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l ib-port -d 'The RDMA device port the transfer engine uses (as MC_IB_PORT)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l gid-index -d 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l mtu -d 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l global-segment-size -l global_segment_size -d 'The segment a node on this host will register (as `node join --global-segment-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l local-buffer-size -l local_buffer_size -d 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l memlock-limit -d 'Use this locked-memory limit instead of this process\'s RLIMIT_MEMLOCK (tests)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l local-hostname -l local_hostname -l connectable_name -d 'The address peers reach this host at (Mooncake\'s local_hostname / connectable_name)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l rpc-port -d 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l metrics-port -d 'A master admin/metrics port you plan to bind here (9003 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l metadata-port -d 'An HTTP metadata server port you plan to bind here (8080 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l node-port -l rest_port -d 'A node\'s REST port you plan to bind here (`node join --rest-port`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l port -d 'Any other port you plan to bind here (repeat or comma-separate)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l max-clock-skew -d 'Warn when the master\'s clock differs from this host\'s by more than this (30s, 500ms)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l timeout -d 'How long each network probe may take' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l multi-host -d 'The cluster spans several hosts (also assumed when any address given is not loopback)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -l strict -d 'Exit 1 on warnings too (failures always exit 1)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from rdma" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l device -l device_name -d 'RDMA devices to check (repeat or comma-separate); every device found when omitted' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l sysfs-root -d 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l ib-port -d 'The RDMA device port the transfer engine uses (as MC_IB_PORT)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l gid-index -d 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l mtu -d 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l global-segment-size -l global_segment_size -d 'The segment a node on this host will register (as `node join --global-segment-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l local-buffer-size -l local_buffer_size -d 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l memlock-limit -d 'Use this locked-memory limit instead of this process\'s RLIMIT_MEMLOCK (tests)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l local-hostname -l local_hostname -l connectable_name -d 'The address peers reach this host at (Mooncake\'s local_hostname / connectable_name)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l rpc-port -d 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l metrics-port -d 'A master admin/metrics port you plan to bind here (9003 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l metadata-port -d 'An HTTP metadata server port you plan to bind here (8080 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l node-port -l rest_port -d 'A node\'s REST port you plan to bind here (`node join --rest-port`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l port -d 'Any other port you plan to bind here (repeat or comma-separate)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l max-clock-skew -d 'Warn when the master\'s clock differs from this host\'s by more than this (30s, 500ms)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l timeout -d 'How long each network probe may take' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l multi-host -d 'The cluster spans several hosts (also assumed when any address given is not loopback)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -l strict -d 'Exit 1 on warnings too (failures always exit 1)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from net" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l device -l device_name -d 'RDMA devices to check (repeat or comma-separate); every device found when omitted' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l sysfs-root -d 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)' -r -F
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l ib-port -d 'The RDMA device port the transfer engine uses (as MC_IB_PORT)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l gid-index -d 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l mtu -d 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l global-segment-size -l global_segment_size -d 'The segment a node on this host will register (as `node join --global-segment-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l local-buffer-size -l local_buffer_size -d 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l memlock-limit -d 'Use this locked-memory limit instead of this process\'s RLIMIT_MEMLOCK (tests)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l local-hostname -l local_hostname -l connectable_name -d 'The address peers reach this host at (Mooncake\'s local_hostname / connectable_name)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l rpc-port -d 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l metrics-port -d 'A master admin/metrics port you plan to bind here (9003 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l metadata-port -d 'An HTTP metadata server port you plan to bind here (8080 by default)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l node-port -l rest_port -d 'A node\'s REST port you plan to bind here (`node join --rest-port`)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l port -d 'Any other port you plan to bind here (repeat or comma-separate)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l max-clock-skew -d 'Warn when the master\'s clock differs from this host\'s by more than this (30s, 500ms)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l timeout -d 'How long each network probe may take' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l multi-host -d 'The cluster spans several hosts (also assumed when any address given is not loopback)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -l strict -d 'Exit 1 on warnings too (failures always exit 1)'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from cluster" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from help" -f -a "rdma" -d 'RDMA devices: port state, GID index, MTU, max_mr_size and the locked-memory limit'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from help" -f -a "net" -d 'This host\'s network: local hostname, name resolution, planned ports, proxies, congestion control'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from help" -f -a "cluster" -d 'The cluster from this host: master ready, admin /health, HA leader, metadata server, clock skew'
complete -c mooncake -n "__fish_mooncake_using_subcommand doctor; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l scenarios -d 'Scenarios to run, comma-separated' -r -f -a "local\t'The client\'s own segment holds the data: a master round trip plus an in-process copy'
remote\t'A separate node holds the data: every byte crosses the transport (TCP unless --remote-transport shm)'
local-batch32\t'`local` with batch_put/batch_get of --batch keys per call'
remote-batch32\t'`remote` with batch_put/batch_get of --batch keys per call'
local-zc\t'`local` through registered buffers (put_from/get_into): no copy besides the transfer'
remote-zc\t'`remote` through registered buffers (put_from/get_into)'
remote-2clients\t'`remote` from --clients separate client processes at once; MB/s is the aggregate'
local-cold\t'First puts into a freshly mounted client segment'
remote-cold\t'First puts into a freshly started storage node'
memcpy\t'Machine limit: single-thread memcpy streaming through a DRAM-sized buffer'
tcp\t'Machine limit: plain request/response over one loopback TCP connection'
tcp-2streams\t'Machine limit: the same over two connections at once (aggregate)'
tcp-dram\t'Machine limit: `tcp` with the server answering from (and storing into) a DRAM-sized region, as a storage node must'
tcp-2streams-dram\t'Machine limit: `tcp-2streams` from a DRAM-sized region'"
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l sizes -d 'Value sizes, comma-separated (4K, 64K, 1M, 16M or bytes)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l ops -d 'Keys put (and got) per scenario and size, at most; --bytes caps it for large sizes' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l bytes -d 'Byte budget per scenario and size: a size runs min(--ops, BYTES / size) keys (at least 4)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l batch -d 'Keys per call in the batch scenarios' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l clients -d 'Client processes of the multi-client scenario' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l replicas -d 'Replicas per put (each on a different segment when there are enough)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l warmup -d 'Unmeasured put+get rounds before each scenario and size (cold scenarios skip them; batch scenarios warm up with at least one full batch)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l segment-size -l global_segment_size -d 'Memory the benchmark\'s client and each --local storage node contribute' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l local-buffer-size -l local_buffer_size -d 'Transfer buffer size of the clients (accepted for parity with Mooncake\'s benchmark)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l remote-transport -d 'How remote scenarios move bytes: tcp (through a socket, like another host) or shm' -r -f -a "tcp\t'Loopback TCP, as between hosts'
shm\t'The same-host shared-memory path'"
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l checksum -d 'Store a CRC-32 with every put and verify it on get (the client\'s default)' -r -f -a "true\t''
false\t''"
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l target-segment -d 'Internal: the segment a worker puts into' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l key-prefix -d 'Internal: a worker\'s key prefix' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l local -d 'Start a master, and storage nodes for the remote scenarios, on loopback for this run'
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -l worker -d 'Internal: run as one client of a multi-client scenario'
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand bench" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -l interval -d 'How often to poll the master: 1s, 500ms, 2.5s (a plain number is seconds; at least 50ms)' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -l log-level -l log_level -d 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives' -r -f -a "error\t'Only errors someone must look at'
warn\t'Also unexpected events the process continued through'
info\t'Also state changes: listening, mounts, shutdown'
debug\t'Also per-request detail'
trace\t'Everything'"
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -l output -d 'Output format of query commands' -r -f -a "table\t'Aligned columns for people'
json\t'One JSON document for scripts'"
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -l master -l master_server -d 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -l metadata-server -l metadata_server -d 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -l admin -d 'The master\'s admin HTTP base URL' -r
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -l once -d 'Print one frame as text on stdout and exit, instead of the interactive dashboard'
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mooncake -n "__fish_mooncake_using_subcommand top" -s V -l version -d 'Print version'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "master" -d 'Run the master: the service that decides where every object lives (also `mooncake_master`)'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "completions" -d 'Print the shell completion script for SHELL on stdout'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "put" -d 'Store FILE (or stdin) under KEY'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "get" -d 'Read KEY\'s value to stdout or a file; exit 1 if the key is not found'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "rm" -d 'Remove KEY, every key (--all) or the keys matching a regex (--regex)'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "exists" -d 'Exit 0 if KEY exists, 1 if it does not'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "query-key" -d 'Show replicas, sizes, status, lease and pins of keys, without extending any read lease'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "segments" -d 'List, query or unmount the memory segments nodes contribute'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "snapshot" -d 'List, create, inspect and verify metadata snapshots; explain how to restore one'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "node" -d 'Run a storage node (`mooncake node join`): contribute memory to the pool'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "up" -d 'Start a single-host store: a master with the embedded metadata server plus one node'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "doctor" -d 'Check this host and the cluster for the usual RDMA and network mistakes'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "bench" -d 'Measure put/get throughput and latency of a cluster (or one started with --local)'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "top" -d 'Watch a live cluster: capacity, keys, segments, request and error rates, HA, snapshots'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and not __fish_seen_subcommand_from master completions put get rm exists query-key segments snapshot node up doctor bench top help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from segments" -f -a "list" -d 'Every mounted segment: name, id, status, use and endpoint'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from segments" -f -a "query" -d 'The segments mounted under NAME; exit 1 if there are none'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from segments" -f -a "mount" -d 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from segments" -f -a "unmount" -d 'Unmount a segment by id (or name) on behalf of its node'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "list" -d 'Published snapshots, newest first: id, creation time, size, which one is `latest`'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "create" -d 'Ask the running master (--admin) to write a snapshot now; prints its id, keys, size and duration'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "inspect" -d 'Show one snapshot: format version, creation time, segments, objects, bytes and the checksum verdict'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "verify" -d 'Check every snapshot in the store (or the files/ids given): exit 1 if any is damaged'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "restore" -d 'Explain how to restore: which snapshot a restarting master would load, and the command to use'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from node" -f -a "join" -d 'Contribute memory to the pool and serve it until SIGINT/SIGTERM'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from doctor" -f -a "rdma" -d 'RDMA devices: port state, GID index, MTU, max_mr_size and the locked-memory limit'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from doctor" -f -a "net" -d 'This host\'s network: local hostname, name resolution, planned ports, proxies, congestion control'
complete -c mooncake -n "__fish_mooncake_using_subcommand help; and __fish_seen_subcommand_from doctor" -f -a "cluster" -d 'The cluster from this host: master ready, admin /health, HA leader, metadata server, clock skew'
