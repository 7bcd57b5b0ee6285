//! The store side of `mooncake bench`: fresh keys put, then read back, through one client, timing
//! every call. Values carry a pattern stamped with the key's index so the first and last key of
//! every phase can be checked after it (outside the timing).

use std::time::Instant;

use indicatif::ProgressBar;
use mooncake_node::{Client, ReplicateConfig};

use super::report::Samples;
use super::scenario::Calls;

/// What one (scenario, size) pass does.
#[derive(Clone, Debug)]
pub struct Pass {
    /// Key prefix, unique per run, scenario and size.
    pub prefix: String,
    pub size: usize,
    /// Keys put and then got.
    pub ops: u64,
    /// Keys per call for [`Calls::Batch`].
    pub batch: usize,
    pub calls: Calls,
    /// Unmeasured put+get+remove rounds first.
    pub warmup: u64,
    /// Where the first replica goes.
    pub replicate: ReplicateConfig,
}

/// The measured put and get phases of one pass.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub put: Samples,
    pub get: Samples,
}

/// The value of key number `index`: a pattern that depends on the byte's position, with the index
/// in the first eight bytes (so two keys never hold the same bytes).
pub fn stamp(buf: &mut [u8], index: u64) {
    let bytes = index.to_le_bytes();
    let n = bytes.len().min(buf.len());
    buf[..n].copy_from_slice(&bytes[..n]);
}

fn pattern(size: usize) -> Vec<u8> {
    (0..size).map(|i| ((i * 31 + 7) % 251) as u8).collect()
}

fn key(prefix: &str, index: u64) -> String {
    format!("{prefix}/{index}")
}

