//! Which GOPs of the source an edit can copy: a first pass over the video packets
//! (timestamps and keyframe flags only, no decoding) and, per GOP, what the edit does
//! with it.

use std::path::Path;

use ffmpeg::Rational;
use ffmpeg_next as ffmpeg;

use super::super::error::{MediaError, ResultExt};
use super::super::probe::{next_packet, open_input};
use super::placement::{to_ms, Placement};

/// What the render does with one GOP (a keyframe and the packets up to the next one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GopAction {
    /// Nothing of it is kept.
    Drop,
    /// Every frame is kept, in one kept range: the packets are written as they are.
    Copy { range: usize },
    /// A cut runs through it: decode it and encode the frames that are kept.
    Reencode,
}

#[derive(Debug)]
pub(super) struct GopPlan {
    pub actions: Vec<GopAction>,
    /// How far decoding runs ahead of display at a keyframe (B-frame reordering), in
    /// the stream's time base: re-encoded packets get the same lead, so the track's
    /// decode times never run backwards at a join.
    pub reorder_delay: i64,
}

impl GopPlan {
    pub fn copies(&self) -> usize {
        self.actions.iter().filter(|a| matches!(a, GopAction::Copy { .. })).count()
    }
}

/// Plan the GOPs of `input`'s video stream `index`; `None` when the stream can't be cut
/// by copying (packets without timestamps, open GOPs whose frames lean on the GOP before).
pub(super) fn plan(
    input: &Path,
    index: usize,
    time_base: Rational,
    placement: &Placement,
) -> Result<Option<GopPlan>, MediaError> {
    let mut ictx = open_input(input)?;
    let mut gops: Vec<Vec<i64>> = Vec::new();
    let mut key_pts = 0;
    let mut reorder_delay = 0;
    while let Some(pkt) = next_packet(&mut ictx).invalid("the media cannot be read")? {
        if pkt.stream() != index {
            continue;
        }
        let (Some(pts), Some(dts)) = (pkt.pts(), pkt.dts()) else { return Ok(None) };
        if pkt.is_key() {
            gops.push(Vec::new());
            key_pts = pts;
            reorder_delay = reorder_delay.max(pts - dts);
        }
        let Some(gop) = gops.last_mut() else { return Ok(None) };
        if pts < key_pts {
            return Ok(None);
        }
        gop.push(pts);
    }
    let actions = gops
        .iter()
        .map(|frames| {
            let ranges: Vec<Option<usize>> =
                frames.iter().map(|&pts| placement.range_of(to_ms(pts, time_base))).collect();
            match ranges.first().copied().flatten() {
                Some(range) if ranges.iter().all(|r| *r == Some(range)) => GopAction::Copy { range },
                _ if ranges.iter().all(Option::is_none) => GopAction::Drop,
                _ => GopAction::Reencode,
            }
        })
        .collect();
    Ok(Some(GopPlan { actions, reorder_delay }))
}
