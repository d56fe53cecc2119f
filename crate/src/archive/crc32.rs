//! CRC-32 (IEEE 802.3, the checksum of zip and gzip), streaming: the page checks a zip member it inflated and
//! both shells write the checksum of the members of a redacted zip. One 1 KiB table, built at compile time:
//! small in the `.wasm`, and fast enough next to inflating (the native gzip path checks with flate2's own).

const fn table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static TABLE: [u32; 256] = table();

/// A running CRC-32: [`Crc32::update`] with the bytes in order, in chunks of any size, then [`Crc32::value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crc32 {
    state: u32,
}

impl Default for Crc32 {
    fn default() -> Self {
        Self::new()
    }
}

impl Crc32 {
    pub fn new() -> Self {
        Crc32 { state: 0xFFFF_FFFF }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        let mut c = self.state;
        for &b in bytes {
            c = TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
        }
        self.state = c;
    }

    /// The checksum of the bytes so far.
    pub fn value(&self) -> u32 {
        self.state ^ 0xFFFF_FFFF
    }
}

/// The CRC-32 of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(bytes);
    crc.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_any_chunking() {
        assert_eq!(crc32(b""), 0);
        // The check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
        let text = b"The quick brown fox jumps over the lazy dog";
        for cut in 0..text.len() {
            let mut crc = Crc32::new();
            crc.update(&text[..cut]);
            crc.update(&text[cut..]);
            assert_eq!(crc.value(), 0x414F_A339);
        }
    }
}
