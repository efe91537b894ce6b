//! H.264 parameter sets for the smart cut: the MP4's `avcC` record, the NAL units
//! libx264 writes, and the one `avcC` that lets copied and re-encoded GOPs share a track.
//!
//! Why a merged record works: every slice names its picture parameter set by id, and
//! every PPS names its SPS. The re-encoded GOPs use ids the source does not (x264's
//! `sps-id`), so one `avcC` listing both sets decodes the whole track, and the copied
//! packets stay byte-for-byte what they were.

const NAL_SPS: u8 = 7;
const NAL_PPS: u8 = 8;
const NAL_AUD: u8 = 9;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AvcConfig {
    pub profile: u8,
    pub compatibility: u8,
    pub level: u8,
    /// Bytes of each NAL length prefix in the samples (1, 2 or 4).
    pub length_size: u8,
    pub sps: Vec<Vec<u8>>,
    pub pps: Vec<Vec<u8>>,
}

impl AvcConfig {
    /// An `avcC` record (ISO/IEC 14496-15), as MP4 extradata holds it.
    pub fn parse(data: &[u8]) -> Option<AvcConfig> {
        if data.len() < 7 || data[0] != 1 {
            return None;
        }
        let length_size = (data[4] & 0x03) + 1;
        let mut at = 5;
        let read_sets = |count: usize, at: &mut usize| -> Option<Vec<Vec<u8>>> {
            let mut sets = Vec::with_capacity(count);
            for _ in 0..count {
                let len = usize::from(u16::from_be_bytes([*data.get(*at)?, *data.get(*at + 1)?]));
                sets.push(data.get(*at + 2..*at + 2 + len)?.to_vec());
                *at += 2 + len;
            }
            Some(sets)
        };
        let sps_count = usize::from(data[at] & 0x1f);
        at += 1;
        let sps = read_sets(sps_count, &mut at)?;
        let pps_count = usize::from(*data.get(at)?);
        at += 1;
        let pps = read_sets(pps_count, &mut at)?;
        (length_size != 3 && !sps.is_empty() && !pps.is_empty()).then_some(AvcConfig {
            profile: data[1],
            compatibility: data[2],
            level: data[3],
            length_size,
            sps,
            pps,
        })
    }

    /// Parameter sets as an encoder's extradata gives them: an `avcC` record or
    /// Annex B NAL units (what libx264 writes).
    pub fn from_extradata(data: &[u8]) -> Option<AvcConfig> {
        if data.first() == Some(&1) {
            return AvcConfig::parse(data);
        }
        let nals = split_annex_b(data);
        let sps: Vec<Vec<u8>> = nals.iter().filter(|n| nal_type(n) == NAL_SPS).map(|n| n.to_vec()).collect();
        let pps: Vec<Vec<u8>> = nals.iter().filter(|n| nal_type(n) == NAL_PPS).map(|n| n.to_vec()).collect();
        let first = sps.first().filter(|s| s.len() >= 4)?;
        let (profile, compatibility, level) = (first[1], first[2], first[3]);
        (!pps.is_empty()).then_some(AvcConfig { profile, compatibility, level, length_size: 4, sps, pps })
    }

    /// The record again, as bytes for the output stream's extradata.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![1, self.profile, self.compatibility, self.level, 0xfc | (self.length_size - 1)];
        out.push(0xe0 | self.sps.len() as u8);
        for set in &self.sps {
            out.extend_from_slice(&(set.len() as u16).to_be_bytes());
            out.extend_from_slice(set);
        }
        out.push(self.pps.len() as u8);
        for set in &self.pps {
            out.extend_from_slice(&(set.len() as u16).to_be_bytes());
            out.extend_from_slice(set);
        }
        out
    }

    /// Both records' parameter sets, this one's first (its profile and level head the
    /// record); `None` when an id would be listed twice.
    pub fn merged(&self, other: &AvcConfig) -> Option<AvcConfig> {
        let taken = self.ids();
        if other.ids().iter().any(|id| taken.contains(id)) {
            return None;
        }
        let mut merged = self.clone();
        merged.sps.extend(other.sps.iter().cloned());
        merged.pps.extend(other.pps.iter().cloned());
        (merged.sps.len() < 32 && merged.pps.len() < 256).then_some(merged)
    }

    /// The SPS and PPS ids in use (x264 gives both the same number, so one list).
    pub fn ids(&self) -> Vec<u32> {
        let sps = self.sps.iter().filter_map(|s| first_ue(s.get(4..)?));
        let pps = self.pps.iter().filter_map(|p| first_ue(p.get(1..)?));
        sps.chain(pps).collect()
    }
}

fn nal_type(nal: &[u8]) -> u8 {
    nal.first().map_or(0, |b| b & 0x1f)
}

