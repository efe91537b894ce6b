//! Media in any S3-compatible bucket (path-style addressing for MinIO, Garage, s3s-fs...).
//!
//! Staged uploads are S3 multipart uploads. Part numbers come from the database and are
//! never reused, so a request that loses a race only leaves an unreferenced part, which
//! disappears when the multipart upload is completed or aborted.

use std::time::Duration;

use aws_sdk_s3::config::{Credentials, Region, RequestChecksumCalculation};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream as S3Body;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_sdk_s3::Client;
use bytes::{Bytes, BytesMut};
use futures::TryStreamExt;
use secrecy::ExposeSecret;
use tokio_util::io::ReaderStream;

use super::{ByteRange, ByteStream, ChunkLocator, ObjectBody, StagingLock, Store, StoreError, StoreResult};
use crate::config::S3Config;

/// S3's floor for every multipart part except the last.
pub const S3_MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// Size of parts when streaming a whole object in.
const PUT_PART_SIZE: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct S3Store {
    client: Client,
    bucket: String,
    prefix: String,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store").field("bucket", &self.bucket).field("prefix", &self.prefix).finish()
    }
}

fn backend_error(err: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(err.to_string())
}

/// The SDK's errors hide the HTTP status a level down; 404 is the one we branch on.
fn sdk_error<E, R>(err: aws_sdk_s3::error::SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + HasStatus,
{
    use aws_sdk_s3::error::SdkError;
    let status = err.raw_response().map(|r| r.status_code());
    if status == Some(404) {
        return StoreError::NotFound;
    }
    let message = format!("{}", aws_sdk_s3::error::DisplayErrorContext(&err));
    // No answer at all, or a 5xx (503 SlowDown included): the store's fault, not ours.
    let unreachable =
        matches!(err, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_));
    if unreachable || status.is_some_and(|s| s >= 500) {
        return StoreError::Unavailable(message);
    }
    StoreError::Backend(message)
}

pub trait HasStatus {
    fn status_code(&self) -> u16;
}

impl HasStatus for aws_sdk_s3::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

impl S3Store {
    pub async fn connect(config: &S3Config) -> StoreResult<S3Store> {
        let mut loader =
            aws_config::defaults(aws_config::BehaviorVersion::latest()).region(Region::new(config.region.clone()));
        if let (Some(key), Some(secret)) = (&config.access_key_id, &config.secret_access_key) {
            loader = loader.credentials_provider(Credentials::new(
                key.clone(),
                secret.expose_secret().to_string(),
                None,
                None,
                "briefly-config",
            ));
        }
        let shared = loader.load().await;
        let mut builder = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(config.path_style)
            // Only checksum when S3 insists: it keeps uploads in plain (not aws-chunked)
            // framing, which every S3-compatible server understands.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            // A store that is down must become a quick "try again", not a request that
            // hangs: bound the connect and the silence between bytes (a large part still
            // streams for as long as it needs).
            .timeout_config(
                aws_sdk_s3::config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .read_timeout(Duration::from_secs(60))
                    .build(),
            );
        if let Some(endpoint) = &config.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Ok(S3Store {
            client: Client::from_conf(builder.build()),
            bucket: config.bucket.clone(),
            prefix: config.prefix.clone(),
        })
    }

