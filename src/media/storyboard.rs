//! Storyboard: timeline thumbnails packed into JPEG sprite sheets.
//!
//! Policy:
//! * One tile per `interval` of media time, taken from the first frame at or after
//!   the slot start. Slots with no frame (screen recordings pause when nothing
//!   changes) are not filled with duplicates; the previous tile's cue just runs on.
//! * Tiles are `tile_width` wide, height from the aspect ratio (even), laid out
//!   row-major, `columns` per row, at least 100 tiles per sheet.
//! * Only the sheet being filled is in memory; full sheets are written immediately.
//! * Automatic interval (`storyboard_interval_ms == 0`): start from a "nice"
//!   interval giving <= 100 tiles for the header's duration (1 s when unknown); if
//!   the video runs longer than that, drop every other tile and double the interval
//!   (in place in the one sheet), so the result is always <= 100 tiles on one sheet.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::frame::Video;
use ffmpeg::software::scaling::Flags;
use ffmpeg_next as ffmpeg;
use serde::Serialize;

use super::canvas::{black_canvas, blit, clear_block, move_block};
use super::error::{MediaError, ResultExt};
use super::jpeg::write_jpeg;
use super::scale::{height_for_width, Rescaler};

/// Tiles per sheet we aim for (and the auto-mode cap).
const TARGET_TILES: usize = 100;
/// Fixed-interval safety cap (pathological timestamps), ~100 sheets.
const MAX_TILES: usize = 10_000;
const NICE_INTERVALS_MS: [i64; 8] = [1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 60_000];

/// Sprite sheets plus where each tile sits and which media time it covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Storyboard {
    pub sprites: Vec<PathBuf>,
    pub tiles: Vec<Tile>,
}

/// One thumbnail: pixel rectangle within `sprites[sprite_index]`, and its time range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tile {
    pub sprite_index: usize,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub start_ms: i64,
    pub end_ms: i64,
}

pub(super) struct StoryboardBuilder {
    out_dir: PathBuf,
    interval_ms: i64,
    adaptive: bool,
    tile_w: u32,
    tile_h: u32,
    columns: u32,
    rows: u32,
    scaler: Option<Rescaler>,
    sheet: Option<Video>,
    /// Slot start (ms) of each tile on the current sheet, in layout order.
    sheet_starts: Vec<i64>,
    done: Storyboard,
    next_slot_ms: i64,
}

impl StoryboardBuilder {
    pub(super) fn new(
        out_dir: &Path,
        interval_ms: u64,
        tile_width: u32,
        columns: u32,
        expected_ms: Option<i64>,
    ) -> Self {
        let columns = columns.clamp(1, 20);
        let adaptive = interval_ms == 0;
        let interval_ms =
            if adaptive { auto_interval(expected_ms) } else { i64::try_from(interval_ms).unwrap_or(i64::MAX).max(100) };
        StoryboardBuilder {
            out_dir: out_dir.to_path_buf(),
            interval_ms,
            adaptive,
            tile_w: (tile_width.clamp(32, 640) / 2) * 2,
            tile_h: 0,
            columns,
            rows: TARGET_TILES.div_ceil(columns as usize) as u32,
            scaler: None,
            sheet: None,
            sheet_starts: Vec::new(),
            done: Storyboard::default(),
            next_slot_ms: 0,
        }
    }

    fn per_sheet(&self) -> usize {
        (self.columns * self.rows) as usize
    }

