//! The storage layer for uploaded files: bytes under an opaque random key. The default keeps
//! them on local disk (STORAGE_DIR); several instances need that folder shared.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Storage {
    LocalDisk(PathBuf),
}

impl Storage {
    /// Stores `bytes`; returns the key to read them back with.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let key = crate::accounts::session::new_token();
        match self {
            Storage::LocalDisk(root) => {
                let dir = root.join(&key[..2]);
                tokio::fs::create_dir_all(&dir).await?;
                // Written under a temporary name and renamed: a reader never sees half a file.
                let partial = dir.join(format!("{key}.partial"));
                tokio::fs::write(&partial, bytes).await?;
                tokio::fs::rename(&partial, dir.join(&key)).await?;
            }
        }
        Ok(key)
    }

    /// Where a key's bytes lie on disk, for serving them with range requests.
    pub fn path(&self, key: &str) -> Option<PathBuf> {
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        match self {
            Storage::LocalDisk(root) => Some(root.join(&key[..2]).join(key)),
        }
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such key",
            ));
        }
        match self {
            Storage::LocalDisk(root) => tokio::fs::read(root.join(&key[..2]).join(key)).await,
        }
    }
}

/// An uploaded file as it arrived.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file put in storage: its cleaned name, its type by content, its size and key.
pub struct Kept {
    pub name: String,
    pub content_type: &'static str,
    pub size: i64,
    pub key: String,
}

/// Checks optional attachments: at most `max_files`, each at most `max_bytes` and of a type
/// `sniff` knows. The error code for the form's `files` field, if any.
pub fn check_attachments(
    files: &[Upload],
    max_files: usize,
    max_bytes: usize,
    too_many: &'static str,
) -> Option<&'static str> {
    if files.len() > max_files {
        Some(too_many)
    } else if files.iter().any(|f| f.bytes.len() > max_bytes) {
        Some("ev.error.size")
    } else if files.iter().any(|f| sniff(&f.bytes).is_none()) {
        Some("ev.error.type")
    } else {
        None
    }
}

impl Storage {
    /// Puts checked attachments in storage; their rows are the caller's to write.
    pub async fn keep(&self, files: &[Upload]) -> std::io::Result<Vec<Kept>> {
        let mut kept = Vec::new();
        for file in files {
            kept.push(Kept {
                name: clean_name(&file.name),
                content_type: sniff(&file.bytes).unwrap_or("application/octet-stream"),
                size: file.bytes.len() as i64,
                key: self.put(&file.bytes).await?,
            });
        }
        Ok(kept)
    }
}

/// What a file is, judged by its first bytes, never by its name or the browser's word.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") {
        // ZIP, and the Office documents (docx, xlsx, pptx) that are ZIP files.
        Some("application/zip")
    } else {
        None
    }
}

/// A video's type by its first bytes: MP4 (an `ftyp` box) or WebM (EBML with the webm doctype).
pub fn sniff_video(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        Some("video/mp4")
    } else if bytes.starts_with(b"\x1A\x45\xDF\xA3")
        && bytes[..bytes.len().min(64)]
            .windows(4)
            .any(|w| w == b"webm")
    {
        Some("video/webm")
    } else {
        None
    }
}

/// A file name safe to store and show: no path, no control characters, at most 120 chars.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn videos_are_known_by_content() {
        assert_eq!(
            sniff_video(b"\0\0\0\x20ftypisom\0\0\x02\0"),
            Some("video/mp4")
        );
        assert_eq!(
            sniff_video(b"\x1A\x45\xDF\xA3\x01\0\0\0\0\0\0\x1fB\x86\x81\x01B\x82\x84webm"),
            Some("video/webm")
        );
        assert_eq!(sniff_video(b"\x1A\x45\xDF\xA3 matroska"), None);
        assert_eq!(sniff_video(b"<html>ftyp"), None);
    }

    #[test]
    fn types_come_from_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some("image/jpeg"));
        assert_eq!(sniff(b"PK\x03\x04"), Some("application/zip"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\docs\\报告.pdf"), "报告.pdf");
        assert_eq!(clean_name("a\r\nb\".pdf"), "ab.pdf");
        assert_eq!(clean_name("   "), "file");
    }

    #[tokio::test]
    async fn stored_bytes_come_back_by_key_only() {
        let root = std::env::temp_dir().join(format!("pc-storage-{}", std::process::id()));
        let storage = Storage::LocalDisk(root.clone());
        let key = storage.put(b"%PDF-1.7 evidence").await.unwrap();
        assert_eq!(storage.get(&key).await.unwrap(), b"%PDF-1.7 evidence");
        assert!(storage.get("../../etc/passwd").await.is_err());
        let _ = std::fs::remove_dir_all(root);
    }
}
