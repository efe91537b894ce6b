//! Checksummed PATCH bodies are spooled to a local temporary file and verified before a
//! single byte is acknowledged: a body that fails its checksum must leave no trace, and
//! holding it in memory instead would make memory grow with the client's chunk size.

use std::path::Path;

use futures::StreamExt;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

use super::ExpectedChecksum;
use crate::domain::random_id;
use crate::store::ByteStream;
use crate::uploads::{QuotaLimit, UploadError, UploadResult};

/// Returns the verified body and its exact length. `limit` is what the upload has room
/// for; `spool_limit` bounds the temporary file itself (a body sent without a
/// Content-Length is cut off there), answered as `UploadError::Quota`.
pub async fn verified(
    dir: &Path,
    body: &mut ByteStream,
    expected: &ExpectedChecksum,
    limit: u64,
    spool_limit: u64,
) -> UploadResult<(ByteStream, Option<u64>)> {
    tokio::fs::create_dir_all(dir).await.map_err(anyhow::Error::from)?;
    let path = dir.join(format!("spool-{}", random_id(16)));
    let mut file = tokio::fs::OpenOptions::new()
        .create_new(true)
        .read(true)
        .write(true)
        .open(&path)
        .await
        .map_err(anyhow::Error::from)?;
    // Unlink at once: the open handle keeps the data, and nothing is left behind on any exit.
    tokio::fs::remove_file(&path).await.map_err(anyhow::Error::from)?;
    let mut hasher = expected.hasher();
    let mut received = 0u64;
    while let Some(frame) = body.next().await {
        let frame = frame.map_err(|_| UploadError::malformed("the request body was interrupted"))?;
        received += frame.len() as u64;
        if received > limit {
            return Err(UploadError::TooLarge("the body goes past the upload's length".into()));
        }
        if received > spool_limit {
            return Err(UploadError::Quota {
                limit: QuotaLimit::ChecksumBody,
                message: "the checksummed body is larger than the server verifies at once".into(),
            });
        }
        hasher.update(&frame);
        file.write_all(&frame).await.map_err(anyhow::Error::from)?;
    }
    if !expected.matches(hasher) {
        return Err(UploadError::ChecksumMismatch);
    }
    file.flush().await.map_err(anyhow::Error::from)?;
    file.seek(std::io::SeekFrom::Start(0)).await.map_err(anyhow::Error::from)?;
    Ok((Box::pin(ReaderStream::with_capacity(file, 256 * 1024)), Some(received)))
}
