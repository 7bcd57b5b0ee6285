//! Process-level tests of the data and inspection commands (`put`, `get`, `rm`, `exists`,
//! `query-key`, `segments`) against an in-process master and a client contributing a segment; the
//! `mooncake` process itself contributes no memory.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use mooncake_node::{Client, ClientConfig};
use mooncake_tests::TestMaster;
use mooncake_tests::process::free_port;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");

/// A master and one client contributing 32 MiB, so puts have somewhere to go.
struct Store {
    master: TestMaster,
    node: Client,
}

impl Store {
    async fn start() -> Self {
        let master = TestMaster::start(|_| {}).await;
        let node = Client::connect(ClientConfig {
            global_segment_size: 32 << 20,
            ..ClientConfig::new(master.handle.rpc_addr.to_string())
        })
        .await
        .unwrap();
        Self { master, node }
    }

    fn addr(&self) -> String {
        self.master.handle.rpc_addr.to_string()
    }

    /// Runs `mooncake --master ADDR ARGS…`, feeding `stdin`.
    async fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut all = vec!["--master".to_string(), self.addr()];
        all.extend(args.iter().map(|a| a.to_string()));
        run(all, stdin.to_vec()).await
    }

    async fn stop(self) {
        self.node.close().await.unwrap();
        self.master.stop().await;
    }
}

