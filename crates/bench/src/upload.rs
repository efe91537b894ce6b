//! Upload throughput: Briefly's tus endpoint versus writing the same bytes straight to the
//! same storage (disk: a plain file copy; S3: one aws-sdk-s3 upload to the same server).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, ensure, Context};
use briefly::config::{Config, StorageConfig};
use briefly::store::Store;
use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::server::ServerProcess;

#[derive(Debug, clap::Args)]
pub struct UploadBench {
    /// Bytes to upload (default 1 GiB).
    #[arg(long, default_value_t = 1024 * 1024 * 1024)]
    size: u64,
    /// Bytes per tus PATCH (default 8 MiB).
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    chunk: usize,
    /// Scratch folder for the source file, the server's data and the reference copy.
    #[arg(long, default_value = "bench-data")]
    work_dir: PathBuf,
    /// Repetitions of each side; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

struct Sample {
    seconds: f64,
    /// Time of the last PATCH alone, which includes assembling the original.
    last_patch_seconds: f64,
}

pub async fn run(args: UploadBench, config: Config) -> anyhow::Result<()> {
    ensure!(
        args.chunk > 0 && args.size > 0 && args.runs > 0 && args.runs <= 20,
        "size, chunk and runs must be positive (runs <= 20)"
    );
    tokio::fs::create_dir_all(&args.work_dir).await?;
    let work_dir = std::fs::canonicalize(&args.work_dir)?;
    let source = work_dir.join("source.bin");
    let source_sha = write_source(&source, args.size).await?;
    let backend = match &config.storage {
        StorageConfig::Local { .. } => "disk",
        StorageConfig::S3(_) => "s3",
    };
    println!(
        "briefly-bench upload: {} MiB in {} KiB PATCHes, storage = {backend}, runs = {}",
        args.size >> 20,
        args.chunk >> 10,
        args.runs
    );

    let mut ours = Vec::new();
    let mut references: Vec<(&'static str, Vec<Sample>)> = Vec::new();
    let mut record = |pairs: Vec<(&'static str, Sample)>| {
        for (name, sample) in pairs {
            match references.iter_mut().find(|(n, _)| *n == name) {
                Some((_, samples)) => samples.push(sample),
                None => references.push((name, vec![sample])),
            }
        }
    };
    let mut peak_rss = 0u64;
    for run in 0..args.runs {
        // Alternate which side goes first so neither always gets the warmer cache.
        let reference_first = run % 2 == 1;
        if reference_first {
            record(reference_writes(&config, &source, &work_dir, run, args.chunk).await?);
        }
        let data_dir = work_dir.join(format!("server-{run}"));
        let _ = tokio::fs::remove_dir_all(&data_dir).await;
        tokio::fs::create_dir_all(&data_dir).await?;
        let server_config = scoped_config(&config, run);
        let server = ServerProcess::start(&server_config, &data_dir, false).await?;
        let (sample, video_id, client) = upload_through_api(&server, &source, args.size, args.chunk).await?;
        peak_rss = peak_rss.max(server.peak_rss_bytes()?);
        verify_original(&server, &client, &video_id, &source_sha).await?;
        drop(server);
        cleanup_storage(&server_config, &data_dir).await;
        ours.push(sample);
        if !reference_first {
            record(reference_writes(&config, &source, &work_dir, run, args.chunk).await?);
        }
    }
    let _ = tokio::fs::remove_file(&source).await;

    let ours_s = median(&ours);
    let mib = args.size as f64 / (1024.0 * 1024.0);
    println!("{:<38} {:>10} {:>10} {:>22}", "side", "seconds", "MiB/s", "ratio briefly/this");
    println!("{:<38} {:>10.2} {:>10.1}", "briefly tus upload (API)", ours_s, mib / ours_s);
    let last_patch: Vec<Sample> =
        ours.iter().map(|s| Sample { seconds: s.last_patch_seconds, last_patch_seconds: 0.0 }).collect();
    println!("{:<38} {:>10.2}", "  of which the last PATCH + assembly", median(&last_patch));
    for (name, samples) in &references {
        let seconds = median(samples);
        println!("{:<38} {:>10.2} {:>10.1} {:>22.2}", name, seconds, mib / seconds, seconds / ours_s);
    }
    println!("target: ratio >= 0.80 against the first reference");
    println!("server peak RSS: {:.1} MiB  [target < 150 MiB]", peak_rss as f64 / (1024.0 * 1024.0));
    Ok(())
}

fn median(samples: &[Sample]) -> f64 {
    let mut values: Vec<f64> = samples.iter().map(|s| s.seconds).collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Each run gets its own S3 prefix, so runs never see each other's objects.
fn scoped_config(config: &Config, run: usize) -> Config {
    let mut scoped = config.clone();
    if let StorageConfig::S3(s3) = &mut scoped.storage {
        s3.prefix = format!("{}bench-{}-{run}/", s3.prefix, briefly::domain::random_id(6));
    }
    scoped
}

/// Incompressible, deterministic bytes; returns their sha256.
async fn write_source(path: &Path, size: u64) -> anyhow::Result<String> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut hasher = sha2::Sha256::new();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut block = vec![0u8; 1024 * 1024];
    let mut written = 0u64;
    while written < size {
        for word in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let take = (size - written).min(block.len() as u64) as usize;
        file.write_all(&block[..take]).await?;
        hasher.update(&block[..take]);
        written += take as u64;
    }
    file.sync_all().await?;
    Ok(hex::encode(hasher.finalize()))
}

async fn upload_through_api(
    server: &ServerProcess,
    source: &Path,
    size: u64,
    chunk: usize,
) -> anyhow::Result<(Sample, String, reqwest::Client)> {
    let client = server.signed_in_client().await?;
    ensure!(tokio::fs::metadata(source).await?.len() == size, "source size changed");
    let started = Instant::now();
    let (video_id, timing) = upload_timed(&client, server, source, chunk).await?;
    let sample = Sample { seconds: started.elapsed().as_secs_f64(), last_patch_seconds: timing.last_patch_seconds };
    Ok((sample, video_id, client))
}

pub struct UploadTiming {
    pub last_patch_seconds: f64,
    /// When the last PATCH was acknowledged: the upload is complete from here.
    pub completed_at: Instant,
}

/// Upload a file through tus in `chunk`-sized PATCHes as an already signed-in client.
pub async fn upload_file(
    client: &reqwest::Client,
    server: &ServerProcess,
    source: &Path,
    chunk: usize,
) -> anyhow::Result<(String, Instant)> {
    let (video_id, timing) = upload_timed(client, server, source, chunk).await?;
    Ok((video_id, timing.completed_at))
}

async fn upload_timed(
    client: &reqwest::Client,
    server: &ServerProcess,
    source: &Path,
    chunk: usize,
) -> anyhow::Result<(String, UploadTiming)> {
    let size = tokio::fs::metadata(source).await?.len();
    let mut file = tokio::fs::File::open(source).await?;
    let filename = source.file_name().and_then(|n| n.to_str()).unwrap_or("upload.bin");
    use base64::Engine;
    let metadata = format!("filename {}", base64::engine::general_purpose::STANDARD.encode(filename));
    let created = client
        .post(format!("{}/api/uploads", server.base))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", size.to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await?;
    ensure!(created.status().as_u16() == 201, "tus create failed: {}", created.status());
    let location = header(&created, "location")?;
    let video_id = header(&created, "briefly-video-id")?;
    let mut offset = 0u64;
    let mut buffer = vec![0u8; chunk];
    let mut last_patch_seconds = 0.0;
    while offset < size {
        let patch_started = Instant::now();
        let take = (size - offset).min(chunk as u64) as usize;
        file.read_exact(&mut buffer[..take]).await?;
        let response = client
            .patch(format!("{}{location}", server.base))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(buffer[..take].to_vec())
            .send()
            .await?;
        if response.status().as_u16() != 204 {
            bail!("PATCH at {offset} failed: {}", response.status());
        }
        offset += take as u64;
        last_patch_seconds = patch_started.elapsed().as_secs_f64();
    }
    Ok((video_id, UploadTiming { last_patch_seconds, completed_at: Instant::now() }))
}

async fn verify_original(
    server: &ServerProcess,
    client: &reqwest::Client,
    video_id: &str,
    expected: &str,
) -> anyhow::Result<()> {
    let mut response = client.get(format!("{}/api/videos/{video_id}/original", server.base)).send().await?;
    ensure!(response.status().is_success(), "original not served: {}", response.status());
    let mut hasher = sha2::Sha256::new();
    while let Some(chunk) = response.chunk().await? {
        hasher.update(&chunk);
    }
    ensure!(hex::encode(hasher.finalize()) == expected, "the uploaded original differs from the source");
    Ok(())
}

/// The same bytes written straight to the same storage, without Briefly in between.
/// Returns (name, sample) pairs; the first one is the reference the target names.
async fn reference_writes(
    config: &Config,
    source: &Path,
    work_dir: &Path,
    run: usize,
    chunk: usize,
) -> anyhow::Result<Vec<(&'static str, Sample)>> {
    let timed = |started: Instant| Sample { seconds: started.elapsed().as_secs_f64(), last_patch_seconds: 0.0 };
    match &config.storage {
        StorageConfig::Local { .. } => {
            let target = work_dir.join(format!("reference-{run}.bin"));
            // `cp`: copy_file_range, which on ext4 only moves pages inside the kernel's
            // cache and returns before anything reaches the disk.
            let started = Instant::now();
            tokio::fs::copy(source, &target).await.context("plain file copy")?;
            let cp = timed(started);
            tokio::fs::remove_file(&target).await?;
            // A copy that ends where an acknowledged upload ends: bytes on disk (fsync).
            let started = Instant::now();
            streamed_copy(source, &target, chunk).await?;
            let durable = timed(started);
            tokio::fs::remove_file(&target).await?;
            Ok(vec![("plain file copy (cp)", cp), ("file copy + fsync", durable)])
        }
        StorageConfig::S3(s3) => {
            let store = briefly::store::S3Store::connect(s3).await?;
            let key = format!("bench-reference-{}-{run}", briefly::domain::random_id(6));
            let started = Instant::now();
            store.put_file_single(&key, source).await?;
            let single = timed(started);
            store.delete(&key).await?;
            // The same bytes as a multipart upload in the same part size: the form S3
            // clients use for large files, and what completion costs on this server.
            let started = Instant::now();
            let file = tokio::fs::File::open(source).await?;
            store.put_stream(&key, Box::pin(tokio_util::io::ReaderStream::with_capacity(file, chunk))).await?;
            let multipart = timed(started);
            store.delete(&key).await?;
            Ok(vec![("aws-sdk-s3 single PutObject", single), ("aws-sdk-s3 multipart, 8 MiB parts", multipart)])
        }
    }
}

async fn streamed_copy(source: &Path, target: &Path, chunk: usize) -> anyhow::Result<()> {
    let mut from = tokio::fs::File::open(source).await?;
    let mut to = tokio::fs::File::create(target).await?;
    let mut buffer = vec![0u8; chunk];
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        to.write_all(&buffer[..read]).await?;
    }
    to.sync_all().await?;
    Ok(())
}

async fn cleanup_storage(config: &Config, data_dir: &Path) {
    if let StorageConfig::S3(_) = &config.storage {
        if let Ok(store) = briefly::app::open_store(config).await {
            let _ = store.delete_prefix("").await;
        }
    }
    let _ = tokio::fs::remove_dir_all(data_dir).await;
}

pub fn header(response: &reqwest::Response, name: &str) -> anyhow::Result<String> {
    Ok(response.headers().get(name).with_context(|| format!("missing {name}"))?.to_str()?.to_string())
}
