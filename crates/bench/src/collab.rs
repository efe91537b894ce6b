//! `briefly-bench collab`: the comments page and reaction writes on a video with 10,000
//! comments and 50,000 reactions, each next to `GET /healthz` on the same server in the
//! same run, with wrk on loopback, on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{ensure, Context};
use briefly::config::Config;
use briefly::db::{Backend, Db};

use crate::collab_seed;
use crate::load_average;
use crate::scratch_db::{backend_label, backend_named, ScratchDb};
use crate::server::ServerProcess;
use crate::wrk::{self, Load, Report, Requests};

#[derive(Debug, clap::Args)]
pub struct CollabBench {
    /// Seconds of load per endpoint (after a separate warm-up run).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Seconds of untimed load per endpoint before its timed run.
    #[arg(long, default_value_t = 2)]
    warm_up_seconds: u64,
    /// wrk connections (requests in flight).
    #[arg(long, default_value_t = 32)]
    connections: u32,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// Workspace members writing reactions, each with their own API token.
    #[arg(long, default_value_t = 1_000)]
    users: usize,
    #[arg(long, default_value_t = 10_000)]
    comments: usize,
    #[arg(long, default_value_t = 50_000)]
    reactions: usize,
    /// Databases to measure, comma-separated: sqlite, postgres.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    databases: Vec<String>,
    /// An existing PostgreSQL database to connect to for CREATE/DROP DATABASE.
    #[arg(long, env = "BRIEFLY_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_admin_url: String,
    /// Scratch folder for the SQLite file, the server's data, tokens and the wrk script.
    #[arg(long, default_value = "bench-data")]
    work_dir: PathBuf,
}

const VIDEO_MS: i64 = 10 * 60 * 1000;

struct Fixture {
    server: ServerProcess,
    db: Db,
    video_id: String,
    reader_token: String,
    tokens_file: PathBuf,
}

pub async fn run(args: CollabBench, config: Config) -> anyhow::Result<()> {
    ensure!(
        (1..=300).contains(&args.seconds) && args.warm_up_seconds <= 60,
        "--seconds 1..=300, --warm-up-seconds <= 60"
    );
    ensure!(args.users > 0 && args.users <= 100_000, "--users must be 1..=100000");
    ensure!(args.comments <= 1_000_000 && args.reactions <= 5_000_000, "at most 1e6 comments and 5e6 reactions");
    tokio::fs::create_dir_all(&args.work_dir).await?;
    let work_dir = std::fs::canonicalize(&args.work_dir)?;
    let script = wrk::install_script(&work_dir).await?;
    println!(
        "briefly-bench collab: {} comments, {} reactions, {} users; wrk {} threads, {} connections, {} s per endpoint \
         (+{} s warm-up)",
        args.comments, args.reactions, args.users, args.threads, args.connections, args.seconds, args.warm_up_seconds
    );
    for name in &args.databases {
        let backend = backend_named(name)?;
        let scratch = ScratchDb::create(backend, &work_dir, &args.postgres_admin_url).await?;
        let url = scratch.url.clone();
        let outcome = measure(&args, &config, &work_dir, &script, backend, &url).await;
        scratch.remove().await.context("removing the scratch database")?;
        outcome?;
    }
    Ok(())
}

