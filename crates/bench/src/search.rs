//! `briefly-bench search`: `GET /api/search` latency over a million transcript segments,
//! next to a plain `LIKE '%word%'` scan of the same table, on SQLite and PostgreSQL.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use briefly::config::Config;
use briefly::db::{Backend, Db};

use crate::corpus::Corpus;
use crate::latency::{ms, Percentiles};
use crate::scratch_db::{backend_label, backend_named, ScratchDb};
use crate::search_seed;
use crate::server::ServerProcess;

#[derive(Debug, clap::Args)]
pub struct SearchBench {
    /// Transcript segments to seed.
    #[arg(long, default_value_t = 1_000_000)]
    segments: u64,
    /// Timed `GET /api/search` requests per query (after 5 untimed warm-up requests).
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Timed LIKE scans per query (a scan of a rare word reads the whole table).
    #[arg(long, default_value_t = 20)]
    reference_requests: usize,
    /// Databases to measure, comma-separated: sqlite, postgres.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    databases: Vec<String>,
    /// An existing PostgreSQL database to connect to for CREATE/DROP DATABASE.
    #[arg(long, env = "BRIEFLY_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_admin_url: String,
    /// Workspaces (of 40) the searching user belongs to; the rest only show public videos.
    #[arg(long, default_value_t = 3)]
    member_of: usize,
    /// Leave the seeded databases in place (and print their URLs) for profiling.
    #[arg(long)]
    keep_databases: bool,
    /// Scratch folder for the SQLite file and the server's data folder.
    #[arg(long, default_value = "bench-data")]
    work_dir: PathBuf,
}

const VOCABULARY: usize = 50_000;
const WARM_UP: usize = 5;
const LIMIT: usize = 20;

/// (class, content-word ranks): rank 1 is the most frequent non-function word.
const QUERIES: &[(&str, &[usize])] = &[
    ("common", &[1]),
    ("common", &[8]),
    ("mid", &[300]),
    ("mid", &[2_000]),
    ("rare", &[15_000]),
    ("rare", &[45_000]),
    ("2 words", &[1, 8]),
    ("2 words", &[8, 2_000]),
    ("2 words", &[300, 15_000]),
];

struct QueryResult {
    class: &'static str,
    words: Vec<String>,
    matches: i64,
    hits: usize,
    search: Percentiles,
    like_rows: usize,
    like: Percentiles,
}

pub async fn run(args: SearchBench, config: Config) -> anyhow::Result<()> {
    ensure!(args.requests > 0 && args.requests <= 10_000, "--requests must be 1..=10000");
    ensure!(args.reference_requests > 0 && args.reference_requests <= 1_000, "--reference-requests must be 1..=1000");
    ensure!(args.segments > 0 && args.segments <= 20_000_000, "--segments must be 1..=20000000");
    tokio::fs::create_dir_all(&args.work_dir).await?;
    let work_dir = std::fs::canonicalize(&args.work_dir)?;
    println!(
        "briefly-bench search: {} segments, {} requests per query ({} warm-up), {} LIKE scans per query",
        args.segments, args.requests, WARM_UP, args.reference_requests
    );
    for name in &args.databases {
        let backend = backend_named(name)?;
        let scratch = ScratchDb::create(backend, &work_dir, &args.postgres_admin_url).await?;
        let url = scratch.url.clone();
        let outcome = measure(&args, &config, &work_dir, backend, &url).await;
        if args.keep_databases {
            println!("kept {url}");
        } else {
            scratch.remove().await.context("removing the scratch database")?;
        }
        print_results(backend, &outcome?);
    }
    Ok(())
}

