
use builtin;
use str;

set edit:completion:arg-completer[mooncake] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mooncake'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mooncake'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand master 'Run the master: the service that decides where every object lives (also `mooncake_master`)'
            cand completions 'Print the shell completion script for SHELL on stdout'
            cand put 'Store FILE (or stdin) under KEY'
            cand get 'Read KEY''s value to stdout or a file; exit 1 if the key is not found'
            cand rm 'Remove KEY, every key (--all) or the keys matching a regex (--regex)'
            cand exists 'Exit 0 if KEY exists, 1 if it does not'
            cand query-key 'Show replicas, sizes, status, lease and pins of keys, without extending any read lease'
            cand segments 'List, query or unmount the memory segments nodes contribute'
            cand node 'Run a storage node (`mooncake node join`): contribute memory to the pool'
            cand up 'Start a single-host store: a master with the embedded metadata server plus one node'
            cand bench 'Measure put/get throughput and latency of a cluster (or one started with --local)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mooncake;master'= {
            cand --config 'YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names'
            cand --config_path 'YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names'
            cand --config-path 'YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names'
            cand --rpc-port 'gRPC listen port; 0 picks a free port [default: 50051]'
            cand --rpc_port 'gRPC listen port; 0 picks a free port [default: 50051]'
            cand --port 'Deprecated spelling of --rpc-port, used when --rpc-port is not given [default: 50051]'
            cand --rpc-address 'Address the gRPC server binds and advertises (with HA it must be reachable) [default: 0.0.0.0]'
            cand --rpc_address 'Address the gRPC server binds and advertises (with HA it must be reachable) [default: 0.0.0.0]'
            cand --rpc-interface 'Network interface whose IPv4 address replaces --rpc-address, resolved at start-up [default: none]'
            cand --rpc_interface 'Network interface whose IPv4 address replaces --rpc-address, resolved at start-up [default: none]'
            cand --rpc-thread-num 'gRPC worker threads; 0 uses one per core, capped by --max-threads when given [default: 0]'
            cand --rpc_thread_num 'gRPC worker threads; 0 uses one per core, capped by --max-threads when given [default: 0]'
            cand --max-threads 'Deprecated cap on worker threads when --rpc-thread-num is 0 [default: number of cores]'
            cand --max_threads 'Deprecated cap on worker threads when --rpc-thread-num is 0 [default: number of cores]'
            cand --rpc-conn-timeout-seconds 'Close RPC connections idle this long; 0 keeps them open [default: 0]'
            cand --rpc_conn_timeout_seconds 'Close RPC connections idle this long; 0 keeps them open [default: 0]'
            cand --rpc-enable-tcp-no-delay 'Set TCP_NODELAY on RPC connections [default: true]'
            cand --rpc_enable_tcp_no_delay 'Set TCP_NODELAY on RPC connections [default: true]'
            cand --enable-metric-reporting 'Log a metrics summary every 10 seconds [default: true]'
            cand --enable_metric_reporting 'Log a metrics summary every 10 seconds [default: true]'
            cand --metrics-port 'Port of the admin HTTP server (/metrics, /health, /query_key, ...) [default: 9003]'
            cand --metrics_port 'Port of the admin HTTP server (/metrics, /health, /query_key, ...) [default: 9003]'
            cand --metrics-host 'Address the admin HTTP server binds ("::" for IPv6) [default: 0.0.0.0]'
            cand --metrics_host 'Address the admin HTTP server binds ("::" for IPv6) [default: 0.0.0.0]'
            cand --enable-http-metadata-server 'Run the transfer-engine metadata server inside the master [default: false]'
            cand --enable_http_metadata_server 'Run the transfer-engine metadata server inside the master [default: false]'
            cand --http-metadata-server-host 'Address the metadata server binds [default: 0.0.0.0]'
            cand --http_metadata_server_host 'Address the metadata server binds [default: 0.0.0.0]'
            cand --http-metadata-server-port 'Port of the metadata server [default: 8080]'
            cand --http_metadata_server_port 'Port of the metadata server [default: 8080]'
            cand --enable-metadata-cleanup-on-timeout 'Delete a client''s mooncake/ram and mooncake/rpc_meta keys when it times out [default: false]'
            cand --enable_metadata_cleanup_on_timeout 'Delete a client''s mooncake/ram and mooncake/rpc_meta keys when it times out [default: false]'
            cand --memory-allocator 'Allocator inside each segment: offset (cachelib is not supported) [default: offset]'
            cand --memory_allocator 'Allocator inside each segment: offset (cachelib is not supported) [default: offset]'
            cand --allocation-strategy 'Placement of new replicas: random, free_ratio_first, local_first or cxl [default: random]'
            cand --allocation_strategy 'Placement of new replicas: random, free_ratio_first, local_first or cxl [default: random]'
            cand --put-start-discard-timeout-sec 'An unfinished put may be superseded after this; plain numbers are seconds [default: 30]'
            cand --put_start_discard_timeout_sec 'An unfinished put may be superseded after this; plain numbers are seconds [default: 30]'
            cand --put-start-release-timeout-sec 'The space of an unfinished put is released after this; must exceed the discard timeout [default: 600]'
            cand --put_start_release_timeout_sec 'The space of an unfinished put is released after this; must exceed the discard timeout [default: 600]'
            cand --default-kv-lease-ttl 'Read lease granted by every get; plain numbers are milliseconds, or 2s, 500ms [default: 10000]'
            cand --default_kv_lease_ttl 'Read lease granted by every get; plain numbers are milliseconds, or 2s, 500ms [default: 10000]'
            cand --default-kv-soft-pin-ttl 'Soft-pin TTL when a put pins without a TTL; plain numbers are milliseconds [default: 1800000 (30m)]'
            cand --default_kv_soft_pin_ttl 'Soft-pin TTL when a put pins without a TTL; plain numbers are milliseconds [default: 1800000 (30m)]'
            cand --max-kv-soft-pin-ttl 'Longest soft-pin TTL a put may ask for; plain numbers are milliseconds [default: 86400000 (24h)]'
            cand --max_kv_soft_pin_ttl 'Longest soft-pin TTL a put may ask for; plain numbers are milliseconds [default: 86400000 (24h)]'
            cand --allow-evict-soft-pinned-objects 'Let eviction take soft-pinned objects once nothing else is left [default: true]'
            cand --allow_evict_soft_pinned_objects 'Let eviction take soft-pinned objects once nothing else is left [default: true]'
            cand --eviction-ratio 'Fraction of evictable objects freed per eviction pass, 0 to 1 [default: 0.05]'
            cand --eviction_ratio 'Fraction of evictable objects freed per eviction pass, 0 to 1 [default: 0.05]'
            cand --eviction-high-watermark-ratio 'Memory usage fraction above which eviction runs, 0 to 1 [default: 0.9]'
            cand --eviction_high_watermark_ratio 'Memory usage fraction above which eviction runs, 0 to 1 [default: 0.9]'
            cand --client-ttl 'A client silent this long loses its segments; plain numbers are seconds; file key client_live_ttl_sec [default: 10]'
            cand --client_ttl 'A client silent this long loses its segments; plain numbers are seconds; file key client_live_ttl_sec [default: 10]'
            cand --client_live_ttl_sec 'A client silent this long loses its segments; plain numbers are seconds; file key client_live_ttl_sec [default: 10]'
            cand --enable-ha 'Run as one of several masters with leader election (not active yet) [default: false]'
            cand --enable_ha 'Run as one of several masters with leader election (not active yet) [default: false]'
            cand --ha-backend-type 'Leader-election backend: etcd or redis [default: etcd]'
            cand --ha_backend_type 'Leader-election backend: etcd or redis [default: etcd]'
            cand --ha-backend-connstring 'Backend address: etcd endpoints "h1:2379;h2:2379" or redis://host:port [default: none]'
            cand --ha_backend_connstring 'Backend address: etcd endpoints "h1:2379;h2:2379" or redis://host:port [default: none]'
            cand --etcd-endpoints 'etcd endpoints separated by ";", used when --ha-backend-connstring is empty [default: none]'
            cand --etcd_endpoints 'etcd endpoints separated by ";", used when --ha-backend-connstring is empty [default: none]'
            cand --cluster-id 'Namespace of HA, oplog and snapshot data: letters, digits, _ . -, at most 128 [default: mooncake_cluster]'
            cand --cluster_id 'Namespace of HA, oplog and snapshot data: letters, digits, _ . -, at most 128 [default: mooncake_cluster]'
            cand --enable-oplog 'Replicate metadata changes to standbys through an etcd operation log; needs --enable-ha with etcd (not active yet) [default: false]'
            cand --enable_oplog 'Replicate metadata changes to standbys through an etcd operation log; needs --enable-ha with etcd (not active yet) [default: false]'
            cand --enable-snapshot 'Write periodic metadata snapshots (not active yet) [default: false]'
            cand --enable_snapshot 'Write periodic metadata snapshots (not active yet) [default: false]'
            cand --enable-snapshot-restore 'Restore metadata from the newest snapshot at start-up (not active yet) [default: false]'
            cand --enable_snapshot_restore 'Restore metadata from the newest snapshot at start-up (not active yet) [default: false]'
            cand --snapshot-interval-seconds 'Time between snapshots; plain numbers are seconds [default: 600]'
            cand --snapshot_interval_seconds 'Time between snapshots; plain numbers are seconds [default: 600]'
            cand --snapshot-child-timeout-seconds 'Time limit for writing one snapshot; plain numbers are seconds [default: 300]'
            cand --snapshot_child_timeout_seconds 'Time limit for writing one snapshot; plain numbers are seconds [default: 300]'
            cand --snapshot-retention-count 'Number of recent snapshots kept, at least 1 [default: 2]'
            cand --snapshot_retention_count 'Number of recent snapshots kept, at least 1 [default: 2]'
            cand --snapshot-object-store-type 'Where snapshots go: local or s3; required when snapshots or restore are on [default: none]'
            cand --snapshot_object_store_type 'Where snapshots go: local or s3; required when snapshots or restore are on [default: none]'
            cand --snapshot-local-path 'Directory of local snapshots; required for the local store [default: none]'
            cand --snapshot_local_path 'Directory of local snapshots; required for the local store [default: none]'
            cand --snapshot-catalog-store-type 'Snapshot catalog: embedded or redis [default: embedded]'
            cand --snapshot_catalog_store_type 'Snapshot catalog: embedded or redis [default: embedded]'
            cand --snapshot-catalog-store-connstring 'Catalog address (redis://host:port); required for the redis catalog [default: none]'
            cand --snapshot_catalog_store_connstring 'Catalog address (redis://host:port); required for the redis catalog [default: none]'
            cand --snapshot-backup-dir 'Extra local copy of every snapshot saved or restored [default: none]'
            cand --snapshot_backup_dir 'Extra local copy of every snapshot saved or restored [default: none]'
            cand --max-total-finished-tasks 'Finished tasks kept in memory (not active yet) [default: 10000]'
            cand --max_total_finished_tasks 'Finished tasks kept in memory (not active yet) [default: 10000]'
            cand --max-total-pending-tasks 'Queued tasks allowed (not active yet) [default: 10000]'
            cand --max_total_pending_tasks 'Queued tasks allowed (not active yet) [default: 10000]'
            cand --max-total-processing-tasks 'Tasks processed at once (not active yet) [default: 10000]'
            cand --max_total_processing_tasks 'Tasks processed at once (not active yet) [default: 10000]'
            cand --pending-task-timeout-sec 'A queued task fails after this; 0 never; plain numbers are seconds [default: 300]'
            cand --pending_task_timeout_sec 'A queued task fails after this; 0 never; plain numbers are seconds [default: 300]'
            cand --processing-task-timeout-sec 'A running task fails after this without progress; 0 never; plain numbers are seconds [default: 300]'
            cand --processing_task_timeout_sec 'A running task fails after this without progress; 0 never; plain numbers are seconds [default: 300]'
            cand --max-retry-attempts 'Retries of a failed task (not active yet) [default: 10]'
            cand --max_retry_attempts 'Retries of a failed task (not active yet) [default: 10]'
            cand --enable-offload 'Persist completed objects to the nodes'' SSDs (not active yet) [default: false]'
            cand --enable_offload 'Persist completed objects to the nodes'' SSDs (not active yet) [default: false]'
            cand --offload-on-evict 'Offload only when eviction picks an object, not at put time; needs --enable-offload [default: false]'
            cand --offload_on_evict 'Offload only when eviction picks an object, not at put time; needs --enable-offload [default: false]'
            cand --offload-force-evict 'Past the per-cycle offload cap, evict without offloading [default: false]'
            cand --offload_force_evict 'Past the per-cycle offload cap, evict without offloading [default: false]'
            cand --promotion-on-hit 'Promote SSD-only objects back to memory after repeated reads; needs --enable-offload [default: false]'
            cand --promotion_on_hit 'Promote SSD-only objects back to memory after repeated reads; needs --enable-offload [default: false]'
            cand --promotion-admission-threshold 'Reads of an SSD-only object before it is promoted, 1 to 255 [default: 2]'
            cand --promotion_admission_threshold 'Reads of an SSD-only object before it is promoted, 1 to 255 [default: 2]'
            cand --promotion-queue-limit 'Promotions in flight at most [default: 50000]'
            cand --promotion_queue_limit 'Promotions in flight at most [default: 50000]'
            cand --promotion-max-per-heartbeat 'Promotion tasks handed to a client per heartbeat [default: 1]'
            cand --promotion_max_per_heartbeat 'Promotion tasks handed to a client per heartbeat [default: 1]'
            cand --offloading-queue-limit 'Offload tasks queued per client, 1 to 100000000 [default: 50000]'
            cand --offloading_queue_limit 'Offload tasks queued per client, 1 to 100000000 [default: 50000]'
            cand --offload-cap-ratio 'Fraction of the offload queue one eviction cycle may fill, 0 to 1 [default: 0.5]'
            cand --offload_cap_ratio 'Fraction of the offload queue one eviction cycle may fill, 0 to 1 [default: 0.5]'
            cand --quota-bytes 'Disk quota per client, like 100GiB; 0 means 90% of its SSD [default: 0]'
            cand --quota_bytes 'Disk quota per client, like 100GiB; 0 means 90% of its SSD [default: 0]'
            cand --enable-disk-eviction 'Let clients evict SSD objects to stay within quota [default: true]'
            cand --enable_disk_eviction 'Let clients evict SSD objects to stay within quota [default: true]'
            cand --root-fs-dir 'Shared-filesystem (DFS) directory for disk replicas (not active yet) [default: none]'
            cand --root_fs_dir 'Shared-filesystem (DFS) directory for disk replicas (not active yet) [default: none]'
            cand --global-file-segment-size 'Capacity declared for the shared-filesystem tier, like 10TiB [default: unlimited]'
            cand --global_file_segment_size 'Capacity declared for the shared-filesystem tier, like 10TiB [default: unlimited]'
            cand --enable-cxl 'Allocate from CXL-attached memory (not active yet) [default: false]'
            cand --enable_cxl 'Allocate from CXL-attached memory (not active yet) [default: false]'
            cand --cxl-path 'DAX device of the CXL memory [default: /dev/dax0.0]'
            cand --cxl_path 'DAX device of the CXL memory [default: /dev/dax0.0]'
            cand --cxl-size 'Size of the CXL memory, like 16GiB or plain bytes [default: 8589934592 (8GiB)]'
            cand --cxl_size 'Size of the CXL memory, like 16GiB or plain bytes [default: 8589934592 (8GiB)]'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;completions'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;put'= {
            cand --generate 'Store SIZE generated bytes (512KiB, 4MB, 1048576) instead of reading FILE: for smoke tests'
            cand --replica-num 'How many replicas to place'
            cand --preferred-segment 'Place the first replica on this segment (a node''s segment name) when it has room'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand --soft-pin 'Soft-pin the object: evicted only after unpinned objects'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;get'= {
            cand -o 'Where to write the value; `-` (the default) is stdout'
            cand --output-file 'Where to write the value; `-` (the default) is stdout'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;rm'= {
            cand --regex 'Remove the objects whose key matches RE anywhere; prints how many'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand --force 'Remove even objects under a read lease or with a replication task'
            cand --all 'Remove every object; prints how many'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;exists'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;query-key'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;segments'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every mounted segment: name, id, status, use and endpoint'
            cand query 'The segments mounted under NAME; exit 1 if there are none'
            cand mount 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)'
            cand unmount 'Unmount a segment by id (or name) on behalf of its node'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mooncake;segments;list'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;segments;query'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;segments;mount'= {
            cand --node 'The node''s REST service, e.g. http://127.0.0.1:8081 (`mooncake up`) or :8080'
            cand --size 'How much memory (1GiB, 512MB, bytes)'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;segments;unmount'= {
            cand --grace 'Drain the segment''s objects for this many seconds before unmounting (0 = at once)'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;segments;help'= {
            cand list 'Every mounted segment: name, id, status, use and endpoint'
            cand query 'The segments mounted under NAME; exit 1 if there are none'
            cand mount 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)'
            cand unmount 'Unmount a segment by id (or name) on behalf of its node'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mooncake;segments;help;list'= {
        }
        &'mooncake;segments;help;query'= {
        }
        &'mooncake;segments;help;mount'= {
        }
        &'mooncake;segments;help;unmount'= {
        }
        &'mooncake;segments;help;help'= {
        }
        &'mooncake;node'= {
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand join 'Contribute memory to the pool and serve it until SIGINT/SIGTERM'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mooncake;node;join'= {
            cand --local-hostname 'Address peers reach this node at (`host` or `host:port`); the node binds and publishes it'
            cand --local_hostname 'Address peers reach this node at (`host` or `host:port`); the node binds and publishes it'
            cand --global-segment-size 'Memory this node contributes to the pool (3.2GB, 512MiB, bytes)'
            cand --global_segment_size 'Memory this node contributes to the pool (3.2GB, 512MiB, bytes)'
            cand --local-buffer-size 'Transfer buffer size (accepted for compatibility: transfers use callers'' buffers directly)'
            cand --local_buffer_size 'Transfer buffer size (accepted for compatibility: transfers use callers'' buffers directly)'
            cand --protocol 'Data-path protocol (tcp; same-host peers use shared memory automatically)'
            cand --device-name 'RDMA device names (unused with tcp)'
            cand --device_name 'RDMA device names (unused with tcp)'
            cand --rest-port 'Port of the REST store service; default 8080 when free, otherwise the service is off'
            cand --rest_port 'Port of the REST store service; default 8080 when free, otherwise the service is off'
            cand --port 'Port of the REST store service; default 8080 when free, otherwise the service is off'
            cand --rest-host 'Address the REST store service binds'
            cand --rest_host 'Address the REST store service binds'
            cand --connect-retries 'Attempts to reach the master at start before giving up (with doubling backoff from 200 ms)'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;node;help'= {
            cand join 'Contribute memory to the pool and serve it until SIGINT/SIGTERM'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mooncake;node;help;join'= {
        }
        &'mooncake;node;help;help'= {
        }
        &'mooncake;up'= {
            cand --global-segment-size 'Memory the node contributes; default: 1 GiB, or an eighth of the available memory if less'
            cand --global_segment_size 'Memory the node contributes; default: 1 GiB, or an eighth of the available memory if less'
            cand --host 'Address every service binds (loopback by default: a development stack)'
            cand --rpc-port 'Master gRPC port'
            cand --rpc_port 'Master gRPC port'
            cand --metrics-port 'Master admin/metrics HTTP port'
            cand --metrics_port 'Master admin/metrics HTTP port'
            cand --http-metadata-server-port 'Embedded HTTP metadata server port'
            cand --http_metadata_server_port 'Embedded HTTP metadata server port'
            cand --rest-port 'Node REST store service port'
            cand --rest_port 'Node REST store service port'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;bench'= {
            cand --scenarios 'Scenarios to run, comma-separated'
            cand --sizes 'Value sizes, comma-separated (4K, 64K, 1M, 16M or bytes)'
            cand --ops 'Keys put (and got) per scenario and size, at most; --bytes caps it for large sizes'
            cand --bytes 'Byte budget per scenario and size: a size runs min(--ops, BYTES / size) keys (at least 4)'
            cand --batch 'Keys per call in the batch scenarios'
            cand --clients 'Client processes of the multi-client scenario'
            cand --replicas 'Replicas per put (each on a different segment when there are enough)'
            cand --warmup 'Unmeasured put+get rounds before each scenario and size (cold scenarios skip them)'
            cand --segment-size 'Memory the benchmark''s client and each --local storage node contribute'
            cand --global_segment_size 'Memory the benchmark''s client and each --local storage node contribute'
            cand --local-buffer-size 'Transfer buffer size of the clients (accepted for parity with Mooncake''s benchmark)'
            cand --local_buffer_size 'Transfer buffer size of the clients (accepted for parity with Mooncake''s benchmark)'
            cand --remote-transport 'How remote scenarios move bytes: tcp (through a socket, like another host) or shm'
            cand --checksum 'Store a CRC-32 with every put and verify it on get (the client''s default)'
            cand --target-segment 'Internal: the segment a worker puts into'
            cand --key-prefix 'Internal: a worker''s key prefix'
            cand --log-level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --log_level 'Log level on stderr; RUST_LOG, when set, overrides it with full filter directives'
            cand --output 'Output format of query commands'
            cand --master 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --master_server 'The master''s gRPC address (HOST:PORT or http://HOST:PORT), for data and inspection commands'
            cand --metadata-server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --metadata_server 'Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get'
            cand --admin 'The master''s admin HTTP base URL'
            cand --local 'Start a master, and storage nodes for the remote scenarios, on loopback for this run'
            cand --worker 'Internal: run as one client of a multi-client scenario'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mooncake;help'= {
            cand master 'Run the master: the service that decides where every object lives (also `mooncake_master`)'
            cand completions 'Print the shell completion script for SHELL on stdout'
            cand put 'Store FILE (or stdin) under KEY'
            cand get 'Read KEY''s value to stdout or a file; exit 1 if the key is not found'
            cand rm 'Remove KEY, every key (--all) or the keys matching a regex (--regex)'
            cand exists 'Exit 0 if KEY exists, 1 if it does not'
            cand query-key 'Show replicas, sizes, status, lease and pins of keys, without extending any read lease'
            cand segments 'List, query or unmount the memory segments nodes contribute'
            cand node 'Run a storage node (`mooncake node join`): contribute memory to the pool'
            cand up 'Start a single-host store: a master with the embedded metadata server plus one node'
            cand bench 'Measure put/get throughput and latency of a cluster (or one started with --local)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mooncake;help;master'= {
        }
        &'mooncake;help;completions'= {
        }
        &'mooncake;help;put'= {
        }
        &'mooncake;help;get'= {
        }
        &'mooncake;help;rm'= {
        }
        &'mooncake;help;exists'= {
        }
        &'mooncake;help;query-key'= {
        }
        &'mooncake;help;segments'= {
            cand list 'Every mounted segment: name, id, status, use and endpoint'
            cand query 'The segments mounted under NAME; exit 1 if there are none'
            cand mount 'Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)'
            cand unmount 'Unmount a segment by id (or name) on behalf of its node'
        }
        &'mooncake;help;segments;list'= {
        }
        &'mooncake;help;segments;query'= {
        }
        &'mooncake;help;segments;mount'= {
        }
        &'mooncake;help;segments;unmount'= {
        }
        &'mooncake;help;node'= {
            cand join 'Contribute memory to the pool and serve it until SIGINT/SIGTERM'
        }
        &'mooncake;help;node;join'= {
        }
        &'mooncake;help;up'= {
        }
        &'mooncake;help;bench'= {
        }
        &'mooncake;help;help'= {
        }
    ]
    $completions[$command]
}