    /// Consider an upright decoded frame presented at `t_ms`.
    pub(super) fn offer(&mut self, frame: &Video, t_ms: i64) -> Result<(), MediaError> {
        let t_ms = t_ms.max(0);
        if t_ms < self.next_slot_ms || self.done.tiles.len() + self.sheet_starts.len() >= MAX_TILES {
            return Ok(());
        }
        if self.sheet_starts.len() == self.per_sheet() {
            if self.adaptive {
                self.decimate();
                if t_ms < self.next_slot_ms {
                    return Ok(());
                }
            } else {
                self.flush_sheet()?;
            }
        }
        if self.scaler.is_none() {
            // Tile height from the first frame's shape, bounded against silly aspects.
            self.tile_h = height_for_width(frame.width(), frame.height(), self.tile_w).min(self.tile_w * 4);
            self.scaler = Some(Rescaler::new(Pixel::YUVJ420P, self.tile_w, self.tile_h, Flags::AREA));
        }
        let (tw, th) = (self.tile_w, self.tile_h);
        let tile = match self.scaler.as_mut() {
            Some(s) => s.run(frame).internal("scaling storyboard tile")?,
            None => return Ok(()),
        };
        let (cols, rows) = (self.columns, self.rows);
        let sheet = self.sheet.get_or_insert_with(|| black_canvas(cols * tw, rows * th));
        let idx = self.sheet_starts.len() as u32;
        blit(&tile, (0, 0), sheet, ((idx % cols) * tw, (idx / cols) * th), (tw, th));
        let slot = t_ms - t_ms % self.interval_ms;
        self.sheet_starts.push(slot);
        self.next_slot_ms = slot + self.interval_ms;
        Ok(())
    }

    /// Auto mode only: keep every other slot at twice the interval, compacting the
    /// surviving tiles to the front of the sheet.
    fn decimate(&mut self) {
        let interval = self.interval_ms.saturating_mul(2);
        let (tw, th, cols) = (self.tile_w, self.tile_h, self.columns);
        let mut kept: Vec<i64> = Vec::with_capacity(self.sheet_starts.len() / 2 + 1);
        let mut next_allowed = 0;
        for (old_idx, &start) in self.sheet_starts.iter().enumerate() {
            let slot = start - start % interval;
            if slot < next_allowed {
                continue;
            }
            let new_idx = kept.len() as u32;
            if let Some(sheet) = self.sheet.as_mut() {
                let old_idx = old_idx as u32;
                if new_idx != old_idx {
                    move_block(
                        sheet,
                        ((old_idx % cols) * tw, (old_idx / cols) * th),
                        ((new_idx % cols) * tw, (new_idx / cols) * th),
                        (tw, th),
                    );
                }
            }
            kept.push(slot);
            next_allowed = slot + interval;
        }
        // Blank the vacated slots so a later crop never shows stale tiles.
        if let Some(sheet) = self.sheet.as_mut() {
            for idx in kept.len() as u32..self.sheet_starts.len() as u32 {
                clear_block(sheet, ((idx % cols) * tw, (idx / cols) * th), (tw, th));
            }
        }
        tracing::debug!(from = self.interval_ms, to = interval, tiles = kept.len(), "storyboard interval doubled");
        self.interval_ms = interval;
        self.next_slot_ms = next_allowed;
        self.sheet_starts = kept;
    }

    /// Write the current sheet (cropped to the tiles it holds) and record its tiles.
    fn flush_sheet(&mut self) -> Result<(), MediaError> {
        let Some(sheet) = self.sheet.take() else { return Ok(()) };
        let count = self.sheet_starts.len() as u32;
        if count == 0 {
            return Ok(());
        }
        let (tw, th, cols) = (self.tile_w, self.tile_h, self.columns);
        let (w, h) = (count.min(cols) * tw, count.div_ceil(cols) * th);
        let image = if (w, h) == (sheet.width(), sheet.height()) {
            sheet
        } else {
            let mut cropped = black_canvas(w, h);
            blit(&sheet, (0, 0), &mut cropped, (0, 0), (w, h));
            cropped
        };
        let sprite_index = self.done.sprites.len();
        let path = self.out_dir.join(format!("storyboard-{sprite_index}.jpg"));
        write_jpeg(&image, &path)?;
        for (i, start) in self.sheet_starts.drain(..).enumerate() {
            let i = i as u32;
            self.done.tiles.push(Tile {
                sprite_index,
                x: (i % cols) * tw,
                y: (i / cols) * th,
                w: tw,
                h: th,
                start_ms: start,
                end_ms: start, // fixed up in finish()
            });
        }
        self.done.sprites.push(path);
        Ok(())
    }