/// A callback run between the phases of a pass (the multi-client barrier); no-op for one client.
pub type Barrier<'a> = &'a mut dyn FnMut(&'static str) -> anyhow::Result<()>;

impl Pass {
    /// Warm-up, then the put phase and the get phase; `barrier` is called before each measured
    /// phase. Keys are removed at the end unless `keep` (cold scenarios keep the memory they used).
    pub async fn run(
        &self,
        client: &Client,
        progress: &ProgressBar,
        barrier: Barrier<'_>,
        keep: bool,
    ) -> anyhow::Result<Outcome> {
        let mut value = pattern(self.size);
        if self.calls == Calls::ZeroCopy {
            client.register_buffer(&value)?;
        }
        let mut into = vec![0u8; self.size];
        if self.calls == Calls::ZeroCopy {
            client.register_buffer(&into)?;
        }
        if self.warmup > 0 {
            let warm = Pass {
                prefix: format!("{}/warmup", self.prefix),
                ops: self.warmup,
                warmup: 0,
                ..self.clone()
            };
            let hidden = ProgressBar::hidden();
            Box::pin(warm.run(client, &hidden, &mut |_| Ok(()), false)).await?;
        }
        let mut outcome = Outcome::default();
        barrier("put")?;
        let started = Instant::now();
        match self.calls {
            Calls::Batch => self.put_batches(client, &mut outcome.put, progress).await,
            _ => {
                for i in 0..self.ops {
                    stamp(&mut value, i);
                    let key = key(&self.prefix, i);
                    let t = Instant::now();
                    let result = match self.calls {
                        Calls::ZeroCopy => client.put_from(&key, &value, &self.replicate).await,
                        _ => client.put_with(&key, &value, &self.replicate).await,
                    };
                    record(&mut outcome.put, t, result.map(|()| 1), &key);
                    progress.inc(1);
                }
            }
        }
        outcome.put.wall_ns = started.elapsed().as_nanos() as u64;

        barrier("get")?;
        let started = Instant::now();
        match self.calls {
            Calls::Batch => self.get_batches(client, &mut outcome.get, progress).await,
            _ => {
                for i in 0..self.ops {
                    let key = key(&self.prefix, i);
                    let t = Instant::now();
                    let result = match self.calls {
                        Calls::ZeroCopy => client.get_into(&key, &mut into).await.map(|_| 1),
                        _ => client.get(&key).await.map(|v| {
                            std::hint::black_box(&v);
                            1
                        }),
                    };
                    record(&mut outcome.get, t, result, &key);
                    progress.inc(1);
                }
            }
        }
        outcome.get.wall_ns = started.elapsed().as_nanos() as u64;

        self.verify(client, &mut outcome.get).await;
        if self.calls == Calls::ZeroCopy {
            client.unregister_buffer(&value);
            client.unregister_buffer(&into);
        }
        if !keep {
            self.remove(client).await;
        }
        Ok(outcome)
    }

    async fn put_batches(&self, client: &Client, samples: &mut Samples, progress: &ProgressBar) {
        let batch = self.batch.max(1);
        let mut values = vec![pattern(self.size); batch];
        let mut first = 0;
        while first < self.ops {
            let n = (self.ops - first).min(batch as u64);
            let keys: Vec<String> = (first..first + n).map(|i| key(&self.prefix, i)).collect();
            for (offset, value) in values.iter_mut().enumerate().take(n as usize) {
                stamp(value, first + offset as u64);
            }
            let items: Vec<(&str, &[u8])> = keys
                .iter()
                .zip(&values)
                .map(|(k, v)| (k.as_str(), v.as_slice()))
                .collect();
            let t = Instant::now();
            let result = client.batch_put(&items, &self.replicate).await;
            record_batch(
                samples,
                t,
                n,
                result.map(|r| r.iter().filter(|x| x.is_ok()).count() as u64),
                &keys[0],
            );
            progress.inc(n);
            first += n;
        }
    }

    async fn get_batches(&self, client: &Client, samples: &mut Samples, progress: &ProgressBar) {
        let batch = self.batch.max(1) as u64;
        let mut first = 0;
        while first < self.ops {
            let n = (self.ops - first).min(batch);
            let keys: Vec<String> = (first..first + n).map(|i| key(&self.prefix, i)).collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            let t = Instant::now();
            let result = client.batch_get(&refs).await;
            let ok = result.map(|values| values.iter().filter(|v| v.is_ok()).count() as u64);
            record_batch(samples, t, n, ok, &keys[0]);
            progress.inc(n);
            first += n;
        }
    }

    /// Reads the first and last key again and compares every byte with what was put.
    async fn verify(&self, client: &Client, samples: &mut Samples) {
        let mut checked = vec![0];
        if self.ops > 1 {
            checked.push(self.ops - 1);
        }
        for index in checked {
            let key = key(&self.prefix, index);
            let mut expected = pattern(self.size);
            stamp(&mut expected, index);
            match client.get(&key).await {
                Ok(value) if value == expected => {}
                Ok(value) => {
                    tracing::error!(%key, got = value.len(), "value read back differs from what was put");
                    samples.errors += 1;
                }
                Err(error) => {
                    tracing::error!(%key, %error, "cannot read back for verification");
                    samples.errors += 1;
                }
            }
        }
    }

    /// Removes every key of the pass (forced: nothing else reads them).
    pub async fn remove(&self, client: &Client) {
        let keys: Vec<String> = (0..self.ops).map(|i| key(&self.prefix, i)).collect();
        for chunk in keys.chunks(1024) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            if let Err(error) = client.batch_remove(&refs, true).await {
                tracing::warn!(%error, "cannot remove benchmark keys");
            }
        }
    }
}

fn record<E: std::fmt::Display>(samples: &mut Samples, t: Instant, result: Result<u64, E>, key: &str) {
    let elapsed = t.elapsed();
    match result {
        Ok(keys) => samples.call(elapsed, keys, 0),
        Err(error) => {
            if samples.errors < 5 {
                tracing::warn!(%key, %error, "benchmark call failed");
            }
            samples.call(elapsed, 0, 1);
        }
    }
}

fn record_batch<E: std::fmt::Display>(
    samples: &mut Samples,
    t: Instant,
    n: u64,
    ok: Result<u64, E>,
    key: &str,
) {
    let elapsed = t.elapsed();
    match ok {
        Ok(ok) => {
            if ok < n && samples.errors < 5 {
                tracing::warn!(%key, failed = n - ok, "batch call failed for some keys");
            }
            samples.call(elapsed, ok, n - ok);
        }
        Err(error) => {
            if samples.errors < 5 {
                tracing::warn!(%key, %error, "batch call failed");
            }
            samples.call(elapsed, 0, n);
        }
    }
}
