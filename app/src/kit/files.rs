//! The storage layer for uploaded files: bytes under an opaque random key, in a local folder
//! (the default), Azure Blob Storage or an S3-compatible store, all through `object_store`.
//! Several instances share one store (or one folder on a shared volume).
//!
//! Uploads never sit in memory whole: a form's files are spooled to temporary files as they
//! arrive (`Upload`), judged by their first bytes and size, and copied into storage only once
//! every check passed, in parts. A file that is refused, or a request that breaks off, leaves
//! nothing; a reader never sees half an object (local writes are renamed into place, remote
//! ones appear when their last part is committed).

use futures_util::StreamExt;
use object_store::path::Path as StorePath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where uploaded files are kept. Cheap to clone: one client shared by every request.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Storage {
    /// The store's own display (account, container, folder), never its Debug, which would
    /// print its credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

/// Files up to this size go to the store in one request; larger ones in parts of this size
/// (S3's smallest part is 5 MiB), at most one part in flight, so memory stays bounded.
const PART_BYTES: usize = 5 * 1024 * 1024;

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

/// An `object_store` failure as an I/O error: a missing object is `NotFound`, and an I/O
/// error underneath (a full disk) keeps its kind, so `is_full` sees it.
fn io_error(error: object_store::Error) -> std::io::Error {
    if matches!(error, object_store::Error::NotFound { .. }) {
        return std::io::Error::new(std::io::ErrorKind::NotFound, error.to_string());
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return std::io::Error::new(io.kind(), error.to_string());
        }
        source = cause.source();
    }
    std::io::Error::other(error.to_string())
}

/// Whether `key` is one this storage hands out: 64 hex digits, nothing else.
fn valid_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A key's place in the store: sharded by its first two digits (as the folder always was).
fn object_path(key: &str) -> StorePath {
    StorePath::from(format!("{}/{key}", &key[..2]))
}

/// The place of a key read back from a row: one this storage never handed out is not found.
fn stored_path(key: &str) -> std::io::Result<StorePath> {
    if valid_key(key) {
        Ok(object_path(key))
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such key",
        ))
    }
}

/// Part of a stored object, opened to be streamed out.
pub struct Opened {
    /// The whole object's size.
    pub size: u64,
    /// The bytes this stream carries.
    pub range: std::ops::Range<u64>,
    pub body: futures_util::stream::BoxStream<'static, std::io::Result<bytes::Bytes>>,
}

