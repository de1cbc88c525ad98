//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, what every
//! authenticator app speaks), recovery codes, and the enrolment QR code. Plain functions.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

pub const STEP_SECS: i64 = 30;
pub const RECOVERY_CODES: usize = 10;

/// A new secret: 160 random bits, base32 as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

/// The 6-digit code of `secret` (base32) for time step `step`.
pub fn code_at(secret: &str, step: i64) -> Option<String> {
    let key = BASE32_NOPAD
        .decode(secret.trim_end_matches('=').as_bytes())
        .ok()?;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&(step as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    Some(format!("{:06}", value % 1_000_000))
}

/// The step a typed code belongs to: the current one or a neighbour (clock drift), and
/// later than `last_step`, so that a code once used is refused (ASVS 2.8.4).
pub fn verify(secret: &str, typed: &str, now: i64, last_step: i64) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now / STEP_SECS;
    [current, current - 1, current + 1]
        .into_iter()
        .filter(|&step| step > last_step)
        .find(|&step| code_at(secret, step).is_some_and(|code| constant_time_eq(&code, &typed)))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The otpauth URI an authenticator app reads from the QR code (Key Uri Format).
pub fn otpauth_uri(secret: &str, account: &str) -> String {
    let issuer = crate::kit::forms::encode_query("Provider Center");
    format!(
        "otpauth://totp/{issuer}:{}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
        crate::kit::forms::encode_query(account)
    )
}

/// The QR code of `text` as an SVG document (rendered on the server: no script needed).
pub fn qr_svg(text: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"200\" height=\"200\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

/// Ten single-use recovery codes, `xxxx-xxxx` from an alphabet without look-alikes.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 8];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..4], &chars[4..])
        })
        .collect()
}

/// A recovery code as typed, the way it is hashed: lower case, no spaces or dashes.
pub fn normalize_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 ("12345678901234567890"), last six digits.
    #[test]
    fn matches_the_rfc_test_vectors() {
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (time, code) in [
            (59_i64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(&secret, time / STEP_SECS).as_deref(), Some(code));
        }
    }

    #[test]
    fn a_code_is_good_for_its_step_and_neighbours_and_only_once() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let code = code_at(&secret, now / STEP_SECS).unwrap();
        let step = verify(&secret, &code, now, 0).expect("current code");
        assert_eq!(step, now / STEP_SECS);
        assert_eq!(verify(&secret, &code, now, step), None, "replayed");
        let previous = code_at(&secret, now / STEP_SECS - 1).unwrap();
        assert!(verify(&secret, &previous, now, 0).is_some(), "clock drift");
        let old = code_at(&secret, now / STEP_SECS - 3).unwrap();
        assert_eq!(verify(&secret, &old, now, 0), None);
        assert_eq!(verify(&secret, "12345", now, 0), None);
        assert_eq!(verify(&secret, "abcdef", now, 0), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(verify(&secret, &spaced, now, 0).is_some());
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalize() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        assert_eq!(normalize_recovery_code(" AbCd-EfGh "), "abcdefgh");
    }

    #[test]
    fn the_enrolment_uri_and_qr_code_carry_the_secret() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "aku@example.com");
        assert!(uri.starts_with(
            "otpauth://totp/Provider%20Center:aku%40example.com?secret=JBSWY3DPEHPK3PXP"
        ));
        let svg = qr_svg(&uri);
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
    }
}
