
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mooncake' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mooncake'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mooncake' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('master', 'master', [CompletionResultType]::ParameterValue, 'Run the master: the service that decides where every object lives (also `mooncake_master`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL on stdout')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store FILE (or stdin) under KEY')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read KEY''s value to stdout or a file; exit 1 if the key is not found')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove KEY, every key (--all) or the keys matching a regex (--regex)')
            [CompletionResult]::new('exists', 'exists', [CompletionResultType]::ParameterValue, 'Exit 0 if KEY exists, 1 if it does not')
            [CompletionResult]::new('query-key', 'query-key', [CompletionResultType]::ParameterValue, 'Show replicas, sizes, status, lease and pins of keys, without extending any read lease')
            [CompletionResult]::new('segments', 'segments', [CompletionResultType]::ParameterValue, 'List, query or unmount the memory segments nodes contribute')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'List, create, inspect and verify metadata snapshots; explain how to restore one')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Run a storage node (`mooncake node join`): contribute memory to the pool')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start a single-host store: a master with the embedded metadata server plus one node')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this host and the cluster for the usual RDMA and network mistakes')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure put/get throughput and latency of a cluster (or one started with --local)')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Watch a live cluster: capacity, keys, segments, request and error rates, HA, snapshots')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;master' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names')
            [CompletionResult]::new('--config_path', '--config_path', [CompletionResultType]::ParameterName, 'YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names')
            [CompletionResult]::new('--config-path', '--config-path', [CompletionResultType]::ParameterName, 'YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names')
            [CompletionResult]::new('--rpc-port', '--rpc-port', [CompletionResultType]::ParameterName, 'gRPC listen port; 0 picks a free port [default: 50051]')
            [CompletionResult]::new('--rpc_port', '--rpc_port', [CompletionResultType]::ParameterName, 'gRPC listen port; 0 picks a free port [default: 50051]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Deprecated spelling of --rpc-port, used when --rpc-port is not given [default: 50051]')
            [CompletionResult]::new('--rpc-address', '--rpc-address', [CompletionResultType]::ParameterName, 'Address the gRPC server binds and advertises (with HA it must be reachable) [default: 0.0.0.0]')
            [CompletionResult]::new('--rpc_address', '--rpc_address', [CompletionResultType]::ParameterName, 'Address the gRPC server binds and advertises (with HA it must be reachable) [default: 0.0.0.0]')
            [CompletionResult]::new('--rpc-interface', '--rpc-interface', [CompletionResultType]::ParameterName, 'Network interface whose IPv4 address replaces --rpc-address, resolved at start-up [default: none]')
            [CompletionResult]::new('--rpc_interface', '--rpc_interface', [CompletionResultType]::ParameterName, 'Network interface whose IPv4 address replaces --rpc-address, resolved at start-up [default: none]')
            [CompletionResult]::new('--rpc-thread-num', '--rpc-thread-num', [CompletionResultType]::ParameterName, 'gRPC worker threads; 0 uses one per core, capped by --max-threads when given [default: 0]')
            [CompletionResult]::new('--rpc_thread_num', '--rpc_thread_num', [CompletionResultType]::ParameterName, 'gRPC worker threads; 0 uses one per core, capped by --max-threads when given [default: 0]')
            [CompletionResult]::new('--max-threads', '--max-threads', [CompletionResultType]::ParameterName, 'Deprecated cap on worker threads when --rpc-thread-num is 0 [default: number of cores]')
            [CompletionResult]::new('--max_threads', '--max_threads', [CompletionResultType]::ParameterName, 'Deprecated cap on worker threads when --rpc-thread-num is 0 [default: number of cores]')
            [CompletionResult]::new('--rpc-conn-timeout-seconds', '--rpc-conn-timeout-seconds', [CompletionResultType]::ParameterName, 'Close RPC connections idle this long; 0 keeps them open [default: 0]')
            [CompletionResult]::new('--rpc_conn_timeout_seconds', '--rpc_conn_timeout_seconds', [CompletionResultType]::ParameterName, 'Close RPC connections idle this long; 0 keeps them open [default: 0]')
            [CompletionResult]::new('--rpc-enable-tcp-no-delay', '--rpc-enable-tcp-no-delay', [CompletionResultType]::ParameterName, 'Set TCP_NODELAY on RPC connections [default: true]')
            [CompletionResult]::new('--rpc_enable_tcp_no_delay', '--rpc_enable_tcp_no_delay', [CompletionResultType]::ParameterName, 'Set TCP_NODELAY on RPC connections [default: true]')
            [CompletionResult]::new('--enable-metric-reporting', '--enable-metric-reporting', [CompletionResultType]::ParameterName, 'Log a metrics summary every 10 seconds [default: true]')
            [CompletionResult]::new('--enable_metric_reporting', '--enable_metric_reporting', [CompletionResultType]::ParameterName, 'Log a metrics summary every 10 seconds [default: true]')
            [CompletionResult]::new('--metrics-port', '--metrics-port', [CompletionResultType]::ParameterName, 'Port of the admin HTTP server (/metrics, /health, /query_key, ...) [default: 9003]')
            [CompletionResult]::new('--metrics_port', '--metrics_port', [CompletionResultType]::ParameterName, 'Port of the admin HTTP server (/metrics, /health, /query_key, ...) [default: 9003]')
            [CompletionResult]::new('--metrics-host', '--metrics-host', [CompletionResultType]::ParameterName, 'Address the admin HTTP server binds ("::" for IPv6) [default: 0.0.0.0]')
            [CompletionResult]::new('--metrics_host', '--metrics_host', [CompletionResultType]::ParameterName, 'Address the admin HTTP server binds ("::" for IPv6) [default: 0.0.0.0]')
            [CompletionResult]::new('--enable-http-metadata-server', '--enable-http-metadata-server', [CompletionResultType]::ParameterName, 'Run the transfer-engine metadata server inside the master [default: false]')
            [CompletionResult]::new('--enable_http_metadata_server', '--enable_http_metadata_server', [CompletionResultType]::ParameterName, 'Run the transfer-engine metadata server inside the master [default: false]')
            [CompletionResult]::new('--http-metadata-server-host', '--http-metadata-server-host', [CompletionResultType]::ParameterName, 'Address the metadata server binds [default: 0.0.0.0]')
            [CompletionResult]::new('--http_metadata_server_host', '--http_metadata_server_host', [CompletionResultType]::ParameterName, 'Address the metadata server binds [default: 0.0.0.0]')
            [CompletionResult]::new('--http-metadata-server-port', '--http-metadata-server-port', [CompletionResultType]::ParameterName, 'Port of the metadata server [default: 8080]')
            [CompletionResult]::new('--http_metadata_server_port', '--http_metadata_server_port', [CompletionResultType]::ParameterName, 'Port of the metadata server [default: 8080]')
            [CompletionResult]::new('--enable-metadata-cleanup-on-timeout', '--enable-metadata-cleanup-on-timeout', [CompletionResultType]::ParameterName, 'Delete a client''s mooncake/ram and mooncake/rpc_meta keys when it times out [default: false]')
            [CompletionResult]::new('--enable_metadata_cleanup_on_timeout', '--enable_metadata_cleanup_on_timeout', [CompletionResultType]::ParameterName, 'Delete a client''s mooncake/ram and mooncake/rpc_meta keys when it times out [default: false]')
            [CompletionResult]::new('--memory-allocator', '--memory-allocator', [CompletionResultType]::ParameterName, 'Allocator inside each segment: offset (cachelib is not supported) [default: offset]')
            [CompletionResult]::new('--memory_allocator', '--memory_allocator', [CompletionResultType]::ParameterName, 'Allocator inside each segment: offset (cachelib is not supported) [default: offset]')
            [CompletionResult]::new('--allocation-strategy', '--allocation-strategy', [CompletionResultType]::ParameterName, 'Placement of new replicas: random, free_ratio_first, local_first or cxl [default: random]')
            [CompletionResult]::new('--allocation_strategy', '--allocation_strategy', [CompletionResultType]::ParameterName, 'Placement of new replicas: random, free_ratio_first, local_first or cxl [default: random]')
            [CompletionResult]::new('--put-start-discard-timeout-sec', '--put-start-discard-timeout-sec', [CompletionResultType]::ParameterName, 'An unfinished put may be superseded after this; plain numbers are seconds [default: 30]')
            [CompletionResult]::new('--put_start_discard_timeout_sec', '--put_start_discard_timeout_sec', [CompletionResultType]::ParameterName, 'An unfinished put may be superseded after this; plain numbers are seconds [default: 30]')
            [CompletionResult]::new('--put-start-release-timeout-sec', '--put-start-release-timeout-sec', [CompletionResultType]::ParameterName, 'The space of an unfinished put is released after this; must exceed the discard timeout [default: 600]')
            [CompletionResult]::new('--put_start_release_timeout_sec', '--put_start_release_timeout_sec', [CompletionResultType]::ParameterName, 'The space of an unfinished put is released after this; must exceed the discard timeout [default: 600]')
            [CompletionResult]::new('--default-kv-lease-ttl', '--default-kv-lease-ttl', [CompletionResultType]::ParameterName, 'Read lease granted by every get; plain numbers are milliseconds, or 2s, 500ms [default: 10000]')
            [CompletionResult]::new('--default_kv_lease_ttl', '--default_kv_lease_ttl', [CompletionResultType]::ParameterName, 'Read lease granted by every get; plain numbers are milliseconds, or 2s, 500ms [default: 10000]')
            [CompletionResult]::new('--default-kv-soft-pin-ttl', '--default-kv-soft-pin-ttl', [CompletionResultType]::ParameterName, 'Soft-pin TTL when a put pins without a TTL; plain numbers are milliseconds [default: 1800000 (30m)]')
            [CompletionResult]::new('--default_kv_soft_pin_ttl', '--default_kv_soft_pin_ttl', [CompletionResultType]::ParameterName, 'Soft-pin TTL when a put pins without a TTL; plain numbers are milliseconds [default: 1800000 (30m)]')
            [CompletionResult]::new('--max-kv-soft-pin-ttl', '--max-kv-soft-pin-ttl', [CompletionResultType]::ParameterName, 'Longest soft-pin TTL a put may ask for; plain numbers are milliseconds [default: 86400000 (24h)]')
            [CompletionResult]::new('--max_kv_soft_pin_ttl', '--max_kv_soft_pin_ttl', [CompletionResultType]::ParameterName, 'Longest soft-pin TTL a put may ask for; plain numbers are milliseconds [default: 86400000 (24h)]')
            [CompletionResult]::new('--allow-evict-soft-pinned-objects', '--allow-evict-soft-pinned-objects', [CompletionResultType]::ParameterName, 'Let eviction take soft-pinned objects once nothing else is left [default: true]')
            [CompletionResult]::new('--allow_evict_soft_pinned_objects', '--allow_evict_soft_pinned_objects', [CompletionResultType]::ParameterName, 'Let eviction take soft-pinned objects once nothing else is left [default: true]')
            [CompletionResult]::new('--eviction-ratio', '--eviction-ratio', [CompletionResultType]::ParameterName, 'Fraction of evictable objects freed per eviction pass, 0 to 1 [default: 0.05]')
            [CompletionResult]::new('--eviction_ratio', '--eviction_ratio', [CompletionResultType]::ParameterName, 'Fraction of evictable objects freed per eviction pass, 0 to 1 [default: 0.05]')
            [CompletionResult]::new('--eviction-high-watermark-ratio', '--eviction-high-watermark-ratio', [CompletionResultType]::ParameterName, 'Memory usage fraction above which eviction runs, 0 to 1 [default: 0.9]')
            [CompletionResult]::new('--eviction_high_watermark_ratio', '--eviction_high_watermark_ratio', [CompletionResultType]::ParameterName, 'Memory usage fraction above which eviction runs, 0 to 1 [default: 0.9]')
            [CompletionResult]::new('--client-ttl', '--client-ttl', [CompletionResultType]::ParameterName, 'A client silent this long loses its segments; plain numbers are seconds; file key client_live_ttl_sec [default: 10]')
            [CompletionResult]::new('--client_ttl', '--client_ttl', [CompletionResultType]::ParameterName, 'A client silent this long loses its segments; plain numbers are seconds; file key client_live_ttl_sec [default: 10]')
            [CompletionResult]::new('--client_live_ttl_sec', '--client_live_ttl_sec', [CompletionResultType]::ParameterName, 'A client silent this long loses its segments; plain numbers are seconds; file key client_live_ttl_sec [default: 10]')
            [CompletionResult]::new('--enable-ha', '--enable-ha', [CompletionResultType]::ParameterName, 'Run as one of several masters with leader election; standbys keep a live copy of the leader''s metadata and take over when its lease lapses [default: false]')
            [CompletionResult]::new('--enable_ha', '--enable_ha', [CompletionResultType]::ParameterName, 'Run as one of several masters with leader election; standbys keep a live copy of the leader''s metadata and take over when its lease lapses [default: false]')
            [CompletionResult]::new('--ha-backend-type', '--ha-backend-type', [CompletionResultType]::ParameterName, 'Leader-election backend: etcd or redis [default: etcd]')
            [CompletionResult]::new('--ha_backend_type', '--ha_backend_type', [CompletionResultType]::ParameterName, 'Leader-election backend: etcd or redis [default: etcd]')
            [CompletionResult]::new('--ha-backend-connstring', '--ha-backend-connstring', [CompletionResultType]::ParameterName, 'Backend address: etcd endpoints "h1:2379;h2:2379" or redis://host:port [default: none]')
            [CompletionResult]::new('--ha_backend_connstring', '--ha_backend_connstring', [CompletionResultType]::ParameterName, 'Backend address: etcd endpoints "h1:2379;h2:2379" or redis://host:port [default: none]')
            [CompletionResult]::new('--etcd-endpoints', '--etcd-endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints separated by ";", used when --ha-backend-connstring is empty [default: none]')
            [CompletionResult]::new('--etcd_endpoints', '--etcd_endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints separated by ";", used when --ha-backend-connstring is empty [default: none]')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'Namespace of HA, oplog and snapshot data: letters, digits, _ . -, at most 128 [default: mooncake_cluster]')
            [CompletionResult]::new('--cluster_id', '--cluster_id', [CompletionResultType]::ParameterName, 'Namespace of HA, oplog and snapshot data: letters, digits, _ . -, at most 128 [default: mooncake_cluster]')
            [CompletionResult]::new('--ha-lease-ttl-seconds', '--ha-lease-ttl-seconds', [CompletionResultType]::ParameterName, 'Lease of the leader in the HA backend: a dead leader is replaced within this time; plain numbers are seconds [default: 3]')
            [CompletionResult]::new('--ha_lease_ttl_seconds', '--ha_lease_ttl_seconds', [CompletionResultType]::ParameterName, 'Lease of the leader in the HA backend: a dead leader is replaced within this time; plain numbers are seconds [default: 3]')
            [CompletionResult]::new('--enable-oplog', '--enable-oplog', [CompletionResultType]::ParameterName, 'Replicate metadata changes to standbys through an etcd operation log; needs --enable-ha with etcd (not active yet) [default: false]')
            [CompletionResult]::new('--enable_oplog', '--enable_oplog', [CompletionResultType]::ParameterName, 'Replicate metadata changes to standbys through an etcd operation log; needs --enable-ha with etcd (not active yet) [default: false]')
            [CompletionResult]::new('--enable-snapshot', '--enable-snapshot', [CompletionResultType]::ParameterName, 'Write periodic metadata snapshots (a consistent, checksummed image of segments and objects) [default: false]')
            [CompletionResult]::new('--enable_snapshot', '--enable_snapshot', [CompletionResultType]::ParameterName, 'Write periodic metadata snapshots (a consistent, checksummed image of segments and objects) [default: false]')
            [CompletionResult]::new('--enable-snapshot-restore', '--enable-snapshot-restore', [CompletionResultType]::ParameterName, 'Restore metadata from the newest valid snapshot at start-up (older ones are tried when the newest is damaged) [default: false]')
            [CompletionResult]::new('--enable_snapshot_restore', '--enable_snapshot_restore', [CompletionResultType]::ParameterName, 'Restore metadata from the newest valid snapshot at start-up (older ones are tried when the newest is damaged) [default: false]')
            [CompletionResult]::new('--snapshot-interval-seconds', '--snapshot-interval-seconds', [CompletionResultType]::ParameterName, 'Time between snapshots; plain numbers are seconds [default: 600]')
            [CompletionResult]::new('--snapshot_interval_seconds', '--snapshot_interval_seconds', [CompletionResultType]::ParameterName, 'Time between snapshots; plain numbers are seconds [default: 600]')
            [CompletionResult]::new('--snapshot-child-timeout-seconds', '--snapshot-child-timeout-seconds', [CompletionResultType]::ParameterName, 'Time limit for writing one snapshot; plain numbers are seconds [default: 300]')
            [CompletionResult]::new('--snapshot_child_timeout_seconds', '--snapshot_child_timeout_seconds', [CompletionResultType]::ParameterName, 'Time limit for writing one snapshot; plain numbers are seconds [default: 300]')
            [CompletionResult]::new('--snapshot-retention-count', '--snapshot-retention-count', [CompletionResultType]::ParameterName, 'Number of recent snapshots kept, at least 1 [default: 2]')
            [CompletionResult]::new('--snapshot_retention_count', '--snapshot_retention_count', [CompletionResultType]::ParameterName, 'Number of recent snapshots kept, at least 1 [default: 2]')
            [CompletionResult]::new('--snapshot-object-store-type', '--snapshot-object-store-type', [CompletionResultType]::ParameterName, 'Where snapshots go: local or s3; required when snapshots or restore are on [default: none]')
            [CompletionResult]::new('--snapshot_object_store_type', '--snapshot_object_store_type', [CompletionResultType]::ParameterName, 'Where snapshots go: local or s3; required when snapshots or restore are on [default: none]')
            [CompletionResult]::new('--snapshot-local-path', '--snapshot-local-path', [CompletionResultType]::ParameterName, 'Directory of local snapshots; required for the local store [default: none]')
            [CompletionResult]::new('--snapshot_local_path', '--snapshot_local_path', [CompletionResultType]::ParameterName, 'Directory of local snapshots; required for the local store [default: none]')
            [CompletionResult]::new('--snapshot-catalog-store-type', '--snapshot-catalog-store-type', [CompletionResultType]::ParameterName, 'Snapshot catalog: embedded or redis [default: embedded]')
            [CompletionResult]::new('--snapshot_catalog_store_type', '--snapshot_catalog_store_type', [CompletionResultType]::ParameterName, 'Snapshot catalog: embedded or redis [default: embedded]')
            [CompletionResult]::new('--snapshot-catalog-store-connstring', '--snapshot-catalog-store-connstring', [CompletionResultType]::ParameterName, 'Catalog address (redis://host:port); required for the redis catalog [default: none]')
            [CompletionResult]::new('--snapshot_catalog_store_connstring', '--snapshot_catalog_store_connstring', [CompletionResultType]::ParameterName, 'Catalog address (redis://host:port); required for the redis catalog [default: none]')
            [CompletionResult]::new('--snapshot-backup-dir', '--snapshot-backup-dir', [CompletionResultType]::ParameterName, 'Extra local copy of every snapshot saved or restored [default: none]')
            [CompletionResult]::new('--snapshot_backup_dir', '--snapshot_backup_dir', [CompletionResultType]::ParameterName, 'Extra local copy of every snapshot saved or restored [default: none]')
            [CompletionResult]::new('--max-total-finished-tasks', '--max-total-finished-tasks', [CompletionResultType]::ParameterName, 'Finished tasks kept in memory (not active yet) [default: 10000]')
            [CompletionResult]::new('--max_total_finished_tasks', '--max_total_finished_tasks', [CompletionResultType]::ParameterName, 'Finished tasks kept in memory (not active yet) [default: 10000]')
            [CompletionResult]::new('--max-total-pending-tasks', '--max-total-pending-tasks', [CompletionResultType]::ParameterName, 'Queued tasks allowed (not active yet) [default: 10000]')
            [CompletionResult]::new('--max_total_pending_tasks', '--max_total_pending_tasks', [CompletionResultType]::ParameterName, 'Queued tasks allowed (not active yet) [default: 10000]')
            [CompletionResult]::new('--max-total-processing-tasks', '--max-total-processing-tasks', [CompletionResultType]::ParameterName, 'Tasks processed at once (not active yet) [default: 10000]')
            [CompletionResult]::new('--max_total_processing_tasks', '--max_total_processing_tasks', [CompletionResultType]::ParameterName, 'Tasks processed at once (not active yet) [default: 10000]')
            [CompletionResult]::new('--pending-task-timeout-sec', '--pending-task-timeout-sec', [CompletionResultType]::ParameterName, 'A queued task fails after this; 0 never; plain numbers are seconds [default: 300]')
            [CompletionResult]::new('--pending_task_timeout_sec', '--pending_task_timeout_sec', [CompletionResultType]::ParameterName, 'A queued task fails after this; 0 never; plain numbers are seconds [default: 300]')
            [CompletionResult]::new('--processing-task-timeout-sec', '--processing-task-timeout-sec', [CompletionResultType]::ParameterName, 'A running task fails after this without progress; 0 never; plain numbers are seconds [default: 300]')
            [CompletionResult]::new('--processing_task_timeout_sec', '--processing_task_timeout_sec', [CompletionResultType]::ParameterName, 'A running task fails after this without progress; 0 never; plain numbers are seconds [default: 300]')
            [CompletionResult]::new('--max-retry-attempts', '--max-retry-attempts', [CompletionResultType]::ParameterName, 'Retries of a failed task (not active yet) [default: 10]')
            [CompletionResult]::new('--max_retry_attempts', '--max_retry_attempts', [CompletionResultType]::ParameterName, 'Retries of a failed task (not active yet) [default: 10]')
            [CompletionResult]::new('--enable-offload', '--enable-offload', [CompletionResultType]::ParameterName, 'Persist completed objects to the nodes'' SSDs (not active yet) [default: false]')
            [CompletionResult]::new('--enable_offload', '--enable_offload', [CompletionResultType]::ParameterName, 'Persist completed objects to the nodes'' SSDs (not active yet) [default: false]')
            [CompletionResult]::new('--offload-on-evict', '--offload-on-evict', [CompletionResultType]::ParameterName, 'Offload only when eviction picks an object, not at put time; needs --enable-offload [default: false]')
            [CompletionResult]::new('--offload_on_evict', '--offload_on_evict', [CompletionResultType]::ParameterName, 'Offload only when eviction picks an object, not at put time; needs --enable-offload [default: false]')
            [CompletionResult]::new('--offload-force-evict', '--offload-force-evict', [CompletionResultType]::ParameterName, 'Past the per-cycle offload cap, evict without offloading [default: false]')
            [CompletionResult]::new('--offload_force_evict', '--offload_force_evict', [CompletionResultType]::ParameterName, 'Past the per-cycle offload cap, evict without offloading [default: false]')
            [CompletionResult]::new('--promotion-on-hit', '--promotion-on-hit', [CompletionResultType]::ParameterName, 'Promote SSD-only objects back to memory after repeated reads; needs --enable-offload [default: false]')
            [CompletionResult]::new('--promotion_on_hit', '--promotion_on_hit', [CompletionResultType]::ParameterName, 'Promote SSD-only objects back to memory after repeated reads; needs --enable-offload [default: false]')
            [CompletionResult]::new('--promotion-admission-threshold', '--promotion-admission-threshold', [CompletionResultType]::ParameterName, 'Reads of an SSD-only object before it is promoted, 1 to 255 [default: 2]')
            [CompletionResult]::new('--promotion_admission_threshold', '--promotion_admission_threshold', [CompletionResultType]::ParameterName, 'Reads of an SSD-only object before it is promoted, 1 to 255 [default: 2]')
            [CompletionResult]::new('--promotion-queue-limit', '--promotion-queue-limit', [CompletionResultType]::ParameterName, 'Promotions in flight at most [default: 50000]')
            [CompletionResult]::new('--promotion_queue_limit', '--promotion_queue_limit', [CompletionResultType]::ParameterName, 'Promotions in flight at most [default: 50000]')
            [CompletionResult]::new('--promotion-max-per-heartbeat', '--promotion-max-per-heartbeat', [CompletionResultType]::ParameterName, 'Promotion tasks handed to a client per heartbeat [default: 1]')
            [CompletionResult]::new('--promotion_max_per_heartbeat', '--promotion_max_per_heartbeat', [CompletionResultType]::ParameterName, 'Promotion tasks handed to a client per heartbeat [default: 1]')
            [CompletionResult]::new('--offloading-queue-limit', '--offloading-queue-limit', [CompletionResultType]::ParameterName, 'Offload tasks queued per client, 1 to 100000000 [default: 50000]')
            [CompletionResult]::new('--offloading_queue_limit', '--offloading_queue_limit', [CompletionResultType]::ParameterName, 'Offload tasks queued per client, 1 to 100000000 [default: 50000]')
            [CompletionResult]::new('--offload-cap-ratio', '--offload-cap-ratio', [CompletionResultType]::ParameterName, 'Fraction of the offload queue one eviction cycle may fill, 0 to 1 [default: 0.5]')
            [CompletionResult]::new('--offload_cap_ratio', '--offload_cap_ratio', [CompletionResultType]::ParameterName, 'Fraction of the offload queue one eviction cycle may fill, 0 to 1 [default: 0.5]')
            [CompletionResult]::new('--quota-bytes', '--quota-bytes', [CompletionResultType]::ParameterName, 'Disk quota per client, like 100GiB; 0 means 90% of its SSD [default: 0]')
            [CompletionResult]::new('--quota_bytes', '--quota_bytes', [CompletionResultType]::ParameterName, 'Disk quota per client, like 100GiB; 0 means 90% of its SSD [default: 0]')
            [CompletionResult]::new('--enable-disk-eviction', '--enable-disk-eviction', [CompletionResultType]::ParameterName, 'Let clients evict SSD objects to stay within quota [default: true]')
            [CompletionResult]::new('--enable_disk_eviction', '--enable_disk_eviction', [CompletionResultType]::ParameterName, 'Let clients evict SSD objects to stay within quota [default: true]')
            [CompletionResult]::new('--root-fs-dir', '--root-fs-dir', [CompletionResultType]::ParameterName, 'Shared-filesystem (DFS) directory for disk replicas (not active yet) [default: none]')
            [CompletionResult]::new('--root_fs_dir', '--root_fs_dir', [CompletionResultType]::ParameterName, 'Shared-filesystem (DFS) directory for disk replicas (not active yet) [default: none]')
            [CompletionResult]::new('--global-file-segment-size', '--global-file-segment-size', [CompletionResultType]::ParameterName, 'Capacity declared for the shared-filesystem tier, like 10TiB [default: unlimited]')
            [CompletionResult]::new('--global_file_segment_size', '--global_file_segment_size', [CompletionResultType]::ParameterName, 'Capacity declared for the shared-filesystem tier, like 10TiB [default: unlimited]')
            [CompletionResult]::new('--enable-cxl', '--enable-cxl', [CompletionResultType]::ParameterName, 'Allocate from CXL-attached memory (not active yet) [default: false]')
            [CompletionResult]::new('--enable_cxl', '--enable_cxl', [CompletionResultType]::ParameterName, 'Allocate from CXL-attached memory (not active yet) [default: false]')
            [CompletionResult]::new('--cxl-path', '--cxl-path', [CompletionResultType]::ParameterName, 'DAX device of the CXL memory [default: /dev/dax0.0]')
            [CompletionResult]::new('--cxl_path', '--cxl_path', [CompletionResultType]::ParameterName, 'DAX device of the CXL memory [default: /dev/dax0.0]')
            [CompletionResult]::new('--cxl-size', '--cxl-size', [CompletionResultType]::ParameterName, 'Size of the CXL memory, like 16GiB or plain bytes [default: 8589934592 (8GiB)]')
            [CompletionResult]::new('--cxl_size', '--cxl_size', [CompletionResultType]::ParameterName, 'Size of the CXL memory, like 16GiB or plain bytes [default: 8589934592 (8GiB)]')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;completions' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;put' {
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Store SIZE generated bytes (512KiB, 4MB, 1048576) instead of reading FILE: for smoke tests')
            [CompletionResult]::new('--replica-num', '--replica-num', [CompletionResultType]::ParameterName, 'How many replicas to place')
            [CompletionResult]::new('--preferred-segment', '--preferred-segment', [CompletionResultType]::ParameterName, 'Place the first replica on this segment (a node''s segment name) when it has room')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--soft-pin', '--soft-pin', [CompletionResultType]::ParameterName, 'Soft-pin the object: evicted only after unpinned objects')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the value; `-` (the default) is stdout')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Where to write the value; `-` (the default) is stdout')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;rm' {
            [CompletionResult]::new('--regex', '--regex', [CompletionResultType]::ParameterName, 'Remove the objects whose key matches RE anywhere; prints how many')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove even objects under a read lease or with a replication task')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every object; prints how many')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;exists' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;query-key' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;segments' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every mounted segment: name, id, status, use and endpoint')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'The segments mounted under NAME; exit 1 if there are none')
            [CompletionResult]::new('mount', 'mount', [CompletionResultType]::ParameterValue, 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)')
            [CompletionResult]::new('unmount', 'unmount', [CompletionResultType]::ParameterValue, 'Unmount a segment by id (or name) on behalf of its node')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;segments;list' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;segments;query' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;segments;mount' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'The node''s REST service, e.g. http://127.0.0.1:8081 (`mooncake up`) or :8080')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'How much memory (1GiB, 512MB, bytes)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;segments;unmount' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Drain the segment''s objects for this many seconds before unmounting (0 = at once)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;segments;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every mounted segment: name, id, status, use and endpoint')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'The segments mounted under NAME; exit 1 if there are none')
            [CompletionResult]::new('mount', 'mount', [CompletionResultType]::ParameterValue, 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)')
            [CompletionResult]::new('unmount', 'unmount', [CompletionResultType]::ParameterValue, 'Unmount a segment by id (or name) on behalf of its node')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;segments;help;list' {
            break
        }
        'mooncake;segments;help;query' {
            break
        }
        'mooncake;segments;help;mount' {
            break
        }
        'mooncake;segments;help;unmount' {
            break
        }
        'mooncake;segments;help;help' {
            break
        }
        'mooncake;snapshot' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The snapshot store to read: local or s3 (the master''s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master')
            [CompletionResult]::new('--local-path', '--local-path', [CompletionResultType]::ParameterName, 'Root directory of local snapshots (the master''s MOONCAKE_SNAPSHOT_LOCAL_PATH)')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The cluster whose snapshots to read (the master''s --cluster-id)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Published snapshots, newest first: id, creation time, size, which one is `latest`')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Ask the running master (--admin) to write a snapshot now; prints its id, keys, size and duration')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show one snapshot: format version, creation time, segments, objects, bytes and the checksum verdict')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every snapshot in the store (or the files/ids given): exit 1 if any is damaged')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Explain how to restore: which snapshot a restarting master would load, and the command to use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;snapshot;list' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The snapshot store to read: local or s3 (the master''s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master')
            [CompletionResult]::new('--local-path', '--local-path', [CompletionResultType]::ParameterName, 'Root directory of local snapshots (the master''s MOONCAKE_SNAPSHOT_LOCAL_PATH)')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The cluster whose snapshots to read (the master''s --cluster-id)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;snapshot;create' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The snapshot store to read: local or s3 (the master''s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master')
            [CompletionResult]::new('--local-path', '--local-path', [CompletionResultType]::ParameterName, 'Root directory of local snapshots (the master''s MOONCAKE_SNAPSHOT_LOCAL_PATH)')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The cluster whose snapshots to read (the master''s --cluster-id)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;snapshot;inspect' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The snapshot store to read: local or s3 (the master''s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master')
            [CompletionResult]::new('--local-path', '--local-path', [CompletionResultType]::ParameterName, 'Root directory of local snapshots (the master''s MOONCAKE_SNAPSHOT_LOCAL_PATH)')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The cluster whose snapshots to read (the master''s --cluster-id)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;snapshot;verify' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The snapshot store to read: local or s3 (the master''s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master')
            [CompletionResult]::new('--local-path', '--local-path', [CompletionResultType]::ParameterName, 'Root directory of local snapshots (the master''s MOONCAKE_SNAPSHOT_LOCAL_PATH)')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The cluster whose snapshots to read (the master''s --cluster-id)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;snapshot;restore' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The snapshot store to read: local or s3 (the master''s --snapshot-object-store-type); local is implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master')
            [CompletionResult]::new('--local-path', '--local-path', [CompletionResultType]::ParameterName, 'Root directory of local snapshots (the master''s MOONCAKE_SNAPSHOT_LOCAL_PATH)')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The cluster whose snapshots to read (the master''s --cluster-id)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;snapshot;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Published snapshots, newest first: id, creation time, size, which one is `latest`')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Ask the running master (--admin) to write a snapshot now; prints its id, keys, size and duration')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show one snapshot: format version, creation time, segments, objects, bytes and the checksum verdict')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every snapshot in the store (or the files/ids given): exit 1 if any is damaged')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Explain how to restore: which snapshot a restarting master would load, and the command to use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;snapshot;help;list' {
            break
        }
        'mooncake;snapshot;help;create' {
            break
        }
        'mooncake;snapshot;help;inspect' {
            break
        }
        'mooncake;snapshot;help;verify' {
            break
        }
        'mooncake;snapshot;help;restore' {
            break
        }
        'mooncake;snapshot;help;help' {
            break
        }
        'mooncake;node' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('join', 'join', [CompletionResultType]::ParameterValue, 'Contribute memory to the pool and serve it until SIGINT/SIGTERM')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;node;join' {
            [CompletionResult]::new('--local-hostname', '--local-hostname', [CompletionResultType]::ParameterName, 'Address peers reach this node at (`host` or `host:port`); the node binds and publishes it')
            [CompletionResult]::new('--local_hostname', '--local_hostname', [CompletionResultType]::ParameterName, 'Address peers reach this node at (`host` or `host:port`); the node binds and publishes it')
            [CompletionResult]::new('--global-segment-size', '--global-segment-size', [CompletionResultType]::ParameterName, 'Memory this node contributes to the pool (3.2GB, 512MiB, bytes)')
            [CompletionResult]::new('--global_segment_size', '--global_segment_size', [CompletionResultType]::ParameterName, 'Memory this node contributes to the pool (3.2GB, 512MiB, bytes)')
            [CompletionResult]::new('--local-buffer-size', '--local-buffer-size', [CompletionResultType]::ParameterName, 'Transfer buffer size (accepted for compatibility: transfers use callers'' buffers directly)')
            [CompletionResult]::new('--local_buffer_size', '--local_buffer_size', [CompletionResultType]::ParameterName, 'Transfer buffer size (accepted for compatibility: transfers use callers'' buffers directly)')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Data-path protocol (tcp; same-host peers use shared memory automatically)')
            [CompletionResult]::new('--device-name', '--device-name', [CompletionResultType]::ParameterName, 'RDMA device names (unused with tcp)')
            [CompletionResult]::new('--device_name', '--device_name', [CompletionResultType]::ParameterName, 'RDMA device names (unused with tcp)')
            [CompletionResult]::new('--rest-port', '--rest-port', [CompletionResultType]::ParameterName, 'Port of the REST store service; default 8080 when free, otherwise the service is off')
            [CompletionResult]::new('--rest_port', '--rest_port', [CompletionResultType]::ParameterName, 'Port of the REST store service; default 8080 when free, otherwise the service is off')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the REST store service; default 8080 when free, otherwise the service is off')
            [CompletionResult]::new('--rest-host', '--rest-host', [CompletionResultType]::ParameterName, 'Address the REST store service binds')
            [CompletionResult]::new('--rest_host', '--rest_host', [CompletionResultType]::ParameterName, 'Address the REST store service binds')
            [CompletionResult]::new('--connect-retries', '--connect-retries', [CompletionResultType]::ParameterName, 'Attempts to reach the master at start before giving up (with doubling backoff from 200 ms)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;node;help' {
            [CompletionResult]::new('join', 'join', [CompletionResultType]::ParameterValue, 'Contribute memory to the pool and serve it until SIGINT/SIGTERM')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;node;help;join' {
            break
        }
        'mooncake;node;help;help' {
            break
        }
        'mooncake;up' {
            [CompletionResult]::new('--global-segment-size', '--global-segment-size', [CompletionResultType]::ParameterName, 'Memory the node contributes; default: 1 GiB, or an eighth of the available memory if less')
            [CompletionResult]::new('--global_segment_size', '--global_segment_size', [CompletionResultType]::ParameterName, 'Memory the node contributes; default: 1 GiB, or an eighth of the available memory if less')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address every service binds (loopback by default: a development stack)')
            [CompletionResult]::new('--rpc-port', '--rpc-port', [CompletionResultType]::ParameterName, 'Master gRPC port')
            [CompletionResult]::new('--rpc_port', '--rpc_port', [CompletionResultType]::ParameterName, 'Master gRPC port')
            [CompletionResult]::new('--metrics-port', '--metrics-port', [CompletionResultType]::ParameterName, 'Master admin/metrics HTTP port')
            [CompletionResult]::new('--metrics_port', '--metrics_port', [CompletionResultType]::ParameterName, 'Master admin/metrics HTTP port')
            [CompletionResult]::new('--http-metadata-server-port', '--http-metadata-server-port', [CompletionResultType]::ParameterName, 'Embedded HTTP metadata server port')
            [CompletionResult]::new('--http_metadata_server_port', '--http_metadata_server_port', [CompletionResultType]::ParameterName, 'Embedded HTTP metadata server port')
            [CompletionResult]::new('--rest-port', '--rest-port', [CompletionResultType]::ParameterName, 'Node REST store service port')
            [CompletionResult]::new('--rest_port', '--rest_port', [CompletionResultType]::ParameterName, 'Node REST store service port')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;doctor' {
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--device_name', '--device_name', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--sysfs-root', '--sysfs-root', [CompletionResultType]::ParameterName, 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)')
            [CompletionResult]::new('--ib-port', '--ib-port', [CompletionResultType]::ParameterName, 'The RDMA device port the transfer engine uses (as MC_IB_PORT)')
            [CompletionResult]::new('--gid-index', '--gid-index', [CompletionResultType]::ParameterName, 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)')
            [CompletionResult]::new('--mtu', '--mtu', [CompletionResultType]::ParameterName, 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)')
            [CompletionResult]::new('--global-segment-size', '--global-segment-size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--global_segment_size', '--global_segment_size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--local-buffer-size', '--local-buffer-size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--local_buffer_size', '--local_buffer_size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--memlock-limit', '--memlock-limit', [CompletionResultType]::ParameterName, 'Use this locked-memory limit instead of this process''s RLIMIT_MEMLOCK (tests)')
            [CompletionResult]::new('--local-hostname', '--local-hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--local_hostname', '--local_hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--connectable_name', '--connectable_name', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--rpc-port', '--rpc-port', [CompletionResultType]::ParameterName, 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)')
            [CompletionResult]::new('--metrics-port', '--metrics-port', [CompletionResultType]::ParameterName, 'A master admin/metrics port you plan to bind here (9003 by default)')
            [CompletionResult]::new('--metadata-port', '--metadata-port', [CompletionResultType]::ParameterName, 'An HTTP metadata server port you plan to bind here (8080 by default)')
            [CompletionResult]::new('--node-port', '--node-port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--rest_port', '--rest_port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Any other port you plan to bind here (repeat or comma-separate)')
            [CompletionResult]::new('--max-clock-skew', '--max-clock-skew', [CompletionResultType]::ParameterName, 'Warn when the master''s clock differs from this host''s by more than this (30s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each network probe may take')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--multi-host', '--multi-host', [CompletionResultType]::ParameterName, 'The cluster spans several hosts (also assumed when any address given is not loopback)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 on warnings too (failures always exit 1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('rdma', 'rdma', [CompletionResultType]::ParameterValue, 'RDMA devices: port state, GID index, MTU, max_mr_size and the locked-memory limit')
            [CompletionResult]::new('net', 'net', [CompletionResultType]::ParameterValue, 'This host''s network: local hostname, name resolution, planned ports, proxies, congestion control')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'The cluster from this host: master ready, admin /health, HA leader, metadata server, clock skew')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;doctor;rdma' {
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--device_name', '--device_name', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--sysfs-root', '--sysfs-root', [CompletionResultType]::ParameterName, 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)')
            [CompletionResult]::new('--ib-port', '--ib-port', [CompletionResultType]::ParameterName, 'The RDMA device port the transfer engine uses (as MC_IB_PORT)')
            [CompletionResult]::new('--gid-index', '--gid-index', [CompletionResultType]::ParameterName, 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)')
            [CompletionResult]::new('--mtu', '--mtu', [CompletionResultType]::ParameterName, 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)')
            [CompletionResult]::new('--global-segment-size', '--global-segment-size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--global_segment_size', '--global_segment_size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--local-buffer-size', '--local-buffer-size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--local_buffer_size', '--local_buffer_size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--memlock-limit', '--memlock-limit', [CompletionResultType]::ParameterName, 'Use this locked-memory limit instead of this process''s RLIMIT_MEMLOCK (tests)')
            [CompletionResult]::new('--local-hostname', '--local-hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--local_hostname', '--local_hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--connectable_name', '--connectable_name', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--rpc-port', '--rpc-port', [CompletionResultType]::ParameterName, 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)')
            [CompletionResult]::new('--metrics-port', '--metrics-port', [CompletionResultType]::ParameterName, 'A master admin/metrics port you plan to bind here (9003 by default)')
            [CompletionResult]::new('--metadata-port', '--metadata-port', [CompletionResultType]::ParameterName, 'An HTTP metadata server port you plan to bind here (8080 by default)')
            [CompletionResult]::new('--node-port', '--node-port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--rest_port', '--rest_port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Any other port you plan to bind here (repeat or comma-separate)')
            [CompletionResult]::new('--max-clock-skew', '--max-clock-skew', [CompletionResultType]::ParameterName, 'Warn when the master''s clock differs from this host''s by more than this (30s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each network probe may take')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--multi-host', '--multi-host', [CompletionResultType]::ParameterName, 'The cluster spans several hosts (also assumed when any address given is not loopback)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 on warnings too (failures always exit 1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;doctor;net' {
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--device_name', '--device_name', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--sysfs-root', '--sysfs-root', [CompletionResultType]::ParameterName, 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)')
            [CompletionResult]::new('--ib-port', '--ib-port', [CompletionResultType]::ParameterName, 'The RDMA device port the transfer engine uses (as MC_IB_PORT)')
            [CompletionResult]::new('--gid-index', '--gid-index', [CompletionResultType]::ParameterName, 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)')
            [CompletionResult]::new('--mtu', '--mtu', [CompletionResultType]::ParameterName, 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)')
            [CompletionResult]::new('--global-segment-size', '--global-segment-size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--global_segment_size', '--global_segment_size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--local-buffer-size', '--local-buffer-size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--local_buffer_size', '--local_buffer_size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--memlock-limit', '--memlock-limit', [CompletionResultType]::ParameterName, 'Use this locked-memory limit instead of this process''s RLIMIT_MEMLOCK (tests)')
            [CompletionResult]::new('--local-hostname', '--local-hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--local_hostname', '--local_hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--connectable_name', '--connectable_name', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--rpc-port', '--rpc-port', [CompletionResultType]::ParameterName, 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)')
            [CompletionResult]::new('--metrics-port', '--metrics-port', [CompletionResultType]::ParameterName, 'A master admin/metrics port you plan to bind here (9003 by default)')
            [CompletionResult]::new('--metadata-port', '--metadata-port', [CompletionResultType]::ParameterName, 'An HTTP metadata server port you plan to bind here (8080 by default)')
            [CompletionResult]::new('--node-port', '--node-port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--rest_port', '--rest_port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Any other port you plan to bind here (repeat or comma-separate)')
            [CompletionResult]::new('--max-clock-skew', '--max-clock-skew', [CompletionResultType]::ParameterName, 'Warn when the master''s clock differs from this host''s by more than this (30s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each network probe may take')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--multi-host', '--multi-host', [CompletionResultType]::ParameterName, 'The cluster spans several hosts (also assumed when any address given is not loopback)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 on warnings too (failures always exit 1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;doctor;cluster' {
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--device_name', '--device_name', [CompletionResultType]::ParameterName, 'RDMA devices to check (repeat or comma-separate); every device found when omitted')
            [CompletionResult]::new('--sysfs-root', '--sysfs-root', [CompletionResultType]::ParameterName, 'The sysfs tree to read devices from (a copy or a test fixture instead of /sys)')
            [CompletionResult]::new('--ib-port', '--ib-port', [CompletionResultType]::ParameterName, 'The RDMA device port the transfer engine uses (as MC_IB_PORT)')
            [CompletionResult]::new('--gid-index', '--gid-index', [CompletionResultType]::ParameterName, 'The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)')
            [CompletionResult]::new('--mtu', '--mtu', [CompletionResultType]::ParameterName, 'The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)')
            [CompletionResult]::new('--global-segment-size', '--global-segment-size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--global_segment_size', '--global_segment_size', [CompletionResultType]::ParameterName, 'The segment a node on this host will register (as `node join --global-segment-size`)')
            [CompletionResult]::new('--local-buffer-size', '--local-buffer-size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--local_buffer_size', '--local_buffer_size', [CompletionResultType]::ParameterName, 'The transfer buffer a node on this host will register (as `node join --local-buffer-size`)')
            [CompletionResult]::new('--memlock-limit', '--memlock-limit', [CompletionResultType]::ParameterName, 'Use this locked-memory limit instead of this process''s RLIMIT_MEMLOCK (tests)')
            [CompletionResult]::new('--local-hostname', '--local-hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--local_hostname', '--local_hostname', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--connectable_name', '--connectable_name', [CompletionResultType]::ParameterName, 'The address peers reach this host at (Mooncake''s local_hostname / connectable_name)')
            [CompletionResult]::new('--rpc-port', '--rpc-port', [CompletionResultType]::ParameterName, 'A master gRPC port you plan to bind here (50051 by default in `mooncake master`)')
            [CompletionResult]::new('--metrics-port', '--metrics-port', [CompletionResultType]::ParameterName, 'A master admin/metrics port you plan to bind here (9003 by default)')
            [CompletionResult]::new('--metadata-port', '--metadata-port', [CompletionResultType]::ParameterName, 'An HTTP metadata server port you plan to bind here (8080 by default)')
            [CompletionResult]::new('--node-port', '--node-port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--rest_port', '--rest_port', [CompletionResultType]::ParameterName, 'A node''s REST port you plan to bind here (`node join --rest-port`)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Any other port you plan to bind here (repeat or comma-separate)')
            [CompletionResult]::new('--max-clock-skew', '--max-clock-skew', [CompletionResultType]::ParameterName, 'Warn when the master''s clock differs from this host''s by more than this (30s, 500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each network probe may take')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--multi-host', '--multi-host', [CompletionResultType]::ParameterName, 'The cluster spans several hosts (also assumed when any address given is not loopback)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 on warnings too (failures always exit 1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;doctor;help' {
            [CompletionResult]::new('rdma', 'rdma', [CompletionResultType]::ParameterValue, 'RDMA devices: port state, GID index, MTU, max_mr_size and the locked-memory limit')
            [CompletionResult]::new('net', 'net', [CompletionResultType]::ParameterValue, 'This host''s network: local hostname, name resolution, planned ports, proxies, congestion control')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'The cluster from this host: master ready, admin /health, HA leader, metadata server, clock skew')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;doctor;help;rdma' {
            break
        }
        'mooncake;doctor;help;net' {
            break
        }
        'mooncake;doctor;help;cluster' {
            break
        }
        'mooncake;doctor;help;help' {
            break
        }
        'mooncake;bench' {
            [CompletionResult]::new('--scenarios', '--scenarios', [CompletionResultType]::ParameterName, 'Scenarios to run, comma-separated')
            [CompletionResult]::new('--sizes', '--sizes', [CompletionResultType]::ParameterName, 'Value sizes, comma-separated (4K, 64K, 1M, 16M or bytes)')
            [CompletionResult]::new('--ops', '--ops', [CompletionResultType]::ParameterName, 'Keys put (and got) per scenario and size, at most; --bytes caps it for large sizes')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Byte budget per scenario and size: a size runs min(--ops, BYTES / size) keys (at least 4)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Keys per call in the batch scenarios')
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Client processes of the multi-client scenario')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas per put (each on a different segment when there are enough)')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Unmeasured put+get rounds before each scenario and size (cold scenarios skip them; batch scenarios warm up with at least one full batch)')
            [CompletionResult]::new('--segment-size', '--segment-size', [CompletionResultType]::ParameterName, 'Memory the benchmark''s client and each --local storage node contribute')
            [CompletionResult]::new('--global_segment_size', '--global_segment_size', [CompletionResultType]::ParameterName, 'Memory the benchmark''s client and each --local storage node contribute')
            [CompletionResult]::new('--local-buffer-size', '--local-buffer-size', [CompletionResultType]::ParameterName, 'Transfer buffer size of the clients (accepted for parity with Mooncake''s benchmark)')
            [CompletionResult]::new('--local_buffer_size', '--local_buffer_size', [CompletionResultType]::ParameterName, 'Transfer buffer size of the clients (accepted for parity with Mooncake''s benchmark)')
            [CompletionResult]::new('--remote-transport', '--remote-transport', [CompletionResultType]::ParameterName, 'How remote scenarios move bytes: tcp (through a socket, like another host) or shm')
            [CompletionResult]::new('--checksum', '--checksum', [CompletionResultType]::ParameterName, 'Store a CRC-32 with every put and verify it on get (the client''s default)')
            [CompletionResult]::new('--target-segment', '--target-segment', [CompletionResultType]::ParameterName, 'Internal: the segment a worker puts into')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Internal: a worker''s key prefix')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Start a master, and storage nodes for the remote scenarios, on loopback for this run')
            [CompletionResult]::new('--worker', '--worker', [CompletionResultType]::ParameterName, 'Internal: run as one client of a multi-client scenario')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;top' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to poll the master: 1s, 500ms, 2.5s (a plain number is seconds; at least 50ms)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--log_level', '--log_level', [CompletionResultType]::ParameterName, 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of query commands')
            [CompletionResult]::new('--master', '--master', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--master_server', '--master_server', [CompletionResultType]::ParameterName, 'The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P; cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up')
            [CompletionResult]::new('--metadata-server', '--metadata-server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--metadata_server', '--metadata_server', [CompletionResultType]::ParameterName, 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The master''s admin HTTP base URL')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Print one frame as text on stdout and exit, instead of the interactive dashboard')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mooncake;help' {
            [CompletionResult]::new('master', 'master', [CompletionResultType]::ParameterValue, 'Run the master: the service that decides where every object lives (also `mooncake_master`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL on stdout')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store FILE (or stdin) under KEY')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read KEY''s value to stdout or a file; exit 1 if the key is not found')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove KEY, every key (--all) or the keys matching a regex (--regex)')
            [CompletionResult]::new('exists', 'exists', [CompletionResultType]::ParameterValue, 'Exit 0 if KEY exists, 1 if it does not')
            [CompletionResult]::new('query-key', 'query-key', [CompletionResultType]::ParameterValue, 'Show replicas, sizes, status, lease and pins of keys, without extending any read lease')
            [CompletionResult]::new('segments', 'segments', [CompletionResultType]::ParameterValue, 'List, query or unmount the memory segments nodes contribute')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'List, create, inspect and verify metadata snapshots; explain how to restore one')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Run a storage node (`mooncake node join`): contribute memory to the pool')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start a single-host store: a master with the embedded metadata server plus one node')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this host and the cluster for the usual RDMA and network mistakes')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure put/get throughput and latency of a cluster (or one started with --local)')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Watch a live cluster: capacity, keys, segments, request and error rates, HA, snapshots')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mooncake;help;master' {
            break
        }
        'mooncake;help;completions' {
            break
        }
        'mooncake;help;put' {
            break
        }
        'mooncake;help;get' {
            break
        }
        'mooncake;help;rm' {
            break
        }
        'mooncake;help;exists' {
            break
        }
        'mooncake;help;query-key' {
            break
        }
        'mooncake;help;segments' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every mounted segment: name, id, status, use and endpoint')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'The segments mounted under NAME; exit 1 if there are none')
            [CompletionResult]::new('mount', 'mount', [CompletionResultType]::ParameterValue, 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)')
            [CompletionResult]::new('unmount', 'unmount', [CompletionResultType]::ParameterValue, 'Unmount a segment by id (or name) on behalf of its node')
            break
        }
        'mooncake;help;segments;list' {
            break
        }
        'mooncake;help;segments;query' {
            break
        }
        'mooncake;help;segments;mount' {
            break
        }
        'mooncake;help;segments;unmount' {
            break
        }
        'mooncake;help;snapshot' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Published snapshots, newest first: id, creation time, size, which one is `latest`')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Ask the running master (--admin) to write a snapshot now; prints its id, keys, size and duration')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show one snapshot: format version, creation time, segments, objects, bytes and the checksum verdict')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every snapshot in the store (or the files/ids given): exit 1 if any is damaged')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Explain how to restore: which snapshot a restarting master would load, and the command to use')
            break
        }
        'mooncake;help;snapshot;list' {
            break
        }
        'mooncake;help;snapshot;create' {
            break
        }
        'mooncake;help;snapshot;inspect' {
            break
        }
        'mooncake;help;snapshot;verify' {
            break
        }
        'mooncake;help;snapshot;restore' {
            break
        }
        'mooncake;help;node' {
            [CompletionResult]::new('join', 'join', [CompletionResultType]::ParameterValue, 'Contribute memory to the pool and serve it until SIGINT/SIGTERM')
            break
        }
        'mooncake;help;node;join' {
            break
        }
        'mooncake;help;up' {
            break
        }
        'mooncake;help;doctor' {
            [CompletionResult]::new('rdma', 'rdma', [CompletionResultType]::ParameterValue, 'RDMA devices: port state, GID index, MTU, max_mr_size and the locked-memory limit')
            [CompletionResult]::new('net', 'net', [CompletionResultType]::ParameterValue, 'This host''s network: local hostname, name resolution, planned ports, proxies, congestion control')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'The cluster from this host: master ready, admin /health, HA leader, metadata server, clock skew')
            break
        }
        'mooncake;help;doctor;rdma' {
            break
        }
        'mooncake;help;doctor;net' {
            break
        }
        'mooncake;help;doctor;cluster' {
            break
        }
        'mooncake;help;bench' {
            break
        }
        'mooncake;help;top' {
            break
        }
        'mooncake;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