    fn full_key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Upload one multipart part; `len` is required when `body` is a stream of unknown size.
    async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        number: i64,
        body: S3Body,
        len: Option<u64>,
    ) -> StoreResult<String> {
        let part_number = i32::try_from(number).map_err(backend_error)?;
        let content_length = len.map(i64::try_from).transpose().map_err(backend_error)?;
        let out = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .upload_id(upload_id)
            .part_number(part_number)
            .set_content_length(content_length)
            .body(body)
            .send()
            .await
            .map_err(sdk_error)?;
        out.e_tag().map(str::to_string).ok_or_else(|| backend_error("part upload returned no ETag"))
    }

    async fn complete(&self, key: &str, upload_id: &str, parts: Vec<CompletedPart>) -> StoreResult<()> {
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Store for S3Store {
    async fn put_stream(&self, key: &str, mut stream: ByteStream) -> StoreResult<u64> {
        let mut buffer = BytesMut::with_capacity(PUT_PART_SIZE);
        let mut upload: Option<(String, Vec<CompletedPart>)> = None;
        let mut total = 0u64;
        let result: StoreResult<()> = async {
            loop {
                let next = stream.try_next().await?;
                if let Some(chunk) = &next {
                    buffer.extend_from_slice(chunk);
                    total += chunk.len() as u64;
                }
                let finished = next.is_none();
                if buffer.len() >= PUT_PART_SIZE || (finished && upload.is_some()) {
                    if upload.is_none() {
                        let id = self.staging_begin(key).await?;
                        upload = Some((id, Vec::new()));
                    }
                    let (id, parts) = upload.as_mut().expect("started above");
                    let number = parts.len() as i64 + 1;
                    let etag = self.upload_part(key, id, number, S3Body::from(buffer.split().freeze()), None).await?;
                    parts.push(CompletedPart::builder().part_number(number as i32).e_tag(etag).build());
                }
                if finished {
                    return Ok(());
                }
            }
        }
        .await;
        match (result, upload) {
            (Ok(()), Some((id, parts))) => self.complete(key, &id, parts).await?,
            (Ok(()), None) => self.put_bytes(key, buffer.freeze()).await?,
            (Err(err), Some((id, _))) => {
                let _ = self.staging_abort(&id, key).await;
                return Err(err);
            }
            (Err(err), None) => return Err(err),
        }
        Ok(total)
    }

    async fn put_bytes(&self, key: &str, data: Bytes) -> StoreResult<()> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .body(S3Body::from(data))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn get(&self, key: &str, range: Option<ByteRange>) -> StoreResult<ObjectBody> {
        let mut request = self.client.get_object().bucket(&self.bucket).key(self.full_key(key));
        if let Some(range) = range {
            request = request.range(format!("bytes={}-{}", range.start, range.end));
        }
        let out = request.send().await.map_err(sdk_error)?;
        let total_size = match (range, out.content_range()) {
            (Some(_), Some(content_range)) => content_range
                .rsplit('/')
                .next()
                .and_then(|total| total.parse().ok())
                .ok_or_else(|| backend_error("unparseable Content-Range from store"))?,
            _ => out.content_length().unwrap_or(0).max(0) as u64,
        };
        let reader = out.body.into_async_read();
        Ok(ObjectBody { stream: Box::pin(ReaderStream::with_capacity(reader, 64 * 1024)), total_size })
    }

    async fn size(&self, key: &str) -> StoreResult<u64> {
        let out =
            self.client.head_object().bucket(&self.bucket).key(self.full_key(key)).send().await.map_err(sdk_error)?;
        Ok(out.content_length().unwrap_or(0).max(0) as u64)
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        match self.client.delete_object().bucket(&self.bucket).key(self.full_key(key)).send().await.map_err(sdk_error) {
            Ok(_) | Err(StoreError::NotFound) => Ok(()),
            Err(err) => Err(err),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> StoreResult<()> {
        let mut token: Option<String> = None;
        // Bounded: at most 1,000 listing pages (a million objects) per call.
        for _ in 0..1000 {
            let out = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(self.full_key(prefix))
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(sdk_error)?;
            for object in out.contents() {
                if let Some(key) = object.key() {
                    match self.client.delete_object().bucket(&self.bucket).key(key).send().await.map_err(sdk_error) {
                        Ok(_) | Err(StoreError::NotFound) => {}
                        Err(err) => return Err(err),
                    }
                }
            }
            match out.next_continuation_token() {
                Some(next) if out.is_truncated() == Some(true) => token = Some(next.to_string()),
                _ => return Ok(()),
            }
        }
        Ok(())
    }

    async fn presigned_get(&self, key: &str, ttl: Duration, content_type: &str) -> StoreResult<Option<String>> {
        let presigning = PresigningConfig::expires_in(ttl).map_err(backend_error)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .response_content_type(content_type)
            .presigned(presigning)
            .await
            .map_err(sdk_error)?;
        Ok(Some(request.uri().to_string()))
    }

    fn min_part_size(&self) -> Option<u64> {
        Some(S3_MIN_PART_SIZE)
    }

    async fn staging_begin(&self, key: &str) -> StoreResult<String> {
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .send()
            .await
            .map_err(sdk_error)?;
        out.upload_id().map(str::to_string).ok_or_else(|| backend_error("multipart upload returned no id"))
    }

    async fn staging_lock(&self, _handle: &str) -> StoreResult<Option<StagingLock>> {
        // Unique part numbers plus the database's compare-and-set on the offset already
        // make concurrent writers safe here; no lock is needed.
        Ok(None)
    }

    async fn staging_write(
        &self,
        handle: &str,
        key: &str,
        _offset: u64,
        part_number: i64,
        data: Bytes,
    ) -> StoreResult<ChunkLocator> {
        let etag = self.upload_part(key, handle, part_number, S3Body::from(data), None).await?;
        Ok(ChunkLocator::Part { number: part_number, etag })
    }

    async fn staging_write_stream(
        &self,
        handle: &str,
        key: &str,
        _offset: u64,
        part_number: i64,
        body: ByteStream,
        len: u64,
    ) -> StoreResult<ChunkLocator> {
        // Receiving the request and sending the part overlap, instead of one waiting for
        // the other; a body that ends early fails the part, and nothing is acknowledged.
        let frames = body.map_ok(http_body::Frame::data);
        let http_body = http_body_util::StreamBody::new(sync_wrapper::SyncStream::new(frames));
        let sdk_body = aws_sdk_s3::primitives::SdkBody::from_body_1_x(http_body);
        let etag = self.upload_part(key, handle, part_number, S3Body::new(sdk_body), Some(len)).await?;
        Ok(ChunkLocator::Part { number: part_number, etag })
    }

    async fn staging_finish(
        &self,
        handle: &str,
        key: &str,
        chunks: &[ChunkLocator],
        _total_len: u64,
    ) -> StoreResult<()> {
        let mut parts = Vec::with_capacity(chunks.len());
        for chunk in chunks {
            match chunk {
                ChunkLocator::Part { number, etag } => parts.push(
                    CompletedPart::builder()
                        .part_number(i32::try_from(*number).map_err(backend_error)?)
                        .e_tag(etag)
                        .build(),
                ),
                other => return Err(backend_error(format!("unexpected chunk at completion: {other:?}"))),
            }
        }
        self.complete(key, handle, parts).await
    }

    async fn staging_abort(&self, handle: &str, key: &str) -> StoreResult<()> {
        match self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .upload_id(handle)
            .send()
            .await
            .map_err(sdk_error)
        {
            Ok(_) | Err(StoreError::NotFound) => Ok(()),
            Err(err) => Err(err),
        }
    }
}

impl S3Store {
    /// One PutObject streamed from a file: the benchmark's reference for "a plain S3 upload".
    pub async fn put_file_single(&self, key: &str, path: &std::path::Path) -> StoreResult<()> {
        let body = S3Body::from_path(path).await.map_err(backend_error)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .body(body)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}
