//! Streaming a PATCH body into storage, one acknowledged chunk at a time.
//!
//! Memory stays bounded by one chunk (plus, on S3, the small pieces being folded into a
//! part): nothing here ever holds a whole upload.
//!
//! A live upload (a recording a live job reads as it arrives) on S3 also keeps every
//! chunk as a readable object: the pieces are written for every chunk, recorded as live
//! copies, and kept after folding, until the upload completes (see `received.rs`).

use bytes::{Bytes, BytesMut};
use futures::StreamExt;

use super::{parse_locator, piece_prefix, Uploads, CHUNK_SIZE};
use crate::db::{ChunkCommit, ChunkRow, LiveCopyRow, UploadRow};
use crate::domain::random_id;
use crate::store::{read_small_object, ByteStream, ChunkLocator, StoreError};
use crate::uploads::{UploadError, UploadResult};

pub(super) struct Ingest<'a> {
    uploads: &'a Uploads,
    upload: UploadRow,
    /// Committed pieces not yet folded into a multipart part (S3 only), in offset order.
    tail: Vec<ChunkRow>,
    limit: u64,
}

/// S3 allows parts of up to 5 GiB.
const MAX_STREAMED_PART: u64 = 5 * 1024 * 1024 * 1024;

fn offset_moved() -> UploadError {
    UploadError::conflict("another request wrote to this upload first; HEAD it and resume")
}

/// A staged upload that vanished under us was completed or terminated by a racing request.
fn staging_error(err: StoreError) -> UploadError {
    match err {
        StoreError::NotFound => offset_moved(),
        other => other.into(),
    }
}

