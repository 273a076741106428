//! SHA-256 for the outside world: the `X-Rolecall-Signature` of a webhook
//! body (HMAC-SHA256 with the receiver's secret) and the stable ids of
//! notification events. The only module that names `hmac` and `sha2`.

use std::fmt::Write as _;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};

/// The value of the `X-Rolecall-Signature` header for `body`:
/// `sha256=` and the lowercase hex HMAC-SHA256 keyed with `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

/// The first 16 hex digits of the SHA-256 of `parts`, each ended by a NUL
/// byte so that `["ab", "c"]` and `["a", "bc"]` differ.
pub fn short_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let mut text = hex(&hasher.finalize());
    text.truncate(16);
    text
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn ids_are_stable_and_keep_parts_apart() {
        assert_eq!(short_id(&["a", "b"]), short_id(&["a", "b"]));
        assert_eq!(short_id(&["a", "b"]).len(), 16);
        assert_ne!(short_id(&["ab", "c"]), short_id(&["a", "bc"]));
        // `printf 'abc\0' | sha256sum` starts with these digits.
        assert_eq!(short_id(&["abc"]), "dc1114cd074914bd");
    }
}