    /// Flush the last sheet and close every tile's time range (each runs until the
    /// next tile starts; the last until `duration_ms`).
    pub(super) fn finish(mut self, duration_ms: i64) -> Result<Option<Storyboard>, MediaError> {
        self.flush_sheet()?;
        let interval = self.interval_ms;
        let mut board = self.done;
        if board.tiles.is_empty() {
            return Ok(None);
        }
        let starts: Vec<i64> = board.tiles.iter().map(|t| t.start_ms).skip(1).collect();
        for (tile, next) in board.tiles.iter_mut().zip(starts.iter().map(Some).chain([None])) {
            tile.end_ms = match next {
                Some(&n) => n,
                None if duration_ms > tile.start_ms => duration_ms,
                None => tile.start_ms + interval,
            };
        }
        Ok(Some(board))
    }
}

fn auto_interval(expected_ms: Option<i64>) -> i64 {
    let Some(d) = expected_ms.filter(|d| *d > 0) else { return NICE_INTERVALS_MS[0] };
    let target = TARGET_TILES as i64;
    NICE_INTERVALS_MS
        .iter()
        .copied()
        .find(|i| ceil_div(d, *i) <= target)
        .unwrap_or_else(|| ceil_div(ceil_div(d, target), 60_000) * 60_000)
}

/// Ceiling division for positive i64 (`i64::div_ceil` is not stable).
fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_interval_targets_100_tiles() {
        assert_eq!(auto_interval(None), 1_000);
        assert_eq!(auto_interval(Some(10_000)), 1_000);
        assert_eq!(auto_interval(Some(300_000)), 5_000);
        assert_eq!(auto_interval(Some(3_600_000)), 60_000);
        assert_eq!(auto_interval(Some(36_000_000)), 360_000);
    }

    fn solid(y: u8) -> Video {
        let mut f = Video::new(Pixel::YUV420P, 64, 36);
        f.data_mut(0).fill(y);
        f.data_mut(1).fill(128);
        f.data_mut(2).fill(128);
        f
    }

    #[test]
    fn adaptive_mode_decimates_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = StoryboardBuilder::new(dir.path(), 0, 32, 10, None);
        // 250 s of frames, 4 per second, unknown duration: 1 s slots overflow twice.
        for i in 0..1000i64 {
            b.offer(&solid((i % 200) as u8 + 20), i * 250).unwrap();
        }
        let board = b.finish(250_000).unwrap().unwrap();
        assert_eq!(board.sprites.len(), 1);
        assert!(board.tiles.len() <= 100 && board.tiles.len() >= 50, "{}", board.tiles.len());
        assert_eq!(board.tiles[0].start_ms, 0);
        for pair in board.tiles.windows(2) {
            assert_eq!(pair[0].end_ms, pair[1].start_ms);
            assert_eq!(pair[1].start_ms - pair[0].start_ms, 4_000);
        }
        assert_eq!(board.tiles.last().unwrap().end_ms, 250_000);
    }

    #[test]
    fn fixed_mode_spills_onto_more_sheets() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = StoryboardBuilder::new(dir.path(), 1_000, 32, 10, None);
        for i in 0..150i64 {
            b.offer(&solid(100), i * 1_000).unwrap();
        }
        let board = b.finish(150_000).unwrap().unwrap();
        assert_eq!(board.sprites.len(), 2);
        assert_eq!(board.tiles.len(), 150);
        assert_eq!(board.tiles[100].sprite_index, 1);
        assert_eq!((board.tiles[100].x, board.tiles[100].y), (0, 0));
        assert_eq!((board.tiles[0].w, board.tiles[0].h), (32, 18));
        assert!(board.sprites.iter().all(|p| p.exists()));
    }
}