impl<'a> Ingest<'a> {
    pub async fn new(uploads: &'a Uploads, upload: UploadRow, limit: u64) -> UploadResult<Ingest<'a>> {
        let tail =
            if uploads.store.min_part_size().is_some() { pieces_of(uploads, &upload.id).await? } else { Vec::new() };
        Ok(Ingest { uploads, upload, tail, limit })
    }

    /// Store the body. `declared_len` is the request's Content-Length, when it had one.
    /// The caller keeps the (possibly half-read) body, so it can drain what is left after
    /// an early error.
    pub async fn run(mut self, body: &mut ByteStream, declared_len: Option<u64>) -> UploadResult<()> {
        if let Some(len) = declared_len.filter(|len| self.can_stream_as_one_part(*len)) {
            // The store needs to own the stream while it sends it on.
            let owned = std::mem::replace(body, Box::pin(futures::stream::empty()));
            return self.write_streamed(owned, len).await;
        }
        self.run_buffered(body).await
    }

    /// On a store with a part floor, a body that is a whole part by itself (and has no
    /// small pieces waiting before it) goes straight through without being buffered.
    fn can_stream_as_one_part(&self, len: u64) -> bool {
        let Some(min_part) = self.uploads.store.min_part_size() else {
            return false;
        };
        !self.upload.live
            && self.tail.is_empty()
            && len >= min_part
            && len <= MAX_STREAMED_PART
            && self.upload.upload_offset as u64 + len <= self.limit
    }

    async fn write_streamed(&mut self, body: ByteStream, len: u64) -> UploadResult<()> {
        let offset = self.upload.upload_offset;
        let number = self.uploads.db.next_part_number(&self.upload.id).await?;
        let locator = self
            .uploads
            .store
            .staging_write_stream(
                &self.upload.staging_handle,
                &self.upload.staging_key,
                offset as u64,
                number,
                body,
                len,
            )
            .await
            .map_err(|err| match err {
                StoreError::NotFound => offset_moved(),
                // The store did not answer: nothing was acknowledged, and the same PATCH
                // will work once it is back (503, not the client's fault).
                unavailable @ StoreError::Unavailable(_) => UploadError::Storage(unavailable),
                other => {
                    tracing::info!(upload.id = %self.upload.id, error = %other, "streamed part not stored");
                    UploadError::malformed("the request body could not be stored; HEAD the upload and resume")
                }
            })?;
        let row = ChunkRow { chunk_offset: offset, length: len as i64, locator: to_json(&locator) };
        self.commit(vec![row], &[], &[]).await
    }

    async fn run_buffered(&mut self, body: &mut ByteStream) -> UploadResult<()> {
        let mut buffer = BytesMut::new();
        while let Some(frame) = body.next().await {
            let frame = match frame {
                Ok(frame) => frame,
                Err(err) => {
                    // The client went away: keep what did arrive, so it can resume from there.
                    if !buffer.is_empty() {
                        self.write(buffer.split().freeze()).await?;
                    }
                    tracing::info!(upload.id = %self.upload.id, error = %err, "upload body interrupted");
                    return Err(UploadError::malformed("the request body was interrupted"));
                }
            };
            let received = self.upload.upload_offset as u64 + (buffer.len() + frame.len()) as u64;
            if received > self.limit {
                return Err(UploadError::TooLarge("the body goes past the upload's length".into()));
            }
            buffer.extend_from_slice(&frame);
            while buffer.len() >= CHUNK_SIZE {
                let chunk = buffer.split_to(CHUNK_SIZE).freeze();
                self.write(chunk).await?;
            }
        }
        if !buffer.is_empty() {
            self.write(buffer.freeze()).await?;
        }
        Ok(())
    }

    async fn write(&mut self, data: Bytes) -> UploadResult<()> {
        let store = self.uploads.store.as_ref();
        let offset = self.upload.upload_offset;
        let len = data.len() as i64;
        let completes = self.upload.length == Some(offset + len);
        let Some(min_part) = store.min_part_size() else {
            let locator = store
                .staging_write(&self.upload.staging_handle, &self.upload.staging_key, offset as u64, 0, data)
                .await
                .map_err(staging_error)?;
            let row = ChunkRow { chunk_offset: offset, length: len, locator: to_json(&locator) };
            return self.commit(vec![row], &[], &[]).await;
        };
        let tail_len: i64 = self.tail.iter().map(|c| c.length).sum();
        if (tail_len + len) as u64 >= min_part || completes {
            // A live upload's bytes must stay readable while the part is invisible.
            let copy = match self.upload.live {
                true => Some(self.put_piece(offset, data.clone()).await?),
                false => None,
            };
            let tail = std::mem::take(&mut self.tail);
            let row = write_part(self.uploads, &self.upload, &tail, data, offset).await?;
            let merged: Vec<i64> = tail.iter().map(|c| c.chunk_offset).collect();
            let copies: Vec<LiveCopyRow> = copy.iter().map(|key| live_copy(offset, len, key)).collect();
            self.commit(vec![row], &merged, &copies).await?;
            if !self.upload.live {
                delete_pieces(self.uploads, &tail).await;
            }
        } else {
            let key = self.put_piece(offset, data).await?;
            let copies = match self.upload.live {
                true => vec![live_copy(offset, len, &key)],
                false => Vec::new(),
            };
            let row = ChunkRow { chunk_offset: offset, length: len, locator: to_json(&ChunkLocator::Piece { key }) };
            if let Err(err) = self.commit(vec![row.clone()], &[], &copies).await {
                delete_pieces(self.uploads, std::slice::from_ref(&row)).await;
                return Err(err);
            }
            self.tail.push(row);
        }
        Ok(())
    }

    /// Store `data` as a standalone object under the upload's pieces prefix.
    async fn put_piece(&self, offset: i64, data: Bytes) -> UploadResult<String> {
        let key = format!("{}{offset:020}-{}", piece_prefix(&self.upload.id), random_id(8));
        self.uploads.store.put_bytes(&key, data).await?;
        Ok(key)
    }

    async fn commit(&mut self, added: Vec<ChunkRow>, merged: &[i64], live_copies: &[LiveCopyRow]) -> UploadResult<()> {
        let new_offset = self.upload.upload_offset + added.iter().map(|c| c.length).sum::<i64>()
            - merged_len(&added, merged, self.upload.upload_offset);
        let done = self
            .uploads
            .commit(ChunkCommit {
                upload_id: &self.upload.id,
                expected_offset: self.upload.upload_offset,
                new_offset,
                expires_at: self.uploads.next_expiry(),
                added: &added,
                merged,
                last_part: last_part_of(&added),
                live_copies,
            })
            .await?;
        if !done {
            return Err(offset_moved());
        }
        self.upload.upload_offset = new_offset;
        Ok(())
    }
}

/// Bytes of `added` that were already counted in the offset (folded pieces).
fn merged_len(added: &[ChunkRow], merged: &[i64], offset: i64) -> i64 {
    if merged.is_empty() {
        0
    } else {
        offset - added.first().map(|c| c.chunk_offset).unwrap_or(offset)
    }
}

/// Upload `tail` pieces followed by `data` as one multipart part starting where the tail starts.
async fn write_part(
    uploads: &Uploads,
    upload: &UploadRow,
    tail: &[ChunkRow],
    data: Bytes,
    offset: i64,
) -> UploadResult<ChunkRow> {
    let start = tail.first().map(|c| c.chunk_offset).unwrap_or(offset);
    let bytes = if tail.is_empty() {
        data
    } else {
        let mut joined = BytesMut::with_capacity((offset - start) as usize + data.len());
        for piece in tail {
            let ChunkLocator::Piece { key } = parse_locator(piece)? else {
                return Err(UploadError::Internal(anyhow::anyhow!("tail chunk is not a piece")));
            };
            // NotFound here means a racing request folded these pieces first.
            let bytes = read_small_object(uploads.store.as_ref(), &key).await.map_err(staging_error)?;
            joined.extend_from_slice(&bytes);
        }
        joined.extend_from_slice(&data);
        joined.freeze()
    };
    let len = bytes.len() as i64;
    let number = uploads.db.next_part_number(&upload.id).await?;
    let locator = uploads
        .store
        .staging_write(&upload.staging_handle, &upload.staging_key, start as u64, number, bytes)
        .await
        .map_err(staging_error)?;
    Ok(ChunkRow { chunk_offset: start, length: len, locator: to_json(&locator) })
}

/// Before completing on S3: the remaining pieces become the final part (which may be
/// small), and an empty upload still needs one (empty) part.
pub(super) async fn fold_tail_into_last_part(uploads: &Uploads, upload: &UploadRow) -> UploadResult<()> {
    let chunks = uploads.db.upload_chunks(&upload.id).await?;
    let tail = pieces_of(uploads, &upload.id).await?;
    if tail.is_empty() && !chunks.is_empty() {
        return Ok(());
    }
    let row = write_part(uploads, upload, &tail, Bytes::new(), upload.upload_offset).await?;
    let merged: Vec<i64> = tail.iter().map(|c| c.chunk_offset).collect();
    let done = uploads
        .commit(ChunkCommit {
            upload_id: &upload.id,
            expected_offset: upload.upload_offset,
            new_offset: upload.upload_offset,
            expires_at: uploads.next_expiry(),
            last_part: last_part_of(std::slice::from_ref(&row)),
            added: std::slice::from_ref(&row),
            merged: &merged,
            live_copies: &[],
        })
        .await?;
    if !done {
        return Err(offset_moved());
    }
    // A live upload's pieces are its readable copies; they go once it is complete.
    if !upload.live {
        delete_pieces(uploads, &tail).await;
    }
    Ok(())
}

async fn pieces_of(uploads: &Uploads, upload_id: &str) -> UploadResult<Vec<ChunkRow>> {
    let chunks = uploads.db.upload_chunks(upload_id).await?;
    let mut pieces = Vec::new();
    for chunk in chunks {
        if matches!(parse_locator(&chunk)?, ChunkLocator::Piece { .. }) {
            pieces.push(chunk);
        }
    }
    Ok(pieces)
}

/// Best effort: a piece left behind is removed with the upload's staging prefix later.
async fn delete_pieces(uploads: &Uploads, pieces: &[ChunkRow]) {
    for piece in pieces {
        if let Ok(ChunkLocator::Piece { key }) = parse_locator(piece) {
            if let Err(err) = uploads.store.delete(&key).await {
                tracing::warn!(key, error = %err, "could not delete folded upload piece");
            }
        }
    }
}

/// The highest multipart part number among `chunks`, 0 when none is a part.
fn last_part_of(chunks: &[ChunkRow]) -> i64 {
    chunks
        .iter()
        .filter_map(|chunk| match parse_locator(chunk) {
            Ok(ChunkLocator::Part { number, .. }) => Some(number),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

fn live_copy(offset: i64, len: i64, key: &str) -> LiveCopyRow {
    LiveCopyRow { chunk_offset: offset, length: len, object_key: key.to_string() }
}

fn to_json(locator: &ChunkLocator) -> String {
    serde_json::to_string(locator).expect("locators always serialize")
}