impl Storage {
    /// Files in a local folder, created if missing.
    pub fn local(root: impl Into<PathBuf>) -> std::io::Result<Storage> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        let store =
            object_store::local::LocalFileSystem::new_with_prefix(&root).map_err(io_error)?;
        Ok(Storage {
            store: Arc::new(store),
        })
    }

    /// The store a `STORAGE_URL` names: `az://container[/prefix]` (Azure Blob Storage, set up
    /// by the `AZURE_STORAGE_*` variables), `s3://bucket[/prefix]` (set up by `AWS_*`), or a
    /// local folder (a path, or `file:///path`).
    pub fn from_url(url: &str) -> Result<Storage, String> {
        let (scheme, rest) = match url.split_once("://") {
            Some((scheme, rest)) => (scheme, rest),
            None => ("", url),
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        // The store's HTTP client speaks rustls with ring, the provider the rest of the tree
        // uses; it must be the process default (an error only says one already is).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store: Arc<dyn ObjectStore> = match scheme {
            "" | "file" => {
                let path = if scheme.is_empty() { url } else { rest };
                return Storage::local(path)
                    .map_err(|error| format!("STORAGE_URL {path}: {error}"));
            }
            "az" | "azure" | "abfs" => Arc::new(
                object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_container_name(bucket)
                    .build()
                    .map_err(|error| format!("STORAGE_URL {scheme}://{bucket}: {error}"))?,
            ),
            "s3" => Arc::new(
                object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|error| format!("STORAGE_URL {scheme}://{bucket}: {error}"))?,
            ),
            other => {
                return Err(format!(
                    "STORAGE_URL: unknown scheme {other}:// (use az://, s3:// or a folder)"
                ))
            }
        };
        if bucket.is_empty() {
            return Err(format!("STORAGE_URL {url}: name the container or bucket"));
        }
        let prefix = prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            store
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(Storage { store })
    }

    /// Stores `bytes`; returns the key to read them back with.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let key = crate::kit::token::new_token();
        self.store
            .put(&object_path(&key), PutPayload::from(bytes.to_vec()))
            .await
            .map_err(io_error)?;
        Ok(key)
    }

    /// Stores an upload's spooled file, streamed in parts (never read into memory whole).
    /// The copy runs as a task of its own: a request that breaks off midway cannot leave a
    /// multipart upload open in the store (it is finished or aborted either way).
    pub async fn put_upload(&self, upload: &Upload) -> std::io::Result<String> {
        if upload.len() <= PART_BYTES {
            return self.put(&tokio::fs::read(upload.path()).await?).await;
        }
        let key = crate::kit::token::new_token();
        // Opened here: the open file outlives the spool's temporary name.
        let mut file = tokio::fs::File::open(upload.path()).await?;
        let parts = self
            .store
            .put_multipart(&object_path(&key))
            .await
            .map_err(io_error)?;
        let copy = tokio::spawn(async move {
            let mut writer = WriteMultipart::new_with_chunk_size(parts, PART_BYTES);
            let copied: std::io::Result<()> = async {
                let mut buffer = vec![0; 256 * 1024];
                loop {
                    let read = file.read(&mut buffer).await?;
                    if read == 0 {
                        return Ok(());
                    }
                    writer.wait_for_capacity(1).await.map_err(io_error)?;
                    writer.write(&buffer[..read]);
                }
            }
            .await;
            match copied {
                Ok(()) => writer.finish().await.map(|_| ()).map_err(io_error),
                Err(error) => {
                    let _ = writer.abort().await;
                    Err(error)
                }
            }
        });
        copy.await.map_err(std::io::Error::other)??;
        Ok(key)
    }

    /// Removes a key's bytes; a key already gone is no error.
    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        if !valid_key(key) {
            return Ok(());
        }
        match self.store.delete(&object_path(key)).await {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(error) => Err(io_error(error)),
        }
    }

    /// Every stored key with its age in seconds, for the sweep of orphaned files.
    pub async fn keys(&self) -> std::io::Result<Vec<(String, u64)>> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let mut keys = Vec::new();
        let mut listed = self.store.list(None);
        while let Some(meta) = listed.next().await {
            let meta = meta.map_err(io_error)?;
            let Some(name) = meta.location.filename() else {
                continue;
            };
            if valid_key(name) {
                let age = (now - meta.last_modified.timestamp()).max(0) as u64;
                keys.push((name.to_owned(), age));
            }
        }
        Ok(keys)
    }

    /// A key's bytes, whole (small files: the PDF generator's inputs, tests).
    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        let path = stored_path(key)?;
        let got = self.store.get(&path).await.map_err(io_error)?;
        Ok(got.bytes().await.map_err(io_error)?.to_vec())
    }

    /// A key's bytes as a stream: all of them, or `range` (a range past the end is cut to
    /// it; an empty or wholly outside range is the caller's to refuse, see `serve`).
    pub async fn open(
        &self,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> std::io::Result<Opened> {
        let path = stored_path(key)?;
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let got = self
            .store
            .get_opts(&path, options)
            .await
            .map_err(io_error)?;
        let (size, range) = (got.meta.size, got.range.clone());
        let body = match got.payload {
            // A local file: read in large chunks (object_store's own stream reads 8 KiB per
            // blocking task, slow for a video).
            object_store::GetResultPayload::File(file, _) => {
                use tokio::io::AsyncSeekExt;
                let mut file = tokio::fs::File::from_std(file);
                file.seek(std::io::SeekFrom::Start(range.start)).await?;
                tokio_util::io::ReaderStream::with_capacity(
                    file.take(range.end - range.start),
                    256 * 1024,
                )
                .boxed()
            }
            object_store::GetResultPayload::Stream(stream) => {
                stream.map(|r| r.map_err(io_error)).boxed()
            }
        };
        Ok(Opened { size, range, body })
    }

    /// A key's size, without its bytes.
    pub async fn size(&self, key: &str) -> std::io::Result<u64> {
        let path = stored_path(key)?;
        let meta = self.store.head(&path).await.map_err(io_error)?;
        Ok(meta.size)
    }
}