async fn measure(
    args: &SearchBench,
    config: &Config,
    work_dir: &std::path::Path,
    backend: Backend,
    url: &str,
) -> anyhow::Result<Vec<QueryResult>> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let mut corpus = Corpus::new(VOCABULARY, 42);
    let seeded = search_seed::seed(&db, args.segments, &mut corpus).await?;
    if backend == Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    println!(
        "\n== {}: seeded {} segments in {} videos ({} workspaces) in {:.1} s; load average {}",
        backend_label(backend),
        seeded.segments,
        seeded.videos,
        search_seed::WORKSPACES,
        seeded.elapsed.as_secs_f64(),
        crate::load_average::now()
    );
    let data_dir = work_dir.join(format!("search-server-{}", backend_label(backend).to_lowercase()));
    let _ = tokio::fs::remove_dir_all(&data_dir).await;
    tokio::fs::create_dir_all(&data_dir).await?;
    let server = ServerProcess::start_with_database(config, &data_dir, false, url).await?;
    let client = server.signed_in_client().await?;
    let caller = server.user_id(&client).await?;
    search_seed::join_workspaces(&db, &caller, args.member_of).await?;

    let mut results = Vec::new();
    for (class, ranks) in QUERIES {
        let words: Vec<String> = ranks.iter().map(|&rank| Corpus::content_word(rank)).collect();
        let q = words.join(" ");
        let mut hits = 0;
        let mut samples = Vec::with_capacity(args.requests);
        for i in 0..WARM_UP + args.requests {
            let (elapsed, count) = timed_search(&client, &server.base, &q).await?;
            hits = count;
            if i >= WARM_UP {
                samples.push(elapsed);
            }
        }
        let mut like_samples = Vec::with_capacity(args.reference_requests);
        let mut like_rows = 0;
        for _ in 0..args.reference_requests {
            let started = Instant::now();
            like_rows = like_scan(&db, &words).await?;
            like_samples.push(started.elapsed());
        }
        results.push(QueryResult {
            class,
            matches: indexed_matches(&db, &words).await?,
            words,
            hits,
            search: Percentiles::of(&samples),
            like_rows,
            like: Percentiles::of(&like_samples),
        });
    }
    drop(server);
    db.close().await;
    let _ = tokio::fs::remove_dir_all(&data_dir).await;
    Ok(results)
}

async fn timed_search(client: &reqwest::Client, base: &str, q: &str) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let response =
        client.get(format!("{base}/api/search")).query(&[("q", q), ("limit", &LIMIT.to_string())]).send().await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await?;
    let elapsed = started.elapsed();
    ensure!(status.is_success(), "GET /api/search?q={q} answered {status}: {body}");
    Ok((elapsed, body["hits"].as_array().map_or(0, Vec::len)))
}

/// The reference: the first rows containing every word, no index, no ranking, no
/// visibility rule.
async fn like_scan(db: &Db, words: &[String]) -> anyhow::Result<usize> {
    let conditions: Vec<String> = (1..=words.len()).map(|i| format!("text LIKE ${i}")).collect();
    let sql = format!(
        "SELECT id, video_id, start_ms, end_ms, text FROM transcript_segments WHERE {} LIMIT {LIMIT}",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query(&sql);
    for word in words {
        query = query.bind(format!("%{word}%"));
    }
    Ok(query.fetch_all(db.pool()).await?.len())
}

/// Segments the full-text index finds for the words (all of them), visible or not.
async fn indexed_matches(db: &Db, words: &[String]) -> anyhow::Result<i64> {
    let (sql, argument) = match db.backend() {
        Backend::Sqlite => (
            "SELECT count(*) FROM transcript_fts WHERE transcript_fts MATCH $1",
            briefly::search::fts5_expression(words),
        ),
        Backend::Postgres => {
            ("SELECT count(*) FROM transcript_segments WHERE tsv @@ plainto_tsquery('english', $1)", words.join(" "))
        }
    };
    let (count,): (i64,) = sqlx::query_as(sql).bind(argument).fetch_one(db.pool()).await?;
    Ok(count)
}

fn print_results(backend: Backend, results: &[QueryResult]) {
    println!(
        "{:<8} {:<16} {:>8} {:>5} | {:>29} | {:>4} {:>29} | {:>9}",
        "class",
        "query",
        "matches",
        "hits",
        "GET /api/search p50/p95/p99",
        "rows",
        "LIKE scan p50/p95/p99",
        "p95 ratio"
    );
    let mut worst = Duration::ZERO;
    for r in results {
        worst = worst.max(r.search.p95);
        println!(
            "{:<8} {:<16} {:>8} {:>5} | {:>8.1} {:>8.1} {:>8.1} ms | {:>4} {:>8.1} {:>8.1} {:>8.1} ms | {:>9.2}",
            r.class,
            r.words.join(" "),
            r.matches,
            r.hits,
            ms(r.search.p50),
            ms(r.search.p95),
            ms(r.search.p99),
            r.like_rows,
            ms(r.like.p50),
            ms(r.like.p95),
            ms(r.like.p99),
            ms(r.search.p95) / ms(r.like.p95).max(0.001),
        );
    }
    let verdict = if worst < Duration::from_millis(50) { "met" } else { "MISSED" };
    println!(
        "{}: worst per-query search p95 {:.1} ms  [target < 50 ms: {verdict}]  (ratio = search p95 / LIKE p95); \
         load average {}",
        backend_label(backend),
        ms(worst),
        crate::load_average::now()
    );
}
