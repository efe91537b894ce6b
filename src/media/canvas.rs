//! Rectangle copies on 4:2:0 frames, for assembling sprite sheets.
//!
//! Policy: all coordinates and sizes are even (chroma is subsampled 2x2), frames
//! are 8-bit planar 4:2:0 (`yuvj420p`), and out-of-range rows are skipped rather
//! than panicking — a wrong rectangle costs a thumbnail, not the upload.

use ffmpeg::format::Pixel;
use ffmpeg::frame::Video;
use ffmpeg_next as ffmpeg;

/// A black full-range 4:2:0 canvas.
pub(super) fn black_canvas(w: u32, h: u32) -> Video {
    let mut f = Video::new(Pixel::YUVJ420P, w, h);
    f.data_mut(0).fill(0);
    f.data_mut(1).fill(128);
    f.data_mut(2).fill(128);
    f
}

/// Copy a `w` x `h` rectangle from `src` at `(sx, sy)` to `dst` at `(dx, dy)`.
/// Does nothing if either rectangle is out of bounds.
pub(super) fn blit(src: &Video, (sx, sy): (u32, u32), dst: &mut Video, (dx, dy): (u32, u32), (w, h): (u32, u32)) {
    if !fits(src, sx, sy, w, h) || !fits(dst, dx, dy, w, h) {
        return;
    }
    for plane in 0..3 {
        let shift = u32::from(plane > 0);
        let (sx, sy, dx, dy) = (sx >> shift, sy >> shift, dx >> shift, dy >> shift);
        let (w, h) = ((w >> shift) as usize, h >> shift);
        let (ss, ds) = (src.stride(plane), dst.stride(plane));
        let src_data = src.data(plane);
        let dst_data = dst.data_mut(plane);
        for row in 0..h {
            let s = (sy + row) as usize * ss + sx as usize;
            let d = (dy + row) as usize * ds + dx as usize;
            if s + w <= src_data.len() && d + w <= dst_data.len() {
                dst_data[d..d + w].copy_from_slice(&src_data[s..s + w]);
            }
        }
    }
}

/// Move a `w` x `h` rectangle within one frame (tile positions never overlap).
/// Does nothing if either rectangle is out of bounds.
pub(super) fn move_block(frame: &mut Video, (sx, sy): (u32, u32), (dx, dy): (u32, u32), (w, h): (u32, u32)) {
    if !fits(frame, sx, sy, w, h) || !fits(frame, dx, dy, w, h) {
        return;
    }
    for plane in 0..3 {
        let shift = u32::from(plane > 0);
        let (sx, sy, dx, dy) = (sx >> shift, sy >> shift, dx >> shift, dy >> shift);
        let (w, h) = ((w >> shift) as usize, h >> shift);
        let stride = frame.stride(plane);
        let data = frame.data_mut(plane);
        for row in 0..h {
            let s = (sy + row) as usize * stride + sx as usize;
            let d = (dy + row) as usize * stride + dx as usize;
            if s + w <= data.len() && d + w <= data.len() {
                data.copy_within(s..s + w, d);
            }
        }
    }
}

/// Paint a `w` x `h` rectangle black. Does nothing if it is out of bounds.
pub(super) fn clear_block(frame: &mut Video, (x, y): (u32, u32), (w, h): (u32, u32)) {
    if !fits(frame, x, y, w, h) {
        return;
    }
    for (plane, value) in [(0usize, 0u8), (1, 128), (2, 128)] {
        let shift = u32::from(plane > 0);
        let (x, y, w, h) = (x >> shift, y >> shift, (w >> shift) as usize, h >> shift);
        let stride = frame.stride(plane);
        let data = frame.data_mut(plane);
        for row in 0..h {
            let start = (y + row) as usize * stride + x as usize;
            if let Some(span) = data.get_mut(start..start + w) {
                span.fill(value);
            }
        }
    }
}

fn fits(f: &Video, x: u32, y: u32, w: u32, h: u32) -> bool {
    f.format() == Pixel::YUVJ420P
        && u64::from(x) + u64::from(w) <= u64::from(f.width())
        && u64::from(y) + u64::from(h) <= u64::from(f.height())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blit_and_move_copy_all_planes() {
        let mut src = Video::new(Pixel::YUVJ420P, 4, 4);
        src.data_mut(0).fill(200);
        src.data_mut(1).fill(10);
        src.data_mut(2).fill(20);
        let mut dst = black_canvas(8, 4);
        blit(&src, (0, 0), &mut dst, (4, 0), (4, 4));
        assert_eq!((dst.data(0)[0], dst.data(0)[4], dst.data(1)[2], dst.data(2)[2]), (0, 200, 10, 20));
        move_block(&mut dst, (4, 0), (0, 0), (4, 4));
        assert_eq!((dst.data(0)[0], dst.data(1)[0]), (200, 10));
        clear_block(&mut dst, (4, 0), (4, 4));
        assert_eq!((dst.data(0)[0], dst.data(0)[4], dst.data(1)[2]), (200, 0, 128));
        // Out-of-range rectangles are ignored, not a panic or a wrapped row.
        let mut fresh = black_canvas(8, 4);
        blit(&src, (0, 0), &mut fresh, (6, 2), (4, 4));
        assert!(fresh.data(0).iter().all(|&y| y == 0));
    }
}