/// `response` as a download named `file_name` of type `content_type`, never cached.
pub fn attachment(
    mut response: axum::response::Response,
    file_name: &str,
    content_type: &str,
) -> axum::response::Response {
    use http::{header, HeaderValue};
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename*=UTF-8''{}",
        crate::kit::forms::encode_query(file_name)
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// A stored file as the download `name` of type `content_type` (whole, streamed); a missing
/// file answers as `serve` does.
pub async fn download(
    storage: &Storage,
    key: &str,
    name: &str,
    content_type: &str,
) -> axum::response::Response {
    let served = serve(storage, key, &http::HeaderMap::new()).await;
    if served.status().is_success() {
        attachment(served, name, content_type)
    } else {
        served
    }
}

/// Answers a request for a stored file: streamed from the store, never held whole; one
/// byte range (a video's seek) is answered 206 with exactly those bytes, an unsatisfiable
/// one 416; several ranges get the whole file. The caller sets the type and disposition.
pub async fn serve(
    storage: &Storage,
    key: &str,
    request: &http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http::{header, HeaderValue, StatusCode};
    let missing = |error: std::io::Error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            tracing::error!(%key, "a stored file is missing from storage");
            StatusCode::NOT_FOUND.into_response()
        } else {
            tracing::error!(%key, %error, "reading a stored file");
            crate::kit::error::AppError::Unavailable.into_response()
        }
    };
    // Keys are write-once, so the key is the bytes' validator.
    let etag = format!("\"{key}\"");
    if request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
    {
        let mut unchanged = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            unchanged.headers_mut().insert(header::ETAG, value);
        }
        return unchanged;
    }
    let asked = request
        .get(header::RANGE)
        .and_then(|value| value.to_str().ok());
    let mut range = None;
    if let Some(asked) = asked {
        let size = match storage.size(key).await {
            Ok(size) => size,
            Err(error) => return missing(error),
        };
        use http_range_header::RangeUnsatisfiableError as Refused;
        match http_range_header::parse_range_header(asked).and_then(|r| r.validate(size)) {
            // An empty file has no bytes to range over: it is sent whole.
            _ if size == 0 => {}
            Ok(ranges) if ranges.len() == 1 => {
                range = Some(*ranges[0].start()..ranges[0].end() + 1);
            }
            // Several ranges: the whole file (allowed, and simpler for every client).
            Ok(_) => {}
            // The last N bytes of a shorter file: all of it.
            Err(Refused::FileSuffixOutOfBounds) => range = Some(0..size),
            // Ranges that are well-formed but fit no byte of the file.
            Err(Refused::RangeReversed | Refused::OverlappingRanges | Refused::ZeroSuffix) => {
                let mut refused = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    refused.headers_mut().insert(header::CONTENT_RANGE, value);
                }
                return refused;
            }
            // A Range header that does not parse is ignored (RFC 9110).
            Err(_) => {}
        }
    }
    let partial = range.is_some();
    let opened = match storage.open(key, range).await {
        Ok(opened) => opened,
        Err(error) => return missing(error),
    };
    let mut response = axum::body::Body::from_stream(opened.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(opened.range.end - opened.range.start),
    );
    if partial {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(value) = HeaderValue::from_str(&format!(
            "bytes {}-{}/{}",
            opened.range.start,
            opened.range.end - 1,
            opened.size
        )) {
            response.headers_mut().insert(header::CONTENT_RANGE, value);
        }
    }
    response
}

/// Registrations left at step 1 this long are abandoned: their rows and files go.
pub const DRAFT_DAYS: i64 = 7;
/// A stored file no row names is removed once it is this old (an upload in flight has
/// stored its bytes but not yet committed its row).
const ORPHAN_GRACE_SECS: u64 = 24 * 3600;