/// `mooncake ARGS…` with no `MOONCAKE_*` or `RUST_LOG` from the developer's shell, off the runtime.
async fn run(args: Vec<String>, stdin: Vec<u8>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(BIN);
        for (name, _) in std::env::vars_os() {
            if name
                .to_str()
                .is_some_and(|n| n.starts_with("MOONCAKE_") || n == "RUST_LOG")
            {
                command.env_remove(name);
            }
        }
        let mut child = command
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Commands that do not read stdin may exit before it is written: a broken pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(&stdin);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(7))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_from_a_file_and_stdin_then_get_to_stdout_and_a_file() {
    let store = Store::start().await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("value.bin");
    let value = pattern(300_000);
    std::fs::write(&input, &value).unwrap();

    let put = store
        .run(&["put", "file-key", input.to_str().unwrap()], b"")
        .await;
    assert_exit(&put, 0);
    assert!(stdout(&put).contains("stored \"file-key\""), "{}", stdout(&put));
    assert_eq!(stderr(&put), "", "a successful put prints nothing on stderr");

    let get = store.run(&["get", "file-key"], b"").await;
    assert_exit(&get, 0);
    assert_eq!(get.stdout, value);

    let out = dir.path().join("out.bin");
    let get = store
        .run(&["get", "file-key", "-o", out.to_str().unwrap()], b"")
        .await;
    assert_exit(&get, 0);
    assert_eq!(std::fs::read(&out).unwrap(), value);

    let put = store
        .run(
            &["--output", "json", "put", "stdin-key", "-"],
            b"hello from stdin",
        )
        .await;
    assert_exit(&put, 0);
    let report: serde_json::Value = serde_json::from_slice(&put.stdout).unwrap();
    assert_eq!(report["key"], "stdin-key");
    assert_eq!(report["size"], 16);
    assert_eq!(report["replicas"], 1);
    assert_eq!(store.node.get("stdin-key").await.unwrap(), b"hello from stdin");

    let put = store
        .run(&["put", "generated", "--generate", "1.5MiB"], b"")
        .await;
    assert_exit(&put, 0);
    assert!(stdout(&put).contains("1.50 MiB in 1 replica"), "{}", stdout(&put));
    let get = store.run(&["get", "generated"], b"").await;
    assert_exit(&get, 0);
    assert_eq!(get.stdout.len(), 3 << 19);
    assert!(get.stdout.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));

    // Without FILE, stdin is read as well; soft pin and a preferred segment are accepted.
    let segment = store.node.segment_name().to_string();
    let put = store
        .run(
            &["put", "pinned", "--soft-pin", "--preferred-segment", &segment],
            b"pinned value",
        )
        .await;
    assert_exit(&put, 0);
    let query = store.run(&["--output", "json", "query-key", "pinned"], b"").await;
    assert_exit(&query, 0);
    let keys: serde_json::Value = serde_json::from_slice(&query.stdout).unwrap();
    assert_eq!(keys[0]["soft_pinned"], true);
    assert_eq!(keys[0]["replicas"][0]["segment"], segment.as_str());
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_of_an_existing_key_and_get_of_a_missing_key_exit_1() {
    let store = Store::start().await;
    store.node.put("taken", b"old").await.unwrap();

    let put = store.run(&["put", "taken", "-"], b"new").await;
    assert_exit(&put, 1);
    let text = stderr(&put);
    assert!(
        text.contains("error: key \"taken\" already exists (OBJECT_ALREADY_EXISTS -705)"),
        "{text}"
    );
    assert!(
        text.contains("hint: remove it first with `mooncake rm taken`"),
        "{text}"
    );
    assert_eq!(store.node.get("taken").await.unwrap(), b"old");

    let get = store.run(&["get", "missing"], b"").await;
    assert_exit(&get, 1);
    assert!(get.stdout.is_empty());
    assert!(
        stderr(&get).contains("error: key \"missing\" not found (OBJECT_NOT_FOUND -704)"),
        "{}",
        stderr(&get)
    );
    assert!(stderr(&get).contains("hint: "), "{}", stderr(&get));

    // A file that cannot be read is an error before any RPC.
    let put = store.run(&["put", "k", "/nonexistent/value.bin"], b"").await;
    assert_exit(&put, 2);
    assert!(
        stderr(&put).contains("error: read /nonexistent/value.bin"),
        "{}",
        stderr(&put)
    );
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exists_answers_with_its_exit_code() {
    let store = Store::start().await;
    store.node.put("here", b"v").await.unwrap();

    let yes = store.run(&["exists", "here"], b"").await;
    assert_exit(&yes, 0);
    assert!(stdout(&yes).contains("\"here\" exists"));
    let no = store.run(&["exists", "gone"], b"").await;
    assert_exit(&no, 1);
    assert!(stdout(&no).contains("\"gone\" does not exist"));
    let json = store.run(&["--output", "json", "exists", "gone"], b"").await;
    assert_exit(&json, 1);
    let answer: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(answer, serde_json::json!({"key": "gone", "exists": false}));
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_one_key_forced_all_and_by_regex() {
    let store = Store::start().await;
    for key in ["a", "b", "job-1", "job-2", "job-3", "other"] {
        store.node.put(key, b"value").await.unwrap();
    }

    let rm = store.run(&["rm", "a"], b"").await;
    assert_exit(&rm, 0);
    assert!(stdout(&rm).contains("removed \"a\""));
    assert!(!store.node.is_exist("a").await.unwrap());

    let rm = store.run(&["rm", "a"], b"").await;
    assert_exit(&rm, 1);
    assert!(
        stderr(&rm).contains("error: key \"a\" not found (OBJECT_NOT_FOUND -704)"),
        "{}",
        stderr(&rm)
    );

    // A read lease (granted by a get) blocks a plain rm; --force removes anyway.
    store.node.get("b").await.unwrap();
    let rm = store.run(&["rm", "b"], b"").await;
    assert_exit(&rm, 2);
    assert!(
        stderr(&rm).contains("error: cannot remove \"b\" (OBJECT_HAS_LEASE -706)"),
        "{}",
        stderr(&rm)
    );
    assert!(stderr(&rm).contains("`mooncake rm --force b`"), "{}", stderr(&rm));
    let rm = store.run(&["rm", "--force", "b"], b"").await;
    assert_exit(&rm, 0);

    let rm = store
        .run(&["--output", "json", "rm", "--regex", "^job-"], b"")
        .await;
    assert_exit(&rm, 0);
    let report: serde_json::Value = serde_json::from_slice(&rm.stdout).unwrap();
    assert_eq!(report, serde_json::json!({"regex": "^job-", "removed": 3}));
    assert!(store.node.is_exist("other").await.unwrap());

    // `other` now has a lease from is_exist: only --force removes it.
    let rm = store.run(&["rm", "--all", "--force"], b"").await;
    assert_exit(&rm, 0);
    assert_eq!(stdout(&rm).trim(), "removed 1 object");
    let rm = store.run(&["rm", "--all"], b"").await;
    assert_exit(&rm, 0);
    assert_eq!(stdout(&rm).trim(), "removed 0 objects");

    // KEY, --all and --regex are one choice, and one is required.
    assert_exit(&store.run(&["rm"], b"").await, 2);
    assert_exit(&store.run(&["rm", "x", "--all"], b"").await, 2);
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_key_shows_replicas_without_granting_a_lease() {
    let store = Store::start().await;
    store.node.put("q", &pattern(4096)).await.unwrap();
    let segment = store.node.segment_name().to_string();

    let table = store.run(&["query-key", "q"], b"").await;
    assert_exit(&table, 0);
    let text = stdout(&table);
    for needle in [
        "KEY", "STATUS", "SIZE", "REPLICAS", "LEASE", "PINS", "complete", "4 KiB",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    assert!(text.contains(&segment), "{text}");

    let json = store
        .run(&["--output", "json", "query-key", "q", "nope"], b"")
        .await;
    assert_exit(&json, 1);
    let keys: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(keys[0]["key"], "q");
    assert_eq!(keys[0]["found"], true);
    assert_eq!(keys[0]["status"], "complete");
    assert_eq!(keys[0]["size"], 4096);
    assert_eq!(keys[0]["lease_remaining_ms"], 0);
    assert_eq!(keys[0]["replicas"].as_array().unwrap().len(), 1);
    assert_eq!(keys[0]["replicas"][0]["segment"], segment.as_str());
    assert!(!keys[0]["replicas"][0]["endpoint"].as_str().unwrap().is_empty());
    assert_eq!(keys[1]["found"], false);
    assert_eq!(keys[1]["code_name"], "OBJECT_NOT_FOUND");
    assert!(
        stderr(&json).contains("error: key \"nope\" not found (OBJECT_NOT_FOUND -704)"),
        "{}",
        stderr(&json)
    );

    // No lease was granted by the look-ups: a plain rm succeeds right away.
    let rm = store.run(&["rm", "q"], b"").await;
    assert_exit(&rm, 0);
    assert_exit(&store.run(&["query-key"], b"").await, 2);
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_key_shows_a_put_in_progress() {
    use mooncake_proto::master::{PutStartRequest, ReplicateConfig};

    let store = Store::start().await;
    let started = store
        .master
        .client()
        .await
        .put_start(PutStartRequest {
            client_id: store.node.client_id().to_string(),
            key: "half".to_string(),
            value_length: 8192,
            config: Some(ReplicateConfig {
                replica_num: 1,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(started.code, 0);

    let json = store.run(&["--output", "json", "query-key", "half"], b"").await;
    assert_exit(&json, 0);
    let keys: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(keys[0]["status"], "in progress");
    assert_eq!(keys[0]["replicas"][0]["status"], "processing");
    let table = store.run(&["query-key", "half"], b"").await;
    assert!(stdout(&table).contains("in progress"), "{}", stdout(&table));
    // Not readable until PutEnd.
    let get = store.run(&["get", "half"], b"").await;
    assert_exit(&get, 2);
    assert!(
        stderr(&get).contains(
            "error: get \"half\": the master refused GetReplicaList (REPLICA_IS_NOT_READY -703)\nhint: "
        ),
        "{}",
        stderr(&get)
    );
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segments_list_query_and_unmount() {
    let store = Store::start().await;
    let name = store.node.segment_name().to_string();
    store.node.put("s", &pattern(1 << 20)).await.unwrap();

    let table = store.run(&["segments"], b"").await;
    assert_exit(&table, 0);
    let text = stdout(&table);
    for needle in ["NAME", "CAPACITY", "USE%", "32 MiB", "ok", name.as_str()] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }

    let list = store.run(&["--output", "json", "segments", "list"], b"").await;
    assert_exit(&list, 0);
    let segments: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let segments = segments.as_array().unwrap();
    assert_eq!(segments.len(), 1);
    assert_eq!(segments[0]["name"], name.as_str());
    assert_eq!(segments[0]["capacity_bytes"], 32u64 << 20);
    assert!(segments[0]["used_bytes"].as_u64().unwrap() >= 1 << 20);
    assert_eq!(segments[0]["status"], "ok");
    let id = segments[0]["id"].as_str().unwrap().to_string();

    let query = store
        .run(&["--output", "json", "segments", "query", &name], b"")
        .await;
    assert_exit(&query, 0);
    let found: serde_json::Value = serde_json::from_slice(&query.stdout).unwrap();
    assert_eq!(found[0]["id"], id.as_str());

    let query = store.run(&["segments", "query", "no-such:1"], b"").await;
    assert_exit(&query, 1);
    assert!(
        stderr(&query).contains("error: segment \"no-such:1\" not found (SEGMENT_NOT_FOUND -101)"),
        "{}",
        stderr(&query)
    );

    let mount = store.run(&["segments", "mount"], b"").await;
    assert_exit(&mount, 2);
    assert!(stderr(&mount).contains("--node"), "{}", stderr(&mount));
    let closed = format!("http://127.0.0.1:{}", free_port());
    let mount = store
        .run(&["segments", "mount", "--node", &closed, "--size", "1MiB"], b"")
        .await;
    assert_exit(&mount, 2);
    assert!(
        stderr(&mount).contains("cannot reach the node"),
        "{}",
        stderr(&mount)
    );

    assert_exit(
        &store
            .run(&["segments", "unmount", &id, "--grace", "soon"], b"")
            .await,
        2,
    );
    let unmount = store.run(&["segments", "unmount", &id], b"").await;
    assert_exit(&unmount, 0);
    assert!(stdout(&unmount).contains(&id), "{}", stdout(&unmount));
    let get = store.run(&["get", "s"], b"").await;
    assert_exit(&get, 1);
    let unmount = store.run(&["segments", "unmount", &id], b"").await;
    assert_exit(&unmount, 1);
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_master_exits_2_quickly_for_every_command() {
    // A port that was just free: nothing listens there.
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    for args in [
        vec!["put", "k", "-"],
        vec!["get", "k"],
        vec!["rm", "k"],
        vec!["rm", "--all"],
        vec!["exists", "k"],
        vec!["query-key", "k"],
        vec!["segments", "list"],
    ] {
        let started = std::time::Instant::now();
        let mut all = vec!["--master".to_string(), addr.clone()];
        all.extend(args.iter().map(|a| a.to_string()));
        let output = run(all, b"v".to_vec()).await;
        assert_exit(&output, 2);
        let text = stderr(&output);
        assert!(
            text.contains(&format!("error: cannot reach the master at {addr}: ")),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("(is it running? --master / MOONCAKE_MASTER)"),
            "{args:?}: {text}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_numbers_are_usage_errors() {
    for (args, needle) in [
        (
            vec!["put", "k", "--replica-num", "abc"],
            "invalid value 'abc' for '--replica-num",
        ),
        (vec!["put", "k", "--replica-num", "0"], "--replica-num"),
        (
            vec!["segments", "unmount", "x", "--grace", "10q"],
            "invalid value '10q' for '--grace",
        ),
    ] {
        let output = run(args.iter().map(|a| a.to_string()).collect(), Vec::new()).await;
        assert_exit(&output, 2);
        assert!(stderr(&output).contains(needle), "{args:?}: {}", stderr(&output));
    }
    // The master address comes from MOONCAKE_MASTER too.
    let output = tokio::task::spawn_blocking(|| {
        Command::new(BIN)
            .args(["exists", "k"])
            .env("MOONCAKE_MASTER", "127.0.0.1:1")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("cannot reach the master at 127.0.0.1:1"));
}
