//! Pseudonyms: each secret becomes a stable placeholder, an HMAC-SHA256 of the value under a key chosen per
//! export and never stored. The same value gets the same placeholder everywhere in the files redacted with
//! one key (so "the same token" and "another token" stay visible), and nobody without the key can test a
//! guess against a placeholder.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What a placeholder stands for: it separates the hash domains, so a value seen as a token and as a host
/// gets unrelated placeholders.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Secret,
    User,
    Host,
    Ip,
}

#[derive(Clone)]
pub(crate) struct Pseudonyms {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key must never reach a log or a bug report.
        f.write_str("Pseudonyms { key: <hidden> }")
    }
}

impl Pseudonyms {
    pub(crate) fn new(key: &[u8]) -> Self {
        // HMAC's own key preparation (RFC 2104): a key longer than the block is hashed, a shorter one padded.
        // Doing it here gives the fixed-size key that `Mac::new` takes, with no error path.
        let mut block = [0u8; 64];
        if key.len() > block.len() {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        Pseudonyms { mac: <Hmac<Sha256> as Mac>::new(&block.into()) }
    }

    fn digest(&self, kind: Kind, value: &str) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(&[kind as u8]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn hex(&self, kind: Kind, value: &str, bytes: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = self.digest(kind, value);
        let mut out = String::with_capacity(bytes * 2);
        for b in &digest[..bytes] {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
        out
    }

    /// `redacted-` and 12 hex digits: letters `a-f` only, so no placeholder ends like an xsrf `lin`/`lout` or
    /// holds a `.` that could pass for a jvmRoute.
    pub(crate) fn secret(&self, value: &str) -> String {
        format!("redacted-{}", self.hex(Kind::Secret, value, 6))
    }

    pub(crate) fn user(&self, value: &str) -> String {
        format!("user-{}", self.hex(Kind::User, value, 5))
    }

    /// One DNS label.
    pub(crate) fn label(&self, label: &str) -> String {
        format!("h{}", self.hex(Kind::Host, &label.to_ascii_lowercase(), 4))
    }

    /// An address of the same family: IPv4 in 10.0.0.0/8, IPv6 in fd00::/8 (so IPv4 <-> IPv6 alternation stays
    /// visible).
    pub(crate) fn ip(&self, ip: IpAddr) -> IpAddr {
        let d = self.digest(Kind::Ip, &ip.to_string());
        match ip {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::new(10, d[0], d[1], d[2])),
            IpAddr::V6(_) => {
                let mut octets = [0u8; 16];
                octets[0] = 0xfd;
                octets[1..16].copy_from_slice(&d[..15]);
                IpAddr::V6(Ipv6Addr::from(octets))
            }
        }
    }
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (JWT segments).
pub(crate) fn b64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Base64url (or standard base64) with or without padding; `None` for anything else.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_key_and_distinct_across_keys() {
        let a = Pseudonyms::new(b"key one");
        let b = Pseudonyms::new(b"key two");
        assert_eq!(a.secret("tok"), a.secret("tok"));
        assert_ne!(a.secret("tok"), a.secret("tok2"));
        assert_ne!(a.secret("tok"), b.secret("tok"));
        assert_eq!(a.secret("tok").len(), "redacted-".len() + 12);
        let long = Pseudonyms::new(&[7u8; 100]);
        assert_ne!(long.secret("x"), a.secret("x"));
        assert!(a.ip("192.0.2.1".parse().unwrap()).is_ipv4());
        assert!(a.ip("2001:db8::1".parse().unwrap()).is_ipv6());
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // Test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = Pseudonyms::new(b"Jefe").mac;
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn base64url_round_trip() {
        for text in ["", "a", "ab", "abc", "{\"alg\":\"HS256\"}"] {
            let enc = b64url_encode(text.as_bytes());
            assert!(!enc.contains('='));
            assert_eq!(b64url_decode(&enc).unwrap(), text.as_bytes());
        }
        assert_eq!(b64url_encode(b"{\"alg\""), "eyJhbGci");
    }
}
