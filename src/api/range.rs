//! Parsing a single-range `Range: bytes=...` header (RFC 9110 §14.1.2).
//!
//! Multi-range and malformed headers are ignored (the whole object is served), which the
//! RFC allows; a well-formed range that lies beyond the object is a 416.

use crate::store::ByteRange;

#[derive(Debug, PartialEq, Eq)]
pub enum RangeRequest {
    Whole,
    Part(ByteRange),
    Unsatisfiable,
}

pub fn parse_range(header: Option<&str>, size: u64) -> RangeRequest {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Whole;
    };
    if spec.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        // Suffix range: the last N bytes.
        let Ok(suffix) = last.parse::<u64>() else {
            return RangeRequest::Whole;
        };
        if suffix == 0 || size == 0 {
            return RangeRequest::Unsatisfiable;
        }
        ByteRange { start: size.saturating_sub(suffix), end: size - 1 }
    } else {
        let Ok(start) = first.parse::<u64>() else {
            return RangeRequest::Whole;
        };
        let end = if last.is_empty() {
            size.saturating_sub(1)
        } else {
            match last.parse::<u64>() {
                Ok(end) if end >= start => end.min(size.saturating_sub(1)),
                _ => return RangeRequest::Whole,
            }
        };
        if start >= size {
            return RangeRequest::Unsatisfiable;
        }
        ByteRange { start, end }
    };
    RangeRequest::Part(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(start: u64, end: u64) -> RangeRequest {
        RangeRequest::Part(ByteRange { start, end })
    }

    #[test]
    fn parses_the_usual_forms() {
        assert_eq!(parse_range(Some("bytes=0-99"), 1000), part(0, 99));
        assert_eq!(parse_range(Some("bytes=900-"), 1000), part(900, 999));
        assert_eq!(parse_range(Some("bytes=-100"), 1000), part(900, 999));
        assert_eq!(parse_range(Some("bytes=990-2000"), 1000), part(990, 999));
        assert_eq!(parse_range(Some("bytes=-5000"), 1000), part(0, 999));
    }

    #[test]
    fn out_of_bounds_is_unsatisfiable_and_junk_is_ignored() {
        assert_eq!(parse_range(Some("bytes=1000-"), 1000), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 1000), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-0"), 0), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 1000), RangeRequest::Whole);
        assert_eq!(parse_range(Some("items=0-5"), 1000), RangeRequest::Whole);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 1000), RangeRequest::Whole);
        assert_eq!(parse_range(None, 1000), RangeRequest::Whole);
    }
}
