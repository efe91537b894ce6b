//! WebVTT "thumbnails" track for a storyboard (the format video players such as
//! Video.js / Plyr / Vidstack use for scrubbing previews).
//!
//! Policy: one cue per tile, cue text `URL#xywh=x,y,w,h` (media-fragment syntax).
//! URLs come from the caller so this module never guesses the HTTP layout.

use std::fmt::Write;

use super::storyboard::Storyboard;

/// Render the thumbnails track; `sprite_url(i)` gives the URL of `sprites[i]`.
pub fn storyboard_vtt(storyboard: &Storyboard, sprite_url: impl Fn(usize) -> String) -> String {
    let mut out = String::from("WEBVTT\n");
    for tile in &storyboard.tiles {
        let end = tile.end_ms.max(tile.start_ms + 1); // zero-length cues are invalid
                                                      // Writing to a String cannot fail.
        let _ = write!(
            out,
            "\n{} --> {}\n{}#xywh={},{},{},{}\n",
            timestamp(tile.start_ms),
            timestamp(end),
            sprite_url(tile.sprite_index),
            tile.x,
            tile.y,
            tile.w,
            tile.h
        );
    }
    out
}

/// `HH:MM:SS.mmm` (hours always present so every cue has the same shape).
fn timestamp(ms: i64) -> String {
    let ms = ms.max(0);
    format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::super::storyboard::Tile;
    use super::*;

    #[test]
    fn renders_cues() {
        let tile = |i: usize, start_ms, end_ms| Tile { sprite_index: i, x: 160, y: 0, w: 160, h: 90, start_ms, end_ms };
        let board = Storyboard { sprites: vec![], tiles: vec![tile(0, 5_000, 10_000), tile(1, 3_723_004, 3_723_004)] };
        let vtt = storyboard_vtt(&board, |i| format!("sprite-{i}.jpg"));
        assert_eq!(
            vtt,
            "WEBVTT\n\n00:00:05.000 --> 00:00:10.000\nsprite-0.jpg#xywh=160,0,160,90\n\n\
             01:02:03.004 --> 01:02:03.005\nsprite-1.jpg#xywh=160,0,160,90\n"
        );
    }
}