/// Every column that names a stored file.
const FILE_REFERENCES: &[(&str, &str)] = &[
    ("milestone_files", "storage_key"),
    ("acceptance_evidence", "storage_key"),
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
    sweep_older_than(db, storage, ORPHAN_GRACE_SECS).await
}

/// The sweep, removing unnamed files at least `grace_secs` old (tests pass 0: a store's
/// objects cannot be aged by hand).
pub async fn sweep_older_than(
    db: &crate::kit::db::Db,
    storage: &Storage,
    grace_secs: u64,
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
        if age < grace_secs {
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

impl StoredFile {
    /// A file row's `name`, `content_type` and `storage_key` (every attachment table has them).
    pub fn from_row(row: &sqlx::any::AnyRow) -> Result<StoredFile, sqlx::Error> {
        use sqlx::Row;
        Ok(StoredFile {
            name: row.try_get("name")?,
            content_type: row.try_get("content_type")?,
            storage_key: row.try_get("storage_key")?,
        })
    }

    /// The row a file query found, or `NotFound` where it found none.
    pub fn found(
        row: Option<sqlx::any::AnyRow>,
    ) -> Result<StoredFile, crate::kit::error::AppError> {
        let row = row.ok_or(crate::kit::error::AppError::NotFound)?;
        Ok(StoredFile::from_row(&row)?)
    }
}

/// An attachment table: its name and the column naming what a file belongs to. Both are
/// constants of the code, never text from a request.
#[derive(Debug, Clone, Copy)]
pub struct FileTable {
    pub table: &'static str,
    pub belongs_to: &'static str,
}

/// Records files already kept in storage as rows of `table`, in the caller's transaction.
pub async fn record_kept(
    conn: &mut sqlx::AnyConnection,
    table: FileTable,
    owner_id: i64,
    files: &[Kept],
    at: i64,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO {} ({}, name, content_type, size, storage_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        table.table, table.belongs_to
    );
    for file in files {
        sqlx::query(&sql)
            .bind(owner_id)
            .bind(&file.name)
            .bind(file.content_type)
            .bind(file.size)
            .bind(&file.key)
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
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
        let storage = Storage::local(root.clone()).unwrap();
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
    async fn large_uploads_go_in_parts_and_ranges_read_part() {
        let root = std::env::temp_dir().join(format!("pc-storage-big-{}", std::process::id()));
        let storage = Storage::local(root.clone()).unwrap();
        let bytes: Vec<u8> = (0..PART_BYTES * 2 + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        let upload = Upload::from_bytes("v.mp4", &bytes).await.unwrap();
        let key = storage.put_upload(&upload).await.unwrap();
        assert_eq!(storage.size(&key).await.unwrap(), bytes.len() as u64);
        assert_eq!(storage.get(&key).await.unwrap(), bytes);
        let opened = storage.open(&key, Some(10..20)).await.unwrap();
        assert_eq!(opened.range, 10..20);
        assert_eq!(opened.size, bytes.len() as u64);
        let read: Vec<u8> = opened
            .body
            .map(|chunk| chunk.unwrap().to_vec())
            .concat()
            .await;
        assert_eq!(read, &bytes[10..20]);
        assert_eq!(
            storage.keys().await.unwrap().len(),
            1,
            "no part left behind"
        );
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn storage_urls_name_a_folder_or_a_bucket() {
        let root = std::env::temp_dir().join(format!("pc-storage-url-{}", std::process::id()));
        assert!(Storage::from_url(&root.display().to_string()).is_ok());
        assert!(Storage::from_url(&format!("file://{}", root.display())).is_ok());
        assert!(Storage::from_url("ftp://x")
            .unwrap_err()
            .contains("unknown scheme"));
        assert!(Storage::from_url("s3:///prefix").is_err());
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn stored_bytes_come_back_by_key_only() {
        let root = std::env::temp_dir().join(format!("pc-storage-{}", std::process::id()));
        let storage = Storage::local(root.clone()).unwrap();
        let key = storage.put(b"%PDF-1.7 evidence").await.unwrap();
        assert_eq!(storage.get(&key).await.unwrap(), b"%PDF-1.7 evidence");
        assert!(storage.get("../../etc/passwd").await.is_err());
        let _ = std::fs::remove_dir_all(root);
    }
}
