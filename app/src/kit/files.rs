//! The storage layer for uploaded files: bytes under an opaque random key. The default keeps
//! them on local disk (STORAGE_DIR); several instances need that folder shared.
//!
//! Uploads never sit in memory whole: a form's files are spooled to temporary files as they
//! arrive (`Upload`), judged by their first bytes and size, and copied into storage only once
//! every check passed. A file that is refused, or a request that breaks off, leaves nothing.

use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub enum Storage {
    LocalDisk(PathBuf),
}

/// A failure to store as the request's answer: a full disk or quota is `StorageFull` (507,
/// which says what happened); anything else is internal. Logged with `what` either way.
pub fn storage_error(error: std::io::Error, what: &str) -> crate::kit::error::AppError {
    use crate::kit::error::AppError;
    if is_full(&error) {
        tracing::error!(%error, what, "no room to store a file");
        AppError::StorageFull
    } else {
        tracing::error!(%error, what, "storing a file");
        AppError::Internal
    }
}

/// Whether an I/O error says the disk or the quota is full.
pub fn is_full(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

impl Storage {
    /// Stores `bytes`; returns the key to read them back with.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        self.write_new(|partial| async move { tokio::fs::write(partial, bytes).await })
            .await
    }

    /// Stores an upload's spooled file, streamed (never read into memory).
    pub async fn put_upload(&self, upload: &Upload) -> std::io::Result<String> {
        self.write_new(|partial| async move {
            tokio::fs::copy(upload.path(), partial).await.map(|_| ())
        })
        .await
    }

    /// Writes a new key's bytes with `write` under a temporary name, then renames it: a
    /// reader never sees half a file, and a failed write leaves nothing.
    async fn write_new<F, Fut>(&self, write: F) -> std::io::Result<String>
    where
        F: FnOnce(PathBuf) -> Fut,
        Fut: std::future::Future<Output = std::io::Result<()>>,
    {
        let key = crate::kit::token::new_token();
        match self {
            Storage::LocalDisk(root) => {
                let dir = root.join(&key[..2]);
                tokio::fs::create_dir_all(&dir).await?;
                let partial = dir.join(format!("{key}.partial"));
                if let Err(error) = write(partial.clone()).await {
                    let _ = tokio::fs::remove_file(&partial).await;
                    return Err(error);
                }
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

    /// Removes a key's bytes; a key already gone is no error.
    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        let Some(path) = self.path(key) else {
            return Ok(());
        };
        match tokio::fs::remove_file(path).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    /// Every stored key with its age in seconds, for the sweep of orphaned files.
    pub async fn keys(&self) -> std::io::Result<Vec<(String, u64)>> {
        let mut keys = Vec::new();
        match self {
            Storage::LocalDisk(root) => {
                let Ok(mut shards) = tokio::fs::read_dir(root).await else {
                    return Ok(keys);
                };
                while let Some(shard) = shards.next_entry().await? {
                    if !shard.file_type().await?.is_dir() {
                        continue;
                    }
                    let mut files = tokio::fs::read_dir(shard.path()).await?;
                    while let Some(file) = files.next_entry().await? {
                        let name = file.file_name().to_string_lossy().into_owned();
                        let age = file
                            .metadata()
                            .await?
                            .modified()
                            .ok()
                            .and_then(|m| m.elapsed().ok())
                            .map(|d| d.as_secs())
                            .unwrap_or(0);
                        keys.push((name, age));
                    }
                }
            }
        }
        Ok(keys)
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

/// Registrations left at step 1 this long are abandoned: their rows and files go.
pub const DRAFT_DAYS: i64 = 7;
/// A stored file no row names is removed once it is this old (an upload in flight has
/// stored its bytes but not yet committed its row).
const ORPHAN_GRACE_SECS: u64 = 24 * 3600;

/// Every column that names a stored file.
const FILE_REFERENCES: &[(&str, &str)] = &[
    ("milestone_files", "storage_key"),
    ("service_files", "storage_key"),
    ("registration_files", "storage_key"),
    ("tier_application_files", "storage_key"),
    ("ticket_files", "storage_key"),
    ("tutorials", "video_key"),
    ("tutorials", "poster_key"),
];

/// The background sweep: abandoned registration drafts, then stored files no row names
/// any more (deleted attachments, replaced videos, drafts just removed). Returns (drafts,
/// files) removed. Safe on several instances at once.
pub async fn sweep(
    db: &crate::kit::db::Db,
    storage: &Storage,
) -> Result<(u64, usize), sqlx::Error> {
    let drafts =
        sqlx::query("DELETE FROM registrations WHERE status = 'draft' AND created_at < $1")
            .bind(crate::kit::db::now() - DRAFT_DAYS * 24 * 3600)
            .execute(db.pool())
            .await?
            .rows_affected();
    let keys = storage.keys().await.map_err(sqlx::Error::Io)?;
    let referenced = FILE_REFERENCES
        .iter()
        .map(|(table, column)| format!("SELECT 1 FROM {table} WHERE {column} = $1"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let mut removed = 0;
    for (key, age) in keys {
        if age < ORPHAN_GRACE_SECS || storage.path(&key).is_none() {
            continue;
        }
        let used = sqlx::query(&referenced)
            .bind(&key)
            .fetch_optional(db.pool())
            .await?
            .is_some();
        if !used {
            storage.delete(&key).await.map_err(sqlx::Error::Io)?;
            removed += 1;
        }
    }
    Ok((drafts, removed))
}

/// How many of a file's first bytes are kept in memory to judge its type.
const HEAD_BYTES: usize = 64;

/// An uploaded file as it arrived: spooled to a temporary file (removed when the `Upload`
/// is dropped), its size and first bytes known.
pub struct Upload {
    pub name: String,
    temp: tempfile::TempPath,
    size: usize,
    head: Vec<u8>,
    /// More bytes came than the form's limit; only the limit's worth was kept.
    cut: bool,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("name", &self.name)
            .field("size", &self.size)
            .finish()
    }
}

impl Upload {
    /// Bytes received (more than any limit when `cut`).
    pub fn len(&self) -> usize {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// The first bytes, which `sniff` and `sniff_video` judge.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Where the spooled bytes are.
    pub fn path(&self) -> &std::path::Path {
        &self.temp
    }

    /// The whole file in memory (tests).
    #[cfg(test)]
    async fn read(&self) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path()).await
    }

    /// An upload of `bytes` (tests, and files made on the server).
    pub async fn from_bytes(name: &str, bytes: &[u8]) -> std::io::Result<Upload> {
        let mut spool = Spool::new(name, usize::MAX)?;
        spool.write(bytes).await?;
        spool.finish().await
    }
}

/// An upload being received: chunks are appended to a temporary file up to `limit` bytes;
/// past it they are only counted.
pub struct Spool {
    name: String,
    file: tokio::fs::File,
    temp: tempfile::TempPath,
    size: usize,
    head: Vec<u8>,
    limit: usize,
}

impl Spool {
    pub fn new(name: &str, limit: usize) -> std::io::Result<Spool> {
        let (file, temp) = tempfile::NamedTempFile::with_prefix("pc-upload-")?.into_parts();
        Ok(Spool {
            name: name.to_owned(),
            file: tokio::fs::File::from_std(file),
            temp,
            size: 0,
            head: Vec::new(),
            limit,
        })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        let room = self.limit.saturating_sub(self.size);
        if room > 0 {
            self.file.write_all(&chunk[..room.min(chunk.len())]).await?;
        }
        self.size = self.size.saturating_add(chunk.len());
        Ok(())
    }

    pub async fn finish(mut self) -> std::io::Result<Upload> {
        self.file.flush().await?;
        Ok(Upload {
            name: self.name,
            temp: self.temp,
            cut: self.size > self.limit,
            size: self.size,
            head: self.head,
        })
    }
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
    } else if files.iter().any(|f| f.len() > max_bytes || f.cut) {
        Some("ev.error.size")
    } else if files.iter().any(|f| sniff(f.head()).is_none()) {
        Some("ev.error.type")
    } else {
        None
    }
}

impl Storage {
    /// Puts checked attachments in storage; their rows are the caller's to write. All or
    /// nothing: when one cannot be stored, those stored before it are deleted again.
    pub async fn keep(&self, files: &[Upload]) -> std::io::Result<Vec<Kept>> {
        let mut kept: Vec<Kept> = Vec::new();
        for file in files {
            match self.put_upload(file).await {
                Ok(key) => kept.push(Kept {
                    name: clean_name(&file.name),
                    content_type: sniff(file.head()).unwrap_or("application/octet-stream"),
                    size: file.len() as i64,
                    key,
                }),
                Err(error) => {
                    for stored in &kept {
                        let _ = self.delete(&stored.key).await;
                    }
                    return Err(error);
                }
            }
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

/// A file to hand out: its name, its type and its bytes' key.
pub struct StoredFile {
    pub name: String,
    pub content_type: String,
    pub storage_key: String,
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
    async fn uploads_spool_to_disk_up_to_their_limit() {
        let mut spool = Spool::new("a.pdf", 10).unwrap();
        spool.write(b"%PDF-1.7 ").await.unwrap();
        spool.write(b"more than ten").await.unwrap();
        let upload = spool.finish().await.unwrap();
        assert_eq!(upload.len(), 22);
        assert!(upload.cut);
        assert_eq!(sniff(upload.head()), Some("application/pdf"));
        assert_eq!(upload.read().await.unwrap(), b"%PDF-1.7 m");
        let path = upload.path().to_owned();
        drop(upload);
        assert!(!path.exists(), "the spooled file goes with the upload");
    }

    #[tokio::test]
    async fn stored_uploads_are_copies_and_keys_can_be_deleted() {
        let root = std::env::temp_dir().join(format!("pc-storage-up-{}", std::process::id()));
        let storage = Storage::LocalDisk(root.clone());
        let upload = Upload::from_bytes("x.pdf", b"%PDF-1.7 x").await.unwrap();
        let key = storage.put_upload(&upload).await.unwrap();
        drop(upload);
        assert_eq!(storage.get(&key).await.unwrap(), b"%PDF-1.7 x");
        assert!(storage.keys().await.unwrap().iter().any(|(k, _)| k == &key));
        storage.delete(&key).await.unwrap();
        storage.delete(&key).await.unwrap();
        assert!(storage.get(&key).await.is_err());
        let _ = std::fs::remove_dir_all(root);
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