async fn measure(
    args: &CollabBench,
    config: &Config,
    work_dir: &Path,
    script: &Path,
    backend: Backend,
    url: &str,
) -> anyhow::Result<()> {
    let data_dir = work_dir.join(format!("collab-server-{}", backend_label(backend).to_lowercase()));
    let _ = tokio::fs::remove_dir_all(&data_dir).await;
    tokio::fs::create_dir_all(&data_dir).await?;
    let fixture = prepare(args, config, &data_dir, backend, url).await?;
    let base = &fixture.server.base;
    let video = &fixture.video_id;
    println!("\n== {}  (load average before: {})", backend_label(backend), load_average::now());
    let cases: [(&str, String, Requests<'_>); 3] = [
        ("GET /healthz", format!("{base}/healthz"), Requests::Get { token: None }),
        (
            "GET /api/videos/{id}/comments",
            format!("{base}/api/videos/{video}/comments"),
            Requests::Get { token: Some(&fixture.reader_token) },
        ),
        (
            "POST /api/videos/{id}/reactions",
            format!("{base}/api/videos/{video}/reactions"),
            Requests::React { tokens_file: &fixture.tokens_file, duration_ms: VIDEO_MS },
        ),
    ];
    let load =
        Load { threads: args.threads, connections: args.connections, duration: Duration::from_secs(args.seconds) };
    let warm_up = Load { duration: Duration::from_secs(args.warm_up_seconds), ..load };
    let mut reports = Vec::new();
    for (label, url, requests) in &cases {
        if args.warm_up_seconds > 0 {
            wrk::run(script, url, warm_up, requests).await?;
        }
        reports.push((*label, wrk::run(script, url, load, requests).await?));
    }
    print_reports(&reports);
    let (reactions,): (i64,) = sqlx::query_as("SELECT count(*) FROM reactions WHERE video_id = $1")
        .bind(video)
        .fetch_one(fixture.db.pool())
        .await?;
    println!("reactions stored after the run: {reactions}; load average after: {}", load_average::now());
    drop(fixture.server);
    fixture.db.close().await;
    let _ = tokio::fs::remove_dir_all(&data_dir).await;
    Ok(())
}

/// Start the server, seed the team, the video, its comments and reactions, and check that
/// both measured requests succeed once before loading them.
async fn prepare(
    args: &CollabBench,
    config: &Config,
    data_dir: &Path,
    backend: Backend,
    url: &str,
) -> anyhow::Result<Fixture> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let server = ServerProcess::start_with_database(config, data_dir, false, url).await?;
    let owner = server.signed_in_client_as("owner@example.com", "Owner").await?;
    let reader = server.signed_in_client_as("reader@example.com", "Reader").await?;
    let owner_id = server.user_id(&owner).await?;
    let reader_id = server.user_id(&reader).await?;
    let team = collab_seed::team(&db, &owner_id, args.users).await?;
    sqlx::query("INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'member', 0)")
        .bind(&team.workspace_id)
        .bind(&reader_id)
        .execute(db.pool())
        .await?;
    let video = post_json(
        &owner,
        &format!("{}/api/videos", server.base),
        serde_json::json!({ "title": "Weekly update", "visibility": "private", "workspace_id": team.workspace_id }),
    )
    .await?;
    let video_id = video["id"].as_str().context("POST /api/videos returned no id")?.to_string();
    sqlx::query("UPDATE videos SET duration_ms = $1, status = 'ready' WHERE id = $2")
        .bind(VIDEO_MS)
        .bind(&video_id)
        .execute(db.pool())
        .await?;
    collab_seed::comments(&db, &video_id, &team.member_ids, args.comments, VIDEO_MS).await?;
    collab_seed::reactions(&db, &video_id, &team.member_ids, args.reactions, VIDEO_MS).await?;
    if backend == Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    let token =
        post_json(&reader, &format!("{}/api/tokens", server.base), serde_json::json!({ "name": "bench" })).await?;
    let reader_token = token["token"].as_str().context("POST /api/tokens returned no token")?.to_string();
    let tokens_file = data_dir.join("tokens.txt");
    tokio::fs::write(&tokens_file, team.tokens.join("\n") + "\n").await?;
    check_once(&server.base, &video_id, &reader_token, &team.tokens[0]).await?;
    Ok(Fixture { server, db, video_id, reader_token, tokens_file })
}

async fn post_json(client: &reqwest::Client, url: &str, body: serde_json::Value) -> anyhow::Result<serde_json::Value> {
    let response = client.post(url).json(&body).send().await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await?;
    ensure!(status.is_success(), "POST {url} answered {status}: {body}");
    Ok(body)
}

async fn check_once(base: &str, video_id: &str, reader_token: &str, writer_token: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let page = client.get(format!("{base}/api/videos/{video_id}/comments")).bearer_auth(reader_token).send().await?;
    ensure!(page.status().is_success(), "GET comments answered {}", page.status());
    let page: serde_json::Value = page.json().await?;
    let shown = page["comments"].as_array().map_or(0, Vec::len);
    ensure!(shown > 0, "the first comments page is empty");
    let replies: usize =
        page["comments"].as_array().into_iter().flatten().map(|c| c["replies"].as_array().map_or(0, Vec::len)).sum();
    let reaction = client
        .post(format!("{base}/api/videos/{video_id}/reactions"))
        .bearer_auth(writer_token)
        .json(&serde_json::json!({ "emoji": "👍", "timestamp_ms": 1000 }))
        .send()
        .await?;
    ensure!(reaction.status().is_success(), "POST reaction answered {}", reaction.status());
    println!("first comments page: {shown} comments with {replies} replies");
    Ok(())
}

fn print_reports(reports: &[(&str, Report)]) {
    let ceiling = reports.first().map_or(1.0, |(_, r)| r.per_second());
    println!(
        "{:<32} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>26} {:>9}",
        "endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "(non-2xx:429/4xx/5xx sock)", "/healthz"
    );
    for (label, r) in reports {
        println!(
            "{:<32} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.1} {:>7} {:>26} {:>9.3}",
            label,
            r.per_second(),
            r.p50_us as f64 / 1000.0,
            r.p90_us as f64 / 1000.0,
            r.p99_us as f64 / 1000.0,
            r.max_us as f64 / 1000.0,
            r.errors(),
            format!("{}:{}/{}/{} {}", r.non2xx, r.status_429, r.status_4xx, r.status_5xx, r.socket_errors + r.timeouts),
            r.per_second() / ceiling,
        );
    }
    for (label, r) in reports {
        let (rate, p99_ms) = match *label {
            l if l.contains("comments") => (1_500.0, 50.0),
            l if l.contains("reactions") => (500.0, 100.0),
            _ => continue,
        };
        let met = r.per_second() >= rate && (r.p99_us as f64 / 1000.0) < p99_ms && r.errors() == 0;
        println!(
            "target {label}: >= {rate} req/s, p99 < {p99_ms} ms, zero errors: {}",
            if met { "met" } else { "MISSED" }
        );
    }
}
