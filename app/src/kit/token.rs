//! Random tokens (sessions, links, file keys) and what the database keeps of them.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// SHA-256 of a token, hex: what the database keeps of session and link tokens.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes from the operating system, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
