//! Opaque keyset cursors: the sort key of the last row of a page (some numbers, then the
//! row's id) joined by dots, URL-safe base64 so clients treat it as a token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub fn encode_cursor(numbers: &[i64], id: &str) -> String {
    let mut text = String::new();
    for number in numbers {
        text.push_str(&number.to_string());
        text.push('.');
    }
    text.push_str(id);
    URL_SAFE_NO_PAD.encode(text)
}

/// The `N` numbers and the id of a cursor made by [`encode_cursor`], or None for anything else.
pub fn decode_cursor<const N: usize>(raw: &str) -> Option<([i64; N], String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
    let mut parts = text.splitn(N + 1, '.');
    let mut numbers = [0i64; N];
    for number in &mut numbers {
        *number = parts.next()?.parse().ok()?;
    }
    Some((numbers, parts.next()?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let cursor = encode_cursor(&[-5, 1_700_000_000_000], "abcDEF123");
        assert_eq!(decode_cursor::<2>(&cursor), Some(([-5, 1_700_000_000_000], "abcDEF123".to_string())));
        assert_eq!(decode_cursor::<1>(&encode_cursor(&[7], "x")), Some(([7], "x".to_string())));
        assert_eq!(decode_cursor::<2>(&encode_cursor(&[7], "x")), None, "too few numbers");
        assert_eq!(decode_cursor::<1>("%%%"), None);
        assert_eq!(decode_cursor::<1>(&URL_SAFE_NO_PAD.encode("seven.x")), None);
        assert_eq!(decode_cursor::<1>(&URL_SAFE_NO_PAD.encode("7")), None, "no id");
    }
}