/// The NAL units of an Annex B stream, without their start codes.
fn split_annex_b(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut nals = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(data.len(), |next| next - 3);
        // A four-byte start code leaves its leading zero on the previous unit.
        while end > start && data[end - 1] == 0 && k + 1 < starts.len() {
            end -= 1;
        }
        if end > start {
            nals.push(&data[start..end]);
        }
    }
    nals
}

/// An encoder packet as MP4 samples carry it: each NAL unit behind a big-endian length
/// of `length_size` bytes. Parameter sets and access unit delimiters are dropped (the
/// merged `avcC` holds the sets). `None` if a unit does not fit the length size.
pub(super) fn to_length_prefixed(packet: &[u8], length_size: u8) -> Option<Vec<u8>> {
    let annex_b = packet.starts_with(&[0, 0, 1]) || packet.starts_with(&[0, 0, 0, 1]);
    let nals: Vec<&[u8]> = if annex_b { split_annex_b(packet) } else { split_length_prefixed(packet, 4)? };
    let max = if length_size >= 4 { u32::MAX as usize } else { (1usize << (8 * u32::from(length_size))) - 1 };
    let mut out = Vec::with_capacity(packet.len() + 16);
    for nal in nals.into_iter().filter(|n| !matches!(nal_type(n), NAL_SPS | NAL_PPS | NAL_AUD)) {
        if nal.len() > max {
            return None;
        }
        let len = (nal.len() as u32).to_be_bytes();
        out.extend_from_slice(&len[4 - usize::from(length_size)..]);
        out.extend_from_slice(nal);
    }
    Some(out)
}

fn split_length_prefixed(data: &[u8], length_size: usize) -> Option<Vec<&[u8]>> {
    let mut nals = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let len = data.get(at..at + length_size)?.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b));
        nals.push(data.get(at + length_size..at + length_size + len)?);
        at += length_size + len;
    }
    Some(nals)
}

/// The first unsigned Exp-Golomb number of a NAL unit's payload (emulation
/// prevention bytes removed): the SPS id after profile and level, the PPS id.
fn first_ue(payload: &[u8]) -> Option<u32> {
    let mut rbsp = Vec::with_capacity(payload.len().min(16));
    let mut zeros = 0;
    for &b in payload.iter().take(16) {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        rbsp.push(b);
    }
    let bit = |i: usize| rbsp.get(i / 8).map(|byte| (byte >> (7 - i % 8)) & 1);
    let mut leading = 0;
    while bit(leading)? == 0 {
        leading += 1;
        if leading > 31 {
            return None;
        }
    }
    let mut value: u32 = 1;
    for i in 0..leading {
        value = (value << 1) | u32::from(bit(leading + 1 + i)?);
    }
    Some(value - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A 640x360 High-profile SPS with id 0 and its PPS (id 0), as libx264 writes them.
    const SPS0: &[u8] = &[0x67, 0x64, 0x00, 0x1e, 0xac, 0xd9, 0x40, 0xa0, 0x2f, 0xf9, 0x70, 0x11];
    const PPS0: &[u8] = &[0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0];

    #[test]
    fn reads_ids_and_round_trips_the_record() {
        let config = AvcConfig {
            profile: 0x64,
            compatibility: 0,
            level: 0x1e,
            length_size: 4,
            sps: vec![SPS0.to_vec()],
            pps: vec![PPS0.to_vec()],
        };
        assert_eq!(config.ids(), vec![0, 0]);
        assert_eq!(AvcConfig::parse(&config.to_bytes()), Some(config.clone()));
        // Id 1 is ue "010": SPS payload byte after the level starts 0b010..., PPS 0b010 0b1 (sps 0)...
        let mut sps1 = SPS0.to_vec();
        sps1[4] = 0b0100_0000 | (SPS0[4] >> 3);
        let other = AvcConfig { sps: vec![sps1], pps: vec![vec![0x68, 0b0100_0000]], ..config.clone() };
        assert_eq!(other.ids(), vec![1, 1]);
        let merged = config.merged(&other).unwrap();
        assert_eq!((merged.sps.len(), merged.pps.len()), (2, 2));
        assert!(config.merged(&config).is_none(), "the same ids twice");
    }

    #[test]
    fn annex_b_becomes_length_prefixed_without_parameter_sets() {
        let mut packet = vec![0, 0, 0, 1];
        packet.extend_from_slice(SPS0);
        packet.extend_from_slice(&[0, 0, 1]);
        packet.extend_from_slice(PPS0);
        packet.extend_from_slice(&[0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00]);
        assert_eq!(to_length_prefixed(&packet, 4).unwrap(), vec![0, 0, 0, 4, 0x65, 0x88, 0x84, 0x00]);
        assert_eq!(to_length_prefixed(&packet, 2).unwrap(), vec![0, 4, 0x65, 0x88, 0x84, 0x00]);
        let from_x264 = AvcConfig::from_extradata(&packet).unwrap();
        assert_eq!((from_x264.sps, from_x264.pps), (vec![SPS0.to_vec()], vec![PPS0.to_vec()]));
    }
}
